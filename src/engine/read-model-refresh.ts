/**
 * The read-models job: every launched strategy's dashboard read models (src/store/read-models.ts) brought up to date in
 * the background, so that a dashboard read finds them built and pays only for what changed since the last run. Without
 * it the first read of a model builds it whole (measured: 171 s for the comparison at 1 M LT orders on PostgreSQL) and
 * every read pays for the writes since the one before. Run once the live orders are recovered at start (the live path
 * first: on PGlite a build holds the one connection) and on READ_MODELS_CRON (default every minute).
 *
 * A refresh takes the model's own lock per strategy (as a dashboard read does), so a read meanwhile waits for it rather
 * than doing the same work twice; writers are never blocked (they only mark their units dirty). After the gap model,
 * the equity series is read as of now, which re-buckets it for the strategy's age (a build keeps 1-second buckets)
 */
import { PartialFailure } from '../domain/errors.ts';
import { CHARTS_MODEL } from '../store/charts-read-model.ts';
import type { Db } from '../store/db.ts';
import { GAP_MODEL } from '../store/gap-read-model.ts';
import { readModelStrategies } from '../store/lt-strategy-store.ts';
import { keptEquitySeries } from '../store/series-read-model.ts';
import { COUNTS_MODEL } from '../store/order-counts-model.ts';
import { POSITIONS_MODEL } from '../store/position-model.ts';
import { QUALITY_MODEL } from '../store/quality-aggregate-store.ts';
import { refreshReadModel, type ReadModel } from '../store/read-models.ts';
import type { Clock, Log } from './ports.ts';

/** Every kept read model, in the order the dashboard's overview reads them */
export const READ_MODELS: readonly ReadModel[] = [GAP_MODEL, QUALITY_MODEL, CHARTS_MODEL, POSITIONS_MODEL, COUNTS_MODEL];

export interface ReadModelRefreshDeps {
  db: Db;
  clock: Clock;
  log?: Log;
  /** Aborted once the service is stopping: the run ends after the refresh under way */
  signal?: AbortSignal;
  /** The models to refresh (tests); default READ_MODELS */
  models?: readonly ReadModel[];
}

export interface ReadModelRefreshReport {
  strategies: number;
  /** Models brought up to date (built, or their changed units recomputed; cheap when nothing changed) */
  refreshed: number;
  /** Models the strategy has none of (their basis is null: not launched since it was listed) */
  none: number;
  /** The run ended early: the service is stopping */
  stopped: boolean;
  /** The slowest refresh of the run: where the time went */
  slowest: { strategyId: string; model: string; ms: number } | null;
  errors: { userId: string; strategyId: string; model: string; error: string }[];
}

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * Refreshes every model of every strategy launched at least once, one after the other (a build is heavy: two at once
 * would only compete for the same database). A failure is logged and the run goes on with the next one; a run with any
 * failure, finished or stopped, then fails as a whole (PartialFailure: job_runs keeps its report, and the job_failure
 * metric counts it), naming the first
 */
export async function refreshReadModels(deps: ReadModelRefreshDeps): Promise<ReadModelRefreshReport> {
  const models = deps.models ?? READ_MODELS;
  const strategies = await readModelStrategies(deps.db);
  const report: ReadModelRefreshReport = { strategies: strategies.length, refreshed: 0, none: 0, stopped: false, slowest: null, errors: [] };
  for (const s of strategies) {
    if (!(await refreshStrategy(deps, models, report, s))) {
      report.stopped = true;
      break;
    }
  }
  if (report.errors.length > 0) {
    const first = report.errors[0]!;
    throw new PartialFailure(`${report.errors.length} read model refresh(es) failed, first ${first.model} of ${first.strategyId}: ${first.error}`,
      report);
  }
  return report;
}

/** One strategy's models, then its equity series (unless its gap model failed); false when stopped before the end */
async function refreshStrategy(deps: ReadModelRefreshDeps, models: readonly ReadModel[], report: ReadModelRefreshReport,
  s: { userId: string; strategyId: string }): Promise<boolean> {
  let gapRefreshed = false;
  for (const model of models) {
    if (deps.signal?.aborted) return false;
    const ok = await timed(deps, report, s, model.name, async () => {
      if (await refreshReadModel(deps.db, model, s.userId, s.strategyId)) report.refreshed += 1;
      else report.none += 1;
    });
    if (model === GAP_MODEL) gapRefreshed = ok;
  }
  if (!gapRefreshed) return true;
  if (deps.signal?.aborted) return false;
  await timed(deps, report, s, 'series', () => keptEquitySeries(deps.db, s.userId, s.strategyId, deps.clock.now()));
  return true;
}

/** Runs one refresh, keeping the slowest and recording a failure (logged) instead of throwing it; false when it failed */
async function timed(deps: ReadModelRefreshDeps, report: ReadModelRefreshReport, s: { userId: string; strategyId: string },
  model: string, refresh: () => Promise<unknown>): Promise<boolean> {
  const t0 = performance.now();
  let ok = true;
  try {
    await refresh();
  } catch (e) {
    ok = false;
    report.errors.push({ ...s, model, error: errorText(e) });
    deps.log?.warn('read model refresh failed', { user: s.userId, strategy: s.strategyId, model, error: errorText(e) });
  }
  const ms = Math.round(performance.now() - t0);
  if (!report.slowest || ms > report.slowest.ms) report.slowest = { strategyId: s.strategyId, model, ms };
  return ok;
}
