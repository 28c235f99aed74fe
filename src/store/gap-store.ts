/**
 * The FT–LT gap of one LT strategy since launch, per signal leg: FT's paper leg against LT's live leg, both
 * marked at the same horizon price (the payout once the market is final, else the latest price), decomposed by
 * the metrics module into delay, execution, fees, opportunity and sizing (docs/metrics.md)
 */
import {
  delayTiming, gapOfPico, legGapPico, totalGap, type DelayTimes, type DelayTiming, type GapLegInput, type LegGap, type PicoGap,
} from '../domain/metrics/index.ts';
import { costOf, proceedsOf, SCALE, type Price, type Shares, type Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { dateOrNull, micros, microsOrNull } from './rows.ts';

export type HorizonKind = 'payout' | 'mark' | 'last_trade' | 'entry';

export interface GapLeg {
  ftOrderId: string;
  /** When FT took the leg: the entry's order time, or the exit's close time */
  at: Date;
  leg: string;
  side: 'BUY' | 'SELL';
  conditionId: string;
  tokenId: string;
  /** The market's question (else FT's title of it) and the outcome the token is: shown where the token id would be */
  question: string | null;
  outcome: string | null;
  /** LT's decision on the signal; `not_mirrored` for an exit of a position LT never opened */
  disposition: 'ordered' | 'skipped' | 'expired' | 'not_mirrored';
  rule: string | null;
  horizon: { price: bigint; kind: HorizonKind };
  gap: LegGap;
  /** The times behind the delay part (trader's fill → detection → signal → submit); null when LT placed no order */
  timing: (DelayTimes & DelayTiming) | null;
}

export interface StrategyGap {
  launchedAt: Date | null;
  legs: GapLeg[];
  /** The legs' exact figures summed, then rounded once (totalGap): may differ from Σ of the legs' rounded figures */
  total: LegGap;
  /** Signals after launch LT has not decided yet: left out until it does */
  pending: number;
  /** Tokens whose stored price was outside [0, 1] and was not used as their mark */
  invalidMarks: number;
  /** Each leg's exact figures (pico), in the order of `legs` */
  picos: PicoGap[];
}

interface FtLeg {
  ftOrderId: string;
  at: Date;
  leg: string;
  side: 'BUY' | 'SELL';
  conditionId: string;
  tokenId: string;
  question: string | null;
  outcome: string | null;
  ft: GapLegInput['ft'];
}

/**
 * The legs of one FT order only (its entry and exits): the same legs, with the same figures, as the whole strategy's,
 * since a leg's gap depends only on its own signal, its LT order and its token's horizon (the order page's read)
 */
export interface GapScope { ftOrderId: string }

/** `AND <column> = $n` when the read is scoped to one FT order, else nothing */
const scoped = (scope: GapScope | null, column: string, n: number) => (scope === null ? '' : ` AND ${column} = $${n}::uuid`);
const scopeParams = (scope: GapScope | null) => (scope === null ? [] : [scope.ftOrderId]);

/** FT's entries since launch and the exits of those entries, as legs */
async function ftLegs(sql: Sql, walletId: string, since: Date, scope: GapScope | null): Promise<FtLeg[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT g.*, coalesce(nullif(m.question, ''), nullif(g.market_title, '')) AS question FROM (
     SELECT o.order_id, 'entry' AS leg, 'BUY' AS side, o.condition_id, o.asset, o.shares::text, o.entry_price::text AS price,
       o.size::text AS cash, o.order_time AS at, o.market_title, o.token_label
     FROM ft_orders o WHERE o.wallet_id = $1 AND o.order_time >= $2${scoped(scope, 'o.order_id', 3)}
     UNION ALL
     SELECT c.order_id, 'exit:' || c.close_id, 'SELL', o.condition_id, o.asset, c.shares::text, c.price::text, c.proceeds::text,
       c.closed_at, o.market_title, o.token_label
     FROM ft_closes c JOIN ft_orders o ON o.order_id = c.order_id
     WHERE c.kind = 'exit' AND o.wallet_id = $1 AND o.order_time >= $2${scoped(scope, 'o.order_id', 3)}) g
     LEFT JOIN markets m ON m.condition_id = g.condition_id
     ORDER BY g.at, g.order_id, g.leg`, [walletId, since.toISOString(), ...scopeParams(scope)]);
  return rows.map((r) => ({
    ftOrderId: r.order_id as string, at: new Date(r.at as string), leg: r.leg as string, side: r.side as 'BUY' | 'SELL',
    conditionId: r.condition_id as string, tokenId: r.asset as string,
    question: (r.question as string | null) ?? null, outcome: (r.token_label as string | null) || null,
    ft: { shares: micros(r.shares) as Shares, price: micros(r.price) as Price, cash: micros(r.cash) as Usdc },
  }));
}

type LtLeg = NonNullable<GapLegInput['lt']> & { times: DelayTimes };

/** LT's orders of the strategy's current book, with their fills summed as the ledger books them */
async function ltLegs(sql: Sql, userId: string, strategyId: string, shadow: boolean, scope: GapScope | null): Promise<Map<string, LtLeg>> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT l.ft_order_id, l.leg, o.order_id, o.side, o.size::text, o.mid_price::text, o.best_bid::text, o.best_ask::text,
       f.price::text AS fill_price, f.size::text AS fill_size, f.fee_asset, f.fee_amount::text,
       o.source_trade_at, o.signal_at, o.submitted_at, st.detected_at
     FROM lt_orders l JOIN orders o ON o.order_id = l.order_id LEFT JOIN fills f ON f.order_id = o.order_id
       LEFT JOIN source_trades st ON st.trade_key = l.source_trade_id
     WHERE l.user_id = $1 AND l.strategy_id = $2 AND o.is_shadow = $3${scoped(scope, 'l.ft_order_id', 4)}
     ORDER BY o.order_id, f.fill_id`,
  [userId, strategyId, shadow, ...scopeParams(scope)]);
  const legs = new Map<string, LtLeg>();
  for (const r of rows) {
    const key = `${r.ft_order_id as string}/${r.leg as string}`;
    const buy = r.side === 'BUY';
    const leg = legs.get(key) ?? {
      intendedShares: micros(r.size) as Shares, filledShares: 0n as Shares, cash: 0n as Usdc, feeUsdc: 0n as Usdc,
      feeShares: 0n as Shares, arrivalMid: arrivalOf(r, buy), times: timesOf(r),
    };
    if (r.fill_price !== null) {
      const size = micros(r.fill_size) as Shares;
      const at = micros(r.fill_price) as Price;
      const fee = micros(r.fee_amount);
      leg.filledShares = (leg.filledShares + size) as Shares;
      leg.cash = (leg.cash + (buy ? costOf(size, at) : proceedsOf(size, at))) as Usdc;
      if (r.fee_asset === 'usdc') leg.feeUsdc = (leg.feeUsdc + fee) as Usdc;
      else leg.feeShares = (leg.feeShares + fee) as Shares;
    }
    legs.set(key, leg);
  }
  return legs;
}

