// @backend-independent
import { describe, expect, it } from 'vitest';
import type { Ratio, Usdc } from '../money.ts';
import {
  evaluateTargets, pnlWithin, TARGET_AVG_SLIPPAGE_PCT, TARGET_FILL_RATE, TARGET_METRICS, TARGET_ORDER_LATENCY_P50_MS,
  TARGET_PNL_TOLERANCE, TARGET_QUALITY_SCORE_MEAN, TARGET_REJECTION_RATE, TARGET_WIN_RATE_GAP, type TargetInputs,
} from './targets.ts';

const r = (x: bigint): Ratio => x as Ratio;
const $ = (x: bigint): Usdc => x as Usdc;

const good: TargetInputs = {
  avgSignalSlippagePct: 420_000n, // 0.42 %
  fillRate: r(965_000n), // 96.5 %
  orderLatencyMsP50: 850,
  rejectionRate: r(12_500n), // 1.25 %
  ltPnl: $(95_000_000n), ftPnl: $(100_000_000n), // |95 − 100| = 5 ≤ 10 % × 100 = 10
  ltWinRate: r(580_000n), ftWinRate: r(610_000n), // 3 pp apart
  qualityScoreMean: 8_750n, // 87.50
};
const none: TargetInputs = {
  avgSignalSlippagePct: null, fillRate: null, orderLatencyMsP50: null, rejectionRate: null,
  ltPnl: null, ftPnl: null, ltWinRate: null, ftWinRate: null, qualityScoreMean: null,
};
const statusOf = (i: TargetInputs, metric: string) => evaluateTargets(i).find((t) => t.metric === metric)!.status;

describe('target constants', () => {
  it('are the seed\'s numbers', () => {
    expect(TARGET_AVG_SLIPPAGE_PCT).toBe(500_000n); // 0.5 % in micro-percent
    expect(TARGET_FILL_RATE).toBe(950_000n); // 95 %
    expect(TARGET_ORDER_LATENCY_P50_MS).toBe(2000);
    expect(TARGET_REJECTION_RATE).toBe(50_000n); // 5 %
    expect(TARGET_PNL_TOLERANCE).toBe(100_000n); // 10 %
    expect(TARGET_WIN_RATE_GAP).toBe(50_000n); // 5 percentage points
    expect(TARGET_QUALITY_SCORE_MEAN).toBe(8_000n); // 80.00
  });
});

