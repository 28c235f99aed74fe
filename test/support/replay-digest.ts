/**
 * What a replay leaves in the database, in a canonical form that does not depend on random ids or wall-clock
 * columns: each table's rows (keyed by strategy and source trade, never by uuid) reduced to a count and a sha256.
 * The FT replay equivalence test compares these against a fixture the per-trade store path produced
 */
import { createHash } from 'node:crypto';
import type { Sql } from '../../src/store/db.ts';

const TABLES: Record<string, string> = {
  source_trades: `SELECT trade_key, trader, side, asset, condition_id, size::text, price::text, usd::text, trade_time, title, slug,
    event_slug, outcome, outcome_index, transaction_hash, source, detected_at FROM source_trades ORDER BY trade_key`,
  markets: `SELECT condition_id, closed, accepting_orders, closed_time, resolution_status, outcome_prices::text, winner, resolved_at,
    source FROM markets ORDER BY condition_id`,
  ft_wallets: 'SELECT wallet_id, last_sync_time FROM ft_wallets ORDER BY wallet_id',
  ft_orders: `SELECT wallet_id, condition_id, asset, token_label, market_slug, market_title, source_trade_id, trader_address,
    trader_price::text, entry_price::text, size::text, shares::text, open_shares::text, open_cost::text, market_end_time,
    trader_win_rate::text, trader_resolved_count, model_probability::text, edge_pct::text, conviction::text, outcome,
    winning_label, pnl::text, exit_price::text, close_reason, order_time, resolved_time
    FROM ft_orders ORDER BY wallet_id, source_trade_id`,
  ft_closes: `SELECT o.wallet_id, o.source_trade_id AS order_trade, c.kind, c.source_trade_id, c.shares::text, c.price::text,
    c.proceeds::text, c.cost_basis::text, c.pnl::text, c.closed_at
    FROM ft_closes c JOIN ft_orders o ON o.order_id = c.order_id
    ORDER BY o.wallet_id, o.source_trade_id, c.kind, c.source_trade_id NULLS LAST, c.closed_at`,
  // Skipped dispositions are counted in ft_skip_counts (and by the report's disposition invariant)
  ft_dispositions: `SELECT wallet_id, trade_key, disposition, reason, evaluated_at FROM ft_dispositions
    WHERE disposition <> 'skipped' ORDER BY wallet_id, trade_key`,
  ft_skip_counts: 'SELECT wallet_id, hour, reason, count FROM ft_skip_counts ORDER BY wallet_id, hour, reason',
  ingest_rejects: 'SELECT hour, source, reason, count FROM ingest_rejects ORDER BY hour, source, reason',
  trader_stats: `SELECT trader, window_days, wins, resolved_count, win_rate::text, trade_count, avg_trade_usd::text, source,
    computed_at FROM trader_stats ORDER BY trader`,
};

const canonical = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

export type TableDigest = Record<string, { rows: number; sha256: string }>;

export async function digestTables(sql: Sql): Promise<TableDigest> {
  const out: TableDigest = {};
  for (const [name, query] of Object.entries(TABLES)) {
    const rows = await sql.query<Record<string, unknown>>(query);
    const text = rows.map((r) => JSON.stringify(Object.values(r).map(canonical))).join('\n');
    out[name] = { rows: rows.length, sha256: createHash('sha256').update(text).digest('hex') };
  }
  return out;
}
