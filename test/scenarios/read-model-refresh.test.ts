/**
 * The read-models job (src/engine/read-model-refresh.ts): after a run every model of every launched strategy is built
 * for the strategy's basis with no unit left dirty, so a dashboard read has nothing to build or recompute; a second run
 * with nothing written does no work; writes since are recomputed by the next run; one model that fails is reported
 * and the others are still refreshed
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { READ_MODELS, refreshReadModels } from '../../src/engine/read-model-refresh.ts';
import type { Db } from '../../src/store/db.ts';
import { GAP_MODEL } from '../../src/store/gap-read-model.ts';
import { MAX_EQUITY_POINTS } from '../../src/store/series-read-model.ts';
import { bucketWidthMs, EQUITY_WIDTHS_MS } from '../../src/domain/metrics/series.ts';
import { refreshReadModel, type ReadModel } from '../../src/store/read-models.ts';
import { backendName, TEST_DATABASE_URL } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

const STATE = `SELECT model, ready FROM lt_read_state WHERE user_id = $1 AND strategy_id = $2 ORDER BY model`;
const DIRTY = `SELECT count(*)::int AS n FROM lt_read_dirty WHERE user_id = $1 AND strategy_id = $2`;

/** The state, series state and gap sums rows with the transaction that last wrote each */
const keptRows = async (db: Db) => Promise.all(['lt_read_state', 'lt_series_state', 'lt_gap_sums'].map((t) =>
  db.query(`SELECT xmin::text AS x, * FROM ${t} ORDER BY xmin::text::bigint, 2, 3, 4`)));

async function dirtyUnits(db: Db, w: LtWorld): Promise<number> {
  const [r] = await db.query<{ n: number }>(DIRTY, [w.userId, w.strategyId]);
  return r!.n;
}

/** A launched strategy with one entry ordered */
async function tradedWorld(): Promise<LtWorld> {
  const w = await createLtWorld({ settings: { slippage_tolerance_pct: '3' } });
  w.asks([['0.51', '100']]);
  await w.buySignal({ price: 0.5 });
  await w.execute();
  return w;
}

