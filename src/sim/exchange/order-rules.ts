/** Polymarket's order rules and exact error texts (polymarket-api.md 4.2 and 8), as checks on one order */
import { costOf, SCALE, type Shares, type Usdc } from '../../domain/money.ts';
import { amountDecimals, amountStep, belowMinimumText, CENT, LOT, minNotionalText, polyNumber } from '../../domain/order-amounts.ts';
import type { PlaceOrder, PlaceResult, SimErrorCode, SimMarket } from './exchange-types.ts';
import type { MatchPlan } from './order-book.ts';

export type Rejection = Extract<PlaceResult, { ok: false }>;

/** GTD expirations closer than this are refused (Polymarket's security threshold) */
export const GTD_MIN_LEAD_MS = 60_000;

/** The texts Polymarket answers with; the real adapter classifies by them, so they must match exactly */
export const POLY_TEXT = {
  notEnoughBalance: 'not enough balance / allowance',
  fokUnfilled: "order couldn't be fully filled. FOK orders are fully filled or killed.",
  fakUnfilled: 'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.',
  tickSize: 'order is invalid. Price breaks minimum tick size rules',
  duplicated: "order is invalid. Duplicated. Same order has already been placed, can't be placed again",
  expiration: 'invalid expiration',
  postOnlyType: 'invalid post-only order: only GTC and GTD order types are allowed',
  postOnlyCrosses: 'invalid post-only order: order crosses book',
  cancelOnly: 'Trading is currently cancel-only. New orders are not accepted, but cancels are allowed.',
  invalidToken: 'Invalid token id',
  notFound: 'order not found or already canceled',
  matchedNotCancellable: "matched orders can't be canceled",
} as const;

export const minSizeText = (orderId: string, size: bigint, min: bigint): string =>
  `order ${orderId} is invalid. ${belowMinimumText(size, min)}`;

export { minNotionalText };

export const lotSizeText = (size: bigint): string => {
  const decimals = polyNumber(size).split('.')[1]?.length ?? 0;
  return `Size ${polyNumber(size)} has ${decimals} decimal places. Maximum lot size is 2`;
};

export const marketAmountsText = (takerDecimals: number): string =>
  'invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, '
  + `taker amount a max of ${takerDecimals} decimals`;

/** Closed or paused markets: Polymarket's code is MARKET_NOT_READY; its closed-market text is unknown, so ours says what happened */
export const marketNotReadyText = (market: SimMarket): string =>
  market.closed ? `market ${market.conditionId} is closed` : `market ${market.conditionId} is not accepting orders`;

export const reject = (code: SimErrorCode, message: string, httpStatus: 400 | 503 = 400): Rejection =>
  ({ ok: false, code, message, httpStatus });

/**
 * Checks that need only the order and its market, in the order a client's mistakes are most usefully reported:
 * order type options, expiry, price grid, then amounts
 */
export function checkShape(order: PlaceOrder, market: SimMarket, now: Date): Rejection | null {
  if (market.closed || !market.acceptingOrders) return reject('MARKET_NOT_READY', marketNotReadyText(market));
  if (order.postOnly && order.orderType !== 'GTC' && order.orderType !== 'GTD') {
    return reject('INVALID_POST_ONLY_ORDER_TYPE', POLY_TEXT.postOnlyType);
  }
  if (order.orderType === 'GTD' && (!order.expiresAt || order.expiresAt.getTime() < now.getTime() + GTD_MIN_LEAD_MS)) {
    return reject('INVALID_ORDER_EXPIRATION', POLY_TEXT.expiration);
  }
  const tick = market.tickSize;
  if (order.price % tick !== 0n || order.price < tick || order.price > SCALE - tick) {
    return reject('INVALID_ORDER_MIN_TICK_SIZE', POLY_TEXT.tickSize);
  }
  return order.spend === undefined ? checkLimitAmounts(order, market) : checkMarketBuyAmounts(order, market);
}

function checkLimitAmounts(order: PlaceOrder, market: SimMarket): Rejection | null {
  if (order.size % LOT !== 0n) return reject('INVALID_AMOUNT', lotSizeText(order.size));
  if (order.size <= 0n || order.size < market.minSize) {
    return reject('INVALID_ORDER_MIN_SIZE', minSizeText(order.orderId, order.size, market.minSize));
  }
  return null;
}

/**
 * A market BUY is signed in dollars (2 decimals) and a minimum of shares (the tick's amount decimals). Its floor is
 * the $1 marketable minimum, not the share minimum: Polymarket sells $1 market orders below 5 shares (an inference)
 */
function checkMarketBuyAmounts(order: PlaceOrder, market: SimMarket): Rejection | null {
  const spend = order.spend as Usdc;
  if (order.side !== 'BUY' || (order.orderType !== 'FOK' && order.orderType !== 'FAK') || spend <= 0n || order.size <= 0n) {
    return reject('INVALID_ORDER_ERROR', 'invalid order: a dollar amount is only for market BUY orders (FOK/FAK)');
  }
  const step = amountStep(market.tickSize) ?? 1n;
  if (spend % CENT !== 0n || order.size % step !== 0n) {
    return reject('INVALID_AMOUNT', marketAmountsText(amountDecimals(market.tickSize) ?? 6));
  }
  return null;
}

/** What an order must have free: USDC for a BUY (its dollars, or limit × size rounded up), shares for a SELL */
export function requiredBalance(order: PlaceOrder): bigint {
  if (order.side === 'SELL') return order.size;
  return order.spend ?? costOf(order.size as Shares, order.price);
}

/** A spend-limited BUY is done when its dollars are spent; any other order when its size is matched */
export const isComplete = (order: PlaceOrder, plan: MatchPlan): boolean =>
  order.spend !== undefined ? plan.spent === order.spend : plan.filled === order.size;

/**
 * Checks against the book, before anything changes: post-only must rest, a marketable BUY needs $1, FOK all or
 * nothing, FAK something
 */
export function checkAgainstBook(order: PlaceOrder, plan: MatchPlan, crosses: boolean): Rejection | null {
  if (order.postOnly && crosses) return reject('INVALID_POST_ONLY_ORDER', POLY_TEXT.postOnlyCrosses);
  if (crosses && order.side === 'BUY') {
    const notional = order.spend ?? costOf(order.size as Shares, order.price);
    if (notional < SCALE) return reject('INVALID_AMOUNT', minNotionalText(notional));
  }
  if (order.orderType === 'FOK' && !isComplete(order, plan)) return reject('FOK_ORDER_NOT_FILLED_ERROR', POLY_TEXT.fokUnfilled);
  if (order.orderType === 'FAK' && plan.fills.length === 0) return reject('FAK_ORDER_NOT_FILLED_ERROR', POLY_TEXT.fakUnfilled);
  return null;
}
