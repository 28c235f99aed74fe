/** The Venue port in-process: Polymarket's order preparation in front of the simulated exchange, with fault knobs for tests */
import { createHash } from 'node:crypto';
import { InvariantError } from '../../domain/errors.ts';
import type { Price, Shares, Usdc } from '../../domain/money.ts';
import type { Clock } from '../../engine/ports.ts';
import {
  OrderPrepError, prepareOrderAmounts, uncheckedOrderAmounts, type PreparedAmounts,
} from '../../domain/order-amounts.ts';
import type {
  BookSnapshot, CancelOutcome, FillPage, MarketInfo, OrderRequest, OrderSide, PreparedOrder, RejectReason, StatusRead,
  SubmitOutcome, Venue, VenueFill, VenueOrderReport,
} from '../../engine/venue-port.ts';
import type { Exchange, PlaceOrder, PlaceResult, SimErrorCode, SimMarket, SimOrder, SimTrade } from './exchange-types.ts';
import { COLLATERAL } from './ledger.ts';

/** The knobs the contract harness and tests turn; each affects the next submit(s) only */
export class SimVenueFaults {
  private rateLimited = 0;
  private drop = false;
  private fail5xx = false;
  /** How many times a submit was retried after a 429 */
  retries = 0;
  /** The backoff delays slept, in order */
  readonly delays: number[] = [];

  /** The next n submit attempts get 429 Too Many Requests; the venue retries them */
  rateLimitNext(n: number): void {
    this.rateLimited += n;
  }

  /** The next submit places its order but its response is lost */
  dropNextSubmitResponse(): void {
    this.drop = true;
  }

  /** The next submit gets a 5xx and places nothing */
  failNextSubmit5xx(): void {
    this.fail5xx = true;
  }

  takeRateLimit(): boolean {
    if (this.rateLimited === 0) return false;
    this.rateLimited -= 1;
    return true;
  }

  takeDrop(): boolean {
    const drop = this.drop;
    this.drop = false;
    return drop;
  }

  take5xx(): boolean {
    const fail = this.fail5xx;
    this.fail5xx = false;
    return fail;
  }
}

export interface SimulatedVenueOptions {
  exchange: Exchange;
  /** Our account on the exchange */
  account: string;
  clock: Clock;
  faults?: SimVenueFaults;
  /** How backoff waits; tests pass one that returns at once */
  sleep?: (ms: number) => Promise<void>;
  /** 429 retries before a submit gives up (default 5) */
  maxRetries?: number;
}

export interface SimulatedVenue extends Venue {
  readonly faults: SimVenueFaults;
  /** Signs exactly the request's price and size (no rounding, no refusal) so the exchange itself judges the order */
  prepareUnchecked(request: OrderRequest): Promise<PreparedOrder>;
}

/** What `prepare` signs: integers in micro-units as strings, so the engine can persist it as JSON */
interface SimPayload {
  orderId: string;
  tokenId: string;
  side: OrderSide;
  orderType: OrderRequest['orderType'];
  price: string;
  size: string;
  makerAmount: string;
  takerAmount: string;
  spend: string | null;
  expiresAt: string | null;
}

const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 2_000;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The venue order id: sha256 of account and clientOrderId, so preparing the same intent again (after a restart) gives
 * the same id and an order whose submit outcome was lost can be looked up. The account keeps two accounts' intents
 * apart on one shared exchange
 */
export function venueOrderIdFor(account: string, clientOrderId: string): string {
  return `0x${createHash('sha256').update(`${account}\n${clientOrderId}`).digest('hex')}`;
}

const REASONS: Record<Exclude<SimErrorCode, 'INVALID_ORDER_DUPLICATED' | 'INVALID_AMOUNT'>, RejectReason> = {
  INVALID_ORDER_MIN_TICK_SIZE: 'tick_size',
  INVALID_ORDER_MIN_SIZE: 'min_size',
  INVALID_ORDER_NOT_ENOUGH_BALANCE: 'insufficient_balance',
  INVALID_ORDER_EXPIRATION: 'expiration',
  INVALID_ORDER_ERROR: 'invalid_order',
  INVALID_POST_ONLY_ORDER_TYPE: 'invalid_order',
  INVALID_POST_ONLY_ORDER: 'invalid_order',
  FOK_ORDER_NOT_FILLED_ERROR: 'fok_unfilled',
  FAK_ORDER_NOT_FILLED_ERROR: 'fak_unfilled',
  MARKET_NOT_READY: 'market_closed',
  CANCEL_ONLY: 'cancel_only',
};

