/**
 * The Venue port: where live orders go. Implemented in-process by the simulated venue and for real by the
 * Polymarket adapter; both pass the same contract suite (test/support/venue-contract.ts). Shadow orders go to the
 * shadow venue (src/venues/shadow-venue.ts), which reads a real venue's books and sends it nothing
 */
import type { BookLevel } from '../domain/book.ts';
import type { FeeSchedule } from '../domain/fees.ts';
import type { OrderSide, OrderType } from '../domain/lt-order.ts';
import type { Price, Shares, Usdc } from '../domain/money.ts';
import type { SetupProblemCode, SpenderAllowance } from '../domain/preflight.ts';

/** The order and book vocabulary is the domain's; re-exported for the venues */
export type { BookLevel, OrderSide, OrderType };

/** What the engine asks for. Sizes are shares for every type; `price` is the limit */
export interface OrderRequest {
  /** Deterministic id of the intent (strategy × signal); the venue order id is derived from it */
  clientOrderId: string;
  tokenId: string;
  side: OrderSide;
  price: Price;
  size: Shares;
  orderType: OrderType;
  /** Required for GTD */
  expiresAt?: Date;
}

/**
 * A signed, ready-to-send order. Its venue id is known before sending (Polymarket's id is the EIP-712
 * hash of the signed order), so an order whose submit outcome is unknown can be looked up by id.
 * `payload` is JSON the engine may persist and hand back to `submit` after a restart
 */
export interface PreparedOrder {
  venueOrderId: string;
  request: OrderRequest;
  /** The price and size actually sent, after tick rounding and precision rules */
  price: Price;
  size: Shares;
  payload: unknown;
}

/** Why a venue said no; only a definitive answer from the venue is a rejection */
export type RejectReason =
  | 'insufficient_balance' | 'min_size' | 'min_notional' | 'tick_size' | 'precision' | 'fok_unfilled'
  | 'fak_unfilled' | 'expiration' | 'market_closed' | 'cancel_only' | 'auth' | 'invalid_order' | 'other';

export type SubmitOutcome =
  /**
   * `cancelled`: the venue ended the order with this answer and what did not fill never will (the shadow venue's
   * remainder); the engine ends it now. Otherwise the tracker learns how the order ends
   */
  | { kind: 'accepted'; venueOrderId: string; status: 'live' | 'matched' | 'delayed' | 'unmatched' | 'cancelled'; fills: VenueFill[] }
  | { kind: 'rejected'; reason: RejectReason; text: string }
  /** Timeout, 5xx, dropped response, duplicate: the order may exist; read its status before releasing anything */
  | { kind: 'unknown'; detail: string };

export type CancelOutcome =
  | { kind: 'cancelled' }
  | { kind: 'not_cancelled'; reason: string }
  | { kind: 'unknown'; detail: string };

export type VenueOrderStatus = 'live' | 'matched' | 'cancelled' | 'expired' | 'delayed';

/** The venue's view of one of our orders */
export interface VenueOrderReport {
  venueOrderId: string;
  tokenId: string;
  side: OrderSide;
  price: Price;
  originalSize: Shares;
  sizeMatched: Shares;
  status: VenueOrderStatus;
  orderType: OrderType;
  createdAt: Date;
}

export type StatusRead =
  | { kind: 'found'; order: VenueOrderReport }
  /** The venue answered that it has no such order */
  | { kind: 'not_found' }
  | { kind: 'error'; detail: string };

/** One execution of one of our orders (our leg only) */
export interface VenueFill {
  /** Unique per fill of this order: the venue trade id (plus our order id for a maker leg) */
  fillId: string;
  venueOrderId: string;
  tokenId: string;
  side: OrderSide;
  price: Price;
  size: Shares;
  /** Taker fee: in shares on a BUY (we receive size − fee), in USDC on a SELL */
  fee: { asset: 'shares'; amount: Shares } | { asset: 'usdc'; amount: Usdc };
  role: 'taker' | 'maker';
  time: Date;
  status: 'matched' | 'mined' | 'confirmed' | 'failed';
}

