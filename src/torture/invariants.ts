/**
 * The torture run's invariants, read from the database (and the venue) by the runner between Tandem processes.
 * `always`: hold at every committed state, so right after a SIGKILL too: capital conserved, no venue order with two rows,
 * each fill booked once, locked >= open notional, one disposition per signal and one order per 'ordered' disposition.
 * `converged`: after a restarted process ran until quiet, the database also equals the venue: one row per venue order and
 * vice versa (no duplicate, none lost), the venue's statuses and filled sizes, every signal decided, P&L consistent
 */
import { isConserved } from '../domain/ledger.ts';
import { isTerminal, type LtOrderStatus } from '../domain/lt-order.ts';
import { SCALE, shares, usdc } from '../domain/money.ts';
import type { SimOrder } from '../sim/exchange/exchange-types.ts';
import type { Db } from '../store/db.ts';
import { balancesOf, orderLedgerOf } from '../store/ledger-store.ts';
import { STARTING_CAPITAL } from './world.ts';

interface OrderRow {
  order_id: string;
  venue_order_id: string | null;
  status: LtOrderStatus;
  side: string;
  size: string;
  filled_size: string;
  limit_price: string;
  prepared: boolean;
  fill_size: string;
  fill_count: number;
  buy_fills: number;
}

export interface Scope {
  userId: string;
  strategyId: string;
}

/** What a restart finds: the windows a kill left open */
export interface Window {
  /** Intents committed with no submit outcome (never prepared): the intent -> submit window */
  unsent: number;
  /** Prepared (signed, maybe sent) with no stored answer: the submit -> answer window */
  unanswered: number;
  /** Redemptions recorded as sent, receipt not read: the mid-redemption window */
  redeeming: number;
}

const ordersOf = (db: Db) => db.query<OrderRow>(`SELECT o.order_id, o.venue_order_id, o.status, o.side, o.size::text,
  o.filled_size::text, o.limit_price::text, o.payload IS NOT NULL AS prepared,
  (SELECT coalesce(sum(f.size), 0)::text FROM fills f WHERE f.order_id = o.order_id) AS fill_size,
  (SELECT count(*)::int FROM fills f WHERE f.order_id = o.order_id) AS fill_count,
  (SELECT count(*)::int FROM ledger_entries e WHERE e.order_id = o.order_id AND e.kind = 'buy_fill' AND e.book = 'live') AS buy_fills
  FROM orders o WHERE o.is_shadow = false ORDER BY o.intent_at`);

export async function windowOf(db: Db): Promise<Window> {
  const [w] = await db.query<Window>(`SELECT
    (SELECT count(*)::int FROM orders WHERE is_shadow = false AND status = 'pending' AND payload IS NULL) AS unsent,
    (SELECT count(*)::int FROM orders WHERE is_shadow = false AND status IN ('pending', 'unknown') AND payload IS NOT NULL) AS unanswered,
    (SELECT count(*)::int FROM lt_redemptions WHERE state = 'redeeming') AS redeeming`);
  return w!;
}

