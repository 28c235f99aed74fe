/**
 * The gap's kept read model (read-models.ts, migration 0018): per FT order since launch (a unit) what its legs add to
 * the summary (gap-summary-store.ts unitsQuery), in lt_gap_units, and those units summed per token in lt_gap_sums. It is
 * built for one launch and book (live or shadow); a change of either builds it again
 */
import { totalGap } from '../domain/metrics/index.ts';
import type { Usdc } from '../domain/money.ts';
import type { Db } from './db.ts';
import { horizons } from './gap-store.ts';
import { NONE, picoAtMarks, SUMMED_COLUMNS, unitsQuery, type GapSummary, type Row } from './gap-summary-store.ts';
import { refreshReadModel, unitModel, type ReadModel } from './read-models.ts';
import { micros } from './rows.ts';

/** Adds (sign 1) or takes out (sign −1) a set of unit rows `u` to the per-token sums */
const addToSums = (sign: 1 | -1) => `INSERT INTO lt_gap_sums AS s (user_id, strategy_id, token, ${SUMMED_COLUMNS.join(', ')})
  SELECT $1, $2, token, ${SUMMED_COLUMNS.map((c) => `${sign} * sum(${c})`).join(', ')} FROM u GROUP BY token ORDER BY token
  ON CONFLICT (user_id, strategy_id, token) DO UPDATE SET ${SUMMED_COLUMNS.map((c) => `${c} = s.${c} + EXCLUDED.${c}`).join(', ')}`;

export const GAP_MODEL: ReadModel = unitModel({
  name: 'gap',
  basis: (s) => (s.launched_at === null ? null : `${new Date(s.launched_at).toISOString()} ${s.shadow ? 'shadow' : 'live'}`),
  units: { table: 'lt_gap_units', key: 'ft_order_id', columns: `ft_order_id, token, ${SUMMED_COLUMNS.join(', ')}` },
  sumsTable: 'lt_gap_sums', unitsQuery, addToSums,
});

/**
 * The strategy's since-launch gap totals, counts and FT side from the kept per-token sums (brought up to date with the
 * writes first); equal to their reading from strategyGap's legs
 */
export async function gapSummary(db: Db, userId: string, strategyId: string): Promise<GapSummary> {
  if (!(await refreshReadModel(db, GAP_MODEL, userId, strategyId))) return { launchedAt: null, ...NONE };
  const rows = await db.query<Row>(
    `SELECT s.launched_at, g.token, ${SUMMED_COLUMNS.map((c) => `g.${c}::text`).join(', ')}
     FROM lt_strategies s LEFT JOIN lt_gap_sums g ON g.user_id = s.user_id AND g.strategy_id = s.strategy_id
     WHERE s.user_id = $1 AND s.strategy_id = $2`, [userId, strategyId]);
  const sums = rows.filter((r) => r.token !== null);
  const { marks } = await horizons(db, sums.map((t) => t.token as string));
  const count = (c: string) => sums.reduce((n, r) => n + Number(r[c]), 0);
  const sum = (c: string) => sums.reduce((n, r) => n + micros(r[c]), 0n) as Usdc;
  return {
    launchedAt: new Date(rows[0]!.launched_at as Date), total: totalGap(picoAtMarks(sums, marks)), signals: count('signals'),
    notMirrored: count('not_mirrored'), pending: count('pending'),
    ft: { entries: count('entries'), invested: sum('invested'), realized: sum('realized'), won: count('won'), lost: count('lost') },
  };
}
