/**
 * Live orders (orders + lt_orders) and dispositions: the rows the LT executor and tracker write (their fill legs,
 * positions and settlement candidates: lt-fill-store.ts). An order's status changes only in `writeOrderState`, with the state the order state table decided
 */
import { randomUUID } from 'node:crypto';
import { InvariantError } from '../domain/errors.ts';
import { NOT_TERMINAL, type LtOrderStatus, type OrderSide, type OrderType } from '../domain/lt-order.ts';
import type { Price, Shares, Usdc } from '../domain/money.ts';
import type { PricedDecision } from '../domain/metrics/tolerance-modes.ts';
import type { Sql } from './db.ts';
import { reserveInsertSql, type Book } from './ledger-store.ts';
import { dateOrNull, dec, decOrNull, micros } from './rows.ts';

/** Statuses the tracker polls; `pending` belongs to the executor (and to recovery after a crash) */
export const TRACKED_STATUSES: readonly LtOrderStatus[] = ['unknown', 'open', 'partially_filled', 'lost'];
/** NOT_TERMINAL as an SQL list, for `status IN …` */
export const NOT_TERMINAL_SQL = `(${NOT_TERMINAL.map((s) => `'${s}'`).join(', ')})`;

/** An order intent, written before any venue call */
export interface NewIntent {
  orderId: string;
  ltOrderId: string;
  venue: string;
  clientOrderId: string;
  userId: string;
  strategyId: string;
  ftOrderId: string;
  leg: string;
  sourceTradeId: string;
  tokenId: string;
  conditionId: string;
  side: OrderSide;
  orderType: OrderType;
  limitPrice: Price;
  size: Shares;
  isShadow: boolean;
  expiresAt: Date | null;
  signalPrice: Price;
  signalSizeUsd: Usdc;
  sourceTradeAt: Date;
  signalAt: Date;
  intentAt: Date;
  bestBid: Price | null;
  bestAsk: Price | null;
  mid: Price | null;
  expectedVwap: Price | null;
  book: unknown;
}

/**
 * Inserts the orders row (unique client_order_id) and its lt_orders row (unique per strategy × signal × leg);
 * false when the intent exists already, in which case nothing was written
 */
export async function insertIntent(tx: Sql, i: NewIntent): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO orders (order_id, venue, client_order_id, token_id, condition_id, side, order_type, limit_price, size,
       status, is_shadow, expires_at, lt_user_id, lt_strategy_id, lt_order_id, signal_price, signal_size_usd,
       source_trade_at, signal_at, intent_at, best_bid, best_ask, mid_price, expected_vwap, book_at_intent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
       $22, $23, $24::jsonb)
     ON CONFLICT (client_order_id) DO NOTHING RETURNING order_id`,
    [i.orderId, i.venue, i.clientOrderId, i.tokenId, i.conditionId, i.side, i.orderType, dec(i.limitPrice), dec(i.size),
      i.isShadow, i.expiresAt?.toISOString() ?? null, i.userId, i.strategyId, i.ltOrderId, dec(i.signalPrice),
      dec(i.signalSizeUsd), i.sourceTradeAt.toISOString(), i.signalAt.toISOString(), i.intentAt.toISOString(),
      decOrNull(i.bestBid), decOrNull(i.bestAsk), decOrNull(i.mid), decOrNull(i.expectedVwap), JSON.stringify(i.book)]);
  if (rows.length === 0) return false;
  await tx.query(
    `INSERT INTO lt_orders (lt_order_id, user_id, strategy_id, order_id, ft_order_id, leg, source_trade_id, signal_price,
       created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [i.ltOrderId, i.userId, i.strategyId, i.orderId, i.ftOrderId, i.leg, i.sourceTradeId, dec(i.signalPrice),
      i.intentAt.toISOString()]);
  return true;
}

/**
 * The ordered intent in one statement: the orders row (unique client_order_id), its lt_orders row (unique per
 * strategy × signal × leg), the signal's 'ordered' disposition and the reservation (`reserve` USDC, none when 0:
 * a SELL), each written only if the one before it was.
 * `duplicate`: the intent existed, nothing was written; `decided`: the signal leg already had a disposition, so the
 * statement failed and wrote nothing (its transaction is aborted: roll it back). `last`: the transaction's last
 * statement, sent with its COMMIT (QueryOptions.commit): the statement that fails on a decided leg is what keeps that
 * COMMIT from storing an order without its disposition
 */
