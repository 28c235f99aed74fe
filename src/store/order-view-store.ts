/**
 * The dashboard's LT orders (issue 11): a user's orders newest first, filtered and keyset-paginated on
 * (signal time, order id), each with its market, fill figures (the sums of its own fill legs), display status, fill
 * rate and signal slippage; and one order with everything the order page shows (order-view-detail-store.ts)
 */
import {
  fillSums, signalSlippage, storedStatusesOf, type FillSums, type OrderFillLeg, type SignalSlippage,
} from '../domain/metrics/order-view.ts';
import {
  displayStatus, fillRateOf, isUsdSized, msBetween, requestedUsdOf, type DisplayStatus,
} from '../domain/metrics/execution.ts';
import type { LtOrderStatus, OrderSide } from '../domain/lt-order.ts';
import { formatMicros, type Price, type Ratio, type Shares, type Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { isoKey } from './page.ts';
import { dateOrNull, micros, microsOrNull } from './rows.ts';

export interface OrderFilter {
  strategyId?: string;
  status?: DisplayStatus;
  side?: OrderSide;
  /** On the signal time: from inclusive, to exclusive */
  from?: Date;
  to?: Date;
}

/** The sort key of an order: its signal time (microseconds, UTC) and its id */
export interface OrderKey { at: string; orderId: string }

export interface StoredFill extends OrderFillLeg { fillId: string; at: Date; role: 'taker' | 'maker' }

export interface OrderView {
  orderId: string;
  strategyId: string;
  ftOrderId: string;
  leg: string;
  sourceTradeId: string;
  signalAt: Date;
  submittedAt: Date | null;
  market: { conditionId: string; question: string | null; outcome: string | null; tokenId: string };
  side: OrderSide;
  orderType: string;
  status: LtOrderStatus;
  display: DisplayStatus;
  requestedShares: Shares;
  /** A BUY's USD size (the signal's); null for a SELL, sized in shares */
  requestedUsd: Usdc | null;
  filledShares: Shares;
  /** Σ of the fill legs */
  fills: FillSums;
  legs: StoredFill[];
  signalPrice: Price;
  limitPrice: Price;
  tick: bigint | null;
  fillRate: Ratio | null;
  slippage: SignalSlippage;
  orderLatencyMs: number | null;
  qualityScore: string | null;
  key: OrderKey;
}

export const ORDER_VIEW_SQL = `SELECT o.order_id, o.lt_strategy_id, l.ft_order_id, l.leg, l.source_trade_id, k.at AS signal_at,
    ${isoKey('k.at')} AS key_at, o.signal_at AS signal_at_raw, o.submitted_at, o.condition_id, o.token_id,
    nullif(m.question, '') AS question, m.outcomes[array_position(m.clob_token_ids, o.token_id)] AS outcome,
    o.side, o.order_type, o.status, o.size::text, o.filled_size::text, o.signal_size_usd::text, o.signal_price::text,
    o.limit_price::text, coalesce(o.book_at_intent->>'tick', m.tick_size::text) AS tick, q.quality_score::text
  FROM orders o JOIN lt_orders l ON l.order_id = o.order_id
  LEFT JOIN markets m ON m.condition_id = o.condition_id
  LEFT JOIN lt_execution_quality q ON q.order_id = o.order_id
  CROSS JOIN LATERAL (SELECT coalesce(o.signal_at, o.intent_at) AS at) k`;

/** One keyset batch of the user's orders newest first, prefiltered on the stored statuses the display status allows */
async function batch(sql: Sql, userId: string, f: OrderFilter, after: OrderKey | null, n: number) {
  return sql.query<Record<string, unknown>>(`${ORDER_VIEW_SQL}
    WHERE o.lt_user_id = $1 AND l.user_id = $1 AND ($2::text IS NULL OR o.lt_strategy_id = $2)
      AND ($3::text IS NULL OR o.side = $3) AND ($4::timestamptz IS NULL OR k.at >= $4::timestamptz)
      AND ($5::timestamptz IS NULL OR k.at < $5::timestamptz) AND ($6::text[] IS NULL OR o.status = ANY($6::text[]))
      AND ($7::timestamptz IS NULL OR (k.at, o.order_id) < ($7::timestamptz, $8::uuid))
    ORDER BY k.at DESC, o.order_id DESC LIMIT $9`,
  [userId, f.strategyId ?? null, f.side ?? null, f.from?.toISOString() ?? null, f.to?.toISOString() ?? null,
    f.status ? storedStatusesOf(f.status) : null, after?.at ?? null, after?.orderId ?? null, n]);
}

/** Fill legs of the orders, in time order */
export async function fillsOf(sql: Sql, orderIds: string[]): Promise<Map<string, StoredFill[]>> {
  const out = new Map<string, StoredFill[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return out;
  const rows = await sql.query<Record<string, unknown>>(`SELECT order_id, fill_id, price::text, size::text, fee_asset,
    fee_amount::text, role, filled_at FROM fills WHERE order_id = ANY($1::uuid[]) ORDER BY filled_at, fill_id`, [orderIds]);
  for (const r of rows) {
    out.get(r.order_id as string)?.push({
      fillId: r.fill_id as string, at: new Date(r.filled_at as string), role: r.role as 'taker' | 'maker',
      price: micros(r.price) as Price, shares: micros(r.size) as Shares, feeAsset: r.fee_asset as 'shares' | 'usdc',
      feeAmount: micros(r.fee_amount),
    });
  }
  return out;
}

/** An order row with its fill legs, as the dashboard reads it */
export function orderView(r: Record<string, unknown>, legs: StoredFill[]): OrderView {
  const side = r.side as OrderSide;
  const status = r.status as LtOrderStatus;
  const requestedShares = micros(r.size) as Shares;
  const filledShares = micros(r.filled_size) as Shares;
  const fills = fillSums(side, legs);
  const signalPrice = micros(r.signal_price) as Price;
  const limitPrice = micros(r.limit_price) as Price;
  const tick = microsOrNull(r.tick);
  const usdSized = isUsdSized(side, r.order_type as string);
  const requestedUsd = requestedUsdOf(usdSized, limitPrice, requestedShares);
  // no sample yet (null, not 0 %): not submitted, refused, or resting with nothing filled
  const unsampled = status === 'pending' || (filledShares === 0n && ['rejected', 'open', 'unknown'].includes(status));
  const fillRate = unsampled || requestedShares <= 0n
    ? null : fillRateOf({ usdSized, requestedShares, filledShares, requestedUsd, filledUsd: fills.usd }).rate;
  return {
    orderId: r.order_id as string, strategyId: r.lt_strategy_id as string, ftOrderId: r.ft_order_id as string,
    leg: r.leg as string, sourceTradeId: r.source_trade_id as string, signalAt: new Date(r.signal_at as string),
    submittedAt: dateOrNull(r.submitted_at),
    market: { conditionId: r.condition_id as string, question: (r.question as string | null) ?? null,
      outcome: (r.outcome as string | null) ?? null, tokenId: r.token_id as string },
    side, orderType: r.order_type as string, status, display: displayStatus(status, fillRate), requestedShares, requestedUsd,
    filledShares, fills, legs, signalPrice, limitPrice, tick,
    fillRate, slippage: signalSlippage(side, fills.avgPrice, signalPrice, tick),
    orderLatencyMs: msBetween(dateOrNull(r.signal_at_raw), dateOrNull(r.submitted_at)),
    qualityScore: (r.quality_score as string | null) ?? null,
    key: { at: r.key_at as string, orderId: r.order_id as string },
  };
}

/** Keyset batches scanned per request at most; a page may come back short with a cursor to go on from */
const MAX_BATCHES = 20;
const BATCH = 500;

/**
 * One page of the user's orders, newest signal first. The display status is decided here (from the order and its
 * legs), so the query prefilters and batches are read until the page is full; `next` is the key of the last order
 * read when more may follow
 */
export async function listOrderViews(sql: Sql, userId: string, f: OrderFilter, limit: number,
  after: OrderKey | null): Promise<{ orders: OrderView[]; next: OrderKey | null }> {
  const out: OrderView[] = [];
  let key = after;
  for (let n = 0; n < MAX_BATCHES; n += 1) {
    const size = f.status ? BATCH : limit + 1;
    const rows = await batch(sql, userId, f, key, size);
    const legs = await fillsOf(sql, rows.map((r) => r.order_id as string));
    for (const r of rows) {
      const v = orderView(r, legs.get(r.order_id as string) ?? []);
      if (f.status && v.display !== f.status) { key = v.key; continue; }
      if (out.length === limit) return { orders: out, next: out[limit - 1]!.key };
      out.push(v);
      key = v.key;
    }
    if (rows.length < size) return { orders: out, next: null };
  }
  return { orders: out, next: key };
}

/** One of the user's orders (null when there is none, or it is another user's) */
export async function orderViewOf(sql: Sql, userId: string, orderId: string): Promise<OrderView | null> {
  const [r] = await sql.query<Record<string, unknown>>(`${ORDER_VIEW_SQL} WHERE o.order_id = $2::uuid AND o.lt_user_id = $1
    AND l.user_id = $1`, [userId, orderId]);
  if (!r) return null;
  return orderView(r, (await fillsOf(sql, [orderId])).get(orderId) ?? []);
}

const usd = (v: bigint): string => formatMicros(v);
const decOrNull = (v: bigint | null): string | null => (v === null ? null : formatMicros(v));

/** An order as the API's OrderRow */
export function formatOrderRow(v: OrderView) {
  return {
    order_id: v.orderId, strategy_id: v.strategyId, ft_order_id: v.ftOrderId, signal_at: v.signalAt.toISOString(),
    submitted_at: v.submittedAt?.toISOString() ?? null,
    market: { condition_id: v.market.conditionId, question: v.market.question, outcome: v.market.outcome, token_id: v.market.tokenId },
    side: v.side, order_type: v.orderType, status: v.status, display_status: v.display,
    requested_shares: formatMicros(v.requestedShares), requested_usd: decOrNull(v.requestedUsd),
    filled_shares: formatMicros(v.filledShares), filled_usd: usd(v.fills.usd), avg_price: decOrNull(v.fills.avgPrice),
    signal_price: formatMicros(v.signalPrice), limit_price: formatMicros(v.limitPrice), fill_rate: decOrNull(v.fillRate),
    signal_slippage_pct: decOrNull(v.slippage.pct), slippage_ticks: decOrNull(v.slippage.ticks),
    slippage_cents: decOrNull(v.slippage.cents), order_latency_ms: v.orderLatencyMs, fees_usd: usd(v.fills.feesUsd),
    quality_score: v.qualityScore,
  };
}
