/**
 * A strategy's execution quality from a read model kept with the writes (read-models.ts, migration 0018): per LT order
 * of the current book (a unit, lt_quality_units) its figures as `qualitySampleOf` derives them, in exact NUMERIC
 * micro-units (comparison-store.ts); and their sums in lt_quality_sums, one row per (key, value): a counter `c:<name>`
 * at value 0 (orders, finished, fees, the fill-rate parts…), a rejection reason `r:<reason>` at value 0, and each
 * summarized figure's histogram `h:<figure>` (how many orders have each value). Min, max, the two middles and the
 * nearest ranks come from the histogram's running counts, so no order is read per call. The final divisions round
 * half-even as strategy-quality.ts does: the result equals `strategyQuality` over the same rows (held to it by
 * test/scenarios/quality-aggregate.test.ts and at every LT world ledger check)
 */
import { rateOf, ratesByReason, type Summary } from '../domain/metrics/stats.ts';
import type { StrategyQuality } from '../domain/metrics/strategy-quality.ts';
import { divRound, SCALE, type Ratio, type Usdc } from '../domain/money.ts';
import type { Db, Sql } from './db.ts';
import { refreshReadModel, unitModel, type ReadModel } from './read-models.ts';

/** One row per order in micro-units (NUMERIC): its figures as qualitySampleOf reads them */
const ROWS = `
  SELECT q.order_id, o.status, o.submitted_at IS NOT NULL AS submitted, o.reject_reason,
    o.status IN ('filled', 'cancelled', 'expired', 'rejected') AS finished,
    q.intended_shares * 1000000 AS ish, q.filled_shares * 1000000 AS fsh, q.intended_usd * 1000000 AS iusd,
    q.filled_usd * 1000000 AS fusd, q.fees_usd * 1000000 AS fees, q.side = 'BUY' AND q.order_type IN ('FOK', 'FAK') AS usd_sized,
    o.limit_price * 1000000 AS lim, CASE WHEN q.side = 'BUY' THEN 1 ELSE -1 END AS sgn, q.executed_price * 1000000 AS ex,
    q.signal_price * 1000000 AS sig, q.mid_price * 1000000 AS mid, q.tick_size * 1000000 AS tick,
    q.signal_slippage_pct * 1000000 AS signal_pct, q.expected_slippage_pct * 1000000 AS expected_pct,
    q.order_latency_ms, q.fill_latency_ms, q.detection_latency_ms, trunc(q.quality_score * 100) AS score
  FROM lt_execution_quality q JOIN orders o ON o.order_id = q.order_id
  JOIN lt_strategies s ON s.user_id = q.user_id AND s.strategy_id = q.strategy_id
  WHERE q.user_id = $1 AND q.strategy_id = $2 AND q.is_shadow = (s.mode = 'shadow')`;
const rowsOf = (only: boolean) => (only ? `${ROWS} AND q.order_id = ANY ($3::uuid[])` : ROWS);

/** The derived figures: the request in USD (requestedUsdOf) and the slippage against the signal and the mid (slippageFigures) */
const DERIVED = `
  SELECT *,
    CASE WHEN lim IS NULL THEN iusd WHEN usd_sized THEN div(lim * ish, 10000000000) * 10000
      ELSE div_half_even(lim * ish, 1000000) END AS req,
    sgn * (ex - sig) * 100 AS signal_cents,
    CASE WHEN tick > 0 THEN div_half_even(sgn * (ex - sig) * 1000000, tick) END AS signal_ticks,
    sgn * (ex - mid) * 100 AS mid_pct,
    CASE WHEN tick > 0 THEN div_half_even(sgn * (ex - mid) * 1000000, tick) END AS mid_ticks
  FROM r`;

/** The summarized figures (the mid's percent of the payout and its cents are the same number) */
const METRICS = ['signal_pct', 'signal_cents', 'signal_ticks', 'mid_pct', 'mid_ticks', 'expected_pct', 'order_latency_ms',
  'fill_latency_ms', 'detection_latency_ms', 'score'] as const;
type Metric = (typeof METRICS)[number];

