/**
 * An LT strategy's open positions (current book): per FT signal, the shares held (bought net of share fees,
 * minus sold), their cost basis from the ledger, and their value at the same mark the gap uses
 */
import { NOT_TERMINAL } from '../domain/lt-order.ts';
import { divRound, formatMicros, SCALE, type Shares, type Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { horizons, type HorizonKind } from './gap-store.ts';
import { micros } from './rows.ts';

export interface OpenPosition {
  ftOrderId: string;
  conditionId: string;
  tokenId: string;
  outcome: string;
  market: string;
  /** The market's question (markets.question), else FT's title of it: shown where a token id would be */
  question: string | null;
  shares: Shares;
  cost: Usdc;
  mark: { price: bigint; kind: HorizonKind } | null;
  value: Usdc | null;
  unrealized: Usdc | null;
}

/**
 * The reference reading (lt_order_facts, whose held and ledger figures are two correlated subqueries per order): kept
 * to test POSITIONS_SQL against (openPositionsFromFacts)
 */
const POSITIONS_FACTS_SQL = `WITH legs AS (
    SELECT ft_order_id, order_id, side, held, cost_delta, settled FROM lt_order_facts
    WHERE user_id = $1 AND strategy_id = $2 AND is_shadow = $3),
  positions AS (SELECT ft_order_id, sum(cost_delta) AS cost, bool_or(settled) AS settled,
      max(held) AS shares
    FROM legs GROUP BY ft_order_id)
  SELECT h.ft_order_id, f.condition_id, f.asset, f.token_label, f.market_title, h.shares::text, h.cost::text,
    coalesce(nullif(m.question, ''), nullif(f.market_title, '')) AS question
  FROM positions h JOIN ft_orders f ON f.order_id = h.ft_order_id LEFT JOIN markets m ON m.condition_id = f.condition_id
  WHERE NOT h.settled AND h.shares > 0 ORDER BY f.order_time DESC, h.ft_order_id`;

/**
 * The shares a strategy holds per FT signal ($1 user, $2 strategy): Σ over the fills of all its LT orders for the
 * signal, a BUY's net of the fee paid in shares, a SELL's negative. `where` narrows the signals (AND …). The positions,
 * the comparison's counts and the read models kept with the writes all hold shares by this one rule
 */
export const HELD_PER_SIGNAL_SQL = (where: string): string => `SELECT s.ft_order_id,
      sum(CASE WHEN g.side = 'BUY' THEN f.size - CASE WHEN f.fee_asset = 'shares' THEN f.fee_amount ELSE 0 END ELSE -f.size END) AS held
    FROM lt_orders s JOIN orders g ON g.order_id = s.order_id JOIN fills f ON f.order_id = s.order_id
    WHERE s.user_id = $1 AND s.strategy_id = $2 ${where} GROUP BY s.ft_order_id`;

/**
 * The same figures as lt_order_facts gives them, set-based (each source grouped once, hash-joined) rather than two
 * subqueries per order: a leg's ledger cost delta and whether it is settled; the shares held per FT signal (fills of
 * all its orders, BUY net of share fees, minus SELL) — a settled position is left out, so its held of 0 never shows
 */
const POSITIONS_SQL = `WITH legs AS (
    SELECT l.ft_order_id, l.order_id FROM lt_orders l JOIN orders o ON o.order_id = l.order_id
    WHERE l.user_id = $1 AND l.strategy_id = $2 AND o.is_shadow = $3),
  booked AS (SELECT e.order_id, bool_or(e.kind = 'settlement') AS settled,
      sum(CASE WHEN e.kind = 'buy_fill' THEN e.amount WHEN e.kind IN ('sell_fill', 'settlement') THEN -e.cost_basis
        ELSE 0 END) AS cost_delta
    FROM legs g JOIN ledger_entries e ON e.order_id = g.order_id GROUP BY e.order_id),
  held AS (${HELD_PER_SIGNAL_SQL('')}),
  positions AS (SELECT g.ft_order_id, sum(coalesce(b.cost_delta, 0)) AS cost, coalesce(bool_or(b.settled), false) AS settled,
      max(coalesce(h.held, 0)) AS shares
    FROM legs g LEFT JOIN booked b ON b.order_id = g.order_id LEFT JOIN held h ON h.ft_order_id = g.ft_order_id
    GROUP BY g.ft_order_id)
  SELECT h.ft_order_id, f.condition_id, f.asset, f.token_label, f.market_title, h.shares::text, h.cost::text,
    coalesce(nullif(m.question, ''), nullif(f.market_title, '')) AS question
  FROM positions h JOIN ft_orders f ON f.order_id = h.ft_order_id LEFT JOIN markets m ON m.condition_id = f.condition_id
  WHERE NOT h.settled AND h.shares > 0 ORDER BY f.order_time DESC, h.ft_order_id`;

export async function openPositions(sql: Sql, userId: string, strategyId: string, shadow: boolean): Promise<OpenPosition[]> {
  return positionsOf(sql, await sql.query<Record<string, unknown>>(POSITIONS_SQL, [userId, strategyId, shadow]));
}

/** openPositions by the reference reading (lt_order_facts): what the tests hold openPositions to */
export async function openPositionsFromFacts(sql: Sql, userId: string, strategyId: string, shadow: boolean): Promise<OpenPosition[]> {
  return positionsOf(sql, await sql.query<Record<string, unknown>>(POSITIONS_FACTS_SQL, [userId, strategyId, shadow]));
}

/** Rows of (ft_order_id, condition_id, asset, token_label, market_title, shares, cost, question) as positions at their marks */
export async function positionsOf(sql: Sql, rows: Record<string, unknown>[]): Promise<OpenPosition[]> {
  const { marks } = await horizons(sql, [...new Set(rows.map((r) => r.asset as string))]);
  return rows.map((r) => {
    const shares = micros(r.shares) as Shares;
    const cost = micros(r.cost) as Usdc;
    const mark = marks.get(r.asset as string) ?? null;
    const value = mark === null ? null : (divRound(shares * mark.price, SCALE, 'half_even') as Usdc);
    return {
      ftOrderId: r.ft_order_id as string, conditionId: r.condition_id as string, tokenId: r.asset as string,
      outcome: r.token_label as string, market: r.market_title as string, question: (r.question as string | null) ?? null,
      shares, cost, mark, value,
      unrealized: value === null ? null : ((value - cost) as Usdc),
    };
  });
}

const dec = (v: bigint | null, dp = 6) => (v === null ? null : formatMicros(v, dp));

export const formatPosition = (p: OpenPosition) => ({
  ft_order_id: p.ftOrderId, condition_id: p.conditionId, token_id: p.tokenId, outcome: p.outcome, market: p.market,
  question: p.question,
  shares: dec(p.shares), cost_usd: dec(p.cost), mark_price: dec(p.mark?.price ?? null), mark: p.mark?.kind ?? null,
  value_usd: dec(p.value), unrealized_pnl_usd: dec(p.unrealized),
});

/** What the live strategies hold of one outcome token, by the ledger (INV-22's reconciliation with the venue) */
export interface TokenHeld {
  tokenId: string;
  /** Σ over unsettled positions with shares: bought net of share fees − sold */
  held: Shares;
  /** Σ unfilled shares of SELL orders that are not terminal: they may have traded at the venue, not booked yet */
  offered: Shares;
  /** Strategies holding it */
  strategies: number;
}

/**
 * Which strategies a per-wallet reconciliation counts: those trading through one wallet (lower-case address), those
 * whose wallet is none of `except` (the operator wallet's: every address nobody linked), or null for all
 */
export type WalletScope = { wallet: string } | { except: readonly string[] } | null;

/** Whether a strategy's wallet_address is in the scope */
export function inWalletScope(scope: WalletScope, walletAddress: string | null): boolean {
  if (scope === null) return true;
  const a = walletAddress?.toLowerCase() ?? null;
  return 'wallet' in scope ? a === scope.wallet : a === null || !scope.except.includes(a);
}

const HELD_BY_TOKEN_SQL = `WITH legs AS (
    SELECT l.user_id, l.strategy_id, l.ft_order_id, o.order_id, o.token_id, o.condition_id, o.side, o.status,
      o.size - o.filled_size AS unfilled
    FROM lt_orders l JOIN orders o ON o.order_id = l.order_id
    JOIN lt_strategies s ON s.user_id = l.user_id AND s.strategy_id = l.strategy_id
    WHERE s.launched_at IS NOT NULL AND NOT o.is_shadow AND ($1::text[] IS NULL OR o.token_id = ANY($1::text[]))
      AND ($3::text IS NULL OR lower(s.wallet_address) = $3)
      AND ($4::text[] IS NULL OR s.wallet_address IS NULL OR NOT lower(s.wallet_address) = ANY($4::text[]))),
  traded AS (SELECT f.order_id, sum(f.size) AS size,
      sum(CASE WHEN f.fee_asset = 'shares' THEN f.fee_amount ELSE 0 END) AS share_fees
    FROM fills f JOIN legs g ON g.order_id = f.order_id GROUP BY f.order_id),
  positions AS (SELECT g.user_id, g.strategy_id, g.ft_order_id, g.token_id,
      sum(CASE WHEN g.side = 'BUY' THEN coalesce(t.size - t.share_fees, 0) ELSE -coalesce(t.size, 0) END) AS held,
      sum(CASE WHEN g.side = 'SELL' AND g.status = ANY($2::text[]) THEN g.unfilled ELSE 0 END) AS offered,
      bool_or(EXISTS (SELECT 1 FROM lt_order_facts v WHERE v.order_id = g.order_id AND v.settled)) AS settled,
      bool_or(coalesce(m.closed, false)) AS closed
    FROM legs g LEFT JOIN traded t ON t.order_id = g.order_id LEFT JOIN markets m ON m.condition_id = g.condition_id
    GROUP BY g.user_id, g.strategy_id, g.ft_order_id, g.token_id)
  SELECT token_id, sum(held)::text AS held, sum(offered)::text AS offered,
    count(DISTINCT (user_id, strategy_id))::int AS strategies
  FROM positions WHERE NOT settled AND NOT closed AND held > 0 GROUP BY token_id ORDER BY token_id`;

/**
 * Per outcome token, the shares the launched strategies' live books hold by the ledger (as `openPositions` and
 * `positionOf` count them: BUY fills net of share fees, minus SELL fills, unsettled), with what their open SELL orders
 * offer; by token id, optionally only `tokens`. Tokens of markets Tandem knows are closed are left out: their shares
 * are redeemable value, which settlement accounts for (a venue may already have redeemed them)
 */
export async function heldByToken(sql: Sql, tokens: readonly string[] | null = null, scope: WalletScope = null): Promise<TokenHeld[]> {
  const rows = await sql.query<{ token_id: string; held: string; offered: string; strategies: number }>(
    HELD_BY_TOKEN_SQL, [tokens === null ? null : [...tokens], NOT_TERMINAL, scope && 'wallet' in scope ? scope.wallet : null,
      scope && 'except' in scope ? [...scope.except] : null]);
  return rows.map((r) => ({
    tokenId: r.token_id, held: micros(r.held) as Shares, offered: micros(r.offered) as Shares, strategies: Number(r.strategies),
  }));
}
