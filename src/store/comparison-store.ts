/**
 * Since launch, per LT strategy: FT and LT side by side on the signals after `launched_at`, the strategy's
 * execution quality, the gap decomposition and the seed's success metrics against their targets. Every figure
 * comes from the metrics module (src/domain/metrics); this file only reads rows
 */
import {
  analyseSlippage, evaluateTargets, isUsdSized, rateOf, requestedUsdOf, slippageFigures, type LegGap, type SlippageOptions,
  type TargetResult,
} from '../domain/metrics/index.ts';
import { formatStrategyQuality, strategyQuality, type OrderSample, type StrategyQuality } from '../domain/metrics/strategy-quality.ts';
import { divRound, formatMicros, SCALE, type Price, type Ratio, type Shares, type Usdc } from '../domain/money.ts';
import type { Side } from '../domain/trade.ts';
import { balancesFromSums } from '../domain/ledger.ts';
import type { Db, Sql } from './db.ts';
import { strategyGap, type GapLeg } from './gap-store.ts';
import { gapSummary } from './gap-read-model.ts';
import { gapSummaryOfLegs, type GapSummary } from './gap-summary-store.ts';
import { ledgerSums } from './ledger-store.ts';
import { dispositionCounts, qualityAggregate } from './quality-aggregate-store.ts';
import { keptOrderCounts, type LtOrderCounts } from './order-counts-model.ts';
import { HELD_PER_SIGNAL_SQL } from './position-store.ts';
import { micros, microsOrNull } from './rows.ts';

export type { LtOrderCounts };

/**
 * The columns `qualitySampleOf` reads, from an lt_execution_quality row `q` joined with its order `o` (whether it
 * reached the venue, and why the venue rejected it)
 */
export const QUALITY_SAMPLE_COLUMNS = `o.status, o.submitted_at IS NOT NULL AS submitted, o.reject_reason,
  q.intended_shares::text, q.filled_shares::text, q.intended_usd::text, q.filled_usd::text, q.fees_usd::text,
  q.signal_slippage_pct::text, q.mid_slippage_pct::text, q.expected_slippage_pct::text, q.order_latency_ms::text,
  q.fill_latency_ms::text, q.detection_latency_ms::text, q.quality_score::text, q.side, q.order_type,
  o.limit_price::text, q.executed_price::text, q.mid_price::text, q.signal_price::text, q.tick_size::text`;

const msOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * A stored quality row (read with QUALITY_SAMPLE_COLUMNS) as the metrics module's OrderSample: the one mapping
 * behind every aggregate (the API, the replay report, the pages and the alerts job). The request in USD and the
 * slippage figures are derived from the row's prices by the module, so a row stored under an older definition
 * (mid slippage against the mid, before issue 11) reads by the current one
 */
export function qualitySampleOf(r: Record<string, unknown>): OrderSample {
  const score = microsOrNull(r.quality_score);
  const side = r.side as Side;
  const intendedShares = micros(r.intended_shares) as Shares;
  const usdSized = isUsdSized(side, r.order_type as string);
  const limit = microsOrNull(r.limit_price) as Price | null;
  const slip = slippageFigures(side, microsOrNull(r.executed_price), microsOrNull(r.signal_price), microsOrNull(r.mid_price),
    microsOrNull(r.tick_size));
  return {
    status: r.status as string, submitted: r.submitted === true, rejectReason: (r.reject_reason as string) ?? null,
    intendedShares, filledShares: micros(r.filled_shares) as Shares, usdSized,
    intendedUsd: micros(r.intended_usd) as Usdc, filledUsd: micros(r.filled_usd) as Usdc, feesUsd: micros(r.fees_usd) as Usdc,
    requestedUsd: limit === null ? (micros(r.intended_usd) as Usdc) : requestedUsdOf(usdSized, limit, intendedShares),
    signalSlippagePct: microsOrNull(r.signal_slippage_pct), signalSlippageCents: slip.signalCents,
    signalSlippageTicks: slip.signalTicks, midSlippagePct: slip.midPct, midSlippageCents: slip.midCents,
    midSlippageTicks: slip.midTicks, expectedSlippagePct: microsOrNull(r.expected_slippage_pct), orderLatencyMs: msOrNull(r.order_latency_ms),
    fillLatencyMs: msOrNull(r.fill_latency_ms), detectionLatencyMs: msOrNull(r.detection_latency_ms),
    score: score === null ? null : score / 10_000n, // stored with 2 decimals; the module keeps scores × 100
  };
}

