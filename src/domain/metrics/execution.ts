/**
 * Execution quality of one live order (PRODUCT.md §6, peers-and-tca.md §4): the book at intent, what was
 * filled and at what VWAP, fees, fill rates, slippage against the signal, the estimate and the mid (in
 * percent, cents and ticks), latencies, the status an operator reads and the versioned quality score. Signed so
 * that positive is worse
 */
import { InvariantError } from '../errors.ts';
import { divRound, SCALE, type Price, type Ratio, type Shares, type Usdc } from '../money.ts';
import type { Side } from '../trade.ts';
import { qualityScore, type QualityScore } from './quality-score.ts';

export interface FillLeg { price: Price; size: Shares; feeAsset: 'shares' | 'usdc'; feeAmount: bigint; at: Date }

export interface OrderQualityInput {
  side: Side; orderType: string; status: string;
  signalPrice: Price;
  size: Shares;
  intendedUsd: Usdc;
  expectedPrice: Price | null; bestBid: Price | null; bestAsk: Price | null; tickSize: Price | null;
  fills: readonly FillLeg[];
  /** The order's limit: a USD-sized BUY (FOK/FAK) requests limit × size in dollars (order-amounts.ts); absent → intendedUsd */
  limitPrice?: Price | null;
  sourceTradeAt: Date | null; signalAt: Date | null; submittedAt: Date | null;
  /** When Tandem received the source trade (RTDS or the poll); absent or null when not recorded */
  detectedAt?: Date | null;
  slippageTolerancePct: bigint;
  latencyThresholdMs: number | null;
}

export interface OrderQuality {
  mid: Price | null; spread: Price | null;
  executedPrice: Price | null;
  filledShares: Shares; filledUsd: Usdc;
  feesUsd: Usdc;
  /** min(filled, requested)/requested in the request's unit (fillRateBasis): never above 1 */
  fillRate: Ratio; fillRateBasis: FillBasis; displayStatus: DisplayStatus;
  /** filledShares/size, not clamped: a USD-sized BUY at a better price buys more shares than `size` */
  quantityFillRate: Ratio;
  /** min(filledUsd, requestedUsd)/requestedUsd; null when requestedUsd = 0 */
  fillRateUsd: Ratio | null;
  requestedUsd: Usdc;
  partialFillCount: number;
  expectedSlippagePct: bigint | null;
  signalSlippagePct: bigint | null; signalSlippageCents: bigint | null; signalSlippageTicks: bigint | null;
  midSlippagePct: bigint | null; midSlippageCents: bigint | null; midSlippageTicks: bigint | null;
  orderLatencyMs: number | null;
  fillLatencyMs: number | null;
  detectionLatencyMs: number | null;
  score: QualityScore;
}

/** s = +1 for BUY, −1 for SELL: a higher price is worse for a buyer, a lower one for a seller */
export const sideSign = (side: Side): bigint => (side === 'BUY' ? 1n : -1n);

/** s·(price − reference)/reference·100 in micro-percent (half-even); null when either is missing or reference ≤ 0 */
export function slippagePct(side: Side, priceMicros: bigint | null, reference: bigint | null): bigint | null {
  if (priceMicros === null || reference === null || reference <= 0n) return null;
  return divRound(sideSign(side) * (priceMicros - reference) * 100n * SCALE, reference, 'half_even');
}

/** s·(price − reference) in micro-cents (exact: a micro-price × 100) */
export function slippageCents(side: Side, priceMicros: bigint | null, reference: bigint | null): bigint | null {
  if (priceMicros === null || reference === null) return null;
  return sideSign(side) * (priceMicros - reference) * 100n;
}

/** s·(price − reference)/tick in micro-ticks (half-even); null without a positive tick */
export function slippageTicks(side: Side, priceMicros: bigint | null, reference: bigint | null, tick: bigint | null): bigint | null {
  if (priceMicros === null || reference === null || tick === null || tick <= 0n) return null;
  return divRound(sideSign(side) * (priceMicros - reference) * SCALE, tick, 'half_even');
}

/**
 * s·(price − reference) as a percent of the $1 an outcome share pays (micro-percent): the basis of the mid
 * slippage. Against the price itself, one tick on a 0.03 token reads 20–50 %; against the payout it reads what it
 * costs per dollar at stake at resolution, the same for every price level (numerically equal to the cents)
 */
export function payoutPct(side: Side, priceMicros: bigint | null, reference: bigint | null): bigint | null {
  if (priceMicros === null || reference === null) return null;
  return sideSign(side) * (priceMicros - reference) * 100n;
}

export interface SlippageFigures {
  signalPct: bigint | null; signalCents: bigint | null; signalTicks: bigint | null;
  midPct: bigint | null; midCents: bigint | null; midTicks: bigint | null;
}

