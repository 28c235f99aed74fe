// @backend-independent
import { describe, expect, it } from 'vitest';
import type { Ratio } from '../money.ts';
import {
  fillComponent, formatScore, latencyComponent, QUALITY_SCORE_VERSION, QUALITY_WEIGHTS_Q1, qualityScore, slippageComponent,
} from './quality-score.ts';

const r = (micros: bigint): Ratio => micros as Ratio;

describe('slippage component: 1 − min(1, max(0, slip)/tolerance)', () => {
  it.each([
    [200_000n, 500_000n, 600_000n], // 1 − 0.2/0.5 = 0.6
    [125_000n, 500_000n, 750_000n], // 1 − 0.125/0.5 = 0.75
    [100_000n, 300_000n, 666_667n], // 1 − 0.1/0.3 = 1 − 0.333333(3) → 1 − 0.333333 = 0.666667
    [0n, 500_000n, 1_000_000n], // no slippage: 1
    [-300_000n, 500_000n, 1_000_000n], // price improvement counts as 0 slippage: 1
    [500_000n, 500_000n, 0n], // at the tolerance: 1 − 1 = 0
    [800_000n, 500_000n, 0n], // beyond it: min(1, 1.6) = 1 → 0
  ])('slip %s µ%% against tolerance %s µ%% → %s', (slip, tolerance, expected) => {
    expect(slippageComponent(slip, tolerance)).toBe(expected);
  });

  it('with a zero tolerance: 1 when slip ≤ 0, else 0', () => {
    expect(slippageComponent(0n, 0n)).toBe(1_000_000n);
    expect(slippageComponent(-1n, 0n)).toBe(1_000_000n);
    expect(slippageComponent(1n, 0n)).toBe(0n);
  });
});

describe('fill component: min(1, fillRate)', () => {
  it.each([
    [875_000n, 875_000n],
    [0n, 0n],
    [1_250_000n, 1_000_000n], // over-filled (USD sizing) still counts 1
  ])('%s → %s', (rate, expected) => {
    expect(fillComponent(r(rate))).toBe(expected);
  });
});

describe('latency component: 1 when ≤ T, else max(0, 2 − latency/T)', () => {
  it.each([
    [500, 1000, 1_000_000n], // within the threshold
    [1000, 1000, 1_000_000n], // at it
    [1500, 1000, 500_000n], // 2 − 1.5 = 0.5
    [1250.4, 1000, 750_000n], // rounded to 1250 ms: 2 − 1.25 = 0.75
    [2000, 1000, 0n], // 2 − 2 = 0
    [3000, 1000, 0n], // max(0, 2 − 3) = 0
    [1001, 3000, 1_000_000n],
    [4000, 3000, 666_667n], // 2 − 1.333333(3) = 0.666666(7) → 0.666667
  ])('%s ms against %s ms → %s', (latency, threshold, expected) => {
    expect(latencyComponent(latency, threshold)).toBe(expected);
  });

  it('with a zero threshold: 1 at 0 ms, else 0', () => {
    expect(latencyComponent(0, 0)).toBe(1_000_000n);
    expect(latencyComponent(1, 0)).toBe(0n);
  });
});

describe('qualityScore q1', () => {
  it('weights 0.40 / 0.35 / 0.25 add up to 1', () => {
    const w = QUALITY_WEIGHTS_Q1;
    expect(w.slippage + w.fill + w.latency).toBe(1_000_000n);
    expect(QUALITY_SCORE_VERSION).toBe('q1');
  });

  it('all three components present', () => {
    // slippage 0.125 % of a 0.5 % tolerance → 0.75; fill 0.9; latency 1500 ms of 1000 → 2 − 1.5 = 0.5
    // 100 × (0.40·0.75 + 0.35·0.9 + 0.25·0.5)/1 = 100 × (0.3 + 0.315 + 0.125) = 74.00 → 7400
    const q = qualityScore({ signalSlippagePct: 125_000n, fillRate: r(900_000n), orderLatencyMs: 1500, slippageTolerancePct: 500_000n, latencyThresholdMs: 1000 });
    expect(q.score).toBe(7400n);
    expect(q.components).toEqual([
      { name: 'slippage', weight: 400_000n, value: 750_000n },
      { name: 'fill', weight: 350_000n, value: 900_000n },
      { name: 'latency', weight: 250_000n, value: 500_000n },
    ]);
  });

  it('a missing component drops out of both sums', () => {
    // no fill → no slippage; fill 0; latency 200 ≤ 1000 → 1
    // 100 × (0.35·0 + 0.25·1)/(0.35 + 0.25) = 100 × 0.25/0.6 = 41.666… → 41.67 → 4167
    const q = qualityScore({ signalSlippagePct: null, fillRate: r(0n), orderLatencyMs: 200, slippageTolerancePct: 500_000n, latencyThresholdMs: 1000 });
    expect(q.score).toBe(4167n);
    expect(q.components[0]!.value).toBeNull();
  });

  it('without a latency threshold the latency component is absent', () => {
    // only fill 0.875: 100 × 0.35·0.875/0.35 = 87.50 → 8750
    const q = qualityScore({ signalSlippagePct: null, fillRate: r(875_000n), orderLatencyMs: 300, slippageTolerancePct: 500_000n, latencyThresholdMs: null });
    expect(q.score).toBe(8750n);
    expect(q.components[2]).toEqual({ name: 'latency', weight: 250_000n, value: null });
  });

  it('rounds the score half-even to two decimals', () => {
    const only = (fill: bigint) => qualityScore({ signalSlippagePct: null, fillRate: r(fill), orderLatencyMs: null, slippageTolerancePct: 0n, latencyThresholdMs: null }).score;
    expect(only(123_450n)).toBe(1234n); // 12.345 → 12.34 (4 is even)
    expect(only(123_550n)).toBe(1236n); // 12.355 → 12.36 (6 is even)
    expect(only(123_451n)).toBe(1235n); // 12.3451 → 12.35
    expect(only(1_000_000n)).toBe(10_000n); // 100.00
  });
});

describe('formatScore', () => {
  it('writes the score with 2 places, weights with 2, values with 6', () => {
    const q = qualityScore({ signalSlippagePct: null, fillRate: r(875_000n), orderLatencyMs: null, slippageTolerancePct: 500_000n, latencyThresholdMs: 1000 });
    expect(formatScore(q)).toEqual({
      version: 'q1',
      score: '87.50',
      components: [
        { name: 'slippage', weight: '0.40', value: null },
        { name: 'fill', weight: '0.35', value: '0.875000' },
        { name: 'latency', weight: '0.25', value: null },
      ],
    });
  });

  it('a null score stays null', () => {
    expect(formatScore({ version: 'q1', score: null, components: [] })).toEqual({ version: 'q1', score: null, components: [] });
  });
});
