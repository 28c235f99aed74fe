/** Pure LT order pricing: percent text and order sizes (the book walk is the domain's, src/domain/book.ts; the limit and slippage, src/domain/tolerance.ts) */
import { divRound, SCALE, type Price, type Shares, type Usdc } from '../domain/money.ts';
import { LOT } from '../domain/order-amounts.ts';

/** The tolerance rules are the domain's (src/domain/tolerance.ts); re-exported for the pricing callers */
export { limitPriceFor, slippageOf, toleranceOf } from '../domain/tolerance.ts';

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