export async function insertOrderedIntent(tx: Sql, i: NewIntent, reserve: Usdc, last = false): Promise<'inserted' | 'duplicate' | 'decided'> {
  if (reserve < 0n) throw new InvariantError(`ledger reserve reserve:${i.orderId}: negative amount`);
  let rows: { ordered: number }[];
  try {
    rows = await tx.query<{ ordered: number }>(
    `WITH o AS (
       INSERT INTO orders (order_id, venue, client_order_id, token_id, condition_id, side, order_type, limit_price, size,
         status, is_shadow, expires_at, lt_user_id, lt_strategy_id, lt_order_id, signal_price, signal_size_usd,
         source_trade_at, signal_at, intent_at, best_bid, best_ask, mid_price, expected_vwap, book_at_intent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
         $22, $23, $24::jsonb)
       ON CONFLICT (client_order_id) DO NOTHING RETURNING order_id),
     l AS (
       INSERT INTO lt_orders (lt_order_id, user_id, strategy_id, order_id, ft_order_id, leg, source_trade_id, signal_price,
         created_at) SELECT $14, $12, $13, o.order_id, $25, $26, $27, $15, $19 FROM o RETURNING order_id),
     d AS (
       INSERT INTO lt_dispositions (user_id, strategy_id, ft_order_id, leg, disposition, decided_at)
       SELECT $12, $13, $25, $26, 'ordered', $19 FROM l RETURNING leg),
     r AS (${reserveInsertSql({ entryId: '$28::uuid', user: '$12', strategy: '$13', book: '$29::text', amount: '$30::numeric',
       orderId: '$1', ref: '$31::text', createdAt: '$19' }, 'd WHERE $30::numeric > 0')})
     SELECT (SELECT count(*) FROM l)::int AS ordered`,
      [i.orderId, i.venue, i.clientOrderId, i.tokenId, i.conditionId, i.side, i.orderType, dec(i.limitPrice), dec(i.size),
      i.isShadow, i.expiresAt?.toISOString() ?? null, i.userId, i.strategyId, i.ltOrderId, dec(i.signalPrice),
      dec(i.signalSizeUsd), i.sourceTradeAt.toISOString(), i.signalAt.toISOString(), i.intentAt.toISOString(),
      decOrNull(i.bestBid), decOrNull(i.bestAsk), decOrNull(i.mid), decOrNull(i.expectedVwap), JSON.stringify(i.book),
      i.ftOrderId, i.leg, i.sourceTradeId, randomUUID(), i.isShadow ? 'shadow' : 'live', dec(reserve), `reserve:${i.orderId}`],
      { commit: last });
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'lt_dispositions_pkey') return 'decided';
    throw error;
  }
  return rows[0] && Number(rows[0].ordered) > 0 ? 'inserted' : 'duplicate';
}

/** The LiveOrder an intent just inserted is, as loadOrder would read it back (without reading it back) */
export const intentOrder = (i: NewIntent, ttlSeconds: number | null): LiveOrder => ({
  orderId: i.orderId, ltOrderId: i.ltOrderId, userId: i.userId, strategyId: i.strategyId, ftOrderId: i.ftOrderId, leg: i.leg,
  clientOrderId: i.clientOrderId, venueOrderId: null, tokenId: i.tokenId, conditionId: i.conditionId, side: i.side,
  orderType: i.orderType, limitPrice: i.limitPrice, size: i.size, filled: 0n as Shares, status: 'pending',
  isShadow: i.isShadow, book: i.isShadow ? 'shadow' : 'live', expiresAt: i.expiresAt, cancelRequestedAt: null,
  notFoundCount: 0, lastCheckedAt: null, signalPrice: i.signalPrice, signalAt: i.signalAt, sourceTradeAt: i.sourceTradeAt,
  intentAt: i.intentAt, submittedAt: null,
  ackedAt: null, ttlSeconds,
});

export interface LtDisposition {
  userId: string;
  strategyId: string;
  ftOrderId: string;
  leg: string;
  disposition: 'ordered' | 'skipped' | 'expired';
  rule?: string;
  limit?: string;
  observed?: string;
  detail?: string;
  /** A signal skipped after pricing: the market it was priced against (the slippage analysis replays it) */
  priced?: PricedSignal;
  at: Date;
}