describe(`the read-models job (${backendName})`, () => {
  let w: LtWorld | undefined;
  afterEach(async () => w?.close());

  it('builds every model of a launched strategy, then recomputes only what was written since', async () => {
    w = await createLtWorld({ settings: { slippage_tolerance_pct: '3' } });
    const db = w.ft.t.db;
    w.bids([['0.49', '50']]);
    w.asks([['0.51', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    // As a database whose models were never built (history from before them, or thrown away): no state at all
    await db.query('DELETE FROM lt_read_state WHERE user_id = $1 AND strategy_id = $2', [w.userId, w.strategyId]);

    const first = await refreshReadModels({ db, clock: w.ft.clock });
    expect(first).toMatchObject({ strategies: 1, refreshed: READ_MODELS.length, none: 0, errors: [] });
    const names = [...new Set(READ_MODELS.map((m) => m.name))].sort();
    expect(await db.query(STATE, [w.userId, w.strategyId]), 'every model built').toEqual(names.map((model) => ({ model, ready: true })));
    expect(await dirtyUnits(db, w), 'no unit left to recompute').toBe(0);

    // A second run with nothing written: every model is already up to date, and no row is written again (xmin: the
    // transaction that last wrote each row)
    const before = await keptRows(db);
    expect(await refreshReadModels({ db, clock: w.ft.clock })).toMatchObject({ refreshed: READ_MODELS.length, errors: [] });
    expect(await dirtyUnits(db, w)).toBe(0);
    expect(await keptRows(db)).toEqual(before);

    // A new order marks its units dirty (the executor alone: the world's execute() reads the models after it); the
    // next run recomputes them
    await w.buySignal({ price: 0.5 });
    expect((await executeLt(w.deps)).ordered).toBe(1);
    expect(await dirtyUnits(db, w)).toBeGreaterThan(0);
    expect((await refreshReadModels({ db, clock: w.ft.clock })).errors).toEqual([]);
    expect(await dirtyUnits(db, w)).toBe(0);
  });

  it('reports a model that fails and still refreshes the others', async () => {
    w = await tradedWorld();
    const db = w.ft.t.db;
    await db.query('DELETE FROM lt_read_state WHERE user_id = $1 AND strategy_id = $2', [w.userId, w.strategyId]);
    // The quality model with a build that fails, run first: the real quality model then builds it as usual
    const broken: ReadModel = { ...READ_MODELS[1]!, buildAll: async () => { throw new Error('no such table'); } };
    // The run goes on past the failure, then fails as a whole (job_runs and the job_failure metric), naming it
    const run = refreshReadModels({ db, clock: w.ft.clock, models: [broken, ...READ_MODELS] });
    await expect(run).rejects.toThrow(`1 read model refresh(es) failed, first quality of ${w.strategyId}: Error: no such table`);
    // Its report goes with it (the scheduler keeps it in job_runs)
    await expect(run).rejects.toMatchObject({ report: { refreshed: READ_MODELS.length, stopped: false,
      errors: [{ userId: w.userId, strategyId: w.strategyId, model: 'quality', error: 'Error: no such table' }] } });
    const names = [...new Set(READ_MODELS.map((m) => m.name))].sort();
    expect(await db.query(STATE, [w.userId, w.strategyId]), 'the others built').toEqual(names.map((model) => ({ model, ready: true })));
  });

  it('re-buckets the equity series for the strategy\'s age, as a read as of now would', async () => {
    w = await tradedWorld();
    const db = w.ft.t.db;
    w.ft.clock.advance(3 * 86_400_000); // three days on: 1-second buckets would be far more than the chart's points
    await refreshReadModels({ db, clock: w.ft.clock });
    const [row] = await db.query<{ launched_at: Date; width_ms: string }>(`SELECT s.launched_at, w.width_ms::text FROM lt_strategies s
      JOIN lt_series_state w ON w.user_id = s.user_id AND w.strategy_id = s.strategy_id WHERE s.strategy_id = $1`, [w.strategyId]);
    const wanted = bucketWidthMs(new Date(row!.launched_at), w.ft.clock.now(), MAX_EQUITY_POINTS, EQUITY_WIDTHS_MS);
    expect(wanted).toBeGreaterThan(1000);
    expect(Number(row!.width_ms)).toBe(wanted);
  });

  it('stops before the next refresh once the service is stopping', async () => {
    w = await createLtWorld({ settings: { slippage_tolerance_pct: '3' } });
    await w.ft.t.db.query('DELETE FROM lt_read_state');
    expect(await refreshReadModels({ db: w.ft.t.db, clock: w.ft.clock, signal: AbortSignal.abort() }))
      .toMatchObject({ strategies: 1, stopped: true, refreshed: 0, none: 0, errors: [] });
    expect(await w.ft.t.db.query('SELECT model FROM lt_read_state'), 'nothing built').toEqual([]);
  });

  it('leaves a strategy never launched alone', async () => {
    w = await createLtWorld({ launch: false });
    expect(await refreshReadModels({ db: w.ft.t.db, clock: w.ft.clock })).toMatchObject({ strategies: 0, refreshed: 0, errors: [] });
  });

  // The read-models job's build of one strategy can hold its transaction for minutes at 1 M orders: another strategy's
  // build (a dashboard read) must not wait for it as for a writer that may have missed its dirty mark
  it.skipIf(!TEST_DATABASE_URL)('a build does not wait for a transaction holding another read model\'s lock', async () => {
    w = await createLtWorld({ settings: { slippage_tolerance_pct: '3' } });
    const db = w.ft.t.db;
    const builder = new pg.Client({ connectionString: w.ft.t.url });
    await builder.connect();
    try {
      await db.query('DELETE FROM lt_read_state WHERE user_id = $1 AND strategy_id = $2', [w.userId, w.strategyId]);
      // Another strategy's build under way: the read-model lock class (4243) held, with a transaction id
      await builder.query('BEGIN');
      await builder.query('SELECT pg_advisory_xact_lock(4243, 1)');
      await builder.query('CREATE TEMP TABLE building (a int)');
      const outcome = await Promise.race([
        refreshReadModel(db, GAP_MODEL, w.userId, w.strategyId).then((built) => (built ? 'built' : 'no model')),
        new Promise((resolve) => setTimeout(() => resolve('still waiting after 30 s'), 30_000)),
      ]);
      expect(outcome).toBe('built');
    } finally {
      await builder.query('ROLLBACK').catch(() => undefined);
      await builder.end();
    }
  }, 60_000);
});
