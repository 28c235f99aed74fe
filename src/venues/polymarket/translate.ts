/** Pure translations from Polymarket CLOB payloads to the Venue port's types: submit outcomes, orders, books, markets, cash */
import { checkPrice, type Price, type Ratio, type Shares, type Usdc } from '../../domain/money.ts';
import type {
  BookLevel, BookSnapshot, CancelOutcome, MarketInfo, OrderType, RejectReason, SubmitOutcome, VenueOrderReport, VenueOrderStatus,
} from '../../engine/venue-port.ts';
import {
  BalanceRead, BookRead, CancelReply, ClobMarketCompact, ClobMarketFull, ErrorBody, OrderRead, PostOrderReply,
} from './schemas.ts';
import { balanceMicros, micros, orderStatusOf, sideOf, sizeIn, timeOf, unitsOf } from './wire.ts';

/** What a venue message means for a submit: a reject class, or "the order may exist" (duplicate / system trouble) */
type Verdict = { kind: 'reject'; reason: RejectReason } | { kind: 'unknown' };

const reject = (reason: RejectReason): Verdict => ({ kind: 'reject', reason });
const UNKNOWN: Verdict = { kind: 'unknown' };

/**
 * Polymarket's texts and codes (docs 4.2), most specific first: several messages share "order … is invalid", so the
 * catch-all invalid_order rule comes last
 */
const RULES: [RegExp, Verdict][] = [
  // The order hash already exists: it was placed, perhaps by a submit whose reply we lost — read it, never release
  [/duplicated|INVALID_ORDER_DUPLICATED/i, UNKNOWN],
  // The CLOB failed internally; whether the order was inserted or partly executed is not said
  [/could not run the execution|EXECUTION_ERROR|DELAYING_ORDER_ERROR|could not insert order/i, UNKNOWN],
  [/not enough balance|allowance|insufficient balance|NOT_ENOUGH_BALANCE/i, reject('insufficient_balance')],
  [/marketable BUY order|min size: \$/i, reject('min_notional')],
  [/lower than the minimum|INVALID_ORDER_MIN_SIZE/i, reject('min_size')],
  [/tick size|MIN_TICK_SIZE/i, reject('tick_size')],
  [/accuracy of|decimal places|lot size|invalid amounts|INVALID_AMOUNT/i, reject('precision')],
  [/FOK orders are fully filled|FOK_ORDER_NOT_FILLED/i, reject('fok_unfilled')],
  [/FAK orders are partially filled|no orders found to match with FAK|FAK_ORDER_NOT_FILLED/i, reject('fak_unfilled')],
  [/invalid expiration|INVALID_ORDER_EXPIRATION/i, reject('expiration')],
  [/cancel-only|cancel only|CANCEL_ONLY|trading is currently disabled/i, reject('cancel_only')],
  // Polymarket's closed-market text is unverified; the simulator writes "market 0x… is closed" / "… is not accepting orders"
  [/MARKET_NOT_READY|market\b.*\b(is closed|not (yet )?ready|not active|resolved)|not accepting orders|closed market/i, reject('market_closed')],
  [/Unauthorized|Invalid api key|L1 Request headers|has to be the (owner|address) of the API KEY|maker address not allowed/i, reject('auth')],
  [/post-only|POST_ONLY|order version|order_version_mismatch|invalid (order|signature|price|token)|INVALID_ORDER|payload/i, reject('invalid_order')],
];

/** Classifies a venue error text (and code, when the body has one) */
export function classifyError(text: string, code?: string | null): Verdict | null {
  for (const [pattern, verdict] of RULES) {
    if (pattern.test(text) || (code && pattern.test(code))) return verdict;
  }
  return null;
}

/** The human text of an error body: `error` string, `errorMsg`, or the raw text (an HTML page from Cloudflare) */
export function errorText(body: unknown): string {
  if (typeof body === 'string') return body.length > 300 ? `${body.slice(0, 300)}…` : body;
  const parsed = ErrorBody.safeParse(body);
  if (parsed.success) {
    const e = parsed.data.error;
    if (typeof e === 'string' && e !== '') return e;
    if (parsed.data.errorMsg) return parsed.data.errorMsg;
    if (e !== undefined && e !== null) return JSON.stringify(e);
  }
  const reply = PostOrderReply.safeParse(body);
  if (reply.success && reply.data.errorMsg) return reply.data.errorMsg;
  return body === undefined ? '' : JSON.stringify(body);
}

function errorCode(body: unknown): string | null {
  const parsed = ErrorBody.safeParse(body);
  return parsed.success ? (parsed.data.code ?? parsed.data.errorCode ?? null) : null;
}

function fromVerdict(verdict: Verdict | null, text: string, fallback: RejectReason | 'unknown'): SubmitOutcome {
  const v = verdict ?? (fallback === 'unknown' ? UNKNOWN : reject(fallback));
  return v.kind === 'reject' ? { kind: 'rejected', reason: v.reason, text } : { kind: 'unknown', detail: text };
}

/**
 * Maps a POST /order reply to a SubmitOutcome. `httpStatus` null means no response (timeout, dropped connection).
 * Only a definitive venue answer is a rejection; 5xx and unreadable replies are unknown (the order may exist)
 */
