/**
 * The data behind a strategy's charts: FT and LT P&L since launch as time series (the gap's legs, the basis of
 * /comparison and /gap), the fill rate per time bucket, the slippage and latency distributions of finished orders
 * (aggregated in SQL over fixed edges) and the risk state. Pure figures come from src/domain/metrics/series.ts
 */
import { balancesFromSums, equityOf, lockedOf } from '../domain/ledger.ts';
import type { LtStrategy } from '../domain/lt-strategy.ts';
import { limitBreakers, riskUsage, type LimitUse } from '../domain/metrics/risk-usage.ts';
import {
  bucketedEquity, bucketWidthMs, cappedFillRate, EQUITY_WIDTHS_MS, histogram, LATENCY_MS_EDGES, SLIPPAGE_PCT_EDGES,
  SLIPPAGE_TICK_EDGES, type EquityBucket, type EquitySeries, type HistogramBucket,
} from '../domain/metrics/series.ts';
import { formatMicros, type Ratio, type Usdc } from '../domain/money.ts';
import { nextPeak } from '../domain/risk.ts';
import type { Sql } from './db.ts';
import type { StrategyGap } from './gap-store.ts';
import { ledgerSums, riskTotalsOf } from './ledger-store.ts';
import { getKillSwitch, type KillSwitch } from './lt-strategy-store.ts';
import { micros } from './rows.ts';
import { MAX_EQUITY_POINTS } from './series-read-model.ts';

/** The most fill-rate buckets */
export const MAX_FILL_BUCKETS = 60;

export const FINISHED_STATUSES = ['filled', 'cancelled', 'expired', 'rejected'];

/**
 * FT's and LT's cumulative P&L since launch from every leg of strategyGap (each at its horizon mark), bucketed as the
 * kept series is (series-read-model.ts keptEquitySeries): the reference that series is held to
 */
export function equityOfLegs(gap: StrategyGap, now: Date): EquitySeries {
  if (gap.launchedAt === null) return { ft: [], lt: [] };
  const width = bucketWidthMs(gap.launchedAt, now, MAX_EQUITY_POINTS, EQUITY_WIDTHS_MS);
  const buckets = new Map<number, EquityBucket>();
  gap.legs.forEach((leg, i) => {
    const k = Math.floor(leg.at.getTime() / width);
    const b = buckets.get(k) ?? { k, lt: 0n, ft: 0n };
    buckets.set(k, { k, lt: b.lt + gap.picos[i]!.lt, ft: b.ft + gap.picos[i]!.ft });
  });
  return bucketedEquity(gap.launchedAt, now, width, [...buckets.values()]);
}

export interface FillBucket { t: Date; orders: number; fillRate: Ratio | null }

/** The strategy's orders (its current book) per time bucket of their signal: how many, and the capped fill rate of the finished ones */
export async function fillRateBuckets(sql: Sql, s: LtStrategy, now: Date): Promise<FillBucket[]> {
  if (s.launchedAt === null) return [];
  const width = bucketWidthMs(s.launchedAt, now, MAX_FILL_BUCKETS);
  const rows = await sql.query<{ k: string; orders: number; filled: string; intended: string }>(
    `SELECT floor(extract(epoch FROM coalesce(o.signal_at, o.intent_at)) * 1000 / $4)::bigint::text AS k, count(*)::int AS orders,
       coalesce(sum(coalesce(q.filled_shares, o.filled_size)) FILTER (WHERE o.status = ANY ($5::text[])), 0)::text AS filled,
       coalesce(sum(coalesce(q.intended_shares, o.size)) FILTER (WHERE o.status = ANY ($5::text[])), 0)::text AS intended
     FROM orders o LEFT JOIN lt_execution_quality q ON q.order_id = o.order_id
     WHERE o.lt_user_id = $1 AND o.lt_strategy_id = $2 AND o.is_shadow = $3 GROUP BY 1`,
    [s.userId, s.strategyId, s.mode === 'shadow', width, FINISHED_STATUSES]);
  return fillBuckets(s.launchedAt, now, width, rows);
}

/** A bucket's row as read: its key (⌊t / width⌋), its orders, and the finished ones' filled and intended shares */
export interface FillRow { k: string; orders: number | string; filled: string; intended: string }

/** Every bucket from the launch's to now's (empty ones with 0 orders and no rate), and any other bucket read, in order */
export function fillBuckets(launchedAt: Date, now: Date, width: number, rows: readonly FillRow[]): FillBucket[] {
  const byKey = new Map(rows.map((r) => [Number(r.k), r]));
  const first = Math.floor(launchedAt.getTime() / width);
  const last = Math.max(first, Math.floor(now.getTime() / width));
  const keys = new Set<number>([...byKey.keys()]);
  for (let k = first; k <= last; k += 1) keys.add(k);
  return [...keys].sort((a, b) => a - b).map((k) => {
    const r = byKey.get(k);
    return { t: new Date(k * width), orders: r ? Number(r.orders) : 0, fillRate: r ? cappedFillRate(micros(r.filled), micros(r.intended)) : null };
  });
}

export interface Distributions { slippagePct: HistogramBucket[]; slippageTicks: HistogramBucket[]; latencyMs: HistogramBucket[] }

const edgesText = (edges: readonly bigint[]) => edges.map((e) => formatMicros(e));

/**
 * Over the strategy's finished orders (its current book): signal slippage in percent and in ticks (orders that
 * filled; ticks need the market's tick size), and order latency (orders that reached the venue)
 */
