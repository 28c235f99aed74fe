/**
 * The since-launch gap summary without a pass over every leg: the database classifies the legs as strategyGap does
 * (pending, not mirrored, skipped, ordered in the current book) and sums, per FT order (a unit: its entry and exits),
 * each figure's exact pico value as a + b·P_end (a leg's figures are linear in its horizon price, gap.ts legGapPico),
 * plus its value at FT's own price for a token without a mark. Those units are kept with the writes and summed per
 * token (gap-read-model.ts, migration 0018); the totals are the sums at the tokens' current marks, rounded once
 * (totalGap), so they equal strategyGap's; the counts and FT's side come from the same classified legs
 */
import { GAP_PARTS, totalGap, type LegGap } from '../domain/metrics/index.ts';
import type { Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { horizons, type StrategyGap } from './gap-store.ts';
import { micros } from './rows.ts';

/** The figures of the summary's gap and FT side (counts over decided legs; FT's entries among them) */
export interface GapSummary {
  launchedAt: Date | null;
  total: LegGap;
  signals: number;
  notMirrored: number;
  pending: number;
  ft: { entries: number; invested: Usdc; realized: Usdc; won: number; lost: number };
}

/** FT's legs since launch: entries (BUY) and the exits of those entries (SELL), in micro-units; `only` limits the FT orders */
const ftLegs = (only: string) => `
  SELECT o.order_id, 'entry' AS leg, 1 AS s, o.asset AS token, o.shares * 1000000 AS qft, o.entry_price * 1000000 AS pft,
    o.size * 1000000000000 AS cft, o.order_time AS at
  FROM ft_orders o JOIN st ON o.wallet_id = st.ft_wallet_id AND o.order_time >= st.launched_at ${only}
  UNION ALL
  SELECT c.order_id, 'exit:' || c.close_id, -1, o.asset, c.shares * 1000000, c.price * 1000000, c.proceeds * 1000000000000, c.closed_at
  FROM ft_closes c JOIN ft_orders o ON o.order_id = c.order_id JOIN st ON o.wallet_id = st.ft_wallet_id AND o.order_time >= st.launched_at
  WHERE c.kind = 'exit' ${only}`;

/** LT's orders of the current book with their fills as the ledger books them (costOf up, proceedsOf down), pico cash */
const ltLegs = (only: string) => `
  SELECT l.ft_order_id, l.leg, o.size * 1000000 AS big_q,
    coalesce(o.mid_price, CASE WHEN o.side = 'BUY' THEN o.best_ask ELSE o.best_bid END) * 1000000 AS arrival,
    coalesce(sum(f.size), 0) * 1000000 AS q,
    coalesce(sum(CASE WHEN o.side = 'BUY' THEN ceil(f.size * f.price * 1000000) ELSE floor(f.size * f.price * 1000000) END), 0)
      * 1000000 AS c,
    coalesce(sum(f.fee_amount) FILTER (WHERE f.fee_asset = 'usdc'), 0) * 1000000000000 AS fu,
    coalesce(sum(f.fee_amount) FILTER (WHERE f.fee_asset <> 'usdc'), 0) * 1000000 AS fs
  FROM lt_orders l JOIN orders o ON o.order_id = l.order_id JOIN st ON o.is_shadow = st.shadow
    LEFT JOIN fills f ON f.order_id = o.order_id
  WHERE l.user_id = $1 AND l.strategy_id = $2 ${only}
  GROUP BY l.ft_order_id, l.leg, o.order_id`;

/** Each FT leg with LT's disposition of it and of its entry, and its kind (strategyGap's rules) */
const CLASSIFIED = `
  SELECT f.*, d.disposition, coalesce(d.disposition = 'ordered', false) AS mirrored, t.big_q, t.arrival, t.q, t.c, t.fu, t.fs,
    CASE WHEN d.disposition IS NULL AND (f.leg = 'entry' OR e.disposition = 'ordered') THEN 'pending'
      WHEN d.disposition = 'ordered' AND t.ft_order_id IS NULL THEN 'pending'
      ELSE coalesce(d.disposition, 'not_mirrored') END AS kind
  FROM ft f LEFT JOIN d ON d.ft_order_id = f.order_id AND d.leg = f.leg
    LEFT JOIN d e ON e.ft_order_id = f.order_id AND e.leg = 'entry'
    LEFT JOIN lt t ON t.ft_order_id = f.order_id AND t.leg = f.leg`;

/** Per leg (pico): Q, q, C, fees and the arrival M as legGapPico reads them (an unmirrored leg: Q = Q_ft, q = 0) */
const LEG_TERMS = `
  SELECT order_id, leg, at, kind, token, s, qft, pft, cft, CASE WHEN mirrored THEN big_q ELSE qft END AS bq, CASE WHEN mirrored THEN q ELSE 0 END AS q,
    CASE WHEN mirrored THEN c ELSE 0 END AS c, CASE WHEN mirrored THEN fu ELSE 0 END AS fu,
    CASE WHEN mirrored THEN fs ELSE 0 END AS fs, CASE WHEN mirrored THEN coalesce(arrival, pft) ELSE pft END AS m
  FROM classified`;

/** Each figure's pico value a + b·P_end (legGapPico, expanded) */
const FIGURES: Record<'lt' | 'ft' | (typeof GAP_PARTS)[number], [string, string]> = {
  lt: ['-s * c - fu', 's * q - fs'],
  ft: ['-s * cft', 's * qft'],
  delay: ['-s * q * (m - pft)', '0'],
  execution: ['-s * (c - q * m)', '0'],
  fees: ['-fu', '-fs'],
  opportunity: ['s * (bq - q) * pft', '-s * (bq - q)'],
  sizing: ['-s * (bq * pft - cft)', 's * (bq - qft)'],
};
const NAMES = Object.keys(FIGURES) as (keyof typeof FIGURES)[];

const DECIDED = `FILTER (WHERE kind <> 'pending')`;
const sumsOf = (name: keyof typeof FIGURES) => {
  const [a, b] = FIGURES[name];
  return `coalesce(trunc(sum(${a}) ${DECIDED}), 0) AS ${name}_a, coalesce(trunc(sum(${b}) ${DECIDED}), 0) AS ${name}_b,
    coalesce(trunc(sum(${a} + (${b}) * pft) ${DECIDED}), 0) AS ${name}_e`;
};

/** The columns of a unit (lt_gap_units without its key) that are summed per token (lt_gap_sums) */
export const SUMMED_COLUMNS = ['signals', 'not_mirrored', 'pending', 'entries', 'invested', 'won', 'lost', 'realized',
  ...NAMES.flatMap((n) => [`${n}_a`, `${n}_b`, `${n}_e`])];

/**
 * Per FT order since launch (every one, or with `only` those in $3::uuid[]): its token and what its legs add to the
 * summary: counts of decided, unmirrored and pending legs, FT's side of a decided entry (its size, outcome and realized
 * P&L), each figure's pico parts. Columns: ft_order_id, token, then SUMMED_COLUMNS
 */
export function unitsQuery(only: boolean): string {
  return `${classifiedLegs(only)},
    units AS (SELECT order_id, token, count(*) ${DECIDED}::int AS signals,
        count(*) FILTER (WHERE kind = 'not_mirrored')::int AS not_mirrored, count(*) FILTER (WHERE kind = 'pending')::int AS pending,
        count(*) FILTER (WHERE kind <> 'pending' AND leg = 'entry')::int AS entries, ${NAMES.map(sumsOf).join(', ')}
      FROM (${LEG_TERMS}) g GROUP BY order_id, token)
  SELECT u.order_id AS ft_order_id, u.token, u.signals, u.not_mirrored, u.pending, u.entries,
    CASE WHEN u.entries > 0 THEN o.size ELSE 0 END AS invested, (u.entries > 0 AND o.outcome = 'WON')::int AS won,
    (u.entries > 0 AND o.outcome = 'LOST')::int AS lost,
    CASE WHEN u.entries > 0 THEN coalesce((SELECT sum(x.pnl) FROM ft_closes x WHERE x.order_id = u.order_id), 0) ELSE 0 END
      AS realized, ${NAMES.flatMap((n) => [`u.${n}_a`, `u.${n}_b`, `u.${n}_e`]).join(', ')}
  FROM units u JOIN ft_orders o ON o.order_id = u.order_id`;
}

/** The CTEs up to `classified` (every leg of the strategy's FT orders since launch, or those in $3::uuid[] with `only`) */
function classifiedLegs(only: boolean): string {
  const ids = (column: string) => (only ? `AND ${column} = ANY ($3::uuid[])` : '');
  return `WITH st AS (SELECT ft_wallet_id, launched_at, mode = 'shadow' AS shadow FROM lt_strategies
      WHERE user_id = $1 AND strategy_id = $2 AND launched_at IS NOT NULL),
    ft AS (${ftLegs(ids('o.order_id'))}), lt AS (${ltLegs(ids('l.ft_order_id'))}),
    d AS (SELECT ft_order_id, leg, disposition FROM lt_dispositions WHERE user_id = $1 AND strategy_id = $2 ${ids('ft_order_id')}),
    classified AS (${CLASSIFIED})`;
}

/** The columns of a decided leg in the equity series (series-read-model.ts): LT's and FT's P&L as pico parts */
export const SERIES_COLUMNS = ['lt_a', 'lt_b', 'lt_e', 'ft_a', 'ft_b', 'ft_e'];

/**
 * Per decided leg since launch (of every FT order, or of those in $3::uuid[] with `only`; a pending leg is in no
 * series yet): ft_order_id, leg, its time, token, then SERIES_COLUMNS (LT's and FT's P&L as the summary's pico parts)
 */
export function legsQuery(only: boolean): string {
  const parts = (name: 'lt' | 'ft') => {
    const [a, b] = FIGURES[name];
    return `trunc(${a}) AS ${name}_a, trunc(${b}) AS ${name}_b, trunc(${a} + (${b}) * pft) AS ${name}_e`;
  };
  return `${classifiedLegs(only)}
  SELECT order_id AS ft_order_id, leg, at, token, ${parts('lt')}, ${parts('ft')}
  FROM (${LEG_TERMS}) g WHERE kind <> 'pending'`;
}

export const NONE: Omit<GapSummary, 'launchedAt'> = { total: totalGap([]), signals: 0, notMirrored: 0, pending: 0,
  ft: { entries: 0, invested: 0n as Usdc, realized: 0n as Usdc, won: 0, lost: 0 } };

const decimalMicros = (v: unknown): Usdc => micros(v) as Usdc;

/**
 * The same summary read from strategyGap's legs (every leg built in Node): the reference gapSummary is held to. FT's
 * side is read for the legs' entries by id
 */
export async function gapSummaryOfLegs(sql: Sql, gap: StrategyGap): Promise<GapSummary> {
  const ids = [...new Set(gap.legs.filter((l) => l.leg === 'entry').map((l) => l.ftOrderId))];
  const [r] = await sql.query<Record<string, unknown>>(
    `SELECT coalesce(sum(size), 0)::text AS invested, count(*) FILTER (WHERE outcome = 'WON')::int AS won,
       count(*) FILTER (WHERE outcome = 'LOST')::int AS lost,
       (SELECT coalesce(sum(pnl), 0) FROM ft_closes c WHERE c.order_id = ANY ($1::uuid[]))::text AS realized
     FROM ft_orders WHERE order_id = ANY ($1::uuid[])`, [ids]);
  return {
    launchedAt: gap.launchedAt, total: gap.total, signals: gap.legs.length,
    notMirrored: gap.legs.filter((l) => l.disposition === 'not_mirrored').length, pending: gap.pending,
    ft: { entries: ids.length, invested: decimalMicros(r!.invested), realized: decimalMicros(r!.realized),
      won: r!.won as number, lost: r!.lost as number },
  };
}
