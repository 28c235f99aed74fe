/**
 * The dashboard's change detection: one small query gives an opaque version of everything the dashboard shows a
 * user (their orders and fills, ledger, strategies, audit, kill switch and alerts, and the FT strategies). Each part
 * is read through an index and is bounded by what changes (the resting orders, the user's strategies, one row per FT
 * wallet), except the user's ledger and audit, which are counted (index-only: both are append-only, so their count
 * moves with every write)
 */
import type { Sql } from './db.ts';
import { NOT_TERMINAL_SQL } from './lt-order-store.ts';
import { readableBy } from './wallet-store.ts';

const PARTS = [
  // Orders: every new one (per strategy, the newest intent time and the count), and the state of the resting ones
  `(SELECT string_agg(s.strategy_id || '=' || s.mode || s.is_active::text || s.is_paused::text || coalesce(s.pause_reason, '')
      || s.updated_at::text || s.peak_equity::text || '/' || coalesce(o.n::text, '') || '@' || coalesce(o.last::text, ''),
      ',' ORDER BY s.strategy_id)
    FROM lt_strategies s LEFT JOIN LATERAL (SELECT count(*) AS n, max(intent_at) AS last FROM orders
      WHERE lt_user_id = s.user_id AND lt_strategy_id = s.strategy_id) o ON true WHERE s.user_id = $1)`,
  `(SELECT string_agg(order_id::text || status || filled_size::text || coalesce(cancel_requested_at::text, ''), ',' ORDER BY order_id)
    FROM orders WHERE status IN ${NOT_TERMINAL_SQL} AND lt_user_id = $1)`,
  // Fills book ledger entries; so do reservations, releases, settlements, deposits and withdrawals
  // (counted by ledger_sums, migration 0010: a few rows per strategy, not a scan of every entry)
  `(SELECT coalesce(sum(entries), 0)::text FROM ledger_sums WHERE user_id = $1)`,
  `(SELECT count(*)::text FROM lt_audit WHERE user_id = $1)`,
  `(SELECT engaged::text || coalesce(reason, '') || set_at::text FROM lt_kill_switch WHERE user_id = $1)`,
  `(SELECT coalesce(max(fired_at)::text, '') FROM lt_alerts WHERE user_id = $1)`,
  `(SELECT coalesce(max(fired_at)::text, '') FROM lt_alerts WHERE user_id IS NULL)`,
  // FT: per wallet the user may read, its newest paper order and how many are still open (a close or a resolution moves it)
  `(SELECT string_agg(w.wallet_id || w.is_active::text || w.updated_at::text || '/' || coalesce(f.last::text, '') || '/' || f.open::text,
      ',' ORDER BY w.wallet_id)
    FROM ft_wallets w CROSS JOIN LATERAL (SELECT (SELECT max(order_time) FROM ft_orders o WHERE o.wallet_id = w.wallet_id) AS last,
      (SELECT count(*) FROM ft_orders o WHERE o.wallet_id = w.wallet_id AND o.outcome = 'OPEN') AS open) f
    WHERE ${readableBy('w', '$1')})`,
];

/** An opaque version that changes whenever anything the user's dashboard shows changes */
export async function dashboardVersion(sql: Sql, userId: string): Promise<string> {
  const [r] = await sql.query<{ v: string }>(
    `SELECT md5(concat_ws('|', ${PARTS.map((p) => `coalesce(${p}, '')`).join(', ')})) AS v`, [userId]);
  return r!.v;
}
