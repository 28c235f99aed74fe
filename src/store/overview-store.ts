/**
 * The overview page in one read: every FT strategy (the /api/ft/wallets summary, plus unrealized P&L at the market's
 * price, the user's live mirrors and a P&L sparkline) and each of the user's LT strategies (capital, since-launch P&L
 * and win rate on /comparison's basis, the success metrics and a sparkline)
 */
import { balancesFromSums, equityOf } from '../domain/ledger.ts';
import type { LtStrategy } from '../domain/lt-strategy.ts';
import { rateOf, type TargetResult } from '../domain/metrics/index.ts';
import { downsample, type Point } from '../domain/metrics/series.ts';
import { parseMicros, type Ratio, type Usdc } from '../domain/money.ts';
import { sinceLaunch } from './comparison-store.ts';
import type { Db, Sql } from './db.ts';
import { ftWalletSummaries, type FtWalletSummary } from './ft-summary-store.ts';
import { ledgerSums } from './ledger-store.ts';
import { listUserLtStrategies } from './lt-strategy-store.ts';
import { micros } from './rows.ts';
import { keptEquitySeries } from './series-read-model.ts';

/** Points of a sparkline */
export const SPARKLINE_POINTS = 50;

export interface FtOverview {
  summary: FtWalletSummary;
  description: string | null;
  startingBalance: Usdc;
  cash: Usdc;
  realized: Usdc;
  /** Open paper positions at the market's price; null when an open position's market has no usable price */
  unrealized: Usdc | null;
  pnl: Usdc;
  live: string[];
  sparkline: Point[];
}

interface FtExtra { description: string | null; unrealized: string; unmarked: number }

/** Each strategy's open positions at the market's price, from its open shares and cost kept per token (ft_token_sums) */
async function ftExtras(sql: Sql): Promise<Map<string, FtExtra>> {
  const rows = await sql.query<{ wallet_id: string; description: string | null; unrealized: string; unmarked: number }>(
    `SELECT w.wallet_id, nullif(w.description, '') AS description, coalesce(u.unrealized, 0)::text AS unrealized,
       coalesce(u.unmarked, 0)::int AS unmarked
     FROM ft_wallets w LEFT JOIN (
       SELECT o.wallet_id, sum(o.open_shares * x.p - o.open_cost) FILTER (WHERE x.p BETWEEN 0 AND 1) AS unrealized,
         sum(o.orders) FILTER (WHERE x.p IS NULL OR x.p NOT BETWEEN 0 AND 1) AS unmarked
       FROM ft_token_sums o LEFT JOIN markets m ON m.condition_id = o.condition_id
       CROSS JOIN LATERAL (SELECT (m.outcome_prices)[array_position(m.clob_token_ids, o.asset)] AS p) x
       GROUP BY o.wallet_id) u ON u.wallet_id = w.wallet_id`);
  return new Map(rows.map((r) => [r.wallet_id, { description: r.description, unrealized: r.unrealized, unmarked: Number(r.unmarked) }]));
}

/**
 * Cumulative realized P&L per FT wallet at the end of each of up to `buckets` equal time buckets of its closes: bucket k
 * of [first close, last close + 1 s) ends at first + ⌈k × span / buckets⌉ µs (width_bucket's buckets, in exact
 * microseconds); its point is the last close before that end (when it lies in the bucket) and the realized P&L through
 * it, read by index from ft_close_curve (migration 0020), one probe per bucket
 */
