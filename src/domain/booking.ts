/**
 * The booking rule: what one venue fact (a fill, or an order event) writes. Given the order, what the ledger
 * holds for it and, for a SELL, the position it sells from, it returns the ledger rows to append and the order's
 * next state. Pure: the engine loads these facts once, asks here, and writes the answer once
 */
import { InvariantError } from './errors.ts';
import type { LedgerKind, LedgerSums } from './ledger.ts';
import { applyOrderEvent, isTerminal, type LtOrderState, type LtOrderStatus, type OrderEvent } from './lt-order.ts';
import { costOf, divRound, proceedsOf, type Price, type Shares, type Usdc } from './money.ts';
import type { Side } from './trade.ts';

/** The order facts the rule needs */
export interface BookedOrder {
  orderId: string;
  side: Side;
  tokenId: string;
  limitPrice: Price;
  size: Shares;
  filled: Shares;
  status: LtOrderStatus;
}

/** What the ledger says about one order (a fold of its rows) */
export interface OrderLedger {
  /** Cash still reserved for it */
  reserved: Usdc;
  /** Σ cost of its BUY fills */
  buyCost: Usdc;
  /** How often a lost order was reserved again */
  reopens: number;
  /** Σ (sell proceeds − cost basis) + Σ (settlement − cost basis) − fees booked on it */
  realized: Usdc;
}

export const EMPTY_ORDER_LEDGER: OrderLedger = { reserved: 0n as Usdc, buyCost: 0n as Usdc, reopens: 0, realized: 0n as Usdc };

/** What a strategy holds from one FT signal (the shares a SELL can sell, and their cost basis) */
export interface HeldPosition {
  shares: Shares;
  cost: Usdc;
}

/** One of our fill legs as the venue reported it */
export interface FillFact {
  fillId: string;
  side: Side;
  tokenId: string;
  price: Price;
  size: Shares;
  /** Taker fee: in shares on a BUY, in USDC on a SELL */
  fee: { asset: 'shares' | 'usdc'; amount: bigint };
}

/** A ledger row to append for the order; `ref` names the transition so it is booked once */
export interface LedgerDraft {
  kind: LedgerKind;
  amount: Usdc;
  costBasis?: Usdc;
  ref: string;
}

export interface Booking {
  ledger: LedgerDraft[];
  event: OrderEvent;
  next: LtOrderState;
}

const REOPEN_PREFIX = 'reopen:';

/** The order's ledger summary from its per-kind sums and the number of its reopen reservations */
export function orderLedgerFromSums(sums: LedgerSums, reopens: number): OrderLedger {
  const a = (k: LedgerKind) => sums[k]?.amount ?? 0n;
  const b = (k: LedgerKind) => sums[k]?.costBasis ?? 0n;
  return {
    reserved: (a('reserve') - a('release') - a('buy_fill')) as Usdc,
    buyCost: a('buy_fill') as Usdc,
    reopens,
    realized: (a('sell_fill') - b('sell_fill') + a('settlement') - b('settlement') - a('fee')) as Usdc,
  };
}

/** The summary after appending `drafts` (the same fold as orderLedgerFromSums, one row at a time) */
export function orderLedgerAfter(led: OrderLedger, drafts: readonly LedgerDraft[]): OrderLedger {
  let { reserved, buyCost, reopens, realized } = led as { reserved: bigint; buyCost: bigint; reopens: number; realized: bigint };
  for (const d of drafts) {
    const basis = d.costBasis ?? 0n;
    if (d.kind === 'reserve') [reserved, reopens] = [reserved + d.amount, reopens + (d.ref.startsWith(REOPEN_PREFIX) ? 1 : 0)];
    else if (d.kind === 'release') reserved -= d.amount;
    else if (d.kind === 'buy_fill') [reserved, buyCost] = [reserved - d.amount, buyCost + d.amount];
    else if (d.kind === 'sell_fill' || d.kind === 'settlement') realized += d.amount - basis;
    else if (d.kind === 'fee') realized -= d.amount;
  }
  return { reserved: reserved as Usdc, buyCost: buyCost as Usdc, reopens, realized: realized as Usdc };
}

/** A fill must be our leg of this order, never worse than its limit (INV-24); anything else is refused */
export function checkFill(order: BookedOrder, fill: FillFact): void {
  if (fill.side !== order.side || fill.tokenId !== order.tokenId) {
    throw new InvariantError(`fill ${fill.fillId} does not match order ${order.orderId} (side or token)`);
  }
  if (order.side === 'BUY' ? fill.price > order.limitPrice : fill.price < order.limitPrice) {
    throw new InvariantError(`fill ${fill.fillId} at ${fill.price} is beyond the limit ${order.limitPrice} of ${order.orderId}`);
  }
}

