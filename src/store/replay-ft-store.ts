/**
 * The replay's FT writes, a handful of multi-row statements per batch (src/replay/ft-replay.ts keeps the state in memory
 * and is the only writer of its fresh database): exits of paper orders and the orders' state after them, the
 * dispositions that carry a decision (taken, exit), the skipped ones as per-hour counters, and the open paper orders
 * read back after a settlement. The live path writes through ft-order-store.ts (applyCloses, recordDispositions)
 */
import { randomUUID } from 'node:crypto';
import type { Shares, Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { insertRows, type BulkColumn } from './bulk-rows.ts';
import { dec, micros } from './rows.ts';

export interface ExitRow {
  orderId: string;
  walletId: string;
  sourceTradeId: string;
  shares: Shares;
  price: bigint;
  proceeds: Usdc;
  costBasis: Usdc;
  pnl: Usdc;
  at: Date;
}

/** ft_closes' columns as an exit is stored, in insertExits' order (created_at takes its default) */
const EXIT_COLUMNS: readonly BulkColumn[] = [
  { name: 'close_id', type: 'uuid' }, { name: 'order_id', type: 'uuid' }, { name: 'wallet_id', type: 'text' },
  { name: 'kind', type: 'text' }, { name: 'source_trade_id', type: 'text' }, { name: 'shares', type: 'numeric' },
  { name: 'price', type: 'numeric' }, { name: 'proceeds', type: 'numeric' }, { name: 'cost_basis', type: 'numeric' },
  { name: 'pnl', type: 'numeric' }, { name: 'closed_at', type: 'timestamptz' },
];

/** Inserts exit closes (an order may have several, each for another sell) */
export async function insertExits(sql: Sql, rows: readonly ExitRow[]): Promise<void> {
  await insertRows(sql, 'ft_closes', EXIT_COLUMNS, rows.map((r) => [randomUUID(), r.orderId, r.walletId, 'exit', r.sourceTradeId,
    dec(r.shares), dec(r.price), dec(r.proceeds), dec(r.costBasis), dec(r.pnl), r.at.toISOString()]));
}

/** An order's state after its exits in a batch: what applyCloses would have left, exit by exit */
export interface ExitedOrderState {
  orderId: string;
  openShares: Shares;
  openCost: Usdc;
  pnl: Usdc;
  /** The last exit's price */
  exitPrice: bigint;
  /** When the last exit closed it entirely; null while shares stay open */
  soldAt: Date | null;
}

/** Sets the orders' state after their exits (one statement); throws when an order is missing */
export async function setExitedOrders(sql: Sql, states: readonly ExitedOrderState[]): Promise<void> {
  if (states.length === 0) return;
  const col = <T,>(f: (s: ExitedOrderState) => T) => states.map(f);
  const rows = await sql.query(
    `UPDATE ft_orders o SET open_shares = i.sh, open_cost = i.c, pnl = i.p, exit_price = i.ep,
       outcome = CASE WHEN i.sold IS NULL THEN 'OPEN' ELSE 'SOLD' END,
       close_reason = CASE WHEN i.sold IS NULL THEN o.close_reason ELSE 'trader_sell' END, resolved_time = i.sold
     FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[], $5::numeric[], $6::timestamptz[]) AS i(id, sh, c, p, ep, sold)
     WHERE o.order_id = i.id AND o.outcome = 'OPEN' RETURNING o.order_id`,
    [col((s) => s.orderId), col((s) => dec(s.openShares)), col((s) => dec(s.openCost)), col((s) => dec(s.pnl)),
      col((s) => dec(s.exitPrice)), col((s) => s.soldAt?.toISOString() ?? null)]);
  if (rows.length !== states.length) throw new Error(`${states.length - rows.length} paper orders were not open when exited`);
}

export interface DecidedDisposition {
  walletId: string;
  tradeKey: string;
  disposition: 'taken' | 'exit';
  at: Date;
}

/** Inserts taken and exit dispositions (each pair at most once: a repeat is an error, never ignored) */
export async function insertDecidedDispositions(sql: Sql, rows: readonly DecidedDisposition[]): Promise<void> {
  await insertRows(sql, 'ft_dispositions', DISPOSITION_COLUMNS,
    rows.map((r) => [r.walletId, r.tradeKey, r.disposition, r.at.toISOString()]));
}

/** A decided disposition has no reason (the column's NULL) */
const DISPOSITION_COLUMNS: readonly BulkColumn[] = [
  { name: 'wallet_id', type: 'text' }, { name: 'trade_key', type: 'text' }, { name: 'disposition', type: 'text' },
  { name: 'evaluated_at', type: 'timestamptz' },
];

export interface SkipCount {
  walletId: string;
  /** The hour, as an ISO string */
  hour: string;
  reason: string;
  count: number;
}

/** Adds to the per-hour skip counters (as recordDispositions does for each skipped disposition it inserts) */
export async function addSkipCounts(sql: Sql, counts: readonly SkipCount[]): Promise<void> {
  if (counts.length === 0) return;
  await sql.query(
    `INSERT INTO ft_skip_counts (wallet_id, hour, reason, count)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::int[])
     ON CONFLICT (wallet_id, hour, reason) DO UPDATE SET count = ft_skip_counts.count + EXCLUDED.count`,
    [counts.map((c) => c.walletId), counts.map((c) => c.hour), counts.map((c) => c.reason), counts.map((c) => c.count)]);
}

export interface ReplayOpenOrder {
  orderId: string;
  walletId: string;
  trader: string;
  asset: string;
  openShares: Shares;
  openCost: Usdc;
  pnl: Usdc;
  /** The source trade's time (ms) and key: a sell closes orders from trades before it */
  sourceTime: number;
  sourceKey: string;
}

/** Every open paper order with its source trade's time and key */
export async function openOrdersWithSource(sql: Sql): Promise<ReplayOpenOrder[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT o.order_id, o.wallet_id, o.trader_address, o.asset, o.open_shares, o.open_cost, o.pnl, s.trade_time, s.trade_key
     FROM ft_orders o JOIN source_trades s ON s.trade_key = o.source_trade_id WHERE o.outcome = 'OPEN'`);
  return rows.map((r) => ({
    orderId: r.order_id as string, walletId: r.wallet_id as string, trader: r.trader_address as string, asset: r.asset as string,
    openShares: micros(r.open_shares) as Shares, openCost: micros(r.open_cost) as Usdc, pnl: micros(r.pnl) as Usdc,
    sourceTime: new Date(r.trade_time as string).getTime(), sourceKey: r.trade_key as string,
  }));
}

/** Whether the database already holds FT results (a replay needs a fresh one: its state lives in memory) */
export async function hasFtHistory(sql: Sql): Promise<boolean> {
  const [r] = await sql.query<{ n: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM source_trades) OR EXISTS (SELECT 1 FROM ft_orders) OR EXISTS (SELECT 1 FROM ft_dispositions) AS n');
  return r!.n;
}
