/** The LT dashboard views' bodies: execution quality, the since-launch comparison, the gap, positions, slippage analysis */
import { z } from '@hono/zod-openapi';
import { DISPLAY_STATUSES } from '../../domain/metrics/execution.ts';
import { Iso, NextCursor, Usd } from './common.ts';

const dec = z.string().nullable();
/** A nullable decimal string with a one-line description */
const decd = (description: string) => z.string().nullable().openapi({ description });
const question = z.string().nullable().openapi({ description: 'The market\'s question (else FT\'s title of it); null when unknown' });
const outcome = z.string().nullable().openapi({ description: 'The outcome the token pays on (e.g. Yes); null when unknown' });
const ms = z.number().int().nullable();
const SUMMARY_KEYS = 'n (a number), mean, median, p50, p95, p99, min, max';
const Summary = z.record(z.string(), z.union([z.string(), z.number()])).nullable().openapi({
  description: `Distribution over the orders with a value: ${SUMMARY_KEYS} (decimal strings); null when none has one` });
const SummaryMs = z.record(z.string(), z.number()).nullable().openapi({
  description: `Milliseconds: ${SUMMARY_KEYS} (numbers); null when no order has one` });
const ScoreSummary = z.record(z.string(), z.union([z.string(), z.number()])).nullable().openapi({
  description: `Quality score distribution (0..100, 2 decimals): ${SUMMARY_KEYS}; null when no order has a score` });
const Rates = z.record(z.string(), z.string()).openapi({ description: 'Ratio 0..1 by reason or rule' });

export const StrategyQuality = z.looseObject({
  orders: z.number().int(), finished: z.number().int(),
  fill_rate: decd('Finished orders\' fill rates (each in its request\'s unit, ≤ 1) weighted by requested USD; null: none'),
  quantity_fill_rate: dec, usd_fill_rate: dec, order_fill_rate: dec, complete_fill_rate: dec,
  signal_slippage_pct: Summary,
  signal_slippage_cents: Summary.openapi({ description: `Signal slippage in cents (4 decimals): ${SUMMARY_KEYS}; null when none` }),
  signal_slippage_ticks: Summary.openapi({ description: `Signal slippage in ticks (2 decimals): ${SUMMARY_KEYS}; null when none` }),
  mid_slippage_pct: Summary,
  mid_slippage_cents: Summary.openapi({ description: `Mid slippage in cents (4 decimals): ${SUMMARY_KEYS}; null when none` }),
  mid_slippage_ticks: Summary.openapi({ description: `Mid slippage in ticks (2 decimals): ${SUMMARY_KEYS}; null when none` }), expected_slippage_pct: Summary,
  order_latency_ms: SummaryMs, fill_latency_ms: SummaryMs, detection_latency_ms: SummaryMs, quality_score: ScoreSummary,
  rejection_rate: dec, rejections_by_reason: Rates, copy_rate: dec, skips_by_rule: Rates, fees_usd: Usd,
}).openapi('StrategyQuality');

export const QualityComponent = z.looseObject({ name: z.string(), weight: z.string(), value: dec }).openapi('QualityComponent');
export const QualityOrder = z.looseObject({
  order_id: z.string(), condition_id: z.string(), token_id: z.string(), question, outcome,
  market: z.object({ condition_id: z.string(), question, outcome, token_id: z.string() })
    .openapi({ description: 'The market and outcome token (as OrderRow.market)' }),
  side: z.enum(['BUY', 'SELL']), order_type: z.string(),
  status: z.string().openapi({ description: 'The stored order status' }),
  display_status: z.enum(DISPLAY_STATUSES)
    .openapi({ description: 'What the status means to an operator (as OrderRow.display_status, docs/metrics.md)' }),
  limit_price: decd('The order\'s limit price'),
  requested_shares: decd('The order size in shares'),
  requested_usd: decd('What the order asked for in USD (a USD-sized BUY: limit × size cut to the cent)'),
  fill_rate_basis: z.enum(['usd', 'shares']).openapi({ description: 'The unit fill_rate is measured in' }),
  signal_slippage_ticks: decd('(VWAP − signal)/tick, positive = worse for us'),
  slippage_cents: decd('Signal slippage in cents (as signal_slippage_cents; OrderRow\'s name)'),
  slippage_ticks: decd('Signal slippage in ticks (as signal_slippage_ticks; OrderRow\'s name)'),
  expected_price: dec, best_bid: dec, best_ask: dec, mid_price: dec, spread: dec, tick_size: dec, signal_price: dec,
  executed_price: dec, intended_shares: dec, filled_shares: dec, intended_usd: dec, filled_usd: dec, fees_usd: dec,
  fill_rate: dec, fill_rate_usd: dec, partial_fill_count: z.number().int().nullable(), expected_slippage_pct: dec,
  signal_slippage_pct: dec, signal_slippage_cents: dec, ft_price: dec, ft_slippage_pct: dec, ft_slippage_cents: dec,
  mid_slippage_pct: dec, mid_slippage_cents: dec, mid_slippage_ticks: dec, order_latency_ms: ms, fill_latency_ms: ms,
  detection_latency_ms: ms, quality_score: dec, quality_version: z.union([z.number(), z.string()]).nullable(),
  quality_components: z.array(QualityComponent).nullable(),
  source_trade_at: Iso.nullable(), detected_at: Iso.nullable(), signal_at: Iso.nullable(), submitted_at: Iso.nullable(),
  first_fill_at: Iso.nullable(), computed_at: Iso.nullable(),
}).openapi('QualityOrder', { description: 'One order\'s execution quality: decimals as strings, a metric without a sample null' });
export const QualityPage = z.object({
  strategy_id: z.string(), summary: StrategyQuality, orders: z.array(QualityOrder), limit: z.number().int(), next_cursor: NextCursor,
}).openapi('QualityPage');