/**
 * The ledger side of one fill. A BUY's cost comes out of its reservation; a fill on an order already released
 * (a late report after a terminal state) first takes the cash it really spent from available. A SELL moves the
 * pro-rata cost basis out of the position and books its USDC fee
 */
export function fillLedger(order: BookedOrder, led: OrderLedger, position: HeldPosition | null, fill: FillFact): LedgerDraft[] {
  const ref = `fill:${order.orderId}:${fill.fillId}`;
  if (order.side === 'BUY') {
    const cost = costOf(fill.size, fill.price);
    const topUp = cost - led.reserved;
    const top: LedgerDraft[] = topUp > 0n ? [{ kind: 'reserve', amount: topUp as Usdc, ref: `topup:${order.orderId}:${fill.fillId}` }] : [];
    return [...top, { kind: 'buy_fill', amount: cost, ref }];
  }
  if (!position || fill.size > position.shares) {
    throw new InvariantError(`sell fill ${fill.fillId} of ${fill.size} exceeds the ${position?.shares ?? 0n} shares held`);
  }
  const basis = fill.size === position.shares ? position.cost
    : (divRound(position.cost * fill.size, position.shares, 'half_even') as Usdc);
  const fee = fill.fee.asset === 'usdc' ? fill.fee.amount : 0n;
  return [
    { kind: 'sell_fill', amount: proceedsOf(fill.size, fill.price), costBasis: basis, ref },
    ...(fee > 0n ? [{ kind: 'fee' as const, amount: fee as Usdc, ref: `fee:${order.orderId}:${fill.fillId}` }] : []),
  ];
}

/** True when deciding `event` needs the order's ledger: a lost order reopening, or an order ending or getting lost */
export function eventNeedsLedger(order: BookedOrder, event: OrderEvent): boolean {
  if (order.status === 'lost' && event.type !== 'lost') return true;
  const next = applyOrderEvent(stateOf(order), event).status;
  return event.type !== 'late_fill' && (isTerminal(next) || next === 'lost');
}

/**
 * An order event: a lost order showing signs of life reserves again what its open remainder can cost at the
 * limit; an order that ends (or is lost) releases what is still reserved, once per reservation generation.
 * `led` is the ledger after the event's own rows (a fill's); `state` may carry a BUY's size grown by an overfill
 */
export function decideEvent(order: BookedOrder, led: OrderLedger, event: OrderEvent,
  state: LtOrderState = stateOf(order)): { next: LtOrderState; ledger: LedgerDraft[] } {
  const ledger: LedgerDraft[] = [];
  if (order.status === 'lost' && event.type !== 'lost' && order.side === 'BUY') {
    const top = costOf(order.size, order.limitPrice) - led.buyCost - led.reserved;
    if (top > 0n) ledger.push({ kind: 'reserve', amount: top as Usdc, ref: `${REOPEN_PREFIX}${order.orderId}:${led.reopens + 1}` });
  }
  const next = applyOrderEvent(state, event);
  if (event.type !== 'late_fill' && (isTerminal(next.status) || next.status === 'lost')) {
    const now = orderLedgerAfter(led, ledger);
    if (now.reserved < 0n) throw new InvariantError(`order ${order.orderId}: reservation below zero`);
    const ref = now.reopens === 0 ? `release:${order.orderId}` : `release:${order.orderId}:${now.reopens}`;
    if (now.reserved > 0n) ledger.push({ kind: 'release', amount: now.reserved, ref });
  }
  return { next, ledger };
}

/**
 * One fill, booked: its ledger rows, then the order event it is (`fill`, or `late_fill` on an order that has
 * ended) with the rows that event writes. A market BUY may buy more shares than asked at better prices, so a
 * BUY's state grows to what it filled; a SELL can never overfill
 */
export function bookFill(order: BookedOrder, led: OrderLedger, position: HeldPosition | null, fill: FillFact): Booking {
  checkFill(order, fill);
  const fillRows = fillLedger(order, led, position, fill);
  const filled = order.filled + fill.size;
  const size = (order.side === 'BUY' && filled > order.size ? filled : order.size) as Shares;
  const event: OrderEvent = { type: isTerminal(order.status) ? 'late_fill' : 'fill', size: fill.size };
  const decided = decideEvent(order, orderLedgerAfter(led, fillRows), event, { ...stateOf(order), size });
  return { ledger: [...fillRows, ...decided.ledger], event, next: { ...decided.next, size: order.size } };
}

const stateOf = (o: BookedOrder): LtOrderState => ({ status: o.status, size: o.size, filled: o.filled });
