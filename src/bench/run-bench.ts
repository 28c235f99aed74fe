/** The benches in the order they run, and the runner that turns each into a result (measured, skipped or failed) */
import type { Scorer } from '../engine/ports.ts';
import { ENDPOINTS_SPEC, measureDashboardEndpoints } from './dashboard-endpoints.ts';
import { PAINT_SPEC, measureDashboardPaint } from './dashboard-paint.ts';
import { CRASH_SPEC, measureCrashRestarts } from './crash-restarts.ts';
import { DASHBOARD_SPEC, measureDashboardSummary } from './dashboard-summary.ts';
import { FT_EVAL_SPEC, measureFtEval } from './ft-eval.ts';
import { REPLAY_PG_SPEC, REPLAY_SPEC, measureReplay, measureReplayPostgres } from './replay-throughput.ts';
import { FAULT_SPEC, measureFaultConvergence } from './fault-convergence.ts';
import { errorResult, measuredResult, skippedResult, type BenchOptions, type BenchResult, type BenchSpec, type Measured } from './report.ts';
import { RSS_SPEC, measureServiceRss } from './service-rss.ts';
import { SIGNAL_SPEC, measureSignalToSubmit } from './signal-to-submit.ts';
import { START_SPEC, measureStartToUrl } from './start-to-url.ts';

export interface BenchContext {
  scorer: Scorer;
  /** PostgreSQL for the dashboard bench (BENCH_DATABASE_URL); without it that bench is skipped */
  benchDatabaseUrl: string | undefined;
  progress(text: string): void;
  /** `--quick`: every measurement on a smaller input (the whole run under 3 minutes), for a check rather than a verdict */
  quick: boolean;
}

/** A measured value, or the reason it was not measured */
type Outcome = Measured | string;

export interface Bench {
  spec: BenchSpec;
  run(ctx: BenchContext): Promise<Outcome> | Outcome;
}

/** Every measurement's last parameter */
const opts = (ctx: BenchContext): BenchOptions => ({ quick: ctx.quick });

export const BENCHES: Bench[] = [
  { spec: FT_EVAL_SPEC, run: (ctx) => measureFtEval(ctx.progress, opts(ctx)) },
  { spec: REPLAY_SPEC, run: (ctx) => measureReplay(ctx.scorer, ctx.progress, opts(ctx)) },
  { spec: REPLAY_PG_SPEC, run: (ctx) => measureReplayPostgres(ctx.benchDatabaseUrl, ctx.scorer, ctx.progress, opts(ctx)) },
  { spec: SIGNAL_SPEC, run: (ctx) => measureSignalToSubmit(ctx.progress, ctx.benchDatabaseUrl, opts(ctx)) },
  { spec: RSS_SPEC, run: (ctx) => measureServiceRss(ctx.progress, opts(ctx)) },
  { spec: START_SPEC, run: (ctx) => measureStartToUrl(ctx.progress, opts(ctx)) },
  { spec: DASHBOARD_SPEC, run: (ctx) => measureDashboardSummary(ctx.benchDatabaseUrl, ctx.progress, opts(ctx)) },
  { spec: ENDPOINTS_SPEC, run: (ctx) => measureDashboardEndpoints(ctx.progress, opts(ctx)) },
  { spec: PAINT_SPEC, run: (ctx) => measureDashboardPaint(ctx.progress, opts(ctx)) },
  { spec: CRASH_SPEC, run: (ctx) => measureCrashRestarts(ctx.progress, opts(ctx)) },
  { spec: FAULT_SPEC, run: (ctx) => measureFaultConvergence(ctx.progress, opts(ctx)) },
];

/** Names in `only` that match no bench */
export const unknownNames = (only: string[]): string[] => only.filter((n) => !BENCHES.some((b) => b.spec.name === n));

export async function runBench(bench: Bench, ctx: BenchContext): Promise<BenchResult> {
  try {
    const outcome = await bench.run(ctx);
    if (typeof outcome === 'string') return skippedResult(bench.spec, outcome);
    // Said on every figure of a quick run, beside its input size, so it is not taken for a full one
    return measuredResult(bench.spec, ctx.quick ? { ...outcome, detail: { quick: true, ...outcome.detail } } : outcome);
  } catch (error) {
    return errorResult(bench.spec, error instanceof Error ? error.message : String(error));
  }
}

/** Runs the benches in order; `onResult` sees the results so far after each one (so a crash later loses none) */
export async function runBenches(only: string[] | null, ctx: BenchContext,
  onResult: (results: BenchResult[]) => void = () => undefined): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const bench of BENCHES) {
    if (only !== null && !only.includes(bench.spec.name)) continue;
    ctx.progress(`${bench.spec.name}: running`);
    const t0 = performance.now();
    const result = await runBench(bench, ctx);
    const how = result.skipped ?? (result.value === null ? `error: ${String(result.detail.error)}` : `${result.value} ${result.unit}`);
    ctx.progress(`${bench.spec.name}: ${how} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    results.push(result);
    onResult(results);
  }
  return results;
}
