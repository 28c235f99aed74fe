/** The simulated exchange: Polymarket's matching, balances, taker fees, trade lifecycle and resolution, deterministic in the clock */
import { createHash } from 'node:crypto';
import { InvariantError } from '../../domain/errors.ts';
import { costOf, divRound, SCALE, type Price, type Shares } from '../../domain/money.ts';
import type { Clock } from '../../engine/ports.ts';
import type { BookLevel } from '../../engine/venue-port.ts';
import type {
  Balance, CancelResult, Exchange, ExchangeEvent, PlaceOrder, PlaceResult, SimMarket, SimOrder, SimTrade,
} from './exchange-types.ts';
import { checkFeeSchedule, takerFee } from '../../domain/fees.ts';
import { COLLATERAL, Ledger } from './ledger.ts';
import { OrderBook, planMatch, remainingOf, type MatchPlan, type PlannedFill } from './order-book.ts';
import { copyTrade, TradeLog } from './trade-log.ts';
import { checkAgainstBook, checkShape, isComplete, POLY_TEXT, reject, requiredBalance } from './order-rules.ts';

export { COLLATERAL };

export interface SimExchangeOptions {
  /** Trade ids are this prefix plus a counter (default `trade-`) */
  tradeIdPrefix?: string;
  /** A trade is MINED on the first tick at least this long after its match (default 0: the next tick) */
  mineAfterMs?: number;
  /** … and CONFIRMED on the first tick at least this long after that (default 0: the same tick) */
  confirmAfterMs?: number;
}

const copyOrder = (o: SimOrder): SimOrder => ({ ...o, tradeIds: [...o.tradeIds] });
const copyMarket = (m: SimMarket): SimMarket => ({
  ...m, tokens: m.tokens.map((t) => ({ ...t })), fee: { ...m.fee }, payouts: m.payouts ? [...m.payouts] : null,
});
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** A trade's transaction hash: derived from its id, so reruns produce the same hashes */
export const txHashOf = (tradeId: string): string => `0x${createHash('sha256').update(tradeId).digest('hex')}`;

/**
 * Everything is in memory and every id comes from a counter, so the same calls at the same clock times give the same
 * results. Self-trades are allowed (Polymarket does not prevent them either): both legs settle, only the fee leaves.
 * Listeners are called after each call's state changes are complete, in order; they must not throw
 */
/** BUYs reserve limit × remaining USDC (rounded up), SELLs their remaining shares (of the order's token) */
const reservationOf = (order: SimOrder): bigint =>
  order.side === 'BUY' ? costOf(remainingOf(order), order.price) : remainingOf(order);
const reservationKey = (account: string, asset: string) => `${account}\u0000${asset}`;

export class SimExchange implements Exchange {
  private readonly marketsById = new Map<string, SimMarket>();
  private readonly conditionByToken = new Map<string, string>();
  private readonly books = new Map<string, OrderBook>();
  private readonly ledger = new Ledger();
  private readonly orders = new Map<string, SimOrder>();
  /** account → its resting orders: what its reservations are made of */
  private readonly restingByAccount = new Map<string, Map<string, SimOrder>>();
  /** What the resting orders reserve, per account and asset (kept with every rest, maker fill and unrest) */
  private readonly reservedBy = new Map<string, bigint>();
  /** The resting orders with an expiry (GTD): all that expireDue has to look at */
  private readonly expiring = new Set<SimOrder>();
  private readonly tradeLog: TradeLog;
  private readonly listeners = new Set<(event: ExchangeEvent) => void>();
  private readonly queue: ExchangeEvent[] = [];
  private delivering = false;
  private cancelOnly = false;
  private orderSeq = 0;
  private tradeSeq = 0;
  private readonly tradeIdPrefix: string;

  constructor(private readonly clock: Clock, options: SimExchangeOptions = {}) {
    this.tradeIdPrefix = options.tradeIdPrefix ?? 'trade-';
    this.tradeLog = new TradeLog({ mineAfterMs: options.mineAfterMs ?? 0, confirmAfterMs: options.confirmAfterMs ?? 0 });
  }

  addMarket(market: SimMarket): void {
    if (this.marketsById.has(market.conditionId)) throw new InvariantError(`market ${market.conditionId} already exists`);
    if (market.tokens.length === 0) throw new InvariantError('a market needs outcome tokens');
    if (market.tickSize <= 0n || SCALE % market.tickSize !== 0n) throw new InvariantError(`bad tick size ${market.tickSize}`);
    checkFeeSchedule(market.fee);
    for (const { tokenId } of market.tokens) {
      if (this.conditionByToken.has(tokenId)) throw new InvariantError(`token ${tokenId} already belongs to a market`);
    }
    this.marketsById.set(market.conditionId, copyMarket(market));
    for (const { tokenId } of market.tokens) {
      this.conditionByToken.set(tokenId, market.conditionId);
      this.books.set(tokenId, new OrderBook());
    }
  }

