// @backend-independent
import { describe, expect, it } from 'vitest';
import { usdc, type Ratio } from '../money.ts';
import type { RiskLimits } from '../risk.ts';
import { limitBreakers, riskUsage } from './risk-usage.ts';
import {
  bucketedEquity, bucketIndex, bucketWidthMs, cappedFillRate, downsample, EQUITY_WIDTHS_MS, histogram, LATENCY_MS_EDGES, SLIPPAGE_PCT_EDGES,
  type Point,
} from './series.ts';

const at = (s: number) => new Date(Date.UTC(2026, 2, 1) + s * 1000);
const NO_LIMITS: RiskLimits = { maxOrderUsd: null, minOrderUsd: null, maxPositionPerMarketUsd: null, maxTotalExposureUsd: null,
  dailyBudgetUsd: null, maxDailyLossUsd: null, maxDrawdown: null };

describe('bucketedEquity', () => {
  const M = 1_000_000n; // one micro-USDC in pico
  const W = 10_000; // 10 s buckets
  const k = (sec: number) => Math.floor(at(sec).getTime() / W);
  it('starts at 0, one point per bucket that changed a side, at the bucket end, rounded once from the exact sum', () => {
    const e = bucketedEquity(at(0), at(100), W, [
      { k: k(25), lt: -5n * M, ft: 0n }, { k: k(12), lt: 3n * M + M / 2n, ft: 2n * M }, { k: k(31), lt: 0n, ft: 0n }]);
    expect(e.lt.map((p) => [p.t.getTime() - at(0).getTime(), p.v])).toEqual([[0, 0n], [20_000, 4n], [30_000, -2n]]);
    expect(e.ft.map((p) => [p.t.getTime() - at(0).getTime(), p.v])).toEqual([[0, 0n], [20_000, 2n]]);
  });
  it('each point is the exact sum rounded once (half even), not a sum of rounded buckets', () => {
    const e = bucketedEquity(at(0), at(100), W, [{ k: k(12), lt: M / 2n, ft: 0n }, { k: k(25), lt: M / 2n, ft: 0n }]);
    expect(e.lt.map((p) => p.v)).toEqual([0n, 0n, 1n]); // ½ rounds to 0, then 1 exactly
  });
  it('the last bucket ends at now at the latest; a bucket starting before the start ends after it', () => {
    const e = bucketedEquity(at(5), at(17), W, [{ k: k(2), lt: M, ft: 0n }, { k: k(16), lt: M, ft: 0n }]);
    expect(e.lt.map((p) => [p.t.getTime() - at(0).getTime(), p.v])).toEqual([[5_000, 0n], [10_000, 1n], [17_000, 2n]]);
  });
  it('no bucket: the start point alone', () => {
    expect(bucketedEquity(at(0), at(1), W, [])).toEqual({ ft: [{ t: at(0), v: 0n }], lt: [{ t: at(0), v: 0n }] });
  });
  it('the series width: seconds for a young strategy, at most the given number of buckets', () => {
    expect(bucketWidthMs(at(0), at(300), 500, EQUITY_WIDTHS_MS)).toBe(1000);
    expect(bucketWidthMs(at(0), at(3600), 500, EQUITY_WIDTHS_MS)).toBe(15_000);
  });
});

describe('downsample', () => {
  const series = (n: number): Point[] => Array.from({ length: n }, (_, i) => ({ t: at(i * 7), v: BigInt(i * i) }));
  it('keeps a short series as it is', () => {
    expect(downsample(series(5), 5)).toEqual(series(5));
  });
  it.each([2, 3, 50, 500])('keeps at most %i points, the first and the exact last, in time order', (max) => {
    const all = series(2_001);
    const d = downsample(all, max);
    expect(d.length).toBeLessThanOrEqual(max);
    expect(d[0]).toEqual(all[0]);
    expect(d[d.length - 1]).toEqual(all[all.length - 1]);
    for (let i = 1; i < d.length; i += 1) expect(d[i]!.t.getTime()).toBeGreaterThan(d[i - 1]!.t.getTime());
    for (const p of d) expect(all).toContainEqual(p); // every kept value is a real point of the series
  });
  it('refuses fewer than 2 points', () => {
    expect(() => downsample(series(10), 1)).toThrow(RangeError);
  });
});

