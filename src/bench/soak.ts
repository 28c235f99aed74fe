/**
 * The soak: `tandem start` (embedded PGlite, simulated world and venue) in a child process on a fresh DATA_DIR, with
 * live strategies launched, read through the dashboard's API at a steady rate for a bounded time. Every few seconds
 * it samples the child's RSS (/proc/PID/status) and the throughput counters; at the end it summarizes latency per
 * endpoint, throughput after warm-up, and RSS growth from the end of warm-up to the end against a stated bound
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceChild, type ServiceChild } from './service-child.ts';
import { warmupSeconds } from './soak-defaults.ts';
import { rssMb } from './service-rss.ts';
import { Counters, Latencies, perMinute, rssSummary, type RssBound, type RssSummary, type Sample } from './soak-measures.ts';

export interface SoakOptions {
  minutes: number;
  /** Reads per second, one in flight at a time (a slow answer delays the next, never piles them up) */
  readsPerSecond: number;
  sampleSeconds: number;
  bound: Omit<RssBound, 'windowS'>;
  /** LT strategies created and launched at the start (copying the busiest demo strategies) */
  liveStrategies: number;
  progress(text: string): void;
}

/** Demo FT strategies the soak's live strategies copy */
const COPIED = ['FT_T1_BASELINE', 'FT_FAVORITE_GRINDER', 'FT_T2_MIDRANGE', 'FT_T1_EXPERIENCE', 'FT_T2_FAVORITES'];

export interface SoakReport {
  at: string;
  minutes: number;
  warmup_s: number;
  duration_s: number;
  service: { pid: number; database: string; world: string; live_strategies: string[] };
  reads: { total: number; errors: number; per_second: number; by_endpoint: ReturnType<Latencies['byEndpoint']> };
  throughput_per_minute: ReturnType<typeof perMinute>;
  totals: Sample | null;
  rss: RssSummary;
  samples: Sample[];
  ok: boolean;
  broken: string[];
}

/** The endpoints read in turn: the dashboard's overview, live and paper pages */
function endpoints(lt: string | null): [string, string][] {
  const list: [string, string][] = [
    ['/api/overview', '/api/overview'], ['/api/lt/strategies', '/api/lt/strategies'],
    ['/api/lt/orders', '/api/lt/orders?limit=50'], ['/api/ft/wallets', '/api/ft/wallets?limit=100'],
    ['/api/ft/wallets/{id}', '/api/ft/wallets/FT_T1_BASELINE'], ['/api/ft/wallets/{id}/orders', '/api/ft/wallets/FT_T1_BASELINE/orders?limit=50'],
    ['/api/alerts', '/api/alerts'], ['/api/health', '/api/health'],
  ];
  if (lt) list.push(['/api/lt/strategies/{id}/series', `/api/lt/strategies/${lt}/series`], ['/api/lt/strategies/{id}', `/api/lt/strategies/${lt}`]);
  return list;
}

async function launchLive(s: ServiceChild, n: number, progress: (t: string) => void): Promise<string[]> {
  const launched: string[] = [];
  for (const ft of COPIED.slice(0, n)) {
    const created = await s.api('/api/lt/strategies', { ft_wallet_id: ft, starting_capital: '1000',
      wallet_address: `0x${'5'.repeat(40)}`, max_signal_age_seconds: 600 });
    const id = `LT_${ft}`;
    const launch = created.status === 201 ? await s.api(`/api/lt/strategies/${id}/launch`, {}) : created;
    if (launch.status === 200) launched.push(id);
    else progress(`could not launch ${id}: HTTP ${launch.status} ${JSON.stringify(launch.json).slice(0, 200)}`);
  }
  return launched;
}

/** Reads the endpoints in turn at `rate` per second until `until` (ms epoch) */
async function readSteadily(s: ServiceChild, list: [string, string][], rate: number, until: number, lat: Latencies): Promise<void> {
  const gap = 1000 / rate;
  let due = Date.now();
  for (let i = 0; Date.now() < until; i += 1) {
    const [name, path] = list[i % list.length]!;
    try {
      const r = await s.api(path);
      lat.record(name, r.status, r.ms);
    } catch {
      lat.record(name, 0, Number.NaN);
    }
    due += gap;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else due = Date.now(); // behind: go on at the rate from now, no burst to catch up
  }
}

