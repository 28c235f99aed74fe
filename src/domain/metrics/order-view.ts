/**
 * How one LT order reads on the dashboard (issue 11): its display status, its fill rate (never above 1), its
 * slippage against the signal in ticks and cents, and the figures of its fill legs. Pure; the metrics module's
 * `displayStatus` and fill-rate definitions (branch metrics) are to be reconciled with these
 */
import { LOT } from '../order-amounts.ts';
import type { LtOrderStatus, OrderSide } from '../lt-order.ts';
import { costOf, divRound, proceedsOf, SCALE, type Price, type Ratio, type Shares, type Usdc } from '../money.ts';
import { slippageCents, slippagePct, slippageTicks } from './execution.ts';

/**
 * - `pending`: an intent not submitted yet
 * - `rejected`: the venue said no (and nothing filled)
 * - `filled`: the order is complete: every share, or all but less than one size step (0.01 share, the venue's
 *   smallest size, so the rest could not have been ordered): the remainder of a size rounded to the lot
 * - `open`: resting (or its submit answer or the venue's record is awaited), whatever filled so far
 * - `partially_filled`: it ended (cancelled, expired, or a fill after a rejection) with some fill but not complete:
 *   an FAK 99 % filled is this, not `cancelled`
 * - `cancelled`: it ended (cancelled or expired) with no fill
 */
export const DISPLAY_STATUSES = ['pending', 'open', 'filled', 'partially_filled', 'cancelled', 'rejected'] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

const RESTING: ReadonlySet<LtOrderStatus> = new Set(['unknown', 'open', 'partially_filled', 'lost']);

export interface OrderAmounts {
  status: LtOrderStatus;
  side: OrderSide;
  /** The order's size in shares */
  requestedShares: Shares;
  filledShares: Shares;
  /** The USD the signal sized a BUY at (null: the order is sized in shares, as every SELL is) */
  requestedUsd: Usdc | null;
  filledUsd: Usdc;
}

/** Every share of the order filled, but for less than one size step (0.01 share) */
export const isComplete = (o: Pick<OrderAmounts, 'status' | 'requestedShares' | 'filledShares'>): boolean =>
  o.status === 'filled' || (o.filledShares > 0n && o.requestedShares - o.filledShares < LOT);

export function displayStatus(o: Pick<OrderAmounts, 'status' | 'requestedShares' | 'filledShares'>): DisplayStatus {
  if (o.status === 'pending') return 'pending';
  if (isComplete(o)) return 'filled';
  if (RESTING.has(o.status)) return 'open';
  if (o.filledShares > 0n) return 'partially_filled';
  return o.status === 'rejected' ? 'rejected' : 'cancelled';
}

/**
 * The stored statuses an order of this display status can have: a superset a query may filter on before
 * `displayStatus` decides exactly
 */
export function storedStatusesOf(d: DisplayStatus): LtOrderStatus[] {
  switch (d) {
    case 'pending': return ['pending'];
    case 'open': return ['unknown', 'open', 'partially_filled', 'lost'];
    case 'filled': return ['unknown', 'open', 'partially_filled', 'lost', 'filled', 'cancelled', 'expired', 'rejected'];
    case 'partially_filled': return ['cancelled', 'expired', 'rejected'];
    case 'cancelled': return ['cancelled', 'expired'];
    case 'rejected': return ['rejected'];
  }
}

/** A USD-sized BUY is measured in USD (filled / requested), anything else in shares */
export const isUsdSized = (o: Pick<OrderAmounts, 'side' | 'requestedUsd'>): boolean =>
  o.side === 'BUY' && o.requestedUsd !== null && o.requestedUsd > 0n;

/**
 * Fill rate in [0, 1]: filled USD / requested USD for a USD-sized BUY (so a fill at a better price is never "more
 * than filled"), else filled shares / requested shares; capped at 1, half-even. Null while it has no sample: an
 * order not submitted, resting with no fill, or rejected with no fill
 */
export function orderFillRate(o: OrderAmounts): Ratio | null {
  const shown = displayStatus(o);
  if (shown === 'pending' || shown === 'rejected' || (shown === 'open' && o.filledShares === 0n)) return null;
  const [filled, requested] = isUsdSized(o) ? [o.filledUsd as bigint, o.requestedUsd!] : [o.filledShares, o.requestedShares];
  if (requested <= 0n) return null;
  const rate = divRound(filled * SCALE, requested, 'half_even');
  return (rate > SCALE ? SCALE : rate) as Ratio;
}

export interface SignalSlippage {
  /** s·(executed − signal)/signal·100, micro-percent */
  pct: bigint | null;
  /** s·(executed − signal)/tick, micro-ticks: positive = worse for us */
  ticks: bigint | null;
  /** s·(executed − signal)·100, micro-cents: same sign */
  cents: bigint | null;
}

/** Slippage of the executed VWAP against the signal price, signed so positive is worse for us (s = +1 BUY, −1 SELL) */
export function signalSlippage(side: OrderSide, executed: Price | null, signal: Price, tick: bigint | null): SignalSlippage {
  return {
    pct: slippagePct(side, executed, signal),
    ticks: slippageTicks(side, executed, signal, tick),
    cents: slippageCents(side, executed, signal),
  };
}

export interface OrderFillLeg {
  price: Price;
  shares: Shares;
  feeAsset: 'shares' | 'usdc';
  feeAmount: bigint;
}

/**
 * One leg's USD as the ledger books it (a BUY's cost rounded up, a SELL's proceeds rounded down) and its fee in
 * USD (a fee in shares valued at the leg's price, half-even)
 */
export function legFigures(side: OrderSide, leg: OrderFillLeg): { usd: Usdc; feeUsd: Usdc } {
  const usd = side === 'BUY' ? costOf(leg.shares, leg.price) : proceedsOf(leg.shares, leg.price);
  const feeUsd = leg.feeAsset === 'usdc' ? leg.feeAmount : divRound(leg.feeAmount * leg.price, SCALE, 'half_even');
  return { usd, feeUsd: feeUsd as Usdc };
}

export interface FillSums {
  shares: Shares;
  usd: Usdc;
  feesUsd: Usdc;
  /** VWAP Σ p·q / Σ q (half-even); null without a fill */
  avgPrice: Price | null;
}

/** The order's filled figures: the sums of its legs' figures, so the legs always add up to them */
export function fillSums(side: OrderSide, legs: readonly OrderFillLeg[]): FillSums {
  let shares = 0n, usd = 0n, fees = 0n, notional = 0n;
  for (const leg of legs) {
    const f = legFigures(side, leg);
    [shares, usd, fees, notional] = [shares + leg.shares, usd + f.usd, fees + f.feeUsd, notional + leg.shares * leg.price];
  }
  return {
    shares: shares as Shares, usd: usd as Usdc, feesUsd: fees as Usdc,
    avgPrice: shares > 0n ? (divRound(notional, shares, 'half_even') as Price) : null,
  };
}
