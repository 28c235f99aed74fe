/**
 * The FT–LT gap, end to end with the simulated venue: LT fills late, partly, at a worse price than the trader and
 * pays a taker fee on one signal, and skips another; the decomposition adds up to LT − FT to the micro-dollar, per
 * signal and per strategy, and LT − FT agrees with the ledger and FT's own P&L
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GAP_PARTS } from '../../src/domain/metrics/index.ts';
import { sinceLaunch, formatSinceLaunch } from '../../src/store/comparison-store.ts';
import { strategyGap } from '../../src/store/gap-store.ts';
import { balancesOf } from '../../src/store/ledger-store.ts';
import { ltCapital } from '../../src/engine/lt-strategies.ts';
import { formatPosition, openPositions } from '../../src/store/position-store.ts';
import { qualityRows } from '../../src/store/quality-store.ts';
import { backendName } from '../support/test-db.ts';
import { gapScenario } from '../support/gap-scenario.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

describe(`FT–LT gap (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  const scenario = async () => { w = await gapScenario(); };

  it('decomposes LT − FT per signal and per strategy, exactly, with hand-computed parts', async () => {
    await scenario();
    const gap = await strategyGap(w.ft.t.db, w.userId, w.strategyId);
    expect(gap.pending).toBe(0);
    expect(gap.legs.map((l) => [l.disposition, l.rule, l.horizon.kind])).toEqual([['ordered', null, 'payout'], ['skipped', 'slippage', 'payout']]);
    const [a, b] = gap.legs.map((l) => l.gap);
    // A. FT: $10 at 0.5015 (0.50 + 0.3 %) → 19.940179 shares; at payout 1: F = 19.940179 − 10 = 9.940179
    //    LT: limit 0.51 (0.50 + 3 % = 0.515, down to the 0.01 tick), size 19.60 shares ($10 / 0.51 = 19.6078…, to 0.01);
    //    arrival mid (0.49 + 0.51)/2 = 0.50; fills 8 @ 0.51 (taker fee 8 × 0.02 × 0.51 × 0.49 = 0.039984 shares) and,
    //    a minute later, 6 @ 0.51 as the maker → q = 14, C = 14 × 0.51 = 7.14
    //    L = (14 − 0.039984) × 1 − 7.14 = 6.820016
    //    delay = −q (M − P_ft) = −14 × (0.50 − 0.5015) = +0.021
    //    execution = −(C − q M) = −(7.14 − 7.00) = −0.14
    //    fees = −0.039984 × 1 = −0.039984
    //    opportunity = −(Q − q)(P_end − P_ft) = −5.60 × 0.4985 = −2.7916
    //    sizing = (Q − Q_ft) P_end − (Q P_ft − C_ft) = (19.60 − 19.940179) − (9.8294 − 10) = −0.340179 + 0.1706 = −0.169579
    //    Σ = 0.021 − 0.14 − 0.039984 − 2.7916 − 0.169579 = −3.120163 = L − F = 6.820016 − 9.940179 ✓
    expect(a).toEqual({ ltPnl: 6_820016n, ftPnl: 9_940179n, total: -3_120163n, delay: 21_000n, execution: -140_000n,
      fees: -39_984n, opportunity: -2_791600n, sizing: -169_579n });
    // B. FT: $10 at 0.4012 → 24.925224 shares, F = 14.925224; LT skipped: everything is opportunity
    //    opportunity = −Q_ft (1 − 0.4012) = −24.925224 × 0.5988 = −14.925224 (−14.9252241…, half-even)
    expect(b).toEqual({ ltPnl: 0n, ftPnl: 14_925224n, total: -14_925224n, delay: 0n, execution: 0n, fees: 0n,
      opportunity: -14_925224n, sizing: 0n });
    for (const g of [a!, b!, gap.total]) {
      expect(GAP_PARTS.reduce((s, p) => s + g[p], 0n)).toBe(g.total);
      expect(g.ltPnl - g.ftPnl).toBe(g.total);
    }
    expect(gap.total.total).toBe(a!.total + b!.total);
  });

  /** Each FT order's legs read alone (the order page's read) equal its legs in the whole strategy's gap; pending adds up */
  async function expectScopedLegsAsWhole(): Promise<number> {
    const db = w.ft.t.db;
    const whole = await strategyGap(db, w.userId, w.strategyId);
    const ids = await db.query<{ order_id: string }>('SELECT order_id FROM ft_orders ORDER BY order_id');
    let pending = 0;
    for (const { order_id: id } of ids) {
      const alone = await strategyGap(db, w.userId, w.strategyId, { ftOrderId: id });
      expect(alone.legs).toEqual(whole.legs.filter((l) => l.ftOrderId === id));
      pending += alone.pending;
    }
    expect(pending).toBe(whole.pending);
    return ids.length;
  }

  it('reads one FT order’s legs alone exactly as the whole strategy reads them (the order page)', async () => {
    await scenario();
    expect(await expectScopedLegsAsWhole()).toBe(2);
    await w.close();
    w = await createLtWorld(); // an open market: one signal filled, the next not executed yet (pending for LT)
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    await w.buySignal({ price: 0.5 });
    expect(await expectScopedLegsAsWhole()).toBe(2);
    expect((await strategyGap(w.ft.t.db, w.userId, w.strategyId)).pending).toBe(1);
  });

  it('LT − FT of the decomposition equals the ledger’s realized P&L minus FT’s, once everything is settled', async () => {
    await scenario();
    const db = w.ft.t.db;
    const gap = await strategyGap(db, w.userId, w.strategyId);
    const ledger = await balancesOf(db, w.userId, w.strategyId, 'live');
    const [ft] = await db.query<{ pnl: string }>(`SELECT sum(pnl)::text AS pnl FROM ft_orders WHERE wallet_id = 'FT_COPY_ALL'`);
    expect(ledger.realizedPnl).toBe(gap.total.ltPnl);
    expect(ft!.pnl).toBe('24.865403'); // 9.940179 + 14.925224
    expect(gap.total.ftPnl).toBe(24_865403n);
    const view = formatSinceLaunch(await sinceLaunch(db, w.userId, w.strategyId));
    expect(view.gap).toMatchObject({ total_usd: '-18.045387', lt_pnl_usd: '6.820016', ft_pnl_usd: '24.865403', pending: 0 });
    expect(view.lt).toMatchObject({ realized_pnl_usd: '6.82', unrealized_pnl_usd: '0.00', won: 1, lost: 0 });
    expect(view.ft).toMatchObject({ realized_pnl_usd: '24.87', unrealized_pnl_usd: '0.00', won: 2, lost: 0, win_rate: '1.000000' });
  });

  it('records the execution quality of the late, partial, worse-priced order', async () => {
    await scenario();
    const [q] = await qualityRows(w.ft.t.db, w.userId, w.strategyId, false);
    // VWAP 0.51; signal slippage (0.51 − 0.50)/0.50 = 2 %; mid slippage vs (0.49 + 0.51)/2 = 0.50: 1 cent, 1 % of the
    // $1 payout; 1 tick of 0.01. Fill rate 14/19.60 = 0.7142857… → 0.714286 (a GTC: in shares), cancelled with a fill:
    // partially filled; two fills, each leaving the order unfilled
    expect(q).toMatchObject({
      status: 'cancelled', executed_price: '0.510000', filled_shares: '14.000000', intended_shares: '19.600000',
      fill_rate: '0.714286', fill_rate_basis: 'shares', display_status: 'partially_filled', partial_fill_count: 2,
      signal_slippage_pct: '2.000000', slippage_ticks: '1.000000', slippage_cents: '1.000000', mid_slippage_pct: '1.000000',
      mid_slippage_ticks: '1.000000', signal_slippage_cents: '1.000000', mid_price: '0.500000', spread: '0.020000',
      order_latency_ms: 2000, fill_latency_ms: 0, quality_version: 'q1',
    });
    expect(q!.quality_components).toHaveLength(3);
  });

  it('marks open positions at the latest price: the last trade, then Gamma’s price once known', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute(); // limit 0.5025 → 0.50 on the tick; 20 shares for $10, filled at once
    const db = w.ft.t.db;
    let [leg] = (await strategyGap(db, w.userId, w.strategyId)).legs;
    // No price from Gamma yet: the trader's 0.50 trade. L = 20 × 0.50 − 10 = 0; F = 19.940179 × 0.50 − 10 = −0.0299105 → −0.029910
    expect(leg!.horizon).toEqual({ price: 500000n, kind: 'last_trade' });
    expect(leg!.gap).toMatchObject({ ltPnl: 0n, ftPnl: -29_910n, total: 29_910n });
    // A stored price outside [0, 1] is dropped and counted, never used (INV-26): the last trade stays the mark
    await db.query(`UPDATE markets SET outcome_prices = '{60,40}'`);
    const off = await strategyGap(db, w.userId, w.strategyId);
    expect([off.invalidMarks, off.legs[0]!.horizon.kind]).toEqual([1, 'last_trade']);
    await db.query(`UPDATE markets SET outcome_prices = '{0.6,0.4}'`);
    [leg] = (await strategyGap(db, w.userId, w.strategyId)).legs;
    // L = 20 × 0.60 − 10 = 2; F = 19.940179 × 0.60 − 10 = 1.9641074 → 1.964107
    expect(leg!.horizon).toEqual({ price: 600000n, kind: 'mark' });
    expect(leg!.gap).toMatchObject({ ltPnl: 2_000000n, ftPnl: 1_964107n, total: 35_893n });
    const view = formatSinceLaunch(await sinceLaunch(db, w.userId, w.strategyId));
    expect(view.lt).toMatchObject({ realized_pnl_usd: '0.00', unrealized_pnl_usd: '2.00', won: 0 });
    expect(view.ft).toMatchObject({ realized_pnl_usd: '0.00', unrealized_pnl_usd: '1.96' });
    // The open position at the same mark: 20 shares cost $10, worth 20 × 0.60 = $12
    expect((await openPositions(db, w.userId, w.strategyId, false)).map(formatPosition)).toEqual([expect.objectContaining({
      shares: '20.000000', cost_usd: '10.000000', mark_price: '0.600000', mark: 'mark', value_usd: '12.000000',
      unrealized_pnl_usd: '2.000000', outcome: 'Yes', question: 'Will it rain in Paris?' })]);
    // Equity is cash + that position at the same mark: the ledger's (at cost) + $2 unrealized
    const cap = (await ltCapital(db, w.userId, w.strategyId))!;
    expect([cap.unrealized, cap.equity - cap.bookEquity, cap.unmarkedPositions]).toEqual([2_000000n, 2_000000n, 0]);
    expect(cap.bookEquity).toBe(cap.netDeposits + cap.realized);
  });
});
