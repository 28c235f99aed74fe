/**
 * Execution quality of one strategy, aggregated from its orders' per-order metrics (execution.ts) and its signal
 * dispositions. Fill rates are over finished orders (an open order may still fill); a stage with no samples
 * is null, never zero. docs/metrics.md defines each figure
 */
import { divRound, formatMicros, SCALE, type Ratio, type Shares, type Usdc } from '../money.ts';
import { formatScoreValue } from './quality-score.ts';
import { formatSummary, formatSummaryMs, rateOf, ratesByReason, summarize, summarizeMs, type Summary } from './stats.ts';

/** One order, as lt_execution_quality stores it */
export interface OrderSample {
  status: string;
  /** The order reached the venue (it has a submit time) */
  submitted: boolean;
  rejectReason: string | null;
  intendedShares: Shares;
  filledShares: Shares;
  intendedUsd: Usdc;
  filledUsd: Usdc;
  feesUsd: Usdc;
  signalSlippagePct: bigint | null;
  midSlippagePct: bigint | null;
  expectedSlippagePct: bigint | null;
  orderLatencyMs: number | null;
  fillLatencyMs: number | null;
  detectionLatencyMs: number | null;
  /** Quality score × 100 */
  score: bigint | null;
}

export interface StrategyQuality {
  orders: number;
  finished: number;
  /** Σ filled shares / Σ intended shares over finished orders */
  quantityFillRate: Ratio | null;
  usdFillRate: Ratio | null;
  /** Finished accepted orders with any fill / finished accepted orders */
  orderFillRate: Ratio | null;
  completeFillRate: Ratio | null;
  signalSlippagePct: Summary | null;
  midSlippagePct: Summary | null;
  expectedSlippagePct: Summary | null;
  orderLatencyMs: Summary | null;
  fillLatencyMs: Summary | null;
  detectionLatencyMs: Summary | null;
  qualityScore: Summary | null;
  /** Orders the venue rejected / orders sent to the venue */
  rejectionRate: Ratio | null;
  rejectionsByReason: Record<string, Ratio>;
  /** Signals ordered / signals decided; skips (and expiries) by their first breached rule */
  copyRate: Ratio | null;
  skipsByRule: Record<string, Ratio>;
  feesUsd: Usdc;
}

const FINISHED = new Set(['filled', 'cancelled', 'expired', 'rejected']);

const present = <T>(values: readonly (T | null)[]): T[] => values.filter((v): v is T => v !== null);

const ratio = (part: bigint, whole: bigint): Ratio | null => (whole === 0n ? null : (divRound(part * SCALE, whole, 'half_even') as Ratio));

/** `dispositions`: count of decided signals by disposition rule (`ordered` for the ordered ones) */
export function strategyQuality(orders: readonly OrderSample[], dispositions: Readonly<Record<string, number>>): StrategyQuality {
  const finished = orders.filter((o) => FINISHED.has(o.status));
  const accepted = finished.filter((o) => o.status !== 'rejected');
  const sent = orders.filter((o) => o.submitted);
  const rejected = sent.filter((o) => o.status === 'rejected');
  const sum = (xs: readonly OrderSample[], f: (o: OrderSample) => bigint) => xs.reduce((a, o) => a + f(o), 0n);
  const reasons: Record<string, number> = {};
  for (const o of rejected) reasons[o.rejectReason ?? 'unknown'] = (reasons[o.rejectReason ?? 'unknown'] ?? 0) + 1;
  const decided = Object.values(dispositions).reduce((a, n) => a + n, 0);
  const skips = Object.fromEntries(Object.entries(dispositions).filter(([rule]) => rule !== 'ordered'));
  return {
    orders: orders.length, finished: finished.length,
    quantityFillRate: ratio(sum(finished, (o) => o.filledShares), sum(finished, (o) => o.intendedShares)),
    usdFillRate: ratio(sum(finished, (o) => o.filledUsd), sum(finished, (o) => o.intendedUsd)),
    orderFillRate: rateOf(accepted.filter((o) => o.filledShares > 0n).length, accepted.length),
    completeFillRate: rateOf(accepted.filter((o) => o.filledShares >= o.intendedShares).length, accepted.length),
    signalSlippagePct: summarize(present(orders.map((o) => o.signalSlippagePct))),
    midSlippagePct: summarize(present(orders.map((o) => o.midSlippagePct))),
    expectedSlippagePct: summarize(present(orders.map((o) => o.expectedSlippagePct))),
    orderLatencyMs: summarizeMs(present(orders.map((o) => o.orderLatencyMs))),
    fillLatencyMs: summarizeMs(present(orders.map((o) => o.fillLatencyMs))),
    detectionLatencyMs: summarizeMs(present(orders.map((o) => o.detectionLatencyMs))),
    qualityScore: summarize(present(orders.map((o) => o.score))),
    rejectionRate: rateOf(rejected.length, sent.length), rejectionsByReason: ratesByReason(reasons, sent.length),
    copyRate: rateOf(dispositions.ordered ?? 0, decided), skipsByRule: ratesByReason(skips, decided),
    feesUsd: sum(orders, (o) => o.feesUsd) as Usdc,
  };
}

const rate = (r: Ratio | null): string | null => (r === null ? null : formatMicros(r));
const rates = (m: Record<string, Ratio>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, formatMicros(v)]));

/** Scores are stored × 100; their summary is shown with 2 decimals */
function formatScoreSummary(s: Summary | null): Record<string, string | number> | null {
  if (s === null) return null;
  const f = (v: bigint) => formatScoreValue(v);
  return { n: s.n, mean: f(s.mean), median: f(s.median), p50: f(s.p50), p95: f(s.p95), p99: f(s.p99), min: f(s.min), max: f(s.max) };
}

/** The JSON form every route, report and page shows: ratios and percents as decimal strings, ms as integers */
export function formatStrategyQuality(q: StrategyQuality) {
  return {
    orders: q.orders, finished: q.finished,
    quantity_fill_rate: rate(q.quantityFillRate), usd_fill_rate: rate(q.usdFillRate),
    order_fill_rate: rate(q.orderFillRate), complete_fill_rate: rate(q.completeFillRate),
    signal_slippage_pct: formatSummary(q.signalSlippagePct, 4), mid_slippage_pct: formatSummary(q.midSlippagePct, 4),
    expected_slippage_pct: formatSummary(q.expectedSlippagePct, 4),
    order_latency_ms: formatSummaryMs(q.orderLatencyMs), fill_latency_ms: formatSummaryMs(q.fillLatencyMs),
    detection_latency_ms: formatSummaryMs(q.detectionLatencyMs), quality_score: formatScoreSummary(q.qualityScore),
    rejection_rate: rate(q.rejectionRate), rejections_by_reason: rates(q.rejectionsByReason),
    copy_rate: rate(q.copyRate), skips_by_rule: rates(q.skipsByRule), fees_usd: formatMicros(q.feesUsd, 2),
  };
}