async function ftRealizedCurves(sql: Sql, buckets: number): Promise<Map<string, Point[]>> {
  const rows = await sql.query<{ wallet_id: string; t: Date; pnl: string }>(
    `WITH s AS (
       SELECT w.wallet_id, lo.closed_at AS lo, (extract(epoch FROM hi.closed_at - lo.closed_at) * 1000000)::bigint + 1000000 AS span
       FROM ft_wallets w
       CROSS JOIN LATERAL (SELECT closed_at FROM ft_close_curve c WHERE c.wallet_id = w.wallet_id ORDER BY closed_at LIMIT 1) lo
       CROSS JOIN LATERAL (SELECT closed_at FROM ft_close_curve c WHERE c.wallet_id = w.wallet_id ORDER BY closed_at DESC LIMIT 1) hi),
     b AS (
       SELECT s.wallet_id, k, s.lo + (((k - 1) * s.span + $1 - 1) / $1 || ' microseconds')::interval AS starts,
         s.lo + ((k * s.span + $1 - 1) / $1 || ' microseconds')::interval AS ends
       FROM s CROSS JOIN generate_series(1, $1::bigint) k)
     SELECT b.wallet_id, p.closed_at AS t, p.cum::text AS pnl FROM b
     CROSS JOIN LATERAL (SELECT closed_at, cum FROM ft_close_curve c WHERE c.wallet_id = b.wallet_id AND c.closed_at < b.ends
       ORDER BY closed_at DESC, close_id DESC LIMIT 1) p
     WHERE p.closed_at >= b.starts ORDER BY b.wallet_id, b.k`, [buckets]);
  const out = new Map<string, Point[]>();
  for (const r of rows) {
    const points = out.get(r.wallet_id) ?? [];
    points.push({ t: new Date(r.t), v: micros(r.pnl) });
    out.set(r.wallet_id, points);
  }
  return out;
}

const usd = (text: string): Usdc => parseMicros(text) as Usdc;

/** Every FT strategy the user may read (the catalogue and their own; all for an operator); `live`: the user's active LT strategies that mirror it */
export async function ftOverview(sql: Sql, userId: string, now: Date): Promise<FtOverview[]> {
  const extras = await ftExtras(sql);
  const curves = await ftRealizedCurves(sql, SPARKLINE_POINTS - 1);
  const mirrors = await sql.query<{ ft_wallet_id: string; strategy_id: string }>(
    'SELECT ft_wallet_id, strategy_id FROM lt_strategies WHERE user_id = $1 AND is_active ORDER BY strategy_id', [userId]);
  return (await ftWalletSummaries(sql, undefined, undefined, userId)).map((summary) => {
    const x = extras.get(summary.wallet_id);
    const realized = usd(summary.realized_pnl);
    const unrealized = x && x.unmarked > 0 ? null : (micros(x?.unrealized ?? '0') as Usdc);
    const pnl = (realized + (unrealized ?? 0n)) as Usdc;
    const curve = curves.get(summary.wallet_id) ?? [];
    return {
      summary, description: x?.description ?? null, startingBalance: usd(summary.starting_balance), cash: usd(summary.cash),
      realized, unrealized, pnl, live: mirrors.filter((m) => m.ft_wallet_id === summary.wallet_id).map((m) => m.strategy_id),
      sparkline: [...curve, { t: now, v: pnl }],
    };
  });
}

export type LtStatus = 'not_launched' | 'active' | 'paused' | 'stopped';

export interface LtOverview {
  strategy: LtStrategy;
  status: LtStatus;
  equity: Usdc;
  netDeposits: Usdc;
  /** LT's P&L since launch, on /comparison's basis (the gap's legs at their horizon marks) */
  pnl: Usdc;
  winRate: Ratio | null;
  targets: TargetResult[];
  sparkline: Point[];
}

export const ltStatusOf = (s: LtStrategy): LtStatus =>
  (s.launchedAt === null ? 'not_launched' : !s.isActive ? 'stopped' : s.isPaused ? 'paused' : 'active');

/** Each of the user's LT strategies */
export async function ltOverview(sql: Db, userId: string, now: Date): Promise<LtOverview[]> {
  const out: LtOverview[] = [];
  for (const s of await listUserLtStrategies(sql, userId)) {
    const b = balancesFromSums(await ledgerSums(sql, userId, s.strategyId, s.mode));
    const c = await sinceLaunch(sql, userId, s.strategyId);
    const series = await keptEquitySeries(sql, userId, s.strategyId, now);
    out.push({
      strategy: s, status: ltStatusOf(s), equity: equityOf(b), netDeposits: b.netDeposits, pnl: c.lt.pnl,
      winRate: rateOf(c.lt.won, c.lt.won + c.lt.lost), targets: c.targets, sparkline: downsample(series.lt, SPARKLINE_POINTS),
    });
  }
  return out;
}

