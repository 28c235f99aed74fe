/** Our fill legs, and what they make: the position a strategy holds from one FT signal, and the entries to settle */
import { InvariantError } from '../domain/errors.ts';
import type { Price, Shares, Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { positionCostOf, type Book } from './ledger-store.ts';
import { NOT_TERMINAL_SQL } from './lt-order-store.ts';
import { dec, micros } from './rows.ts';

export interface FillRow {
  orderId: string;
  fillId: string;
  price: Price;
  size: Shares;
  feeAsset: 'shares' | 'usdc';
  feeAmount: bigint;
  role: 'taker' | 'maker';
  venueStatus: string;
  filledAt: Date;
  bookedAt: Date;
}

/** Inserts a fill leg keyed by (order_id, fill_id); false when it was booked before */
export async function insertFill(tx: Sql, f: FillRow): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO fills (order_id, fill_id, price, size, fee_asset, fee_amount, role, venue_status, filled_at, booked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING fill_id`,
    [f.orderId, f.fillId, dec(f.price), dec(f.size), f.feeAsset, dec(f.feeAmount), f.role, f.venueStatus,
      f.filledAt.toISOString(), f.bookedAt.toISOString()]);
  return rows.length === 1;
}

/** The key bookedFillKeys returns a booked fill under */
export const fillKey = (orderId: string, fillId: string): string => `${orderId}/${fillId}`;

/** Which of these fills (any of `orderIds` × any of `fillIds`) are booked already, as fillKey(order id, fill id) */
export async function bookedFillKeys(sql: Sql, orderIds: string[], fillIds: string[]): Promise<Set<string>> {
  if (orderIds.length === 0 || fillIds.length === 0) return new Set();
  const rows = await sql.query<{ order_id: string; fill_id: string }>(
    'SELECT order_id, fill_id FROM fills WHERE order_id = ANY($1::uuid[]) AND fill_id = ANY($2::text[])', [orderIds, fillIds]);
  return new Set(rows.map((r) => fillKey(r.order_id, r.fill_id)));
}

/** What a strategy holds from one FT signal: the entry's shares net of share fees, sells and settlement */
export interface Position {
  entryOrderId: string | null;
  shares: Shares;
  cost: Usdc;
  /** Shares offered by exit orders that are not terminal yet */
  openSellShares: Shares;
  /** Orders of this position that are not terminal (entry or exits) */
  openOrders: number;
  settled: boolean;
}

export async function positionOf(sql: Sql, userId: string, strategyId: string, ftOrderId: string): Promise<Position> {
  const legs = await sql.query<Record<string, unknown>>(
    `SELECT l.order_id, l.leg, o.side, o.status IN ${NOT_TERMINAL_SQL} AS open, (o.size - o.filled_size)::text AS unfilled,
       (SELECT coalesce(sum(f.size - CASE WHEN o.side = 'BUY' AND f.fee_asset = 'shares' THEN f.fee_amount ELSE 0 END), 0)
         FROM fills f WHERE f.order_id = l.order_id)::text AS traded
     FROM lt_orders l JOIN orders o ON o.order_id = l.order_id WHERE l.user_id = $1 AND l.strategy_id = $2 AND l.ft_order_id = $3`,
    [userId, strategyId, ftOrderId]);
  const { cost, settled } = await positionCostOf(sql, legs.map((g) => g.order_id as string));
  let bought = 0n, sold = 0n, openSell = 0n;
  for (const g of legs) {
    if (g.side === 'BUY') bought += micros(g.traded);
    else [sold, openSell] = [sold + micros(g.traded), openSell + (g.open ? micros(g.unfilled) : 0n)];
  }
  const shares = settled ? 0n : bought - sold;
  if (shares < 0n) throw new InvariantError(`position ${strategyId}/${ftOrderId}: sold more than bought`);
  return {
    entryOrderId: (legs.find((g) => g.leg === 'entry')?.order_id as string) ?? null, shares: shares as Shares, cost,
    openSellShares: openSell as Shares, openOrders: legs.filter((g) => g.open).length, settled,
  };
}

/** An entry order with shares bought, on a closed market, not settled yet */
export interface SettlementCandidate {
  orderId: string;
  userId: string;
  strategyId: string;
  ftOrderId: string;
  tokenId: string;
  conditionId: string;
  book: Book;
}

export async function settlementCandidatesPage(sql: Sql, afterOrderId: string | null, limit: number): Promise<SettlementCandidate[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT o.order_id, l.user_id, l.strategy_id, l.ft_order_id, o.token_id, o.condition_id, o.is_shadow
     FROM orders o JOIN lt_order_facts l ON l.order_id = o.order_id JOIN markets m ON m.condition_id = o.condition_id
     WHERE l.leg = 'entry' AND m.closed AND o.filled_size > 0 AND ($1::uuid IS NULL OR o.order_id > $1::uuid)
       AND NOT l.settled
     ORDER BY o.order_id LIMIT $2`, [afterOrderId, limit]);
  return rows.map((r) => ({
    orderId: r.order_id as string, userId: r.user_id as string, strategyId: r.strategy_id as string,
    ftOrderId: r.ft_order_id as string, tokenId: r.token_id as string, conditionId: r.condition_id as string,
    book: r.is_shadow ? 'shadow' : 'live',
  }));
}
