/** Paper positions end to end: exits follow the trader's sells of the same token; settlement at the payout */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ftSkipCounts } from '../../src/store/ft-summary-store.ts';
import { backendName } from '../support/test-db.ts';
import { ALICE, BOB, copyAll, createFtWorld, market, NO, record, T0, type FtWorld } from '../support/ft-world.ts';

const closes = (w: FtWorld) => w.t.db.query<{ kind: string; shares: string; price: string; pnl: string }>(
  'SELECT kind, shares::text, price::text, pnl::text FROM ft_closes ORDER BY closed_at, kind');

describe(`paper positions (${backendName})`, () => {
  let w: FtWorld;
  beforeEach(async () => {
    w = await createFtWorld();
    await w.addWallet(copyAll());
  });
  afterEach(async () => w.close());

  it("closes the fraction the trader sold, at the sell price, and only on the same outcome token", async () => {
    // Alice buys 100 Yes at 0.50: we pay $10 at 0.5015 → 19.940179 shares
    await w.ingest([record({ size: 100, price: 0.5 })]);
    // Alice sells 30 No (another token): nothing of ours closes
    await w.ingest([record({ side: 'SELL', asset: NO, outcome: 'No', outcomeIndex: 1, size: 30, price: 0.4, timestamp: T0 + 10 })]);
    expect(await closes(w)).toEqual([]);
    // Bob sells Yes: not our trader
    await w.ingest([record({ side: 'SELL', proxyWallet: BOB, size: 30, price: 0.7, timestamp: T0 + 20 })]);
    expect(await closes(w)).toEqual([]);
    // Alice sells 40 of her 100 Yes at 0.60: we sell 40% = 7.976071 shares for $4.785642, basis $4 → +0.785642
    const report = await w.ingest([record({ side: 'SELL', size: 40, price: 0.6, timestamp: T0 + 30 })]);
    expect(report.exits).toBe(1);
    expect(await closes(w)).toEqual([{ kind: 'exit', shares: '7.976071', price: '0.600000', pnl: '0.785642' }]);
    const s = await w.summary('FT_COPY_ALL');
    expect(s).toMatchObject({ open: 1, realized_pnl: '0.785642', open_exposure: '6.000000', cash: '994.785642' });
    // She sells the other 60 at 0.20: the rest closes, and the order is SOLD
    await w.ingest([record({ side: 'SELL', size: 60, price: 0.2, timestamp: T0 + 40 })]);
    expect(await w.summary('FT_COPY_ALL')).toMatchObject({ open: 0, sold: 1, open_exposure: '0.000000' });
    // 11.964108 × 0.2 = 2.392821 proceeds − $6 basis = −3.607179; total 0.785642 − 3.607179
    expect((await w.summary('FT_COPY_ALL')).realized_pnl).toBe('-2.821537');
  });

  it('does not close a position opened after the sell', async () => {
    await w.ingest([record({ side: 'SELL', size: 10, price: 0.5, timestamp: T0 }), record({ timestamp: T0 + 1 })]);
    expect(await closes(w)).toEqual([]);
    expect((await w.summary('FT_COPY_ALL')).open).toBe(1);
  });

  it('settles a winner at 1 and a loser at 0, once', async () => {
    await w.ingest([record({ price: 0.25 }), record({ asset: NO, outcome: 'No', outcomeIndex: 1, price: 0.7, timestamp: T0 + 1 })]);
    w.markets.setMarket(market({ closed: true, resolutionStatus: 'resolved', outcomePrices: [1_000000n, 0n],
      closedTime: new Date('2026-03-02T00:00:00Z') }));
    const first = await w.resolve();
    const second = await w.resolve();
    expect(first).toMatchObject({ marketsResolved: 1, ordersSettled: 2 });
    expect(second.ordersSettled).toBe(0);
    // Yes: $10 at 0.25075 → 39.880358 shares → +29.880358; No: −$10
    expect(await w.summary('FT_COPY_ALL')).toMatchObject({ won: 1, lost: 1, realized_pnl: '19.880358', cash: '1019.880358' });
    const [order] = await w.t.db.query<{ resolved_time: Date }>(`SELECT resolved_time FROM ft_orders WHERE outcome = 'WON'`);
    expect(new Date(order!.resolved_time).toISOString()).toBe('2026-03-02T00:00:00.000Z'); // the market's time
  });

  it('settles a 50-50 market at 0.5 per share as VOID', async () => {
    await w.ingest([record({ price: 0.5 })]);
    w.markets.setMarket(market({ closed: true, outcomePrices: [500000n, 500000n] }));
    await w.resolve();
    // 19.940179 shares × 0.5 = 9.970089 (rounded down) − $10
    expect(await w.summary('FT_COPY_ALL')).toMatchObject({ void: 1, realized_pnl: '-0.029911' });
  });

  it('leaves orders open while a closed market has no final payout', async () => {
    await w.ingest([record()]);
    w.markets.setMarket(market({ closed: true, outcomePrices: [0n, 0n] }));
    const zero = await w.resolve();
    w.markets.setMarket(market({ closed: true, resolutionStatus: 'disputed', outcomePrices: [1_000000n, 0n] }));
    const disputed = await w.resolve();
    expect(zero.pending).toEqual([{ conditionId: market().conditionId, why: 'outcome prices do not sum to 1' }]);
    expect(disputed.pending[0]!.why).toContain('disputed');
    expect((await w.summary('FT_COPY_ALL')).open).toBe(1);
  });

  it('computes trader statistics from resolved history and uses them in later evaluations', async () => {
    await w.addWallet(copyAll({ wallet_id: 'FT_WR', min_trader_win_rate: '0.5', min_trader_resolved_count: 2 }));
    await w.ingest([record({ price: 0.3 }), record({ price: 0.4, timestamp: T0 + 1 }),
      record({ asset: NO, outcome: 'No', outcomeIndex: 1, price: 0.6, timestamp: T0 + 2 })]);
    expect(await ftSkipCounts(w.t.db, 'FT_WR')).toEqual({ no_trader_stats: 3 });
    w.markets.setMarket(market({ closed: true, outcomePrices: [1_000000n, 0n] }));
    expect((await w.resolve()).tradersRefreshed).toBe(1);
    const [stats] = await w.t.db.query('SELECT wins, resolved_count, win_rate::text, trade_count FROM trader_stats');
    expect(stats).toEqual({ wins: 2, resolved_count: 3, win_rate: '0.666667', trade_count: 3 });
    const other = '0x' + '2'.repeat(64);
    w.markets.setMarket(market({ conditionId: other, tokenIds: ['2001', '2002'] }));
    const report = await w.ingest([record({ conditionId: other, asset: '2001', timestamp: T0 + 3600 })]);
    expect(report.ordersCreated).toBe(2); // FT_COPY_ALL and now FT_WR too
  });

  it('rejects with ml_unavailable when the model has no score, and counts skips by reason and hour', async () => {
    await w.addWallet(copyAll({ wallet_id: 'FT_ML', use_model: true, model_threshold: '0.55' }));
    await w.ingest([record(), record({ timestamp: T0 + 3600 }), record({ proxyWallet: ALICE, side: 'SELL', timestamp: T0 + 7200 })]);
    expect(await ftSkipCounts(w.t.db, 'FT_ML')).toEqual({ ml_unavailable: 2, not_buy: 1 });
    const hours = await w.t.db.query(`SELECT count(DISTINCT hour)::int AS n FROM ft_skip_counts WHERE wallet_id = 'FT_ML'`);
    expect(hours[0]).toEqual({ n: 1 }); // counted in the hour they were evaluated (the clock's), not the trade's
  });

  it('never spends more cash than it has', async () => {
    await w.addWallet(copyAll({ wallet_id: 'FT_SMALL', starting_balance: '25', bet_size: '10' }));
    await w.ingest([0, 1, 2, 3].map((i) => record({ timestamp: T0 + i })));
    expect(await w.summary('FT_SMALL')).toMatchObject({ orders: 2, cash: '5.000000' });
    expect(await ftSkipCounts(w.t.db, 'FT_SMALL')).toEqual({ insufficient_cash: 2 });
  });
});
