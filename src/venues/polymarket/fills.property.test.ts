// @backend-independent
/** Seeded property checks of the adapter's own rounding: taker VWAP, per-match fees, and size units read both ways */
import { describe, expect, it } from 'vitest';
import { formatMicros, type Price, type Ratio, type Shares } from '../../domain/money.ts';
import { takerFee } from '../../domain/fees.ts';
import { fillsFromTrade } from './fills.ts';
import { sizeIn, unitsOf } from './wire.ts';

/** mulberry32: the same seed gives the same cases on every run */
function prng(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const dec = (micros: bigint): string => formatMicros(micros).replace(/\.?0+$/, '');

describe('rounding properties (seeded)', () => {
  it('taker VWAP lies within the maker prices and rounds the notional by at most half a micro per share', () => {
    const rand = prng(20261123);
    for (let i = 0; i < 500; i += 1) {
      const tick = [100_000n, 10_000n, 1_000n, 100n][rand(4)]!;
      const makers = Array.from({ length: 1 + rand(5) }, (_, k) => ({
        order_id: `0x${k}`, matched_amount: dec(BigInt(500 + rand(100_000)) * 10_000n),
        price: dec(BigInt(1 + rand(Number(1_000_000n / tick) - 1)) * tick), asset_id: '1',
      }));
      const size = makers.reduce((s, m) => s + BigInt(Math.round(Number(m.matched_amount) * 100)) * 10_000n, 0n);
      const rate = BigInt(rand(100_001)) as Ratio;
      const trade = { id: `t${i}`, taker_order_id: '0xt', asset_id: '1', side: 'BUY', size: dec(size), price: '0.5', status: 'MATCHED', match_time: '1', maker_orders: makers };
      const [f] = fillsFromTrade(trade, { isOurOrder: (id) => id === '0xt' }, () => ({ rate, exponent: 1 }));
      const prices = makers.map((m) => BigInt(Math.round(Number(m.price) * 1e6)));
      const notional = makers.reduce((s, m, k) => s + BigInt(Math.round(Number(m.matched_amount) * 100)) * 10_000n * prices[k]!, 0n);
      expect(f!.size).toBe(size);
      expect(f!.price >= prices.reduce((a, b) => (a < b ? a : b)) && f!.price <= prices.reduce((a, b) => (a > b ? a : b))).toBe(true);
      const error = f!.price * size - notional;
      expect(2n * (error < 0n ? -error : error) <= size).toBe(true);
      const fee = makers.reduce((s, m, k) => s + takerFee(BigInt(Math.round(Number(m.matched_amount) * 100)) * 10_000n as Shares, prices[k]! as Price, { rate, exponent: 1 }), 0n);
      expect(f!.fee.amount).toBe(fee);
    }
  });

  it('reads a size back exactly from decimals and from base units when the sent size is known', () => {
    const rand = prng(7);
    for (let i = 0; i < 1_000; i += 1) {
      const size = BigInt(1 + rand(10_000_000)) * 10_000n;
      expect(unitsOf([dec(size), '0'], size)).toBe('decimal');
      expect(sizeIn(dec(size), 'decimal')).toBe(size);
      expect(unitsOf([size.toString(), '0'], size)).toBe('base');
      expect(sizeIn(size.toString(), 'base')).toBe(size);
    }
  });
});
