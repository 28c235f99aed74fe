/** Pre-trade risk through the executor: one decision on one snapshot, boundaries, the drawdown breaker, slippage, pause and kill switch */
import { afterEach, describe, expect, it } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import { engageKillSwitch, pauseLtStrategy } from '../../src/engine/lt-strategies.ts';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

describe(`LT risk (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  const skips = async () => (await w.dispositions()).filter((d) => d.disposition !== 'ordered')
    .map((d) => ({ rule: d.rule, limit: d.limit_value, observed: d.observed }));

  it('INV-29: available == cost is allowed; the next order is denied with the rule, limit and observed value', async () => {
    w = await createLtWorld({ settings: { starting_capital: '10' } });
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5 });
    const report = await w.execute();
    expect(report).toMatchObject({ ordered: 1, skipped: 1 });
    expect(await skips()).toEqual([{ rule: 'available_cash', limit: '0.000000', observed: '10.000000' }]);
    expect(await w.checkLedger()).toMatchObject({ available: 0n, positionCost: usdc('10') });
  });

  it('INV-29/INV-10: exposure == cap − cost is allowed, counting resting orders; one more is denied', async () => {
    w = await createLtWorld({ settings: { max_total_exposure_usd: '20' } });
    for (let i = 0; i < 3; i++) {
      await w.buySignal({ price: 0.5 });
      w.ft.clock.advance(1000);
    }
    const report = await w.execute();
    expect(report).toMatchObject({ ordered: 2, skipped: 1 });
    expect((await w.orders()).map((o) => o.status)).toEqual(['open', 'open']); // resting, not filled
    expect(await skips()).toEqual([{ rule: 'max_total_exposure', limit: '20.000000', observed: '30.000000' }]);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('980'), reserved: usdc('20') });
  });

  it.each([
    ['daily_budget_usd', 'daily_budget'],
    ['max_position_per_market_usd', 'max_position_per_market'],
  ])('INV-10: %s counts committed resting notional', async (setting, rule) => {
    w = await createLtWorld({ settings: { [setting]: '15' } });
    await w.buySignal({ price: 0.5 });
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    expect((await w.orders()).map((o) => o.status)).toEqual(['open']);
    expect(await skips()).toEqual([{ rule, limit: '15.000000', observed: '20.000000' }]);
  });

  it('INV-19: +20% then −15% from the peak trips a 10% drawdown breaker in the executor', async () => {
    w = await createLtWorld({ settings: { starting_capital: '100', max_drawdown_pct: '10' },
      wallet: { bet_size: '50', max_bet: '50' } });
    // Win: $50 at 0.25 = 200 shares, sold at 0.35 for $70 → equity 120, the new peak
    w.asks([['0.25', '200']]);
    await w.buySignal({ price: 0.25, size: 100 });
    await w.execute();
    w.bids([['0.35', '200']]);
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.35, size: 100 });
    await w.execute();
    expect(await w.checkLedger()).toMatchObject({ available: usdc('120'), realizedPnl: usdc('20') });
    // Loss: $50 at 0.50 = 100 shares, sold at 0.32 for $32 → equity 102, 15% under the peak of 120
    w.ft.clock.advance(1000);
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5, size: 100 });
    await w.execute();
    w.ft.clock.advance(1000);
    w.bids([['0.32', '100']]);
    await w.sellSignal({ price: 0.32, size: 100 });
    await w.execute();
    expect(await w.checkLedger()).toMatchObject({ available: usdc('102'), realizedPnl: usdc('2') });
    const [s] = await w.ft.t.db.query<{ peak: string }>('SELECT peak_equity::text AS peak FROM lt_strategies');
    expect(s!.peak).toBe('120.000000');
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5, size: 100 });
    const report = await w.execute();
    expect(report.skips).toEqual([expect.objectContaining({ rule: 'drawdown', limit: '0.100000', observed: '0.150000' })]);
  });

  it('INV-28: expected slippage above the tolerance skips with {rule, limit, observed}; nothing is reserved', async () => {
    w = await createLtWorld();
    w.asks([['0.52', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    expect(await skips()).toEqual([{ rule: 'slippage', limit: '0.5000', observed: '4.0000' }]);
    expect(w.probe.submits).toBe(0);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
  });

  it('INV-31: max_order_usd cuts the bet, min_order_usd raises it', async () => {
    w = await createLtWorld({ settings: { max_order_usd: '5', min_order_usd: '1' } });
    w.asks([['0.50', '1000']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    expect((await w.orders())[0]).toMatchObject({ size: '10.000000' });
    await w.close();
    w = await createLtWorld({ settings: { min_order_usd: '20', max_order_usd: '100' } });
    w.asks([['0.50', '1000']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    expect((await w.orders())[0]).toMatchObject({ size: '40.000000', status: 'filled' });
  });

  it('PRODUCT 5.10: pause and the kill switch stop new entries, but exits still go out', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '100']]);
    w.bids([['0.40', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    const deps = { db: w.ft.t.db, clock: w.ft.clock };
    await pauseLtStrategy(deps, w.userId, w.strategyId, 'test');
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5, proxyWallet: '0x' + 'a'.repeat(40) });
    await w.execute();
    await engageKillSwitch(deps, w.userId, 'test');
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5 });
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.4, size: 300 });
    await w.execute();
    expect((await skips()).map((s) => s.rule)).toEqual(['paused', 'kill_switch']);
    expect((await w.orders()).map((o) => [o.side, o.status])).toEqual([['BUY', 'filled'], ['SELL', 'filled']]);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('998'), positionCost: 0n, realizedPnl: usdc('-2') });
  });

  it('INV-7: an order under the market minimum is refused before anything is reserved', async () => {
    w = await createLtWorld({ wallet: { bet_size: '2' } }); // $2 at 0.50 = 4 shares, under the 5-share minimum
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    expect(await skips()).toEqual([{ rule: 'min_size', limit: '5.000000', observed: expect.stringMatching(/lower than the minimum/) }]);
    expect(w.probe.submits).toBe(0);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
  });
});