/** Maps an exchange answer to the port's outcome; a duplicate means the order exists, so it is unknown, not rejected */
export function submitOutcomeOf(result: PlaceResult, legs: (trade: SimTrade) => VenueFill[]): SubmitOutcome {
  if (result.ok) {
    return { kind: 'accepted', venueOrderId: result.order.orderId, status: result.status, fills: result.trades.flatMap(legs) };
  }
  if (result.code === 'INVALID_ORDER_DUPLICATED') return { kind: 'unknown', detail: 'duplicate' };
  // One code covers both: the $1 marketable minimum and amount precision
  const reason = result.code === 'INVALID_AMOUNT'
    ? (result.message.startsWith('invalid amount for a marketable BUY') ? 'min_notional' : 'precision')
    : REASONS[result.code];
  return { kind: 'rejected', reason, text: result.message };
}

const opposite = (side: OrderSide): OrderSide => (side === 'BUY' ? 'SELL' : 'BUY');
const FILL_STATUS = { MATCHED: 'matched', MINED: 'mined', CONFIRMED: 'confirmed', FAILED: 'failed' } as const;

/** Fees are in shares on a BUY and in USDC on a SELL, makers' included (always zero) */
const feeOf = (side: OrderSide, amount: bigint): VenueFill['fee'] =>
  side === 'BUY' ? { asset: 'shares', amount: amount as Shares } : { asset: 'usdc', amount: amount as Usdc };

/** Our legs of a trade: the taker leg at the volume-weighted price, and one leg per maker order of ours */
export function fillsOf(trade: SimTrade, account: string): VenueFill[] {
  const common = { tokenId: trade.tokenId, time: trade.matchTime, status: FILL_STATUS[trade.status] };
  const fills: VenueFill[] = [];
  if (trade.takerAccount === account) {
    fills.push({
      ...common, fillId: trade.tradeId, venueOrderId: trade.takerOrderId, side: trade.side, price: trade.price,
      size: trade.size, fee: feeOf(trade.side, trade.fee), role: 'taker',
    });
  }
  for (const maker of trade.makers) {
    if (maker.account !== account) continue;
    fills.push({
      ...common, fillId: `${trade.tradeId}:${maker.orderId}`, venueOrderId: maker.orderId, side: opposite(trade.side),
      price: maker.price, size: maker.size, fee: feeOf(opposite(trade.side), 0n), role: 'maker',
    });
  }
  return fills;
}

const reportOf = (order: SimOrder): VenueOrderReport => ({
  venueOrderId: order.orderId, tokenId: order.tokenId, side: order.side, price: order.price, originalSize: order.originalSize,
  sizeMatched: order.sizeMatched, status: order.status, orderType: order.orderType, createdAt: order.createdAt,
});

function parsePayload(payload: unknown): SimPayload {
  const p = payload as Partial<SimPayload> | null;
  const int = (v: unknown) => typeof v === 'string' && /^\d+$/.test(v);
  const ok = p !== null && typeof p === 'object' && typeof p.orderId === 'string' && typeof p.tokenId === 'string'
    && (p.side === 'BUY' || p.side === 'SELL') && ['GTC', 'GTD', 'FOK', 'FAK'].includes(p.orderType as string)
    && int(p.price) && int(p.size) && int(p.makerAmount) && int(p.takerAmount)
    && (p.spend === null || int(p.spend)) && (p.expiresAt === null || typeof p.expiresAt === 'string');
  if (!ok) throw new InvariantError('not an order prepared by the simulated venue');
  return p as SimPayload;
}

/** What the exchange gets: a market BUY goes as dollars plus the minimum shares they buy (the signed takerAmount) */
function placeOrderOf(payload: SimPayload, account: string): PlaceOrder {
  const place: PlaceOrder = {
    orderId: payload.orderId, account, tokenId: payload.tokenId, side: payload.side, price: BigInt(payload.price) as Price,
    size: BigInt(payload.spend === null ? payload.size : payload.takerAmount) as Shares, orderType: payload.orderType,
  };
  if (payload.spend !== null) place.spend = BigInt(payload.spend) as Usdc;
  if (payload.expiresAt !== null) place.expiresAt = new Date(payload.expiresAt);
  return place;
}

class InProcessVenue implements SimulatedVenue {
  readonly name = 'simulated';
  readonly signerAddress = null;
  readonly faults: SimVenueFaults;
  private readonly exchange: Exchange;
  private readonly account: string;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxRetries: number;

  constructor(options: SimulatedVenueOptions) {
    this.exchange = options.exchange;
    this.account = options.account;
    this.clock = options.clock;
    this.faults = options.faults ?? new SimVenueFaults();
    this.sleep = options.sleep ?? realSleep;
    this.maxRetries = options.maxRetries ?? 5;
  }

  async marketInfo(tokenId: string): Promise<MarketInfo> {
    const m = this.marketOf(tokenId);
    return {
      tokenId, conditionId: m.conditionId, tickSize: m.tickSize, minSize: m.minSize, negRisk: m.negRisk,
      fee: { ...m.fee }, acceptingOrders: m.acceptingOrders && !m.closed,
    };
  }

