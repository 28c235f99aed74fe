/**
 * GET /api/alerts in-process: authentication, each user sees their own alerts and the system's but never another
 * user's, `limit` validated as problem+json, and the route in the OpenAPI document
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import type { Alert } from '../../src/domain/alert-rules.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { silentLog } from '../../src/log.ts';
import { fireAlert } from '../../src/store/alert-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { callApp, idleVenue, type Json } from '../support/api-client.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

let t: TestDb;
let app: ReturnType<typeof createApp>;
const clock = new ManualClock('2026-03-01T12:00:00Z');
const users: Record<string, { id: string; token: string }> = {};
const PROBLEM = 'application/problem+json';

const alert = (userId: string | null, key: string): Alert => ({
  kind: userId ? 'order_latency' : 'job_missed', dedupeKey: key, severity: userId ? 'warning' : 'critical',
  message: `${key} fired`, detail: { key }, userId, strategyId: userId ? 'LT_FT_A' : null,
});

beforeAll(async () => {
  t = await openTestDb();
  app = createApp({ db: t.db, clock, log: silentLog, venue: idleVenue(clock), version: 'test', runJob: async () => ({ ran: false, reason: 'none' }) });
  for (const name of ['alice', 'bob']) {
    const { user, token } = await createUser(t.db, name);
    users[name] = { id: user.userId, token };
  }
  await fireAlert(t.db, alert(users.alice!.id, 'latency:alice'), clock.now(), 60_000);
  clock.advance(1000);
  await fireAlert(t.db, alert(null, 'job:ft-sync'), clock.now(), 60_000, { deliver: false });
  clock.advance(1000);
  await fireAlert(t.db, alert(users.bob!.id, 'latency:bob'), clock.now(), 60_000);
  await fireAlert(t.db, alert(users.bob!.id, 'latency:bob'), clock.now(), 60_000);
});
afterAll(async () => t?.close());

const get = (path: string, token: string | null) => callApp(app, 'GET', path, undefined, token);

describe(`alerts API on ${backendName}`, () => {
  it('refuses a request without a valid token', async () => {
    for (const token of [null, 'tdm_wrong']) {
      const r = await get('/api/alerts', token);
      expect([r.status, r.type]).toEqual([401, PROBLEM]);
    }
  });

  it("lists the user's alerts and the system's, newest first, never another user's", async () => {
    const alice = await get('/api/alerts', users.alice!.token);
    expect(alice.status).toBe(200);
    expect(alice.body.alerts.map((a: Json) => a.message)).toEqual(['job:ft-sync fired', 'latency:alice fired']);
    const bob = await get('/api/alerts', users.bob!.token);
    expect(bob.body.alerts.map((a: Json) => a.message)).toEqual(['latency:bob fired', 'job:ft-sync fired']);
    expect(bob.body.alerts[0]).toEqual({
      alert_id: expect.any(String), kind: 'order_latency', severity: 'warning', message: 'latency:bob fired',
      detail: { key: 'latency:bob' }, strategy_id: 'LT_FT_A', system: false, fired_at: '2026-03-01T12:00:02.000Z',
      suppressed: 1, last_seen_at: '2026-03-01T12:00:02.000Z', delivery: 'pending', attempts: 0, delivered_at: null,
      last_error: null,
    });
    expect(bob.body.alerts[1]).toMatchObject({ system: true, strategy_id: null, delivery: 'disabled', severity: 'critical' });
  });

  it('validates limit', async () => {
    expect((await get('/api/alerts?limit=1', users.bob!.token)).body.alerts).toHaveLength(1);
    for (const bad of ['0', '501', 'abc', '1.5']) {
      const r = await get(`/api/alerts?limit=${bad}`, users.bob!.token);
      expect([r.status, r.type], bad).toEqual([400, PROBLEM]);
      expect(r.body.issues?.[0]?.path).toEqual(['limit']);
    }
  });

  it('is in the OpenAPI document, secured by the bearer token', async () => {
    const doc = await get('/api/openapi.json', null);
    expect(doc.body.paths['/api/alerts'].get).toMatchObject({ security: [{ bearer: [] }], tags: ['alerts'] });
    expect(doc.body.paths['/api/alerts'].get.parameters.map((p: Json) => p.name)).toEqual(['limit', 'cursor']);
  });
});
