// @backend-independent
/** prepareOrderAmounts: worked examples of Polymarket's client rounding, and properties over thousands of random requests */
import { describe, expect, it } from 'vitest';
import { costOf, price, SCALE, shares, type Price, type Shares } from './money.ts';
import {
  amountStep, CENT, LOT, OrderPrepError, polyNumber, prepareOrderAmounts, uncheckedOrderAmounts, type PrepRequest,
} from './order-amounts.ts';
import { mulberry32 } from './prng.ts';
import type { OrderSide, OrderType } from './lt-order.ts';

const req = (side: OrderSide, p: string, size: string, orderType: OrderType = 'GTC'): PrepRequest =>
  ({ side, price: price(p), size: shares(size), orderType });
const market = (tick: string, min = '5') => ({ tickSize: BigInt(Math.round(Number(tick) * 1e6)), minSize: shares(min) });
const m = (text: string) => shares(text) as bigint;

interface Want {
  price: string;
  size: string;
  maker: string;
  taker: string;
  spend?: string;
}

describe('prepareOrderAmounts: worked examples', () => {
  it.each<[string, PrepRequest, string, Want]>([
    // BUY rounds the price down, size to 2 decimals; makerAmount = 0.55 × 10.12 = 5.566 (USDC), takerAmount = shares
    ['BUY GTC', req('BUY', '0.555', '10.129'), '0.01', { price: '0.55', size: '10.12', maker: '5.566', taker: '10.12' }],
    // SELL rounds the price up; makerAmount = shares, takerAmount = 0.56 × 10.12 = 5.6672
    ['SELL GTC', req('SELL', '0.555', '10.129'), '0.01', { price: '0.56', size: '10.12', maker: '10.12', taker: '5.6672' }],
    ['SELL FOK (shares, like a limit SELL)', req('SELL', '0.5', '6', 'FOK'), '0.01', { price: '0.5', size: '6', maker: '6', taker: '3' }],
    ['tick 0.1', req('BUY', '0.55', '7.777'), '0.1', { price: '0.5', size: '7.77', maker: '3.885', taker: '7.77' }],
    ['tick 0.0001', req('SELL', '0.12345', '9.99'), '0.0001', { price: '0.1235', size: '9.99', maker: '9.99', taker: '1.233765' }],
    // market BUY: dollars = 0.333 × 5 = 1.665 → 1.66 (2 decimals); shares = 1.66 / 0.333 = 4.984984… → 4.98498 (5 decimals)
    ['FOK BUY, tick 0.001', req('BUY', '0.333', '5', 'FOK'), '0.001',
      { price: '0.333', size: '5', maker: '1.66', taker: '4.98498', spend: '1.66' }],
    ['FAK BUY, tick 0.01', req('BUY', '0.56', '10', 'FAK'), '0.01', { price: '0.56', size: '10', maker: '5.6', taker: '10', spend: '5.6' }],
  ])('%s', (_name, request, tick, want) => {
    const out = prepareOrderAmounts(request, market(tick));
    expect(out).toEqual({
      ok: true, price: price(want.price), size: shares(want.size), makerAmount: m(want.maker), takerAmount: m(want.taker),
      ...(want.spend ? { spend: m(want.spend) } : {}),
    });
  });

  it.each([
    ['size below the minimum after rounding', req('BUY', '0.5', '4.999'), '0.01', 'min_size', 'Size (4.99) lower than the minimum: 5'],
    ['size rounding to zero', req('SELL', '0.5', '0.009'), '0.01', 'min_size', 'Size (0) lower than the minimum: 5'],
    ['BUY price rounding down to 0', req('BUY', '0.004', '10'), '0.01', 'tick_size', 'invalid price (0), min: 0.01 - max: 0.99'],
    ['SELL price rounding up to 1', req('SELL', '0.995', '10'), '0.01', 'tick_size', 'invalid price (1), min: 0.01 - max: 0.99'],
    ['market BUY under $1', req('BUY', '0.19', '5', 'FAK'), '0.01', 'min_notional',
      'invalid amount for a marketable BUY order ($0.95), min size: $1'],
    ['a tick with no rounding config', req('BUY', '0.5', '10'), '0.02', 'precision', 'no amount precision for tick size 0.02'],
  ])('refuses %s', (_name, request, tick, reason, text) => {
    expect(prepareOrderAmounts(request, market(tick))).toEqual({ ok: false, reason, text });
  });

  it('a limit BUY under $1 is not refused: only the venue knows whether it is marketable', () => {
    expect(prepareOrderAmounts(req('BUY', '0.19', '5'), market('0.01')).ok).toBe(true);
  });

  it('uncheckedOrderAmounts keeps an off-tick price and a small size as asked', () => {
    expect(uncheckedOrderAmounts(req('BUY', '0.555', '1.73'))).toEqual({
      ok: true, price: price('0.555'), size: shares('1.73'), makerAmount: m('0.96015'), takerAmount: m('1.73'),
    });
  });

  it('OrderPrepError carries the refusal', () => {
    const e = new OrderPrepError('min_size', 'Size (1) lower than the minimum: 5');
    expect([e.reason, e.message, e instanceof Error]).toEqual(['min_size', 'Size (1) lower than the minimum: 5', true]);
  });

  it.each([[1_730_000n, '1.73'], [5_000_000n, '5'], [700_000n, '0.7'], [0n, '0'], [123_456_789n, '123.456789']])(
    'polyNumber(%s) = %s', (micros, text) => expect(polyNumber(micros)).toBe(text),
  );
});