export async function distributions(sql: Sql, s: LtStrategy): Promise<Distributions> {
  const rows = await sql.query<{ h: string; b: number; n: number }>(
    `WITH f AS (
       SELECT q.signal_slippage_pct AS pct, q.order_latency_ms AS ms,
         CASE WHEN q.tick_size > 0 THEN q.signal_slippage_cents / (100 * q.tick_size) END AS ticks
       FROM lt_execution_quality q JOIN orders o ON o.order_id = q.order_id
       WHERE q.user_id = $1 AND q.strategy_id = $2 AND q.is_shadow = $3 AND o.status = ANY ($4::text[]))
     SELECT 'pct' AS h, width_bucket(pct, $5::numeric[]) AS b, count(*)::int AS n FROM f WHERE pct IS NOT NULL GROUP BY 2
     UNION ALL
     SELECT 'ticks', width_bucket(ticks, $6::numeric[]), count(*)::int FROM f WHERE ticks IS NOT NULL GROUP BY 2
     UNION ALL
     SELECT 'ms', width_bucket(ms::numeric, $7::numeric[]), count(*)::int FROM f WHERE ms IS NOT NULL GROUP BY 2`,
    [s.userId, s.strategyId, s.mode === 'shadow', FINISHED_STATUSES, edgesText(SLIPPAGE_PCT_EDGES),
      edgesText(SLIPPAGE_TICK_EDGES), LATENCY_MS_EDGES.map(String)]);
  const counts = (h: string) => new Map(rows.filter((r) => r.h === h).map((r) => [Number(r.b), Number(r.n)]));
  return {
    slippagePct: histogram(SLIPPAGE_PCT_EDGES, counts('pct')), slippageTicks: histogram(SLIPPAGE_TICK_EDGES, counts('ticks')),
    latencyMs: histogram(LATENCY_MS_EDGES, counts('ms')),
  };
}

export interface Breaker { name: string; label: string; tripped: boolean; reason: string | null; at: Date | null }
export interface VenueState { state: string; reasons: string[]; checkedAt: Date | null }
export interface RiskState { limits: LimitUse[]; breakers: Breaker[] }

/** The largest exposure in one market: cost held + resting notional, as checkRisk's per-market figure (kept per market) */
async function maxMarketExposure(sql: Sql, s: LtStrategy): Promise<Usdc> {
  const [r] = await sql.query<{ v: string }>(
    `SELECT coalesce(max(exposure), 0)::text AS v FROM ledger_market_sums WHERE user_id = $1 AND strategy_id = $2 AND book = $3`,
    [s.userId, s.strategyId, s.mode]);
  return micros(r?.v ?? '0') as Usdc;
}

/** When the strategy was last paused (the audit's pause, by the operator or automatic) */
async function pausedAt(sql: Sql, s: LtStrategy): Promise<Date | null> {
  const [r] = await sql.query<{ at: Date | null }>(
    `SELECT max(at) AS at FROM lt_audit WHERE user_id = $1 AND strategy_id = $2 AND command = 'pause'`, [s.userId, s.strategyId]);
  return r?.at ? new Date(r.at) : null;
}

/**
 * Each limit's use now (the figures checkRisk decides on) and the breakers: kill switch, pause, venue, daily loss,
 * drawdown. The venue's is `not reported` unless its state is given (the API puts this process's in at each read)
 */
export async function riskState(sql: Sql, s: LtStrategy, now: Date, venue: VenueState | null = null): Promise<RiskState> {
  const b = balancesFromSums(await ledgerSums(sql, s.userId, s.strategyId, s.mode));
  const totals = await riskTotalsOf(sql, s.userId, s.strategyId, s.mode, '', now);
  const equity = equityOf(b);
  const limits = riskUsage({ limits: s.limits, equity, peakEquity: nextPeak(s.peakEquity, equity), locked: lockedOf(b),
    maxMarketExposure: await maxMarketExposure(sql, s), committedToday: totals.committedToday, realizedToday: totals.realizedToday });
  const kill: KillSwitch = await getKillSwitch(sql, s.userId);
  const breakers: Breaker[] = [
    { name: 'kill_switch', label: 'Kill switch', tripped: kill.engaged, reason: kill.reason, at: kill.setAt },
    { name: 'paused', label: 'Paused', tripped: s.isPaused, reason: s.pauseReason, at: s.isPaused ? await pausedAt(sql, s) : null },
    venueBreaker(s, venue),
    ...limitBreakers(limits).map((l) => ({ name: l.name, label: l.name === 'daily_loss' ? 'Daily loss limit' : 'Drawdown limit',
      tripped: l.tripped, reason: l.tripped ? `${formatMicros(l.used)} reached the limit ${formatMicros(l.limit)}` : null, at: null })),
  ];
  return { limits, breakers };
}

/** The venue gate holds new entries unless it is ready (shadow entries need only a venue that answers) */
export function venueBreaker(s: LtStrategy, venue: VenueState | null): Breaker {
  const base = { name: 'venue', label: 'Venue gate' };
  if (venue === null) return { ...base, tripped: false, reason: 'not reported', at: null };
  const tripped = s.mode === 'shadow' ? venue.state === 'off' : venue.state !== 'ready';
  const reason = venue.reasons.length ? `${venue.state}: ${venue.reasons.join('; ')}` : tripped ? venue.state : null;
  return { ...base, tripped, reason, at: venue.checkedAt };
}
