/**
 * The seed's success metrics as green / red / no_data against fixed targets. Comparisons are exact
 * (integer cross-multiplication, no rounding); a missing input is 'no_data', never a pass or a fail
 */
import { formatMicros, SCALE, type Ratio, type Usdc } from '../money.ts';
import { formatScoreValue } from './quality-score.ts';

export type TargetStatus = 'green' | 'red' | 'no_data';
export interface TargetResult { metric: string; value: string | null; target: string; status: TargetStatus }
export interface TargetInputs {
  avgSignalSlippagePct: bigint | null; fillRate: Ratio | null; orderLatencyMsP50: number | null; rejectionRate: Ratio | null;
  ltPnl: Usdc | null; ftPnl: Usdc | null; ltWinRate: Ratio | null; ftWinRate: Ratio | null; qualityScoreMean: bigint | null;
}

/** Average signal slippage strictly below 0.5 % (micro-percent) */
export const TARGET_AVG_SLIPPAGE_PCT = 500_000n;
/** Fill rate strictly above 95 % */
export const TARGET_FILL_RATE = 950_000n as Ratio;
/** Order latency p50 strictly below 2000 ms */
export const TARGET_ORDER_LATENCY_P50_MS = 2000;
/** Rejection rate strictly below 5 % */
export const TARGET_REJECTION_RATE = 50_000n as Ratio;
/** LT P&L ≥ FT P&L − 10 % of |FT P&L| (live beating paper is green) */
export const TARGET_PNL_TOLERANCE = 100_000n as Ratio;
/** |LT win rate − FT win rate| ≤ 5 percentage points */
export const TARGET_WIN_RATE_GAP = 50_000n as Ratio;
/** Mean quality score strictly above 80 (× 100) */
export const TARGET_QUALITY_SCORE_MEAN = 8_000n;

export const TARGET_METRICS = [
  'avg_signal_slippage_pct', 'fill_rate', 'order_latency_p50_ms', 'rejection_rate', 'pnl_vs_ft', 'win_rate_vs_ft',
  'quality_score_mean',
] as const;

/** A Ratio as a percent with two places: 950_000n → "95.00 %" */
const pct = (r: bigint): string => `${formatMicros(r * 100n, 2)} %`;
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const status = (ok: boolean): TargetStatus => (ok ? 'green' : 'red');

function result(metric: (typeof TARGET_METRICS)[number], target: string, value: string | null, ok: boolean): TargetResult {
  return { metric, value, target, status: value === null ? 'no_data' : status(ok) };
}

/**
 * LT P&L no worse than FT's by more than the tolerance: (LT − FT) · 10⁶ ≥ −tolerance · |FT|. Only falling short of
 * paper is a miss: LT above FT is green however far above; with FT = 0, green for LT ≥ 0
 */
export function pnlWithin(lt: bigint, ft: bigint, tolerance: Ratio = TARGET_PNL_TOLERANCE): boolean {
  return (lt - ft) * SCALE >= -(tolerance * abs(ft));
}

function pnlTarget(lt: Usdc | null, ft: Usdc | null): TargetResult {
  const target = `LT ≥ FT − ${pct(TARGET_PNL_TOLERANCE)} of |FT|`;
  if (lt === null || ft === null) return result('pnl_vs_ft', target, null, false);
  const value = `LT ${formatMicros(lt, 2)} vs FT ${formatMicros(ft, 2)} USDC`;
  return result('pnl_vs_ft', target, value, pnlWithin(lt, ft));
}

function winRateTarget(lt: Ratio | null, ft: Ratio | null): TargetResult {
  const target = `|LT − FT| ≤ ${formatMicros(TARGET_WIN_RATE_GAP * 100n, 2)} pp`;
  if (lt === null || ft === null) return result('win_rate_vs_ft', target, null, false);
  const value = `LT ${pct(lt)} vs FT ${pct(ft)}`;
  return result('win_rate_vs_ft', target, value, abs(lt - ft) <= TARGET_WIN_RATE_GAP);
}

export function evaluateTargets(i: TargetInputs): TargetResult[] {
  const slip = i.avgSignalSlippagePct;
  const latency = i.orderLatencyMsP50;
  return [
    result('avg_signal_slippage_pct', `< ${formatMicros(TARGET_AVG_SLIPPAGE_PCT, 2)} %`,
      slip === null ? null : `${formatMicros(slip, 4)} %`, slip !== null && slip < TARGET_AVG_SLIPPAGE_PCT),
    result('fill_rate', `> ${pct(TARGET_FILL_RATE)}`,
      i.fillRate === null ? null : pct(i.fillRate), i.fillRate !== null && i.fillRate > TARGET_FILL_RATE),
    result('order_latency_p50_ms', `< ${TARGET_ORDER_LATENCY_P50_MS} ms`,
      latency === null ? null : `${latency} ms`, latency !== null && latency < TARGET_ORDER_LATENCY_P50_MS),
    result('rejection_rate', `< ${pct(TARGET_REJECTION_RATE)}`,
      i.rejectionRate === null ? null : pct(i.rejectionRate),
      i.rejectionRate !== null && i.rejectionRate < TARGET_REJECTION_RATE),
    pnlTarget(i.ltPnl, i.ftPnl),
    winRateTarget(i.ltWinRate, i.ftWinRate),
    result('quality_score_mean', `> ${formatScoreValue(TARGET_QUALITY_SCORE_MEAN)}`,
      i.qualityScoreMean === null ? null : formatScoreValue(i.qualityScoreMean),
      i.qualityScoreMean !== null && i.qualityScoreMean > TARGET_QUALITY_SCORE_MEAN),
  ];
}
