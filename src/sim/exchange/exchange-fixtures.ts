/** Shared fixtures for the SimExchange tests: a two-token market, funded accounts, order builders and a state snapshot */
import { price, ratio, shares, usdc } from '../../domain/money.ts';
import { ManualClock } from '../../engine/clock.ts';
import type { OrderSide } from '../../engine/venue-port.ts';
import { COLLATERAL, SimExchange, type SimExchangeOptions } from './exchange.ts';
import type { ExchangeEvent, PlaceOrder, PlaceResult, SimMarket } from './exchange-types.ts';

export const T0 = '2026-03-01T00:00:00Z';
export const CID = '0xcondition';
export const YES = 'yes-token';
export const NO = 'no-token';

export function makeMarket(over: Partial<SimMarket> = {}): SimMarket {
  return {
    conditionId: CID, question: 'Will it?', slug: 'will-it', tokens: [{ tokenId: YES, outcome: 'Yes' }, { tokenId: NO, outcome: 'No' }],
    tickSize: 10_000n, minSize: shares('5'), negRisk: false, fee: { rate: ratio('0'), exponent: 1 }, acceptingOrders: true,
    endTime: null, closed: false, payouts: null, ...over,
  };
}

export interface World {
  clock: ManualClock;
  ex: SimExchange;
  events: ExchangeEvent[];
}

/** Accounts a, b, c each hold 100 USDC and 100 shares of each token */
export function world(opts: { feeRate?: string; exponent?: number; options?: SimExchangeOptions } = {}): World {
  const clock = new ManualClock(T0);
  const ex = new SimExchange(clock, opts.options);
  ex.addMarket(makeMarket({ fee: { rate: ratio(opts.feeRate ?? '0'), exponent: opts.exponent ?? 1 } }));
  for (const account of ['a', 'b', 'c']) {
    ex.credit(account, COLLATERAL, usdc('100'));
    ex.credit(account, YES, shares('100'));
    ex.credit(account, NO, shares('100'));
  }
  const events: ExchangeEvent[] = [];
  ex.subscribe((e) => events.push(e));
  return { clock, ex, events };
}

let counter = 0;
export const order = (account: string, side: OrderSide, p: string, size: string, over: Partial<PlaceOrder> = {}): PlaceOrder => ({
  orderId: `o${++counter}`, account, tokenId: YES, side, price: price(p), size: shares(size), orderType: 'GTC', ...over,
});

export function placed(result: PlaceResult): Extract<PlaceResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected the order to be placed, got ${result.code}: ${result.message}`);
  return result;
}

/** Rests each level from `account` (asks: SELLs, bids: BUYs) */
export function seed(ex: SimExchange, account: string, side: 'bids' | 'asks', levels: [string, string][]): void {
  for (const [p, size] of levels) placed(ex.place(order(account, side === 'bids' ? 'BUY' : 'SELL', p, size)));
}

export const total = (ex: SimExchange, account: string, asset: string) => ex.balance(account, asset).total;
export const level = (p: string, size: string) => ({ price: price(p), size: shares(size) });

/** Everything a rejected order must leave as it was */
export function snapshot(ex: SimExchange) {
  const accounts = ['a', 'b', 'c'];
  return JSON.stringify({
    balances: accounts.map((a) => [COLLATERAL, YES, NO].map((asset) => ex.balance(a, asset))),
    books: [ex.book(YES), ex.book(NO)],
    open: accounts.map((a) => ex.openOrders(a)),
  }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}
