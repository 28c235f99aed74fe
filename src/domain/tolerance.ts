/**
 * The slippage tolerance of an LT order: the worst price we accept for a signal, in one of three modes. `fixed_pct`
 * is a percentage of the signal price; `ticks` (N ticks) and `spread` (k × the current spread) adapt to the
 * market and are capped by that same percentage. Exact: micro-units and integer comparisons, no JS numbers
 */
import { InvariantError } from './errors.ts';
import type { OrderSide } from './lt-order.ts';
import { divRound, SCALE, type Price, type Ratio } from './money.ts';

export const TOLERANCE_MODES = ['fixed_pct', 'ticks', 'spread'] as const;
export type ToleranceMode = (typeof TOLERANCE_MODES)[number];

/** A strategy's tolerance settings */
export interface TolerancePolicy {
  mode: ToleranceMode;
  /** slippage_tolerance_pct in micro-percent (0.5 % = 500_000n): fixed_pct's tolerance, the dynamic modes' cap */
  pct: bigint;
  /** `ticks`: whole ticks from the signal price */
  ticks: bigint | null;
  /** `spread`: the multiple k of the spread, in micro-units (1.5 = 1_500_000n) */
  spreadMultiple: bigint | null;
}

/** What the market showed when the signal was decided */
export interface Quote {
  tick: bigint;
  bestBid: Price | null;
  bestAsk: Price | null;
}

/**
 * Which rule set the allowance: the mode's own distance, the percentage (fixed_pct, or a dynamic distance wider
 * than the cap), or the percentage because the book had no usable spread (one-sided, empty or crossed)
 */
export type AllowanceBasis = 'fixed_pct' | 'ticks' | 'spread' | 'cap' | 'cap_no_spread';

export interface Allowance {
  /** The worst acceptable price on the tick grid: BUY at most, SELL at least; null when the grid has none */
  limit: Price | null;
  /** The allowed distance from the signal price in micro-USDC per share; null when the percentage alone rules */
  distance: bigint | null;
  /** The allowed slippage as a fraction of the signal price (millionths, rounded down when the distance rules) */
  allowed: Ratio;
  basis: AllowanceBasis;
}

/** slippage_tolerance_pct is in percent (0.5 = 0.5 %); the fraction it means, in millionths */
export const toleranceOf = (pct: bigint): Ratio => divRound(pct, 100n, 'down') as Ratio;

/** Signed slippage of `price` against the signal, as a fraction: positive is worse (paid more, or sold for less) */
export function slippageOf(side: OrderSide, signal: Price, price: Price): Ratio {
  const diff = side === 'BUY' ? price - signal : signal - price;
  return divRound(diff * SCALE, signal, 'half_even') as Ratio;
}

/** The price into the venue's range [tick, 1 − tick], or null when that would move it against us */
function clampInOurFavour(side: OrderSide, p: bigint, tick: bigint): Price | null {
  const clamped = p > SCALE - tick ? SCALE - tick : p < tick ? tick : p;
  return (side === 'BUY' ? clamped > p : clamped < p) ? null : (clamped as Price);
}

/**
 * The limit price, computed once from the trader's price: BUY at most signal × (1 + tolerance) rounded down to the
 * tick, SELL at least signal × (1 − tolerance) rounded up, so rounding never widens the tolerance. Clamped to the
 * venue's price range [tick, 1 − tick]; null when no valid price remains
 */
export function limitPriceFor(side: OrderSide, signal: Price, tolerance: Ratio, tick: bigint): Price | null {
  if (tick <= 0n) return null;
  const factor = side === 'BUY' ? SCALE + tolerance : SCALE - tolerance;
  const ticks = divRound(signal * factor, tick * SCALE, side === 'BUY' ? 'down' : 'up');
  return clampInOurFavour(side, ticks * tick, tick);
}

/** signal ± distance, rounded to the tick towards the signal (never wider), clamped as limitPriceFor */
function limitAtDistance(side: OrderSide, signal: Price, distance: bigint, tick: bigint): Price | null {
  if (tick <= 0n) return null;
  const raw = side === 'BUY' ? signal + distance : signal - distance;
  const ticks = divRound(raw, tick, side === 'BUY' ? 'down' : 'up');
  return clampInOurFavour(side, ticks * tick, tick);
}

