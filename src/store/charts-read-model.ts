/**
 * The strategy page's fill-rate chart and distributions from a read model kept with the writes (read-models.ts,
 * migration 0021): per order of the current book (a unit, lt_chart_units) the minute of its signal, its filled and
 * intended shares when finished, and its distribution buckets; summed per minute, hour and day of the signal and per
 * bucket (lt_chart_sums). A read sums at most a few thousand of those rows (the fill rate's width is a whole number of
 * minutes, hours or days, so its buckets are unions of them) instead of every order. The results equal
 * series-store.ts fillRateBuckets and distributions (held to them at every LT world ledger check)
 */
import type { LtStrategy } from '../domain/lt-strategy.ts';
import {
  bucketWidthMs, histogram, LATENCY_MS_EDGES, SLIPPAGE_PCT_EDGES, SLIPPAGE_TICK_EDGES,
} from '../domain/metrics/series.ts';
import { formatMicros } from '../domain/money.ts';
import type { Db } from './db.ts';
import { refreshReadModel, unitModel, type ReadModel } from './read-models.ts';
import { fillBuckets, FINISHED_STATUSES, MAX_FILL_BUCKETS, type Distributions, type FillBucket } from './series-store.ts';

const numericArray = (edges: readonly bigint[]) => `ARRAY[${edges.map((e) => formatMicros(e)).join(', ')}]::numeric[]`;
const FINISHED = `o.status IN (${FINISHED_STATUSES.map((s) => `'${s}'`).join(', ')})`;
/** Whether the order's quality row is the strategy's, as distributions reads it */
const OWN_QUALITY = 'q.user_id = o.lt_user_id AND q.strategy_id = o.lt_strategy_id AND q.is_shadow = o.is_shadow';

/** Per order of the current book (all, or with `only` those in $3::uuid[]): fillRateBuckets' and distributions' terms */
const unitsQuery = (only: boolean) => `
  SELECT o.order_id, floor(extract(epoch FROM coalesce(o.signal_at, o.intent_at)) / 60)::bigint AS minute,
    CASE WHEN ${FINISHED} THEN coalesce(q.filled_shares, o.filled_size) ELSE 0 END AS filled,
    CASE WHEN ${FINISHED} THEN coalesce(q.intended_shares, o.size) ELSE 0 END AS intended,
    CASE WHEN ${FINISHED} AND ${OWN_QUALITY} THEN width_bucket(q.signal_slippage_pct, ${numericArray(SLIPPAGE_PCT_EDGES)}) END
      AS pct_bucket,
    CASE WHEN ${FINISHED} AND ${OWN_QUALITY} AND q.tick_size > 0
      THEN width_bucket(q.signal_slippage_cents / (100 * q.tick_size), ${numericArray(SLIPPAGE_TICK_EDGES)}) END AS ticks_bucket,
    CASE WHEN ${FINISHED} AND ${OWN_QUALITY}
      THEN width_bucket(q.order_latency_ms::numeric, ARRAY[${LATENCY_MS_EDGES.join(', ')}]::numeric[]) END AS ms_bucket
  FROM orders o JOIN lt_strategies s ON s.user_id = o.lt_user_id AND s.strategy_id = o.lt_strategy_id
    LEFT JOIN lt_execution_quality q ON q.order_id = o.order_id
  WHERE o.lt_user_id = $1 AND o.lt_strategy_id = $2 AND o.is_shadow = (s.mode = 'shadow')
    ${only ? 'AND o.order_id = ANY ($3::uuid[])' : ''}`;

/** Adds (sign 1) or takes out (sign −1) unit rows `u`: per minute, hour and day of the signal, and per distribution bucket */
const addToSums = (sign: 1 | -1) => `INSERT INTO lt_chart_sums AS s (user_id, strategy_id, key, value, orders, filled, intended)
  SELECT $1, $2, p.key, p.value, ${sign} * sum(p.n), ${sign} * sum(p.f), ${sign} * sum(p.i) FROM u CROSS JOIN LATERAL (VALUES
    ('m', u.minute, 1, u.filled, u.intended), ('h', div(u.minute, 60), 1, u.filled, u.intended),
    ('d', div(u.minute, 1440), 1, u.filled, u.intended), ('pct', u.pct_bucket, 1, 0, 0), ('ticks', u.ticks_bucket, 1, 0, 0),
    ('ms', u.ms_bucket, 1, 0, 0)) AS p (key, value, n, f, i)
  WHERE p.value IS NOT NULL GROUP BY p.key, p.value ORDER BY p.key, p.value
  ON CONFLICT (user_id, strategy_id, key, value) DO UPDATE
    SET orders = s.orders + EXCLUDED.orders, filled = s.filled + EXCLUDED.filled, intended = s.intended + EXCLUDED.intended`;

export const CHARTS_MODEL: ReadModel = unitModel({
  name: 'charts',
  basis: (s) => (s.shadow ? 'shadow' : 'live'),
  units: { table: 'lt_chart_units', key: 'order_id', columns: 'order_id, minute, filled, intended, pct_bucket, ticks_bucket, ms_bucket' },
  sumsTable: 'lt_chart_sums', unitsQuery, addToSums,
});

const MINUTE = 60_000;
/** The kept level whose unit divides the width: minutes under an hour, hours under a day, else days */
const levelOf = (widthMs: number): ['m' | 'h' | 'd', number] =>
  (widthMs < 3_600_000 ? ['m', MINUTE] : widthMs < 86_400_000 ? ['h', 3_600_000] : ['d', 86_400_000]);

/** fillRateBuckets from the kept sums */
export async function keptFillRate(db: Db, s: LtStrategy, now: Date): Promise<FillBucket[]> {
  if (s.launchedAt === null) return [];
  await refreshReadModel(db, CHARTS_MODEL, s.userId, s.strategyId);
  const width = bucketWidthMs(s.launchedAt, now, MAX_FILL_BUCKETS);
  const [key, unit] = levelOf(width);
  const rows = await db.query<{ k: string; orders: string; filled: string; intended: string }>(
    `SELECT floor(value / $4::numeric)::bigint::text AS k, sum(orders)::text AS orders, sum(filled)::text AS filled,
       sum(intended)::text AS intended
     FROM lt_chart_sums WHERE user_id = $1 AND strategy_id = $2 AND key = $3 AND orders <> 0 GROUP BY 1`,
    [s.userId, s.strategyId, key, width / unit]);
  return fillBuckets(s.launchedAt, now, width, rows);
}

/** distributions from the kept sums */
export async function keptDistributions(db: Db, s: LtStrategy): Promise<Distributions> {
  await refreshReadModel(db, CHARTS_MODEL, s.userId, s.strategyId);
  const rows = await db.query<{ key: string; value: string; orders: string }>(
    `SELECT key, value::text, orders::text FROM lt_chart_sums
     WHERE user_id = $1 AND strategy_id = $2 AND key IN ('pct', 'ticks', 'ms') AND orders <> 0`, [s.userId, s.strategyId]);
  const counts = (key: string) => new Map(rows.filter((r) => r.key === key).map((r) => [Number(r.value), Number(r.orders)]));
  return {
    slippagePct: histogram(SLIPPAGE_PCT_EDGES, counts('pct')), slippageTicks: histogram(SLIPPAGE_TICK_EDGES, counts('ticks')),
    latencyMs: histogram(LATENCY_MS_EDGES, counts('ms')),
  };
}
