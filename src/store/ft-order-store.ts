/** Paper orders (ft_orders), their closes (ft_closes), dispositions and skip counters */
import { randomUUID } from 'node:crypto';
import type { Take } from '../domain/evaluate.ts';
import type { Shares, Usdc } from '../domain/money.ts';
import type { Close, FtOutcome, OpenPart } from '../domain/paper-position.ts';
import type { SourceTrade } from '../domain/trade.ts';
import type { Sql } from './db.ts';
import { insertRows, unnestInsert, type BulkColumn, type BulkValue } from './bulk-rows.ts';
import { dec, decOrNull, micros } from './rows.ts';

const FT_ENGINE_LOCK = 7_402_100;
/** NOTIFY channel announcing new paper orders (the payload is how many) */
export const FT_ORDERS_CHANNEL = 'tandem_ft_orders';

/** One evaluating process at a time, so each wallet's cash is read once: held until the transaction ends */
export async function lockFtEngine(tx: Sql): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [FT_ENGINE_LOCK]);
}

/** Announces `count` new paper orders on FT_ORDERS_CHANNEL; delivered when the transaction commits */
export async function notifyFtOrders(tx: Sql, count: number): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [FT_ORDERS_CHANNEL, String(count)]);
}

export interface NewFtOrder {
  /** Chosen by the caller (a replay that closes it before it is stored); random by default */
  orderId?: string;
  walletId: string;
  trade: SourceTrade;
  take: Take;
  open: OpenPart;
  marketEndTime: Date | null;
}

/** ft_orders' columns as a paper order is opened (the rest take their defaults), in ftOrderRow's order */
const FT_ORDER_COLUMNS: readonly BulkColumn[] = [
  { name: 'order_id', type: 'uuid' }, { name: 'wallet_id', type: 'text' }, { name: 'condition_id', type: 'text' },
  { name: 'asset', type: 'text' }, { name: 'token_label', type: 'text' }, { name: 'market_slug', type: 'text' },
  { name: 'market_title', type: 'text' }, { name: 'source_trade_id', type: 'text' }, { name: 'trader_address', type: 'text' },
  { name: 'trader_price', type: 'numeric' }, { name: 'entry_price', type: 'numeric' }, { name: 'size', type: 'numeric' },
  { name: 'shares', type: 'numeric' }, { name: 'open_shares', type: 'numeric' }, { name: 'open_cost', type: 'numeric' },
  { name: 'market_end_time', type: 'timestamptz' }, { name: 'trader_win_rate', type: 'numeric' },
  { name: 'trader_resolved_count', type: 'int' }, { name: 'model_probability', type: 'numeric' },
  { name: 'edge_pct', type: 'numeric' }, { name: 'conviction', type: 'numeric' }, { name: 'order_time', type: 'timestamptz' },
];

/** A new paper order's values: wholly open (open shares and cost are its shares and size) */
const ftOrderRow = (o: NewFtOrder): BulkValue[] => [
  o.orderId ?? randomUUID(), o.walletId, o.trade.conditionId, o.trade.asset, o.trade.outcome || 'YES', o.trade.slug,
  o.trade.title, o.trade.key, o.trade.trader, dec(o.trade.price), dec(o.take.entryPrice), dec(o.open.cost),
  dec(o.open.shares), dec(o.open.shares), dec(o.open.cost), o.marketEndTime?.toISOString() ?? null, decOrNull(o.take.winRate),
  o.take.resolvedCount, decOrNull(o.take.modelProbability), decOrNull(o.take.edge), decOrNull(o.take.conviction),
  o.trade.time.toISOString(),
];

/** Inserts paper orders; a (wallet, source trade) pair already ordered is left alone */
export async function insertFtOrders(sql: Sql, orders: NewFtOrder[]): Promise<number> {
  if (orders.length === 0) return 0;
  const insert = unnestInsert('ft_orders', FT_ORDER_COLUMNS, orders.map(ftOrderRow));
  const inserted = await sql.query(`${insert.text} ON CONFLICT (wallet_id, source_trade_id) DO NOTHING RETURNING order_id`, insert.params);
  return inserted.length;
}

/** Inserts paper orders that are all new (a replay's): one already there fails the statement (bulk-rows.ts) */
export async function insertNewFtOrders(sql: Sql, orders: readonly NewFtOrder[]): Promise<void> {
  await insertRows(sql, 'ft_orders', FT_ORDER_COLUMNS, orders.map(ftOrderRow));
}

export interface Disposition {
  walletId: string;
  tradeKey: string;
  disposition: 'taken' | 'skipped' | 'exit';
  reason: string | null;
  at: Date;
}

