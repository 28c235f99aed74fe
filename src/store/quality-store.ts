/**
 * lt_execution_quality: one row per LT order, recomputed by the metrics module (src/domain/metrics) from the
 * order, its fill legs and its strategy's settings whenever the order changes state or fills
 */
import {
  displayStatus, fillRateOf, isUsdSized, orderQuality, requestedUsdOf, slippageCents, slippageFigures, slippagePct,
  type FillLeg, type OrderQuality, type OrderQualityInput,
} from '../domain/metrics/index.ts';
import { costOf, formatMicros, type Price, type Shares, type Usdc } from '../domain/money.ts';
import type { Side } from '../domain/trade.ts';
import type { Sql } from './db.ts';
import { dateOrNull, dec, decOrNull, micros, microsOrNull } from './rows.ts';
import { isoKey, pageParams, type Keyed, type PageRequest } from './page.ts';

const DEFAULT_TICK = 10_000n;

const QUALITY_INPUT_SQL = `SELECT o.order_id, o.lt_user_id, o.lt_strategy_id, o.condition_id, o.token_id, o.side, o.order_type,
    o.status, o.is_shadow, o.signal_price::text, o.size::text, o.limit_price::text, o.signal_size_usd::text,
    o.expected_vwap::text, o.best_bid::text, o.best_ask::text, o.source_trade_at, o.signal_at, o.submitted_at,
    (SELECT st.detected_at FROM source_trades st WHERE st.trade_key = l.source_trade_id) AS detected_at,
    coalesce(o.book_at_intent->>'tick', m.tick_size::text) AS tick,
    s.slippage_tolerance_pct::text AS tolerance, s.latency_alert_ms,
    CASE WHEN l.leg = 'entry' THEN (SELECT f.entry_price FROM ft_orders f WHERE f.order_id = l.ft_order_id)
      ELSE (SELECT c.price FROM ft_closes c WHERE c.order_id = l.ft_order_id AND 'exit:' || c.close_id = l.leg) END::text AS ft_price
  FROM orders o JOIN lt_strategies s ON s.user_id = o.lt_user_id AND s.strategy_id = o.lt_strategy_id
  JOIN lt_orders l ON l.order_id = o.order_id
  LEFT JOIN markets m ON m.condition_id = o.condition_id
  WHERE o.order_id = $1`;

/** The metrics module's input for one order, read from the database */
export async function qualityInputOf(sql: Sql, orderId: string): Promise<{ row: Record<string, unknown>; input: OrderQualityInput } | null> {
  const [r] = await sql.query(QUALITY_INPUT_SQL, [orderId]);
  if (!r || r.lt_strategy_id === null) return null;
  const fills = await sql.query<Record<string, unknown>>(
    `SELECT price::text, size::text, fee_asset, fee_amount::text, filled_at FROM fills WHERE order_id = $1
     ORDER BY filled_at, fill_id`, [orderId]);
  const size = micros(r.size) as Shares;
  const signalPrice = micros(r.signal_price) as Price;
  const input: OrderQualityInput = {
    side: r.side as 'BUY' | 'SELL', orderType: r.order_type as string, status: r.status as string, signalPrice, size,
    intendedUsd: (microsOrNull(r.signal_size_usd) ?? costOf(size, signalPrice)) as Usdc,
    expectedPrice: microsOrNull(r.expected_vwap) as Price | null, bestBid: microsOrNull(r.best_bid) as Price | null,
    bestAsk: microsOrNull(r.best_ask) as Price | null, tickSize: (microsOrNull(r.tick) ?? DEFAULT_TICK) as Price,
    limitPrice: microsOrNull(r.limit_price) as Price | null,
    fills: fills.map((f): FillLeg => ({
      price: micros(f.price) as Price, size: micros(f.size) as Shares, feeAsset: f.fee_asset as 'shares' | 'usdc',
      feeAmount: micros(f.fee_amount), at: new Date(f.filled_at as string),
    })),
    sourceTradeAt: dateOrNull(r.source_trade_at), signalAt: dateOrNull(r.signal_at), submittedAt: dateOrNull(r.submitted_at),
    detectedAt: dateOrNull(r.detected_at),
    slippageTolerancePct: micros(r.tolerance), latencyThresholdMs: r.latency_alert_ms === null ? null : Number(r.latency_alert_ms),
  };
  return { row: r, input };
}

