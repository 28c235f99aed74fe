/**
 * The gap's kept read model (read-models.ts, migration 0018): per FT order since launch (a unit) what its legs add to
 * the summary (gap-summary-store.ts unitsQuery), in lt_gap_units, and those units summed per token in lt_gap_sums; and
 * alongside, per decided leg, what it adds to the equity series (migration 0021, series-read-model.ts). It is built for
 * one launch and book (live or shadow); a change of either builds it again
 */
import { GAP_PARTS, totalGap, type PicoGap } from '../domain/metrics/index.ts';
import type { Usdc } from '../domain/money.ts';
import type { Db } from './db.ts';
import { horizons } from './gap-store.ts';
import {
  legsQuery, NONE, SERIES_COLUMNS, SUMMED_COLUMNS, unitsQuery, type GapSummary,
} from './gap-summary-store.ts';
import { alongside, refreshReadModel, unitModel, type ReadModel } from './read-models.ts';
import { micros } from './rows.ts';

/** Adds (sign 1) or takes out (sign −1) a set of unit rows `u` to the per-token sums */
const addToSums = (sign: 1 | -1) => `INSERT INTO lt_gap_sums AS s (user_id, strategy_id, token, ${SUMMED_COLUMNS.join(', ')})
  SELECT $1, $2, token, ${SUMMED_COLUMNS.map((c) => `${sign} * sum(${c})`).join(', ')} FROM u GROUP BY token ORDER BY token
  ON CONFLICT (user_id, strategy_id, token) DO UPDATE SET ${SUMMED_COLUMNS.map((c) => `${c} = s.${c} + EXCLUDED.${c}`).join(', ')}`;

const basis: ReadModel['basis'] = (s) =>
  (s.launched_at === null ? null : `${new Date(s.launched_at).toISOString()} ${s.shadow ? 'shadow' : 'live'}`);

const GAP_UNITS = unitModel({
  name: 'gap', basis,
  units: { table: 'lt_gap_units', key: 'ft_order_id', columns: `ft_order_id, token, ${SUMMED_COLUMNS.join(', ')}` },
  sumsTable: 'lt_gap_sums', unitsQuery, addToSums,
});

/** A figure's value: a + b·mark, or e without a mark (`m` is the mark's SQL; `side` the figure, e.g. lt) */
export const valueAtMark = (side: string, row: string, m: string) =>
  `CASE WHEN ${m} IS NULL THEN ${row}.${side}_e ELSE ${row}.${side}_a + ${row}.${side}_b * ${m} END`;

/**
 * Adds (sign 1) or takes out (sign −1) the leg rows `u` to the series: their sums per bucket of the kept width and token,
 * and per bucket their values at the kept marks (more CTEs after unitModel's `WITH u AS (…)`)
 */
const addToSeries = (sign: 1 | -1) => `, b AS (
    SELECT floor(extract(epoch FROM u.at) * 1000 / w.width_ms)::bigint AS k, u.token,
      ${SERIES_COLUMNS.map((c) => `sum(u.${c}) AS ${c}`).join(', ')}
    FROM u JOIN lt_series_state w ON w.user_id = u.user_id AND w.strategy_id = u.strategy_id GROUP BY 1, 2),
  s AS (INSERT INTO lt_series_sums AS x (user_id, strategy_id, k, token, ${SERIES_COLUMNS.join(', ')})
    SELECT $1, $2, k, token, ${SERIES_COLUMNS.map((c) => `${sign} * ${c}`).join(', ')} FROM b ORDER BY token, k
    ON CONFLICT (user_id, strategy_id, token, k) DO UPDATE SET ${SERIES_COLUMNS.map((c) => `${c} = x.${c} + EXCLUDED.${c}`).join(', ')})
  INSERT INTO lt_series_points AS p (user_id, strategy_id, k, lt, ft)
  SELECT $1, $2, b.k, ${sign} * sum(${valueAtMark('lt', 'b', 'm.mark')}), ${sign} * sum(${valueAtMark('ft', 'b', 'm.mark')})
  FROM b LEFT JOIN lt_series_marks m ON m.user_id = $1 AND m.strategy_id = $2 AND m.token = b.token GROUP BY b.k ORDER BY b.k
  ON CONFLICT (user_id, strategy_id, k) DO UPDATE SET lt = p.lt + EXCLUDED.lt, ft = p.ft + EXCLUDED.ft`;