/**
 * The strategy's execution quality from its lt_execution_quality rows (current book) and its dispositions, every row
 * read and summarized in JS: the reference `qualityAggregate` (the same figures aggregated by the database) is held to
 */
export async function qualityOfStrategy(sql: Sql, userId: string, strategyId: string): Promise<StrategyQuality> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT ${QUALITY_SAMPLE_COLUMNS}
     FROM lt_execution_quality q JOIN orders o ON o.order_id = q.order_id
     JOIN lt_strategies s ON s.user_id = q.user_id AND s.strategy_id = q.strategy_id
     WHERE q.user_id = $1 AND q.strategy_id = $2 AND q.is_shadow = (s.mode = 'shadow')`, [userId, strategyId]);
  return strategyQuality(rows.map(qualitySampleOf), await dispositionCounts(sql, userId, strategyId));
}

export interface SideFigures {
  signals: number;
  invested: Usdc;
  realized: Usdc;
  unrealized: Usdc;
  pnl: Usdc;
  won: number;
  lost: number;
}

export interface SinceLaunch {
  launchedAt: Date | null;
  ft: SideFigures & { exits: number };
  lt: SideFigures & { ordered: number; filledOrders: number; fees: Usdc };
  gap: GapSummary;
  quality: StrategyQuality;
  targets: TargetResult[];
}

/** Won / (won + lost): the metrics module's rate, null before any resolved position */
const winRate = (won: number, lost: number): Ratio | null => rateOf(won, won + lost);

/**
 * FT and LT since launch, on the signals LT has decided; FT's signals still pending for LT are counted apart. The gap
 * totals, counts and FT's side are summed by the database (gapSummary), not from every leg in Node
 */
export async function sinceLaunch(sql: Db, userId: string, strategyId: string): Promise<SinceLaunch> {
  return sinceLaunchOf(sql, userId, strategyId, await gapSummary(sql, userId, strategyId));
}

/** The same, from strategyGap's legs: the reference sinceLaunch is held to */
export async function sinceLaunchOfLegs(sql: Db, userId: string, strategyId: string): Promise<SinceLaunch> {
  return sinceLaunchOf(sql, userId, strategyId, await gapSummaryOfLegs(sql, await strategyGap(sql, userId, strategyId)));
}

async function sinceLaunchOf(sql: Db, userId: string, strategyId: string, gap: GapSummary): Promise<SinceLaunch> {
  const quality = await qualityAggregate(sql, userId, strategyId);
  const ft = ftFigures(gap);
  const lt = await ltFigures(sql, userId, strategyId, gap);
  const targets = evaluateTargets({
    avgSignalSlippagePct: quality.signalSlippagePct?.mean ?? null, fillRate: quality.fillRate,
    orderLatencyMsP50: quality.orderLatencyMs === null ? null : Number(quality.orderLatencyMs.p50),
    rejectionRate: quality.rejectionRate, ltPnl: gap.signals ? gap.total.ltPnl : null,
    ftPnl: gap.signals ? gap.total.ftPnl : null, ltWinRate: winRate(lt.won, lt.lost), ftWinRate: winRate(ft.won, ft.lost),
    qualityScoreMean: quality.qualityScore?.mean ?? null,
  });
  return { launchedAt: gap.launchedAt, ft, lt, gap, quality, targets };
}

/** FT's side; its P&L is the gap's total FT P&L (the legs' exact sum rounded once) */
function ftFigures(gap: GapSummary): SinceLaunch['ft'] {
  const pnl = gap.total.ftPnl;
  return {
    signals: gap.signals, exits: gap.signals - gap.ft.entries, invested: gap.ft.invested, realized: gap.ft.realized,
    unrealized: (pnl - gap.ft.realized) as Usdc, pnl, won: gap.ft.won, lost: gap.ft.lost,
  };
}

/** LT's side; its P&L is the gap's total LT P&L */
async function ltFigures(sql: Db, userId: string, strategyId: string, gap: GapSummary): Promise<SinceLaunch['lt']> {
  const [s] = await sql.query<{ mode: 'live' | 'shadow' }>(
    'SELECT mode FROM lt_strategies WHERE user_id = $1 AND strategy_id = $2', [userId, strategyId]);
  const sums = await ledgerSums(sql, userId, strategyId, s!.mode);
  const b = balancesFromSums(sums);
  const r = await keptOrderCounts(sql, userId, strategyId);
  const pnl = gap.total.ltPnl;
  return {
    signals: gap.signals, ordered: r.ordered, filledOrders: r.filled, invested: (sums.buy_fill?.amount ?? 0n) as Usdc,
    fees: b.fees, realized: b.realizedPnl, unrealized: (pnl - b.realizedPnl) as Usdc, pnl, won: r.won, lost: r.lost,
  };
}


/**
 * A book's LT orders: all, those with a fill, and entries WON or LOST as lt_order_facts defines the outcome (settled,
 * still holding shares of the signal, the token's payout 1 or 0); set-based: the settlements and the shares held per
 * signal are each grouped once and hash-joined, rather than lt_order_facts' two subqueries per order
 */
export async function ltOrderCounts(sql: Sql, userId: string, strategyId: string, shadow: boolean): Promise<LtOrderCounts> {
  const [r] = await sql.query<LtOrderCounts>(
    `WITH legs AS (
       SELECT l.order_id, l.ft_order_id, l.leg, o.side, o.filled_size, o.token_id, o.condition_id
       FROM lt_orders l JOIN orders o ON o.order_id = l.order_id
       WHERE l.user_id = $1 AND l.strategy_id = $2 AND o.is_shadow = $3),
     settled AS (SELECT DISTINCT e.order_id FROM legs g JOIN ledger_entries e ON e.order_id = g.order_id WHERE e.kind = 'settlement'),
     held AS (${HELD_PER_SIGNAL_SQL('')}),
     outcomes AS (
       SELECT g.leg, g.filled_size, CASE WHEN g.side <> 'SELL' AND s.order_id IS NOT NULL AND coalesce(h.held, 0) > 0
         THEN m.outcome_prices[array_position(m.clob_token_ids, g.token_id)] END AS payout
       FROM legs g LEFT JOIN settled s ON s.order_id = g.order_id LEFT JOIN held h ON h.ft_order_id = g.ft_order_id
         LEFT JOIN markets m ON m.condition_id = g.condition_id)
     SELECT count(*)::int AS ordered, count(*) FILTER (WHERE filled_size > 0)::int AS filled,
       count(*) FILTER (WHERE leg = 'entry' AND payout = 1)::int AS won, count(*) FILTER (WHERE leg = 'entry' AND payout = 0)::int AS lost
     FROM outcomes`, [userId, strategyId, shadow]);
  return r!;
}

/** ltOrderCounts read from lt_order_facts: the reference the tests hold it to */
export async function ltOrderCountsFromFacts(sql: Sql, userId: string, strategyId: string, shadow: boolean): Promise<LtOrderCounts> {
  const [r] = await sql.query<LtOrderCounts>(
    `SELECT count(*)::int AS ordered, count(*) FILTER (WHERE filled_size > 0)::int AS filled,
       count(*) FILTER (WHERE leg = 'entry' AND outcome = 'WON')::int AS won,
       count(*) FILTER (WHERE leg = 'entry' AND outcome = 'LOST')::int AS lost
     FROM lt_order_facts WHERE user_id = $1 AND strategy_id = $2 AND is_shadow = $3`, [userId, strategyId, shadow]);
  return r!;
}

const usd = (v: bigint) => formatMicros(v, 2);
const ret = (pnl: bigint, invested: bigint): string | null =>
  (invested === 0n ? null : formatMicros(divRound(pnl * SCALE * 100n, invested, 'half_even'), 2));
const rate = (r: Ratio | null) => (r === null ? null : formatMicros(r));

function formatSide(f: SideFigures) {
  return {
    signals: f.signals, invested_usd: usd(f.invested), realized_pnl_usd: usd(f.realized), unrealized_pnl_usd: usd(f.unrealized),
    pnl_usd: usd(f.pnl), won: f.won, lost: f.lost, win_rate: rate(winRate(f.won, f.lost)), return_pct: ret(f.pnl, f.invested),
  };
}

/** The gap totals (and, optionally, legs) with money as decimal strings; parts are signed contributions to LT − FT */
export function formatGap(g: LegGap, dp = 6) {
  const m = (v: bigint) => formatMicros(v, dp);
  return { lt_pnl_usd: m(g.ltPnl), ft_pnl_usd: m(g.ftPnl), total_usd: m(g.total), delay_usd: m(g.delay),
    execution_usd: m(g.execution), fees_usd: m(g.fees), opportunity_usd: m(g.opportunity), sizing_usd: m(g.sizing) };
}

export function formatGapLeg(l: GapLeg) {
  return { ft_order_id: l.ftOrderId, at: l.at.toISOString(), leg: l.leg, side: l.side, condition_id: l.conditionId, token_id: l.tokenId,
    question: l.question, outcome: l.outcome, disposition: l.disposition, rule: l.rule, horizon_price: formatMicros(l.horizon.price), horizon: l.horizon.kind,
    ...formatGap(l.gap), timing: l.timing === null ? null : formatTiming(l.timing) };
}

/** A leg's delay times: the four instants (ISO) and the spans between them (ms) */
function formatTiming(t: NonNullable<GapLeg['timing']>) {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return { source_trade_at: iso(t.sourceTradeAt), detected_at: iso(t.detectedAt), signal_at: iso(t.signalAt),
    submitted_at: iso(t.submittedAt), detection_ms: t.detectionMs, signal_ms: t.signalMs, submit_ms: t.submitMs,
    total_ms: t.totalMs };
}

export function formatSinceLaunch(c: SinceLaunch) {
  return {
    launched_at: c.launchedAt?.toISOString() ?? null,
    ft: { ...formatSide(c.ft), exits: c.ft.exits },
    lt: { ...formatSide(c.lt), ordered: c.lt.ordered, filled_orders: c.lt.filledOrders, fees_usd: usd(c.lt.fees) },
    gap: { ...formatGap(c.gap.total), signals: c.gap.signals, not_mirrored: c.gap.notMirrored, pending: c.gap.pending },
    quality: formatStrategyQuality(c.quality),
    targets: c.targets,
  };
}

/** Expected (at intent) against actual (executed) signal slippage per market and order type, over filled orders */
export async function slippageAnalysis(sql: Sql, userId: string, strategyId: string, opts: SlippageOptions = {}) {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT q.condition_id, q.order_type, q.expected_slippage_pct::text, q.signal_slippage_pct::text
     FROM lt_execution_quality q JOIN lt_strategies s ON s.user_id = q.user_id AND s.strategy_id = q.strategy_id
     WHERE q.user_id = $1 AND q.strategy_id = $2 AND q.is_shadow = (s.mode = 'shadow')
       AND q.expected_slippage_pct IS NOT NULL AND q.signal_slippage_pct IS NOT NULL`, [userId, strategyId]);
  const groups = analyseSlippage(rows.map((r) => ({ conditionId: r.condition_id as string, orderType: r.order_type as string,
    expectedPct: micros(r.expected_slippage_pct), actualPct: micros(r.signal_slippage_pct) })), opts);
  return groups.map((g) => ({ condition_id: g.conditionId, order_type: g.orderType, orders: g.n,
    expected_slippage_pct_mean: formatMicros(g.expectedMean, 4), actual_slippage_pct_mean: formatMicros(g.actualMean, 4),
    error_pct_mean: formatMicros(g.errorMean, 4), same_sign_share: formatMicros(g.sameSignShare), flagged: g.flagged }));
}
