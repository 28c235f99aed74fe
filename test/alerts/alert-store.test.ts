/**
 * The alert store on the test backend (PGlite, or PostgreSQL with TEST_DATABASE_URL): a condition fires once per
 * cool-down, later firings are counted as suppressed, concurrent firings of one key fire once, and a user sees
 * their own alerts and the system's, never another user's
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert-rules.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { claimAttempt, fireAlert, listAlerts, markAttemptFailed, markDelivered, pendingAlerts } from '../../src/store/alert-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

let t: TestDb;
let alice: string;
let bob: string;
const clock = new ManualClock('2026-03-01T12:00:00Z');
const COOLDOWN = 15 * 60_000;

const alert = (over: Partial<Alert> = {}): Alert => ({
  kind: 'order_latency', dedupeKey: `latency:${alice}:LT_FT_A`, severity: 'warning', message: 'slow',
  detail: { worst_ms: 5000 }, userId: alice, strategyId: 'LT_FT_A', ...over,
});
const rowsOf = (key: string) => t.db.query<{ suppressed: number; last_seen_at: Date; fired_at: Date; delivery: string }>(
  'SELECT suppressed, last_seen_at, fired_at, delivery FROM lt_alerts WHERE dedupe_key = $1 ORDER BY fired_at', [key]);

beforeAll(async () => {
  t = await openTestDb();
  alice = (await createUser(t.db, 'alice')).user.userId;
  bob = (await createUser(t.db, 'bob')).user.userId;
});
afterAll(async () => t?.close());

describe(`alert store on ${backendName}`, () => {
  it('fires once, suppresses within the cool-down, fires again once the cool-down has passed', async () => {
    const a = alert();
    const first = await fireAlert(t.db, a, clock.now(), COOLDOWN);
    expect(first.fired).toBe(true);
    clock.advance(60_000);
    expect(await fireAlert(t.db, a, clock.now(), COOLDOWN)).toEqual({ fired: false, alertId: first.alertId });
    clock.advance(COOLDOWN - 60_000 - 1);
    expect((await fireAlert(t.db, a, clock.now(), COOLDOWN)).fired).toBe(false);
    const [row] = await rowsOf(a.dedupeKey);
    expect(row!.suppressed).toBe(2);
    expect(new Date(row!.last_seen_at).getTime()).toBe(clock.now().getTime());
    clock.advance(1); // exactly the cool-down after the first firing
    const again = await fireAlert(t.db, a, clock.now(), COOLDOWN);
    expect(again.fired).toBe(true);
    expect(again.alertId).not.toBe(first.alertId);
    expect((await rowsOf(a.dedupeKey)).map((r) => r.suppressed)).toEqual([2, 0]);
  });

  it('different keys are independent; without a webhook the row is stored as disabled', async () => {
    const a = alert({ dedupeKey: 'job:ft-sync', kind: 'job_missed', userId: null, strategyId: null });
    expect((await fireAlert(t.db, a, clock.now(), COOLDOWN, { deliver: false })).fired).toBe(true);
    expect((await fireAlert(t.db, alert({ dedupeKey: 'job:lt-execute' }), clock.now(), COOLDOWN)).fired).toBe(true);
    expect((await rowsOf('job:ft-sync'))[0]!.delivery).toBe('disabled');
  });

  it('ten concurrent firings of one key fire exactly once', async () => {
    const a = alert({ dedupeKey: 'feed:race' });
    const results = await Promise.all(Array.from({ length: 10 }, () => fireAlert(t.db, a, clock.now(), COOLDOWN)));
    expect(results.filter((r) => r.fired)).toHaveLength(1);
    expect((await rowsOf('feed:race')).map((r) => r.suppressed)).toEqual([9]);
  });

  it("lists the user's alerts and the system's, newest first, never another user's", async () => {
    clock.advance(1000);
    await fireAlert(t.db, alert({ dedupeKey: `latency:${bob}:LT_FT_B`, userId: bob, strategyId: 'LT_FT_B' }), clock.now(), COOLDOWN);
    const mine = await listAlerts(t.db, alice, 100);
    expect(mine.every((r) => r.userId === alice || r.userId === null)).toBe(true);
    expect(mine.map((r) => r.dedupeKey)).toContain('job:ft-sync');
    const theirs = await listAlerts(t.db, bob, 100);
    expect(theirs[0]).toMatchObject({ userId: bob, strategyId: 'LT_FT_B', kind: 'order_latency', detail: { worst_ms: 5000 } });
    expect(theirs.some((r) => r.userId === alice)).toBe(false);
    expect(await listAlerts(t.db, alice, 1)).toHaveLength(1);
  });

  it('an attempt is claimed once; delivered and failed rows leave the outbox', async () => {
    const pending = await pendingAlerts(t.db, 100);
    expect(pending.length).toBeGreaterThan(0);
    const [p, q] = pending;
    expect(await claimAttempt(t.db, p!.alertId, p!.attempts)).toBe(true);
    expect(await claimAttempt(t.db, p!.alertId, p!.attempts)).toBe(false);
    await markDelivered(t.db, p!.alertId, clock.now());
    await markAttemptFailed(t.db, q!.alertId, 'HTTP 500', false);
    const after = await pendingAlerts(t.db, 100);
    expect(after.map((r) => r.alertId)).not.toContain(p!.alertId);
    expect(after.find((r) => r.alertId === q!.alertId)?.lastError).toBe('HTTP 500');
    await markAttemptFailed(t.db, q!.alertId, 'HTTP 500', true);
    expect((await pendingAlerts(t.db, 100)).map((r) => r.alertId)).not.toContain(q!.alertId);
  });
});
