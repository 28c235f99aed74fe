/** Read-only queries behind the replay report: FT results per strategy and the invariant checks, from the database */
import { equityOf, isConserved, lockedOf, type Balances } from '../domain/ledger.ts';
import { formatMicros } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { balancesOf } from './ledger-store.ts';
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
  return (await ftReports(sql, [walletId])).get(walletId)!;
}

/** ftReport of each wallet, in one statement whatever their number */
export async function ftReports(sql: Sql, walletIds: readonly string[]): Promise<Map<string, FtReport>> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT w.wallet_id, w.starting_balance AS start, coalesce(o.orders, 0)::int AS orders, coalesce(o.open, 0)::int AS open,
       coalesce(o.won, 0)::int AS won, coalesce(o.lost, 0)::int AS lost, coalesce(o.exited, 0)::int AS exited,
       coalesce(o.void, 0)::int AS void, coalesce(o.invested, 0) AS invested, coalesce(o.open_cost, 0) AS open_cost,
       coalesce(c.pnl, 0) AS pnl, s.skipped
     FROM ft_wallets w LEFT JOIN (
       SELECT wallet_id, count(*) AS orders, count(*) FILTER (WHERE outcome = 'OPEN') AS open,
         count(*) FILTER (WHERE outcome = 'WON') AS won, count(*) FILTER (WHERE outcome = 'LOST') AS lost,
         count(*) FILTER (WHERE outcome = 'SOLD') AS exited, count(*) FILTER (WHERE outcome = 'VOID') AS void,
         sum(size) AS invested, sum(open_cost) FILTER (WHERE outcome = 'OPEN') AS open_cost
       FROM ft_orders WHERE wallet_id = ANY($1::text[]) GROUP BY wallet_id) o ON o.wallet_id = w.wallet_id
     LEFT JOIN (SELECT wallet_id, sum(pnl) AS pnl FROM ft_closes WHERE wallet_id = ANY($1::text[]) GROUP BY wallet_id) c
       ON c.wallet_id = w.wallet_id
     LEFT JOIN (SELECT wallet_id, json_object_agg(reason, n ORDER BY reason) AS skipped
       FROM (SELECT wallet_id, reason, sum(count)::int AS n FROM ft_skip_counts WHERE wallet_id = ANY($1::text[])
         GROUP BY wallet_id, reason) k GROUP BY wallet_id) s ON s.wallet_id = w.wallet_id
     WHERE w.wallet_id = ANY($1::text[])`, [walletIds]);
  const out = new Map<string, FtReport>();
  for (const r of rows) {
    const pnl = micros(r.pnl);
    out.set(r.wallet_id as string, {
      orders: Number(r.orders), open: Number(r.open), won: Number(r.won), lost: Number(r.lost),
      exited: Number(r.exited), void: Number(r.void), invested_usd: formatMicros(micros(r.invested), 2),
      realized_pnl_usd: formatMicros(pnl, 2), cash_usd: formatMicros(micros(r.start) + pnl - micros(r.open_cost), 2),
      skipped: skippedOf(r.skipped),
    });
  }
  return out;
}

/** The skip counts by reason (JSON, parsed or not by the driver), in reason order as aggregated */
function skippedOf(value: unknown): Record<string, number> {
  if (value === null || value === undefined) return {};
  const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).map(([reason, n]) => [reason, Number(n)]));
}

export interface InvariantResult {
  ok: boolean;
  detail: string;
}

const check = (bad: number, what: string): InvariantResult =>
  ({ ok: bad === 0, detail: bad === 0 ? `no ${what}` : `${bad} ${what}` });

/** FT invariants, each computed from the stored rows (never assumed) */
export async function ftInvariants(sql: Sql): Promise<Record<string, InvariantResult>> {
  // Each table read once and joined by key (no subquery per order: ft_closes has no index on order_id alone, so a
  // correlated sum per order scanned every close, quadratic in a replay that trades: 230 ms at 4,224 orders)
  const [r] = await sql.query<Record<string, number>>(
    `WITH closed AS (SELECT order_id, sum(cost_basis) AS cost_basis, sum(shares) AS shares FROM ft_closes GROUP BY order_id),
       by_wallet AS (SELECT wallet_id, sum(pnl) AS pnl, sum(proceeds) AS proceeds FROM ft_closes GROUP BY wallet_id),
       spent AS (SELECT wallet_id, sum(size) AS size, coalesce(sum(open_cost) FILTER (WHERE outcome = 'OPEN'), 0) AS open_cost
         FROM ft_orders GROUP BY wallet_id),
       cash AS (SELECT w.starting_balance + coalesce(c.pnl, 0) - coalesce(s.open_cost, 0) AS by_pnl,
           w.starting_balance - coalesce(s.size, 0) + coalesce(c.proceeds, 0) AS by_flows
         FROM ft_wallets w LEFT JOIN by_wallet c ON c.wallet_id = w.wallet_id LEFT JOIN spent s ON s.wallet_id = w.wallet_id)
     SELECT
       (SELECT count(*)::int FROM (SELECT wallet_id, source_trade_id FROM ft_orders GROUP BY 1, 2 HAVING count(*) > 1) d)
         AS duplicate_orders,
       (SELECT count(*)::int FROM (SELECT order_id FROM ft_closes WHERE kind = 'settlement' GROUP BY 1 HAVING count(*) > 1) s)
         AS double_settlements,
       (SELECT count(*)::int FROM ft_orders o LEFT JOIN closed c ON c.order_id = o.order_id
         WHERE o.size <> o.open_cost + coalesce(c.cost_basis, 0)) AS cost_drift,
       (SELECT count(*)::int FROM ft_orders o LEFT JOIN closed c ON c.order_id = o.order_id
         WHERE o.shares <> o.open_shares + coalesce(c.shares, 0)) AS share_drift,
       (SELECT count(*)::int FROM ft_orders o LEFT JOIN ft_dispositions d ON d.wallet_id = o.wallet_id
          AND d.trade_key = o.source_trade_id AND d.disposition = 'taken' WHERE d.wallet_id IS NULL) AS orders_without_disposition,
       (SELECT count(*)::int FROM cash WHERE by_pnl <> by_flows) AS cash_drift,
       (SELECT count(*)::int FROM cash WHERE by_pnl < 0) AS negative_cash`);
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

// ---- LT: per strategy, and the LT invariants; every number read from the stored rows

export interface LtReport {
  signals: number;
  ordered: number;
  skipped: Record<string, number>;
  expired: number;
  orders: Record<string, number>;
  filled_usd: string;
  fees_usd: string;
  realized_pnl_usd: string;
  capital: { initial_usd: string; available_usd: string; locked_usd: string; cooldown_usd: string; equity_usd: string };
}

export async function ltReport(sql: Sql, userId: string, strategyId: string): Promise<LtReport> {
  const [s] = await sql.query<{ mode: 'live' | 'shadow'; starting_capital: string }>(
    'SELECT mode, starting_capital::text FROM lt_strategies WHERE user_id = $1 AND strategy_id = $2', [userId, strategyId]);
  if (!s) throw new Error(`no LT strategy ${strategyId}`);
  const [d] = await sql.query<{ signals: number; ordered: number; expired: number }>(
    `SELECT count(*)::int AS signals, count(*) FILTER (WHERE disposition = 'ordered')::int AS ordered,
       count(*) FILTER (WHERE disposition = 'expired')::int AS expired
     FROM lt_dispositions WHERE user_id = $1 AND strategy_id = $2`, [userId, strategyId]);
  const skips = await sql.query<{ rule: string; n: number }>(
    `SELECT rule, count(*)::int AS n FROM lt_dispositions WHERE user_id = $1 AND strategy_id = $2 AND disposition = 'skipped'
     GROUP BY rule ORDER BY rule`, [userId, strategyId]);
  const statuses = await sql.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM orders WHERE lt_user_id = $1 AND lt_strategy_id = $2 GROUP BY status ORDER BY status`,
    [userId, strategyId]);
  const [f] = await sql.query<{ filled: string }>(
    `SELECT coalesce(round(sum(f.price * f.size), 6), 0)::text AS filled FROM fills f JOIN orders o ON o.order_id = f.order_id
     WHERE o.lt_user_id = $1 AND o.lt_strategy_id = $2 AND o.is_shadow = $3`, [userId, strategyId, s.mode === 'shadow']);
  const b = await balancesOf(sql, userId, strategyId, s.mode);
  const usd = (v: bigint) => formatMicros(v, 2);
  return {
    signals: d!.signals, ordered: d!.ordered, skipped: Object.fromEntries(skips.map((x) => [x.rule, x.n])), expired: d!.expired,
    orders: Object.fromEntries(statuses.map((x) => [x.status, x.n])), filled_usd: usd(micros(f!.filled)),
    fees_usd: usd(b.fees), realized_pnl_usd: usd(b.realizedPnl),
    capital: { initial_usd: usd(micros(s.starting_capital)), available_usd: usd(b.available), locked_usd: usd(lockedOf(b)),
      cooldown_usd: usd(b.cooldown), equity_usd: usd(equityOf(b)) },
  };
}