/** Over finished orders with a requested dollar and shares: Σ rateᵢ·usdᵢ and Σ usdᵢ in pico-USDC (weightedFillRate) */
const WEIGHTED = `finished AND req > 0 AND ish > 0`;
const flag = (condition: string) => `coalesce(${condition}, false)::int`;
const when = (condition: string, value: string) => `coalesce(CASE WHEN ${condition} THEN ${value} END, 0)`;

/** Each order's counters: summed, they are strategyQuality's counts and the parts of its rates */
const COUNTERS: Record<string, string> = {
  orders: '1', finished: flag('finished'), accepted: flag(`finished AND status <> 'rejected'`),
  accepted_filled: flag(`finished AND status <> 'rejected' AND fsh > 0`),
  accepted_complete: flag(`finished AND status <> 'rejected' AND fsh >= ish`), sent: flag('submitted'),
  fees: 'coalesce(fees, 0)',
  weighted_part: when(WEIGHTED, 'CASE WHEN usd_sized THEN least(fusd, req) * 1000000 ELSE div_half_even(least(fsh, ish) * req * 1000000, ish) END'),
  weighted_whole: when(WEIGHTED, 'req * 1000000'), quantity_part: when('finished', 'least(fsh, ish)'),
  quantity_whole: when('finished', 'ish'), usd_part: when('finished', 'least(fusd, req)'), usd_whole: when('finished', 'req'),
};
const COUNTER_NAMES = Object.keys(COUNTERS);

/** Per LT order of the current book (all, or with `only` those in $3::uuid[]): its counters, rejection reason and figures */
const unitsQuery = (only: boolean) => `WITH r AS (${rowsOf(only)}), d AS (${DERIVED})
  SELECT order_id, ${COUNTER_NAMES.map((c) => `${COUNTERS[c]} AS ${c}`).join(', ')},
    CASE WHEN submitted AND status = 'rejected' THEN coalesce(reject_reason, 'unknown') END AS reason, ${METRICS.join(', ')}
  FROM d`;

/** A set of unit rows `u` as (key, value, weight) parts: counters, the reason, one histogram entry per figure */
const PARTS = `SELECT p.key, p.value, p.weight FROM u CROSS JOIN LATERAL (VALUES
    ${[...COUNTER_NAMES.map((c) => `('c:${c}', 0::numeric, u.${c}::numeric)`), `('r:' || u.reason, 0, 1)`,
    ...METRICS.map((m) => `('h:${m}', u.${m}::numeric, 1)`)].join(',\n    ')}) AS p (key, value, weight)
  WHERE p.key IS NOT NULL AND p.value IS NOT NULL`;

/** Adds (sign 1) or takes out (sign −1) the parts of unit rows `u` to the sums */
const addToSums = (sign: 1 | -1) => `INSERT INTO lt_quality_sums AS s (user_id, strategy_id, key, value, weight)
  SELECT $1, $2, key, value, ${sign} * sum(weight) FROM (${PARTS}) x GROUP BY key, value ORDER BY key, value
  ON CONFLICT (user_id, strategy_id, key, value) DO UPDATE SET weight = s.weight + EXCLUDED.weight`;
export const QUALITY_MODEL: ReadModel = unitModel({
  name: 'quality',
  basis: (s) => (s.shadow ? 'shadow' : 'live'),
  units: { table: 'lt_quality_units', key: 'order_id', columns: `order_id, ${COUNTER_NAMES.join(', ')}, reason, ${METRICS.join(', ')}` },
  sumsTable: 'lt_quality_sums', unitsQuery, addToSums,
});

/**
 * The kept sums as one row per key: a counter or reason's total (n), or a figure's count, sum, min, max, the two
 * middles and the nearest ranks ceil(q·n/100), the smallest value whose running count reaches the rank
 */
const READ = `WITH h AS (SELECT key, value, weight, sum(weight) OVER (PARTITION BY key ORDER BY value) AS cum,
    sum(weight) OVER (PARTITION BY key) AS n
  FROM lt_quality_sums WHERE user_id = $1 AND strategy_id = $2 AND weight <> 0)
  SELECT key, trunc(max(n))::text AS n, trunc(sum(value * weight))::text AS sum, trunc(min(value))::text AS min,
    trunc(max(value))::text AS max, trunc(min(value) FILTER (WHERE cum >= div(n + 1, 2)))::text AS lo,
    trunc(min(value) FILTER (WHERE cum >= div(n, 2) + 1))::text AS hi,
    trunc(min(value) FILTER (WHERE cum >= div(50 * n + 99, 100)))::text AS p50,
    trunc(min(value) FILTER (WHERE cum >= div(95 * n + 99, 100)))::text AS p95,
    trunc(min(value) FILTER (WHERE cum >= div(99 * n + 99, 100)))::text AS p99
  FROM h GROUP BY key`;

