/**
 * What each tolerance mode would have done: the strategy's priced decisions (its orders, with the book at intent,
 * and its signals skipped for slippage, with the book they were priced against) decided again under each policy by
 * the executor's own rule (src/domain/tolerance.ts), counting orders and skips
 */
import type { OrderSide } from '../lt-order.ts';
import { SCALE, type Price } from '../money.ts';
import { decideTolerance, type AllowanceBasis, type TolerancePolicy } from '../tolerance.ts';

export interface PricedDecision {
  side: OrderSide;
  signalPrice: Price;
  tick: bigint;
  bestBid: Price | null;
  bestAsk: Price | null;
  /** The book walk's VWAP for the size decided; null when the side was empty (a resting order) */
  expectedVwap: Price | null;
  /** What the strategy did */
  actual: 'ordered' | 'skipped';
}

export interface ModeOutcome {
  policy: TolerancePolicy;
  ordered: number;
  skipped: number;
  /** Skips because the expected price was outside the allowance */
  skippedSlippage: number;
  /** Skips because no limit exists on the tick grid within the allowance */
  skippedPriceRange: number;
  /** Decided differently from what the strategy did: ordered where it skipped, skipped where it ordered */
  newlyOrdered: number;
  newlySkipped: number;
  /** Which rule set the allowance, over every decision */
  byBasis: Partial<Record<AllowanceBasis, number>>;
}

function outcomeOf(policy: TolerancePolicy, decisions: readonly PricedDecision[]): ModeOutcome {
  const o: ModeOutcome = { policy, ordered: 0, skipped: 0, skippedSlippage: 0, skippedPriceRange: 0, newlyOrdered: 0,
    newlySkipped: 0, byBasis: {} };
  for (const d of decisions) {
    const verdict = decideTolerance(policy, d.side, d.signalPrice, { tick: d.tick, bestBid: d.bestBid, bestAsk: d.bestAsk },
      d.expectedVwap);
    o.byBasis[verdict.allowance.basis] = (o.byBasis[verdict.allowance.basis] ?? 0) + 1;
    if (verdict.kind === 'ok') {
      o.ordered += 1;
      if (d.actual === 'skipped') o.newlyOrdered += 1;
      continue;
    }
    o.skipped += 1;
    if (verdict.kind === 'slippage') o.skippedSlippage += 1;
    else o.skippedPriceRange += 1;
    if (d.actual === 'ordered') o.newlySkipped += 1;
  }
  return o;
}

/** One outcome per policy, in the order given; every decision is counted once per policy */
export const toleranceModeOutcomes = (decisions: readonly PricedDecision[], policies: readonly TolerancePolicy[]): ModeOutcome[] =>
  policies.map((p) => outcomeOf(p, decisions));

/** Parameters to compare with, each defaulting to the strategy's own (or 1 tick, 1 × spread when it has none) */
export interface ModeComparison {
  ticks?: bigint;
  spreadMultiple?: bigint;
  /** The percentage (micro-percent): fixed_pct's tolerance and the dynamic modes' cap */
  pct?: bigint;
}

/** The three modes to replay: fixed_pct, ticks and spread, with one percentage */
export function policiesToCompare(current: TolerancePolicy, c: ModeComparison = {}): TolerancePolicy[] {
  const pct = c.pct ?? current.pct;
  return [
    { mode: 'fixed_pct', pct, ticks: null, spreadMultiple: null },
    { mode: 'ticks', pct, ticks: c.ticks ?? current.ticks ?? 1n, spreadMultiple: null },
    { mode: 'spread', pct, ticks: null, spreadMultiple: c.spreadMultiple ?? current.spreadMultiple ?? SCALE },
  ];
}

/** The policy is the strategy's own: same mode, parameter and percentage */
export const isCurrentPolicy = (p: TolerancePolicy, current: TolerancePolicy): boolean =>
  p.mode === current.mode && p.pct === current.pct
  && (p.mode !== 'ticks' || p.ticks === current.ticks) && (p.mode !== 'spread' || p.spreadMultiple === current.spreadMultiple);
