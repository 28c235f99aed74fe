/**
 * Pre-trade risk checks, pure: one decision on one snapshot, taken in the same transaction as the
 * reservation. A null limit means no limit; there are no hidden percentage defaults (INV-28, INV-29)
 */
import type { Ratio, Usdc } from './money.ts';
import { formatMicros, SCALE } from './money.ts';

/**
 * Reset policy of each breaker (INV-30, tested in test/scenarios/lt-invariants.test.ts):
 * - daily_budget_usd and max_daily_loss_usd keep no counter and no "last reset" date: each decision sums the ledger
 *   since the start of the current UTC day (`utcDayStart(now)`), so both reset at 00:00 UTC for every strategy,
 *   a brand-new one included;
 * - max_drawdown_pct has no reset, timed or daily: it compares equity with the high-water mark, which only rises
 *   (deposits and withdrawals scale it), and clears only once equity is back within the limit;
 * - a pause and the kill switch are manual: only resume / release lifts them (stop and relaunch do not).
 */
export interface RiskLimits {
  maxOrderUsd: Usdc | null;
  minOrderUsd: Usdc | null;
  /** Cost of shares held + resting notional in one market, including this order */
  maxPositionPerMarketUsd: Usdc | null;
  /** Locked capital (resting + held) including this order */
  maxTotalExposureUsd: Usdc | null;
  /** Notional committed today (filled + resting orders placed today) including this order */
  dailyBudgetUsd: Usdc | null;
  /** Realized loss today at or beyond which no new order goes out */
  maxDailyLossUsd: Usdc | null;
  /** Drawdown from peak equity, as a fraction, at or beyond which no new order goes out */
  maxDrawdown: Ratio | null;
}

export interface RiskSnapshot {
  paused: boolean;
  available: Usdc;
  locked: Usdc;
  equity: Usdc;
  peakEquity: Usdc;
  marketExposure: Usdc;
  committedToday: Usdc;
  realizedToday: Usdc;
}

export type RiskRule =
  | 'paused' | 'min_order' | 'max_order' | 'available_cash' | 'max_position_per_market' | 'max_total_exposure'
  | 'daily_budget' | 'daily_loss' | 'drawdown';

export type RiskDecision =
  | { kind: 'approve' }
  | { kind: 'deny'; rule: RiskRule; limit: string; observed: string };

const deny = (rule: RiskRule, limit: bigint, observed: bigint): RiskDecision =>
  ({ kind: 'deny', rule, limit: formatMicros(limit), observed: formatMicros(observed) });

/** Drawdown from peak as a ratio in millionths, rounded down; 0 when equity is at or above the peak */
export function drawdownOf(equity: Usdc, peak: Usdc): Ratio {
  if (peak <= 0n || equity >= peak) return 0n as Ratio;
  return (((peak - equity) * SCALE) / peak) as Ratio;
}

/** `cost` is what the order can cost at its limit price (the amount to reserve) */
export function checkRisk(cost: Usdc, s: RiskSnapshot, l: RiskLimits): RiskDecision {
  if (s.paused) return { kind: 'deny', rule: 'paused', limit: 'not paused', observed: 'paused' };
  if (l.minOrderUsd !== null && cost < l.minOrderUsd) return deny('min_order', l.minOrderUsd, cost);
  if (l.maxOrderUsd !== null && cost > l.maxOrderUsd) return deny('max_order', l.maxOrderUsd, cost);
  if (cost > s.available) return deny('available_cash', s.available, cost);
  if (l.maxPositionPerMarketUsd !== null && s.marketExposure + cost > l.maxPositionPerMarketUsd) {
    return deny('max_position_per_market', l.maxPositionPerMarketUsd, s.marketExposure + cost);
  }
  if (l.maxTotalExposureUsd !== null && s.locked + cost > l.maxTotalExposureUsd) {
    return deny('max_total_exposure', l.maxTotalExposureUsd, s.locked + cost);
  }
  if (l.dailyBudgetUsd !== null && s.committedToday + cost > l.dailyBudgetUsd) {
    return deny('daily_budget', l.dailyBudgetUsd, s.committedToday + cost);
  }
  if (l.maxDailyLossUsd !== null && -s.realizedToday >= l.maxDailyLossUsd) {
    return deny('daily_loss', l.maxDailyLossUsd, -s.realizedToday);
  }
  if (l.maxDrawdown !== null) {
    const dd = drawdownOf(s.equity, s.peakEquity);
    if (dd >= l.maxDrawdown) return { kind: 'deny', rule: 'drawdown', limit: formatMicros(l.maxDrawdown), observed: formatMicros(dd) };
  }
  return { kind: 'approve' };
}

/** Peak equity only ever rises */
export const nextPeak = (peak: Usdc, equity: Usdc): Usdc => (equity > peak ? equity : peak);
