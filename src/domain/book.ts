/** The order book as pure data: levels seen best-first by price, and the walk a taker order makes through them */
import type { OrderSide } from './lt-order.ts';
import { divRound, SCALE, type Price, type Shares } from './money.ts';

export interface BookLevel {
  price: Price;
  size: Shares;
}

export interface BookView {
  /** Ascending by price: the best ask first */
  asks: BookLevel[];
  /** Descending by price: the best bid first */
  bids: BookLevel[];
  bestBid: Price | null;
  bestAsk: Price | null;
  mid: Price | null;
}

/** Sorts the levels itself: the best price is max(bids) / min(asks), never whatever sits at index 0 (INV-34) */
export function viewOf(book: { asks: BookLevel[]; bids: BookLevel[] }): BookView {
  const live = (l: BookLevel) => l.size > 0n && l.price > 0n && l.price < SCALE;
  const asks = book.asks.filter(live).sort((a, b) => (a.price < b.price ? -1 : a.price > b.price ? 1 : 0));
  const bids = book.bids.filter(live).sort((a, b) => (a.price > b.price ? -1 : a.price < b.price ? 1 : 0));
  const bestAsk = asks[0]?.price ?? null;
  const bestBid = bids[0]?.price ?? null;
  const mid = bestAsk !== null && bestBid !== null ? (divRound(bestAsk + bestBid, 2n, 'half_even') as Price) : null;
  return { asks, bids, bestBid, bestAsk, mid };
}

export interface Walk {
  /** Shares the book can fill (up to the size asked) */
  filled: Shares;
  /** Volume-weighted price of those shares, rounded against us (up for a BUY, down for a SELL); null when none */
  vwap: Price | null;
  /** The levels taken, best first */
  levels: BookLevel[];
}

/** Walks the opposite side for `size` shares: asks for a BUY, bids for a SELL; `limit` stops at levels past it */
export function walkBook(view: BookView, side: OrderSide, size: Shares, limit: Price | null = null): Walk {
  const levels: BookLevel[] = [];
  let filled = 0n;
  let notional = 0n;
  for (const level of side === 'BUY' ? view.asks : view.bids) {
    if (filled >= size) break;
    if (limit !== null && (side === 'BUY' ? level.price > limit : level.price < limit)) break;
    const take = level.size < size - filled ? level.size : size - filled;
    levels.push({ price: level.price, size: take as Shares });
    filled += take;
    notional += take * level.price;
  }
  const vwap = filled === 0n ? null : (divRound(notional, filled, side === 'BUY' ? 'up' : 'down') as Price);
  return { filled: filled as Shares, vwap, levels };
}
