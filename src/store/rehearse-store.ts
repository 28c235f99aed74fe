/** Read-only queries behind the rehearsal report: latencies, orders, fills and redemptions of the live (not shadow) books */
import { micros } from './rows.ts';
import type { Sql } from './db.ts';

/** A live entry order's source trade, as the feed described it, and when the order was submitted */
export interface SubmittedSignal {
  trader: string;
  asset: string;
  side: 'BUY' | 'SELL';
  size: bigint;
  price: bigint;
  tradeTime: Date;
  /** When Tandem received the trade (stream or poll); null for trades stored before detection was recorded */
  detectedAt: Date | null;
  /** When FT evaluated it (the signal), when the live intent was committed, when the order was submitted */
  signalAt: Date | null;
  intentAt: Date;
  submittedAt: Date;
}

/** Every live entry order that was submitted, with the source trade it mirrors */
export async function submittedSignals(sql: Sql): Promise<SubmittedSignal[]> {
  const rows = await sql.query<{ trader: string; asset: string; side: 'BUY' | 'SELL'; size: string; price: string; trade_time: string;
    detected_at: string | null; signal_at: string | null; intent_at: string; submitted_at: string }>(
    `SELECT t.trader, t.asset, t.side, t.size::text, t.price::text, t.trade_time, t.detected_at, o.signal_at, o.intent_at,
       o.submitted_at
     FROM lt_orders l JOIN orders o ON o.order_id = l.order_id JOIN source_trades t ON t.trade_key = l.source_trade_id
     WHERE NOT o.is_shadow AND l.leg = 'entry' AND o.submitted_at IS NOT NULL ORDER BY l.created_at`);
  return rows.map((r) => ({ trader: r.trader, asset: r.asset, side: r.side, size: micros(r.size), price: micros(r.price),
    tradeTime: new Date(r.trade_time), detectedAt: r.detected_at === null ? null : new Date(r.detected_at),
    signalAt: r.signal_at === null ? null : new Date(r.signal_at), intentAt: new Date(r.intent_at), submittedAt: new Date(r.submitted_at) }));
}

export interface LatencySamples {
  /** Trader's fill → Tandem has the trade (the signal), ms */
  detectionMs: number[];
  /** Trader's fill → our order submitted, ms */
  fillToSubmitMs: number[];
}

/** Per live order with a submit: its detection and trader-fill → submit latencies */
export async function latencySamples(sql: Sql): Promise<LatencySamples> {
  const rows = await sql.query<{ detection: string | null; to_submit: string | null }>(
    `SELECT (extract(epoch FROM (o.signal_at - o.source_trade_at)) * 1000)::text AS detection,
       (extract(epoch FROM (o.submitted_at - o.source_trade_at)) * 1000)::text AS to_submit
     FROM lt_orders l JOIN orders o ON o.order_id = l.order_id
     WHERE NOT o.is_shadow AND l.leg = 'entry' AND o.source_trade_at IS NOT NULL ORDER BY l.created_at`);
  const nums = (xs: (string | null)[]) => xs.filter((x): x is string => x !== null).map(Number);
  return { detectionMs: nums(rows.map((r) => r.detection)), fillToSubmitMs: nums(rows.map((r) => r.to_submit)) };
}

export interface OrderTotals {
  byStatus: Record<string, number>;
  /** Rejected orders by the venue's (or Tandem's) reason */
  rejections: Record<string, number>;
  fills: number;
  filledUsdc: bigint;
  fees: bigint;
}

/**
 * The live orders of the strategies trading through one wallet (lower-case address), or of all with null: `lt_orders l`
 * joined to `orders o`, filtered by $1
 */
const LIVE_ORDERS = `lt_orders l JOIN orders o ON o.order_id = l.order_id
  JOIN lt_strategies s ON s.user_id = l.user_id AND s.strategy_id = l.strategy_id
  WHERE NOT o.is_shadow AND ($1::text IS NULL OR lower(s.wallet_address) = $1)`;

/** Live orders by status, and their fills (count, notional, fees in USDC); of one wallet's strategies, or all */
export async function orderTotals(sql: Sql, wallet: string | null = null): Promise<OrderTotals> {
  const w = [wallet?.toLowerCase() ?? null];
  const statuses = await sql.query<{ status: string; n: number }>(
    `SELECT o.status, count(*)::int AS n FROM ${LIVE_ORDERS} GROUP BY o.status ORDER BY o.status`, w);
  const rejected = await sql.query<{ reason: string; n: number }>(
    `SELECT coalesce(o.reject_reason, 'unknown') AS reason, count(*)::int AS n FROM ${LIVE_ORDERS}
     AND o.status = 'rejected' GROUP BY 1 ORDER BY 2 DESC, 1`, w);
  const [f] = await sql.query<{ n: number; usdc: string; fees: string }>(
    `SELECT count(*)::int AS n, coalesce(sum(f.size * f.price), 0)::text AS usdc,
       coalesce(sum(CASE WHEN f.fee_asset = 'usdc' THEN f.fee_amount ELSE 0 END), 0)::text AS fees
     FROM fills f, ${LIVE_ORDERS} AND o.order_id = f.order_id`, w);
  return {
    byStatus: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
    rejections: Object.fromEntries(rejected.map((r) => [r.reason, Number(r.n)])),
    fills: Number(f!.n), filledUsdc: micros(f!.usdc), fees: micros(f!.fees),
  };
}

export interface HeldMarket {
  conditionId: string;
  /** The market is closed with a payout vector */
  resolved: boolean;
  /** A position in it settled (booked by the ledger) */
  settled: boolean;
  won: boolean;
}

/**
 * Every market a live order of Tandem bought shares in (of one wallet's strategies, lower-case address, or all), with
 * whether it resolved, settled and won
 */
export async function heldMarkets(sql: Sql, wallet: string | null = null): Promise<HeldMarket[]> {
  const rows = await sql.query<{ condition_id: string; resolved: boolean; settled: boolean; won: boolean }>(
    `SELECT f.condition_id, bool_or(coalesce(m.closed, false) AND m.outcome_prices IS NOT NULL) AS resolved,
       bool_or(coalesce(f.settled, false)) AS settled, bool_or(f.outcome = 'WON') AS won
     FROM lt_order_facts f LEFT JOIN markets m ON m.condition_id = f.condition_id
     JOIN lt_strategies s ON s.user_id = f.user_id AND s.strategy_id = f.strategy_id
     WHERE NOT f.is_shadow AND f.side = 'BUY' AND f.filled_size > 0 AND ($1::text IS NULL OR lower(s.wallet_address) = $1)
     GROUP BY f.condition_id ORDER BY f.condition_id`, [wallet?.toLowerCase() ?? null]);
  return rows.map((r) => ({ conditionId: r.condition_id, resolved: r.resolved, settled: r.settled, won: r.won }));
}


/**
 * The venue order ids of one wallet's live orders that were sent and accepted (lower-case address): the exactly-once
 * check holds them against what the venue placed for that account. As in `ltInvariants`, a lost order (not found at
 * the venue, again and again) was not accepted
 */
export async function sentVenueOrderIds(sql: Sql, wallet: string): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT o.venue_order_id AS id FROM orders o
     JOIN lt_strategies s ON s.user_id = o.lt_user_id AND s.strategy_id = o.lt_strategy_id
     WHERE NOT o.is_shadow AND o.venue_order_id IS NOT NULL AND o.status NOT IN ('pending', 'rejected', 'lost')
       AND lower(s.wallet_address) = $1 ORDER BY o.venue_order_id`, [wallet.toLowerCase()]);
  return rows.map((r) => r.id);
}
