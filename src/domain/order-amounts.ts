/**
 * Polymarket's client rounding (ROUNDING_CONFIG) from a limit request to signed amounts: the order rules both venues,
 * the engine's sizing and the replay share
 */
import { divRound, formatMicros, SCALE, type Price, type Shares, type Usdc } from './money.ts';
import type { OrderSide, OrderType } from './lt-order.ts';

/** Sizes go out with at most 2 decimals: 10^4 micro-shares */
export const LOT = 10_000n;
/** A market BUY's dollar amount has at most 2 decimals too */
export const CENT = 10_000n;

export interface PrepRequest {
  side: OrderSide;
  price: Price;
  size: Shares;
  orderType: OrderType;
}

export interface PrepMarket {
  tickSize: bigint;
  minSize: Shares;
}

export type PrepRefusal = 'min_size' | 'tick_size' | 'precision' | 'min_notional';

export type PreparedAmounts =
  | { ok: true; price: Price; size: Shares; makerAmount: bigint; takerAmount: bigint; spend?: Usdc }
  | { ok: false; reason: PrepRefusal; text: string };

/**
 * Decimals of the amount derived from price × size, per tick (clob-client ROUNDING_CONFIG; 0.005 and 0.0025 are the
 * V2 additions). An unknown tick has no entry, so no client could build amounts for it
 */
const AMOUNT_DECIMALS = new Map<bigint, number>([
  [100_000n, 3], [10_000n, 4], [1_000n, 5], [100n, 6], [5_000n, 5], [2_500n, 6],
]);

export function amountDecimals(tickSize: bigint): number | null {
  return AMOUNT_DECIMALS.get(tickSize) ?? null;
}

/** Micro-units per step of the amount precision for this tick (10^(6 − decimals)) */
export function amountStep(tickSize: bigint): bigint | null {
  const decimals = amountDecimals(tickSize);
  return decimals === null ? null : 10n ** BigInt(6 - decimals);
}

/** Polymarket prints sizes and dollars as plain numbers: 1.73, 5, 0.7 */
export function polyNumber(micros: bigint): string {
  const text = formatMicros(micros);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** Polymarket's texts for what rounding cannot fix; the venue prefixes the first with `order <id> is invalid.` */
export const belowMinimumText = (size: bigint, min: bigint): string =>
  `Size (${polyNumber(size)}) lower than the minimum: ${polyNumber(min)}`;

export const minNotionalText = (amount: bigint): string =>
  `invalid amount for a marketable BUY order ($${polyNumber(amount)}), min size: $1`;

const floorTo = (value: bigint, step: bigint): bigint => divRound(value, step, 'down') * step;
const ceilTo = (value: bigint, step: bigint): bigint => divRound(value, step, 'up') * step;

/** FOK/FAK BUYs are market orders: sized in dollars (makerAmount), not shares */
export const isMarketBuy = (side: OrderSide, orderType: OrderType): boolean =>
  side === 'BUY' && (orderType === 'FOK' || orderType === 'FAK');

/**
 * Rounds a limit request to what Polymarket accepts, never to anything worse than asked: a BUY's price rounds down
 * and a SELL's up, the size rounds down to 2 decimals. So a BUY never costs more than `costOf(size, price)` as asked,
 * which is what the engine reserved. Refuses what rounding cannot fix (too small, or no valid price on that side)
 */
export function prepareOrderAmounts(request: PrepRequest, market: PrepMarket): PreparedAmounts {
  const step = amountStep(market.tickSize);
  if (step === null || market.tickSize <= 0n) {
    return { ok: false, reason: 'precision', text: `no amount precision for tick size ${polyNumber(market.tickSize)}` };
  }
  const tick = market.tickSize;
  const price = request.side === 'BUY' ? floorTo(request.price, tick) : ceilTo(request.price, tick);
  if (price < tick || price > SCALE - tick) {
    return {
      ok: false, reason: 'tick_size',
      text: `invalid price (${polyNumber(price)}), min: ${polyNumber(tick)} - max: ${polyNumber(SCALE - tick)}`,
    };
  }
  const size = floorTo(request.size, LOT);
  if (size <= 0n || size < market.minSize) {
    return { ok: false, reason: 'min_size', text: belowMinimumText(size, market.minSize) };
  }
  // price has at most the tick's decimals and size 2, so price × size is exact at the amount precision; the
  // rounding below only matters for the market BUY, whose dollars are cut to cents
  const notional = floorTo(divRound(price * size, SCALE, 'down'), step);
  if (isMarketBuy(request.side, request.orderType)) return marketBuy(price as Price, size as Shares, notional, step);
  if (request.side === 'BUY') {
    return { ok: true, price: price as Price, size: size as Shares, makerAmount: notional, takerAmount: size };
  }
  return { ok: true, price: price as Price, size: size as Shares, makerAmount: size, takerAmount: notional };
}

/**
 * A market BUY signs dollars (cut to cents) and the shares they buy at the limit (cut to the amount precision); the
 * shares are a minimum, better prices buy more. Marketable BUYs under $1 are refused by the venue, so here too
 */
function marketBuy(price: Price, size: Shares, notional: bigint, step: bigint): PreparedAmounts {
  const dollars = floorTo(notional, CENT);
  if (dollars < SCALE) {
    return { ok: false, reason: 'min_notional', text: minNotionalText(dollars) };
  }
  const takerAmount = floorTo(divRound(dollars * SCALE, price, 'down'), step);
  return { ok: true, price, size, makerAmount: dollars, takerAmount, spend: dollars as Usdc };
}

/**
 * The amounts a request means with no rounding and no refusal: for contract tests that must put an invalid order
 * (off-tick, below the minimum) in front of the venue so the venue itself answers
 */
export function uncheckedOrderAmounts(request: PrepRequest): Extract<PreparedAmounts, { ok: true }> {
  const { price, size } = request;
  const notional = divRound(price * size, SCALE, 'down');
  if (isMarketBuy(request.side, request.orderType)) {
    return { ok: true, price, size, makerAmount: notional, takerAmount: size, spend: notional as Usdc };
  }
  return request.side === 'BUY'
    ? { ok: true, price, size, makerAmount: notional, takerAmount: size }
    : { ok: true, price, size, makerAmount: size, takerAmount: notional };
}

/** Thrown by a venue's `prepare` for a request rounding cannot make acceptable; carries the refusal for the engine */
export class OrderPrepError extends Error {
  override readonly name = 'OrderPrepError';
  constructor(readonly reason: PrepRefusal, text: string) {
    super(text);
  }
}
