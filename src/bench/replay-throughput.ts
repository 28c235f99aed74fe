/**
 * `replay_throughput`: source trades per second of `runReplay` (FT only) with 50 demo strategies on a fresh in-memory
 * PGlite, over a long replay: the Nobel trades 10 times (15,000 trades; each copy's transaction hashes suffixed, so
 * each copy is other trades by the same traders in the same markets at the same times). The database is migrated
 * before the clock starts; the whole runReplay call is timed, report and invariants included.
 * `replay_throughput_postgres`: the same on a fresh scratch database per run on the PostgreSQL server at
 * BENCH_DATABASE_URL (created and migrated before the clock starts, dropped after).
 *
 * Before the clock starts each trader's statistics are stored (seedTraderStats), so the strategies trade: without any,
 * every strategy with a statistics rule skipped every trade and the bench timed ingest and skips only.
 *
 * Why the long replay: a replay of the 1,500 Nobel trades alone is partly a fixed cost (a fresh database's first
 * statements, the strategies, the report), and it never reaches what only a long replay meets (a new WAL segment every
 * ~16 MB). The Nobel replay alone is still measured beside it (`detail.nobel_*`), and the two sizes split the time
 * into a fixed cost and a cost per trade
 */
import { loadavg } from 'node:os';
import { scratchDatabase } from './scratch-db.ts';
import type { Market } from '../domain/market.ts';
import type { Scorer } from '../engine/ports.ts';
import { runReplay } from '../replay/replay.ts';
import { openDb, openPglite, type Db } from '../store/db.ts';
import { DEMO_STRATEGIES } from '../store/demo-strategies.ts';
import { migrate } from '../store/migrate.ts';
import { loadNobelRecords, nobelMarkets } from './nobel-data.ts';
import { statsFor } from './ft-eval.ts';
import { formatMicros } from '../domain/money.ts';
import { measureStoreFloor, type StoreFloor } from './replay-floor.ts';
import { median, type BenchOptions, type BenchSpec, type Measured } from './report.ts';

export const REPLAY_SPEC: BenchSpec = { name: 'replay_throughput', unit: 'trades/s', target: 20_000, comparator: '>=' };
export const REPLAY_PG_SPEC: BenchSpec = { name: 'replay_throughput_postgres', unit: 'trades/s', target: 20_000, comparator: '>=' };

const STRATEGIES = 50;
/** The long replay: the Nobel trades this many times */
const COPIES = 10;
/** Replays per measurement (a fresh database each); `--quick` runs one */
const RUNS = { full: 3, quick: 1 } as const;
/**
 * Untimed replays first (full runs only): the first replays in a process are partly V8 compiling the code (measured on
 * the 15,000 trades: 765, 611, then 540–565 ms). Their times are in `detail.warm_up_run_ms`, the first of them a cold
 * replay's
 */
const WARM_UP = { full: 2, quick: 0 } as const;

/** The Nobel records `COPIES` times, each copy's transaction hashes suffixed with its number: distinct trades */
function repeatedRecords(records: readonly Record<string, unknown>[], copies = COPIES): Record<string, unknown>[] {
  // A record without a hash keeps none: its key is then built from its trader, market and time, as for any such record
  return Array.from({ length: copies }, (_, k) => records.map((r) => (typeof r.transactionHash === 'string' && r.transactionHash !== ''
    ? { ...r, transactionHash: `${r.transactionHash}${k}` } : r))).flat();
}

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

/**
 * One replay's wall time in ms, whether every invariant held and every trade was stored, the paper orders it made, this
 * process's CPU time over it (on PostgreSQL the replay's JavaScript and the client's protocol work; on PGlite the
 * database's WebAssembly too) and, when asked for, the store floor of its rows
 */
type Run = { ms: number; ok: boolean; orders: number; closes: number; cpuMs: number; floor?: StoreFloor };

/**
 * Each trader's statistics as ft_eval_throughput gives them (statsFor), stored as imported ones before the clock
 * starts: without any, every strategy with a statistics rule skips every trade (no_trader_stats) and the replay never
 * makes a paper order. With them the 50 strategies make ~2.8 paper orders a trade on the Nobel trades
 */
async function seedTraderStats(db: Db, records: readonly Record<string, unknown>[]): Promise<void> {
  const traders = [...new Set(records.map((r) => String(r.proxyWallet).toLowerCase()))];
  const stats = traders.map(statsFor);
  await db.query(`INSERT INTO trader_stats (trader, window_days, wins, resolved_count, win_rate, trade_count, avg_trade_usd, source, computed_at)
    SELECT t, 30, round(n * w)::int, n, w, n, a, 'imported', now()
    FROM unnest($1::text[], $2::int[], $3::numeric[], $4::numeric[]) AS x(t, n, w, a)`,
  [traders, stats.map((s) => s.resolvedCount), stats.map((s) => (s.winRate === null ? null : formatMicros(s.winRate))),
    stats.map((s) => (s.avgTradeUsd === null ? null : formatMicros(s.avgTradeUsd)))]);
}

/** One replay on a fresh database with the traders' statistics stored */
async function timedReplay(fresh: Fresh, records: Record<string, unknown>[], markets: Market[], scorer: Scorer,
  floor = false): Promise<Run> {
  const { db, dispose } = await fresh();
  try {
    await seedTraderStats(db, records);
    const strategies = DEMO_STRATEGIES.slice(0, STRATEGIES).map((ft) => ({ ft, lt: null }));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const report = await runReplay(db, { records, markets, strategies, seed: 1, scorer });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const [c] = await db.query<{ trades: number; orders: number; closes: number }>(`SELECT (SELECT count(*) FROM source_trades)::int AS trades,
      (SELECT count(*) FROM ft_orders)::int AS orders, (SELECT count(*) FROM ft_closes)::int AS closes`);
    const stored = c!.trades === records.length && Object.keys(report.input.rejected).length === 0;
    return { ms, ok: stored && Object.values(report.invariants).every((v) => v.ok), orders: c!.orders, closes: c!.closes,
      cpuMs: (cpu.user + cpu.system) / 1000, ...(floor ? { floor: await measureStoreFloor(db) } : {}) };
  } finally {
    await dispose();
  }
}

