/**
 * A strategy's execution quality as one SQL aggregate over its lt_execution_quality rows (current book): counts, sums
 * and the sorted picks (min, max, the two middles, nearest-rank p50/p95/p99) are computed by the database, so no
 * quality row is sent to Node. Each per-order figure is derived in exact NUMERIC micro-units as `qualitySampleOf`
 * derives it (comparison-store.ts), and the final divisions round half-even as strategy-quality.ts does: the result
 * equals `strategyQuality` over the same rows (held to it by test/scenarios/quality-aggregate.test.ts)
 */
import { rateOf, ratesByReason, type Summary } from '../domain/metrics/stats.ts';
import type { StrategyQuality } from '../domain/metrics/strategy-quality.ts';
import { divRound, SCALE, type Ratio, type Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';

/** One row per order in micro-units (NUMERIC): its figures as qualitySampleOf reads them */
const ROWS = `
  SELECT o.status, o.submitted_at IS NOT NULL AS submitted, o.reject_reason,
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

const aggregatesOf = (m: Metric) =>
  `count(${m}) AS ${m}_n, sum(${m}) AS ${m}_sum, array_agg(${m} ORDER BY ${m}) FILTER (WHERE ${m} IS NOT NULL) AS ${m}_a`;

/** n, sum, min, max, the two middles and the nearest ranks ceil(q·n/100) of the sorted values */
const picksOf = (m: Metric) => {
  const at = (i: string) => `trunc(${m}_a[${i}])::text`;
  return `${m}_n::int AS ${m}_n, trunc(${m}_sum)::text AS ${m}_sum, ${at('1')} AS ${m}_min, ${at(`${m}_n`)} AS ${m}_max,
    ${at(`(${m}_n + 1) / 2`)} AS ${m}_lo, ${at(`${m}_n / 2 + 1`)} AS ${m}_hi, ${at(`(50 * ${m}_n + 99) / 100`)} AS ${m}_p50,
    ${at(`(95 * ${m}_n + 99) / 100`)} AS ${m}_p95, ${at(`(99 * ${m}_n + 99) / 100`)} AS ${m}_p99`;
};

/** Over finished orders with a requested dollar and shares: Σ rateᵢ·usdᵢ and Σ usdᵢ in pico-USDC (weightedFillRate) */
const WEIGHTED = `finished AND req > 0 AND ish > 0`;
const COUNTS = `count(*)::int AS orders, count(*) FILTER (WHERE finished)::int AS finished,
  count(*) FILTER (WHERE finished AND status <> 'rejected')::int AS accepted,
  count(*) FILTER (WHERE finished AND status <> 'rejected' AND fsh > 0)::int AS accepted_filled,
  count(*) FILTER (WHERE finished AND status <> 'rejected' AND fsh >= ish)::int AS accepted_complete,
  count(*) FILTER (WHERE submitted)::int AS sent, trunc(coalesce(sum(fees), 0))::text AS fees,
  trunc(coalesce(sum(CASE WHEN usd_sized THEN least(fusd, req) * 1000000
    ELSE div_half_even(least(fsh, ish) * req * 1000000, ish) END) FILTER (WHERE ${WEIGHTED}), 0))::text AS weighted_part,
  trunc(coalesce(sum(req * 1000000) FILTER (WHERE ${WEIGHTED}), 0))::text AS weighted_whole,
  trunc(coalesce(sum(least(fsh, ish)) FILTER (WHERE finished), 0))::text AS quantity_part,
  trunc(coalesce(sum(ish) FILTER (WHERE finished), 0))::text AS quantity_whole,
  trunc(coalesce(sum(least(fusd, req)) FILTER (WHERE finished), 0))::text AS usd_part,
  trunc(coalesce(sum(req) FILTER (WHERE finished), 0))::text AS usd_whole`;

const REASONS = `(SELECT coalesce(json_object_agg(reason, n ORDER BY reason), '{}') FROM (
    SELECT coalesce(reject_reason, 'unknown') AS reason, count(*)::int AS n FROM d WHERE submitted AND status = 'rejected'
    GROUP BY 1) x) AS reasons`;

const COUNT_COLUMNS = ['orders', 'finished', 'accepted', 'accepted_filled', 'accepted_complete', 'sent', 'fees', 'weighted_part',
  'weighted_whole', 'quantity_part', 'quantity_whole', 'usd_part', 'usd_whole', 'reasons'];

const QUERY = `WITH r AS (${ROWS}), d AS (${DERIVED})
  SELECT ${COUNT_COLUMNS.join(', ')}, ${METRICS.map(picksOf).join(',\n')}
  FROM (SELECT ${COUNTS}, ${METRICS.map(aggregatesOf).join(',\n')}, ${REASONS} FROM d) a`;

type Row = Record<string, unknown>;

function summaryOf(r: Row, m: Metric): Summary | null {
  const n = Number(r[`${m}_n`]);
  if (n === 0) return null;
  const v = (k: string) => BigInt(r[`${m}_${k}`] as string);
  return { n, mean: divRound(v('sum'), BigInt(n), 'half_even'), median: divRound(v('lo') + v('hi'), 2n, 'half_even'),
    p50: v('p50'), p95: v('p95'), p99: v('p99'), min: v('min'), max: v('max') };
}

const ratio = (part: unknown, whole: unknown): Ratio | null =>
  (BigInt(whole as string) === 0n ? null : (divRound(BigInt(part as string) * SCALE, BigInt(whole as string), 'half_even') as Ratio));

/** The quality figures of the aggregate row and the dispositions, as strategyQuality forms them */
function qualityOf(r: Row, dispositions: Readonly<Record<string, number>>): StrategyQuality {
  const reasons = r.reasons as Record<string, number>;
  const sent = Number(r.sent);
  const decided = Object.values(dispositions).reduce((a, n) => a + n, 0);
  const skips = Object.fromEntries(Object.entries(dispositions).filter(([rule]) => rule !== 'ordered'));
  const accepted = Number(r.accepted);
  return {
    orders: Number(r.orders), finished: Number(r.finished),
    fillRate: ratio(r.weighted_part, r.weighted_whole), quantityFillRate: ratio(r.quantity_part, r.quantity_whole),
    usdFillRate: ratio(r.usd_part, r.usd_whole),
    orderFillRate: rateOf(Number(r.accepted_filled), accepted), completeFillRate: rateOf(Number(r.accepted_complete), accepted),
    signalSlippagePct: summaryOf(r, 'signal_pct'), signalSlippageCents: summaryOf(r, 'signal_cents'),
    signalSlippageTicks: summaryOf(r, 'signal_ticks'), midSlippagePct: summaryOf(r, 'mid_pct'),
    midSlippageCents: summaryOf(r, 'mid_pct'), midSlippageTicks: summaryOf(r, 'mid_ticks'),
    expectedSlippagePct: summaryOf(r, 'expected_pct'), orderLatencyMs: summaryOf(r, 'order_latency_ms'),
    fillLatencyMs: summaryOf(r, 'fill_latency_ms'), detectionLatencyMs: summaryOf(r, 'detection_latency_ms'),
    qualityScore: summaryOf(r, 'score'),
    rejectionRate: rateOf(Object.values(reasons).reduce((a, n) => a + n, 0), sent), rejectionsByReason: ratesByReason(reasons, sent),
    copyRate: rateOf(dispositions.ordered ?? 0, decided), skipsByRule: ratesByReason(skips, decided),
    feesUsd: BigInt(r.fees as string) as Usdc,
  };
}

/** The strategy's signal dispositions counted by rule (`ordered` for the ordered ones) */
export async function dispositionCounts(sql: Sql, userId: string, strategyId: string): Promise<Record<string, number>> {
  const rows = await sql.query<{ rule: string | null; n: number }>(
    `SELECT rule, count(*)::int AS n FROM lt_dispositions WHERE user_id = $1 AND strategy_id = $2 GROUP BY rule`,
    [userId, strategyId]);
  return Object.fromEntries(rows.map((d) => [d.rule ?? 'ordered', d.n]));
}

/** The strategy's execution quality, aggregated by the database: equal to strategyQuality over its rows */
export async function qualityAggregate(sql: Sql, userId: string, strategyId: string): Promise<StrategyQuality> {
  const [row] = await sql.query<Row>(QUERY, [userId, strategyId]);
  return qualityOf(row!, await dispositionCounts(sql, userId, strategyId));
}