const TICKS = [100_000n, 10_000n, 1_000n, 100n];
const TYPES: OrderType[] = ['GTC', 'GTD', 'FOK', 'FAK'];
const MINS = [0n, 1_000_000n, 5_000_000n, 15_000_000n];

describe('prepareOrderAmounts: properties over random requests and every tick', () => {
  it('stays on the grid, inside (0, 1), within precision, and never costs more than the engine reserved', () => {
    const rand = mulberry32(20260301);
    const int = (n: number) => Math.floor(rand() * n);
    const seen = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const tick = TICKS[int(4)]!;
      const minSize = MINS[int(4)]! as Shares;
      // random micro prices and sizes: most with stray decimals, some already clean
      const p = BigInt(1 + int(999_999)) as Price;
      const size = BigInt(rand() < 0.3 ? (1 + int(5_000)) * 10_000 : 1 + int(500_000_000)) as Shares;
      const request: PrepRequest = { side: rand() < 0.5 ? 'BUY' : 'SELL', price: p, size, orderType: TYPES[int(4)]! };
      const out = prepareOrderAmounts(request, { tickSize: tick, minSize });
      const key = out.ok ? `ok ${request.side} ${out.spend === undefined ? 'limit' : 'market'}` : out.reason;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      checkCase(request, tick, minSize, out);
    }
    for (const key of ['ok BUY limit', 'ok BUY market', 'ok SELL limit', 'min_size', 'tick_size', 'min_notional']) {
      expect(seen.get(key) ?? 0, key).toBeGreaterThan(50);
    }
  });
});

/** One random case: an accepted order satisfies every rule; a refusal is exactly when rounding cannot help */
function checkCase(request: PrepRequest, tick: bigint, minSize: Shares, out: ReturnType<typeof prepareOrderAmounts>): void {
  const ctx = JSON.stringify({ ...request, price: String(request.price), size: String(request.size), tick: String(tick) });
  const roundedSize = (request.size / LOT) * LOT;
  if (!out.ok) {
    const byReason = {
      tick_size: request.side === 'BUY' ? request.price < tick : request.price > SCALE - tick,
      min_size: roundedSize === 0n || roundedSize < minSize,
      min_notional: request.side === 'BUY' && (request.orderType === 'FOK' || request.orderType === 'FAK')
        && (((request.price / tick) * tick * roundedSize) / SCALE / CENT) * CENT < SCALE,
      precision: false,
    };
    expect(byReason[out.reason], ctx).toBe(true);
    return;
  }
  const step = amountStep(tick)!;
  expect(out.price % tick, ctx).toBe(0n);
  expect(out.price >= tick && out.price <= SCALE - tick, ctx).toBe(true);
  // never worse than asked, and less than a tick away
  if (request.side === 'BUY') expect(out.price <= request.price && request.price - out.price < tick, ctx).toBe(true);
  else expect(out.price >= request.price && out.price - request.price < tick, ctx).toBe(true);
  expect(out.size % LOT, ctx).toBe(0n);
  expect(out.size, ctx).toBe(roundedSize);
  expect(out.size > 0n && out.size >= minSize, ctx).toBe(true);
  if (request.side === 'BUY') {
    expect(out.makerAmount <= costOf(request.size, request.price), ctx).toBe(true);
  }
  if (out.spend !== undefined) {
    expect(out.spend, ctx).toBe(out.makerAmount);
    expect(out.makerAmount % CENT === 0n && out.makerAmount >= SCALE, ctx).toBe(true);
    expect(out.takerAmount % step, ctx).toBe(0n);
    // the most shares the dollars buy at the limit, at the amount precision
    expect(out.takerAmount * out.price <= out.makerAmount * SCALE, ctx).toBe(true);
    expect((out.takerAmount + step) * out.price > out.makerAmount * SCALE, ctx).toBe(true);
  } else {
    const [cash, sharesSide] = request.side === 'BUY' ? [out.makerAmount, out.takerAmount] : [out.takerAmount, out.makerAmount];
    expect(sharesSide, ctx).toBe(out.size);
    expect(cash % step, ctx).toBe(0n);
    // the amounts say exactly price × size: the price Polymarket reads back is the one we chose
    expect(cash * SCALE, ctx).toBe(out.price * out.size);
  }
}
