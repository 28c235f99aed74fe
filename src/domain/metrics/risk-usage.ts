/**
 * How much of each risk limit a strategy uses now, on the same figures checkRisk decides on (src/domain/risk.ts),
 * and which breakers hold it: the kill switch, a pause (by the operator or automatic), the venue gate, and the two
 * limits that stop new orders by themselves (daily loss, drawdown)
 */
import { divRound, SCALE, type Ratio, type Usdc } from '../money.ts';
import { drawdownOf, type RiskLimits } from '../risk.ts';

export interface RiskUsageInput {
  limits: RiskLimits;
  equity: Usdc;
  peakEquity: Usdc;
  /** Locked capital: resting reservations + cost of shares held */
  locked: Usdc;
  /** The largest exposure in one market (cost held + resting notional) */
  maxMarketExposure: Usdc;
  committedToday: Usdc;
  realizedToday: Usdc;
}

export type LimitUnit = 'usd' | 'ratio';
export interface LimitUse { name: string; label: string; unit: LimitUnit; used: bigint; limit: bigint; ratio: Ratio | null }

const share = (used: bigint, limit: bigint): Ratio | null =>
  (limit <= 0n ? null : (divRound((used < 0n ? 0n : used) * SCALE, limit, 'half_even') as Ratio));

const use = (name: string, label: string, unit: LimitUnit, used: bigint, limit: bigint): LimitUse =>
  ({ name, label, unit, used, limit, ratio: share(used, limit) });

/**
 * Capital (locked against equity) always; then each limit the strategy has, in checkRisk's order. Per-order limits
 * (min/max order) have no running use and are not listed
 */
export function riskUsage(i: RiskUsageInput): LimitUse[] {
  const l = i.limits;
  const out = [use('capital', 'Capital deployed', 'usd', i.locked, i.equity)];
  if (l.maxPositionPerMarketUsd !== null) {
    out.push(use('max_position_per_market', 'Largest market position', 'usd', i.maxMarketExposure, l.maxPositionPerMarketUsd));
  }
  if (l.maxTotalExposureUsd !== null) out.push(use('max_total_exposure', 'Total exposure', 'usd', i.locked, l.maxTotalExposureUsd));
  if (l.dailyBudgetUsd !== null) out.push(use('daily_budget', 'Committed today', 'usd', i.committedToday, l.dailyBudgetUsd));
  if (l.maxDailyLossUsd !== null) {
    out.push(use('daily_loss', 'Realized loss today', 'usd', i.realizedToday < 0n ? -i.realizedToday : 0n, l.maxDailyLossUsd));
  }
  if (l.maxDrawdown !== null) out.push(use('drawdown', 'Drawdown from peak', 'ratio', drawdownOf(i.equity, i.peakEquity), l.maxDrawdown));
  return out;
}

/** The limits that stop every new order once reached (checkRisk's daily_loss and drawdown rules): reached or not */
export function limitBreakers(uses: readonly LimitUse[]): { name: string; tripped: boolean; used: bigint; limit: bigint }[] {
  return uses.filter((u) => u.name === 'daily_loss' || u.name === 'drawdown')
    .map((u) => ({ name: u.name, tripped: u.used >= u.limit, used: u.used, limit: u.limit }));
}
