/**
 * The simulated exchange's public shape: one matching engine with Polymarket's rules, shared by the
 * in-process simulated venue, the loopback simulator server (`tandem simulate`) and the demo world
 */
import type { FeeSchedule } from '../../domain/fees.ts';
import type { Price, Shares, Usdc } from '../../domain/money.ts';
import type { BookLevel, OrderSide, OrderType } from '../../engine/venue-port.ts';

export interface SimToken {
  tokenId: string;
  outcome: string;
}

export interface SimMarket {
  conditionId: string;
  question: string;
  slug: string;
  /** Two outcome tokens, Yes first */
  tokens: SimToken[];
  tickSize: bigint;
  minSize: Shares;
  negRisk: boolean;
  /** Taker fee (src/domain/fees.ts), in shares on a BUY and in USDC on a SELL */
  fee: FeeSchedule;
  acceptingOrders: boolean;
  endTime: Date | null;
  closed: boolean;
  /** Set on resolution: payout per share of each token (1/0, or 0.5/0.5) */
  payouts: bigint[] | null;
}

export interface PlaceOrder {
  /** The venue order id (on the wire: the EIP-712 hash of the signed order) */
  orderId: string;
  /** Whose order: the API key owner / account id */
  account: string;
  tokenId: string;
  side: OrderSide;
  /** Limit price, on the market's tick grid */
  price: Price;
  /** Shares wanted (BUY) or offered (SELL) */
  size: Shares;
  /** A market BUY (FOK/FAK) sized in USDC: spend at most this, at prices up to `price` */
  spend?: Usdc;
  orderType: OrderType;
  expiresAt?: Date;
  postOnly?: boolean;
}

/** Polymarket's error codes (docs "error codes"); the message is Polymarket's text */
export type SimErrorCode =
  | 'INVALID_ORDER_MIN_TICK_SIZE' | 'INVALID_ORDER_MIN_SIZE' | 'INVALID_ORDER_DUPLICATED'
  | 'INVALID_ORDER_NOT_ENOUGH_BALANCE' | 'INVALID_ORDER_EXPIRATION' | 'INVALID_ORDER_ERROR'
  | 'INVALID_POST_ONLY_ORDER_TYPE' | 'INVALID_POST_ONLY_ORDER' | 'FOK_ORDER_NOT_FILLED_ERROR'
  | 'FAK_ORDER_NOT_FILLED_ERROR' | 'MARKET_NOT_READY' | 'CANCEL_ONLY' | 'INVALID_AMOUNT';

export type SimOrderStatus = 'live' | 'matched' | 'cancelled' | 'expired';

export interface SimOrder {
  orderId: string;
  account: string;
  conditionId: string;
  tokenId: string;
  side: OrderSide;
  price: Price;
  originalSize: Shares;
  sizeMatched: Shares;
  status: SimOrderStatus;
  orderType: OrderType;
  createdAt: Date;
  expiresAt: Date | null;
  tradeIds: string[];
}

export type SimTradeStatus = 'MATCHED' | 'MINED' | 'CONFIRMED' | 'FAILED';

/** One taker match: the taker's order against one or more resting maker orders */
export interface SimTrade {
  tradeId: string;
  takerOrderId: string;
  takerAccount: string;
  conditionId: string;
  tokenId: string;
  /** The taker's side */
  side: OrderSide;
  /** Shares the taker matched in total */
  size: Shares;
  /** The taker's volume-weighted price over the makers' (resting) prices, rounded half-even */
  price: Price;
  /** Taker fee: shares on a BUY, USDC on a SELL */
  fee: bigint;
  makers: { orderId: string; account: string; size: Shares; price: Price }[];
  matchTime: Date;
  status: SimTradeStatus;
  transactionHash: string;
}

export type PlaceResult =
  | { ok: true; status: 'live' | 'matched'; order: SimOrder; trades: SimTrade[] }
  | { ok: false; code: SimErrorCode; message: string; httpStatus: 400 | 503 };

export type CancelResult = { ok: true } | { ok: false; reason: string };

export interface Balance {
  total: bigint;
  /** Total minus what open orders reserve */
  available: bigint;
}

/** Everything that changes, for the WebSocket channels and the demo world */
export type ExchangeEvent =
  | { type: 'order'; change: 'PLACEMENT' | 'UPDATE' | 'CANCELLATION'; order: SimOrder }
  | { type: 'trade'; trade: SimTrade }
  | { type: 'book'; tokenId: string; bids: BookLevel[]; asks: BookLevel[] }
  | { type: 'resolved'; market: SimMarket };

/** Implemented by SimExchange in exchange.ts */
export interface Exchange {
  addMarket(market: SimMarket): void;
  market(conditionId: string): SimMarket | null;
  marketByToken(tokenId: string): SimMarket | null;
  markets(): SimMarket[];
  /** Adds (or with a negative amount removes) collateral ('USDC') or shares of a token */
  credit(account: string, asset: 'USDC' | string, amount: bigint): void;
  balance(account: string, asset: 'USDC' | string): Balance;
  place(order: PlaceOrder): PlaceResult;
  cancel(account: string, orderId: string): CancelResult;
  order(orderId: string): SimOrder | null;
  openOrders(account: string): SimOrder[];
  /** Trades where the account was taker or maker, oldest first */
  trades(account: string): SimTrade[];
  trade(tradeId: string): SimTrade | null;
  /** Levels best first */
  book(tokenId: string): { bids: BookLevel[]; asks: BookLevel[] };
  /** Expires GTD orders and advances trade statuses MATCHED → MINED → CONFIRMED as the clock moves */
  tick(): void;
  /** Closes the market, cancels its resting orders and sets its payouts; holders are paid when they `redeem` */
  resolve(conditionId: string, payouts: bigint[]): void;
  /** Burns an account's tokens of a resolved market for their payout (null amounts: everything it holds) */
  redeem(account: string, conditionId: string, amounts: bigint[] | null): { paid: bigint; burned: bigint[] };
  setCancelOnly(on: boolean): void;
  subscribe(listener: (event: ExchangeEvent) => void): () => void;
}
