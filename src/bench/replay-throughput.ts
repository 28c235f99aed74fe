/**
 * `replay_throughput`: source trades per second of `runReplay` (FT only) with 50 demo strategies on a fresh in-memory
 * PGlite, over the Nobel trades. The database is migrated before the clock starts; the whole runReplay call is timed,
 * report and invariants included. `replay_throughput_postgres`: the same on a fresh scratch database per run on the
 * PostgreSQL server at BENCH_DATABASE_URL (created and migrated before the clock starts, dropped after). Replays of the
 * first trades alone tell the fixed cost from the cost per trade (`detail`)
 */
import { loadavg } from 'node:os';
import { scratchDatabase } from './scratch-db.ts';
import type { Scorer } from '../engine/ports.ts';
import { runReplay } from '../replay/replay.ts';
import { openDb, openPglite, type Db } from '../store/db.ts';
import { DEMO_STRATEGIES } from '../store/demo-strategies.ts';
import { migrate } from '../store/migrate.ts';
import { loadNobelRecords, nobelMarkets } from './nobel-data.ts';
import { median, type BenchOptions, type BenchSpec, type Measured } from './report.ts';

export const REPLAY_SPEC: BenchSpec = { name: 'replay_throughput', unit: 'trades/s', target: 20_000, comparator: '>=' };
export const REPLAY_PG_SPEC: BenchSpec = { name: 'replay_throughput_postgres', unit: 'trades/s', target: 20_000, comparator: '>=' };

const STRATEGIES = 50;
/** Replays per measurement (a fresh database each); `--quick` runs one */
const RUNS = { full: 3, quick: 1 } as const;
/**
 * Untimed replays first (full runs only): a 1,500-trade replay lasts a tenth of a second, and the first ones in a
 * process are mostly V8 compiling the code (measured: 310, 189, 149 ms for the first three, 113–172 ms after six);
 * a long replay pays that once. Their times are in `detail.warm_up_run_ms`, the first of them a cold replay's
 */
const WARM_UP = { full: 2, quick: 0 } as const;

/** A fresh migrated database for one run, and how to dispose of it */
type Fresh = () => Promise<{ db: Db; dispose(): Promise<void> }>;

function pgliteFresh(): Fresh {
  let snapshot: Promise<Blob> | null = null;
  return async () => {
    snapshot ??= (async () => {
      const db = await openPglite('memory://');
      await migrate(db);
      const blob = await db.dump();
      await db.close();
      return blob;
    })();
    const db = await openPglite('memory://', { loadDataDir: await snapshot });
    await migrate(db);
    return { db, dispose: () => db.close() };
  };
}

/** A scratch database next to the one in `url`, migrated; dropped on dispose */
function postgresFresh(url: string): Fresh {
  return async () => {
    const scratch = await scratchDatabase(url, 'tandem_replay_bench');
    const db = await openDb({ databaseUrl: scratch.url });
    await migrate(db);
    return { db, dispose: async () => {
      await db.close();
      await scratch.drop();
    } };
  };
}

/** One replay's wall time in ms and whether every invariant held */
type Run = { ms: number; ok: boolean };

/** One replay on a fresh database; returns its wall time in ms and whether every invariant held */
async function timedReplay(fresh: Fresh, records: Record<string, unknown>[], scorer: Scorer): Promise<Run> {
  const { db, dispose } = await fresh();
  try {
    const strategies = DEMO_STRATEGIES.slice(0, STRATEGIES).map((ft) => ({ ft, lt: null }));
    const t0 = performance.now();
    const report = await runReplay(db, { records, markets: nobelMarkets(records), strategies, seed: 1, scorer });
    const ms = performance.now() - t0;
    return { ms, ok: Object.values(report.invariants).every((v) => v.ok) };
  } finally {
    await dispose();
  }
}

/** `n` replays of `records` one after the other, each on a fresh database; `say` hears each one's time */
async function replays(n: number, fresh: Fresh, records: Record<string, unknown>[], scorer: Scorer,
  say: (i: number, ms: number) => void): Promise<Run[]> {
  const out: Run[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await timedReplay(fresh, records, scorer));
    say(i + 1, Math.round(out[i]!.ms));
  }
  return out;
}

