/**
 * `ft_eval_throughput`: (trade × strategy) evaluations per second of the pure FT evaluator on the main thread, over the
 * Nobel trades × the demo strategies.
 *
 * Method. Untimed: the trades are normalized, each trade's market and (synthesized) trader statistics looked up, and
 * the strategies compiled once (compileRules), as the FT engine does once per batch. Timed: passes of the work the
 * engine does per trade — prepare the trade once (entry price, edge, conviction; prepareTrade), then one verdict for
 * every strategy — over every trade × every strategy; the verdicts are consumed (takes are counted and summed into
 * the reported `takes_seen`), so no evaluation can be optimised away. After WARM_UP_MS of untimed passes for the JIT,
 * runs of a calibrated number of passes (each ≥ MIN_RUN_MS) repeat until MIN_TOTAL_MS of timed runs; the value is the
 * median run's wall-clock rate. One thread, no worker. Beside it: the median rate per second of CPU time the process
 * used (process.cpuUsage, all threads), and the 1-minute load average when the runs began, because on a shared machine
 * the wall-clock rate also measures how much of a core the scheduler gave
 */
import { cpus, loadavg } from 'node:os';
import { evaluationOf } from '../domain/evaluate.ts';
import { compileRules, prepareTrade, TAKE, verdict, type BetOut, type CompiledRules, type ScoreArg, type TraderStats } from '../domain/ft-rules.ts';
import { parseFtWallet } from '../domain/ft-wallet.ts';
import type { Market } from '../domain/market.ts';
import type { Ratio, Usdc } from '../domain/money.ts';
import type { SourceTrade } from '../domain/trade.ts';
import { normalizeTradeRecord } from '../feeds/data-api-record.ts';
import { DEMO_STRATEGIES } from '../store/demo-strategies.ts';
import { firstTradeTime, loadNobelRecords, nobelMarkets } from './nobel-data.ts';
import { median, type BenchOptions, type BenchSpec, type Measured } from './report.ts';

export const FT_EVAL_SPEC: BenchSpec = { name: 'ft_eval_throughput', unit: 'evals/s', target: 10_000_000, comparator: '>=' };

/** Timed wall-clock time, run length and JIT warm-up (ms); `--quick` shortens the timed part and the warm-up */
const TIMING = { full: { totalMs: 2_000, warmUpMs: 500 }, quick: { totalMs: 500, warmUpMs: 200 } } as const;
const MIN_RUN_MS = 100;
const CASH = 1_000_000000n as Usdc;
const SCORE = 600000n as Ratio;

interface EvalInput {
  trade: SourceTrade;
  market: Market | null;
  stats: TraderStats;
}

export interface EvalFixture {
  inputs: EvalInput[];
  /** The demo strategies, compiled once */
  rules: CompiledRules;
}

/**
 * Deterministic statistics per trader (win rate 0.45–0.85, 10–110 resolved, $20–$520 average), so the rules past
 * `no_trader_stats` run too: without any, most strategies would stop at their first statistics rule
 */
export function statsFor(trader: string): TraderStats {
  let h = 0;
  for (const c of trader) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return {
    winRate: BigInt(450000 + (h % 400000)) as Ratio, resolvedCount: 10 + (h % 101),
    avgTradeUsd: BigInt((20 + (h % 501)) * 1_000000) as Usdc,
  };
}

export function prepareEvalFixture(records: Record<string, unknown>[]): EvalFixture {
  const markets = new Map(nobelMarkets(records).map((m) => [m.conditionId, m]));
  const inputs: EvalInput[] = [];
  for (const r of records) {
    const n = normalizeTradeRecord(r);
    if (n.ok) inputs.push({ trade: n.trade, market: markets.get(n.trade.conditionId) ?? null, stats: statsFor(n.trade.trader) });
  }
  const start = new Date(firstTradeTime(records).getTime() - 86_400_000);
  return { inputs, rules: compileRules(DEMO_STRATEGIES.map((s) => parseFtWallet(s, start))) };
}