export interface FillPage {
  fills: VenueFill[];
  /** Pass back to get only later fills */
  cursor: string;
}

/** Levels best first: bids by descending price, asks by ascending price */
export interface BookSnapshot {
  tokenId: string;
  bids: BookLevel[];
  asks: BookLevel[];
  time: Date;
}

export interface MarketInfo {
  tokenId: string;
  conditionId: string;
  tickSize: bigint;
  minSize: Shares;
  negRisk: boolean;
  /** Taker fee = shares × rate × (p·(1−p))^exponent (src/domain/fees.ts); makers pay nothing */
  fee: FeeSchedule;
  acceptingOrders: boolean;
}

export interface Venue {
  readonly name: string;
  /** The address that signs our orders, lower-case; null for a venue that signs nothing (simulated, shadow) */
  readonly signerAddress: string | null;
  marketInfo(tokenId: string): Promise<MarketInfo>;
  orderBook(tokenId: string): Promise<BookSnapshot>;
  /** Rounds to the market's rules and signs; throws on a request no venue could accept (e.g. price outside (0, 1)) */
  prepare(request: OrderRequest): Promise<PreparedOrder>;
  submit(order: PreparedOrder): Promise<SubmitOutcome>;
  cancel(venueOrderId: string): Promise<CancelOutcome>;
  orderStatus(venueOrderId: string): Promise<StatusRead>;
  openOrders(): Promise<VenueOrderReport[]>;
  fillsSince(cursor: string | null): Promise<FillPage>;
  /**
   * Names this venue account's fill history for a fillsSince cursor kept across processes (the tracker stores it): set
   * only where a cursor stays meaningful in another process against the same account (Polymarket's names a match time
   * and the fill ids seen near it). Absent: the cursor lives in memory and each process reads the fills from the start
   */
  readonly fillCursorKey?: string;
  /** Collateral balance not reserved by open orders */
  availableCollateral(): Promise<Usdc>;
  /**
   * Shares of one outcome token the account holds: its whole balance, shares a resting SELL offers included (0 for a
   * token of a known market never held). What the ledger's positions are reconciled against (INV-22)
   */
  tokenBalance(tokenId: string): Promise<Shares>;
  /**
   * The collateral allowance of each contract the venue needs one for (Polymarket: the CTF exchange, the neg-risk
   * exchange and the neg-risk adapter), read for preflight. Absent on a venue that needs none (simulated, shadow)
   */
  collateralAllowances?(): Promise<SpenderAllowance[]>;
  /** Stops what the venue runs in the background (e.g. a user channel); the venue is not used after it. Safe to repeat */
  close(): Promise<void>;
}

/**
 * The venue cannot be built, or did not answer, for a reason preflight names (src/domain/preflight.ts). `permanent`:
 * trying again cannot help until the configuration changes (no key, a malformed key). Messages never carry a secret
 */
export class VenueSetupError extends Error {
  override readonly name = 'VenueSetupError';
  constructor(readonly code: SetupProblemCode, message: string, readonly permanent = false) {
    super(message);
  }
}

/**
 * The venues of the wallets live orders go through: each user's linked wallet has its own, and the operator wallet
 * (configured by the environment) is the fallback. A strategy trades through the venue of its wallet_address
 */
export interface Venues {
  /**
   * The venue a user's strategy trades through: the user's linked wallet's, or the operator's for an address nobody
   * linked (or null). Throws for an address another user linked: nobody trades through someone else's wallet
   */
  forWallet(userId: string, address: string | null): Promise<Venue>;
  /** Every venue orders may rest on, each once (the operator's first): fills, recovery and reconciliation read each */
  all(): Promise<WalletVenue[]>;
}

export interface WalletVenue {
  /** The linked wallet's address; null for the operator wallet */
  wallet: string | null;
  venue: Venue;
}
