/** Pure LT order pricing: the limit from the signal and tolerance, slippage, and order sizes (the book walk is the domain's, src/domain/book.ts) */
import type { OrderSide } from '../domain/lt-order.ts';
import { divRound, SCALE, type Price, type Ratio, type Shares, type Usdc } from '../domain/money.ts';
import { LOT } from '../domain/order-amounts.ts';

/** slippage_tolerance_pct is in percent (0.5 = 0.5 %); the fraction it means, in millionths */
export const toleranceOf = (pct: Ratio): Ratio => divRound(pct, 100n, 'down') as Ratio;

/**
 * The limit price, computed once from the trader's price: BUY at most signal × (1 + tolerance) rounded down to the
 * tick, SELL at least signal × (1 − tolerance) rounded up, so rounding never widens the tolerance. Clamped to the
 * venue's price range [tick, 1 − tick]; null when no valid price remains
 */
export function limitPriceFor(side: OrderSide, signal: Price, tolerance: Ratio, tick: bigint): Price | null {
  if (tick <= 0n) return null;
  const factor = side === 'BUY' ? SCALE + tolerance : SCALE - tolerance;
  const raw = signal * factor; // micro² units
  const ticks = divRound(raw, tick * SCALE, side === 'BUY' ? 'down' : 'up');
  const price = ticks * tick;
  const clamped = price > SCALE - tick ? SCALE - tick : price < tick ? tick : price;
  // Clamping may only move the limit in our favour; the other way would break the tolerance
  if (side === 'BUY' ? clamped > price : clamped < price) return null;
  return clamped as Price;
}

/** Signed slippage of `price` against the signal, as a fraction: positive is worse (paid more, or sold for less) */
export function slippageOf(side: OrderSide, signal: Price, price: Price): Ratio {
  const diff = side === 'BUY' ? price - signal : signal - price;
  return divRound(diff * SCALE, signal, 'half_even') as Ratio;
}

/** A fraction as percent text with 4 decimals (0.012345 → "1.2345") */
export const pctText = (fraction: bigint): string => {
  const pct = fraction * 100n;
  const sign = pct < 0n ? '-' : '';
  const abs = pct < 0n ? -pct : pct;
  const whole = abs / SCALE;
  const frac = divRound(abs % SCALE, 100n, 'half_even').toString().padStart(4, '0');
  return `${sign}${whole}.${frac}`;
};

const floorLot = (v: bigint): bigint => (v / LOT) * LOT;
const ceilLot = (v: bigint): bigint => divRound(v, LOT, 'up') * LOT;

/**
 * Shares for a BUY of `bet` at `limit`, after the LT-only clamps: a bet above max_order_usd is cut to it, a bet
 * below min_order_usd is raised to it (and then rounded up to a lot, so the order really reaches the minimum).
 * Otherwise bet / limit rounded down to the venue's 2-decimal lot, so the cost never exceeds the bet
 */
export function entryShares(bet: Usdc, limit: Price, minOrder: Usdc | null, maxOrder: Usdc | null): Shares {
  let amount: bigint = bet;
  if (maxOrder !== null && amount > maxOrder) amount = maxOrder;
  const raised = minOrder !== null && amount < minOrder;
  if (raised) amount = minOrder;
  const exact = divRound(amount * SCALE, limit, raised ? 'up' : 'down');
  return (raised ? ceilLot(exact) : floorLot(exact)) as Shares;
}

/**
 * Shares to sell for an exit: the fraction the trader's sale closed of the paper position (closed / before)
 * applied to what we can sell, rounded down to a lot, never more than we hold
 */
export function exitShares(sellable: Shares, closed: Shares, before: Shares): Shares {
  if (sellable <= 0n || closed <= 0n || before <= 0n) return 0n as Shares;
  const part = closed >= before ? sellable : divRound(sellable * closed, before, 'down');
  return floorLot(part > sellable ? sellable : part) as Shares;
}
