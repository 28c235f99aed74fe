/** The replay report's LT signal shares: of every LT signal decided, the percentage ordered, skipped (by reason) and expired */
import type { LtReport } from '../store/report-store.ts';

export interface SignalShares {
  signals: number;
  /** Percentages of `signals`, one decimal place, as text ("12.5"); "0.0" without signals */
  ordered_pct: string;
  skipped_pct: string;
  /** Skips by the rule that made them (slippage, no_liquidity, max_position, …) */
  skipped_by_reason_pct: Record<string, string>;
  expired_pct: string;
}

/** n / total as a percentage rounded half up to one decimal place, exact in integers */
export function pctOf(n: number, total: number): string {
  if (total <= 0) return '0.0';
  const tenths = Math.floor((n * 2000 + total) / (2 * total)); // round(n × 1000 / total)
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** The shares over one or more strategies' LT reports */
export function signalShares(reports: readonly Pick<LtReport, 'signals' | 'ordered' | 'skipped' | 'expired'>[]): SignalShares {
  let signals = 0;
  let ordered = 0;
  let expired = 0;
  const skipped: Record<string, number> = {};
  for (const r of reports) {
    signals += r.signals;
    ordered += r.ordered;
    expired += r.expired;
    for (const [rule, n] of Object.entries(r.skipped)) skipped[rule] = (skipped[rule] ?? 0) + n;
  }
  const skippedAll = Object.values(skipped).reduce((a, b) => a + b, 0);
  const byReason = Object.fromEntries(Object.keys(skipped).sort().map((rule) => [rule, pctOf(skipped[rule]!, signals)]));
  return {
    signals, ordered_pct: pctOf(ordered, signals), skipped_pct: pctOf(skippedAll, signals), skipped_by_reason_pct: byReason,
    expired_pct: pctOf(expired, signals),
  };
}
