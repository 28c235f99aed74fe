/**
 * An LT strategy's open positions (current book): per FT signal, the shares held (bought net of share fees,
 * minus sold), their cost basis from the ledger, and their value at the same mark the gap uses
 */
import { divRound, formatMicros, SCALE, type Shares, type Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { horizons, type HorizonKind } from './gap-store.ts';
import { micros } from './rows.ts';

export interface OpenPosition {
  ftOrderId: string;
  conditionId: string;
  tokenId: string;
  outcome: string;
  market: string;
  shares: Shares;
  cost: Usdc;
  mark: { price: bigint; kind: HorizonKind } | null;
  value: Usdc | null;
  unrealized: Usdc | null;
}

const POSITIONS_SQL = `WITH legs AS (
    SELECT l.ft_order_id, l.order_id, o.side FROM lt_orders l JOIN orders o ON o.order_id = l.order_id
    WHERE l.user_id = $1 AND l.strategy_id = $2 AND o.is_shadow = $3),
  held AS (SELECT g.ft_order_id, sum(CASE WHEN g.side = 'BUY'
      THEN f.size - CASE WHEN f.fee_asset = 'shares' THEN f.fee_amount ELSE 0 END ELSE -f.size END) AS shares
    FROM fills f JOIN legs g ON g.order_id = f.order_id GROUP BY g.ft_order_id),
  basis AS (SELECT g.ft_order_id, sum(CASE WHEN e.kind = 'buy_fill' THEN e.amount ELSE -e.cost_basis END) AS cost,
      bool_or(e.kind = 'settlement') AS settled
    FROM ledger_entries e JOIN legs g ON g.order_id = e.order_id
    WHERE e.kind IN ('buy_fill', 'sell_fill', 'settlement') GROUP BY g.ft_order_id)
  SELECT h.ft_order_id, f.condition_id, f.asset, f.token_label, f.market_title, h.shares::text, b.cost::text
  FROM held h JOIN basis b ON b.ft_order_id = h.ft_order_id JOIN ft_orders f ON f.order_id = h.ft_order_id
  WHERE NOT b.settled AND h.shares > 0 ORDER BY f.order_time DESC, h.ft_order_id`;

export async function openPositions(sql: Sql, userId: string, strategyId: string, shadow: boolean): Promise<OpenPosition[]> {
  const rows = await sql.query<Record<string, unknown>>(POSITIONS_SQL, [userId, strategyId, shadow]);
  const { marks } = await horizons(sql, [...new Set(rows.map((r) => r.asset as string))]);
  return rows.map((r) => {
    const shares = micros(r.shares) as Shares;
    const cost = micros(r.cost) as Usdc;
    const mark = marks.get(r.asset as string) ?? null;
    const value = mark === null ? null : (divRound(shares * mark.price, SCALE, 'half_even') as Usdc);
    return {
      ftOrderId: r.ft_order_id as string, conditionId: r.condition_id as string, tokenId: r.asset as string,
      outcome: r.token_label as string, market: r.market_title as string, shares, cost, mark, value,
      unrealized: value === null ? null : ((value - cost) as Usdc),
    };
  });
}

const dec = (v: bigint | null, dp = 6) => (v === null ? null : formatMicros(v, dp));

export const formatPosition = (p: OpenPosition) => ({
  ft_order_id: p.ftOrderId, condition_id: p.conditionId, token_id: p.tokenId, outcome: p.outcome, market: p.market,
  shares: dec(p.shares), cost_usd: dec(p.cost), mark_price: dec(p.mark?.price ?? null), mark: p.mark?.kind ?? null,
  value_usd: dec(p.value), unrealized_pnl_usd: dec(p.unrealized),
});