export function toSubmitOutcome(httpStatus: number | null, body: unknown): SubmitOutcome {
  if (httpStatus === null) return { kind: 'unknown', detail: 'no response from POST /order' };
  if (httpStatus >= 200 && httpStatus < 300) return fromOkReply(body);
  const text = errorText(body) || `HTTP ${httpStatus}`;
  const verdict = classifyError(text, errorCode(body));
  if (httpStatus === 401) return { kind: 'rejected', reason: 'auth', text };
  // Cloudflare's HTML block page (geoblock) is definitive: the order never reached the CLOB
  if (httpStatus === 403) return fromVerdict(/cloudflare|<html/i.test(text) ? reject('other') : verdict, text, 'auth');
  // Retries on 429 happen before this point; a 429 that remains means the request was not processed
  if (httpStatus === 429) return { kind: 'rejected', reason: 'other', text };
  if (httpStatus >= 500) return fromVerdict(verdict?.kind === 'reject' && verdict.reason === 'cancel_only' ? verdict : null, text, 'unknown');
  return fromVerdict(verdict, text, 'other');
}

/** A 2xx reply: `success:false` + errorMsg (nautilus_rs_http_order_response_failed.json) is still a rejection */
function fromOkReply(body: unknown): SubmitOutcome {
  const parsed = PostOrderReply.safeParse(body);
  if (!parsed.success) return { kind: 'unknown', detail: `unreadable POST /order reply: ${errorText(body)}` };
  const reply = parsed.data;
  if (reply.success === false || (!reply.orderID && reply.errorMsg)) {
    const text = reply.errorMsg || 'order rejected';
    return fromVerdict(classifyError(text), text, 'other');
  }
  if (!reply.orderID) return { kind: 'unknown', detail: 'POST /order reply without an orderID' };
  const status = acceptedStatus(reply.status);
  if (status === null) return { kind: 'unknown', detail: `unexpected POST /order status ${String(reply.status)}` };
  return { kind: 'accepted', venueOrderId: reply.orderID.toLowerCase(), status, fills: [] };
}

/** Older replies (nautilus_rs_http_order_response_ok.json) carry no status: the order was placed, i.e. live */
function acceptedStatus(raw: string | null | undefined): 'live' | 'matched' | 'delayed' | 'unmatched' | null {
  if (raw === null || raw === undefined || raw === '') return 'live';
  const s = raw.trim().toLowerCase().replace(/^order_status_/, '');
  return s === 'live' || s === 'matched' || s === 'delayed' || s === 'unmatched' ? s : null;
}

/** The order type as written by the venue; absent on some reads, where GTC is the CLOB default */
export function orderTypeOf(raw: string | null | undefined): OrderType {
  const t = (raw ?? '').trim().toUpperCase();
  return t === 'GTD' || t === 'FOK' || t === 'FAK' ? t : 'GTC';
}

/** What the reader knows beyond the payload: the size we sent, the venue's time, and whether we cancelled the order */
export interface OrderContext {
  knownSize?: bigint;
  now?: Date;
  cancelledByUs?: boolean;
}

/**
 * One order read (GET /data/order/{id}, a /data/orders item, or a WS order event) as a report. `knownSize`, the size
 * we sent, settles whether the sizes are decimals or base units. Throws on a payload that is not an order
 */
export function toOrderReport(raw: unknown, context: OrderContext = {}): VenueOrderReport {
  const o = OrderRead.parse(raw);
  const status = expiredOrStatus(orderStatusOf(o.status), o, context);
  const side = sideOf(o.side);
  const price = micros(o.price);
  if (status === null || side === null || price === null) throw new Error(`unreadable order ${o.id}: status ${o.status}`);
  const units = unitsOf([o.original_size, o.size_matched], context.knownSize);
  return {
    venueOrderId: o.id.toLowerCase(),
    tokenId: o.asset_id,
    side,
    price: checkPrice(price),
    originalSize: sizeIn(o.original_size, units) as Shares,
    sizeMatched: sizeIn(o.size_matched, units) as Shares,
    status,
    orderType: orderTypeOf(o.order_type),
    createdAt: timeOf(o.created_at) ?? new Date(0),
  };
}

/**
 * The CLOB shows an expired GTD as CANCELED (the simulator does the same); no EXPIRED status has been seen on the wire.
 * A cancelled GTD whose expiration has passed, and which we did not cancel ourselves, expired
 */
function expiredOrStatus(status: VenueOrderStatus | null, o: OrderRead, context: OrderContext): VenueOrderStatus | null {
  if (status !== 'cancelled' || orderTypeOf(o.order_type) !== 'GTD' || context.cancelledByUs || !context.now) return status;
  const expiration = timeOf(o.expiration);
  return expiration !== null && expiration.getTime() > 0 && expiration <= context.now ? 'expired' : status;
}