async function measure(name: string, fresh: Fresh, scorer: Scorer, progress: (text: string) => void,
  options: BenchOptions): Promise<Measured | string> {
  const count = options.quick ? RUNS.quick : RUNS.full;
  const records = loadNobelRecords();
  if (!records) return 'Nobel trades not found (../shared/data)';
  if (DEMO_STRATEGIES.length < STRATEGIES) return `only ${DEMO_STRATEGIES.length} demo strategies`;
  const load = loadavg()[0]!;
  const trades = records.length;
  const warmUp = await replays(options.quick ? WARM_UP.quick : WARM_UP.full, fresh, records, scorer,
    (i, ms) => progress(`${name}: warm-up ${i}: ${trades} trades in ${ms} ms (not counted)`));
  const runs = await replays(count, fresh, records, scorer, (i, ms) => progress(`${name}: run ${i}/${count}: ${trades} trades in ${ms} ms`));
  const partRuns = await replays(count, fresh, records.slice(0, PART), scorer,
    (i, ms) => progress(`${name}: the first ${PART} trades, run ${i}/${count}: ${ms} ms`));
  const ms = (list: Run[]) => list.map((r) => Math.round(r.ms));
  return {
    value: Math.round(median(runs.map((r) => trades / (r.ms / 1000)))), samples: runs.length,
    detail: {
      trades, strategies: STRATEGIES, scorer: scorer.name, run_ms: ms(runs), warm_up_run_ms: ms(warmUp),
      invariants_held: [...warmUp, ...runs, ...partRuns].every((r) => r.ok),
      ...marginal(trades, median(runs.map((r) => r.ms)), median(partRuns.map((r) => r.ms))), first_trades_run_ms: ms(partRuns),
      load_average_1m: [Number(load.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
      note: `median of runs${options.quick ? '' : ` after ${WARM_UP.full} untimed (warm_up_run_ms)`}; each on a fresh ${name === REPLAY_SPEC.name
        ? `in-memory PGlite ${options.quick ? 'migrated' : 'restored from a migrated snapshot'}` : 'PostgreSQL database, migrated before the clock starts'}` +
        `; includes the report. marginal_trades_per_s and fixed_ms: from the medians of the whole replay and of replays of its first ${PART} trades` +
        ' (first_trades_run_ms)',
    },
  };
}

/** Trades of the shorter replay that tells a replay's fixed cost from its cost per trade */
const PART = 300;

/**
 * From the medians of the whole replay (`trades`) and of its first PART trades: the cost of each further trade (as a
 * rate) and what is left at no trade, the fixed cost (a fresh database's first statements, the strategies, the report
 * and its invariants). The rate is what a long replay approaches; the bench's value is the whole Nobel replay's, its
 * fixed cost included
 */
function marginal(trades: number, wholeMs: number, partMs: number): { marginal_trades_per_s: number | null; fixed_ms: number | null } {
  const perTradeMs = (wholeMs - partMs) / (trades - PART);
  if (!(perTradeMs > 0)) return { marginal_trades_per_s: null, fixed_ms: null };
  return { marginal_trades_per_s: Math.round(1000 / perTradeMs), fixed_ms: Math.round(partMs - PART * perTradeMs) };
}

/** A fresh in-memory PGlite migrated from scratch: for one run, cheaper than making a snapshot to restore once */
const pgliteOnce: Fresh = async () => {
  const db = await openPglite('memory://');
  await migrate(db);
  return { db, dispose: () => db.close() };
};

export function measureReplay(scorer: Scorer, progress: (text: string) => void, options: BenchOptions = {}): Promise<Measured | string> {
  return measure(REPLAY_SPEC.name, options.quick ? pgliteOnce : pgliteFresh(), scorer, progress, options);
}

/** Skipped without BENCH_DATABASE_URL */
export async function measureReplayPostgres(url: string | undefined, scorer: Scorer, progress: (text: string) => void,
  options: BenchOptions = {}): Promise<Measured | string> {
  if (!url) return 'BENCH_DATABASE_URL not set (a PostgreSQL server where the bench may create scratch databases)';
  return measure(REPLAY_PG_SPEC.name, postgresFresh(url), scorer, progress, options);
}