  async orderBook(tokenId: string): Promise<BookSnapshot> {
    this.marketOf(tokenId);
    return { tokenId, ...this.exchange.book(tokenId), time: this.clock.now() };
  }

  async prepare(request: OrderRequest): Promise<PreparedOrder> {
    const amounts = prepareOrderAmounts(request, this.marketOf(request.tokenId));
    if (!amounts.ok) throw new OrderPrepError(amounts.reason, amounts.text);
    return this.build(request, amounts);
  }

  async prepareUnchecked(request: OrderRequest): Promise<PreparedOrder> {
    return this.build(request, uncheckedOrderAmounts(request));
  }

  /** Faults in wire order: 429s before the request is read, a 5xx instead of placing, a drop after placing */
  async submit(order: PreparedOrder): Promise<SubmitOutcome> {
    const place = placeOrderOf(parsePayload(order.payload), this.account);
    const limited = await this.waitOutRateLimit();
    if (limited) return limited;
    if (this.faults.take5xx()) return { kind: 'unknown', detail: 'HTTP 500 from POST /order' };
    const result = this.exchange.place(place);
    if (this.faults.takeDrop()) return { kind: 'unknown', detail: 'no response from POST /order (dropped)' };
    return submitOutcomeOf(result, (trade) => fillsOf(trade, this.account));
  }

  async cancel(venueOrderId: string): Promise<CancelOutcome> {
    const result = this.exchange.cancel(this.account, venueOrderId);
    return result.ok ? { kind: 'cancelled' } : { kind: 'not_cancelled', reason: result.reason };
  }

  async orderStatus(venueOrderId: string): Promise<StatusRead> {
    const order = this.exchange.order(venueOrderId);
    return order && order.account === this.account ? { kind: 'found', order: reportOf(order) } : { kind: 'not_found' };
  }

  async openOrders(): Promise<VenueOrderReport[]> {
    return this.exchange.openOrders(this.account).map(reportOf);
  }

  /** The cursor counts our trades seen: the exchange's per-account list only ever grows at the end */
  async fillsSince(cursor: string | null): Promise<FillPage> {
    if (cursor !== null && !/^\d+$/.test(cursor)) throw new InvariantError(`not a simulated-venue cursor: ${cursor}`);
    const trades = this.exchange.trades(this.account);
    const fills = trades.slice(cursor === null ? 0 : Number(cursor)).flatMap((t) => fillsOf(t, this.account));
    return { fills, cursor: String(trades.length) };
  }

  async availableCollateral(): Promise<Usdc> {
    return this.exchange.balance(this.account, COLLATERAL).available as Usdc;
  }

  /** The exchange's total of the asset, reserved by resting SELLs or not; an unknown token throws, as the CLOB answers 400 */
  async tokenBalance(tokenId: string): Promise<Shares> {
    this.marketOf(tokenId);
    return this.exchange.balance(this.account, tokenId).total as Shares;
  }

  /** Nothing runs in the background, and the exchange belongs to whoever made it */
  async close(): Promise<void> {}

  private marketOf(tokenId: string): SimMarket {
    const market = this.exchange.marketByToken(tokenId);
    if (!market) throw new InvariantError(`unknown token ${tokenId}`);
    return market;
  }

  private build(request: OrderRequest, amounts: Extract<PreparedAmounts, { ok: true }>): PreparedOrder {
    const venueOrderId = venueOrderIdFor(this.account, request.clientOrderId);
    const payload: SimPayload = {
      orderId: venueOrderId, tokenId: request.tokenId, side: request.side, orderType: request.orderType,
      price: String(amounts.price), size: String(amounts.size), makerAmount: String(amounts.makerAmount),
      takerAmount: String(amounts.takerAmount), spend: amounts.spend === undefined ? null : String(amounts.spend),
      expiresAt: request.expiresAt ? request.expiresAt.toISOString() : null,
    };
    return { venueOrderId, request, price: amounts.price, size: amounts.size, payload };
  }

  /** Retries 429s with exponential backoff (no jitter: runs must repeat); null once the way is clear */
  private async waitOutRateLimit(): Promise<SubmitOutcome | null> {
    for (let attempt = 0; this.faults.takeRateLimit(); attempt++) {
      // A 429 is a definitive "not placed", so giving up is a rejection the engine may retry later
      if (attempt >= this.maxRetries) return { kind: 'rejected', reason: 'other', text: 'Too Many Requests' };
      const delay = Math.min(BACKOFF_BASE_MS * 2 ** attempt, BACKOFF_CAP_MS);
      this.faults.retries += 1;
      this.faults.delays.push(delay);
      await this.sleep(delay);
    }
    return null;
  }
}

export function createSimulatedVenue(options: SimulatedVenueOptions): SimulatedVenue {
  return new InProcessVenue(options);
}
