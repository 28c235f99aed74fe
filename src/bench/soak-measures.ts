/**
 * What the soak measures of a running service, through its API only (its PGlite database is the service's own):
 * latency per endpoint, cumulative throughput counters, and the RSS summary with its bound
 */
import { percentile } from './report.ts';

export type Api = (path: string) => Promise<{ status: number; json: unknown; ms: number }>;

type Json = Record<string, unknown>;
const rows = (json: unknown, key: string): Json[] => ((json as Json | null)?.[key] as Json[] | undefined) ?? [];
const next = (json: unknown): string | null => ((json as Json | null)?.next_cursor as string | null | undefined) ?? null;

/** Latencies of each endpoint's answers, and its answers that were not 2xx */
export class Latencies {
  private readonly ms = new Map<string, number[]>();
  private readonly errors = new Map<string, number>();

  record(endpoint: string, status: number, ms: number): void {
    const list = this.ms.get(endpoint) ?? [];
    list.push(ms);
    this.ms.set(endpoint, list);
    if (status < 200 || status >= 300) this.errors.set(endpoint, (this.errors.get(endpoint) ?? 0) + 1);
  }

  total(): { reads: number; errors: number } {
    let reads = 0;
    for (const v of this.ms.values()) reads += v.length;
    return { reads, errors: [...this.errors.values()].reduce((a, b) => a + b, 0) };
  }

  all(): number[] {
    return [...this.ms.values()].flat();
  }

  byEndpoint(): Record<string, { count: number; errors: number; p50_ms: number; p90_ms: number; p99_ms: number; max_ms: number }> {
    const r = (x: number) => Math.round(x * 10) / 10;
    return Object.fromEntries([...this.ms.entries()].map(([endpoint, v]) => [endpoint, {
      count: v.length, errors: this.errors.get(endpoint) ?? 0, p50_ms: r(percentile(v, 50)), p90_ms: r(percentile(v, 90)),
      p99_ms: r(percentile(v, 99)), max_ms: r(Math.max(...v)),
    }]));
  }
}

export interface Counts {
  /** New source trades the ft-sync runs of this soak ingested */
  source_trades: number;
  /** Paper orders of every FT strategy */
  ft_orders: number;
  /** Live orders of the operator's LT strategies */
  lt_orders: number;
}

/** Cumulative counters read from the API: ft-sync runs' reports (each run counted once), FT strategies, LT orders */
export class Counters {
  private readonly seenRuns = new Set<string>();
  private trades = 0;

  constructor(private readonly api: Api, private readonly since: Date) {}

  async read(): Promise<Counts> {
    return { source_trades: await this.sourceTrades(), ft_orders: await this.ftOrders(), lt_orders: await this.ltOrders() };
  }

  /** Newest runs first, until a run already counted or one that started before the soak */
  private async sourceTrades(): Promise<number> {
    let cursor: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const r = await this.api(`/api/jobs/runs?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      for (const run of rows(r.json, 'runs')) {
        const id = String(run.run_id);
        if (this.seenRuns.has(id) || new Date(String(run.started_at)) < this.since) return this.trades;
        if (run.job !== 'ft-sync' || run.finished_at === null) continue;
        this.seenRuns.add(id);
        this.trades += Number((run.detail as Json | null)?.newTrades ?? 0);
      }
      cursor = next(r.json);
      if (cursor === null) break;
    }
    return this.trades;
  }

  private async ftOrders(): Promise<number> {
    let total = 0;
    let cursor: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const r = await this.api(`/api/ft/wallets?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      total += rows(r.json, 'wallets').reduce((n, w) => n + Number(w.orders ?? 0), 0);
      cursor = next(r.json);
      if (cursor === null) break;
    }
    return total;
  }

  private async ltOrders(): Promise<number> {
    let total = 0;
    let cursor: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const r = await this.api(`/api/lt/orders?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      total += rows(r.json, 'orders').length;
      cursor = next(r.json);
      if (cursor === null) break;
    }
    return total;
  }
}

export interface Sample extends Counts {
  /** Seconds since the soak began */
  t_s: number;
  rss_mb: number;
}

/** Per minute between two samples */
export function perMinute(from: Sample, to: Sample): { source_trades: number; ft_orders: number; lt_orders: number } {
  const minutes = (to.t_s - from.t_s) / 60;
  const rate = (a: number, b: number) => (minutes > 0 ? Math.round(((b - a) / minutes) * 10) / 10 : 0);
  return { source_trades: rate(from.source_trades, to.source_trades), ft_orders: rate(from.ft_orders, to.ft_orders),
    lt_orders: rate(from.lt_orders, to.lt_orders) };
}

export interface RssBound {
  /** Growth allowed from the end of warm-up to the end, in MB */
  growthMb: number;
  /** No sample may exceed this, in MB */
  ceilingMb: number;
  /** Each end is the median of the samples in this many seconds before it (a GC spike is not growth) */
  windowS: number;
}

export interface RssSummary {
  at_warmup_end_mb: number;
  at_end_mb: number;
  growth_mb: number;
  max_mb: number;
  growth_bound_mb: number;
  ceiling_mb: number;
  window_s: number;
  within_bound: boolean;
}

/** RSS at the end of warm-up and at the end (medians of their windows), its growth and maximum, against the bound */
export function rssSummary(samples: readonly Sample[], warmupS: number, bound: RssBound): RssSummary {
  const r = (x: number) => Math.round(x * 10) / 10;
  const windowOf = (end: number) => samples.filter((s) => s.t_s <= end && s.t_s > end - bound.windowS).map((s) => s.rss_mb);
  const last = samples.at(-1)?.t_s ?? 0;
  const atWarmup = percentile(windowOf(warmupS).length > 0 ? windowOf(warmupS) : samples.map((s) => s.rss_mb), 50);
  const atEnd = percentile(windowOf(last), 50);
  const max = Math.max(...samples.map((s) => s.rss_mb));
  const growth = atEnd - atWarmup;
  return { at_warmup_end_mb: r(atWarmup), at_end_mb: r(atEnd), growth_mb: r(growth), max_mb: r(max),
    growth_bound_mb: bound.growthMb, ceiling_mb: bound.ceilingMb, window_s: bound.windowS,
    within_bound: Number.isFinite(growth) && growth <= bound.growthMb && max <= bound.ceilingMb };
}
