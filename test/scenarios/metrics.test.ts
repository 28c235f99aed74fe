/**
 * /metrics and /api/health over an LT scenario on the simulated venue and a manual clock: the scheduler runs the real
 * jobs (ft-sync over a recorded-trades file reported into the feed health, lt-execute, and an ft-resolve whose market
 * source fails), a worker takes its lease, and /metrics is scraped before and after and parsed by an independent
 * Prometheus text parser: every metric of issue 14 is present and moved. Also: /metrics's token, and what health says
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat, { type PromFamily, type PromSample } from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { resolveFtMarkets } from '../../src/engine/ft-resolve.ts';
import { syncFtOnce } from '../../src/engine/ft-sync.ts';
import type { MarketSource } from '../../src/engine/ports.ts';
import { createFeedHealth, reportingTradeSource } from '../../src/feeds/feed-health.ts';
import { createFileTradeSource } from '../../src/feeds/file-sources.ts';
import { JOB_CATALOG } from '../../src/jobs/catalog.ts';
import { startScheduler, type Scheduler } from '../../src/jobs/schedule.ts';
import { silentLog } from '../../src/log.ts';
import { createPromMetrics } from '../../src/metrics/prometheus.ts';
import { leaseRound, strategyLeaseKey } from '../../src/store/lease-store.ts';
import { record } from '../support/ft-world.ts';
import { createLtWorld, SIGNER, type LtWorld } from '../support/lt-world.ts';
import { idleVenue } from '../support/api-client.ts';
import { backendName, openTestDb } from '../support/test-db.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
const WORKER = 'metrics-test:1:abcd';
const FEED = 'file:trades.jsonl';

/** A Gamma outage the adapter let through: the job that reads it fails */
const failingMarkets: MarketSource = {
  name: 'gamma', getMarkets: async () => {
    throw new Error('Gamma answered 503');
  },
};

/**
 * A scrape parsed twice: as exposed (types, help, every line's syntax), and with the histograms' TYPE lines dropped so
 * each `_bucket`, `_sum` and `_count` series reads as plain samples: the parser (1.1.1) folds a histogram family into
 * one sample and drops its labels other than `le`, so a histogram with labels (job durations) is read that way
 */
interface Scrape {
  families: PromFamily[];
  flat: PromFamily[];
}

interface Rig {
  w: LtWorld;
  app: ReturnType<typeof createApp>;
  scheduler: Scheduler;
  /** Appends Data API records to the trades file the next ft-sync reads */
  trades(records: Record<string, unknown>[]): void;
  scrape(): Promise<Scrape>;
  close(): Promise<void>;
}

