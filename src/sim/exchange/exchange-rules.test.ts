// @backend-independent
/** SimExchange order rules: every refusal carries Polymarket's code and exact text, and changes nothing */
import { describe, expect, it } from 'vitest';
import { SCALE, usdc, type Price } from '../../domain/money.ts';
import type { PlaceOrder, SimErrorCode } from './exchange-types.ts';
import { CID, order, placed, seed, snapshot, T0, world, type World } from './exchange-fixtures.ts';

describe('order rules: every refusal has Polymarket\'s text and changes nothing', () => {
  type Row = [string, (w: World) => void, () => PlaceOrder, SimErrorCode, string, (400 | 503)?];
  const none = () => {};
  const later = (s: number) => new Date(new Date(T0).getTime() + s * 1000);
  it.each<Row>([
    ['price off the tick grid', none, () => order('a', 'BUY', '0.555', '10'), 'INVALID_ORDER_MIN_TICK_SIZE',
      'order is invalid. Price breaks minimum tick size rules'],
    ['price below the tick', none, () => ({ ...order('a', 'BUY', '0.5', '10'), price: 0n as Price }), 'INVALID_ORDER_MIN_TICK_SIZE',
      'order is invalid. Price breaks minimum tick size rules'],
    ['price above 1 − tick', none, () => ({ ...order('a', 'SELL', '0.5', '10'), price: SCALE as Price }), 'INVALID_ORDER_MIN_TICK_SIZE',
      'order is invalid. Price breaks minimum tick size rules'],
    ['size below the minimum', none, () => ({ ...order('a', 'BUY', '0.5', '1.73'), orderId: '0xabc' }), 'INVALID_ORDER_MIN_SIZE',
      'order 0xabc is invalid. Size (1.73) lower than the minimum: 5'],
    ['size zero', none, () => ({ ...order('a', 'BUY', '0.5', '0'), orderId: '0xz' }), 'INVALID_ORDER_MIN_SIZE',
      'order 0xz is invalid. Size (0) lower than the minimum: 5'],
    ['size with 3 decimals', none, () => order('a', 'BUY', '0.5', '5.123'), 'INVALID_AMOUNT',
      'Size 5.123 has 3 decimal places. Maximum lot size is 2'],
    ['duplicate order id', (w) => placed(w.ex.place({ ...order('a', 'BUY', '0.4', '5'), orderId: 'dup' })),
      () => ({ ...order('a', 'BUY', '0.4', '5'), orderId: 'dup' }), 'INVALID_ORDER_DUPLICATED',
      "order is invalid. Duplicated. Same order has already been placed, can't be placed again"],
    ['market not accepting orders', (w) => w.ex.setAcceptingOrders(CID, false), () => order('a', 'BUY', '0.5', '10'),
      'MARKET_NOT_READY', `market ${CID} is not accepting orders`],
    ['cancel-only mode', (w) => w.ex.setCancelOnly(true), () => order('a', 'BUY', '0.5', '10'), 'CANCEL_ONLY',
      'Trading is currently cancel-only. New orders are not accepted, but cancels are allowed.', 503],
    ['unknown token', none, () => ({ ...order('a', 'BUY', '0.5', '10'), tokenId: 'nope' }), 'INVALID_ORDER_ERROR', 'Invalid token id'],
    ['GTD without expiry', none, () => order('a', 'BUY', '0.5', '10', { orderType: 'GTD' }), 'INVALID_ORDER_EXPIRATION',
      'invalid expiration'],
    ['GTD expiring in 59 s', none, () => order('a', 'BUY', '0.5', '10', { orderType: 'GTD', expiresAt: later(59) }),
      'INVALID_ORDER_EXPIRATION', 'invalid expiration'],
    ['post-only FOK', none, () => order('a', 'BUY', '0.5', '10', { orderType: 'FOK', postOnly: true }), 'INVALID_POST_ONLY_ORDER_TYPE',
      'invalid post-only order: only GTC and GTD order types are allowed'],
    ['post-only crossing the book', (w) => seed(w.ex, 'b', 'asks', [['0.5', '10']]),
      () => order('a', 'BUY', '0.5', '10', { postOnly: true }), 'INVALID_POST_ONLY_ORDER', 'invalid post-only order: order crosses book'],
    ['marketable BUY under $1: 5 × 0.14 = $0.70', (w) => seed(w.ex, 'b', 'asks', [['0.14', '10']]),
      () => order('a', 'BUY', '0.14', '5'), 'INVALID_AMOUNT', 'invalid amount for a marketable BUY order ($0.7), min size: $1'],
    ['market BUY under $1', (w) => seed(w.ex, 'b', 'asks', [['0.5', '10']]),
      () => order('a', 'BUY', '0.5', '1', { orderType: 'FAK', spend: usdc('0.99') }), 'INVALID_AMOUNT',
      'invalid amount for a marketable BUY order ($0.99), min size: $1'],
    ['BUY beyond the balance', none, () => order('a', 'BUY', '0.5', '201'), 'INVALID_ORDER_NOT_ENOUGH_BALANCE',
      'not enough balance / allowance'],
    ['SELL beyond the shares', none, () => order('a', 'SELL', '0.5', '100.01'), 'INVALID_ORDER_NOT_ENOUGH_BALANCE',
      'not enough balance / allowance'],
    ['BUY within the balance but not beside an open order (reservation)', (w) => seed(w.ex, 'a', 'bids', [['0.5', '150']]),
      () => order('a', 'BUY', '0.5', '51'), 'INVALID_ORDER_NOT_ENOUGH_BALANCE', 'not enough balance / allowance'],
    ['SELL of shares an open SELL reserves', (w) => seed(w.ex, 'a', 'asks', [['0.9', '60']]),
      () => order('a', 'SELL', '0.8', '41'), 'INVALID_ORDER_NOT_ENOUGH_BALANCE', 'not enough balance / allowance'],
    ['market BUY beyond the balance', (w) => seed(w.ex, 'b', 'asks', [['0.5', '100']]),
      () => order('a', 'BUY', '0.5', '5', { orderType: 'FOK', spend: usdc('100.01') }), 'INVALID_ORDER_NOT_ENOUGH_BALANCE',
      'not enough balance / allowance'],
    ['FOK not fully fillable', (w) => seed(w.ex, 'b', 'asks', [['0.5', '5'], ['0.6', '20']]),
      () => order('a', 'BUY', '0.55', '10', { orderType: 'FOK' }), 'FOK_ORDER_NOT_FILLED_ERROR',
      "order couldn't be fully filled. FOK orders are fully filled or killed."],
    ['FOK market BUY that cannot spend it all', (w) => seed(w.ex, 'b', 'asks', [['0.5', '5']]),
      () => order('a', 'BUY', '0.5', '5', { orderType: 'FOK', spend: usdc('2.51') }), 'FOK_ORDER_NOT_FILLED_ERROR',
      "order couldn't be fully filled. FOK orders are fully filled or killed."],
    ['FAK with nothing to match', (w) => seed(w.ex, 'b', 'asks', [['0.6', '20']]),
      () => order('a', 'BUY', '0.55', '10', { orderType: 'FAK' }), 'FAK_ORDER_NOT_FILLED_ERROR',
      'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.'],
    ['market BUY dollars with 3 decimals', (w) => seed(w.ex, 'b', 'asks', [['0.5', '100']]),
      () => order('a', 'BUY', '0.5', '5', { orderType: 'FAK', spend: usdc('2.505') }), 'INVALID_AMOUNT',
      'invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals'],
    ['market BUY shares with 5 decimals on a 0.01 tick', (w) => seed(w.ex, 'b', 'asks', [['0.5', '100']]),
      () => order('a', 'BUY', '0.5', '5.00001', { orderType: 'FAK', spend: usdc('2.5') }), 'INVALID_AMOUNT',
      'invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals'],
    ['dollar amount on a SELL', none, () => order('a', 'SELL', '0.5', '5', { orderType: 'FAK', spend: usdc('2.5') }),
      'INVALID_ORDER_ERROR', 'invalid order: a dollar amount is only for market BUY orders (FOK/FAK)'],
  ])('%s', (_name, before, make, code, message, httpStatus = 400) => {
    const w = world();
    before(w);
    const o = make();
    const was = snapshot(w.ex);
    w.events.length = 0;
    expect(w.ex.place(o)).toEqual({ ok: false, code, message, httpStatus });
    expect(snapshot(w.ex)).toBe(was);
    expect(w.events).toEqual([]);
  });

  it('a closed market refuses with MARKET_NOT_READY', () => {
    const w = world();
    w.ex.resolve(CID, [SCALE, 0n]);
    expect(w.ex.place(order('a', 'BUY', '0.5', '10')))
      .toMatchObject({ ok: false, code: 'MARKET_NOT_READY', message: `market ${CID} is closed` });
  });

  it.each([
    ['GTD expiring in exactly 60 s', order('a', 'BUY', '0.5', '10', { orderType: 'GTD', expiresAt: new Date('2026-03-01T00:01:00Z') })],
    ['price at the tick', order('a', 'BUY', '0.01', '5')],
    ['price at 1 − tick', order('a', 'SELL', '0.99', '5')],
    ['size exactly the minimum', order('a', 'BUY', '0.5', '5')],
    ['resting BUY under $1 (not marketable)', order('a', 'BUY', '0.14', '5')],
    ['post-only that rests', order('a', 'BUY', '0.5', '10', { postOnly: true })],
  ])('accepts %s', (_name, o) => {
    expect(placed(world().ex.place(o)).status).toBe('live');
  });

  it('cancels are allowed in cancel-only mode', () => {
    const w = world();
    const o = order('a', 'BUY', '0.4', '10');
    placed(w.ex.place(o));
    w.ex.setCancelOnly(true);
    expect(w.ex.cancel('a', o.orderId)).toEqual({ ok: true });
  });
});
