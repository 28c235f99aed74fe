/**
 * Execution quality of one live order (PRODUCT.md §6, peers-and-tca.md §4): the book at intent, what was
 * filled and at what VWAP, fees, fill rates, slippage against the signal, the estimate and the mid (in
 * percent, cents and ticks), latencies and the versioned quality score. Signed so that positive is worse
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
  fillRate: Ratio; fillRateUsd: Ratio | null;
  partialFillCount: number;
  expectedSlippagePct: bigint | null;
  signalSlippagePct: bigint | null; signalSlippageCents: bigint | null;
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

/** later − earlier in milliseconds; null when either is missing */
export const msBetween = (earlier: Date | null, later: Date | null): number | null =>
  earlier === null || later === null ? null : later.getTime() - earlier.getTime();

export function orderQuality(input: OrderQualityInput): OrderQuality {
  const { side, signalPrice, size } = input;
  if (size <= 0n) throw new InvariantError(`an order of non-positive size: ${size}`);
  const { mid, spread } = bookAt(input.bestBid, input.bestAsk);
  const totals = fillTotals(input.fills);
  const executed = totals.executedPrice;
  const fillRate = divRound(totals.filledShares * SCALE, size, 'half_even') as Ratio;
  const fillRateUsd = input.intendedUsd > 0n
    ? (divRound(totals.notionalPico, input.intendedUsd, 'half_even') as Ratio)
    : null;
  const signalSlippagePct = slippagePct(side, executed, signalPrice);
  const orderLatencyMs = msBetween(input.signalAt, input.submittedAt);
  return {
    mid, spread,
    executedPrice: executed,
    filledShares: totals.filledShares, filledUsd: totals.filledUsd, feesUsd: totals.feesUsd,
    fillRate, fillRateUsd,
    partialFillCount: partialFillCount(input.fills, size),
    expectedSlippagePct: slippagePct(side, input.expectedPrice, signalPrice),
    signalSlippagePct,
    signalSlippageCents: slippageCents(side, executed, signalPrice),
    midSlippagePct: slippagePct(side, executed, mid),
    midSlippageCents: slippageCents(side, executed, mid),
    midSlippageTicks: slippageTicks(side, executed, mid, input.tickSize),
    orderLatencyMs,
    fillLatencyMs: msBetween(input.submittedAt, totals.firstFillAt),
    detectionLatencyMs: msBetween(input.sourceTradeAt, input.detectedAt ?? input.signalAt),
    score: qualityScore({
      signalSlippagePct, fillRate: fillRate, orderLatencyMs,
      slippageTolerancePct: input.slippageTolerancePct, latencyThresholdMs: input.latencyThresholdMs,
    }),
  };
}
