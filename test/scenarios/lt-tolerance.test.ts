/**
 * Dynamic tolerance through the executor on a 0.01-tick market: the trader buys at 0.20 with the book at 0.19 / 0.21,
 * so the cheapest fill is one tick (5 %) away. Fixed 0.5 % skips it, 1 tick with a 10 % cap orders it, a 2 % cap
 * binds and skips it again; exits follow the same tolerance; the slippage analysis replays each decision per mode
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { updateLtSettings } from '../../src/engine/lt-strategies.ts';
import { silentLog } from '../../src/log.ts';
import { callApp, type Json } from '../support/api-client.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';

// Each case builds a world on a fresh database: generous on a loaded machine
describe(`LT dynamic tolerance (${backendName})`, { timeout: 120_000 }, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  const settle = async (patch: Record<string, unknown>) => {
    const r = await updateLtSettings({ db: w.ft.t.db, clock: w.ft.clock }, w.userId, w.strategyId, patch);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  };
  /** The trader buys YES at 0.20 again, one second later, and the executor decides it */
  const signalAt20 = async () => {
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.2 });
    return w.execute();
  };
  const last = async () => (await w.dispositions()).at(-1)!;
  const stored = async () => (await w.ft.t.db.query<Record<string, unknown>>(`SELECT side, signal_price::text, tick_size::text,
    best_bid::text, best_ask::text, expected_vwap::text, detail FROM lt_dispositions ORDER BY decided_at DESC LIMIT 1`))[0]!;

  it('skips under fixed 0.5 %, orders under 1 tick capped at 10 %, and skips again when a 2 % cap binds', async () => {
    w = await createLtWorld();
    w.asks([['0.21', '1000']]);
    w.bids([['0.19', '1000']]);

    expect(await signalAt20()).toMatchObject({ ordered: 0, skipped: 1 });
    expect(await last()).toMatchObject({ disposition: 'skipped', rule: 'slippage', limit_value: '0.5000', observed: '5.0000' });
    expect(await stored()).toEqual({ side: 'BUY', signal_price: '0.200000', tick_size: '0.010000', best_bid: '0.190000',
      best_ask: '0.210000', expected_vwap: '0.210000', detail: 'tolerance fixed_pct: 0.5000 %, limit 0.200000' });

    await settle({ tolerance_mode: 'ticks', tolerance_ticks: 1, slippage_tolerance_pct: '2' });
    expect(await signalAt20()).toMatchObject({ ordered: 0, skipped: 1 });
    expect(await last()).toMatchObject({ rule: 'slippage', limit_value: '2.0000', observed: '5.0000' });
    expect((await stored()).detail).toBe('tolerance cap: 2.0000 %, limit 0.200000'); // 1 tick = 5 % > 2 %: the cap rules
    expect(w.probe.submits).toBe(0);

    await settle({ slippage_tolerance_pct: '10' });
    expect(await signalAt20()).toMatchObject({ ordered: 1, skipped: 0 });
    expect(await last()).toMatchObject({ disposition: 'ordered', rule: null });
    const [order] = await w.orders();
    expect(order).toMatchObject({ side: 'BUY', limit_price: '0.210000', status: 'filled', executed_price: '0.210000' });
    expect(w.probe.submits).toBe(1);

    // The exit: the trader sells at 0.20, the best bid is one tick lower; the same tolerance lets it through
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.2 });
    expect(await w.execute()).toMatchObject({ ordered: 1 });
    expect((await w.orders()).find((o) => o.side === 'SELL')).toMatchObject({ limit_price: '0.190000', status: 'filled' });
  });

  it('spread mode: 1 × (0.21 − 0.19) orders; with the bids gone the book has no spread and the cap rules', async () => {
    w = await createLtWorld({ settings: { tolerance_mode: 'spread', tolerance_spread_multiple: '1', slippage_tolerance_pct: '3' } });
    w.asks([['0.21', '1000']]);
    expect(await signalAt20()).toMatchObject({ skipped: 1 }); // one-sided book: 3 % cap < 5 %
    expect((await stored()).detail).toBe('tolerance cap_no_spread: 3.0000 %, limit 0.200000');
    w.bids([['0.19', '1000']]);
    await settle({ slippage_tolerance_pct: '10' });
    expect(await signalAt20()).toMatchObject({ ordered: 1 }); // spread 0.02 = 10 % of 0.20, within the cap
    expect((await w.orders())[0]).toMatchObject({ limit_price: '0.220000', status: 'filled', executed_price: '0.210000' });
  });

  it('the slippage analysis shows what each mode would have done with the recorded decisions', async () => {
    w = await createLtWorld();
    w.asks([['0.21', '1000']]);
    w.bids([['0.19', '1000']]);
    await signalAt20(); // skipped under fixed 0.5 %
    await settle({ tolerance_mode: 'ticks', tolerance_ticks: 1, slippage_tolerance_pct: '10' });
    await signalAt20(); // ordered
    const app = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test',
      runJob: async () => ({ ran: false, reason: 'none' }) });
    const get = async (query = '') =>
      (await callApp(app, 'GET', `/api/lt/strategies/${w.strategyId}/slippage-analysis${query}`, undefined, w.token));
    const r = await get();
    expect(r.status).toBe(200);
    const modes = r.body.tolerance_modes;
    expect(modes).toMatchObject({ decisions: 2, ordered: 1, skipped: 1, skipped_without_book: 0 });
    const brief = (m: Json) => [m.mode, m.current, m.ordered, m.skipped, m.newly_ordered, m.newly_skipped];
    // At the strategy's 10 %, each mode takes the one-tick move (5 %): fixed 10 %, 1 tick, 1 × the 0.02 spread
    expect(modes.modes.map(brief)).toEqual([['fixed_pct', false, 2, 0, 1, 0], ['ticks', true, 2, 0, 1, 0], ['spread', false, 2, 0, 1, 0]]);
    expect(modes.modes[1]).toMatchObject({ ticks: 1, cap_pct: '10.0000', skipped_slippage: 0, by_basis: { ticks: 2 } });
    // 0.4 × 0.02 = 0.008 < one tick; a 0.5 % percentage binds every mode
    const narrow = (await get('?spread_multiple=0.4')).body.tolerance_modes.modes.map(brief);
    expect(narrow[2]).toEqual(['spread', false, 0, 2, 0, 1]);
    const tight = (await get('?cap_pct=0.5')).body.tolerance_modes.modes;
    expect(tight.map(brief)).toEqual([['fixed_pct', false, 0, 2, 0, 1], ['ticks', false, 0, 2, 0, 1], ['spread', false, 0, 2, 0, 1]]);
    expect(tight[1].by_basis).toEqual({ cap: 2 });
    const bad = await get('?ticks=-1');
    expect([bad.status, JSON.stringify(bad.body.issues)]).toEqual([400, expect.stringMatching(/ticks/)]);
  });
});
