/** Exits that follow the trader's sells, settlement with cooldown and redemption, and shadow mode's separate book */
import { afterEach, describe, expect, it } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import { balancesOf } from '../../src/store/ledger-store.ts';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

describe(`LT exits and settlement (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  const sells = async () => (await w.orders()).filter((o) => o.side === 'SELL').map((o) => [o.size, o.status]);

  it('INV-21/INV-34: an exit sells the fraction f the trader sold of the shares we hold, with P&L for each sale', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '20']]);
    await w.buySignal({ price: 0.5, size: 100 });
    await w.execute();
    w.bids([['0.60', '100']]);
    // The trader sells 40 of her 100: FT closes 7.976071 of its 19.940179 paper shares (f just under 0.4,
    // FT rounds down), so we sell f × our 20 shares = 7.99 after the venue's 2-decimal lot
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.6, size: 40 });
    await w.execute();
    expect(await sells()).toEqual([['7.990000', 'filled']]);
    // 7.99 × 0.60 = 4.794 for a basis of 10 × 7.99 / 20 = 3.995
    expect(await w.checkLedger()).toMatchObject({ positionCost: usdc('6.005'), realizedPnl: usdc('0.799') });
    // She sells the other 60: f = 1 of what FT still holds, so we sell all 12.01 left
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.6, size: 60 });
    await w.execute();
    expect(await sells()).toEqual([['7.990000', 'filled'], ['12.010000', 'filled']]);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1002'), positionCost: 0n, realizedPnl: usdc('2') });
    expect((await w.orders())[0]).toMatchObject({ leg: 'entry', outcome: 'SOLD' });
  });

  it('INV-21: an exit never sells more than we hold, nor what a resting exit already offers', async () => {
    w = await createLtWorld({ wallet: { bet_size: '6' } }); // $6 at 0.50: 12 shares
    w.asks([['0.50', '12']]);
    await w.buySignal({ price: 0.5, size: 100 });
    await w.execute();
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.6, size: 50 }); // f ≈ 1/2 of 12 held → 5.99 shares, resting (no bids)
    await w.execute();
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.6, size: 50 }); // f = 1 of what no exit offers yet → the other 6.01
    await w.execute();
    expect(await sells()).toEqual([['5.990000', 'open'], ['6.010000', 'open']]);
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.6, size: 10, proxyWallet: '0x' + 'a'.repeat(40) });
    await w.execute(); // FT holds nothing more, so there is no further exit; nothing is oversold
    expect(await sells()).toHaveLength(2);
    w.takeFromMaker('BUY', '0.60', '12');
    await w.sync();
    expect(await sells()).toEqual([['5.990000', 'filled'], ['6.010000', 'filled']]);
    expect(await w.checkLedger()).toMatchObject({ positionCost: 0n, reserved: 0n, realizedPnl: usdc('1.2') });
  });

  it('INV-25/INV-22: a final market settles held shares once, into cooldown, and redemption makes them available', async () => {
    w = await createLtWorld({ settings: { cooldown_seconds: 3600 } });
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    await w.marketResolves([1_000000n, 0n]);
    const first = await w.resolve();
    const second = await w.resolve();
    expect(first).toMatchObject({ settled: 1, redeemed: 0, errors: [] });
    expect(second).toMatchObject({ settled: 0, redeemed: 0 });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20'), positionCost: 0n,
      realizedPnl: usdc('10') });
    expect((await w.orders())[0]).toMatchObject({ outcome: 'WON', realized_pnl: '10.000000' });
    w.ft.clock.advance(3_600_000);
    expect(await w.resolve()).toMatchObject({ settled: 0, redeemed: 1 });
    expect(await w.resolve()).toMatchObject({ redeemed: 0 });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
  });

  it('INV-25: a position with an order still open waits for the tracker before it settles', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '10']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    await w.marketResolves([0n, 1_000000n]); // the exchange cancels our resting remainder
    expect(await w.resolve()).toMatchObject({ settled: 0, waiting: [expect.objectContaining({ why: expect.stringMatching(/open/) })] });
    await w.sync();
    expect(await w.resolve()).toMatchObject({ settled: 1 });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('995'), cooldown: 0n, realizedPnl: usdc('-5') });
    expect((await w.orders())[0]).toMatchObject({ status: 'cancelled', outcome: 'LOST', realized_pnl: '-5.000000' });
  });

  it('INV-5: shadow mode runs the same path in its own book and never calls the venue to trade', async () => {
    w = await createLtWorld({ settings: { mode: 'shadow', slippage_tolerance_pct: '1' }, feeRate: '0.02' });
    w.asks([['0.50', '12'], ['0.51', '5']]);
    await w.buySignal({ price: 0.5 });
    const report = await w.execute();
    expect(report.submissions).toEqual([expect.objectContaining({ outcome: 'shadow', status: 'cancelled' })]);
    expect(w.probe.submits).toBe(0);
    expect(w.exchange.openOrders('tandem')).toEqual([]);
    // Limit 0.50: the 12 shares at 0.50 fill, the rest is not simulated resting and is cancelled
    expect((await w.orders())[0]).toMatchObject({ is_shadow: true, filled_size: '12.000000', status: 'cancelled' });
    const shadow = await w.checkLedger();
    expect(shadow).toMatchObject({ available: usdc('994'), positionCost: usdc('6'), reserved: 0n });
    const live = await balancesOf(w.ft.t.db, w.userId, w.strategyId, 'live');
    expect(live).toMatchObject({ available: 0n, netDeposits: 0n, positionCost: 0n });
    const [fill] = await w.ft.t.db.query<{ fee_asset: string; fee_amount: string }>('SELECT fee_asset, fee_amount::text FROM fills');
    expect(fill).toEqual({ fee_asset: 'shares', fee_amount: '0.060000' }); // 12 × 0.02 × 0.25
  });

  it('INV-35: taker fees, in shares on a BUY and in USDC on a SELL, are stored per fill and in the realized P&L', async () => {
    w = await createLtWorld({ feeRate: '0.02' });
    w.asks([['0.50', '20']]);
    await w.buySignal({ price: 0.5, size: 100 });
    await w.execute();
    w.bids([['0.60', '100']]);
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.6, size: 100 });
    await w.execute();
    // BUY: 20 × 0.02 × 0.25 = 0.1 share fee, so 19.9 held; SELL 19.9 at 0.60: fee 19.9 × 0.02 × 0.24 = $0.09552
    const fills = await w.ft.t.db.query('SELECT fee_asset, fee_amount::text FROM fills ORDER BY booked_at, fee_asset');
    expect(fills).toEqual([{ fee_asset: 'shares', fee_amount: '0.100000' }, { fee_asset: 'usdc', fee_amount: '0.095520' }]);
    expect(await sells()).toEqual([['19.900000', 'filled']]);
    // 19.9 × 0.60 = 11.94 − basis 10 − fee 0.09552
    expect(await w.checkLedger()).toMatchObject({ positionCost: 0n, fees: usdc('0.09552'), realizedPnl: usdc('1.84448') });
  });
});
