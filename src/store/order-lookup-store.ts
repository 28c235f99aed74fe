/** Small reads of `orders` the LT engine decides on: one order's status, the live intents a crash left, our venue ids */
import type { Sql } from './db.ts';

/** The order's status; null when there is no such order */
export async function orderStatus(sql: Sql, orderId: string): Promise<string | null> {
  const [o] = await sql.query<{ status: string }>('SELECT status FROM orders WHERE order_id = $1', [orderId]);
  return o?.status ?? null;
}

/** Live (not shadow) orders still `pending` (with their intent before `before` when given), oldest intent first */
export async function pendingLiveOrderIds(sql: Sql, before?: Date): Promise<string[]> {
  const rows = await sql.query<{ order_id: string }>(
    `SELECT order_id FROM orders WHERE status = 'pending' AND NOT is_shadow
       AND ($1::timestamptz IS NULL OR intent_at < $1::timestamptz) ORDER BY intent_at`, [before?.toISOString() ?? null]);
  return rows.map((r) => r.order_id);
}

/** Those of the venue order ids that some order of ours carries */
export async function knownVenueOrderIds(sql: Sql, venueOrderIds: string[]): Promise<Set<string>> {
  const rows = await sql.query<{ venue_order_id: string }>(
    'SELECT venue_order_id FROM orders WHERE venue_order_id = ANY($1::text[])', [venueOrderIds]);
  return new Set(rows.map((r) => r.venue_order_id));
}