/**
 * The slippage figures of an executed price against the signal (pct of the signal price, cents, ticks) and against
 * the mid (pct of the $1 payout, cents, ticks): what a stored quality row is read back as, so a row written under an
 * older definition reads by the current one
 */
export function slippageFigures(side: Side, executed: bigint | null, signal: bigint | null, mid: bigint | null,
  tick: bigint | null): SlippageFigures {
  return {
    signalPct: slippagePct(side, executed, signal), signalCents: slippageCents(side, executed, signal),
    signalTicks: slippageTicks(side, executed, signal, tick),
    midPct: payoutPct(side, executed, mid), midCents: slippageCents(side, executed, mid), midTicks: slippageTicks(side, executed, mid, tick),
  };
}

/** Mid (half-even) and spread (ask − bid) of the book at intent; null unless both sides exist */
export function bookAt(bestBid: Price | null, bestAsk: Price | null): { mid: Price | null; spread: Price | null } {
  if (bestBid === null || bestAsk === null) return { mid: null, spread: null };
  return { mid: divRound(bestBid + bestAsk, 2n, 'half_even') as Price, spread: (bestAsk - bestBid) as Price };
}

export interface FillTotals {
  filledShares: Shares;
  /** Σ p·q in pico-USDC (micro-shares × micro-price), exact */
  notionalPico: bigint;
  executedPrice: Price | null;
  filledUsd: Usdc;
  feesUsd: Usdc;
  firstFillAt: Date | null;
}

/** Totals of the fill legs: VWAP = Σ(p·q)/Σq and USD = Σ p·q, each rounded half-even once over the sum */
export function fillTotals(fills: readonly FillLeg[]): FillTotals {
  let filled = 0n;
  let notional = 0n;
  let feesPico = 0n;
  let first: Date | null = null;
  for (const f of fills) {
    if (f.size < 0n || f.feeAmount < 0n) throw new InvariantError('a fill leg with a negative size or fee');
    filled += f.size;
    notional += f.size * f.price;
    feesPico += f.feeAsset === 'usdc' ? f.feeAmount * SCALE : f.feeAmount * f.price;
    if (first === null || f.at.getTime() < first.getTime()) first = f.at;
  }
  return {
    filledShares: filled as Shares,
    notionalPico: notional,
    executedPrice: filled > 0n ? (divRound(notional, filled, 'half_even') as Price) : null,
    filledUsd: divRound(notional, SCALE, 'half_even') as Usdc,
    feesUsd: divRound(feesPico, SCALE, 'half_even') as Usdc,
    firstFillAt: first,
  };
}

/** Fills (in time order) after which the cumulative filled size is still below the intended size */
export function partialFillCount(fills: readonly FillLeg[], size: Shares): number {
  const ordered = [...fills].sort((a, b) => a.at.getTime() - b.at.getTime());
  let cumulative = 0n;
  let count = 0;
  for (const f of ordered) {
    cumulative += f.size;
    if (cumulative < size) count += 1;
  }
  return count;
}

// ---- What was requested, what share of it filled, and the status an operator reads

/** Which unit an order's request is in: a market BUY (FOK/FAK) signs dollars, every other order shares */
export type FillBasis = 'usd' | 'shares';

/** A market BUY (FOK/FAK) is sized in USD (order-amounts.ts `isMarketBuy`): better prices buy more shares */
export const isUsdSized = (side: Side, orderType: string): boolean =>
  side === 'BUY' && (orderType === 'FOK' || orderType === 'FAK');

const CENT = 10_000n;

/**
 * The USD an order requests: a USD-sized BUY the dollars it signs, limit × size cut down to the cent
 * (order-amounts.ts `marketBuy`); any other order its notional at the limit, limit × size half-even
 */
export function requestedUsdOf(usdSized: boolean, limit: Price, size: Shares): Usdc {
  if (!usdSized) return divRound(limit * size, SCALE, 'half_even') as Usdc;
  return (divRound(limit * size, SCALE * CENT, 'down') * CENT) as Usdc;
}

export interface FillRateInput { usdSized: boolean; requestedShares: Shares; filledShares: Shares; requestedUsd: Usdc | null; filledUsd: Usdc }
export interface FillRate { rate: Ratio; basis: FillBasis; requested: bigint; filled: bigint }

/**
 * The fill rate in the request's unit, min(filled, requested)/requested half-even, so never above 1: a USD-sized
 * BUY in USD (filled USD over the dollars signed: a fill at a better price is not "more than filled"), any other
 * order in shares. A USD-sized order without a positive requested USD falls back to shares
 */