/**
 * `n` replays of `records` one after the other, each on a fresh database; `say` hears each one's time. With `floor`,
 * the last one's store floor is measured after it (untimed, so its garbage falls in no timed run)
 */
async function replays(n: number, fresh: Fresh, records: Record<string, unknown>[], markets: Market[], scorer: Scorer,
  say: (i: number, ms: number) => void, floor = false): Promise<Run[]> {
  const out: Run[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await timedReplay(fresh, records, markets, scorer, floor && i === n - 1));
    say(i + 1, Math.round(out[i]!.ms));
  }
  return out;
}

async function measure(name: string, fresh: Fresh, scorer: Scorer, progress: (text: string) => void,
  options: BenchOptions): Promise<Measured | string> {
  const count = options.quick ? RUNS.quick : RUNS.full;
  const nobel = loadNobelRecords();
  if (!nobel) return 'Nobel trades not found (../shared/data)';
  if (DEMO_STRATEGIES.length < STRATEGIES) return `only ${DEMO_STRATEGIES.length} demo strategies`;
  const load = loadavg()[0]!;
  const records = repeatedRecords(nobel);
  const markets = nobelMarkets(nobel);
  const trades = records.length;
  const warmUp = await replays(options.quick ? WARM_UP.quick : WARM_UP.full, fresh, records, markets, scorer,
    (i, ms) => progress(`${name}: warm-up ${i}: ${trades} trades in ${ms} ms (not counted)`));
  const runs = await replays(count, fresh, records, markets, scorer, (i, ms) => progress(`${name}: run ${i}/${count}: ${trades} trades in ${ms} ms`), true);
  const floor = runs.at(-1)?.floor;
  if (floor) progress(`${name}: store floor of the last run's rows: ${floor.bare_ms} ms bare, ${floor.primary_keys_ms} ms with primary keys`);
  const nobelRuns = await replays(count, fresh, nobel, markets, scorer,
    (i, ms) => progress(`${name}: the Nobel trades alone (${nobel.length}), run ${i}/${count}: ${ms} ms`));
  const ms = (list: Run[]) => list.map((r) => Math.round(r.ms));
  const rate = (n: number, list: Run[]) => Math.round(median(list.map((r) => n / (r.ms / 1000))));
  return {
    value: rate(trades, runs), samples: runs.length,
    detail: {
      trades, copies: COPIES, strategies: STRATEGIES, scorer: scorer.name, run_ms: ms(runs), warm_up_run_ms: ms(warmUp),
      run_cpu_ms: runs.map((r) => Math.round(r.cpuMs)), target_ms: Math.round(trades / REPLAY_SPEC.target * 1000),
      store_floor: floor ?? null,
      invariants_held: [...warmUp, ...runs, ...nobelRuns].every((r) => r.ok),
      paper_orders: runs[0]?.orders ?? null, paper_closes: runs[0]?.closes ?? null, trader_stats: 'statsFor, as ft_eval_throughput',
      nobel_trades: nobel.length, nobel_run_ms: ms(nobelRuns), nobel_trades_per_s: rate(nobel.length, nobelRuns),
      nobel_paper_orders: nobelRuns[0]?.orders ?? null,
      ...marginal(nobel.length, median(nobelRuns.map((r) => r.ms)), trades, median(runs.map((r) => r.ms))),
      load_average_1m: [Number(load.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
      note: `${trades} trades: the Nobel trades ${COPIES} times, each copy's transaction hashes suffixed; the traders' statistics stored before the clock starts, so the strategies trade; median of runs` +
        `${options.quick ? '' : ` after ${WARM_UP.full} untimed (warm_up_run_ms)`}; each on a fresh ${name === REPLAY_SPEC.name
        ? `in-memory PGlite ${options.quick ? 'migrated' : 'restored from a migrated snapshot'}` : 'PostgreSQL database, migrated before the clock starts'}` +
        '; includes the report. nobel_*: replays of the Nobel trades alone. marginal_trades_per_s and fixed_ms: from the medians of the two sizes' +
        '. run_cpu_ms: this process\'s CPU time per run. target_ms: the time the target allows. store_floor: the last run\'s stored rows written again ' +
        'by the same writer into bare copies of their tables and into copies with primary keys only (src/bench/replay-floor.ts)',
    },
  };
}

/**
 * From the medians of a short replay and a long one: the cost of each further trade (as a rate) and what is left at no
 * trade, the fixed cost (a fresh database's first statements, the strategies, the report and its invariants)
 */
function marginal(shortTrades: number, shortMs: number, longTrades: number, longMs: number): { marginal_trades_per_s: number | null; fixed_ms: number | null } {
  const perTradeMs = (longMs - shortMs) / (longTrades - shortTrades);
  const fixedMs = shortMs - shortTrades * perTradeMs;
  // A negative fixed cost: the two sizes' runs were not comparable (a cold run, the machine's noise)
  if (!(perTradeMs > 0) || fixedMs < 0) return { marginal_trades_per_s: null, fixed_ms: null };
  return { marginal_trades_per_s: Math.round(1000 / perTradeMs), fixed_ms: Math.round(fixedMs) };
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
