// @backend-independent
/** What each tolerance mode would have done, on hand-worked decisions at a 0.01 tick */
import { describe, expect, it } from 'vitest';
import { price, ratio } from '../money.ts';
import type { TolerancePolicy } from '../tolerance.ts';
import { toleranceModeOutcomes, type PricedDecision } from './tolerance-modes.ts';

const TICK = 10_000n;
const d = (side: 'BUY' | 'SELL', signal: string, bid: string | null, ask: string | null, vwap: string | null,
  actual: PricedDecision['actual']): PricedDecision => ({
  side, signalPrice: price(signal), tick: TICK, bestBid: bid === null ? null : price(bid), bestAsk: ask === null ? null : price(ask),
  expectedVwap: vwap === null ? null : price(vwap), actual,
});
const FIXED: TolerancePolicy = { mode: 'fixed_pct', pct: ratio('0.5'), ticks: null, spreadMultiple: null };
const TICKS: TolerancePolicy = { mode: 'ticks', pct: ratio('10'), ticks: 1n, spreadMultiple: null };
const SPREAD: TolerancePolicy = { mode: 'spread', pct: ratio('10'), ticks: null, spreadMultiple: ratio('1') };

describe('tolerance mode outcomes', () => {
  const decisions = [
    d('BUY', '0.20', '0.19', '0.21', '0.21', 'skipped'), // one tick: 5 %
    d('BUY', '0.50', '0.49', '0.50', '0.50', 'ordered'), // at the signal price
    d('SELL', '0.30', '0.28', '0.31', '0.28', 'skipped'), // two ticks: 6.67 %; spread 0.03 = 10 % exactly
    d('BUY', '0.20', null, '0.22', '0.22', 'skipped'), // no bid: the spread mode falls back to its 10 % cap
  ];

  it('fixed 0.5 % orders only the decision at the signal price', () => {
    expect(toleranceModeOutcomes(decisions, [FIXED])).toEqual([{ policy: FIXED, ordered: 1, skipped: 3, skippedSlippage: 3,
      skippedPriceRange: 0, newlyOrdered: 0, newlySkipped: 0, byBasis: { fixed_pct: 4 } }]);
  });

  it('1 tick (cap 10 %) adds the one-tick move; 1 × spread (cap 10 %) orders all four', () => {
    const [ticks, spread] = toleranceModeOutcomes(decisions, [TICKS, SPREAD]);
    expect(ticks).toMatchObject({ ordered: 2, skipped: 2, skippedSlippage: 2, newlyOrdered: 1, newlySkipped: 0, byBasis: { ticks: 4 } });
    expect(spread).toMatchObject({ ordered: 4, skipped: 0, newlyOrdered: 3, byBasis: { spread: 3, cap_no_spread: 1 } });
  });

  it('counts a decision the tolerance leaves no grid price for, and one it would now skip', () => {
    const low = [d('BUY', '0.004', null, null, null, 'ordered'), d('BUY', '0.20', '0.19', '0.21', '0.21', 'ordered')];
    expect(toleranceModeOutcomes(low, [FIXED])[0]).toMatchObject({ ordered: 0, skippedPriceRange: 1, skippedSlippage: 1, newlySkipped: 2 });
    // 1 tick at 0.004 is 250 %: the 10 % cap binds, and 0.0044 has no tick below it either
    expect(toleranceModeOutcomes(low, [TICKS])[0]).toMatchObject({ ordered: 1, skippedPriceRange: 1, newlySkipped: 1, byBasis: { cap: 1, ticks: 1 } });
  });
});
