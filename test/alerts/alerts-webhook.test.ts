/**
 * Alerts end to end: conditions made true in the database and the feed registry, the alerts job run repeatedly on a
 * manual clock, and a webhook receiver on 127.0.0.1 counting what arrives. Each condition arrives once per cool-down,
 * again after it while it persists, never once it cleared; failed deliveries are retried and then given up; the
 * webhook URL's token never reaches a log line or the database
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookNotifier } from '../../src/alerts/webhook.ts';
import { checkAlerts, DEFAULT_ALERT_SETTINGS, type AlertMonitorDeps } from '../../src/engine/alert-monitor.ts';
import type { Log } from '../../src/engine/ports.ts';
import { createFeedHealth } from '../../src/feeds/feed-health.ts';
import { createLog } from '../../src/log.ts';
import { addQualityOrder, ensureMarket } from '../support/alert-fixtures.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const MIN = 60_000;
const TOKEN = 'T0K3N-abcdef-SECRET';
let w: LtWorld | null = null;
let receivers: Receiver[] = [];
afterEach(async () => {
  await w?.close();
  w = null;
  for (const r of receivers) await r.close();
  receivers = [];
});

async function world(): Promise<LtWorld> {
  w = await createLtWorld({ settings: { latency_alert_ms: 1000 } });
  await ensureMarket(w.ft.t.db);
  return w;
}

async function receiver(answer?: (n: number) => number | 'hang') {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

/** A log that keeps its lines, to check no secret is written */
function capturingLog(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  return { log: createLog('info', (l) => lines.push(l)), lines };
}

function monitor(lt: LtWorld, url: string, log: Log, over: Partial<AlertMonitorDeps> = {}, webhook = {}): AlertMonitorDeps {
  const db = lt.ft.t.db;
  const clock = lt.ft.clock;
  return {
    db, clock, log, jobs: [], startedAt: clock.now(), feeds: null,
    settings: { ...DEFAULT_ALERT_SETTINGS, cooldownMs: 15 * MIN, latencyLookbackMs: 15 * MIN, feedSilenceMs: 2 * MIN },
    notifier: createWebhookNotifier({ db, clock, log }, { url, ...webhook }), ...over,
  };
}

const kinds = (r: Receiver) => r.posts.map((p) => p.body.alert.kind as string).sort();