/** The spread when the book has both sides and is not crossed or locked; null otherwise */
export function spreadOf(q: Quote): bigint | null {
  if (q.bestBid === null || q.bestAsk === null || q.bestAsk <= q.bestBid) return null;
  return q.bestAsk - q.bestBid;
}

/** The dynamic mode's distance in micro-USDC (rounded down), or null when the book gives it none */
function modeDistance(p: TolerancePolicy, q: Quote): bigint | null {
  if (p.mode === 'ticks') {
    if (p.ticks === null || p.ticks < 0n) throw new InvariantError(`ticks mode needs ticks ≥ 0: ${p.ticks}`);
    return p.ticks * q.tick;
  }
  if (p.spreadMultiple === null || p.spreadMultiple <= 0n) throw new InvariantError(`spread mode needs a multiple > 0: ${p.spreadMultiple}`);
  const spread = spreadOf(q);
  return spread === null ? null : divRound(p.spreadMultiple * spread, SCALE, 'down');
}

const byPercentage = (side: OrderSide, signal: Price, cap: Ratio, tick: bigint, basis: AllowanceBasis): Allowance =>
  ({ limit: limitPriceFor(side, signal, cap, tick), distance: null, allowed: cap, basis });

/**
 * The allowance for one signal. fixed_pct: the percentage, as it always was. ticks / spread: the mode's distance
 * when it is within the cap, else exactly the fixed_pct rule at the cap; a spread that the book does not give (a
 * side missing, or bid ≥ ask) falls back to the cap too, so the operator's percentage is never exceeded
 */
export function allowanceFor(p: TolerancePolicy, side: OrderSide, signal: Price, q: Quote): Allowance {
  if (p.pct < 0n) throw new InvariantError(`negative tolerance: ${p.pct}`);
  const cap = toleranceOf(p.pct);
  if (p.mode === 'fixed_pct') return byPercentage(side, signal, cap, q.tick, 'fixed_pct');
  const distance = modeDistance(p, q);
  if (distance === null) return byPercentage(side, signal, cap, q.tick, 'cap_no_spread');
  // Within the cap when distance / signal ≤ cap / 10⁶, compared exactly
  if (distance * SCALE > signal * cap) return byPercentage(side, signal, cap, q.tick, 'cap');
  return { limit: limitAtDistance(side, signal, distance, q.tick), distance,
    allowed: divRound(distance * SCALE, signal, 'down') as Ratio, basis: p.mode };
}

export interface SlippageCheck {
  ok: boolean;
  /** The expected slippage as a fraction of the signal price (positive is worse) */
  slippage: Ratio;
}

/**
 * Whether an expected price (the book walk's VWAP) is within the allowance. By the percentage: the rounded
 * slippage fraction ≤ the tolerance (the fixed_pct rule); by a distance: the price moved at most that far
 */
export function checkSlippage(a: Allowance, side: OrderSide, signal: Price, expected: Price): SlippageCheck {
  const slippage = slippageOf(side, signal, expected);
  if (a.distance === null) return { ok: slippage <= a.allowed, slippage };
  const worse = side === 'BUY' ? expected - signal : signal - expected;
  return { ok: worse <= a.distance, slippage };
}

export type ToleranceDecision =
  | { kind: 'ok'; allowance: Allowance & { limit: Price }; slippage: Ratio | null }
  | { kind: 'price_range'; allowance: Allowance }
  | { kind: 'slippage'; allowance: Allowance; slippage: Ratio };

/**
 * One signal under a policy: the limit must exist on the tick grid, and the expected price (null: nothing to
 * walk, as a resting order on an empty side) must be within the allowance
 */
export function decideTolerance(p: TolerancePolicy, side: OrderSide, signal: Price, q: Quote,
  expected: Price | null): ToleranceDecision {
  const allowance = allowanceFor(p, side, signal, q);
  if (allowance.limit === null) return { kind: 'price_range', allowance };
  if (expected === null) return { kind: 'ok', allowance: allowance as Allowance & { limit: Price }, slippage: null };
  const check = checkSlippage(allowance, side, signal, expected);
  return check.ok ? { kind: 'ok', allowance: allowance as Allowance & { limit: Price }, slippage: check.slippage }
    : { kind: 'slippage', allowance, slippage: check.slippage };
}