describe('bucketWidthMs', () => {
  it.each([
    [0, 0, 60_000], [0, 59 * 60, 60_000], [0, 60 * 60, 5 * 60_000], [0, 24 * 3600, 30 * 60_000], [0, 30 * 86_400, 86_400_000], [0, 29 * 86_400, 12 * 3_600_000],
  ])('from %i s to %i s: %i ms', (a, b, w) => {
    expect(bucketWidthMs(at(a), at(b), 60)).toBe(w);
  });
  it('never gives more than the maximum of aligned buckets, even over years', () => {
    for (const days of [1, 45, 400, 5_000]) {
      const w = bucketWidthMs(at(17), at(days * 86_400), 60);
      expect(Math.floor(at(days * 86_400).getTime() / w) - Math.floor(at(17).getTime() / w) + 1).toBeLessThanOrEqual(60);
    }
  });
});

describe('cappedFillRate', () => {
  it('is filled / intended, capped at 1, and null without an intended size', () => {
    expect([cappedFillRate(7n, 10n), cappedFillRate(12n, 10n), cappedFillRate(0n, 0n)]).toEqual([700_000n, 1_000_000n, null]);
  });
});

describe('histogram', () => {
  it('lists every bucket with open ends, in the indices of width_bucket', () => {
    const edges = [0n, 10n, 20n];
    const counts = new Map<number, number>();
    for (const v of [-5n, 0n, 9n, 10n, 25n, 20n, 19n]) counts.set(bucketIndex(v, edges), (counts.get(bucketIndex(v, edges)) ?? 0) + 1);
    expect(histogram(edges, counts)).toEqual([{ lo: null, hi: 0n, count: 1 }, { lo: 0n, hi: 10n, count: 2 },
      { lo: 10n, hi: 20n, count: 2 }, { lo: 20n, hi: null, count: 2 }]);
  });
  it('refuses edges that do not ascend; the shipped edges ascend', () => {
    expect(() => histogram([1n, 1n], new Map())).toThrow(RangeError);
    expect(histogram(SLIPPAGE_PCT_EDGES, new Map()).length).toBe(SLIPPAGE_PCT_EDGES.length + 1);
    expect(histogram(LATENCY_MS_EDGES, new Map()).length).toBe(LATENCY_MS_EDGES.length + 1);
  });
});

describe('riskUsage', () => {
  const base = { equity: usdc('100'), peakEquity: usdc('125'), locked: usdc('40'), maxMarketExposure: usdc('15'),
    committedToday: usdc('30'), realizedToday: usdc('-12') };
  it('lists capital alone when the strategy has no limit', () => {
    expect(riskUsage({ ...base, limits: NO_LIMITS })).toEqual([
      { name: 'capital', label: 'Capital deployed', unit: 'usd', used: usdc('40'), limit: usdc('100'), ratio: 400_000n }]);
  });
  it('lists each limit the strategy has with its use, and trips daily loss and drawdown at their limits', () => {
    const limits: RiskLimits = { ...NO_LIMITS, maxPositionPerMarketUsd: usdc('20'), maxTotalExposureUsd: usdc('80'),
      dailyBudgetUsd: usdc('60'), maxDailyLossUsd: usdc('12'), maxDrawdown: 250_000n as Ratio };
    const uses = riskUsage({ ...base, limits });
    expect(uses.map((u) => [u.name, u.used, u.limit, u.ratio])).toEqual([
      ['capital', usdc('40'), usdc('100'), 400_000n], ['max_position_per_market', usdc('15'), usdc('20'), 750_000n],
      ['max_total_exposure', usdc('40'), usdc('80'), 500_000n], ['daily_budget', usdc('30'), usdc('60'), 500_000n],
      ['daily_loss', usdc('12'), usdc('12'), 1_000_000n], ['drawdown', 200_000n, 250_000n, 800_000n]]);
    expect(limitBreakers(uses).map((b) => [b.name, b.tripped])).toEqual([['daily_loss', true], ['drawdown', false]]);
  });
  it('a gain today uses none of the daily loss; no equity gives no ratio', () => {
    const uses = riskUsage({ ...base, equity: 0n as never, realizedToday: usdc('5'), limits: { ...NO_LIMITS, maxDailyLossUsd: usdc('1') } });
    expect(uses.map((u) => [u.name, u.used, u.ratio])).toEqual([['capital', usdc('40'), null], ['daily_loss', 0n, 0n]]);
  });
});
