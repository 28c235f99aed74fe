/**
 * The LT open positions kept with the writes (read-models.ts, migration 0019): per FT signal with an open position of
 * the current book (a unit) its token, its FT order's time, the shares held and their cost, as openPositions computes
 * them, in lt_position_units; and those units summed per (token, the shares' fractional part, whether their whole part
 * is odd) in lt_position_sums. The marks are read at the call (horizons), so prices need no trigger, and the value at a
 * mark is exactly Σ of each position's half-even rounded shares × price (valueOfGroup). A read costs the open tokens
 * (capital) or one page of positions (the list), not the strategy's orders
 */
import type { MarkedEquity } from '../domain/metrics/gap.ts';
import { divRound, SCALE, type Usdc } from '../domain/money.ts';
import type { Db } from './db.ts';
import { horizons } from './gap-store.ts';
import { isoKey, type PageRequest } from './page.ts';
import { HELD_PER_SIGNAL_SQL, positionsOf, type OpenPosition } from './position-store.ts';
import { refreshReadModel, unitModel, type ReadModel } from './read-models.ts';
import { micros } from './rows.ts';

/** Per FT signal of the current book (all, or with `only` those in $3::uuid[]) with an open position: POSITIONS_SQL's figures */
const unitsQuery = (only: boolean) => `WITH legs AS (
    SELECT l.ft_order_id, l.order_id FROM lt_orders l JOIN orders o ON o.order_id = l.order_id
      JOIN lt_strategies st ON st.user_id = l.user_id AND st.strategy_id = l.strategy_id AND o.is_shadow = (st.mode = 'shadow')
    WHERE l.user_id = $1 AND l.strategy_id = $2 ${only ? 'AND l.ft_order_id = ANY ($3::uuid[])' : ''}),
  booked AS (SELECT e.order_id, bool_or(e.kind = 'settlement') AS settled,
      sum(CASE WHEN e.kind = 'buy_fill' THEN e.amount WHEN e.kind IN ('sell_fill', 'settlement') THEN -e.cost_basis
        ELSE 0 END) AS cost_delta
    FROM legs g JOIN ledger_entries e ON e.order_id = g.order_id GROUP BY e.order_id),
  held AS (${HELD_PER_SIGNAL_SQL(only ? 'AND s.ft_order_id = ANY ($3::uuid[])' : '')}),
  positions AS (SELECT g.ft_order_id, sum(coalesce(b.cost_delta, 0)) AS cost, coalesce(bool_or(b.settled), false) AS settled,
      max(coalesce(h.held, 0)) AS shares
    FROM legs g LEFT JOIN booked b ON b.order_id = g.order_id LEFT JOIN held h ON h.ft_order_id = g.ft_order_id
    GROUP BY g.ft_order_id)
  SELECT h.ft_order_id, f.asset, f.order_time, h.shares, h.cost
  FROM positions h JOIN ft_orders f ON f.order_id = h.ft_order_id WHERE NOT h.settled AND h.shares > 0`;

const addToSums = (sign: 1 | -1) => `INSERT INTO lt_position_sums AS s (user_id, strategy_id, token_id, frac, odd, positions,
    wholes, cost)
  SELECT $1, $2, token_id, shares - trunc(shares), mod(trunc(shares), 2) = 1, ${sign} * count(*), ${sign} * sum(trunc(shares)),
    ${sign} * sum(cost)
  FROM u GROUP BY 3, 4, 5 ORDER BY 3, 4, 5
  ON CONFLICT (user_id, strategy_id, token_id, frac, odd) DO UPDATE SET positions = s.positions + EXCLUDED.positions,
    wholes = s.wholes + EXCLUDED.wholes, cost = s.cost + EXCLUDED.cost`;

export const POSITIONS_MODEL: ReadModel = unitModel({
  name: 'positions',
  basis: (s) => (s.shadow ? 'shadow' : 'live'),
  units: { table: 'lt_position_units', key: 'ft_order_id', columns: 'ft_order_id, token_id, order_time, shares, cost' },
  sumsTable: 'lt_position_sums', unitsQuery, addToSums,
});

