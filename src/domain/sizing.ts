/**
 * Bet sizing for FT and LT alike: the eight allocation methods of the original (ft-original 2.10), with
 * its documented bugs fixed. Every intermediate is exact micro-units with the rounding stated
 */
import type { AllocationMethod, FtWallet } from './ft-wallet.ts';
import { clampMicro, divRound, mulMicro, parseMicros, roundToCents, SCALE, type Price, type Ratio, type Usdc } from './money.ts';

export interface SizingInput {
  /** The trader's raw fill price (not the slipped entry price) */
  price: Price;
  /** Trader win rate − our entry price; null when the trader has no statistics */
  edge: Ratio | null;
  winRate: Ratio | null;
  conviction: Ratio | null;
  /** Model probability; null when no score is available */
  modelProbability: Ratio | null;
  /** Cash available to the strategy: starting + realized − open cost */
  bankroll: Usdc;
}

export type SizingOutcome =
  | { kind: 'sized'; bet: Usdc }
  | { kind: 'missing'; input: 'trader_stats' | 'model_probability' };

const r = (text: string): Ratio => parseMicros(text) as Ratio;
const ONE = SCALE as Ratio;
const HALF = r('0.5');
const ZERO = 0n as Ratio;
/** The decimals the methods use, parsed once */
const R_0_05 = r('0.05');
const R_0_10 = r('0.10');
const R_0_15 = r('0.15');
const R_0_2 = r('0.2');
const R_0_25 = r('0.25');
const R_0_3 = r('0.3');
const R_0_35 = r('0.35');
const R_0_4 = r('0.4');
const R_1 = r('1');
const R_1_5 = r('1.5');
const R_2 = r('2');
const R_2_5 = r('2.5');
const R_3 = r('3');
const NEAR_CERTAIN = 990000n; // p ≥ 0.99: Kelly's (1 − p) denominator blows up, so bet the minimum

/** x / y as a ratio, rounded half-even */
const over = (x: bigint, y: bigint): Ratio => divRound(x * SCALE, y, 'half_even') as Ratio;
/** (x − offset) / span clamped to [0, 1] */
const unit = (x: Ratio, offset: Ratio, span: Ratio): Ratio => clampMicro(over(x - offset, span), ZERO, ONE);
const times = (a: bigint, b: bigint): Ratio => mulMicro(a, b) as Ratio;

/** base = bet_size × bet_allocation_weight (exactly bet_size at the usual weight 1, without the multiplication) */
export const baseBet = (w: FtWallet): Usdc =>
  (w.betAllocationWeight === ONE ? w.betSize : mulMicro(w.betSize, w.betAllocationWeight) as Usdc);

/**
 * The bet in USDC before the cash check: the method's amount, clamped to [min_bet, max_bet] (a null
 * bound is no bound; 0 is a real bound, fixing the original's `||` fallback, bug B19), rounded half-up
 * to cents as the original did
 */
export function sizeBet(w: FtWallet, input: SizingInput): SizingOutcome {
  const raw = methodAmount(w, input);
  if (raw.kind === 'missing') return raw;
  return { kind: 'sized', bet: clampBet(w, raw.bet) };
}

/** A method's amount clamped to [min_bet, max_bet] and rounded half-up to cents (the last step of sizeBet) */
export function clampBet(w: FtWallet, amount: Usdc): Usdc {
  let bet = amount;
  if (w.minBet !== null && bet < w.minBet) bet = w.minBet;
  if (w.maxBet !== null && bet > w.maxBet) bet = w.maxBet;
  return roundToCents(bet, 'half_up');
}

/** FIXED's bet needs no input (base, clamped, to cents), so an evaluator can compute it once per strategy */
export const fixedBet = (w: FtWallet): Usdc => clampBet(w, baseBet(w));

/** Which inputs a method reads; sizeBet reports the first missing one (the model probability before the statistics) */
export interface SizingNeeds { model: boolean; edge: boolean; conviction: boolean; winRate: boolean }

export function sizingNeeds(method: AllocationMethod): SizingNeeds {
  const edge = method === 'KELLY' || method === 'EDGE_SCALED' || method === 'TIERED' || method === 'CONFIDENCE' || method === 'WHALE';
  const all = method === 'CONFIDENCE' || method === 'WHALE';
  return { model: method === 'ML_SCALED' || method === 'WHALE', edge, conviction: all || method === 'CONVICTION', winRate: all };
}

