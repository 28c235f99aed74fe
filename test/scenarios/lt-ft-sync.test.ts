/** sync_ft_changes: LT re-applies the FT filters it holds (launch snapshot, or FT's current filters) to every signal; capital and allocation stay as launched */
import { afterEach, describe, expect, it } from 'vitest';
import type { FtWallet } from '../../src/domain/ft-wallet.ts';
import { usdc } from '../../src/domain/money.ts';
import { updateLtSettings } from '../../src/engine/lt-strategies.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import type { Db, QueryOptions } from '../../src/store/db.ts';
import { getWallet, updateWallet } from '../../src/store/wallet-store.ts';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

describe(`LT follows the FT filters it holds (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  /** Edits the FT wallet as an operator would (FT evaluates every later trade with it) */
  async function editFt(patch: Partial<FtWallet>): Promise<void> {
    const ft = (await getWallet(w.ft.t.db, 'FT_COPY_ALL'))!;
    await updateWallet(w.ft.t.db, { ...ft, ...patch });
  }
  const ftOrders = () => w.ft.t.db.query<{ size: string; trader_price: string }>(
    'SELECT size::text, trader_price::text FROM ft_orders ORDER BY order_time, order_id');

  it('INV-31: sync off: a signal FT takes only because of an edit after launch is skipped with the launch filter\'s reason', async () => {
    w = await createLtWorld({ wallet: { price_max: '0.6' } });
    w.asks([['0.50', '1000'], ['0.70', '1000']]);
    await editFt({ priceMax: 900000n });
    await w.buySignal({ price: 0.7 });
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5 });
    expect((await ftOrders()).map((o) => o.trader_price)).toEqual(['0.700000', '0.500000']);
    expect(await w.execute()).toMatchObject({ signals: 2, ordered: 1, skipped: 1 });
    expect(await w.dispositions()).toEqual([
      { ft_order_id: expect.any(String), leg: 'entry', disposition: 'skipped', rule: 'ft_filter:price_out_of_range',
        limit_value: '[0.000000, 0.600000]', observed: '0.700000' },
      expect.objectContaining({ disposition: 'ordered', rule: null }),
    ]);
    expect(w.probe.submits).toBe(1);
  });

  it('sync off: after FT tightens one filter and loosens another, LT still trades what the launch filters allow', async () => {
    w = await createLtWorld({ wallet: { max_original_trade_usd: '100' } });
    w.asks([['0.50', '1000']]);
    // FT now wants trades of $20..$1000; LT holds "at most $100"
    await editFt({ minOriginalTradeUsd: usdc('20'), maxOriginalTradeUsd: usdc('1000') });
    await w.buySignal({ price: 0.5, size: 100 }); // $50: both allow it
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5, size: 400 }); // $200: only FT's edit allows it
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5, size: 20 }); // $10: the launch filters allow it, but FT no longer takes it: no signal
    expect(await ftOrders()).toHaveLength(2);
    expect(await w.execute()).toMatchObject({ signals: 2, ordered: 1, skipped: 1 });
    const [ordered, skipped] = await w.dispositions();
    expect(ordered).toMatchObject({ disposition: 'ordered' });
    expect(skipped).toMatchObject({ disposition: 'skipped', rule: 'ft_filter:trade_too_large', limit_value: '<= 100.000000',
      observed: '200.000000' });
  });

  it('INV-31: sync on: LT follows FT\'s new filters, looser and tighter, up to the moment it decides', async () => {
    w = await createLtWorld({ wallet: { price_max: '0.6' }, settings: { sync_ft_changes: true } });
    w.asks([['0.50', '1000'], ['0.70', '1000']]);
    await editFt({ priceMax: 900000n });
    await w.buySignal({ price: 0.7 });
    expect(await w.execute()).toMatchObject({ signals: 1, ordered: 1 });
    // FT took this one, then tightened before LT decided: LT applies the filter FT holds now
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.55 });
    await editFt({ priceMax: 500000n });
    expect(await w.execute()).toMatchObject({ signals: 1, skipped: 1 });
    expect((await w.dispositions())[1]).toMatchObject({ rule: 'ft_filter:price_out_of_range', limit_value: '[0.000000, 0.500000]',
      observed: '0.550000' });
  });

  it('INV-31: sync on: an FT edit made after a pass read its strategies is the filter that pass decides with', async () => {
    w = await createLtWorld({ wallet: { price_max: '0.6' }, settings: { sync_ft_changes: true } });
    w.asks([['0.50', '1000'], ['0.70', '1000']]);
    await editFt({ priceMax: 900000n });
    // The executor keeps FT's configuration per database object: this one edits FT right after a pass's first read
    let editAfterStrategiesRead: Partial<FtWallet> | null = null;
    const db = w.deps.db;
    const editing: Db = Object.assign(Object.create(db) as Db, {
      query: async <T,>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]> => {
        const rows = await db.query<T>(text, params, options);
        const patch = editAfterStrategiesRead;
        if (patch && text.includes('AS ft_config_version')) {
          editAfterStrategiesRead = null;
          await editFt(patch);
        }
        return rows;
      },
    });
    await w.buySignal({ price: 0.7 });
    expect(await executeLt({ ...w.deps, db: editing })).toMatchObject({ signals: 1, ordered: 1 }); // kept at price_max 0.9
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.55 });
    editAfterStrategiesRead = { priceMax: 500000n };
    expect(await executeLt({ ...w.deps, db: editing })).toMatchObject({ signals: 1, skipped: 1 });
    expect(editAfterStrategiesRead).toBeNull();
    expect((await w.dispositions())[1]).toMatchObject({ rule: 'ft_filter:price_out_of_range', limit_value: '[0.000000, 0.500000]',
      observed: '0.550000' });
  });

  it('turning sync on later applies FT\'s current filters from then on', async () => {
    w = await createLtWorld({ wallet: { price_max: '0.6' } });
    w.asks([['0.70', '1000']]);
    await editFt({ priceMax: 900000n });
    await w.buySignal({ price: 0.7 });
    expect(await w.execute()).toMatchObject({ signals: 1, skipped: 1 });
    const on = await updateLtSettings({ db: w.ft.t.db, clock: w.ft.clock }, w.userId, w.strategyId, { sync_ft_changes: true });
    expect(on.ok).toBe(true);
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.7 });
    expect(await w.execute()).toMatchObject({ signals: 1, ordered: 1 });
  });

  it('INV-31: sync on: capital and allocation never follow FT (bet size, starting balance stay as launched)', async () => {
    w = await createLtWorld({ settings: { sync_ft_changes: true } });
    w.asks([['0.50', '1000']]);
    await w.buySignal({ price: 0.5 });
    await editFt({ betSize: usdc('50'), startingBalance: usdc('5000'), maxBet: usdc('100') });
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5 });
    expect((await ftOrders()).map((o) => o.size)).toEqual(['10.000000', '50.000000']);
    expect(await w.execute()).toMatchObject({ signals: 2, ordered: 2 });
    const sizes = (await w.orders()).map((o) => o.size);
    expect(sizes).toHaveLength(2);
    expect(sizes[1]).toBe(sizes[0]); // both sized with the launch bet of $10
  });
});