function timesOf(r: Record<string, unknown>): DelayTimes {
  return { sourceTradeAt: dateOrNull(r.source_trade_at), detectedAt: dateOrNull(r.detected_at), signalAt: dateOrNull(r.signal_at),
    submittedAt: dateOrNull(r.submitted_at) };
}

/** The arrival price: the mid at intent, else the side of the book the order would take, else none */
function arrivalOf(r: Record<string, unknown>, buy: boolean): Price | null {
  return (microsOrNull(r.mid_price) ?? microsOrNull(buy ? r.best_ask : r.best_bid)) as Price | null;
}

/**
 * The horizon price of each token: the payout once the market is final; else Gamma's latest price for it; else
 * the last source trade's price; else (per leg) FT's own price
 */
export interface Horizons {
  marks: Map<string, { price: bigint; kind: HorizonKind }>;
  /** Tokens whose stored price lay outside [0, 1]: dropped and counted, never used (INV-26) */
  invalid: string[];
}

/**
 * The tokens' markets are found by one overlap of their ids with each market's (the GIN index on markets' token ids),
 * then matched per token by a hash join: not a containment test per token and market (100 tokens × 100 markets took
 * ~10 ms of each dashboard read on PGlite)
 */
export async function horizons(sql: Sql, tokenIds: string[]): Promise<Horizons> {
  const out: Horizons = { marks: new Map(), invalid: [] };
  if (tokenIds.length === 0) return out;
  // The tokens' markets through the token index (&&), each market's tokens unnested so the tokens join by equality; the
  // last trade is looked up only for a token whose market has no price
  const rows = await sql.query<Record<string, unknown>>(
    `WITH m AS (SELECT m.condition_id, m.resolved_at, x.token_id, m.outcome_prices[x.i] AS price
       FROM markets m CROSS JOIN LATERAL unnest(m.clob_token_ids) WITH ORDINALITY AS x (token_id, i)
       WHERE m.clob_token_ids && $1::text[])
     SELECT t.token_id, m.resolved_at IS NOT NULL AS final, m.price::text AS price,
       CASE WHEN m.price IS NULL OR m.price NOT BETWEEN 0 AND 1 THEN (SELECT s.price::text FROM source_trades s
         WHERE s.condition_id = m.condition_id AND s.asset = t.token_id ORDER BY s.trade_time DESC LIMIT 1) END AS last_trade
     FROM unnest($1::text[]) AS t (token_id) LEFT JOIN m ON m.token_id = t.token_id`, [tokenIds]);
  for (const r of rows) {
    const token = r.token_id as string;
    const p = validPrice(r.price);
    const last = validPrice(r.last_trade);
    if (r.price !== null && p === null) out.invalid.push(token);
    if (p !== null && r.final === true) out.marks.set(token, { price: p, kind: 'payout' });
    else if (p !== null) out.marks.set(token, { price: p, kind: 'mark' });
    else if (last !== null) out.marks.set(token, { price: last, kind: 'last_trade' });
  }
  return out;
}