const scaled = (base: Usdc, multiplier: Ratio): SizingOutcome => ({ kind: 'sized', bet: mulMicro(base, multiplier) as Usdc });

function methodAmount(w: FtWallet, input: SizingInput): SizingOutcome {
  const base = baseBet(w);
  const { edge: e, winRate: wr, conviction: c, modelProbability: m } = input;
  switch (w.allocationMethod) {
    case 'FIXED':
      return { kind: 'sized', bet: base };
    case 'KELLY':
      if (e === null) return { kind: 'missing', input: 'trader_stats' };
      return { kind: 'sized', bet: kellyAmount(w, input.price, e, input.bankroll) };
    case 'EDGE_SCALED':
      if (e === null) return { kind: 'missing', input: 'trader_stats' };
      return scaled(base, (ONE + 5n * e) as Ratio);
    case 'TIERED':
      if (e === null) return { kind: 'missing', input: 'trader_stats' };
      return scaled(base, tierMultiplier(e));
    case 'CONVICTION':
      if (c === null) return { kind: 'missing', input: 'trader_stats' };
      return scaled(base, clampMicro(c, HALF, R_3));
    case 'ML_SCALED':
      if (m === null) return { kind: 'missing', input: 'model_probability' };
      return scaled(base, mlScaledMultiplier(m));
    case 'CONFIDENCE':
      if (e === null || c === null || wr === null) return { kind: 'missing', input: 'trader_stats' };
      return scaled(base, (HALF + times(R_1_5, confidenceScore(e, c, wr))) as Ratio);
    case 'WHALE':
      if (m === null) return { kind: 'missing', input: 'model_probability' };
      if (e === null || c === null || wr === null) return { kind: 'missing', input: 'trader_stats' };
      return scaled(base, (HALF + whaleComposite(m, e, c, wr)) as Ratio);
  }
}

/**
 * bankroll × (edge / (1 − p)) × kelly_fraction, one rounding (half-even). A negative edge gives a
 * negative amount, which the clamp lifts to min_bet as in the original; kelly_fraction 0 means bet
 * nothing beyond min_bet (the original fell back to 0.25, bug B19)
 */
export function kellyAmount(w: FtWallet, p: Price, edge: Ratio, bankroll: Usdc): Usdc {
  if (p >= NEAR_CERTAIN) return (w.minBet ?? 0n) as Usdc;
  return divRound(bankroll * edge * w.kellyFraction, (SCALE - p) * SCALE, 'half_even') as Usdc;
}

function tierMultiplier(e: Ratio): Ratio {
  if (e >= R_0_15) return R_2;
  if (e >= R_0_10) return R_1_5;
  if (e >= R_0_05) return R_1;
  return HALF;
}

/**
 * 1 + 2·(m − 0.5), clamped to [0.5, 2]: 1.1× at m = 0.55 and 1.4× at m = 0.70, as the original
 * documented. Its code multiplied by clamp(m, 0.5, 2), which shrank every bet to 0.5–1.0× (bug B7)
 */
export const mlScaledMultiplier = (m: Ratio): Ratio =>
  clampMicro((ONE + 2n * (m - HALF)) as Ratio, HALF, R_2);

/**
 * 0.4·edge/0.20 + 0.3·(c − 0.5)/2.5 + 0.3·(wr − 0.5)/0.30, each part clamped to [0, 1]. The original
 * clamped only from above, so a negative edge could push the bet below half the base
 */
export function confidenceScore(e: Ratio, c: Ratio, wr: Ratio): Ratio {
  return (times(R_0_4, unit(e, ZERO, R_0_2)) +
    times(R_0_3, unit(c, HALF, R_2_5)) +
    times(R_0_3, unit(wr, HALF, R_0_3))) as Ratio;
}

/**
 * 0.35·(m − 0.5)/0.5 + 0.30·(c − 0.5)/2.5 + 0.25·(wr − 0.5)/0.3 + 0.10·edge/0.2, each part clamped to
 * [0, 1], so the multiplier 0.5 + composite spans 0.5–1.5× (the original's comment claimed 2×, bug B7,
 * and its edge part had no lower clamp)
 */
export function whaleComposite(m: Ratio, e: Ratio, c: Ratio, wr: Ratio): Ratio {
  return (times(R_0_35, unit(m, HALF, HALF)) +
    times(R_0_3, unit(c, HALF, R_2_5)) +
    times(R_0_25, unit(wr, HALF, R_0_3)) +
    times(R_0_10, unit(e, ZERO, R_0_2))) as Ratio;
}