function levels(raw: { price: string | number; size: string | number }[], best: 'high' | 'low'): BookLevel[] {
  const out = raw.map((l) => {
    const price = micros(l.price);
    const size = micros(l.size);
    if (price === null || size === null) throw new Error(`unreadable book level ${JSON.stringify(l)}`);
    return { price: checkPrice(price), size: size as Shares };
  });
  // The CLOB sends worst-first (best last); sort rather than reverse so an already-sorted book also comes out right
  return out.sort((a, b) => (best === 'high' ? Number(b.price - a.price) : Number(a.price - b.price)));
}

/** GET /book or a WS book event as a snapshot with the best level first (nautilus_py_http_responses_book.json) */
export function toBookSnapshot(raw: unknown, now: Date): BookSnapshot {
  const b = BookRead.parse(raw);
  return { tokenId: b.asset_id, bids: levels(b.bids, 'high'), asks: levels(b.asks, 'low'), time: timeOf(b.timestamp) ?? now };
}

/** The tick size (micro-units) for a wire value like 0.01 or "0.001" */
export function tickOf(value: unknown): bigint {
  const tick = micros(value);
  if (tick === null || tick <= 0n || tick >= 1_000_000n) throw new Error(`bad tick size ${String(value)}`);
  return tick;
}

/**
 * Market params from the compact GET /clob-markets/{cid} form (docs 2.3): `mts` tick, `nr` neg risk, `mos` min size,
 * `fd` platform fee {r rate, e exponent}, `ao` accepting orders
 */
export function marketInfoFromCompact(raw: unknown, tokenId: string): MarketInfo {
  const m = ClobMarketCompact.parse(raw);
  if (!m.t.some((t) => t.t === tokenId)) throw new Error(`market ${m.c} has no token ${tokenId}`);
  return {
    tokenId,
    conditionId: m.c,
    tickSize: tickOf(m.mts),
    minSize: (micros(m.mos) ?? 0n) as Shares,
    negRisk: m.nr ?? false,
    fee: { rate: (micros(m.fd?.r) ?? 0n) as Ratio, exponent: Number(m.fd?.e ?? 1) },
    acceptingOrders: m.ao ?? true,
  };
}

/** Market params from the full GET /markets/{cid} form; its fee is `taker_base_fee` in bps (V1), exponent 1 */
export function marketInfoFromFull(raw: unknown, tokenId: string): MarketInfo {
  const m = ClobMarketFull.parse(raw);
  if (!m.tokens.some((t) => t.token_id === tokenId)) throw new Error(`market ${m.condition_id} has no token ${tokenId}`);
  const bps = micros(m.taker_base_fee) ?? 0n;
  return {
    tokenId,
    conditionId: m.condition_id,
    tickSize: tickOf(m.minimum_tick_size),
    minSize: (micros(m.minimum_order_size) ?? 0n) as Shares,
    negRisk: m.neg_risk ?? false,
    fee: { rate: (bps / 10_000n) as Ratio, exponent: 1 },
    acceptingOrders: (m.accepting_orders ?? true) && !(m.closed ?? false),
  };
}

/** Collateral from GET /balance-allowance: the balance, in micro-USDC */
export function toCollateral(raw: unknown): Usdc {
  const b = BalanceRead.parse(raw);
  const amount = balanceMicros(b.balance);
  if (amount === null) throw new Error('balance-allowance reply without a balance');
  return amount as Usdc;
}

/** An outcome token's balance from GET /balance-allowance?asset_type=CONDITIONAL: 6-decimal base units like collateral */
export function toShareBalance(raw: unknown): Shares {
  const b = BalanceRead.parse(raw);
  const amount = balanceMicros(b.balance);
  if (amount === null) throw new Error('balance-allowance reply without a balance');
  return amount as Shares;
}

/**
 * A DELETE /order reply. Cancels answer 200 even when nothing was cancelled, with the reason in not_canceled
 * (nautilus_rs_http_cancel_response_failed.json: "already canceled or matched")
 */
export function toCancelOutcome(httpStatus: number | null, body: unknown, orderId: string): CancelOutcome {
  if (httpStatus === null) return { kind: 'unknown', detail: 'no response from DELETE /order' };
  if (httpStatus >= 500 || httpStatus === 429) return { kind: 'unknown', detail: `HTTP ${httpStatus}: ${errorText(body)}` };
  if (httpStatus >= 300) return { kind: 'not_cancelled', reason: errorText(body) || `HTTP ${httpStatus}` };
  const parsed = CancelReply.safeParse(body);
  if (!parsed.success) return { kind: 'unknown', detail: `unreadable cancel reply: ${errorText(body)}` };
  const id = orderId.toLowerCase();
  if ((parsed.data.canceled ?? []).some((c) => c.toLowerCase() === id)) return { kind: 'cancelled' };
  const reasons = Object.entries(parsed.data.not_canceled ?? {});
  const mine = reasons.find(([k]) => k.toLowerCase() === id);
  const reason = mine ? String(mine[1]) : 'order not in the cancel reply';
  return { kind: 'not_cancelled', reason };
}

/** A price read from a trade or level, checked to lie strictly inside (0, 1) */
export function priceOf(value: unknown): Price {
  const p = micros(value);
  if (p === null) throw new Error(`unreadable price ${String(value)}`);
  return checkPrice(p);
}