/** The first width of a new series (the first read sets the one its age needs) */
const FIRST_WIDTH_MS = 1000;

const SERIES_UNITS = unitModel({
  name: 'gap', basis,
  units: { table: 'lt_series_legs', key: 'ft_order_id', columns: `ft_order_id, leg, at, token, ${SERIES_COLUMNS.join(', ')}` },
  sumsTable: 'lt_series_sums', unitsQuery: legsQuery, addToSums: addToSeries,
});

/** The equity series' part of the model: its legs, sums, points and marks (series-read-model.ts reads them) */
const SERIES_PART: ReadModel = {
  ...SERIES_UNITS,
  async clear(tx, userId, strategyId) {
    await SERIES_UNITS.clear(tx, userId, strategyId);
    for (const t of ['lt_series_points', 'lt_series_marks']) {
      await tx.query(`DELETE FROM ${t} WHERE user_id = $1 AND strategy_id = $2`, [userId, strategyId]);
    }
  },
  async buildAll(tx, userId, strategyId) {
    await tx.query(`INSERT INTO lt_series_state (user_id, strategy_id, width_ms) VALUES ($1, $2, $3)
      ON CONFLICT (user_id, strategy_id) DO NOTHING`, [userId, strategyId, FIRST_WIDTH_MS]);
    await SERIES_UNITS.buildAll(tx, userId, strategyId);
  },
};

/** The gap's units and sums, and alongside them (the same marks and refresh) the equity series' legs */
export const GAP_MODEL: ReadModel = alongside(GAP_UNITS, SERIES_PART);

/**
 * The strategy's since-launch gap totals, counts and FT side from the kept per-token sums (brought up to date with the
 * writes first); equal to their reading from strategyGap's legs
 */
export async function gapSummary(db: Db, userId: string, strategyId: string): Promise<GapSummary> {
  if (!(await refreshReadModel(db, GAP_MODEL, userId, strategyId))) return { launchedAt: null, ...NONE };
  const [s] = await db.query<{ launched_at: Date; tokens: string[] }>(
    `SELECT s.launched_at, coalesce((SELECT array_agg(g.token) FROM lt_gap_sums g
       WHERE g.user_id = s.user_id AND g.strategy_id = s.strategy_id), '{}') AS tokens
     FROM lt_strategies s WHERE s.user_id = $1 AND s.strategy_id = $2`, [userId, strategyId]);
  const { marks } = await horizons(db, s!.tokens);
  const marked = [...marks.entries()];
  // Each figure summed over the tokens at their marks (a + b·mark, or e without one) by the database: one row back
  const [r] = await db.query<Record<string, string | null>>(
    `SELECT ${COUNTED.map((c) => `sum(g.${c})::text AS ${c}`).join(', ')},
       ${FIGURE_NAMES.map((n) => `sum(${valueAtMark(n, 'g', 'm.mark')})::text AS ${n}`).join(', ')}
     FROM lt_gap_sums g LEFT JOIN unnest($3::text[], $4::numeric[]) AS m (token, mark) ON m.token = g.token
     WHERE g.user_id = $1 AND g.strategy_id = $2`,
    [userId, strategyId, marked.map(([t]) => t), marked.map(([, m]) => m.price.toString())]);
  const pico = (n: string) => BigInt(r?.[n] ?? '0');
  const count = (c: string) => Number(r?.[c] ?? 0);
  const sum = (c: string) => micros(r?.[c] ?? '0') as Usdc;
  return {
    launchedAt: new Date(s!.launched_at),
    total: totalGap([{ lt: pico('lt'), ft: pico('ft'), parts: Object.fromEntries(GAP_PARTS.map((p) => [p, pico(p)])) as PicoGap['parts'] }]),
    signals: count('signals'), notMirrored: count('not_mirrored'), pending: count('pending'),
    ft: { entries: count('entries'), invested: sum('invested'), realized: sum('realized'), won: count('won'), lost: count('lost') },
  };
}

/** The summed columns that are not a figure's parts, and the figures (each summed at the marks) */
const COUNTED = ['signals', 'not_mirrored', 'pending', 'entries', 'invested', 'won', 'lost', 'realized'];
const FIGURE_NAMES = ['lt', 'ft', ...GAP_PARTS] as const;