describe(`alerts to a webhook on 127.0.0.1 (${backendName})`, () => {
  it('fire once per condition within the cool-down, again after it while the condition persists, never once it cleared', async () => {
    const lt = await world();
    const clock = lt.ft.clock;
    const db = lt.ft.t.db;
    const rx = await receiver();
    const { log, lines } = capturingLog();
    const feeds = createFeedHealth(clock);
    feeds.markMessage('sim-world');
    const deps = monitor(lt, `${rx.base}/hook/${TOKEN}?token=${TOKEN}`, log, { feeds, jobs: [{ name: 'ft-sync', intervalMs: MIN }] });
    for (let k = 0; k < 3; k++) {
      await addQualityOrder(db, lt.userId, lt.strategyId, { at: clock.now(), latencyMs: 5000, slippagePct: '2' });
    }
    // t0: a slow order and 3 slipped fills; the feed just spoke, the job is within its interval
    expect(await checkAlerts(deps)).toMatchObject({ fired: 2, delivery: { delivered: 2, retrying: 0, failed: 0 } });
    expect(kinds(rx)).toEqual(['order_latency', 'slippage']);
    // t0 + 5 min: the feed is silent and the job missed; the strategy's conditions are suppressed
    clock.advance(5 * MIN);
    expect(await checkAlerts(deps)).toMatchObject({ raised: 4, fired: 2, suppressed: 2 });
    expect(kinds(rx)).toEqual(['feed_silent', 'job_missed', 'order_latency', 'slippage']);
    // Slippage and the feed clear; the slow order stays inside the 15-minute look-back
    clock.advance(MIN);
    await addQualityOrder(db, lt.userId, lt.strategyId, { at: clock.now(), latencyMs: 10, slippagePct: '0.1' });
    feeds.markMessage('sim-world');
    for (let k = 0; k < 10; k++) {
      clock.advance(MIN); // t0 + 7 … 16 min
      feeds.markMessage('sim-world');
      await checkAlerts(deps);
    }
    // The job (fired at t0 + 5 min) is still suppressed; latency, slippage and the feed cleared
    expect(kinds(rx)).toEqual(['feed_silent', 'job_missed', 'order_latency', 'slippage']);
    for (let k = 0; k < 5; k++) {
      clock.advance(MIN); // t0 + 17 … 21 min: the job's cool-down ends at t0 + 20 min
      feeds.markMessage('sim-world');
      await checkAlerts(deps);
    }
    expect(kinds(rx)).toEqual(['feed_silent', 'job_missed', 'job_missed', 'order_latency', 'slippage']);
    for (const p of rx.posts) {
      expect(p.contentType).toContain('application/json');
      expect(p.body.text).toBe(`${p.body.alert.severity} ${p.body.alert.kind}: ${p.body.alert.message}`);
      expect(Object.keys(p.body.alert).sort()).toEqual(['detail', 'fired_at', 'id', 'kind', 'message', 'severity', 'strategy_id']);
    }
    expect(rx.posts.find((p) => p.body.alert.kind === 'order_latency')!.body.alert).toMatchObject({
      strategy_id: lt.strategyId, severity: 'warning', detail: { threshold_ms: 1000, worst_ms: 5000, count: 3 },
    });
    const rows = await db.query<{ dedupe_key: string; suppressed: number; delivery: string }>(
      'SELECT dedupe_key, suppressed, delivery FROM lt_alerts ORDER BY fired_at, dedupe_key');
    expect(rows.every((r) => r.delivery === 'delivered')).toBe(true);
    expect(rows.find((r) => r.dedupe_key === 'job:ft-sync')!.suppressed).toBe(13); // t0 + 7 … 19 min
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('a new slow order after the cool-down fires the latency alert again; a shadow order does not count', async () => {
    const lt = await world();
    const clock = lt.ft.clock;
    const rx = await receiver();
    const deps = monitor(lt, `${rx.base}/hook`, capturingLog().log);
    await addQualityOrder(lt.ft.t.db, lt.userId, lt.strategyId, { at: clock.now(), latencyMs: 1001 });
    await addQualityOrder(lt.ft.t.db, lt.userId, lt.strategyId, { at: clock.now(), latencyMs: 99_999, shadow: true });
    await checkAlerts(deps);
    clock.advance(16 * MIN);
    await checkAlerts(deps); // the slow order left the look-back: cleared
    await addQualityOrder(lt.ft.t.db, lt.userId, lt.strategyId, { at: clock.now(), latencyMs: 3000 });
    await checkAlerts(deps);
    expect(rx.posts.map((p) => p.body.alert.detail.worst_ms)).toEqual([1001, 3000]);
  });

  it('a receiver answering 500 then 200 gets the alert on the retry', async () => {
    const lt = await world();
    const rx = await receiver((n) => (n === 1 ? 500 : 200));
    const { log, lines } = capturingLog();
    const deps = monitor(lt, `${rx.base}/hook/${TOKEN}`, log, { jobs: [{ name: 'lt-execute', intervalMs: 10_000 }] });
    lt.ft.clock.advance(21_000);
    expect((await checkAlerts(deps)).delivery).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const [pending] = await lt.ft.t.db.query<Record<string, unknown>>('SELECT delivery, attempts, last_error FROM lt_alerts');
    expect(pending).toMatchObject({ delivery: 'pending', attempts: 1, last_error: 'HTTP 500' });
    lt.ft.clock.advance(MIN);
    expect((await checkAlerts(deps)).delivery).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(rx.posts).toHaveLength(2);
    expect(rx.posts[1]!.body).toEqual(rx.posts[0]!.body); // the same alert, sent again
    const [done] = await lt.ft.t.db.query<Record<string, unknown>>('SELECT delivery, attempts, delivered_at FROM lt_alerts');
    expect(done).toMatchObject({ delivery: 'delivered', attempts: 2 });
    expect(lines.some((l) => l.includes('alert delivery failed') && l.includes(`127.0.0.1:`))).toBe(true);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('gives up after the maximum attempts with the last error, and a refused connection leaks no token', async () => {
    const lt = await world();
    const rx = await receiver(() => 503);
    const deps = monitor(lt, `${rx.base}/hook`, capturingLog().log, { jobs: [{ name: 'lt-execute', intervalMs: 10_000 }] },
      { maxAttempts: 3 });
    lt.ft.clock.advance(21_000);
    const runs = [];
    for (let k = 0; k < 5; k++) runs.push((await checkAlerts(deps)).delivery);
    expect(runs).toEqual([{ delivered: 0, retrying: 1, failed: 0 }, { delivered: 0, retrying: 1, failed: 0 },
      { delivered: 0, retrying: 0, failed: 1 }, { delivered: 0, retrying: 0, failed: 0 }, { delivered: 0, retrying: 0, failed: 0 }]);
    expect(rx.posts).toHaveLength(3);
    const [row] = await lt.ft.t.db.query<Record<string, unknown>>('SELECT delivery, attempts, last_error FROM lt_alerts');
    expect(row).toMatchObject({ delivery: 'failed', attempts: 3, last_error: 'HTTP 503' });

    const closed = await receiver();
    const url = `${closed.base}/hook/${TOKEN}`;
    await closed.close();
    receivers = receivers.filter((r) => r !== closed);
    const { log, lines } = capturingLog();
    const refused = monitor(lt, url, log, { jobs: [{ name: 'ft-resolve', intervalMs: 10_000 }] });
    lt.ft.clock.advance(MIN);
    expect((await checkAlerts(refused)).delivery).toMatchObject({ delivered: 0, failed: 0 });
    const errors = await lt.ft.t.db.query<{ last_error: string }>(
      "SELECT last_error FROM lt_alerts WHERE dedupe_key = 'job:ft-resolve'");
    expect(errors[0]!.last_error).toMatch(/ECONNREFUSED|fetch failed/);
    expect(JSON.stringify(errors) + lines.join('\n')).not.toContain(TOKEN);
  });

  it('a receiver that never answers times out and the alert stays pending', async () => {
    const lt = await world();
    const rx = await receiver(() => 'hang');
    const deps = monitor(lt, `${rx.base}/hook`, capturingLog().log, { jobs: [{ name: 'lt-execute', intervalMs: 10_000 }] },
      { timeoutMs: 200 });
    lt.ft.clock.advance(21_000);
    expect((await checkAlerts(deps)).delivery).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const [row] = await lt.ft.t.db.query<Record<string, unknown>>('SELECT delivery, last_error FROM lt_alerts');
    expect(row).toMatchObject({ delivery: 'pending', last_error: 'timeout after 200 ms' });
  });

  it('without a webhook alerts are stored as disabled and nothing is sent', async () => {
    const lt = await world();
    const deps = monitor(lt, 'http://127.0.0.1:9/none', capturingLog().log,
      { notifier: null, jobs: [{ name: 'lt-execute', intervalMs: 10_000 }] });
    lt.ft.clock.advance(21_000);
    expect(await checkAlerts(deps)).toMatchObject({ fired: 1, delivery: null });
    const rows = await lt.ft.t.db.query<{ delivery: string }>('SELECT delivery FROM lt_alerts');
    expect(rows).toEqual([{ delivery: 'disabled' }]);
  });
});
