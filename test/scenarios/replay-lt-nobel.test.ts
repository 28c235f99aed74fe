/** tandem replay with LT on the Nobel trades: three LT strategies (GTC, GTC with a TTL, FAK) against the seeded simulated books, every invariant true, quality and gap per strategy, deterministic */
import { describe, expect, it } from 'vitest';
import { parseMicros } from '../../src/domain/money.ts';
import { noScorer } from '../../src/feeds/scorer.ts';
import { runReplay, type ReplayReport, type ReplayStrategy } from '../../src/replay/replay.ts';
import { nobelMarkets, nobelRecords } from '../support/nobel.ts';
import { backendName, openTestDb } from '../support/test-db.ts';

const base = { use_model: false, min_edge: null, min_trader_resolved_count: null };
const age = 3600;
const STRATEGIES: ReplayStrategy[] = [
  { ft: { ...base, wallet_id: 'FT_MID', price_min: '0.2', price_max: '0.8', min_original_trade_usd: '50', bet_size: '5' },
    lt: { starting_capital: '1000', order_type: 'GTC', slippage_tolerance_pct: '3', max_signal_age_seconds: age, cooldown_seconds: 600 } },
  { ft: { ...base, wallet_id: 'FT_LONGSHOT', price_max: '0.2', min_original_trade_usd: '20', bet_size: '3' },
    lt: { starting_capital: '500', order_type: 'GTC', slippage_tolerance_pct: '10', order_ttl_seconds: 900, max_signal_age_seconds: age } },
  { ft: { ...base, wallet_id: 'FT_BIG', price_min: '0.3', min_original_trade_usd: '100', bet_size: '10', starting_balance: '500' },
    lt: { starting_capital: '800', order_type: 'FAK', slippage_tolerance_pct: '0.5', max_signal_age_seconds: age } },
];

async function replayOnce(): Promise<ReplayReport> {
  const t = await openTestDb();
  try {
    const records = nobelRecords();
    return await runReplay(t.db, { records, markets: nobelMarkets(records, true), strategies: STRATEGIES, seed: 7, scorer: noScorer });
  } finally {
    await t.close();
  }
}

describe(`replay of the Nobel trades with LT (${backendName})`, () => {
  it('mirrors three strategies with every invariant true, order counts equal to ordered dispositions, twice the same', async () => {
    const started = Date.now();
    const a = await replayOnce();
    console.log(`LT replay: ${Date.now() - started} ms`);
    expect(Object.entries(a.invariants).filter(([, v]) => !v.ok)).toEqual([]);
    for (const name of ['lt_capital_conservation', 'lt_exactly_once', 'lt_locked_covers_open_notional',
      'lt_one_disposition_per_signal', 'lt_orders_equal_ordered_dispositions']) expect(a.invariants[name]?.ok, name).toBe(true);
    for (const s of a.strategies) {
      expect(s.lt_strategy_id).toBe(`LT_${s.ft_wallet_id}`);
      const lt = s.lt!;
      expect(Object.values(lt.orders).reduce((x, y) => x + y, 0), s.ft_wallet_id).toBe(lt.ordered);
      expect(lt.signals).toBe(lt.ordered + lt.expired + Object.values(lt.skipped).reduce((x, y) => x + y, 0));
      expect(lt.signals).toBeGreaterThan(0);
      // The quality section and the gap decomposition, whose parts add up to LT − FT to the micro-dollar
      expect(s.quality, s.ft_wallet_id).not.toBeNull();
      const g = s.gap!;
      const m = (v: string) => parseMicros(v);
      expect(m(g.delay_usd) + m(g.execution_usd) + m(g.fees_usd) + m(g.opportunity_usd) + m(g.sizing_usd)).toBe(m(g.total_usd));
      expect(m(g.lt_pnl_usd) - m(g.ft_pnl_usd)).toBe(m(g.total_usd));
      expect(g.signals, s.ft_wallet_id).toBe(lt.signals + g.not_mirrored);
      expect(g.pending, s.ft_wallet_id).toBe(0);
    }
    expect(a.strategies.some((s) => s.quality!.fill_rate !== null && s.quality!.quality_score_mean !== null)).toBe(true);
    expect(a.strategies.some((s) => (s.lt!.orders.filled ?? 0) > 0 && s.lt!.filled_usd !== '0.00')).toBe(true);
    const t2 = Date.now();
    expect(await replayOnce()).toEqual(a);
    console.log(`second run: ${Date.now() - t2} ms`);
  }, 240_000);
});
