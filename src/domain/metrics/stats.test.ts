// @backend-independent
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../errors.ts';
import {
  formatSummary, formatSummaryMs, medianOf, nearestRank, rateOf, ratesByReason, summarize, summarizeMs,
} from './stats.ts';

const range = (from: number, to: number): bigint[] => Array.from({ length: to - from + 1 }, (_, i) => BigInt(from + i));

describe('summarize', () => {
  it('gives null, never zeros, without a sample', () => {
    expect(summarize([])).toBeNull();
    expect(summarizeMs([])).toBeNull();
  });

  it('odd n: mean, middle value, nearest-rank percentiles', () => {
    // sorted [1, 3, 5]; sum 9, mean 9/3 = 3; median = sorted[1] = 3
    // p50: ceil(50·3/100) = ceil(1.5) = 2 → sorted[1] = 3; p95: ceil(2.85) = 3 → 5; p99: ceil(2.97) = 3 → 5
    expect(summarize([5n, 1n, 3n])).toEqual({ n: 3, mean: 3n, median: 3n, p50: 3n, p95: 5n, p99: 5n, min: 1n, max: 5n });
  });

  it('even n: median is the half-even mean of the two middles; p50 is the lower middle (nearest rank)', () => {
    // sorted [1, 2, 3, 4]; mean 10/4 = 2.5 → 2 (half-even); median (2 + 3)/2 = 2.5 → 2
    // p50: ceil(50·4/100) = 2 → 2; p95: ceil(3.8) = 4 → 4; p99: ceil(3.96) = 4 → 4
    expect(summarize([4n, 1n, 2n, 3n])).toEqual({ n: 4, mean: 2n, median: 2n, p50: 2n, p95: 4n, p99: 4n, min: 1n, max: 4n });
    // [3, 4]: (3 + 4)/2 = 3.5 → 4 (even); [2, 3]: 2.5 → 2 (even)
    expect(summarize([3n, 4n])!.median).toBe(4n);
    expect(summarize([2n, 3n])!.median).toBe(2n);
  });

  it('rounds a negative mean half-even too', () => {
    // (−1 − 2)/2 = −1.5 → −2 (even); (−3 − 2)/2 = −2.5 → −2 (even)
    expect(summarize([-1n, -2n])!.mean).toBe(-2n);
    expect(summarize([-3n, -2n])!.mean).toBe(-2n);
  });

  it('1..100: p50 = 50, p95 = 95, p99 = 99; mean and median 50.5 → 50', () => {
    // nearest rank q·100/100 = q → sorted[q − 1] = q; sum 5050, 5050/100 = 50.5 → 50 (even)
    const s = summarize(range(1, 100).reverse())!;
    expect([s.p50, s.p95, s.p99, s.mean, s.median, s.min, s.max]).toEqual([50n, 95n, 99n, 50n, 50n, 1n, 100n]);
  });

  it('1..20: p95 = sorted[ceil(19) − 1] = 19, p99 = sorted[ceil(19.8) − 1] = 20', () => {
    const s = summarize(range(1, 20))!;
    expect([s.p95, s.p99]).toEqual([19n, 20n]);
  });

  it('one sample is every statistic', () => {
    expect(summarize([-7n])).toEqual({ n: 1, mean: -7n, median: -7n, p50: -7n, p95: -7n, p99: -7n, min: -7n, max: -7n });
  });

  it('does not reorder its input', () => {
    const samples = [3n, 1n, 2n];
    summarize(samples);
    expect(samples).toEqual([3n, 1n, 2n]);
  });

  it('summarizeMs rounds each sample to a whole millisecond first', () => {
    // [1.4, 2.6, 1000] → [1, 3, 1000]; mean 1004/3 = 334.67 → 335; median 3
    expect(summarizeMs([1.4, 2.6, 1000])).toEqual({ n: 3, mean: 335n, median: 3n, p50: 3n, p95: 1000n, p99: 1000n, min: 1n, max: 1000n });
    expect(() => summarizeMs([Number.NaN])).toThrow(InvariantError);
    expect(() => summarizeMs([Number.POSITIVE_INFINITY])).toThrow(InvariantError);
  });

  it('nearestRank and medianOf refuse an empty list and a bad percentile', () => {
    expect(() => nearestRank([], 50)).toThrow(InvariantError);
    expect(() => nearestRank([1n], 0)).toThrow(InvariantError);
    expect(() => nearestRank([1n], 101)).toThrow(InvariantError);
    expect(() => medianOf([])).toThrow(InvariantError);
  });
});

describe('rateOf', () => {
  it.each([
    [1, 3, 333_333n], // 1/3 = 0.3333333… → 333 333 micro
    [2, 3, 666_667n], // 0.6666666… → 666 667
    [1, 8, 125_000n], // 0.125 exactly
    [3, 3, 1_000_000n],
    [0, 5, 0n], // a real zero: there were samples
    [1, 2_000_000, 0n], // 0.5 micro → 0 (half-even, 0 is even)
    [3, 2_000_000, 2n], // 1.5 micro → 2 (even)
    [5, 4, 1_250_000n], // not clamped
  ])('%i / %i = %s micro', (part, whole, expected) => {
    expect(rateOf(part, whole)).toBe(expected);
  });

  it('is null when the whole is 0', () => {
    expect(rateOf(0, 0)).toBeNull();
    expect(rateOf(5, 0)).toBeNull();
  });

  it('refuses counts that are not whole non-negative numbers', () => {
    expect(() => rateOf(1.5, 3)).toThrow(InvariantError);
    expect(() => rateOf(-1, 3)).toThrow(InvariantError);
    expect(() => rateOf(1, Number.NaN)).toThrow(InvariantError);
  });
});

describe('ratesByReason', () => {
  it('divides every reason by the whole', () => {
    // 1/4 = 0.25, 3/4 = 0.75, 0/4 = 0
    expect(ratesByReason({ price: 1, cash: 3, model: 0 }, 4)).toEqual({ price: 250_000n, cash: 750_000n, model: 0n });
  });
  it('is {} when the whole is 0', () => {
    expect(ratesByReason({ price: 0 }, 0)).toEqual({});
  });
});

describe('formatSummary', () => {
  it('null stays null', () => {
    expect(formatSummary(null, 2)).toBeNull();
    expect(formatSummaryMs(null)).toBeNull();
  });

  it('writes micro values as decimals with dp places and n as a number', () => {
    // [1.5, 2.5]: mean (1.5 + 2.5)/2 = 2.00; median 2.00; p50 = lower middle 1.50; p95 = p99 = 2.50
    expect(formatSummary(summarize([1_500_000n, 2_500_000n]), 2)).toEqual({
      n: 2, mean: '2.00', median: '2.00', p50: '1.50', p95: '2.50', p99: '2.50', min: '1.50', max: '2.50',
    });
    // 0.125 with 2 places → 0.12 (half-even)
    expect(formatSummary(summarize([125_000n]), 2)!.mean).toBe('0.12');
  });

  it('formatSummaryMs gives plain numbers', () => {
    expect(formatSummaryMs(summarizeMs([100, 300]))).toEqual({ n: 2, mean: 200, median: 200, p50: 100, p95: 300, p99: 300, min: 100, max: 300 });
  });
});
