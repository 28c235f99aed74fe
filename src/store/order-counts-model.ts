/**
 * A strategy's LT order counts (ltOrderCounts: orders, those with a fill, entries WON and LOST) from a read model kept
 * with the writes (read-models.ts, migration 0018): per LT order of the current book (a unit) whether it has a fill and
 * whether it is a settled entry still holding shares of its signal (lt_order_facts' condition for an outcome), summed
 * per market token in lt_count_sums. Whether such an entry WON or LOST is the token's payout, read at the call from
 * `markets`, so a market's prices need no trigger
 */
import type { Db } from './db.ts';
import { HELD_PER_SIGNAL_SQL } from './position-store.ts';
import { refreshReadModel, unitModel, type ReadModel } from './read-models.ts';

export interface LtOrderCounts { ordered: number; filled: number; won: number; lost: number }

/** Per LT order of the current book (all, or with `only` those in $3::uuid[]): its token, a fill, a settled held entry */
const unitsQuery = (only: boolean) => `WITH legs AS (
    SELECT l.order_id, l.ft_order_id, l.leg, o.side, o.filled_size, o.token_id, o.condition_id
    FROM lt_orders l JOIN orders o ON o.order_id = l.order_id
      JOIN lt_strategies st ON st.user_id = l.user_id AND st.strategy_id = l.strategy_id AND o.is_shadow = (st.mode = 'shadow')
    WHERE l.user_id = $1 AND l.strategy_id = $2 ${only ? 'AND l.order_id = ANY ($3::uuid[])' : ''}),
  settled AS (SELECT DISTINCT e.order_id FROM legs g JOIN ledger_entries e ON e.order_id = g.order_id WHERE e.kind = 'settlement'),
  held AS (${HELD_PER_SIGNAL_SQL('AND s.ft_order_id IN (SELECT ft_order_id FROM legs)')})
  SELECT g.order_id, g.condition_id, g.token_id, (g.filled_size > 0)::int AS filled,
    coalesce(g.leg = 'entry' AND g.side <> 'SELL' AND s.order_id IS NOT NULL AND h.held > 0, false)::int AS settled_held
  FROM legs g LEFT JOIN settled s ON s.order_id = g.order_id LEFT JOIN held h ON h.ft_order_id = g.ft_order_id`;

const addToSums = (sign: 1 | -1) => `INSERT INTO lt_count_sums AS s (user_id, strategy_id, condition_id, token_id, ordered, filled,
    settled_held)
  SELECT $1, $2, condition_id, token_id, ${sign} * count(*), ${sign} * sum(filled), ${sign} * sum(settled_held) FROM u
  GROUP BY condition_id, token_id ORDER BY condition_id, token_id
  ON CONFLICT (user_id, strategy_id, condition_id, token_id) DO UPDATE SET ordered = s.ordered + EXCLUDED.ordered,
    filled = s.filled + EXCLUDED.filled, settled_held = s.settled_held + EXCLUDED.settled_held`;
export const COUNTS_MODEL: ReadModel = unitModel({
  name: 'counts',
  basis: (s) => (s.shadow ? 'shadow' : 'live'),
  units: { table: 'lt_count_units', key: 'order_id', columns: 'order_id, condition_id, token_id, filled, settled_held' },
  sumsTable: 'lt_count_sums', unitsQuery, addToSums,
});

/** The current book's LT order counts from the kept sums (brought up to date first): equal to ltOrderCounts' */
export async function keptOrderCounts(db: Db, userId: string, strategyId: string): Promise<LtOrderCounts> {
  await refreshReadModel(db, COUNTS_MODEL, userId, strategyId);
  const [r] = await db.query<LtOrderCounts>(
    `SELECT coalesce(sum(c.ordered), 0)::int AS ordered, coalesce(sum(c.filled), 0)::int AS filled,
       coalesce(sum(c.settled_held) FILTER (WHERE p.payout = 1), 0)::int AS won,
       coalesce(sum(c.settled_held) FILTER (WHERE p.payout = 0), 0)::int AS lost
     FROM lt_count_sums c LEFT JOIN markets m ON m.condition_id = c.condition_id
       CROSS JOIN LATERAL (SELECT m.outcome_prices[array_position(m.clob_token_ids, c.token_id)] AS payout) p
     WHERE c.user_id = $1 AND c.strategy_id = $2`, [userId, strategyId]);
  return r!;
}
