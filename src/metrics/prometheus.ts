/**
 * The Metrics port on prom-client, with a registry of its own (never prom-client's global one), so each process, and
 * each app a test builds, counts apart. Counters and histograms are this process's; the order, ledger and lease gauges
 * are read from the database at scrape time (src/store/metrics-store.ts), so every process answers the same for them
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FeedState } from '../domain/alert-rules.ts';
import type { Clock, CountMetric, DurationMetric, Log, MetricLabels, Metrics } from '../engine/ports.ts';
import type { Db } from '../store/db.ts';
import { metricsSnapshot, type MetricsSnapshot } from '../store/metrics-store.ts';

export interface PromMetricsDeps {
  db: Db;
  clock: Clock;
  log: Log;
  /** The feeds' health (src/feeds/feed-health.ts) for the lag gauge; absent: no feed */
  feeds?: () => readonly FeedState[];
  /** Jobs whose failure counter starts at 0 (so a rate over it exists before the first failure) */
  jobs?: readonly string[];
}

export interface PromMetrics extends Metrics {
  readonly registry: Registry;
  /** The exposition: the database gauges read now, then every metric in the Prometheus text format */
  render(): Promise<{ contentType: string; body: string }>;
}

const SECONDS = {
  submit_latency: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  fill_latency: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600, 21600],
  trade_to_submit_latency: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
  job_duration: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
} as const satisfies Record<DurationMetric, readonly number[]>;

function histograms(registry: Registry): Record<DurationMetric, Histogram<string>> {
  const h = (name: string, help: string, metric: DurationMetric, labelNames: string[] = []) =>
    new Histogram({ name, help, labelNames, buckets: [...SECONDS[metric]], registers: [registry] });
  return {
    submit_latency: h('tandem_lt_submit_latency_seconds', 'LT order intent (decided and signed) to the venue accepting it', 'submit_latency',
      ['book']),
    fill_latency: h('tandem_lt_fill_latency_seconds', 'LT order submit to each of its fills (the venue\'s fill time)', 'fill_latency', ['book']),
    trade_to_submit_latency: h('tandem_lt_trade_to_submit_latency_seconds',
      'The source trader\'s fill to our submit of the order copying it', 'trade_to_submit_latency', ['book']),
    job_duration: h('tandem_job_duration_seconds', 'Scheduled job runs, failed ones included', 'job_duration', ['job']),
  };
}

function counters(registry: Registry): Record<CountMetric, Counter<string>> {
  return {
    lt_rejection: new Counter({ name: 'tandem_lt_rejections_total', registers: [registry], labelNames: ['stage', 'reason'],
      help: 'LT signals not ordered or orders refused, by stage (skipped, expired: the disposition; venue: the venue refused; '
        + 'local: refused before sending) and reason (the disposition\'s rule or the venue\'s reason)' }),
    job_failure: new Counter({ name: 'tandem_job_failures_total', help: 'Scheduled job runs that failed', labelNames: ['job'], registers: [registry] }),
  };
}

function gauges(registry: Registry) {
  const g = (name: string, help: string, labelNames: string[]) => new Gauge({ name, help, labelNames, registers: [registry] });
  return {
    orders: g('tandem_lt_orders', 'LT orders by strategy and status (from the database)', ['user', 'strategy', 'status']),
    ledger: g('tandem_ledger_total_usdc', 'Σ of each ledger entry kind per strategy and book, in USDC (ledger_sums; a double: the API has the exact figures)',
      ['user', 'strategy', 'book', 'kind']),
    leases: g('tandem_worker_leases', 'Leases each worker holds now (scope strategy: live strategies; global: the global jobs, 0 or 1)', ['worker', 'scope']),
    feedLag: g('tandem_feed_lag_seconds', 'Seconds since the feed last brought data (since it was connected or watched, before any)', ['feed']),
    feedUp: g('tandem_feed_connected', 'Whether the feed is connected (1) or not (0)', ['feed']),
    scrapeDb: g('tandem_metrics_database_up', 'Whether this scrape read the database gauges (1) or the read failed (0)', []),
  };
}

type Gauges = ReturnType<typeof gauges>;

const MICROS_PER_USDC = 1_000_000;

function setSnapshot(g: Gauges, s: MetricsSnapshot): void {
  for (const o of s.orders) g.orders.set({ user: o.userId, strategy: o.strategyId, status: o.status }, o.count);
  // Prometheus values are doubles: whole dollars and the micro-dollar remainder are converted apart
  for (const l of s.ledger) {
    const value = Number(l.amount / 1_000_000n) + Number(l.amount % 1_000_000n) / MICROS_PER_USDC;
    g.ledger.set({ user: l.userId, strategy: l.strategyId, book: l.book, kind: l.kind }, value);
  }
  for (const w of s.leases) {
    g.leases.set({ worker: w.worker, scope: 'strategy' }, w.strategies);
    g.leases.set({ worker: w.worker, scope: 'global' }, w.global ? 1 : 0);
  }
}

function setFeeds(g: Gauges, feeds: readonly FeedState[], now: Date): void {
  for (const f of feeds) {
    const heard = f.lastMessageAt ?? f.connectedAt ?? f.watchedSince ?? null;
    if (heard) g.feedLag.set({ feed: f.feed }, Math.max(0, now.getTime() - heard.getTime()) / 1000);
    g.feedUp.set({ feed: f.feed }, f.connected ? 1 : 0);
  }
}

/** Reads the database gauges and the feeds now, then renders every metric */
async function scrape(deps: PromMetricsDeps, g: Gauges, registry: Registry): Promise<{ contentType: string; body: string }> {
  // Rows gone since the last scrape (a strategy's orders all moved on, a lease lapsed) must not linger
  for (const gauge of [g.orders, g.ledger, g.leases, g.feedLag, g.feedUp]) gauge.reset();
  try {
    setSnapshot(g, await metricsSnapshot(deps.db, deps.clock.now()));
    g.scrapeDb.set(1);
  } catch (error) {
    deps.log.error('metrics: database gauges not read', { error: error instanceof Error ? error.message : String(error) });
    g.scrapeDb.set(0);
  }
  setFeeds(g, deps.feeds?.() ?? [], deps.clock.now());
  return { contentType: registry.contentType, body: await registry.metrics() };
}

export function createPromMetrics(deps: PromMetricsDeps): PromMetrics {
  const registry = new Registry();
  const h = histograms(registry);
  const c = counters(registry);
  const g = gauges(registry);
  for (const job of deps.jobs ?? []) c.job_failure.inc({ job }, 0);
  const label = (labels?: MetricLabels) => ({ ...labels });
  let last: Promise<unknown> = Promise.resolve();
  const render = () => scrape(deps, g, registry);
  return {
    registry,
    observe: (metric, ms, labels) => h[metric].observe(label(labels), Math.max(0, ms) / 1000),
    increment: (metric, labels) => c[metric].inc(label(labels)),
    // One scrape at a time: a second one's reset must not empty the gauges the first is reading into
    render: () => {
      const next = last.then(render, render);
      last = next.catch(() => undefined);
      return next;
    },
  };
}