/**
 * Dispositions written by one statement: a first sync evaluates the world's whole history with every strategy (about
 * 80 k rows), and one statement that size grows PGlite's WebAssembly memory, which never shrinks, by over 100 MB
 */
const DISPOSITION_CHUNK = 5_000;

/** Records dispositions (first one wins) and adds skipped ones to the per-hour counters */
export async function recordDispositions(sql: Sql, rows: Disposition[]): Promise<void> {
  for (let i = 0; i < rows.length; i += DISPOSITION_CHUNK) await recordDispositionChunk(sql, rows.slice(i, i + DISPOSITION_CHUNK));
}

async function recordDispositionChunk(sql: Sql, rows: Disposition[]): Promise<void> {
  if (rows.length === 0) return;
  const inserted = await sql.query<{ wallet_id: string; reason: string | null; evaluated_at: Date }>(
    `INSERT INTO ft_dispositions (wallet_id, trade_key, disposition, reason, evaluated_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
     ON CONFLICT (wallet_id, trade_key) DO NOTHING RETURNING wallet_id, reason, evaluated_at`,
    [rows.map((r) => r.walletId), rows.map((r) => r.tradeKey), rows.map((r) => r.disposition),
      rows.map((r) => r.reason), rows.map((r) => r.at.toISOString())]);
  const counts = new Map<string, { wallet: string; hour: string; reason: string; n: number }>();
  for (const r of inserted) {
    if (!r.reason) continue;
    const hour = new Date(r.evaluated_at);
    hour.setUTCMinutes(0, 0, 0);
    const key = `${r.wallet_id}|${hour.toISOString()}|${r.reason}`;
    const c = counts.get(key) ?? { wallet: r.wallet_id, hour: hour.toISOString(), reason: r.reason, n: 0 };
    c.n += 1;
    counts.set(key, c);
  }
  if (counts.size === 0) return;
  const list = [...counts.values()];
  await sql.query(
    `INSERT INTO ft_skip_counts (wallet_id, hour, reason, count)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::int[])
     ON CONFLICT (wallet_id, hour, reason) DO UPDATE SET count = ft_skip_counts.count + EXCLUDED.count`,
    [list.map((c) => c.wallet), list.map((c) => c.hour), list.map((c) => c.reason), list.map((c) => c.n)]);
}

/** Each wallet's cash: starting balance + realized P&L of every close − cost still open */
export async function walletCash(sql: Sql, walletIds: string[]): Promise<Map<string, Usdc>> {
  const rows = await sql.query<{ wallet_id: string; cash: string }>(
    `SELECT w.wallet_id,
       w.starting_balance
       + coalesce((SELECT sum(pnl) FROM ft_closes c WHERE c.wallet_id = w.wallet_id), 0)
       - coalesce((SELECT sum(open_cost) FROM ft_orders o WHERE o.wallet_id = w.wallet_id AND o.outcome = 'OPEN'), 0)
       AS cash
     FROM ft_wallets w WHERE w.wallet_id = ANY($1::text[])`, [walletIds]);
  return new Map(rows.map((r) => [r.wallet_id, micros(r.cash) as Usdc]));
}

export interface OpenFtOrder {
  orderId: string;
  walletId: string;
  asset: string;
  tokenLabel: string;
  conditionId: string;
  openShares: Shares;
  openCost: Usdc;
  pnl: Usdc;
}

const OPEN_SELECT = `SELECT o.order_id, o.wallet_id, o.asset, o.token_label, o.condition_id, o.open_shares, o.open_cost, o.pnl
  FROM ft_orders o`;

const openFromRow = (r: Record<string, unknown>): OpenFtOrder => ({
  orderId: r.order_id as string, walletId: r.wallet_id as string, asset: r.asset as string,
  tokenLabel: r.token_label as string, conditionId: r.condition_id as string,
  openShares: micros(r.open_shares) as Shares, openCost: micros(r.open_cost) as Usdc, pnl: micros(r.pnl) as Usdc,
});

/** Open orders copied from this trader on this outcome token from trades before `sell` (time, then key) */
export async function openOrdersBefore(sql: Sql, sell: SourceTrade, walletIds: string[]): Promise<OpenFtOrder[]> {
  const rows = await sql.query(
    `${OPEN_SELECT} JOIN source_trades s ON s.trade_key = o.source_trade_id
     WHERE o.trader_address = $1 AND o.asset = $2 AND o.outcome = 'OPEN' AND o.wallet_id = ANY($5::text[])
       AND (s.trade_time, s.trade_key) < ($3::timestamptz, $4)
     ORDER BY o.order_time, o.order_id FOR UPDATE OF o`,
    [sell.trader, sell.asset, sell.time.toISOString(), sell.key, walletIds]);
  return rows.map(openFromRow);
}