type Row = Record<string, string | null>;

function summaryOf(rows: Map<string, Row>, m: Metric): Summary | null {
  const r = rows.get(`h:${m}`);
  if (!r) return null;
  const n = Number(r.n);
  const v = (k: string) => BigInt(r[k]!);
  return { n, mean: divRound(v('sum'), BigInt(n), 'half_even'), median: divRound(v('lo') + v('hi'), 2n, 'half_even'),
    p50: v('p50'), p95: v('p95'), p99: v('p99'), min: v('min'), max: v('max') };
}

const ratio = (part: bigint, whole: bigint): Ratio | null =>
  (whole === 0n ? null : (divRound(part * SCALE, whole, 'half_even') as Ratio));

/** The quality figures of the kept sums and the dispositions, as strategyQuality forms them */
function qualityOf(rows: Map<string, Row>, dispositions: Readonly<Record<string, number>>): StrategyQuality {
  const c = (name: string) => BigInt(rows.get(`c:${name}`)?.n ?? '0');
  const n = (name: string) => Number(c(name));
  const reasons = Object.fromEntries([...rows].filter(([k]) => k.startsWith('r:')).map(([k, r]) => [k.slice(2), Number(r.n)]));
  const sent = n('sent');
  const decided = Object.values(dispositions).reduce((a, k) => a + k, 0);
  const skips = Object.fromEntries(Object.entries(dispositions).filter(([rule]) => rule !== 'ordered'));
  const accepted = n('accepted');
  const summary = (m: Metric) => summaryOf(rows, m);
  return {
    orders: n('orders'), finished: n('finished'),
    fillRate: ratio(c('weighted_part'), c('weighted_whole')), quantityFillRate: ratio(c('quantity_part'), c('quantity_whole')),
    usdFillRate: ratio(c('usd_part'), c('usd_whole')),
    orderFillRate: rateOf(n('accepted_filled'), accepted), completeFillRate: rateOf(n('accepted_complete'), accepted),
    signalSlippagePct: summary('signal_pct'), signalSlippageCents: summary('signal_cents'),
    signalSlippageTicks: summary('signal_ticks'), midSlippagePct: summary('mid_pct'),
    midSlippageCents: summary('mid_pct'), midSlippageTicks: summary('mid_ticks'),
    expectedSlippagePct: summary('expected_pct'), orderLatencyMs: summary('order_latency_ms'),
    fillLatencyMs: summary('fill_latency_ms'), detectionLatencyMs: summary('detection_latency_ms'),
    qualityScore: summary('score'),
    rejectionRate: rateOf(Object.values(reasons).reduce((a, k) => a + k, 0), sent), rejectionsByReason: ratesByReason(reasons, sent),
    copyRate: rateOf(dispositions.ordered ?? 0, decided), skipsByRule: ratesByReason(skips, decided),
    feesUsd: c('fees') as Usdc,
  };
}

/** The strategy's signal dispositions counted by rule (`ordered` for the ordered ones), kept by a trigger (migration 0018) */
export async function dispositionCounts(sql: Sql, userId: string, strategyId: string): Promise<Record<string, number>> {
  const rows = await sql.query<{ rule: string; n: number }>(
    'SELECT rule, n::int AS n FROM lt_disposition_counts WHERE user_id = $1 AND strategy_id = $2 AND n <> 0',
    [userId, strategyId]);
  return Object.fromEntries(rows.map((d) => [d.rule, d.n]));
}

/** The strategy's execution quality from the kept sums (brought up to date first): equal to strategyQuality over its rows */
export async function qualityAggregate(db: Db, userId: string, strategyId: string): Promise<StrategyQuality> {
  await refreshReadModel(db, QUALITY_MODEL, userId, strategyId);
  const rows = await db.query<Row & { key: string }>(READ, [userId, strategyId]);
  return qualityOf(new Map(rows.map((r) => [r.key, r])), await dispositionCounts(db, userId, strategyId));
}