/**
 * The LT invariants over every LT strategy in the database. `placements`: the venue order ids the exchange placed
 * for Tandem's account (each must be exactly one sent order row, and each accepted order row one placement). A lost
 * order (the venue answered "not found", again and again) was not accepted: one the venue did place counts as unmatched
 */
export async function ltInvariants(sql: Sql, placements: readonly string[]): Promise<Record<string, InvariantResult>> {
  const strategies = await sql.query<{ user_id: string; strategy_id: string; mode: 'live' | 'shadow' }>(
    'SELECT user_id, strategy_id, mode FROM lt_strategies ORDER BY strategy_id, user_id');
  const unconserved: string[] = [];
  const uncovered: string[] = [];
  for (const s of strategies) {
    let b: Balances;
    try {
      b = await balancesOf(sql, s.user_id, s.strategy_id, s.mode);
    } catch (e) {
      unconserved.push(`${s.strategy_id} (${e instanceof Error ? e.message : String(e)})`);
      continue;
    }
    if (!isConserved(b)) unconserved.push(s.strategy_id);
    const [o] = await sql.query<{ open: string }>(
      `SELECT coalesce(sum(ceil((size - filled_size) * limit_price * 1000000) / 1000000), 0)::text AS open FROM orders
       WHERE lt_user_id = $1 AND lt_strategy_id = $2 AND is_shadow = $3 AND side = 'BUY' AND size > filled_size
         AND (status IN ('pending', 'unknown') OR (status IN ('open', 'partially_filled') AND order_type IN ('GTC', 'GTD')))`, [s.user_id, s.strategy_id, s.mode === 'shadow']);
    if (b.reserved < micros(o!.open)) uncovered.push(`${s.strategy_id}: reserved ${formatMicros(b.reserved)} < ${o!.open}`);
  }
  const [r] = await sql.query<Record<string, number>>(
    `SELECT
       (SELECT count(*)::int FROM (SELECT 1 FROM lt_orders GROUP BY user_id, strategy_id, ft_order_id, leg HAVING count(*) > 1) d)
         AS duplicate_legs,
       (SELECT count(*)::int FROM orders WHERE lt_strategy_id IS NOT NULL AND is_shadow = false
          AND venue_order_id IS NOT NULL AND status NOT IN ('pending', 'rejected', 'lost')) AS sent,
       (SELECT count(*)::int FROM lt_strategies s JOIN ft_orders o ON o.wallet_id = s.ft_wallet_id
          WHERE s.launched_at IS NOT NULL AND o.order_time >= s.launched_at
            AND (SELECT count(*) FROM lt_dispositions d WHERE d.user_id = s.user_id AND d.strategy_id = s.strategy_id
              AND d.ft_order_id = o.order_id AND d.leg = 'entry') <> 1) AS entries_without_one,
       (SELECT count(*)::int FROM lt_strategies s JOIN ft_orders o ON o.wallet_id = s.ft_wallet_id
          JOIN ft_closes c ON c.order_id = o.order_id AND c.kind = 'exit'
          WHERE s.launched_at IS NOT NULL AND o.order_time >= s.launched_at AND c.closed_at >= s.launched_at
            AND EXISTS (SELECT 1 FROM lt_dispositions e WHERE e.user_id = s.user_id AND e.strategy_id = s.strategy_id
              AND e.ft_order_id = o.order_id AND e.leg = 'entry' AND e.disposition = 'ordered')
            AND NOT EXISTS (SELECT 1 FROM lt_dispositions d WHERE d.user_id = s.user_id AND d.strategy_id = s.strategy_id
              AND d.ft_order_id = o.order_id AND d.leg = 'exit:' || c.close_id)) AS exits_without_one,
       (SELECT count(*)::int FROM lt_dispositions d WHERE d.disposition = 'ordered' AND NOT EXISTS (SELECT 1 FROM lt_orders l
          WHERE l.user_id = d.user_id AND l.strategy_id = d.strategy_id AND l.ft_order_id = d.ft_order_id AND l.leg = d.leg))
         AS ordered_without_order,
       (SELECT count(*)::int FROM lt_orders l WHERE NOT EXISTS (SELECT 1 FROM lt_dispositions d WHERE d.user_id = l.user_id
          AND d.strategy_id = l.strategy_id AND d.ft_order_id = l.ft_order_id AND d.leg = l.leg AND d.disposition = 'ordered'))
         AS order_without_ordered,
       (SELECT count(*)::int FROM lt_orders) AS lt_orders,
       (SELECT count(*)::int FROM lt_dispositions WHERE disposition = 'ordered') AS ordered`);
  const sentIds = new Set((await sql.query<{ id: string }>(
    `SELECT venue_order_id AS id FROM orders WHERE lt_strategy_id IS NOT NULL AND is_shadow = false
       AND venue_order_id IS NOT NULL AND status NOT IN ('pending', 'rejected', 'lost')`)).map((x) => x.id));
  const placed = new Set(placements);
  const unmatched = [...placed].filter((id) => !sentIds.has(id)).length + [...sentIds].filter((id) => !placed.has(id)).length;
  const placedTwice = placements.length - placed.size;
  const exactlyBad = r!.duplicate_legs! + unmatched + placedTwice;
  return {
    lt_capital_conservation: { ok: unconserved.length === 0,
      detail: unconserved.length === 0 ? `available + locked + cooldown = net deposits + realized for ${strategies.length} strategies`
        : `not conserved: ${unconserved.join(', ')}` },
    lt_exactly_once: { ok: exactlyBad === 0,
      detail: `${r!.duplicate_legs} duplicate (strategy, ft order, leg); ${placements.length} venue placements for ` +
        `${r!.sent} order rows sent and accepted, ${unmatched} unmatched, ${placedTwice} placed twice` },
    lt_locked_covers_open_notional: { ok: uncovered.length === 0,
      detail: uncovered.length === 0 ? 'reserved ≥ limit × open size of resting BUYs for every strategy' : uncovered.join('; ') },
    lt_one_disposition_per_signal: check(r!.entries_without_one! + r!.exits_without_one!,
      `signals without exactly one disposition (entries ${r!.entries_without_one}, exits ${r!.exits_without_one})`),
    lt_orders_equal_ordered_dispositions: { ok: r!.ordered_without_order === 0 && r!.order_without_ordered === 0 && r!.lt_orders === r!.ordered,
      detail: `${r!.lt_orders} LT orders, ${r!.ordered} ordered dispositions (${r!.ordered_without_order} without an order, ` +
        `${r!.order_without_ordered} orders without one)` },
  };
}
