// @backend-independent
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../errors.ts';
import type { Ratio } from '../money.ts';
import { analyseSlippage, type SlippageSample } from './post-order.ts';

const sample = (conditionId: string, orderType: string, expectedPct: bigint, actualPct: bigint): SlippageSample =>
  ({ conditionId, orderType, expectedPct, actualPct });

/** expected 0.20 % each; actual 0.60, 0.50, 0.70, 0.40, 0.10 % */
const consistent = [600_000n, 500_000n, 700_000n, 400_000n, 100_000n].map((a) => sample('0xaa', 'FAK', 200_000n, a));

describe('analyseSlippage', () => {
  it('flags a group whose estimate is consistently too low', () => {
    // errors 0.40, 0.30, 0.50, 0.20, −0.10 %: mean 1.30/5 = 0.26 % > 0.25 %; 4 of 5 positive = 0.8 ≥ 0.8; n = 5 ≥ 5
    // expected mean 0.20 %; actual mean 2.30/5 = 0.46 %
    expect(analyseSlippage(consistent)).toEqual([{
      conditionId: '0xaa', orderType: 'FAK', n: 5,
      expectedMean: 200_000n, actualMean: 460_000n, errorMean: 260_000n, sameSignShare: 800_000n, flagged: true,
    }]);
  });

  it('needs enough samples, a large mean error and a consistent sign', () => {
    // 4 samples: errors 0.4, 0.3, 0.5, 0.2 → mean 0.35 % but n = 4 < 5
    expect(analyseSlippage(consistent.slice(0, 4))[0]!.flagged).toBe(false);
    // the mean error must exceed the threshold strictly: 0.26 % is not > 0.26 %
    expect(analyseSlippage(consistent, { errorThresholdPct: 260_000n })[0]!.flagged).toBe(false);
    // same-sign share 0.8 is below 0.9
    expect(analyseSlippage(consistent, { sameSignShare: 900_000n as Ratio })[0]!.flagged).toBe(false);
    // with a lower sample minimum 4 samples suffice
    expect(analyseSlippage(consistent.slice(0, 4), { minSamples: 4 })[0]!.flagged).toBe(true);
  });

  it('a large mean error from one outlier is not flagged', () => {
    // errors +2.0, −0.1, −0.1, −0.1, −0.1 %: mean 1.6/5 = 0.32 %, but only 1 of 5 positive (0.2 < 0.8)
    const outlier = [2_200_000n, 100_000n, 100_000n, 100_000n, 100_000n].map((a) => sample('0xbb', 'GTC', 200_000n, a));
    const [g] = analyseSlippage(outlier);
    expect([g!.errorMean, g!.sameSignShare, g!.flagged]).toEqual([320_000n, 200_000n, false]);
  });

  it('flags an estimate that is consistently too high (negative mean error)', () => {
    // errors −0.3 % × 5: mean −0.3 %, |−0.3| > 0.25, 5 of 5 negative
    const high = Array.from({ length: 5 }, () => sample('0xcc', 'FOK', 500_000n, 200_000n));
    expect(analyseSlippage(high)[0]).toMatchObject({ errorMean: -300_000n, sameSignShare: 1_000_000n, flagged: true });
  });

  it('means round half-even', () => {
    // errors 1 and 2 micro-percent: mean 1.5 → 2; expected means (0 + 1)/2 = 0.5 → 0
    const [g] = analyseSlippage([sample('0xdd', 'FAK', 0n, 1n), sample('0xdd', 'FAK', 1n, 3n)]);
    expect([g!.expectedMean, g!.actualMean, g!.errorMean]).toEqual([0n, 2n, 2n]);
  });

  it('a zero mean error counts the zero errors as its sign', () => {
    // errors +1, −1, 0: mean 0; 1 of 3 is zero → 0.333333
    const [g] = analyseSlippage([sample('x', 'FAK', 0n, 1n), sample('x', 'FAK', 1n, 0n), sample('x', 'FAK', 5n, 5n)]);
    expect([g!.errorMean, g!.sameSignShare, g!.flagged]).toEqual([0n, 333_333n, false]);
  });

  it('groups by (market, order type), sorted by conditionId then orderType in code-unit order', () => {
    const groups = analyseSlippage([
      sample('0xb', 'GTC', 0n, 0n), sample('0xa', 'GTC', 0n, 0n), sample('0xa', 'FAK', 0n, 0n),
      sample('0xb', 'GTC', 0n, 0n), sample('0xa', 'Fak', 0n, 0n),
    ]);
    expect(groups.map((g) => [g.conditionId, g.orderType, g.n])).toEqual([
      ['0xa', 'FAK', 1], ['0xa', 'Fak', 1], ['0xa', 'GTC', 1], ['0xb', 'GTC', 2],
    ]);
  });

  it('no sample gives no group; a bad minimum is refused', () => {
    expect(analyseSlippage([])).toEqual([]);
    expect(() => analyseSlippage(consistent, { minSamples: 0 })).toThrow(InvariantError);
  });
});
