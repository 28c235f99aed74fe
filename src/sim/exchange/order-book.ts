/** One token's resting orders in price-time priority, and the walk a crossing order makes through them */
import { costOf, proceedsOf, sharesFor, type Price, type Shares, type Usdc } from '../../domain/money.ts';
import type { BookLevel, OrderSide } from '../../engine/venue-port.ts';
import type { SimOrder } from './exchange-types.ts';

/** A resting order and its place in time: `seq` breaks ties between orders at one price */
export interface Resting {
  order: SimOrder;
  seq: number;
}

export const remainingOf = (order: SimOrder): Shares => (order.originalSize - order.sizeMatched) as Shares;

/** Does a `side` order limited at `limit` trade against a resting order at `resting`? */
export const crossesAt = (side: OrderSide, limit: Price, resting: Price): boolean =>
  side === 'BUY' ? resting <= limit : resting >= limit;

export class OrderBook {
  /** Best first: highest price, then oldest */
  readonly bids: Resting[] = [];
  /** Best first: lowest price, then oldest */
  readonly asks: Resting[] = [];

  add(entry: Resting): void {
    const list = entry.order.side === 'BUY' ? this.bids : this.asks;
    const better = (a: Price, b: Price) => (entry.order.side === 'BUY' ? a > b : a < b);
    // Equal prices keep arrival order (time priority), so insert before the first strictly worse order
    const at = list.findIndex((r) => better(entry.order.price, r.order.price));
    if (at < 0) list.push(entry);
    else list.splice(at, 0, entry);
  }

  remove(orderId: string): boolean {
    for (const list of [this.bids, this.asks]) {
      const at = list.findIndex((r) => r.order.orderId === orderId);
      if (at >= 0) {
        list.splice(at, 1);
        return true;
      }
    }
    return false;
  }

  /** The side a `side` order would trade against */
  opposite(side: OrderSide): Resting[] {
    return side === 'BUY' ? this.asks : this.bids;
  }

  crosses(side: OrderSide, limit: Price): boolean {
    const best = this.opposite(side)[0];
    return best !== undefined && crossesAt(side, limit, best.order.price);
  }

  all(): Resting[] {
    return [...this.bids, ...this.asks];
  }

  levels(): { bids: BookLevel[]; asks: BookLevel[] } {
    return { bids: aggregate(this.bids), asks: aggregate(this.asks) };
  }
}

/** Sums consecutive orders at one price; the lists are sorted, so each price is one run */
function aggregate(list: Resting[]): BookLevel[] {
  const levels: BookLevel[] = [];
  for (const { order } of list) {
    const last = levels[levels.length - 1];
    if (last && last.price === order.price) last.size = (last.size + remainingOf(order)) as Shares;
    else levels.push({ price: order.price, size: remainingOf(order) });
  }
  return levels;
}

export interface TakerSpec {
  side: OrderSide;
  price: Price;
  size: Shares;
  /** A market BUY: spend at most this instead of buying `size` */
  spend?: Usdc;
}

/** One maker order's part of a match, at the maker's price; `cash` is the USDC that changes hands */
export interface PlannedFill {
  maker: SimOrder;
  size: Shares;
  price: Price;
  cash: Usdc;
}

export interface MatchPlan {
  fills: PlannedFill[];
  filled: Shares;
  spent: Usdc;
}

/**
 * What a crossing order would take, level by level at the makers' prices, without changing anything, so FOK can be
 * refused with the book untouched. Cash per fill: a size-limited order moves `proceedsOf` (rounded down), which keeps
 * a resting BUY's payments within what it reserved (`costOf` of its remainder, rounded up). A spend-limited BUY takes
 * the shares its remaining dollars buy and pays `costOf` of them, never more than it has left and never zero
 */
export function planMatch(book: OrderBook, taker: TakerSpec): MatchPlan {
  const fills: PlannedFill[] = [];
  let filled = 0n;
  let spent = 0n;
  for (const { order: maker } of book.opposite(taker.side)) {
    if (!crossesAt(taker.side, taker.price, maker.price)) break;
    const available = remainingOf(maker);
    let size: bigint;
    let cash: bigint;
    if (taker.spend !== undefined) {
      size = min(available, sharesFor((taker.spend - spent) as Usdc, maker.price));
      cash = costOf(size as Shares, maker.price);
    } else {
      size = min(available, taker.size - filled);
      cash = proceedsOf(size as Shares, maker.price);
    }
    // Later levels are no cheaper, so what buys nothing here buys nothing there either
    if (size <= 0n) break;
    fills.push({ maker, size: size as Shares, price: maker.price, cash: cash as Usdc });
    filled += size;
    spent += cash;
  }
  return { fills, filled: filled as Shares, spent: spent as Usdc };
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
