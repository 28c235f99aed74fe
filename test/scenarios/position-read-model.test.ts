/**
 * The open positions' read model (migration 0019, src/store/position-model.ts): the kept units and per-token sums equal
 * openPositions' from-scratch reading after every step of a book that changes (a resting order, a partial fill, a full
 * fill, a sell, a settlement and its redemption, a switch to shadow and back), and equal a build from scratch; the
 * strategy's capital (its equity at the marks) read on the database (kept) equals the one read in a transaction (from
 * scratch). Every LT scenario checks the same at each ledger check (lt-world.ts checkDashboardReads)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { silentLog } from '../../src/log.ts';
import { formatPosition, openPositions } from '../../src/store/position-store.ts';
import { callApp } from '../support/api-client.ts';
import { ltCapital, setLtMode, stopLtStrategy, launchLtStrategy } from '../../src/engine/lt-strategies.ts';
import type { Db } from '../../src/store/db.ts';
import { POSITIONS_MODEL } from '../../src/store/position-model.ts';
import { refreshReadModel } from '../../src/store/read-models.ts';
import { backendName } from '../support/test-db.ts';
import { checkKeptPositions, createLtWorld, type LtWorld } from '../support/lt-world.ts';

const UNITS = `SELECT ft_order_id, token_id, order_time, shares::text, cost::text FROM lt_position_units
  WHERE user_id = $1 AND strategy_id = $2 ORDER BY ft_order_id`;
const SUMS = `SELECT token_id, frac::text, odd, positions::text, wholes::text, cost::text FROM lt_position_sums
  WHERE user_id = $1 AND strategy_id = $2 AND positions <> 0 ORDER BY token_id, frac, odd`;

/** The kept units and sums, then the same after the model is thrown away and built again: numerically equal */
async function expectKeptAsBuilt(db: Db, w: LtWorld): Promise<void> {
  const shadow = (await db.query<{ shadow: boolean }>(`SELECT mode = 'shadow' AS shadow FROM lt_strategies
    WHERE user_id = $1 AND strategy_id = $2`, [w.userId, w.strategyId]))[0]!.shadow;
  await checkKeptPositions(db, w.userId, w.strategyId, shadow);
  const read = async () => {
    await refreshReadModel(db, POSITIONS_MODEL, w.userId, w.strategyId);
    const numeric = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r)
      .map(([k, v]) => [k, typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])));
    return { units: numeric(await db.query(UNITS, [w.userId, w.strategyId])), sums: numeric(await db.query(SUMS, [w.userId, w.strategyId])) };
  };
  const kept = await read();
  await db.query(`DELETE FROM lt_read_state WHERE model = 'positions' AND user_id = $1 AND strategy_id = $2`, [w.userId, w.strategyId]);
  expect(kept, 'the kept units and sums = a build from scratch').toEqual(await read());
  const onDb = (await ltCapital(db, w.userId, w.strategyId))!;
  const inTx = (await db.transaction((tx) => ltCapital(tx, w.userId, w.strategyId)))!;
  expect(onDb, 'the capital from the kept positions = from scratch').toEqual(inTx);
}