describe('evaluateTargets', () => {
  it('all green, with values and targets written out', () => {
    expect(evaluateTargets(good)).toEqual([
      { metric: 'avg_signal_slippage_pct', value: '0.4200 %', target: '< 0.50 %', status: 'green' },
      { metric: 'fill_rate', value: '96.50 %', target: '> 95.00 %', status: 'green' },
      { metric: 'order_latency_p50_ms', value: '850 ms', target: '< 2000 ms', status: 'green' },
      { metric: 'rejection_rate', value: '1.25 %', target: '< 5.00 %', status: 'green' },
      { metric: 'pnl_vs_ft', value: 'LT 95.00 vs FT 100.00 USDC', target: 'LT ≥ FT − 10.00 % of |FT|', status: 'green' },
      { metric: 'win_rate_vs_ft', value: 'LT 58.00 % vs FT 61.00 %', target: '|LT − FT| ≤ 5.00 pp', status: 'green' },
      { metric: 'quality_score_mean', value: '87.50', target: '> 80.00', status: 'green' },
    ]);
    expect(evaluateTargets(good).map((t) => t.metric)).toEqual([...TARGET_METRICS]);
  });

  it('a missing input is no_data with a null value, never a pass', () => {
    const results = evaluateTargets(none);
    expect(results.map((t) => t.status)).toEqual(Array(7).fill('no_data'));
    expect(results.every((t) => t.value === null)).toBe(true);
    // one side of a comparison missing is no_data too
    expect(statusOf({ ...good, ftPnl: null }, 'pnl_vs_ft')).toBe('no_data');
    expect(statusOf({ ...good, ltWinRate: null }, 'win_rate_vs_ft')).toBe('no_data');
  });

  it('strict targets fail exactly at the boundary', () => {
    expect(statusOf({ ...good, avgSignalSlippagePct: 500_000n }, 'avg_signal_slippage_pct')).toBe('red'); // 0.5 % is not < 0.5 %
    expect(statusOf({ ...good, avgSignalSlippagePct: 499_999n }, 'avg_signal_slippage_pct')).toBe('green');
    expect(statusOf({ ...good, avgSignalSlippagePct: -300_000n }, 'avg_signal_slippage_pct')).toBe('green'); // price improvement
    expect(statusOf({ ...good, fillRate: r(950_000n) }, 'fill_rate')).toBe('red'); // 95 % is not > 95 %
    expect(statusOf({ ...good, fillRate: r(950_001n) }, 'fill_rate')).toBe('green');
    expect(statusOf({ ...good, orderLatencyMsP50: 2000 }, 'order_latency_p50_ms')).toBe('red');
    expect(statusOf({ ...good, orderLatencyMsP50: 1999 }, 'order_latency_p50_ms')).toBe('green');
    expect(statusOf({ ...good, rejectionRate: r(50_000n) }, 'rejection_rate')).toBe('red');
    expect(statusOf({ ...good, rejectionRate: r(0n) }, 'rejection_rate')).toBe('green');
    expect(statusOf({ ...good, qualityScoreMean: 8_000n }, 'quality_score_mean')).toBe('red'); // 80.00 is not > 80
    expect(statusOf({ ...good, qualityScoreMean: 8_001n }, 'quality_score_mean')).toBe('green');
  });

  it('win rate within 5 percentage points, inclusive', () => {
    // |0.55 − 0.60| = 0.05 ≤ 0.05 → green; |0.549999 − 0.60| = 0.050001 → red
    expect(statusOf({ ...good, ltWinRate: r(550_000n), ftWinRate: r(600_000n) }, 'win_rate_vs_ft')).toBe('green');
    expect(statusOf({ ...good, ltWinRate: r(549_999n), ftWinRate: r(600_000n) }, 'win_rate_vs_ft')).toBe('red');
    expect(statusOf({ ...good, ltWinRate: r(650_000n), ftWinRate: r(600_000n) }, 'win_rate_vs_ft')).toBe('green'); // LT better by 5 pp
  });
});

describe('pnlWithin: LT ≥ FT − 10 % × |FT|, compared exactly (live beating paper is green)', () => {
  it.each([
    [90_000_000n, 100_000_000n, true], // 90 ≥ 100 − 10
    [110_000_000n, 100_000_000n, true], // LT better by 10
    [250_000_000n, 100_000_000n, true], // LT far better than FT: green (it was red as a distance)
    [89_999_999n, 100_000_000n, false], // 10.000001 short of FT
    [-109_000_000n, -100_000_000n, true], // −109 ≥ −100 − 10
    [-111_000_000n, -100_000_000n, false], // 11 short
    [-50_000_000n, -100_000_000n, true], // lost less than paper: green (it was red as a distance)
    [5_000_000n, -5_000_000n, true], // opposite signs, LT the winner: green
    [-5_000_000n, 5_000_000n, false], // opposite signs, LT the loser: red
    [0n, 0n, true], // FT = 0: LT 0 is not short
    [10_000n, 0n, true], // LT 0.01 against FT 0: better, green
    [-10_000n, 0n, false], // LT −0.01 against FT 0: short by more than 10 % of 0
  ])('LT %s vs FT %s → %s', (lt, ft, expected) => {
    expect(pnlWithin(lt, ft)).toBe(expected);
    expect(statusOf({ ...good, ltPnl: $(lt), ftPnl: $(ft) }, 'pnl_vs_ft')).toBe(expected ? 'green' : 'red');
  });
});
