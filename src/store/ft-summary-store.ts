/** Read-only views of FT strategies for the API and reports: capital, P&L, counts, skips and orders */
import { formatMicros } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { micros } from './rows.ts';
import { readableBy } from './wallet-store.ts';
import { isoKey, pageParams, type Keyed, type PageRequest } from './page.ts';

export interface FtWalletSummary {
  wallet_id: string;
  display_name: string;
  is_active: boolean;
  starting_balance: string;
  cash: string;
  realized_pnl: string;
  open_exposure: string;
  orders: number;
  open: number;
  won: number;
  lost: number;
  sold: number;
  void: number;
  /** won / (won + lost); null before any resolved order */
  win_rate: string | null;
}

/**
 * One strategy's summary (`walletId`), or all of them by id, or a page of them (rows after `page.after`, limit + 1);
 * with `readerUserId`, only the strategies that user may read (readableBy). The counts and sums are kept with the writes
 * (ft_wallet_sums, migration 0020; ftWalletSummariesFromFacts reads the same from every order and close)
 */
export async function ftWalletSummaries(sql: Sql, walletId?: string, page?: PageRequest,
  readerUserId?: string): Promise<FtWalletSummary[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT w.wallet_id, w.display_name, w.is_active, w.starting_balance,
       coalesce(s.realized, 0) AS realized, coalesce(s.open_cost, 0) AS open_cost, coalesce(s.orders, 0) AS orders,
       coalesce(s.open, 0) AS open, coalesce(s.won, 0) AS won, coalesce(s.lost, 0) AS lost,
       coalesce(s.sold, 0) AS sold, coalesce(s.void, 0) AS void
     FROM ft_wallets w LEFT JOIN ft_wallet_sums s ON s.wallet_id = w.wallet_id
     WHERE ($1::text IS NULL OR w.wallet_id = $1) AND ($2::text IS NULL OR w.wallet_id > $2)
       AND ($4::uuid IS NULL OR ${readableBy('w', '$4')}) ORDER BY w.wallet_id LIMIT $3`,
  [walletId ?? null, page?.after?.[0] ?? null, page ? page.limit + 1 : null, readerUserId ?? null]);
  return rows.map((r) => {
    const start = micros(r.starting_balance);
    const realized = micros(r.realized);
    const open = micros(r.open_cost);
    const won = Number(r.won);
    const lost = Number(r.lost);
    return {
      wallet_id: r.wallet_id as string, display_name: r.display_name as string, is_active: r.is_active as boolean,
      starting_balance: formatMicros(start, 2), cash: formatMicros(start + realized - open, 6),
      realized_pnl: formatMicros(realized), open_exposure: formatMicros(open), orders: Number(r.orders),
      open: Number(r.open), won, lost, sold: Number(r.sold), void: Number(r.void),
      win_rate: won + lost > 0 ? formatMicros((BigInt(won) * 1_000_000n) / BigInt(won + lost)) : null,
    };
  });
}

export async function ftSkipCounts(sql: Sql, walletId: string): Promise<Record<string, number>> {
  const rows = await sql.query<{ reason: string; n: number }>(
    'SELECT reason, sum(count)::int AS n FROM ft_skip_counts WHERE wallet_id = $1 GROUP BY reason ORDER BY reason',
    [walletId]);
  return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
}

/** A page of a strategy's paper orders, newest first (sort key: order_time, order_id) */
export async function ftOrders(sql: Sql, walletId: string, page: PageRequest): Promise<Keyed<FtOrderRow>[]> {
  const rows = await sql.query<FtOrderRow & { k_at: string }>(
    `SELECT order_id, condition_id, asset, token_label, market_title, trader_address, trader_price::text,
       entry_price::text, size::text, shares::text, open_shares::text, model_probability::text, outcome,
       winning_label, pnl::text, exit_price::text, close_reason, order_time, resolved_time, ${isoKey('order_time')} AS k_at
     FROM ft_orders WHERE wallet_id = $1 AND ($2::timestamptz IS NULL OR (order_time, order_id) < ($2::timestamptz, $3::uuid))
     ORDER BY order_time DESC, order_id DESC LIMIT $4`,
    [walletId, ...pageParams(page, 2)]);
  return rows.map(({ k_at, ...row }) => ({ row, key: [k_at, row.order_id] }));
}

/** A paper order as the API lists it: decimals as text, times as dates */
export interface FtOrderRow {
  order_id: string;
  condition_id: string;
  asset: string;
  token_label: string | null;
  market_title: string | null;
  trader_address: string;
  trader_price: string;
  entry_price: string;
  size: string;
  shares: string;
  open_shares: string;
  model_probability: string | null;
  outcome: string;
  winning_label: string | null;
  pnl: string | null;
  exit_price: string | null;
  close_reason: string | null;
  order_time: Date;
  resolved_time: Date | null;
}

export async function ingestRejectTotals(sql: Sql): Promise<Record<string, number>> {
  const rows = await sql.query<{ reason: string; n: number }>(
    'SELECT reason, sum(count)::int AS n FROM ingest_rejects GROUP BY reason ORDER BY reason');
  return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
}
