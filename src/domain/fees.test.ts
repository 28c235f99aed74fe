// @backend-independent
import { describe, expect, it } from 'vitest';
import { InvariantError } from './errors.ts';
import { takerFee } from './fees.ts';
import { price, ratio, shares, type Price, type Ratio, type Shares } from './money.ts';

describe('takerFee: the edges every caller shares', () => {
  it('costs nothing for no shares or a zero rate', () => {
    expect(takerFee(0n as Shares, price('0.5'), { rate: ratio('0.02'), exponent: 1 })).toBe(0n);
    expect(takerFee(-5n as Shares, price('0.5'), { rate: ratio('0.02'), exponent: 1 })).toBe(0n);
    expect(takerFee(shares('100'), price('0.5'), { rate: 0n as Ratio, exponent: 2 })).toBe(0n);
  });

  it('rounds up to the micro-unit, once', () => {
    // 0.000001 × 0.072 × 0.25 = 0.000000018 → 0.000001
    expect(takerFee(1n as Shares, price('0.5'), { rate: ratio('0.072'), exponent: 1 })).toBe(1n);
    // exponent 0: shares × rate, at any price
    expect(takerFee(shares('10'), price('0.999999'), { rate: ratio('0.03'), exponent: 0 })).toBe(shares('0.3'));
  });

  it('refuses a schedule it cannot state: a negative rate, a fractional or negative exponent', () => {
    const at = (rate: string, exponent: number) => () => takerFee(shares('1'), price('0.5'), { rate: ratio(rate), exponent });
    expect(at('-0.01', 1)).toThrow(InvariantError);
    expect(at('0.02', 1.5)).toThrow(InvariantError);
    expect(at('0.02', -1)).toThrow(InvariantError);
    expect(at('0.02', Number.NaN)).toThrow(InvariantError);
  });

  it('refuses a price on or outside the edges of (0, 1)', () => {
    for (const p of [0n, 1_000_000n, -1n]) {
      expect(() => takerFee(shares('1'), p as Price, { rate: ratio('0.02'), exponent: 1 })).toThrow(InvariantError);
    }
  });
});