interface Sampling { samples: Sample[]; died: boolean }

async function sampleSteadily(s: ServiceChild, o: SoakOptions, t0: number, until: number, lat: Latencies): Promise<Sampling> {
  const counters = new Counters(s.api, new Date(t0));
  const out: Sampling = { samples: [], died: false };
  while (Date.now() < until) {
    const rss = rssMb(s.pid);
    if (rss === null) return { ...out, died: true };
    const counts = await counters.read().catch(() => null);
    if (counts) {
      const sample = { t_s: Math.round((Date.now() - t0) / 100) / 10, rss_mb: Math.round(rss * 10) / 10, ...counts };
      out.samples.push(sample);
      const { reads, errors } = lat.total();
      o.progress(`${sample.t_s}s rss ${sample.rss_mb} MB; reads ${reads} (${errors} errors); source trades ${counts.source_trades}, `
        + `FT orders ${counts.ft_orders}, LT orders ${counts.lt_orders}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(o.sampleSeconds * 1000, Math.max(0, until - Date.now()))));
  }
  return out;
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-soak-'));
  const service = await startServiceChild(dir, { LOG_LEVEL: 'warn', TANDEM_RATE_LIMIT: '0' });
  try {
    o.progress(`tandem start (pid ${service.pid}) at ${service.url}, DATA_DIR ${dir}`);
    const live = await launchLive(service, o.liveStrategies, o.progress);
    const t0 = Date.now();
    const until = t0 + o.minutes * 60_000;
    const lat = new Latencies();
    const [, sampling] = await Promise.all([
      readSteadily(service, endpoints(live[0] ?? null), o.readsPerSecond, until, lat),
      sampleSteadily(service, o, t0, until, lat),
    ]);
    return report(o, { pid: service.pid, live, t0, lat, sampling });
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(o: SoakOptions, r: { pid: number; live: string[]; t0: number; lat: Latencies; sampling: Sampling }): SoakReport {
  const warmupS = warmupSeconds(o.minutes);
  const { samples, died } = r.sampling;
  const durationS = (Date.now() - r.t0) / 1000;
  const rss = rssSummary(samples, warmupS, { ...o.bound, windowS: Math.max(o.sampleSeconds * 3, Math.min(30, warmupS)) });
  const after = samples.filter((s) => s.t_s >= warmupS);
  const { reads, errors } = r.lat.total();
  const broken = [
    ...(died ? ['the service exited during the soak'] : []),
    ...(samples.length < 2 ? ['fewer than two samples'] : []),
    ...(reads === 0 ? ['no API read answered'] : []),
    ...(errors > reads * 0.01 ? [`${errors} of ${reads} reads failed`] : []),
    ...(rss.growth_mb > o.bound.growthMb ? [`RSS grew ${rss.growth_mb} MB after warm-up (bound ${o.bound.growthMb} MB)`] : []),
    ...(rss.max_mb > o.bound.ceilingMb ? [`RSS reached ${rss.max_mb} MB (ceiling ${o.bound.ceilingMb} MB)`] : []),
  ];
  return {
    at: new Date(r.t0).toISOString(), minutes: o.minutes, warmup_s: warmupS, duration_s: Math.round(durationS),
    service: { pid: r.pid, database: 'PGlite (fresh DATA_DIR)', world: 'FT_SOURCE=sim, VENUE=simulated', live_strategies: r.live },
    reads: { total: reads, errors, per_second: Math.round((reads / durationS) * 100) / 100, by_endpoint: r.lat.byEndpoint() },
    throughput_per_minute: after.length >= 2 ? perMinute(after[0]!, after.at(-1)!) : perMinute(samples[0]!, samples.at(-1)!),
    totals: samples.at(-1) ?? null, rss, samples, ok: broken.length === 0, broken,
  };
}