  market(conditionId: string): SimMarket | null {
    const market = this.marketsById.get(conditionId);
    return market ? copyMarket(market) : null;
  }

  marketByToken(tokenId: string): SimMarket | null {
    const market = this.marketOf(tokenId);
    return market ? copyMarket(market) : null;
  }

  markets(): SimMarket[] {
    return [...this.marketsById.values()].map(copyMarket);
  }

  /** Pauses or reopens a market (Polymarket stops accepting orders around the end date) */
  setAcceptingOrders(conditionId: string, on: boolean): void {
    const market = this.marketsById.get(conditionId);
    if (!market) throw new InvariantError(`unknown market ${conditionId}`);
    market.acceptingOrders = on;
  }

  /** Refuses to leave an account holding less than its open orders reserve, so fills can always settle */
  credit(account: string, asset: string, amount: bigint): void {
    const next = this.ledger.held(account, asset) + amount;
    if (next < this.reserved(account, asset)) {
      throw new InvariantError(`${account} would hold less ${asset} than its open orders reserve`);
    }
    this.ledger.set(account, asset, next);
  }

  balance(account: string, asset: string): Balance {
    const total = this.ledger.held(account, asset);
    return { total, available: total - this.reserved(account, asset) };
  }

  /** Every account that has ever held anything */
  accounts(): string[] {
    return this.ledger.accounts();
  }

  /** Taker fees collected so far in `asset` (USDC, or shares of a token; redeemed into USDC on resolution) */
  collectedFees(asset: string): bigint {
    return this.ledger.collected(asset);
  }

  place(order: PlaceOrder): PlaceResult {
    return this.batch(() => this.placeNow(order));
  }

  cancel(account: string, orderId: string): CancelResult {
    return this.batch(() => {
      const order = this.orders.get(orderId);
      // Someone else's order is reported like a missing one: ids must not leak other accounts' orders
      if (!order || order.account !== account) return { ok: false, reason: POLY_TEXT.notFound };
      if (order.status === 'matched') return { ok: false, reason: POLY_TEXT.matchedNotCancellable };
      if (order.status !== 'live') return { ok: false, reason: POLY_TEXT.notFound };
      this.close(order, 'cancelled');
      this.emitBook(order.tokenId);
      return { ok: true };
    });
  }

  order(orderId: string): SimOrder | null {
    const order = this.orders.get(orderId);
    return order ? copyOrder(order) : null;
  }

  openOrders(account: string): SimOrder[] {
    return [...(this.restingByAccount.get(account)?.values() ?? [])].map(copyOrder);
  }

  trades(account: string): SimTrade[] {
    return this.tradeLog.trades(account);
  }

  trade(tradeId: string): SimTrade | null {
    return this.tradeLog.trade(tradeId);
  }

  book(tokenId: string): { bids: BookLevel[]; asks: BookLevel[] } {
    return this.books.get(tokenId)?.levels() ?? { bids: [], asks: [] };
  }

  tick(): void {
    this.batch(() => {
      this.expireDue();
      this.tradeLog.advance(this.clock.now().getTime(), (trade) => this.emit({ type: 'trade', trade }));
    });
  }

  resolve(conditionId: string, payouts: bigint[]): void {
    this.batch(() => {
      const market = this.marketsById.get(conditionId);
      if (!market) throw new InvariantError(`unknown market ${conditionId}`);
      if (market.payouts) throw new InvariantError(`market ${conditionId} is already resolved`);
      if (payouts.length !== market.tokens.length || payouts.some((p) => p < 0n || p > SCALE)) {
        throw new InvariantError('payouts: one per token, each between 0 and 1 (micro-USDC per share)');
      }
      for (const { tokenId } of market.tokens) {
        for (const { order } of this.bookOf(tokenId).all()) this.close(order, 'cancelled');
        this.emitBook(tokenId);
      }
      market.closed = true;
      market.acceptingOrders = false;
      market.payouts = [...payouts];
      // Holders keep their tokens until they redeem them on chain (redeem below); the fee pool is redeemed now
      market.tokens.forEach(({ tokenId }, i) => this.ledger.redeemFees(tokenId, payouts[i]!));
      this.emit({ type: 'resolved', market: copyMarket(market) });
    });
  }