async function ledgerFailures(db: Db, s: Scope, rows: OrderRow[]): Promise<string[]> {
  const out: string[] = [];
  const b = await balancesOf(db, s.userId, s.strategyId, 'live');
  if (!isConserved(b)) out.push(`capital not conserved: ${JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
  if (b.netDeposits !== usdc(STARTING_CAPITAL)) out.push(`net deposits ${b.netDeposits} != ${STARTING_CAPITAL}`);
  let openNotional = 0n;
  for (const r of rows) {
    if (shares(r.fill_size) !== shares(r.filled_size)) out.push(`order ${r.order_id}: Σ fills ${r.fill_size} != filled ${r.filled_size}`);
    if (r.side === 'BUY' && r.buy_fills !== r.fill_count) out.push(`order ${r.order_id}: ${r.buy_fills} buy_fill entries for ${r.fill_count} fills`);
    // `lost`: the venue answered "no such order" LOST_AFTER times (src/engine/lt-tracker.ts); its reservation is released
    // by design and taken again if the order shows signs of life. That the venue truly has no such order is checked below
    if (r.side !== 'BUY' || isTerminal(r.status) || r.status === 'lost') continue;
    const left = shares(r.size) - shares(r.filled_size);
    const notional = left > 0n ? (left * shares(r.limit_price)) / SCALE : 0n;
    openNotional += notional;
    const reserved = (await orderLedgerOf(db, r.order_id)).reserved;
    if (reserved < notional) out.push(`order ${r.order_id} (${r.status}): reserved ${reserved} < open notional ${notional}`);
  }
  if (b.reserved < openNotional) out.push(`locked ${b.reserved} < open notional ${openNotional}`);
  return out;
}

async function dispositionFailures(db: Db, s: Scope, converged: boolean): Promise<string[]> {
  const out: string[] = [];
  const orphans = await db.query<{ ft_order_id: string; leg: string; n: number }>(`SELECT d.ft_order_id, d.leg,
    (SELECT count(*)::int FROM lt_orders l WHERE l.user_id = d.user_id AND l.strategy_id = d.strategy_id AND l.ft_order_id = d.ft_order_id
      AND l.leg = d.leg) AS n
    FROM lt_dispositions d WHERE d.user_id = $1 AND d.strategy_id = $2 AND d.disposition = 'ordered'`, [s.userId, s.strategyId]);
  for (const o of orphans) if (o.n !== 1) out.push(`signal ${o.ft_order_id}/${o.leg}: ordered with ${o.n} LT orders`);
  const undecided = await db.query<{ ft_order_id: string }>(`SELECT l.ft_order_id FROM lt_orders l WHERE l.user_id = $1 AND l.strategy_id = $2
    AND NOT EXISTS (SELECT 1 FROM lt_dispositions d WHERE d.user_id = l.user_id AND d.strategy_id = l.strategy_id
      AND d.ft_order_id = l.ft_order_id AND d.leg = l.leg AND d.disposition = 'ordered')`, [s.userId, s.strategyId]);
  for (const u of undecided) out.push(`LT order of signal ${u.ft_order_id} without an 'ordered' disposition`);
  if (converged) {
    const missing = await db.query<{ order_id: string }>(`SELECT f.order_id FROM ft_orders f WHERE f.wallet_id = 'FT_COPY_ALL'
      AND NOT EXISTS (SELECT 1 FROM lt_dispositions d WHERE d.user_id = $1 AND d.strategy_id = $2 AND d.ft_order_id = f.order_id
        AND d.leg = 'entry')`, [s.userId, s.strategyId]);
    for (const m of missing) out.push(`signal ${m.order_id} has no disposition`);
  }
  return out;
}

const VENUE_STATUS: Record<string, LtOrderStatus[]> = {
  matched: ['filled'], live: ['open', 'partially_filled'], cancelled: ['cancelled'], expired: ['expired'],
};

function venueFailures(rows: OrderRow[], venue: Map<string, SimOrder>, converged: boolean): string[] {
  const out: string[] = [];
  for (const [id, v] of venue) {
    const mine = rows.filter((r) => r.venue_order_id?.toLowerCase() === id);
    if (mine.length > 1 || (converged && mine.length !== 1)) out.push(`venue order ${id}: ${mine.length} database rows`);
    const row = mine[0];
    if (!converged || !row) continue;
    if (!VENUE_STATUS[v.status]?.includes(row.status)) out.push(`venue order ${id}: venue ${v.status}, database ${row.status}`);
    if (shares(row.filled_size) !== v.sizeMatched) out.push(`venue order ${id}: venue matched ${v.sizeMatched}, database ${row.filled_size}`);
  }
  if (!converged) return out;
  for (const r of rows) {
    const known = r.venue_order_id !== null && venue.has(r.venue_order_id.toLowerCase());
    // Absent from the venue: refused there (rejected), or never reached it (a kill mid-request: lost), and never filled
    const absent = r.status === 'rejected' || r.status === 'lost';
    if (!known && (!absent || shares(r.fill_size) !== 0n)) out.push(`order ${r.order_id} unknown to the venue: ${r.status}`);
    const settled = isTerminal(r.status) || r.status === 'open' || r.status === 'partially_filled' || (r.status === 'lost' && !known);
    if (!settled) out.push(`order ${r.order_id} undecided: ${r.status}`);
  }
  return out;
}

async function convergedLedgerFailures(db: Db, s: Scope, rows: OrderRow[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of rows) {
    if (isTerminal(r.status) && (await orderLedgerOf(db, r.order_id)).reserved !== 0n) out.push(`finished order ${r.order_id} still reserves cash`);
  }
  const [pnl] = await db.query<{ total: string }>(`SELECT coalesce(sum(realized_pnl), 0)::text AS total FROM lt_order_facts
    WHERE user_id = $1 AND strategy_id = $2`, [s.userId, s.strategyId]);
  const b = await balancesOf(db, s.userId, s.strategyId, 'live');
  if (usdc(pnl!.total) !== b.realizedPnl) out.push(`Σ realized P&L of orders ${pnl!.total} != ledger ${b.realizedPnl}`);
  return out;
}

/** Every invariant that must hold now; `converged` adds those that hold once a restarted process ran until quiet */
export async function checkInvariants(db: Db, s: Scope, venue: Map<string, SimOrder>, converged: boolean): Promise<string[]> {
  const rows = await ordersOf(db);
  return [
    ...await ledgerFailures(db, s, rows),
    ...await dispositionFailures(db, s, converged),
    ...venueFailures(rows, venue, converged),
    ...(converged ? await convergedLedgerFailures(db, s, rows) : []),
  ];
}
