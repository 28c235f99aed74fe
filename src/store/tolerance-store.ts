/**
 * The priced decisions of an LT strategy, for the slippage analysis's "what each tolerance mode would have done":
 * its orders with the book at intent, and its signals skipped for slippage with the book they were priced against
 * (recorded since migration 0005). The replay itself is the metrics module's (src/domain/metrics/tolerance-modes.ts)
 */
import type { OrderSide } from '../domain/lt-order.ts';
import { tolerancePolicyOf, type LtStrategy } from '../domain/lt-strategy.ts';
import {
  isCurrentPolicy, policiesToCompare, toleranceModeOutcomes, type ModeComparison, type ModeOutcome, type PricedDecision,
} from '../domain/metrics/tolerance-modes.ts';
import { formatMicros, type Price } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { micros, microsOrNull } from './rows.ts';

export interface PricedDecisions {
  decisions: PricedDecision[];
  /** Slippage skips decided before the book was recorded: not replayed */
  withoutBook: number;
}

export async function pricedDecisionsOf(sql: Sql, userId: string, strategyId: string): Promise<PricedDecisions> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT o.side, o.signal_price::text AS signal_price, o.book_at_intent->>'tick' AS tick, o.best_bid::text AS best_bid,
       o.best_ask::text AS best_ask, o.expected_vwap::text AS expected_vwap, 'ordered' AS actual
     FROM lt_orders l JOIN orders o ON o.order_id = l.order_id
     WHERE l.user_id = $1 AND l.strategy_id = $2 AND o.signal_price IS NOT NULL AND o.book_at_intent->>'tick' IS NOT NULL
     UNION ALL
     SELECT side, signal_price::text, tick_size::text, best_bid::text, best_ask::text, expected_vwap::text, 'skipped'
     FROM lt_dispositions
     WHERE user_id = $1 AND strategy_id = $2 AND disposition = 'skipped' AND signal_price IS NOT NULL AND tick_size IS NOT NULL`,
    [userId, strategyId]);
  const [missing] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM lt_dispositions WHERE user_id = $1 AND strategy_id = $2 AND rule = 'slippage'
       AND signal_price IS NULL`, [userId, strategyId]);
  const decisions = rows.map((r): PricedDecision => ({
    side: r.side as OrderSide, signalPrice: micros(r.signal_price) as Price, tick: micros(r.tick),
    bestBid: microsOrNull(r.best_bid) as Price | null, bestAsk: microsOrNull(r.best_ask) as Price | null,
    expectedVwap: microsOrNull(r.expected_vwap) as Price | null, actual: r.actual as PricedDecision['actual'],
  }));
  return { decisions, withoutBook: missing?.n ?? 0 };
}

const pctOf = (microPct: bigint) => formatMicros(microPct, 4);

function formatOutcome(o: ModeOutcome, current: boolean) {
  const p = o.policy;
  return {
    mode: p.mode, ticks: p.ticks === null ? null : Number(p.ticks),
    spread_multiple: p.spreadMultiple === null ? null : formatMicros(p.spreadMultiple, 4),
    [p.mode === 'fixed_pct' ? 'tolerance_pct' : 'cap_pct']: pctOf(p.pct), current,
    ordered: o.ordered, skipped: o.skipped, skipped_slippage: o.skippedSlippage, skipped_price_range: o.skippedPriceRange,
    newly_ordered: o.newlyOrdered, newly_skipped: o.newlySkipped, by_basis: o.byBasis,
  };
}

/** Every priced decision of the strategy replayed under fixed_pct, ticks and spread (one percentage for all three) */
export async function toleranceModesAnalysis(sql: Sql, s: LtStrategy, compare: ModeComparison = {}) {
  const { decisions, withoutBook } = await pricedDecisionsOf(sql, s.userId, s.strategyId);
  const current = tolerancePolicyOf(s);
  const policies = policiesToCompare(current, compare);
  return {
    decisions: decisions.length,
    ordered: decisions.filter((d) => d.actual === 'ordered').length,
    skipped: decisions.filter((d) => d.actual === 'skipped').length,
    skipped_without_book: withoutBook,
    modes: toleranceModeOutcomes(decisions, policies).map((o) => formatOutcome(o, isCurrentPolicy(o.policy, current))),
  };
}