  /**
   * Redemption on chain of a resolved market's tokens. `amounts` null: the account's whole balance of every outcome
   * (the conditional-tokens contract with index sets [1, 2]); else shares per outcome index (the neg-risk adapter's
   * amounts). Refuses (throws, as a reverted transaction) an unresolved market, or amounts above what is held or
   * reserved by a resting order. Returns the USDC paid and the shares burned per outcome
   */
  redeem(account: string, conditionId: string, amounts: bigint[] | null): { paid: bigint; burned: bigint[] } {
    return this.batch(() => {
      const market = this.marketsById.get(conditionId);
      if (!market) throw new InvariantError(`unknown market ${conditionId}`);
      if (!market.payouts) throw new InvariantError(`market ${conditionId} is not resolved`);
      const held = market.tokens.map(({ tokenId }) => this.balance(account, tokenId).available);
      return this.ledger.redeemMarket(account, market.tokens.map((t) => t.tokenId), market.payouts, amounts ?? held, held);
    });
  }

  setCancelOnly(on: boolean): void {
    this.cancelOnly = on;
  }

  subscribe(listener: (event: ExchangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ── placing ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** Checks in Polymarket's order (system state, identity, market, shape, balance, book), then matches */
  private placeNow(order: PlaceOrder): PlaceResult {
    // An order past its expiry must not trade, even if nobody ticked since
    this.expireDue();
    if (this.cancelOnly) return reject('CANCEL_ONLY', POLY_TEXT.cancelOnly, 503);
    if (this.orders.has(order.orderId)) return reject('INVALID_ORDER_DUPLICATED', POLY_TEXT.duplicated);
    const market = this.marketOf(order.tokenId);
    if (!market) return reject('INVALID_ORDER_ERROR', POLY_TEXT.invalidToken);
    const shape = checkShape(order, market, this.clock.now());
    if (shape) return shape;
    const asset = order.side === 'BUY' ? COLLATERAL : order.tokenId;
    if (requiredBalance(order) > this.balance(order.account, asset).available) {
      return reject('INVALID_ORDER_NOT_ENOUGH_BALANCE', POLY_TEXT.notEnoughBalance);
    }
    const book = this.bookOf(order.tokenId);
    const plan = planMatch(book, order);
    const refused = checkAgainstBook(order, plan, book.crosses(order.side, order.price));
    if (refused) return refused;
    return this.execute(order, market, book, plan);
  }

  private execute(order: PlaceOrder, market: SimMarket, book: OrderBook, plan: MatchPlan): PlaceResult {
    const taker: SimOrder = {
      orderId: order.orderId, account: order.account, conditionId: market.conditionId, tokenId: order.tokenId,
      side: order.side, price: order.price, originalSize: order.size, sizeMatched: 0n as Shares, status: 'live',
      orderType: order.orderType, createdAt: this.clock.now(),
      expiresAt: order.orderType === 'GTD' ? order.expiresAt ?? null : null, tradeIds: [],
    };
    this.orders.set(taker.orderId, taker);
    this.emit({ type: 'order', change: 'PLACEMENT', order: copyOrder(taker) });
    const trade = plan.fills.length > 0 ? this.settle(taker, market, plan) : null;
    if (isComplete(order, plan)) {
      taker.status = 'matched';
    } else if (order.orderType === 'GTC' || order.orderType === 'GTD') {
      this.rest(taker, book);
    } else {
      taker.status = 'cancelled'; // FAK: what did not fill now is killed
    }
    if (taker.status === 'cancelled') this.emit({ type: 'order', change: 'CANCELLATION', order: copyOrder(taker) });
    else if (trade) this.emit({ type: 'order', change: 'UPDATE', order: copyOrder(taker) });
    this.emitBook(order.tokenId);
    return { ok: true, status: trade ? 'matched' : 'live', order: copyOrder(taker), trades: trade ? [copyTrade(trade)] : [] };
  }

  /** One trade for the whole match: every maker fill settles, the taker's price is the volume-weighted maker price */
  private settle(taker: SimOrder, market: SimMarket, plan: MatchPlan): SimTrade {
    const tradeId = `${this.tradeIdPrefix}${++this.tradeSeq}`;
    let fee = 0n;
    let value = 0n;
    for (const fill of plan.fills) {
      fee += this.applyFill(taker, fill, market);
      value += fill.size * fill.price;
      fill.maker.tradeIds.push(tradeId);
    }
    taker.sizeMatched = plan.filled;
    taker.tradeIds.push(tradeId);
    const trade: SimTrade = {
      tradeId, takerOrderId: taker.orderId, takerAccount: taker.account, conditionId: market.conditionId,
      tokenId: taker.tokenId, side: taker.side, size: plan.filled,
      price: divRound(value, plan.filled, 'half_even') as Price, fee,
      makers: plan.fills.map((f) => ({ orderId: f.maker.orderId, account: f.maker.account, size: f.size, price: f.price })),
      matchTime: this.clock.now(), status: 'MATCHED', transactionHash: txHashOf(tradeId),
    };
    this.tradeLog.record(trade);
    this.emit({ type: 'trade', trade: copyTrade(trade) });
    for (const { maker } of plan.fills) this.emit({ type: 'order', change: 'UPDATE', order: copyOrder(maker) });
    return trade;
  }

  /**
   * Moves cash and shares for one maker fill and takes the taker's fee out of what the taker receives: shares on a
   * BUY, USDC proceeds on a SELL. Capped at what it receives, so a fee can never push a balance below zero
   */
  private applyFill(taker: SimOrder, fill: PlannedFill, market: SimMarket): bigint {
    const { maker, size, cash } = fill;
    const buy = taker.side === 'BUY';
    const [buyer, seller] = buy ? [taker.account, maker.account] : [maker.account, taker.account];
    this.ledger.move(buyer, COLLATERAL, -cash);
    this.ledger.move(seller, COLLATERAL, cash);
    this.ledger.move(seller, taker.tokenId, -size);
    this.ledger.move(buyer, taker.tokenId, size);
    const feeAsset = buy ? taker.tokenId : COLLATERAL;
    const fee = min(takerFee(size, fill.price, market.fee), buy ? size : cash);
    this.ledger.chargeFee(taker.account, feeAsset, fee);
    const before = reservationOf(maker);
    maker.sizeMatched = (maker.sizeMatched + size) as Shares;
    this.reserve(maker, reservationOf(maker) - before);
    if (remainingOf(maker) === 0n) {
      maker.status = 'matched';
      this.unrest(maker);
    }
    return fee;
  }

  // ── resting orders ───────────────────────────────────────────────────────────────────────────────────────────

  private rest(order: SimOrder, book: OrderBook): void {
    book.add({ order, seq: this.orderSeq++ });
    const mine = this.restingByAccount.get(order.account) ?? new Map<string, SimOrder>();
    mine.set(order.orderId, order);
    this.restingByAccount.set(order.account, mine);
    this.reserve(order, reservationOf(order));
    if (order.expiresAt) this.expiring.add(order);
  }

  private unrest(order: SimOrder): void {
    this.bookOf(order.tokenId).remove(order.orderId);
    if (this.restingByAccount.get(order.account)?.delete(order.orderId)) this.reserve(order, -reservationOf(order));
    this.expiring.delete(order);
  }

  private reserve(order: SimOrder, delta: bigint): void {
    const key = reservationKey(order.account, order.side === 'BUY' ? COLLATERAL : order.tokenId);
    this.reservedBy.set(key, (this.reservedBy.get(key) ?? 0n) + delta);
  }

  /** Takes a resting order off the book; its reservation goes with it. The caller publishes the book */
  private close(order: SimOrder, status: 'cancelled' | 'expired'): void {
    order.status = status;
    this.unrest(order);
    this.emit({ type: 'order', change: 'CANCELLATION', order: copyOrder(order) });
  }

  private expireDue(): void {
    const now = this.clock.now().getTime();
    const touched = new Set<string>();
    for (const order of [...this.expiring]) {
      if (order.expiresAt && order.expiresAt.getTime() <= now) {
        this.close(order, 'expired');
        touched.add(order.tokenId);
      }
    }
    for (const tokenId of touched) this.emitBook(tokenId);
  }

  // ── balances ─────────────────────────────────────────────────────────────────────────────────────────────────

  /** What the account's resting orders reserve of an asset (reservationOf each, kept incrementally) */
  private reserved(account: string, asset: string): bigint {
    return this.reservedBy.get(reservationKey(account, asset)) ?? 0n;
  }

  // ── lookups and events ───────────────────────────────────────────────────────────────────────────────────────

  private marketOf(tokenId: string): SimMarket | null {
    const conditionId = this.conditionByToken.get(tokenId);
    return conditionId === undefined ? null : this.marketsById.get(conditionId) ?? null;
  }

  private bookOf(tokenId: string): OrderBook {
    const book = this.books.get(tokenId);
    if (!book) throw new InvariantError(`no book for token ${tokenId}`);
    return book;
  }

  private emitBook(tokenId: string): void {
    this.emit({ type: 'book', tokenId, ...this.bookOf(tokenId).levels() });
  }

  private emit(event: ExchangeEvent): void {
    this.queue.push(event);
  }

  /** Runs a change, then delivers its events; a listener that calls back in queues behind, never interleaves */
  private batch<T>(change: () => T): T {
    const result = change();
    if (this.delivering) return result;
    this.delivering = true;
    try {
      for (let event = this.queue.shift(); event; event = this.queue.shift()) {
        for (const listener of [...this.listeners]) listener(event);
      }
    } finally {
      this.delivering = false;
    }
    return result;
  }
}