/** Recomputes and stores the order's quality row (idempotent: the row is a function of the order and its fills) */
export async function recordQuality(tx: Sql, orderId: string, now: Date): Promise<OrderQuality | null> {
  const read = await qualityInputOf(tx, orderId);
  if (!read) return null;
  const q = orderQuality(read.input);
  // Against FT's paper price for the same signal (trader's price + FT's 0.3 % on entries), by the module's formulas
  const ftPrice = microsOrNull(read.row.ft_price);
  const ft = { price: ftPrice, pct: slippagePct(read.input.side, q.executedPrice, ftPrice),
    cents: slippageCents(read.input.side, q.executedPrice, ftPrice) };
  await upsertQuality(tx, read.row, read.input, q, ft, now);
  return q;
}

const pct = (v: bigint | null): string | null => decOrNull(v);
const ms = (v: number | null): string | null => (v === null ? null : String(Math.round(v)));

interface VsFt { price: bigint | null; pct: bigint | null; cents: bigint | null }

async function upsertQuality(tx: Sql, r: Record<string, unknown>, i: OrderQualityInput, q: OrderQuality, ft: VsFt,
  now: Date): Promise<void> {
  const values = [
    r.order_id, r.lt_user_id, r.lt_strategy_id, r.condition_id, r.token_id, i.side, i.orderType, r.is_shadow,
    decOrNull(i.expectedPrice), decOrNull(i.bestBid), decOrNull(i.bestAsk), decOrNull(q.mid), decOrNull(q.spread),
    decOrNull(i.tickSize), dec(i.signalPrice), decOrNull(q.executedPrice), dec(i.size), dec(q.filledShares),
    dec(i.intendedUsd), dec(q.filledUsd), dec(q.feesUsd), dec(q.fillRate), decOrNull(q.fillRateUsd), q.partialFillCount,
    pct(q.expectedSlippagePct), pct(q.signalSlippagePct), pct(q.signalSlippageCents), pct(q.midSlippagePct),
    pct(q.midSlippageCents), pct(q.midSlippageTicks), ms(q.orderLatencyMs), ms(q.fillLatencyMs), ms(q.detectionLatencyMs),
    q.score.score === null ? null : formatMicros(q.score.score * 10_000n, 2), q.score.version, JSON.stringify(scoreComponents(q)),
    i.signalAt?.toISOString() ?? null, i.submittedAt?.toISOString() ?? null, firstFillAt(i)?.toISOString() ?? null,
    now.toISOString(), decOrNull(ft.price), pct(ft.pct), pct(ft.cents), i.sourceTradeAt?.toISOString() ?? null,
    i.detectedAt?.toISOString() ?? null,
  ];
  const cols = `order_id, user_id, strategy_id, condition_id, token_id, side, order_type, is_shadow, expected_price,
    best_bid, best_ask, mid_price, spread, tick_size, signal_price, executed_price, intended_shares, filled_shares,
    intended_usd, filled_usd, fees_usd, fill_rate, fill_rate_usd, partial_fill_count, expected_slippage_pct,
    signal_slippage_pct, signal_slippage_cents, mid_slippage_pct, mid_slippage_cents, mid_slippage_ticks, order_latency_ms,
    fill_latency_ms, detection_latency_ms, quality_score, quality_version, quality_components, signal_at, submitted_at,
    first_fill_at, computed_at, ft_price, ft_slippage_pct, ft_slippage_cents, source_trade_at, detected_at`;
  const names = cols.split(',').map((c) => c.trim());
  const params = names.map((n, k) => (n === 'quality_components' ? `$${k + 1}::jsonb` : `$${k + 1}`)).join(', ');
  const updates = names.slice(1).map((n) => `${n} = EXCLUDED.${n}`).join(', ');
  await tx.query(`INSERT INTO lt_execution_quality (${cols}) VALUES (${params}) ON CONFLICT (order_id) DO UPDATE SET ${updates}`, values);
}

const firstFillAt = (i: OrderQualityInput): Date | null =>
  i.fills.reduce<Date | null>((first, f) => (first === null || f.at < first ? f.at : first), null);

const scoreComponents = (q: OrderQuality) => q.score.components.map((c) => ({
  name: c.name, weight: dec(c.weight), value: decOrNull(c.value),
}));

/** A stored quality row as the API returns it: decimals as strings, a metric without a sample as null */
export interface QualityRow {
  order_id: string;
  [column: string]: unknown;
}