/** A price enters P&L only inside [0, 1] (INV-26) */
function validPrice(v: unknown): bigint | null {
  const p = microsOrNull(v);
  return p !== null && p >= 0n && p <= SCALE ? p : null;
}

/**
 * The gap of one LT strategy since its launch, per leg and in total (an unlaunched strategy has none); with `scope`,
 * only that FT order's legs (and their total and pending count)
 */
export async function strategyGap(sql: Sql, userId: string, strategyId: string, scope: GapScope | null = null): Promise<StrategyGap> {
  const [s] = await sql.query<{ ft_wallet_id: string; launched_at: Date | null; mode: string }>(
    'SELECT ft_wallet_id, launched_at, mode FROM lt_strategies WHERE user_id = $1 AND strategy_id = $2', [userId, strategyId]);
  if (!s) throw new Error(`no LT strategy ${strategyId}`);
  if (!s.launched_at) return { launchedAt: null, legs: [], total: totalGap([]), pending: 0, invalidMarks: 0, picos: [] };
  const launchedAt = new Date(s.launched_at);
  const ft = await ftLegs(sql, s.ft_wallet_id, launchedAt, scope);
  const lt = await ltLegs(sql, userId, strategyId, s.mode === 'shadow', scope);
  const decided = await dispositions(sql, userId, strategyId, scope);
  const { marks, invalid } = await horizons(sql, [...new Set(ft.map((l) => l.tokenId))]);
  const legs: GapLeg[] = [];
  const picos: PicoGap[] = [];
  let pending = 0;
  for (const f of ft) {
    const d = decided.get(`${f.ftOrderId}/${f.leg}`);
    const entryOrdered = decided.get(`${f.ftOrderId}/entry`)?.disposition === 'ordered';
    // An exit waits for LT when LT holds the entry; an exit of a position LT never opened is not mirrored
    if (!d && (f.leg === 'entry' || entryOrdered)) { pending += 1; continue; }
    const mirrored = d?.disposition === 'ordered' ? lt.get(`${f.ftOrderId}/${f.leg}`) ?? null : null;
    if (d?.disposition === 'ordered' && !mirrored) { pending += 1; continue; } // ordered in the other book
    const horizon = marks.get(f.tokenId) ?? { price: f.ft.price as bigint, kind: 'entry' as const };
    const pico = legGapPico({ side: f.side, ft: f.ft, lt: mirrored, horizonPrice: horizon.price });
    picos.push(pico);
    legs.push({
      ftOrderId: f.ftOrderId, at: f.at, leg: f.leg, side: f.side, conditionId: f.conditionId, tokenId: f.tokenId,
      question: f.question, outcome: f.outcome, disposition: d ? d.disposition : 'not_mirrored', rule: d?.rule ?? null, horizon,
      gap: gapOfPico(pico),
      timing: mirrored ? { ...mirrored.times, ...delayTiming(mirrored.times) } : null,
    });
  }
  return { launchedAt, legs, total: totalGap(picos), pending, invalidMarks: invalid.length, picos };
}

async function dispositions(sql: Sql, userId: string, strategyId: string, scope: GapScope | null) {
  const rows = await sql.query<{ ft_order_id: string; leg: string; disposition: 'ordered' | 'skipped' | 'expired'; rule: string | null }>(
    `SELECT ft_order_id, leg, disposition, rule FROM lt_dispositions WHERE user_id = $1 AND strategy_id = $2${scoped(scope, 'ft_order_id', 3)}`,
    [userId, strategyId, ...scopeParams(scope)]);
  return new Map(rows.map((r) => [`${r.ft_order_id}/${r.leg}`, r]));
}