async function rig(endpointToken: string | null = TOKEN): Promise<Rig> {
  const w = await createLtWorld();
  const { db } = w.deps;
  const clock = w.ft.clock;
  const dir = mkdtempSync(join(tmpdir(), 'tandem-metrics-'));
  const file = join(dir, 'trades.jsonl');
  const lines: string[] = [];
  writeFileSync(file, '');
  const feeds = createFeedHealth(clock);
  const metrics = createPromMetrics({ db, clock, log: silentLog, feeds: () => feeds.snapshot(), jobs: JOB_CATALOG.map((j) => j.name) });
  const lt = { ...w.deps, metrics };
  const scheduler = startScheduler([
    { name: 'ft-sync', cron: null, run: () => syncFtOnce({ ...w.ft.deps, source: reportingTradeSource(createFileTradeSource(file), feeds) }) },
    { name: 'lt-execute', cron: null, run: async () => ({ sync: await syncLtOrders(lt), execute: await executeLt(lt) }) },
    { name: 'ft-resolve', cron: null, run: () => resolveFtMarkets({ db, clock, markets: failingMarkets }) },
  ], { db, clock, log: silentLog, workerId: WORKER, metrics });
  const app = createApp({ db, clock, log: silentLog, venue: w.venue, version: 'test', runJob: (n) => scheduler.runNow(n),
    metricsEndpoint: { token: endpointToken, render: () => metrics.render() },
    process: { role: 'all', workerId: WORKER, runsJobs: true, jobs: JOB_CATALOG, feeds: () => feeds.snapshot() } });
  return {
    w, app, scheduler,
    trades: (records) => {
      lines.push(...records.map((r) => JSON.stringify(r)));
      writeFileSync(file, `${lines.join('\n')}\n`);
    },
    scrape: async () => {
      const res = await app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      return { families: parsePrometheusTextFormat(text), flat: parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram\n/gm, '')) };
    },
    close: async () => {
      await scheduler.stop();
      await w.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One figure per series of a family (a histogram's count, anything else its value), keyed by its labels */
function series(scrape: Scrape, name: string): Map<string, number> {
  const histogram = scrape.families.find((f) => f.name === name)?.type === 'HISTOGRAM';
  // Read flat, one label set's lines of a histogram come apart into families of one name each
  const samples = scrape.flat.filter((f) => f.name === (histogram ? `${name}_count` : name)).flatMap((f) => f.metrics);
  const key = (s: PromSample) => JSON.stringify(Object.entries(s.labels ?? {}).sort());
  return new Map(samples.map((s) => [key(s), Number(s.value)]));
}

const labelled = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());

/** One histogram series read flat: its count, sum and cumulative buckets by `le` */
function histogram(scrape: Scrape, name: string, labels: Record<string, string>) {
  const key = labelled(labels);
  const of = (suffix: string) => scrape.flat.filter((f) => f.name === `${name}_${suffix}`).flatMap((f) => f.metrics);
  const value = (suffix: string) => Number(of(suffix).find((m) => labelled(m.labels ?? {}) === key)?.value);
  const buckets = new Map(of('bucket').filter((m) => {
    const { le: _le, ...rest } = m.labels ?? {};
    return labelled(rest) === key;
  }).map((m) => [m.labels!.le!, Number(m.value)]));
  return { count: value('count'), sum: value('sum'), buckets };
}

const ISSUE_METRICS = [
  'tandem_lt_orders', 'tandem_lt_submit_latency_seconds', 'tandem_lt_fill_latency_seconds',
  'tandem_lt_trade_to_submit_latency_seconds', 'tandem_lt_rejections_total', 'tandem_feed_lag_seconds',
  'tandem_job_duration_seconds', 'tandem_job_failures_total', 'tandem_ledger_total_usdc', 'tandem_worker_leases',
];

const secondsAgo = (r: Rig, s: number) => Math.floor(r.w.ft.clock.now().getTime() / 1000) - s;

describe(`/metrics and /api/health (${backendName})`, () => {
  let r: Rig | null = null;
  afterEach(async () => {
    await r?.close();
    r = null;
  });

  /** Orders submitted and filled, signals skipped and expired, a job failing, a lease taken */
  async function scenario(rig: Rig): Promise<void> {
    const { w, scheduler } = rig;
    // Signals are mirrored from launch on: the trader buys after it, we see it 2 s later and decide 1 s after that:
    // ordered, and it fills against the maker's asks
    w.ft.clock.advance(10_000);
    w.asks([['0.50', '100']]);
    rig.trades([record({ price: 0.5, timestamp: secondsAgo(rig, 2) })]);
    expect((await scheduler.runNow('ft-sync')).ran).toBe(true);
    w.ft.clock.advance(1_000);
    await scheduler.runNow('lt-execute');
    // A trader price the book is far from: skipped for slippage
    rig.trades([record({ price: 0.3, timestamp: secondsAgo(rig, 1) })]);
    await scheduler.runNow('ft-sync');
    await scheduler.runNow('lt-execute');
    // A signal decided after its maximum age (300 s): expired
    rig.trades([record({ price: 0.5, timestamp: secondsAgo(rig, 1) })]);
    await scheduler.runNow('ft-sync');
    w.ft.clock.advance(400_000);
    await scheduler.runNow('lt-execute');
    await expect(scheduler.runNow('ft-resolve')).rejects.toThrow('Gamma answered 503');
    await leaseRound(w.deps.db, WORKER, [strategyLeaseKey({ userId: w.userId, strategyId: w.strategyId })], w.ft.clock.now(), 30_000);
    w.ft.clock.advance(5_000);
  }

  it('every metric of issue 14 is in the exposition, parsed by a Prometheus text parser, and moves during the scenario', async () => {
    r = await rig();
    // The feed has been heard from once before the first scrape (a trade from before the launch, which LT never mirrors)
    r.trades([record({ price: 0.5, timestamp: secondsAgo(r, 60) })]);
    await r.scheduler.runNow('ft-sync');
    const before = await r.scrape();
    await scenario(r);
    const after = await r.scrape();
    for (const name of ISSUE_METRICS) {
      expect(after.families.some((f) => f.name === name), `${name} is exposed`).toBe(true);
      expect(series(after, name), `${name} moved`).not.toEqual(series(before, name));
    }
    const s = r.w.strategyId;
    const u = r.w.userId;
    expect(series(after, 'tandem_lt_orders').get(labelled({ user: u, strategy: s, status: 'filled' }))).toBe(1);
    expect(series(before, 'tandem_lt_orders').size).toBe(0);
    const live = labelled({ book: 'live' });
    const one = (name: string) => [series(before, name).get(live), series(after, name).get(live)];
    expect(one('tandem_lt_submit_latency_seconds')).toEqual([undefined, 1]);
    expect(one('tandem_lt_fill_latency_seconds')).toEqual([undefined, 1]);
    expect(one('tandem_lt_trade_to_submit_latency_seconds')).toEqual([undefined, 1]);
    // The trader's fill at t − 2 s, our submit at t + 1 s: 3 s exactly, on the manual clock
    const tradeToSubmit = histogram(after, 'tandem_lt_trade_to_submit_latency_seconds', { book: 'live' });
    expect([tradeToSubmit.count, tradeToSubmit.sum, tradeToSubmit.buckets.get('2'), tradeToSubmit.buckets.get('5')]).toEqual([1, 3, 0, 1]);
    const rejections = series(after, 'tandem_lt_rejections_total');
    expect(rejections.get(labelled({ stage: 'skipped', reason: 'slippage' }))).toBe(1);
    expect(rejections.get(labelled({ stage: 'expired', reason: 'max_signal_age' }))).toBe(1);
    // Last heard at the third ft-sync; 400 s and 5 s went by since
    expect(series(before, 'tandem_feed_lag_seconds').get(labelled({ feed: FEED }))).toBe(0);
    expect(series(after, 'tandem_feed_lag_seconds').get(labelled({ feed: FEED }))).toBe(405);
    const durations = series(after, 'tandem_job_duration_seconds');
    expect([durations.get(labelled({ job: 'ft-sync' })), durations.get(labelled({ job: 'lt-execute' })),
      durations.get(labelled({ job: 'ft-resolve' }))]).toEqual([4, 3, 1]);
    expect(series(before, 'tandem_job_failures_total').get(labelled({ job: 'ft-resolve' }))).toBe(0);
    expect(series(after, 'tandem_job_failures_total').get(labelled({ job: 'ft-resolve' }))).toBe(1);
    expect(series(after, 'tandem_job_failures_total').get(labelled({ job: 'ft-sync' }))).toBe(0);
    // 20 shares bought at 0.50: $10 of buy fills in the live book
    expect(series(after, 'tandem_ledger_total_usdc').get(labelled({ user: u, strategy: s, book: 'live', kind: 'buy_fill' }))).toBe(10);
    expect(series(after, 'tandem_worker_leases').get(labelled({ worker: WORKER, scope: 'strategy' }))).toBe(1);
    expect(series(after, 'tandem_metrics_database_up').get('[]')).toBe(1);
  });

  it('/metrics answers 401 without the token or with a wrong one, and 404 when no token is configured', async () => {
    r = await rig();
    const get = (auth?: string) => r!.app.request('/metrics', auth === undefined ? {} : { headers: { authorization: auth } });
    for (const auth of [undefined, '', 'Bearer', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, TOKEN, `Basic ${TOKEN}`]) {
      const res = await get(auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await res.text()).not.toContain('tandem_');
    }
    expect((await get(`Bearer ${TOKEN}`)).status).toBe(200);
    expect((await get(`bearer ${TOKEN}`)).status).toBe(200);
    await r.close();
    r = await rig(null);
    expect((await get(`Bearer ${TOKEN}`)).status).toBe(404);
    expect((await get()).status).toBe(404);
  });

  it('/api/health shows the role, the feeds and the scheduler, and nothing about users, strategies or wallets', async () => {
    r = await rig();
    await scenario(r);
    const res = await r.app.request('/api/health');
    expect(res.status).toBe(200);
    const text = await res.text();
    const h = JSON.parse(text);
    expect(h).toMatchObject({ status: 'ok', database: { reachable: true, kind: backendName }, process: { role: 'all', worker_id: WORKER } });
    expect(h.feeds).toEqual([{ name: FEED, state: 'connected', last_message_at: expect.any(String), lag_seconds: 405 }]);
    expect(h.scheduler.runs_jobs).toBe(true);
    expect(h.scheduler.jobs.map((j: { name: string }) => j.name)).toEqual(JOB_CATALOG.map((j) => j.name));
    const job = (name: string) => h.scheduler.jobs.find((j: { name: string }) => j.name === name);
    expect(job('ft-sync')).toMatchObject({ scope: 'global', last_status: 'ok', last_failure_at: null });
    expect(job('ft-resolve')).toMatchObject({ last_status: 'failed', last_failure_at: job('ft-resolve').last_run_at });
    expect(job('lt-execute').last_run_at).toEqual(expect.any(String));
    expect(job('alerts')).toMatchObject({ last_run_at: null, last_status: null, last_failure_at: null });
    for (const secret of [SIGNER, r.w.strategyId, r.w.userId, 'Gamma answered 503']) expect(text).not.toContain(secret);
  });

  it('/api/health is a 503 problem when the database does not answer', async () => {
    const t = await openTestDb();
    const clock = new ManualClock('2026-03-01T13:00:00Z');
    const app = createApp({ db: t.db, clock, log: silentLog, venue: idleVenue(clock), version: 'test',
      runJob: async () => ({ ran: false }) });
    expect((await app.request('/api/health')).status).toBe(200);
    await t.close();
    const res = await app.request('/api/health');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ title: 'Service unavailable', detail: `the ${backendName} database does not answer` });
  });

  it('a resting order filled later: the tracker observes submit → fill from the venue\'s fill time, once', async () => {
    const w = await createLtWorld();
    try {
      const metrics = createPromMetrics({ db: w.deps.db, clock: w.ft.clock, log: silentLog });
      const deps = { ...w.deps, metrics };
      w.ft.clock.advance(10_000);
      await w.buySignal({ price: 0.5 }); // an empty book: the GTC order rests
      const report = await executeLt(deps);
      expect(report.submissions).toEqual([expect.objectContaining({ outcome: 'accepted', status: 'open' })]);
      w.ft.clock.advance(90_000);
      w.takeFromMaker('SELL', '0.50', '20');
      w.ft.clock.advance(30_000); // booked 30 s after the venue filled it: the latency is the venue's, 90 s
      expect(await syncLtOrders(deps)).toMatchObject({ fillsBooked: 1 });
      expect(await syncLtOrders(deps)).toMatchObject({ fillsBooked: 0 });
      const text = (await metrics.render()).body;
      const flat = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram\n/gm, ''));
      const fill = histogram({ families: parsePrometheusTextFormat(text), flat }, 'tandem_lt_fill_latency_seconds', { book: 'live' });
      expect([fill.count, fill.sum, fill.buckets.get('60'), fill.buckets.get('300')]).toEqual([1, 90, 0, 1]);
    } finally {
      await w.close();
    }
  });
});