export async function openOrdersInMarket(sql: Sql, conditionId: string): Promise<OpenFtOrder[]> {
  const rows = await sql.query(`${OPEN_SELECT} WHERE o.condition_id = $1 AND o.outcome = 'OPEN'
    ORDER BY o.order_time, o.order_id FOR UPDATE OF o`, [conditionId]);
  return rows.map(openFromRow);
}

export async function openConditionIds(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ condition_id: string }>(
    `SELECT DISTINCT condition_id FROM ft_orders WHERE outcome = 'OPEN' ORDER BY condition_id`);
  return rows.map((r) => r.condition_id);
}

export interface CloseRecord {
  order: OpenFtOrder;
  close: Close;
  kind: 'exit' | 'settlement';
  /** The sell price, or the payout per share */
  price: bigint;
  sourceTradeId: string | null;
  at: Date;
  /** The final outcome when this close leaves nothing open */
  outcome: FtOutcome;
  winningLabel: string | null;
}

/**
 * Books closes exactly once, many orders in one statement (each order at most once): a close row is unique per
 * (order, sell) or per settled order, and only a close inserted now updates its order, on condition it is still open
 * with the shares we read (else it throws: a concurrent change). Returns the ids of the orders closed now. One round
 * trip, so a market's settlement holds the database for a moment, not one query pair per paper order
 */
export async function applyCloses(sql: Sql, closes: readonly CloseRecord[]): Promise<Set<string>> {
  if (closes.length === 0) return new Set();
  if (new Set(closes.map((c) => c.order.orderId)).size !== closes.length) throw new Error('applyCloses: an order appears twice');
  const col = <T,>(f: (c: CloseRecord) => T) => closes.map(f);
  const [row] = await sql.query<{ inserted: number; updated: string[] | null }>(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::numeric[],
         $8::numeric[], $9::numeric[], $10::numeric[], $11::timestamptz[], $12::boolean[], $13::text[], $14::text[], $15::numeric[])
         AS i(close_id, order_id, wallet_id, kind, source_trade_id, shares, price, proceeds, cost_basis, pnl, closed_at,
           full_close, outcome, winning_label, open_shares)),
     ins AS (
       INSERT INTO ft_closes (close_id, order_id, wallet_id, kind, source_trade_id, shares, price, proceeds, cost_basis, pnl, closed_at)
       SELECT close_id, order_id, wallet_id, kind, source_trade_id, shares, price, proceeds, cost_basis, pnl, closed_at FROM input
       ON CONFLICT DO NOTHING RETURNING close_id),
     upd AS (
       UPDATE ft_orders o SET open_shares = o.open_shares - i.shares, open_cost = o.open_cost - i.cost_basis, pnl = o.pnl + i.pnl,
         outcome = CASE WHEN i.full_close THEN i.outcome ELSE 'OPEN' END, winning_label = coalesce(i.winning_label, o.winning_label),
         exit_price = CASE WHEN i.kind = 'exit' THEN i.price ELSE o.exit_price END,
         close_reason = CASE WHEN i.full_close THEN (CASE WHEN i.kind = 'exit' THEN 'trader_sell' ELSE 'resolved' END) ELSE o.close_reason END,
         resolved_time = CASE WHEN i.full_close THEN i.closed_at END
       FROM input i JOIN ins ON ins.close_id = i.close_id
       WHERE o.order_id = i.order_id AND o.outcome = 'OPEN' AND o.open_shares = i.open_shares
       RETURNING o.order_id)
     SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT array_agg(order_id::text) FROM upd) AS updated`,
    [col(() => randomUUID()), col((c) => c.order.orderId), col((c) => c.order.walletId), col((c) => c.kind),
      col((c) => c.sourceTradeId), col((c) => dec(c.close.shares)), col((c) => dec(c.price)), col((c) => dec(c.close.proceeds)),
      col((c) => dec(c.close.costBasis)), col((c) => dec(c.close.pnl)), col((c) => c.at.toISOString()), col((c) => c.close.full),
      col((c) => (c.close.full ? c.outcome : 'OPEN')), col((c) => c.winningLabel), col((c) => dec(c.order.openShares))]);
  const updated = new Set(row!.updated ?? []);
  if (updated.size !== Number(row!.inserted)) throw new Error(`${Number(row!.inserted) - updated.size} paper orders changed while being closed`);
  return updated;
}