const QUALITY_COLUMNS = `q.order_id, q.condition_id, q.token_id, mk.question,
  mk.outcomes[array_position(mk.clob_token_ids, q.token_id)] AS outcome, o.limit_price::text, q.side, q.order_type, o.status, q.expected_price::text,
  q.best_bid::text, q.best_ask::text, q.mid_price::text, q.spread::text, q.tick_size::text, q.signal_price::text,
  q.executed_price::text, q.intended_shares::text, q.filled_shares::text, q.intended_usd::text, q.filled_usd::text,
  q.fees_usd::text, q.fill_rate::text, q.fill_rate_usd::text, q.partial_fill_count, q.expected_slippage_pct::text,
  q.signal_slippage_pct::text, q.signal_slippage_cents::text, q.ft_price::text, q.ft_slippage_pct::text, q.ft_slippage_cents::text, q.mid_slippage_pct::text, q.mid_slippage_cents::text,
  q.mid_slippage_ticks::text, q.order_latency_ms::int AS order_latency_ms, q.fill_latency_ms::int AS fill_latency_ms,
  q.detection_latency_ms::int AS detection_latency_ms, q.quality_score::text, q.quality_version, q.quality_components,
  q.source_trade_at, q.detected_at, q.signal_at, q.submitted_at, q.first_fill_at, q.computed_at`;

const SIGNAL_KEY = `coalesce(q.signal_at, '-infinity'::timestamptz)`;

/** One strategy's quality rows in its current book, newest signal first (no signal time last) */
export async function qualityRows(sql: Sql, userId: string, strategyId: string, shadow: boolean): Promise<QualityRow[]> {
  return (await qualityRowsPage(sql, userId, strategyId, shadow, { limit: 1_000_000_000, after: null })).map((k) => k.row);
}

/** A page of qualityRows (sort key: signal_at, '-infinity' when absent, and order_id) */
export async function qualityRowsPage(sql: Sql, userId: string, strategyId: string, shadow: boolean,
  page: PageRequest): Promise<Keyed<QualityRow>[]> {
  const rows = await sql.query<QualityRow & { k_at: string }>(`SELECT ${QUALITY_COLUMNS},
      coalesce(${isoKey('q.signal_at')}, '-infinity') AS k_at
    FROM lt_execution_quality q JOIN orders o ON o.order_id = q.order_id LEFT JOIN markets mk ON mk.condition_id = q.condition_id
    WHERE q.user_id = $1 AND q.strategy_id = $2 AND q.is_shadow = $3
      AND ($4::timestamptz IS NULL OR (${SIGNAL_KEY}, q.order_id) < ($4::timestamptz, $5::uuid))
    ORDER BY ${SIGNAL_KEY} DESC, q.order_id DESC LIMIT $6`, [userId, strategyId, shadow, ...pageParams(page, 2)]);
  return rows.map(({ k_at, ...row }) => ({ row: readQualityRow(row), key: [k_at, row.order_id] }));
}

const text = (v: bigint | null, dp = 6): string | null => (v === null ? null : formatMicros(v, dp));

/**
 * A stored row with the figures of the metrics module as of now (docs/metrics.md), derived from the row's own prices
 * and sizes so that a row written under an older definition reads right: the fill rate in the request's unit (≤ 1),
 * display_status, slippage against the signal in ticks and cents beside the pct (`slippage_ticks`, `slippage_cents`),
 * mid slippage in pct of the $1 payout, cents and ticks, and the market's question and outcome beside the token id
 */
export function readQualityRow(r: QualityRow): QualityRow {
  const side = r.side as Side;
  const size = micros(r.intended_shares) as Shares;
  const usdSized = isUsdSized(side, r.order_type as string);
  const limit = microsOrNull(r.limit_price) as Price | null;
  const requestedUsd = limit === null ? (micros(r.intended_usd) as Usdc) : requestedUsdOf(usdSized, limit, size);
  const filledUsd = micros(r.filled_usd) as Usdc;
  const fill = fillRateOf({ usdSized, requestedShares: size, filledShares: micros(r.filled_shares) as Shares, requestedUsd, filledUsd });
  const usdRate = requestedUsd > 0n ? fillRateOf({ usdSized: true, requestedShares: size, filledShares: 0n as Shares, requestedUsd, filledUsd }) : null;
  const slip = slippageFigures(side, microsOrNull(r.executed_price), microsOrNull(r.signal_price), microsOrNull(r.mid_price),
    microsOrNull(r.tick_size));
  const question = (r.question as string | null) || null;
  const outcome = (r.outcome as string | null) ?? null;
  return {
    ...r, question, outcome,
    market: { condition_id: r.condition_id, question, outcome, token_id: r.token_id },
    display_status: displayStatus(r.status as string, fill.rate),
    requested_shares: text(size), requested_usd: text(requestedUsd), fill_rate: text(fill.rate), fill_rate_basis: fill.basis,
    fill_rate_usd: text(usdRate?.rate ?? null),
    signal_slippage_cents: text(slip.signalCents), signal_slippage_ticks: text(slip.signalTicks),
    slippage_cents: text(slip.signalCents), slippage_ticks: text(slip.signalTicks),
    mid_slippage_pct: text(slip.midPct), mid_slippage_cents: text(slip.midCents), mid_slippage_ticks: text(slip.midTicks),
  };
}