/** One pass over every (trade, strategy) pair; returns how many took, so the work cannot be optimised away */
export function evaluatePass(f: EvalFixture, score: ScoreArg = SCORE): number {
  const out: BetOut = { bet: 0n as Usdc };
  const strategies = f.rules.strategies;
  let takes = 0;
  for (const i of f.inputs) {
    const t = prepareTrade(f.rules, i.trade, i.market, i.stats);
    for (let s = 0; s < strategies.length; s++) {
      if (verdict(t, strategies[s]!, score, CASH, out) === TAKE) takes += 1;
    }
  }
  return takes;
}

/** How the evaluations ended, once, for the report: takes and skips by reason */
function outcomes(f: EvalFixture): Record<string, number> {
  const counts: Record<string, number> = {};
  const out: BetOut = { bet: 0n as Usdc };
  for (const i of f.inputs) {
    const t = prepareTrade(f.rules, i.trade, i.market, i.stats);
    for (const s of f.rules.strategies) {
      const e = evaluationOf(verdict(t, s, SCORE, CASH, out), t, out.bet, SCORE);
      const key = e.kind === 'skip' ? `skip:${e.reason}` : e.kind;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return counts;
}

/** Passes per timed run, so one run lasts about MIN_RUN_MS; after `warmUpMs` of untimed passes for the JIT */
function calibrate(f: EvalFixture, warmUpMs: number): number {
  const warmUntil = performance.now() + warmUpMs;
  while (performance.now() < warmUntil) evaluatePass(f);
  let passes = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < passes; i++) evaluatePass(f);
    if (performance.now() - t0 >= MIN_RUN_MS) return passes;
    passes *= 2;
  }
}

interface Runs {
  /** Evaluations per wall-clock second, per run */
  rates: number[];
  /** Evaluations per second of CPU time the process used (every thread: GC and compiler included), per run */
  cpuRates: number[];
  totalMs: number;
  takes: number;
}

/** Timed runs of `passes` passes each until `minTotalMs` of wall-clock time */
function timedRuns(fixture: EvalFixture, passes: number, minTotalMs: number): Runs {
  const perRun = fixture.inputs.length * fixture.rules.strategies.length * passes;
  const runs: Runs = { rates: [], cpuRates: [], totalMs: 0, takes: 0 };
  while (runs.totalMs < minTotalMs) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < passes; i++) runs.takes += evaluatePass(fixture);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    runs.totalMs += ms;
    runs.rates.push(perRun / (ms / 1000));
    runs.cpuRates.push(perRun / ((cpu.user + cpu.system) / 1e6));
  }
  return runs;
}

export function measureFtEval(progress: (text: string) => void, options: BenchOptions = {}): Measured | string {
  const timing = options.quick ? TIMING.quick : TIMING.full;
  const records = loadNobelRecords();
  if (!records) return 'Nobel trades not found (../shared/data)';
  const fixture = prepareEvalFixture(records);
  const perPass = fixture.inputs.length * fixture.rules.strategies.length;
  const passes = calibrate(fixture, timing.warmUpMs);
  const load = loadavg()[0]!;
  const { rates, cpuRates, totalMs, takes } = timedRuns(fixture, passes, timing.totalMs);
  progress(`ft_eval_throughput: ${rates.length} runs of ${passes} passes × ${perPass} evaluations`);
  return {
    value: Math.round(median(rates)), samples: rates.length,
    detail: {
      trades: fixture.inputs.length, strategies: fixture.rules.strategies.length, evaluations_per_run: perPass * passes,
      run_rates_min: Math.round(Math.min(...rates)), run_rates_max: Math.round(Math.max(...rates)), timed_ms: Math.round(totalMs),
      planned_timed_ms: timing.totalMs, warm_up_ms: timing.warmUpMs,
      cpu_time_rate_median: Math.round(median(cpuRates)), load_average_1m: Number(load.toFixed(2)), cpus: cpus().length,
      takes_seen: takes, outcomes_per_pass: outcomes(fixture),
      note: 'one thread, wall-clock; cpu_time_rate_median divides by the CPU time the process was given instead (it '
        + 'shows the cost without the wait for a core on a loaded machine); model score fixed at 0.6 and trader '
        + 'statistics synthesized per trader so every rule can run',
    },
  };
}
