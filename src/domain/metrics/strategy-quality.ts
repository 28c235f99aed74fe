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
  /** A market BUY (FOK/FAK) sized in dollars: its fill rate is in USD (execution.ts fillRateOf); default false */
  usdSized?: boolean;
  /** What the order requested in USD (execution.ts requestedUsdOf); default intendedUsd */
  requestedUsd?: Usdc;
  signalSlippagePct: bigint | null;
  signalSlippageCents?: bigint | null;
  signalSlippageTicks?: bigint | null;
  /** Against the mid, in percent of the $1 payout (execution.ts payoutPct) */
  midSlippagePct: bigint | null;
  midSlippageCents?: bigint | null;
  midSlippageTicks?: bigint | null;
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
  /**
   * Each finished order's fill rate in its request's unit (USD for a USD-sized BUY, shares otherwise; ≤ 1),
   * weighted by its requested USD: Σ rateᵢ·usdᵢ / Σ usdᵢ. The seed's fill-rate target reads this
   */
  fillRate: Ratio | null;
  /** Σ min(filled, intended) shares / Σ intended shares over finished orders (≤ 1) */
  quantityFillRate: Ratio | null;
  /** Σ min(filled USD, requested USD) / Σ requested USD over finished orders (≤ 1) */
  usdFillRate: Ratio | null;
  /** Finished accepted orders with any fill / finished accepted orders */
  orderFillRate: Ratio | null;
  completeFillRate: Ratio | null;
  signalSlippagePct: Summary | null;
  signalSlippageCents: Summary | null;
  signalSlippageTicks: Summary | null;
  midSlippagePct: Summary | null;
  midSlippageCents: Summary | null;
  midSlippageTicks: Summary | null;
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

const requestedUsdOfSample = (o: OrderSample): Usdc => o.requestedUsd ?? o.intendedUsd;
const capped = (filled: bigint, requested: bigint): bigint => (filled < requested ? filled : requested);

/** Σ rateᵢ·usdᵢ / Σ usdᵢ in pico-USDC, each order's part rounded half-even once; null without a requested dollar */
function weightedFillRate(orders: readonly OrderSample[]): Ratio | null {
  let part = 0n;
  let whole = 0n;
  for (const o of orders) {
    const usd = requestedUsdOfSample(o);
    if (usd <= 0n || o.intendedShares <= 0n) continue;
    whole += usd * SCALE;
    part += o.usdSized === true
      ? capped(o.filledUsd, usd) * SCALE
      : divRound(capped(o.filledShares, o.intendedShares) * usd * SCALE, o.intendedShares, 'half_even');
  }
  return ratio(part, whole);
}

const sumOf = (xs: readonly OrderSample[], f: (o: OrderSample) => bigint) => xs.reduce((a, o) => a + f(o), 0n);

/** The fill rates over finished orders, each order capped at its request so none reads above 1 */
function fillRates(finished: readonly OrderSample[]) {
  return {
    fillRate: weightedFillRate(finished),
    quantityFillRate: ratio(sumOf(finished, (o) => capped(o.filledShares, o.intendedShares)), sumOf(finished, (o) => o.intendedShares)),
    usdFillRate: ratio(sumOf(finished, (o) => capped(o.filledUsd, requestedUsdOfSample(o))), sumOf(finished, requestedUsdOfSample)),
  };
}

const summaryOf = (orders: readonly OrderSample[], f: (o: OrderSample) => bigint | null | undefined) =>
  summarize(present(orders.map((o) => f(o) ?? null)));

/** `dispositions`: count of decided signals by disposition rule (`ordered` for the ordered ones) */
export function strategyQuality(orders: readonly OrderSample[], dispositions: Readonly<Record<string, number>>): StrategyQuality {
  const finished = orders.filter((o) => FINISHED.has(o.status));
  const accepted = finished.filter((o) => o.status !== 'rejected');
  const sent = orders.filter((o) => o.submitted);
  const rejected = sent.filter((o) => o.status === 'rejected');
  const reasons: Record<string, number> = {};
  for (const o of rejected) reasons[o.rejectReason ?? 'unknown'] = (reasons[o.rejectReason ?? 'unknown'] ?? 0) + 1;
  const decided = Object.values(dispositions).reduce((a, n) => a + n, 0);
  const skips = Object.fromEntries(Object.entries(dispositions).filter(([rule]) => rule !== 'ordered'));
  return {
    orders: orders.length, finished: finished.length,
    ...fillRates(finished),
    orderFillRate: rateOf(accepted.filter((o) => o.filledShares > 0n).length, accepted.length),
    completeFillRate: rateOf(accepted.filter((o) => o.filledShares >= o.intendedShares).length, accepted.length),
    signalSlippagePct: summaryOf(orders, (o) => o.signalSlippagePct),
    signalSlippageCents: summaryOf(orders, (o) => o.signalSlippageCents),
    signalSlippageTicks: summaryOf(orders, (o) => o.signalSlippageTicks),
    midSlippagePct: summaryOf(orders, (o) => o.midSlippagePct),
    midSlippageCents: summaryOf(orders, (o) => o.midSlippageCents),
    midSlippageTicks: summaryOf(orders, (o) => o.midSlippageTicks),
    expectedSlippagePct: summarize(present(orders.map((o) => o.expectedSlippagePct))),
    orderLatencyMs: summarizeMs(present(orders.map((o) => o.orderLatencyMs))),
    fillLatencyMs: summarizeMs(present(orders.map((o) => o.fillLatencyMs))),
    detectionLatencyMs: summarizeMs(present(orders.map((o) => o.detectionLatencyMs))),
    qualityScore: summarize(present(orders.map((o) => o.score))),
    rejectionRate: rateOf(rejected.length, sent.length), rejectionsByReason: ratesByReason(reasons, sent.length),
    copyRate: rateOf(dispositions.ordered ?? 0, decided), skipsByRule: ratesByReason(skips, decided),
    feesUsd: sumOf(orders, (o) => o.feesUsd) as Usdc,
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
    fill_rate: rate(q.fillRate), quantity_fill_rate: rate(q.quantityFillRate), usd_fill_rate: rate(q.usdFillRate),
    order_fill_rate: rate(q.orderFillRate), complete_fill_rate: rate(q.completeFillRate),
    signal_slippage_pct: formatSummary(q.signalSlippagePct, 4), signal_slippage_cents: formatSummary(q.signalSlippageCents, 4),
    signal_slippage_ticks: formatSummary(q.signalSlippageTicks, 2),
    mid_slippage_pct: formatSummary(q.midSlippagePct, 4), mid_slippage_cents: formatSummary(q.midSlippageCents, 4),
    mid_slippage_ticks: formatSummary(q.midSlippageTicks, 2),
    expected_slippage_pct: formatSummary(q.expectedSlippagePct, 4),
    order_latency_ms: formatSummaryMs(q.orderLatencyMs), fill_latency_ms: formatSummaryMs(q.fillLatencyMs),
    detection_latency_ms: formatSummaryMs(q.detectionLatencyMs), quality_score: formatScoreSummary(q.qualityScore),
    rejection_rate: rate(q.rejectionRate), rejections_by_reason: rates(q.rejectionsByReason),
    copy_rate: rate(q.copyRate), skips_by_rule: rates(q.skipsByRule), fees_usd: formatMicros(q.feesUsd, 2),
  };
}
