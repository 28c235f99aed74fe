/**
 * The read-models job (src/engine/read-model-refresh.ts): after a run every model of every launched strategy is built
 * for the strategy's basis with no unit left dirty, so a dashboard read has nothing to build or recompute; a second run
 * with nothing written does no work; writes since are recomputed by the next run; one model that fails is reported
 * and the others are still refreshed
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { READ_MODELS, refreshReadModels } from '../../src/engine/read-model-refresh.ts';
import type { Db } from '../../src/store/db.ts';
import type { ReadModel } from '../../src/store/read-models.ts';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

const STATE = `SELECT model, ready FROM lt_read_state WHERE user_id = $1 AND strategy_id = $2 ORDER BY model`;
const DIRTY = `SELECT count(*)::int AS n FROM lt_read_dirty WHERE user_id = $1 AND strategy_id = $2`;

async function dirtyUnits(db: Db, w: LtWorld): Promise<number> {
  const [r] = await db.query<{ n: number }>(DIRTY, [w.userId, w.strategyId]);
  return r!.n;
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
    await db.query('DELETE FROM lt_read_state WHERE user_id = $1 AND strategy_id = $2', [w.userId, w.strategyId]);
    // As a database whose models were never built (history from before them, or thrown away): no state at all
    await db.query('DELETE FROM lt_read_state WHERE user_id = $1 AND strategy_id = $2', [w.userId, w.strategyId]);

    const first = await refreshReadModels({ db });
    expect(first).toMatchObject({ strategies: 1, refreshed: READ_MODELS.length, none: 0, errors: [] });
    const names = [...new Set(READ_MODELS.map((m) => m.name))].sort();
    expect(await db.query(STATE, [w.userId, w.strategyId]), 'every model built').toEqual(names.map((model) => ({ model, ready: true })));
    expect(await dirtyUnits(db, w), 'no unit left to recompute').toBe(0);

    // A second run with nothing written: every model is already up to date
    expect(await refreshReadModels({ db })).toMatchObject({ refreshed: READ_MODELS.length, errors: [] });
    expect(await dirtyUnits(db, w)).toBe(0);

    // A new order marks its units dirty (the executor alone: the world's execute() reads the models after it); the
    // next run recomputes them
    await w.buySignal({ price: 0.5 });
    expect((await executeLt(w.deps)).ordered).toBe(1);
    expect(await dirtyUnits(db, w)).toBeGreaterThan(0);
    expect((await refreshReadModels({ db })).errors).toEqual([]);
    expect(await dirtyUnits(db, w)).toBe(0);
  });

  it('reports a model that fails and still refreshes the others', async () => {
    w = await createLtWorld({ settings: { slippage_tolerance_pct: '3' } });
    const db = w.ft.t.db;
    w.asks([['0.51', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    await db.query('DELETE FROM lt_read_state WHERE user_id = $1 AND strategy_id = $2', [w.userId, w.strategyId]);
    // The quality model with a build that fails, run first: the real quality model then builds it as usual
    const broken: ReadModel = { ...READ_MODELS[1]!, buildAll: async () => { throw new Error('no such table'); } };
    const report = await refreshReadModels({ db, models: [broken, ...READ_MODELS] });
    expect(report.errors).toEqual([{ userId: w.userId, strategyId: w.strategyId, model: READ_MODELS[1]!.name, error: 'Error: no such table' }]);
    expect(report.refreshed).toBe(READ_MODELS.length);
    expect(report.slowest).not.toBeNull();
  });

  it('leaves a strategy never launched alone', async () => {
    w = await createLtWorld({ launch: false });
    expect(await refreshReadModels({ db: w.ft.t.db })).toMatchObject({ strategies: 0, refreshed: 0, errors: [] });
  });
});
