/** Paper positions: opening at the slipped price, exits that follow the trader's sells, and settlement */
import { divRound, proceedsOf, SCALE, sharesFor, type Price, type Shares, type Usdc } from './money.ts';

export type FtOutcome = 'OPEN' | 'WON' | 'LOST' | 'SOLD' | 'VOID';

/** The open part of one paper order */
export interface OpenPart {
  shares: Shares;
  cost: Usdc;
}

export interface Close {
  shares: Shares;
  proceeds: Usdc;
  /** The part of the order's cost this close takes out of the open position */
  costBasis: Usdc;
  pnl: Usdc;
  /** True when nothing stays open */
  full: boolean;
}

/** shares = cost / entry price, rounded down */
export const openPaper = (cost: Usdc, entryPrice: Price): OpenPart => ({ shares: sharesFor(cost, entryPrice), cost });

/**
 * The trader sold `sold` of the `held` shares they had of this token: we close the same fraction of our
 * open part at the sell price. A trader holding no more than they sell (or unknown holdings) closes all
 */
export function closeFraction(open: OpenPart, sold: Shares, held: Shares, sellPrice: Price): Close {
  if (held <= sold || held <= 0n) return closePart(open, open.shares, sellPrice);
  const portion = divRound(open.shares * sold, held, 'down') as Shares;
  return closePart(open, portion, sellPrice);
}

/** Closes `portion` of the open shares at `at` per share; the cost basis is pro rata, half-even */
export function closePart(open: OpenPart, portion: Shares, at: bigint): Close {
  const full = portion >= open.shares;
  const shares = (full ? open.shares : portion) as Shares;
  const costBasis = (full ? open.cost : divRound(open.cost * shares, open.shares, 'half_even')) as Usdc;
  const proceeds = proceedsOf(shares, at);
  return { shares, proceeds, costBasis, pnl: (proceeds - costBasis) as Usdc, full };
}

/** Settles what stays open at the market's payout per share: 1 won, 0 lost, anything between is void */
export function settle(open: OpenPart, payout: bigint): Close & { outcome: FtOutcome } {
  const close = closePart(open, open.shares, payout);
  const outcome: FtOutcome = payout === SCALE ? 'WON' : payout === 0n ? 'LOST' : 'VOID';
  return { ...close, full: true, outcome };
}

/** Cash = starting + realized (exits and settlements) − cost still open; never topped up */
export const cashOf = (starting: Usdc, realized: Usdc, openCost: Usdc): Usdc => (starting + realized - openCost) as Usdc;