/** GET …/positions one position a page: every page, their count and cursors, against openPositions */
async function expectPagedApi(w: LtWorld): Promise<void> {
  const app = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test',
    runJob: async () => ({ ran: false, reason: 'none' }) });
  const all = (await openPositions(w.ft.t.db, w.userId, w.strategyId, false)).map(formatPosition);
  const listed = [];
  for (let cursor: string | null = null, pages = 0; pages === 0 || cursor !== null; pages++) {
    const r = await callApp(app, 'GET', `/api/lt/strategies/${w.strategyId}/positions?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      undefined, w.token);
    expect([r.status, r.body.count, r.body.limit, r.body.positions.length]).toEqual([200, all.length, 1, 1]);
    listed.push(...r.body.positions);
    cursor = r.body.next_cursor;
    expect(pages).toBeLessThan(all.length);
  }
  expect(listed, 'the pages = openPositions, newest first').toEqual(JSON.parse(JSON.stringify(all)));
}

const openCount = async (db: Db, w: LtWorld) => (await db.query<{ n: number }>(
  `SELECT count(*)::int AS n FROM lt_position_units WHERE user_id = $1 AND strategy_id = $2`, [w.userId, w.strategyId]))[0]!.n;

describe(`the open positions read model (${backendName})`, () => {
  let w: LtWorld | undefined;
  afterEach(async () => w?.close());

  it('keeps the open positions equal to openPositions as the book fills, sells, settles, redeems and changes book', async () => {
    // A 2% fee: BUY fills pay it in shares, so the held shares have a fractional part (the sums' rounding groups)
    w = await createLtWorld({ feeRate: '0.02', settings: { slippage_tolerance_pct: '3' } });
    const db = w.ft.t.db;
    await refreshReadModel(db, POSITIONS_MODEL, w.userId, w.strategyId); // built empty: every step below is kept by marks
    w.bids([['0.49', '50']]);
    await w.buySignal({ price: 0.5 }); // no asks: the order rests
    await w.execute();
    await expectKeptAsBuilt(db, w);
    expect(await openCount(db, w)).toBe(0);
    w.takeFromMaker('SELL', '0.50', '6'); // a partial fill
    await w.sync();
    await expectKeptAsBuilt(db, w);
    expect(await openCount(db, w)).toBe(1);
    w.takeFromMaker('SELL', '0.50', '100'); // the rest
    await w.sync();
    await expectKeptAsBuilt(db, w);
    w.ft.clock.advance(1000);
    w.asks([['0.51', '100']]);
    await w.buySignal({ price: 0.5, size: 60 }); // a second signal, filled at once
    await w.execute();
    await expectKeptAsBuilt(db, w);
    expect(await openCount(db, w)).toBe(2);
    await expectPagedApi(w);
    w.ft.clock.advance(1000);
    w.bids([['0.60', '100']]);
    await w.sellSignal({ price: 0.6, size: 40 }); // the trader sells part: each signal's exit sells its share
    await w.execute();
    await expectKeptAsBuilt(db, w);
    await w.marketResolves([1_000000n, 0n]); // final: the positions are marked at their payout
    await expectKeptAsBuilt(db, w);
    await w.sync();
    await w.resolve(); // settled, and redeemed on the simulated chain
    await w.resolve();
    await expectKeptAsBuilt(db, w);
    expect(await openCount(db, w), 'settled positions are not open').toBe(0);
    const [redeemed] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_entries WHERE kind IN ('settlement', 'redemption')`);
    expect(redeemed!.n).toBeGreaterThan(0);
    const [dirty] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM lt_read_dirty WHERE model = 'positions'`);
    expect(dirty!.n, 'a refresh leaves nothing marked').toBe(0);
  });

  it('builds again for the other book when the strategy changes between live and shadow', async () => {
    w = await createLtWorld({ settings: { slippage_tolerance_pct: '3' } });
    const db = w.ft.t.db;
    const deps = { db, clock: w.ft.clock };
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    await expectKeptAsBuilt(db, w);
    expect(await openCount(db, w)).toBe(1);
    expect((await stopLtStrategy(deps, w.userId, w.strategyId)).ok).toBe(true);
    expect((await setLtMode(deps, w.userId, w.strategyId, 'shadow')).ok).toBe(true);
    await expectKeptAsBuilt(db, w);
    expect(await openCount(db, w), 'the shadow book holds nothing yet').toBe(0);
    expect((await launchLtStrategy(deps, w.userId, w.strategyId)).ok).toBe(true);
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5, size: 40 });
    await w.execute(); // the shadow venue fills against the same book
    await expectKeptAsBuilt(db, w);
    expect((await stopLtStrategy(deps, w.userId, w.strategyId)).ok).toBe(true);
    expect((await setLtMode(deps, w.userId, w.strategyId, 'live')).ok).toBe(true);
    await expectKeptAsBuilt(db, w);
    expect(await openCount(db, w), 'the live book is as it was').toBe(1);
    expect((await ltCapital(db, w.userId, w.strategyId))!.unmarkedPositions).toBe(0);
  });
});
