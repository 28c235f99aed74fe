// @backend-independent
import { describe, expect, it } from 'vitest';
import { divRound, SCALE } from '../domain/money.ts';
import { valueOfGroup } from './position-model.ts';

/** A small deterministic generator (no Math.random: a failure repeats) */
function lcg(seed: bigint) {
  let x = seed;
  return (n: bigint) => {
    x = (x * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
    return (x >> 16n) % n;
  };
}

describe('valueOfGroup', () => {
  it('equals Σ of each position\'s half-even rounded shares × price, exact halves included', () => {
    const next = lcg(7n);
    for (let round = 0; round < 2000; round++) {
      // fractions and prices that make exact halves frequent, and random ones
      const frac = [0n, 500000n, 250000n, next(SCALE)][Number(next(4n))]!;
      const price = [1n, 2n, 3n, 500001n, 999999n, SCALE, next(SCALE + 1n)][Number(next(7n))]!;
      const odd = next(2n) === 1n;
      const wholes = Array.from({ length: Number(next(5n)) + 1 }, () => 2n * next(50n) + (odd ? 1n : 0n));
      const each = wholes.reduce((s, w) => s + divRound((w * SCALE + frac) * price, SCALE, 'half_even'), 0n);
      const sum = wholes.reduce((s, w) => s + w, 0n);
      expect(valueOfGroup(BigInt(wholes.length), frac, odd, sum, price), `${frac} ${price} ${wholes.join(',')}`).toBe(each);
    }
  });

  it('differs from rounding the summed shares once (why the sums are grouped)', () => {
    // two positions of 0.5 shares at 0.000001: each rounds half-even to 0, their sum of 1 share is worth 1 micro
    expect(valueOfGroup(2n, 500000n, false, 0n, 1n)).toBe(0n);
    expect(divRound(2n * 500000n * 1n, SCALE, 'half_even')).toBe(1n);
  });
});