/**
 * Σ over n positions of one group (shares W + r with r = `frac` the same for all, W odd or not for all, Σ W = `wholes`)
 * of each one's value divRound(shares × price, half-even): the value of W + r is that of (W mod 2) + r plus the even
 * number (W − W mod 2) × price, which leaves the half-even rounding alone
 */
export function valueOfGroup(n: bigint, frac: bigint, odd: boolean, wholes: bigint, price: bigint): bigint {
  const w = odd ? 1n : 0n;
  return n * divRound((w * SCALE + frac) * price, SCALE, 'half_even') + (wholes - n * w) * price;
}

interface SumRow { token_id: string; frac: string; odd: boolean; positions: string; wholes: string; cost: string }

/** The book's open positions at the gap's marks, as equityAtMark(bookEquity, openPositions(…)) gives them, from the kept sums */
export async function keptMarkedEquity(db: Db, userId: string, strategyId: string, bookEquity: Usdc): Promise<MarkedEquity> {
  await refreshReadModel(db, POSITIONS_MODEL, userId, strategyId);
  const rows = await db.query<SumRow>(`SELECT token_id, frac::text, odd, positions::text, wholes::text, cost::text
    FROM lt_position_sums WHERE user_id = $1 AND strategy_id = $2 AND positions <> 0`, [userId, strategyId]);
  const { marks } = await horizons(db, [...new Set(rows.map((r) => r.token_id))]);
  let unrealized = 0n;
  let unmarked = 0;
  for (const r of rows) {
    const mark = marks.get(r.token_id);
    if (!mark) unmarked += Number(r.positions);
    else unrealized += valueOfGroup(BigInt(r.positions), micros(r.frac), r.odd, BigInt(r.wholes), mark.price) - micros(r.cost);
  }
  return { equity: (bookEquity + unrealized) as Usdc, unrealized: unrealized as Usdc, unmarked };
}

/** How many open positions the book holds (the kept sums, brought up to date first unless `fresh`: just refreshed) */
export async function keptPositionCount(db: Db, userId: string, strategyId: string, fresh = false): Promise<number> {
  if (!fresh) await refreshReadModel(db, POSITIONS_MODEL, userId, strategyId);
  const [r] = await db.query<{ n: number }>(`SELECT coalesce(sum(positions), 0)::int AS n FROM lt_position_sums
    WHERE user_id = $1 AND strategy_id = $2`, [userId, strategyId]);
  return r!.n;
}

/**
 * A page of the book's open positions from the kept units, in openPositions' order (FT order time newest first, then
 * FT order id), each with its sort key; a null limit: all of them (what the tests hold against openPositions)
 */
export async function keptPositionsPage(db: Db, userId: string, strategyId: string,
  page: PageRequest | { limit: null; after: null }): Promise<{ row: OpenPosition; key: string[] }[]> {
  await refreshReadModel(db, POSITIONS_MODEL, userId, strategyId);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT u.ft_order_id, f.condition_id, f.asset, f.token_label, f.market_title, u.shares::text, u.cost::text,
       coalesce(nullif(m.question, ''), nullif(f.market_title, '')) AS question, ${isoKey('u.order_time')} AS at
     FROM lt_position_units u JOIN ft_orders f ON f.order_id = u.ft_order_id LEFT JOIN markets m ON m.condition_id = f.condition_id
     WHERE u.user_id = $1 AND u.strategy_id = $2
       AND ($3::timestamptz IS NULL OR u.order_time < $3 OR (u.order_time = $3 AND u.ft_order_id > $4::uuid))
     ORDER BY u.order_time DESC, u.ft_order_id LIMIT $5`,
    [userId, strategyId, page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit === null ? null : page.limit + 1]);
  const positions = await positionsOf(db, rows);
  return positions.map((row, k) => ({ row, key: [rows[k]!.at as string, row.ftOrderId] }));
}
