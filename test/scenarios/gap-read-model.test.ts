/**
 * The gap's read model (migration 0018, src/store/read-models.ts and gap-read-model.ts): the per-token sums kept with the writes equal a
 * build from scratch after every step, and the equity series kept alongside (migration 0021) its bucketing of every
 * leg at every step, as the strategy ages and as a mark moves, a change of book rebuilds them, and a writer whose transaction was running when a
 * build began is in what the build reads (PostgreSQL: PGlite has one connection, so no write can run beside a build)
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { GAP_MODEL, gapSummary } from '../../src/store/gap-read-model.ts';
import { refreshReadModel } from '../../src/store/read-models.ts';
import { strategyGap } from '../../src/store/gap-store.ts';
import { gapSummaryOfLegs } from '../../src/store/gap-summary-store.ts';
import { keptEquitySeries } from '../../src/store/series-read-model.ts';
import { equityOfLegs } from '../../src/store/series-store.ts';
import { backendName, TEST_DATABASE_URL } from '../support/test-db.ts';
import { CID } from '../support/ft-world.ts';
import { gapScenario } from '../support/gap-scenario.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

const SUMS = `SELECT token, signals, not_mirrored, pending, entries, invested::text, won, lost, realized::text, lt_a::text, lt_b::text,
  lt_e::text, ft_a::text, ft_b::text, ft_e::text, delay_a::text, delay_b::text, delay_e::text, execution_a::text,
  execution_b::text, execution_e::text, fees_a::text, fees_b::text, fees_e::text, opportunity_a::text, opportunity_b::text,
  opportunity_e::text, sizing_a::text, sizing_b::text, sizing_e::text
  FROM lt_gap_sums WHERE user_id = $1 AND strategy_id = $2 ORDER BY token`;

/** The kept sums, then the same after the model is thrown away and built again: numerically equal */
async function expectKeptAsBuilt(db: Db, w: LtWorld): Promise<void> {
  await refreshReadModel(db, GAP_MODEL, w.userId, w.strategyId);
  const kept = await db.query(SUMS, [w.userId, w.strategyId]);
  await db.query(`DELETE FROM lt_read_state WHERE model = 'gap' AND user_id = $1 AND strategy_id = $2`, [w.userId, w.strategyId]);
  await refreshReadModel(db, GAP_MODEL, w.userId, w.strategyId);
  const built = await db.query(SUMS, [w.userId, w.strategyId]);
  const numeric = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'token' ? v : Number(v)])));
  expect(numeric(kept), 'the kept per-token sums = a build from scratch').toEqual(numeric(built));
  expect(await gapSummary(db, w.userId, w.strategyId), 'the summary = its reading from every leg')
    .toEqual(await gapSummaryOfLegs(db, await strategyGap(db, w.userId, w.strategyId)));
  await expectSeriesOfLegs(db, w);
}

/**
 * The kept equity series = its bucketing of strategyGap's legs, now and as of later times whose age needs wider buckets
 * (re-bucketed from the kept legs), then at the first width again
 */
async function expectSeriesOfLegs(db: Db, w: LtWorld): Promise<void> {
  const gap = await strategyGap(db, w.userId, w.strategyId);
  const now = w.ft.clock.now().getTime();
  for (const at of [now, now + 3_600_000, now + 40 * 86_400_000, now]) {
    const kept = await keptEquitySeries(db, w.userId, w.strategyId, new Date(at));
    expect(kept, `the kept series as of ${new Date(at).toISOString()} = the legs bucketed`).toEqual(equityOfLegs(gap, new Date(at)));
    expect(kept.lt.at(-1)?.v ?? 0n, 'it ends at LT\'s P&L since launch').toBe(gap.launchedAt ? gap.total.ltPnl : 0n);
    expect(kept.ft.at(-1)?.v ?? 0n, 'it ends at FT\'s P&L since launch').toBe(gap.launchedAt ? gap.total.ftPnl : 0n);
  }
}

