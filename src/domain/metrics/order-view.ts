/**
 * How one LT order reads on the dashboard's order pages: the stored statuses behind each display status, its slippage
 * against the signal in ticks and cents, and the figures of its fill legs. Pure. The display status and the fill rate
 * themselves are execution.ts's (`displayStatus`, `fillRateOf`), the one definition the quality rows use too
 */
import type { LtOrderStatus, OrderSide } from '../lt-order.ts';
import { costOf, divRound, proceedsOf, SCALE, type Price, type Shares, type Usdc } from '../money.ts';
import { slippageCents, slippagePct, slippageTicks, type DisplayStatus } from './execution.ts';

/**
 * The stored statuses an order of this display status can have (execution.ts `displayStatus`: an ended order reads
 * filled, partially_filled or cancelled by its fill rate): the set a query filters on before `displayStatus` decides
 */
export function storedStatusesOf(d: DisplayStatus): LtOrderStatus[] {
  switch (d) {
    case 'pending': return ['pending'];
    case 'open': return ['unknown', 'open', 'partially_filled'];
    case 'rejected': return ['rejected'];
    case 'filled': return ['filled', 'cancelled', 'expired', 'lost'];
    case 'partially_filled': case 'cancelled': return ['cancelled', 'expired', 'lost'];
  }
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
