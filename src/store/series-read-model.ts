/**
 * The equity series (FT's and LT's P&L since launch, the strategy page's chart and the overview's sparkline) from the
 * gap model's kept legs (migration 0021, gap-read-model.ts): a read costs the buckets of the chart, not the legs.
 *
 * The legs are kept summed per time bucket and token, and per bucket at the marks last used (lt_series_points). A read
 * brings the gap model up to date, then under its lock: re-buckets from the legs when the strategy's age needs a wider
 * bucket (EQUITY_WIDTHS_MS: at most MAX_EQUITY_POINTS buckets since launch), revalues the buckets of the tokens whose
 * mark moved since (their sums times the change), and reads the buckets. Each point is the exact pico sum of the legs
 * up to its bucket's end rounded once, so the last point is /comparison's P&L (docs/metrics.md)
 */
import { bucketedEquity, bucketWidthMs, EQUITY_WIDTHS_MS, type EquitySeries } from '../domain/metrics/series.ts';
import type { Db, Sql } from './db.ts';
import { GAP_MODEL, valueAtMark } from './gap-read-model.ts';
import { SERIES_COLUMNS } from './gap-summary-store.ts';
import { horizons } from './gap-store.ts';
import { noteDerivedWrite } from './derived-writes.ts';
import { lockReadModel, refreshReadModel } from './read-models.ts';

/** The most buckets (points) the equity series has */
export const MAX_EQUITY_POINTS = 500;

const NO_SERIES: EquitySeries = { ft: [], lt: [] };

/** The strategy's equity series from the kept model, as of `now` */
export async function keptEquitySeries(db: Db, userId: string, strategyId: string, now: Date): Promise<EquitySeries> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!(await refreshReadModel(db, GAP_MODEL, userId, strategyId))) return NO_SERIES;
    const read = await db.transaction(async (tx) => {
      await lockReadModel(tx, GAP_MODEL, userId, strategyId);
      const [s] = await tx.query<{ launched_at: Date | null; width_ms: string | null; ready: boolean | null }>(
        `SELECT s.launched_at, w.width_ms::text, g.ready FROM lt_strategies s
           LEFT JOIN lt_series_state w ON w.user_id = s.user_id AND w.strategy_id = s.strategy_id
           LEFT JOIN lt_read_state g ON g.model = 'gap' AND g.user_id = s.user_id AND g.strategy_id = s.strategy_id
         WHERE s.user_id = $1 AND s.strategy_id = $2`, [userId, strategyId]);
      if (!s || s.launched_at === null) return NO_SERIES;
      if (s.ready !== true || s.width_ms === null) return null; // rebuilding for a new launch or book meanwhile
      const launchedAt = new Date(s.launched_at);
      const width = bucketWidthMs(launchedAt, now, MAX_EQUITY_POINTS, EQUITY_WIDTHS_MS);
      const rebucketed = width !== Number(s.width_ms);
      if (rebucketed) await rebucket(tx, userId, strategyId, width);
      if ((await revalue(tx, userId, strategyId)) || rebucketed) await noteDerivedWrite(db, tx);
      const rows = await tx.query<{ k: string; lt: string; ft: string }>(
        'SELECT k::text, lt::text, ft::text FROM lt_series_points WHERE user_id = $1 AND strategy_id = $2', [userId, strategyId]);
      return bucketedEquity(launchedAt, now, width, rows.map((r) => ({ k: Number(r.k), lt: BigInt(r.lt), ft: BigInt(r.ft) })));
    });
    if (read !== null) return read;
  }
  throw new Error(`the equity series of ${strategyId}: its model kept being rebuilt while it was read`);
}

const STRATEGY = 'user_id = $1 AND strategy_id = $2';

/** The sums and points again from the legs, at a new bucket width (the marks are kept) */
async function rebucket(tx: Sql, userId: string, strategyId: string, widthMs: number): Promise<void> {
  for (const t of ['lt_series_sums', 'lt_series_points']) await tx.query(`DELETE FROM ${t} WHERE ${STRATEGY}`, [userId, strategyId]);
  await tx.query(`UPDATE lt_series_state SET width_ms = $3 WHERE ${STRATEGY}`, [userId, strategyId, widthMs]);
  await tx.query(`INSERT INTO lt_series_sums (user_id, strategy_id, k, token, ${SERIES_COLUMNS.join(', ')})
    SELECT $1, $2, floor(extract(epoch FROM at) * 1000 / $3::bigint)::bigint, token, ${SERIES_COLUMNS.map((c) => `sum(${c})`).join(', ')}
    FROM lt_series_legs WHERE ${STRATEGY} GROUP BY 3, 4`, [userId, strategyId, widthMs]);
  await tx.query(`INSERT INTO lt_series_points (user_id, strategy_id, k, lt, ft)
    SELECT $1, $2, s.k, sum(${valueAtMark('lt', 's', 'm.mark')}), sum(${valueAtMark('ft', 's', 'm.mark')})
    FROM lt_series_sums s LEFT JOIN lt_series_marks m ON m.user_id = s.user_id AND m.strategy_id = s.strategy_id AND m.token = s.token
    WHERE s.user_id = $1 AND s.strategy_id = $2 GROUP BY s.k`, [userId, strategyId]);
}

/**
 * The buckets revalued at the tokens' current marks (the gap's horizons): for each token whose mark moved since the
 * buckets were valued, its sums' value at the new mark less at the old one, added to their buckets. True when any moved
 */
async function revalue(tx: Sql, userId: string, strategyId: string): Promise<boolean> {
  const tokens = (await tx.query<{ token: string }>(`SELECT token FROM lt_gap_sums WHERE ${STRATEGY}`, [userId, strategyId]))
    .map((r) => r.token);
  const { marks } = await horizons(tx, tokens);
  const kept = new Map((await tx.query<{ token: string; mark: string | null }>(
    `SELECT token, mark::text FROM lt_series_marks WHERE ${STRATEGY}`, [userId, strategyId])).map((r) => [r.token, r.mark]));
  const moved = tokens.map((t) => ({ token: t, now: marks.get(t)?.price.toString() ?? null, was: kept.get(t) ?? null }))
    .filter((c) => c.now !== c.was);
  if (moved.length === 0) return false;
  const args = [userId, strategyId, moved.map((c) => c.token), moved.map((c) => c.now), moved.map((c) => c.was)];
  const change = (side: 'lt' | 'ft') => `sum(${valueAtMark(side, 's', 'c.now')} - ${valueAtMark(side, 's', 'c.was')})`;
  await tx.query(`UPDATE lt_series_points p SET lt = p.lt + d.lt, ft = p.ft + d.ft FROM (
      SELECT s.k, ${change('lt')} AS lt, ${change('ft')} AS ft
      FROM unnest($3::text[], $4::numeric[], $5::numeric[]) AS c (token, now, was)
        JOIN lt_series_sums s ON s.user_id = $1 AND s.strategy_id = $2 AND s.token = c.token GROUP BY s.k) d
    WHERE p.user_id = $1 AND p.strategy_id = $2 AND p.k = d.k`, args);
  await tx.query(`INSERT INTO lt_series_marks (user_id, strategy_id, token, mark)
    SELECT $1, $2, c.token, c.now FROM unnest($3::text[], $4::numeric[]) AS c (token, now) ORDER BY c.token
    ON CONFLICT (user_id, strategy_id, token) DO UPDATE SET mark = EXCLUDED.mark`, args.slice(0, 4));
  return true;
}