const gapParts = {
  lt_pnl_usd: Usd, ft_pnl_usd: Usd, total_usd: Usd.openapi({ description: 'LT − FT' }), delay_usd: Usd, execution_usd: Usd,
  fees_usd: Usd, opportunity_usd: Usd, sizing_usd: Usd,
};
export const Gap = z.looseObject(gapParts).openapi('Gap', { description: 'LT − FT = delay + execution + fees + opportunity + sizing' });
export const GapTiming = z.looseObject({
  source_trade_at: Iso.nullable(), detected_at: Iso.nullable(), signal_at: Iso.nullable(), submitted_at: Iso.nullable(),
  detection_ms: ms, signal_ms: ms, submit_ms: ms, total_ms: ms,
}).openapi('GapTiming');
export const GapLeg = z.looseObject({
  ft_order_id: z.string(), at: Iso, leg: z.string().openapi({ description: 'entry, or exit:<close id>' }), side: z.enum(['BUY', 'SELL']),
  condition_id: z.string(), token_id: z.string(), question, outcome,
  disposition: z.enum(['ordered', 'skipped', 'expired', 'not_mirrored']),
  rule: z.string().nullable(), horizon_price: z.string(), horizon: z.string(), ...gapParts, timing: GapTiming.nullable(),
}).openapi('GapLeg');
export const GapPage = z.object({
  strategy_id: z.string(), launched_at: Iso.nullable(), total: Gap, signals: z.number().int(), not_mirrored: z.number().int(),
  pending: z.number().int(), invalid_marks: z.number().int(), legs: z.array(GapLeg), order: z.enum(['oldest', 'newest']),
  limit: z.number().int(), next_cursor: NextCursor,
}).openapi('GapPage');

const TargetResult = z.looseObject({ metric: z.string(), value: dec, target: z.string(),
  status: z.enum(['green', 'red', 'no_data']) }).openapi('TargetResult');
const Side = {
  signals: z.number().int(), invested_usd: Usd, realized_pnl_usd: Usd, unrealized_pnl_usd: Usd, pnl_usd: Usd,
  won: z.number().int(), lost: z.number().int(), win_rate: dec, return_pct: dec,
};
export const Comparison = z.looseObject({
  strategy_id: z.string(), launched_at: Iso.nullable(),
  ft: z.looseObject({ ...Side, exits: z.number().int() }),
  lt: z.looseObject({ ...Side, ordered: z.number().int(), filled_orders: z.number().int(), fees_usd: Usd }),
  gap: z.looseObject({ ...gapParts, signals: z.number().int(), not_mirrored: z.number().int(), pending: z.number().int() }),
  quality: StrategyQuality, targets: z.array(TargetResult),
}).openapi('Comparison');

export const Position = z.looseObject({
  ft_order_id: z.string(), condition_id: z.string(), token_id: z.string(), outcome: z.string(), market: z.string(),
  question,
  shares: dec, cost_usd: dec, mark_price: dec, mark: z.string().nullable(), value_usd: dec, unrealized_pnl_usd: dec,
}).openapi('Position');
export const Positions = z.object({ strategy_id: z.string(), book: z.enum(['live', 'shadow']),
  count: z.number().int().openapi({ description: 'Open positions in the book (all pages)' }), positions: z.array(Position),
  limit: z.number().int(), next_cursor: NextCursor }).openapi('Positions');

const SlippageGroup = z.looseObject({
  condition_id: z.string(), order_type: z.string(), orders: z.number().int(), expected_slippage_pct_mean: z.string(),
  actual_slippage_pct_mean: z.string(), error_pct_mean: z.string(), same_sign_share: z.string(), flagged: z.boolean(),
}).openapi('SlippageGroup');
const ModeOutcome = z.looseObject({
  mode: z.enum(['fixed_pct', 'ticks', 'spread']), ticks: z.number().int().nullable(), spread_multiple: dec,
  tolerance_pct: z.string().optional().openapi({ description: 'fixed_pct: the percentage' }),
  cap_pct: z.string().optional().openapi({ description: 'ticks and spread: the cap' }),
  current: z.boolean(), ordered: z.number().int(), skipped: z.number().int(), skipped_slippage: z.number().int(),
  skipped_price_range: z.number().int(), newly_ordered: z.number().int(), newly_skipped: z.number().int(),
  by_basis: z.record(z.string(), z.number().int()).openapi({ description: 'Decisions by the basis of their limit' }),
}).openapi('ToleranceModeOutcome');
export const SlippageAnalysis = z.object({
  strategy_id: z.string(), groups: z.array(SlippageGroup),
  tolerance_modes: z.looseObject({ decisions: z.number().int(), ordered: z.number().int(), skipped: z.number().int(),
    skipped_without_book: z.number().int(), modes: z.array(ModeOutcome) }),
}).openapi('SlippageAnalysis');