describe(`the gap read model (${backendName})`, () => {
  let w: LtWorld | undefined;
  afterEach(async () => w?.close());

  it('keeps per-token sums equal to a build from scratch as signals arrive, fill, exit and settle', async () => {
    w = await createLtWorld({ feeRate: '0.02', settings: { slippage_tolerance_pct: '3', order_ttl_seconds: 120 } });
    const db = w.ft.t.db;
    await refreshReadModel(db, GAP_MODEL, w.userId, w.strategyId);
    w.bids([['0.49', '50']]);
    w.asks([['0.51', '8']]);
    await w.buySignal({ price: 0.5 });
    await expectKeptAsBuilt(db, w); // pending: FT's order, no disposition yet
    await w.execute();
    await expectKeptAsBuilt(db, w);
    w.takeFromMaker('SELL', '0.51', '6');
    await w.sync();
    await expectKeptAsBuilt(db, w);
    w.asks([['0.45', '100']]);
    await w.buySignal({ price: 0.4 });
    await w.execute();
    // A mark that moves (the market's price, no trigger): the series' buckets of that token are valued again
    await db.query(`UPDATE markets SET outcome_prices = ARRAY[0.7, 0.3]::numeric[] WHERE condition_id = $1`, [CID]);
    await expectKeptAsBuilt(db, w);
    await w.marketResolves([1_000000n, 0n]);
    await w.sync();
    await w.resolve();
    await expectKeptAsBuilt(db, w);
    const [dirty] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM lt_read_dirty WHERE model = 'gap'`);
    expect(dirty!.n, 'a refresh leaves nothing marked').toBe(0);
  });

  it('builds again for the other book when the strategy changes between live and shadow', async () => {
    w = await gapScenario();
    const db = w.ft.t.db;
    const live = await gapSummary(db, w.userId, w.strategyId);
    expect(live.signals).toBe(2);
    await db.query(`UPDATE lt_strategies SET mode = 'shadow' WHERE user_id = $1 AND strategy_id = $2`, [w.userId, w.strategyId]);
    const shadow = await gapSummary(db, w.userId, w.strategyId);
    expect(shadow).toEqual(await gapSummaryOfLegs(db, await strategyGap(db, w.userId, w.strategyId)));
    expect(shadow.total.ltPnl, 'the shadow book has no orders: LT made nothing').toBe(0n);
    expect(live.total.ltPnl).not.toBe(0n);
    const [state] = await db.query<{ basis: string; ready: boolean }>(`SELECT basis, ready FROM lt_read_state WHERE model = 'gap'`);
    expect(state).toEqual({ basis: expect.stringMatching(/ shadow$/), ready: true });
  });

  it.skipIf(!TEST_DATABASE_URL)('a build waits for a writer that was running when it began, and reads its write', async () => {
    w = await gapScenario();
    const db = w.ft.t.db;
    const writer = new pg.Client({ connectionString: w.ft.t.url });
    await writer.connect();
    try {
      const [order] = await db.query<{ order_id: string }>('SELECT order_id FROM ft_orders ORDER BY order_time LIMIT 1');
      await db.query(`DELETE FROM lt_read_state WHERE model = 'gap'`); // the scenario's checks built the model: it is built anew below
      await writer.query('BEGIN');
      // Before the state row exists: the trigger finds no built strategy and marks nothing
      await writer.query('UPDATE ft_orders SET size = size + 1 WHERE order_id = $1', [order!.order_id]);
      let built = false;
      const build = refreshReadModel(db, GAP_MODEL, w.userId, w.strategyId).then(() => { built = true; });
      // The builder is polling the writer's transaction (its last query, on whichever connection): it has not read yet
      await waitFor(async () => (await db.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT x FROM unnest(%pg_xact_status%'`)).length > 0);
      expect(built, 'the build waits for the running writer').toBe(false);
      await writer.query('COMMIT');
      await build;
      expect(await gapSummary(db, w.userId, w.strategyId), 'the writer\'s change is in the built sums')
        .toEqual(await gapSummaryOfLegs(db, await strategyGap(db, w.userId, w.strategyId)));
    } finally {
      await writer.end();
    }
  });
});

/** Polls `check` every 20 ms, up to 30 s */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (const end = Date.now() + 30_000; Date.now() < end;) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met within 30 s');
}