export function fillRateOf(o: FillRateInput): FillRate {
  const usd = o.usdSized && o.requestedUsd !== null && o.requestedUsd > 0n;
  const requested: bigint = usd ? o.requestedUsd! : o.requestedShares;
  const filled: bigint = usd ? o.filledUsd : o.filledShares;
  if (requested <= 0n) throw new InvariantError(`a fill rate of a non-positive request: ${requested}`);
  const capped = filled < requested ? filled : requested;
  return { rate: divRound(capped * SCALE, requested, 'half_even') as Ratio, basis: usd ? 'usd' : 'shares', requested, filled };
}

export const DISPLAY_STATUSES = ['filled', 'partially_filled', 'cancelled', 'open', 'rejected', 'pending'] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

/** An ended order counts as filled from 99.5 % of its request (the venue's lot and cent rounding leave dust) */
export const FILLED_THRESHOLD = 995_000n as Ratio;

/**
 * What an order is, for an operator, from its stored status and its fill rate (fillRateOf):
 * pending = the intent is written, nothing sent; open = at the venue and may still fill (open, partially_filled
 * resting, or unknown: sent, answer not known yet); rejected = refused by the venue; filled = status filled, or
 * ended (cancelled, expired, lost) with fill rate ≥ 99.5 %; partially_filled = ended with some fill below that
 * (an FAK 99 % filled is this, not "cancelled"); cancelled = ended with no fill
 */
export function displayStatus(status: string, fillRate: Ratio | null): DisplayStatus {
  switch (status) {
    case 'pending': return 'pending';
    case 'open': case 'partially_filled': case 'unknown': return 'open';
    case 'rejected': return 'rejected';
    case 'filled': return 'filled';
    case 'cancelled': case 'expired': case 'lost': {
      if (fillRate === null || fillRate <= 0n) return 'cancelled';
      return fillRate >= FILLED_THRESHOLD ? 'filled' : 'partially_filled';
    }
    default: throw new InvariantError(`an order status the metrics do not know: ${status}`);
  }
}

/** later − earlier in milliseconds; null when either is missing */
export const msBetween = (earlier: Date | null, later: Date | null): number | null =>
  earlier === null || later === null ? null : later.getTime() - earlier.getTime();

export function orderQuality(input: OrderQualityInput): OrderQuality {
  const { side, signalPrice, size } = input;
  if (size <= 0n) throw new InvariantError(`an order of non-positive size: ${size}`);
  const { mid, spread } = bookAt(input.bestBid, input.bestAsk);
  const totals = fillTotals(input.fills);
  const executed = totals.executedPrice;
  const quantityFillRate = divRound(totals.filledShares * SCALE, size, 'half_even') as Ratio;
  const usdSized = isUsdSized(side, input.orderType);
  const limit = input.limitPrice ?? null;
  const requestedUsd = limit === null ? input.intendedUsd : requestedUsdOf(usdSized, limit, size);
  const fill = fillRateOf({ usdSized, requestedShares: size, filledShares: totals.filledShares, requestedUsd, filledUsd: totals.filledUsd });
  const usdRate = fillRateOf({ usdSized: true, requestedShares: size, filledShares: totals.filledShares, requestedUsd, filledUsd: totals.filledUsd });
  const signalSlippagePct = slippagePct(side, executed, signalPrice);
  const orderLatencyMs = msBetween(input.signalAt, input.submittedAt);
  return {
    mid, spread,
    executedPrice: executed,
    filledShares: totals.filledShares, filledUsd: totals.filledUsd, feesUsd: totals.feesUsd,
    fillRate: fill.rate, fillRateBasis: fill.basis, displayStatus: displayStatus(input.status, fill.rate), quantityFillRate,
    fillRateUsd: usdRate.basis === 'usd' ? usdRate.rate : null, requestedUsd,
    partialFillCount: partialFillCount(input.fills, size),
    expectedSlippagePct: slippagePct(side, input.expectedPrice, signalPrice),
    signalSlippagePct,
    signalSlippageCents: slippageCents(side, executed, signalPrice),
    signalSlippageTicks: slippageTicks(side, executed, signalPrice, input.tickSize),
    midSlippagePct: payoutPct(side, executed, mid),
    midSlippageCents: slippageCents(side, executed, mid),
    midSlippageTicks: slippageTicks(side, executed, mid, input.tickSize),
    orderLatencyMs,
    fillLatencyMs: msBetween(input.submittedAt, totals.firstFillAt),
    detectionLatencyMs: msBetween(input.sourceTradeAt, input.detectedAt ?? input.signalAt),
    score: qualityScore({
      // q1 is frozen: its fill component is min(1, shares filled / size), as it always was
      signalSlippagePct, fillRate: quantityFillRate, orderLatencyMs,
      slippageTolerancePct: input.slippageTolerancePct, latencyThresholdMs: input.latencyThresholdMs,
    }),
  };
}
