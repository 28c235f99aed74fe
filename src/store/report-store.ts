/** Read-only queries behind the replay report: FT results per strategy and the invariant checks, from the database */
import { formatMicros } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { micros } from './rows.ts';

export interface FtReport {
  orders: number;
  open: number;
  won: number;
  lost: number;
  exited: number;
  void: number;
  invested_usd: string;
  realized_pnl_usd: string;
  cash_usd: string;
  skipped: Record<string, number>;
}

export async function ftReport(sql: Sql, walletId: string): Promise<FtReport> {
  const [r] = await sql.query<Record<string, unknown>>(
    `SELECT count(*)::int AS orders, count(*) FILTER (WHERE outcome = 'OPEN')::int AS open,
       count(*) FILTER (WHERE outcome = 'WON')::int AS won, count(*) FILTER (WHERE outcome = 'LOST')::int AS lost,
       count(*) FILTER (WHERE outcome = 'SOLD')::int AS exited, count(*) FILTER (WHERE outcome = 'VOID')::int AS void,
       coalesce(sum(size), 0) AS invested,
       coalesce(sum(open_cost) FILTER (WHERE outcome = 'OPEN'), 0) AS open_cost,
       (SELECT coalesce(sum(pnl), 0) FROM ft_closes c WHERE c.wallet_id = $1) AS realized,
       (SELECT starting_balance FROM ft_wallets w WHERE w.wallet_id = $1) AS start
     FROM ft_orders WHERE wallet_id = $1`, [walletId]);
  const skips = await sql.query<{ reason: string; n: number }>(
    'SELECT reason, sum(count)::int AS n FROM ft_skip_counts WHERE wallet_id = $1 GROUP BY reason ORDER BY reason', [walletId]);
  const realized = micros(r!.realized);
  return {
    orders: Number(r!.orders), open: Number(r!.open), won: Number(r!.won), lost: Number(r!.lost),
    exited: Number(r!.exited), void: Number(r!.void), invested_usd: formatMicros(micros(r!.invested), 2),
    realized_pnl_usd: formatMicros(realized, 2),
    cash_usd: formatMicros(micros(r!.start) + realized - micros(r!.open_cost), 2),
    skipped: Object.fromEntries(skips.map((s) => [s.reason, s.n])),
  };
}

export interface InvariantResult {
  ok: boolean;
  detail: string;
}

const check = (bad: number, what: string): InvariantResult =>
  ({ ok: bad === 0, detail: bad === 0 ? `no ${what}` : `${bad} ${what}` });

/** FT invariants, each computed from the stored rows (never assumed) */
export async function ftInvariants(sql: Sql): Promise<Record<string, InvariantResult>> {
  const [r] = await sql.query<Record<string, number>>(
    `SELECT
       (SELECT count(*)::int FROM (SELECT wallet_id, source_trade_id FROM ft_orders GROUP BY 1, 2 HAVING count(*) > 1) d)
         AS duplicate_orders,
       (SELECT count(*)::int FROM (SELECT order_id FROM ft_closes WHERE kind = 'settlement' GROUP BY 1 HAVING count(*) > 1) s)
         AS double_settlements,
       (SELECT count(*)::int FROM ft_orders o WHERE o.size <> o.open_cost
          + (SELECT coalesce(sum(cost_basis), 0) FROM ft_closes c WHERE c.order_id = o.order_id)) AS cost_drift,
       (SELECT count(*)::int FROM ft_orders o WHERE o.shares <> o.open_shares
          + (SELECT coalesce(sum(shares), 0) FROM ft_closes c WHERE c.order_id = o.order_id)) AS share_drift,
       (SELECT count(*)::int FROM ft_orders o WHERE NOT EXISTS (SELECT 1 FROM ft_dispositions d
          WHERE d.wallet_id = o.wallet_id AND d.trade_key = o.source_trade_id AND d.disposition = 'taken')) AS orders_without_disposition,
       (SELECT count(*)::int FROM ft_wallets w WHERE w.starting_balance
          + (SELECT coalesce(sum(pnl), 0) FROM ft_closes c WHERE c.wallet_id = w.wallet_id)
          - (SELECT coalesce(sum(open_cost), 0) FROM ft_orders o WHERE o.wallet_id = w.wallet_id AND o.outcome = 'OPEN')
          <> w.starting_balance - (SELECT coalesce(sum(size), 0) FROM ft_orders o WHERE o.wallet_id = w.wallet_id)
          + (SELECT coalesce(sum(proceeds), 0) FROM ft_closes c WHERE c.wallet_id = w.wallet_id)) AS cash_drift,
       (SELECT count(*)::int FROM ft_wallets w WHERE w.starting_balance
          + (SELECT coalesce(sum(pnl), 0) FROM ft_closes c WHERE c.wallet_id = w.wallet_id)
          - (SELECT coalesce(sum(open_cost), 0) FROM ft_orders o WHERE o.wallet_id = w.wallet_id AND o.outcome = 'OPEN') < 0)
         AS negative_cash`);
  return {
    ft_exactly_once: check(r!.duplicate_orders!, 'paper orders for the same (strategy, trade)'),
    ft_settled_once: check(r!.double_settlements!, 'orders settled twice'),
    ft_cost_conserved: check(r!.cost_drift!, 'orders whose open cost + closed cost basis differs from their cost'),
    ft_shares_conserved: check(r!.share_drift!, 'orders whose open + closed shares differ from their shares'),
    ft_one_disposition_per_order: check(r!.orders_without_disposition!, 'orders without a taken disposition'),
    ft_cash_conservation: check(r!.cash_drift!, 'strategies whose cash differs from start − cost + proceeds'),
    ft_cash_never_negative: check(r!.negative_cash!, 'strategies with negative cash'),
  };
}