/** The book a decision was priced against, as the tolerance replay reads it back (one shape for both) */
export type PricedSignal = Omit<PricedDecision, 'actual'>;

/** The one disposition of a (strategy, signal, leg); false when one exists (the first decision stands) */
export async function insertDisposition(tx: Sql, d: LtDisposition): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO lt_dispositions (user_id, strategy_id, ft_order_id, leg, disposition, rule, limit_value, observed, detail,
       decided_at, side, signal_price, tick_size, best_bid, best_ask, expected_vwap)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING RETURNING leg`,
    [d.userId, d.strategyId, d.ftOrderId, d.leg, d.disposition, d.rule ?? null, d.limit ?? null, d.observed ?? null,
      d.detail ?? null, d.at.toISOString(), d.priced?.side ?? null, decOrNull(d.priced?.signalPrice ?? null),
      decOrNull(d.priced?.tick ?? null), decOrNull(d.priced?.bestBid ?? null), decOrNull(d.priced?.bestAsk ?? null),
      decOrNull(d.priced?.expectedVwap ?? null)]);
  return rows.length === 1;
}

export async function dispositionOf(sql: Sql, userId: string, strategyId: string, ftOrderId: string,
  leg: string): Promise<LtDisposition['disposition'] | null> {
  const [r] = await sql.query<{ disposition: LtDisposition['disposition'] }>(
    `SELECT disposition FROM lt_dispositions WHERE user_id = $1 AND strategy_id = $2 AND ft_order_id = $3 AND leg = $4`,
    [userId, strategyId, ftOrderId, leg]);
  return r?.disposition ?? null;
}

/** An order as the engine sees it: the orders row, its lt_orders link, and the strategy's TTL */
export interface LiveOrder {
  orderId: string;
  ltOrderId: string;
  userId: string;
  strategyId: string;
  ftOrderId: string;
  leg: string;
  clientOrderId: string;
  venueOrderId: string | null;
  tokenId: string;
  conditionId: string;
  side: OrderSide;
  orderType: OrderType;
  limitPrice: Price;
  size: Shares;
  filled: Shares;
  status: LtOrderStatus;
  isShadow: boolean;
  book: Book;
  expiresAt: Date | null;
  cancelRequestedAt: Date | null;
  notFoundCount: number;
  /** When the venue was last read for it (with a not-found count: the last counted not-found) */
  lastCheckedAt: Date | null;
  signalPrice: Price;
  signalAt: Date | null;
  /** The trader's fill this order copies (null for orders from before it was recorded) */
  sourceTradeAt: Date | null;
  intentAt: Date;
  submittedAt: Date | null;
  ackedAt: Date | null;
  ttlSeconds: number | null;
}

const ORDER_SELECT = `SELECT o.order_id, o.lt_order_id, o.lt_user_id, o.lt_strategy_id, l.ft_order_id, l.leg,
  o.client_order_id, o.venue_order_id, o.token_id, o.condition_id, o.side, o.order_type, o.limit_price::text,
  o.size::text, o.filled_size::text, o.status, o.is_shadow, o.expires_at, o.cancel_requested_at, o.not_found_count, o.last_checked_at,
  o.signal_price::text, o.signal_at, o.source_trade_at, o.intent_at, o.submitted_at, o.acked_at, s.order_ttl_seconds
  FROM orders o JOIN lt_orders l ON l.order_id = o.order_id
  JOIN lt_strategies s ON s.user_id = o.lt_user_id AND s.strategy_id = o.lt_strategy_id`;

function orderFromRow(r: Record<string, unknown>): LiveOrder {
  return {
    orderId: r.order_id as string, ltOrderId: r.lt_order_id as string, userId: r.lt_user_id as string,
    strategyId: r.lt_strategy_id as string, ftOrderId: r.ft_order_id as string, leg: r.leg as string,
    clientOrderId: r.client_order_id as string, venueOrderId: (r.venue_order_id as string) ?? null,
    tokenId: r.token_id as string, conditionId: r.condition_id as string, side: r.side as OrderSide,
    orderType: r.order_type as OrderType, limitPrice: micros(r.limit_price) as Price, size: micros(r.size) as Shares,
    filled: micros(r.filled_size) as Shares, status: r.status as LtOrderStatus, isShadow: r.is_shadow as boolean,
    book: r.is_shadow ? 'shadow' : 'live', expiresAt: dateOrNull(r.expires_at),
    cancelRequestedAt: dateOrNull(r.cancel_requested_at), notFoundCount: Number(r.not_found_count),
    lastCheckedAt: dateOrNull(r.last_checked_at),
    signalPrice: micros(r.signal_price) as Price, signalAt: dateOrNull(r.signal_at),
    sourceTradeAt: dateOrNull(r.source_trade_at), intentAt: new Date(r.intent_at as string),
    submittedAt: dateOrNull(r.submitted_at), ackedAt: dateOrNull(r.acked_at),
    ttlSeconds: r.order_ttl_seconds === null ? null : Number(r.order_ttl_seconds),
  };
}

export async function loadOrder(sql: Sql, orderId: string): Promise<LiveOrder> {
  const [r] = await sql.query(`${ORDER_SELECT} WHERE o.order_id = $1`, [orderId]);
  if (!r) throw new InvariantError(`no live order ${orderId}`);
  return orderFromRow(r);
}

/** Our orders among venue order ids (fills name the venue's id); ids that are not ours are absent */
export async function ordersByVenueIds(sql: Sql, venueOrderIds: string[]): Promise<LiveOrder[]> {
  if (venueOrderIds.length === 0) return [];
  const rows = await sql.query(`${ORDER_SELECT} WHERE o.venue_order_id = ANY($1::text[])`, [venueOrderIds]);
  return rows.map(orderFromRow);
}

/** One page of live (not shadow) orders the tracker polls, in order-id order after `afterOrderId`, optionally of one user or strategy */
export async function trackedOrdersPage(sql: Sql, afterOrderId: string | null, limit: number,
  scope: { userId?: string; strategyId?: string } = {}): Promise<LiveOrder[]> {
  const rows = await sql.query(`${ORDER_SELECT} WHERE NOT o.is_shadow AND o.status = ANY($1::text[])
    AND ($2::uuid IS NULL OR o.order_id > $2::uuid) AND ($4::uuid IS NULL OR o.lt_user_id = $4::uuid)
    AND ($5::text IS NULL OR o.lt_strategy_id = $5) ORDER BY o.order_id LIMIT $3`,
  [TRACKED_STATUSES, afterOrderId, limit, scope.userId ?? null, scope.strategyId ?? null]);
  return rows.map(orderFromRow);
}

/** Facts an order update may record besides its state (status and filled size change only through `writeOrderState`) */
export interface OrderPatch {
  venueOrderId?: string;
  payload?: unknown;
  submittedAt?: Date;
  ackedAt?: Date;
  firstFillAt?: Date;
  lastFillAt?: Date;
  terminalAt?: Date;
  rejectReason?: string;
  rejectText?: string;
  notFoundCount?: number;
  lastCheckedAt?: Date;
  cancelRequestedAt?: Date;
}

const PATCH_COLUMNS: Record<keyof OrderPatch, [string, (v: never) => unknown]> = {
  venueOrderId: ['venue_order_id', (v: string) => v],
  payload: ['payload', (v: unknown) => JSON.stringify(v)],
  submittedAt: ['submitted_at', (v: Date) => v.toISOString()],
  ackedAt: ['acked_at', (v: Date) => v.toISOString()],
  firstFillAt: ['first_fill_at', (v: Date) => v.toISOString()],
  lastFillAt: ['last_fill_at', (v: Date) => v.toISOString()],
  terminalAt: ['terminal_at', (v: Date) => v.toISOString()],
  rejectReason: ['reject_reason', (v: string) => v],
  rejectText: ['reject_text', (v: string) => v],
  notFoundCount: ['not_found_count', (v: number) => v],
  lastCheckedAt: ['last_checked_at', (v: Date) => v.toISOString()],
  cancelRequestedAt: ['cancel_requested_at', (v: Date) => v.toISOString()],
};
/** How a column combines with what it holds: set once, earliest, latest, or replaced */
const MERGE: Record<string, (column: string, value: string) => string> = {
  acked_at: (c, v) => `coalesce(${c}, ${v})`,
  terminal_at: (c, v) => `coalesce(${c}, ${v})`,
  submitted_at: (c, v) => `coalesce(${c}, ${v})`,
  cancel_requested_at: (c, v) => `coalesce(${c}, ${v})`,
  // Fills may be reported out of order
  first_fill_at: (c, v) => `least(coalesce(${c}, ${v}), ${v})`,
  last_fill_at: (c, v) => `greatest(coalesce(${c}, ${v}), ${v})`,
};

function patchSets(patch: OrderPatch, params: unknown[]): string[] {
  const sets: string[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof OrderPatch, unknown][]) {
    if (value === undefined) continue;
    const [column, encode] = PATCH_COLUMNS[key];
    params.push((encode as (v: unknown) => unknown)(value));
    const param = `$${params.length}${column === 'payload' ? '::jsonb' : column.endsWith('_at') ? '::timestamptz' : ''}`;
    sets.push(`${column} = ${MERGE[column]?.(column, param) ?? param}`);
  }
  return sets;
}

async function updateWhereUnchanged(tx: Sql, order: Pick<LiveOrder, 'orderId' | 'status' | 'filled'>, sets: string[],
  params: unknown[]): Promise<void> {
  if (sets.length === 0) return;
  const rows = await tx.query(`UPDATE orders SET ${sets.join(', ')} WHERE order_id = $1 AND status = $2
    AND filled_size = $3::numeric RETURNING order_id`, params);
  if (rows.length !== 1) throw new InvariantError(`order ${order.orderId} changed under the strategy lock`);
}

/**
 * Records facts about an order (times, ids, counters) without changing its state, only if it still has the status
 * and filled size the caller read (callers hold the strategy lock, so a miss is a bug, not a race to retry)
 */
export async function updateOrder(tx: Sql, order: Pick<LiveOrder, 'orderId' | 'status' | 'filled'>, patch: OrderPatch): Promise<void> {
  const params: unknown[] = [order.orderId, order.status, dec(order.filled)];
  await updateWhereUnchanged(tx, order, patchSets(patch, params), params);
}

/**
 * The one write of an order's status and filled size: the next state the order state table
 * (src/domain/lt-order.ts `applyOrderEvent`) decided, with the facts recorded beside it; conditional on the old state
 */
export async function writeOrderState(tx: Sql, order: Pick<LiveOrder, 'orderId' | 'status' | 'filled'>,
  next: { status: LtOrderStatus; filled: Shares }, patch: OrderPatch): Promise<void> {
  const params: unknown[] = [order.orderId, order.status, dec(order.filled), next.status, dec(next.filled)];
  const sets = ['status = $4', 'filled_size = $5::numeric', ...patchSets(patch, params)];
  await updateWhereUnchanged(tx, order, sets, params);
}

/**
 * Stores the prepared order and the submit time, once: false when another caller prepared or settled it first.
 * One statement that takes the strategy's advisory lock (LT_LOCK_KEY) before it writes, so recovery, which reads a
 * pending intent under that lock, either sees it prepared or settled it first (then the update re-checks the row it
 * waited for, finds it no longer pending, and writes nothing): INV-18 without a transaction of its own
 */
export async function markPrepared(sql: Sql, order: Pick<LiveOrder, 'orderId' | 'userId' | 'strategyId'>,
  venueOrderId: string, payload: unknown, at: Date): Promise<boolean> {
  const rows = await sql.query(`WITH strategy_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(${LOCK_KEY_2_3}))
    UPDATE orders SET venue_order_id = $4, payload = $5::jsonb, submitted_at = $6 FROM strategy_lock
    WHERE order_id = $1 AND lt_user_id::text = $2 AND lt_strategy_id = $3 AND status = 'pending' AND submitted_at IS NULL
    RETURNING order_id`,
  [order.orderId, order.userId, order.strategyId, venueOrderId, JSON.stringify(payload), at.toISOString()]);
  return rows.length === 1;
}

/** The strategy lock key (lt-strategy-store's LT_LOCK_KEY_SQL) over parameters $2 = user id, $3 = strategy id */
const LOCK_KEY_2_3 = `hashtextextended($2::text || '/' || $3::text, 0)`;

/** The strategy an order belongs to (null when it is not a live order) */
export async function orderOwnerOf(sql: Sql, orderId: string): Promise<{ userId: string; strategyId: string } | null> {
  const [r] = await sql.query<{ u: string; s: string }>('SELECT lt_user_id AS u, lt_strategy_id AS s FROM orders WHERE order_id = $1',
    [orderId]);
  return r ? { userId: r.u, strategyId: r.s } : null;
}
