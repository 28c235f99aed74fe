/**
 * Shadow mode as a Venue. Orders of strategies in mode 'shadow' take the engine's one submit path to this venue, which
 * reads market info and books from the real venue and never sends it anything. `submit` takes what the current book
 * offers within the limit, at once, at that VWAP with the market's taker fee (src/domain/fees.ts), and reports the
 * rest cancelled: resting fills are not simulated. FOK fills entirely or is rejected; FAK rejects an empty fill.
 * Shadow orders never rest, so there is nothing to cancel, look up or list, and no account behind them.
 */
import { viewOf, walkBook, type BookLevel } from '../domain/book.ts';
import { InvariantError } from '../domain/errors.ts';
import { takerFee, type FeeSchedule } from '../domain/fees.ts';
import type { OrderType } from '../domain/lt-order.ts';
import { checkPrice, type Shares, type Usdc } from '../domain/money.ts';
import type { Clock } from '../engine/ports.ts';
import type {
  BookSnapshot, CancelOutcome, FillPage, MarketInfo, OrderRequest, PreparedOrder, StatusRead, SubmitOutcome, Venue,
  VenueFill, VenueOrderReport,
} from '../engine/venue-port.ts';

/** Every shadow fill has this id, one per order: the fill row and its ledger refs (`fill:<order>:shadow`) carry it */
export const SHADOW_FILL_ID = 'shadow';
/** The text of a shadow rejection */
export const SHADOW_REJECT_TEXT = 'shadow';

/** A shadow order's venue id: unique per intent, and never one a real venue would give */
export const shadowOrderIdFor = (clientOrderId: string): string => `shadow:${clientOrderId}`;

/** The taker fee of a walk, level by level as a venue charges it: in shares on a BUY (capped at the shares), USDC on a SELL */
function feeOf(request: OrderRequest, levels: BookLevel[], filled: Shares, schedule: FeeSchedule): VenueFill['fee'] {
  let fee = 0n;
  for (const l of levels) fee += takerFee(l.size, l.price, schedule);
  return request.side === 'BUY'
    ? { asset: 'shares', amount: (fee > filled ? filled : fee) as Shares }
    : { asset: 'usdc', amount: fee as Usdc };
}

const refusalOf = (orderType: OrderType, filled: Shares, size: Shares): 'fok_unfilled' | 'fak_unfilled' | null =>
  orderType === 'FOK' && filled < size ? 'fok_unfilled' : orderType === 'FAK' && filled === 0n ? 'fak_unfilled' : null;

/** What a shadow order gets from a book: the pure rule behind `submit` */
export function shadowOutcome(prepared: PreparedOrder, book: BookSnapshot, fee: FeeSchedule, now: Date): SubmitOutcome {
  const { request, venueOrderId } = prepared;
  const walk = walkBook(viewOf(book), request.side, prepared.size, prepared.price);
  const refusal = refusalOf(request.orderType, walk.filled, prepared.size);
  if (refusal) return { kind: 'rejected', reason: refusal, text: SHADOW_REJECT_TEXT };
  const fills: VenueFill[] = walk.filled > 0n && walk.vwap !== null ? [{
    fillId: SHADOW_FILL_ID, venueOrderId, tokenId: request.tokenId, side: request.side, price: walk.vwap, size: walk.filled,
    fee: feeOf(request, walk.levels, walk.filled, fee), role: 'taker', time: now, status: 'matched',
  }] : [];
  // What did not fill now never will: the order ends with this answer
  return { kind: 'accepted', venueOrderId, status: walk.filled === prepared.size ? 'matched' : 'cancelled', fills };
}

class ShadowVenue implements Venue {
  readonly name: string;
  readonly signerAddress = null;

  constructor(private readonly real: Venue, private readonly clock: Clock) {
    this.name = `shadow:${real.name}`;
  }

  marketInfo(tokenId: string): Promise<MarketInfo> {
    return this.real.marketInfo(tokenId);
  }

  orderBook(tokenId: string): Promise<BookSnapshot> {
    return this.real.orderBook(tokenId);
  }

  /** Nothing is signed: the order goes as asked (the intent already rounded it to the market's rules) */
  async prepare(request: OrderRequest): Promise<PreparedOrder> {
    checkPrice(request.price);
    if (request.size <= 0n) throw new InvariantError(`a shadow order needs a positive size, got ${request.size}`);
    return {
      venueOrderId: shadowOrderIdFor(request.clientOrderId), request, price: request.price, size: request.size,
      payload: { kind: 'shadow' },
    };
  }

  async submit(order: PreparedOrder): Promise<SubmitOutcome> {
    const { fee } = await this.real.marketInfo(order.request.tokenId);
    const book = await this.real.orderBook(order.request.tokenId);
    return shadowOutcome(order, book, fee, this.clock.now());
  }

  async cancel(): Promise<CancelOutcome> {
    return { kind: 'not_cancelled', reason: 'shadow orders never rest' };
  }

  async orderStatus(): Promise<StatusRead> {
    return { kind: 'not_found' };
  }

  async openOrders(): Promise<VenueOrderReport[]> {
    return [];
  }

  async fillsSince(cursor: string | null): Promise<FillPage> {
    return { fills: [], cursor: cursor ?? '0' };
  }

  async availableCollateral(): Promise<Usdc> {
    return 0n as Usdc;
  }

  async tokenBalance(): Promise<Shares> {
    return 0n as Shares;
  }

  /** The real venue is its owner's to close */
  async close(): Promise<void> {}
}

/** The shadow venue over `real`, whose books it reads; fills are stamped with `clock` */
export function createShadowVenue(real: Venue, clock: Clock): Venue {
  return new ShadowVenue(real, clock);
}
