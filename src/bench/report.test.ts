// @backend-independent
import { describe, expect, it } from 'vitest';
import { runBench, unknownNames, type Bench, type BenchContext } from './run-bench.ts';
import {
  buildReport, formatTable, formatValue, measuredResult, pairedRatioInterval, percentile, quantiles, skippedResult, summaryLine, type BenchSpec,
  type Machine,
} from './report.ts';

const AT_LEAST: BenchSpec = { name: 'throughput', unit: 'ops/s', target: 1000, comparator: '>=' };
const AT_MOST: BenchSpec = { name: 'latency', unit: 'ms', target: 50, comparator: '<=' };
const MACHINE: Machine = { node: 'v20.0.0', cpus: 2, cpu_model: 'test cpu', total_memory_mb: 1024 };
const ctx: BenchContext = { scorer: { name: 'none', score: async () => null }, benchDatabaseUrl: undefined, progress: () => undefined, quick: false };

describe('percentile', () => {
  it.each([
    [[], 50, Number.NaN],
    [[7], 99, 7],
    [[1, 2, 3, 4], 50, 2],
    [[4, 3, 2, 1], 100, 4],
    [Array.from({ length: 200 }, (_, i) => i + 1), 99, 198],
    [Array.from({ length: 200 }, (_, i) => 200 - i), 95, 190],
  ])('of %j at p%d is %d (nearest rank)', (samples, p, expected) => {
    expect(percentile(samples, p)).toBe(expected);
  });

  it('gives p50, p95 and p99 together', () => {
    expect(quantiles(Array.from({ length: 100 }, (_, i) => i + 1))).toEqual({ p50: 50, p95: 95, p99: 99 });
  });
});

describe('the interval of a ratio of percentiles', () => {
  /** A sample with a slow tail, as latencies have: mostly near `base`, one in twenty up to 3 × */
  const latencies = (base: number, n: number, seed: number) => Array.from({ length: n }, (_, i) => {
    const u = ((i * 7919 + seed * 104729) % 1000) / 1000;
    return base * (i % 20 === 0 ? 1 + 2 * u : 1 + 0.2 * u);
  });

  it('is the ratio itself when one side is the other times a constant', () => {
    const den = latencies(8, 1000, 1);
    expect(pairedRatioInterval(den.map((x) => x * 1.5), den, 99)).toEqual({ low: 1.5, high: 1.5 });
  });

  it('holds the ratio of the samples as taken, repeats from its seed, and widens with fewer samples', () => {
    const num = latencies(12, 1000, 2);
    const den = latencies(8, 1000, 3);
    const point = percentile(num, 99) / percentile(den, 99);
    const wide = pairedRatioInterval(num, den, 99)!;
    expect(wide.low).toBeLessThan(point);
    expect(wide.high).toBeGreaterThan(point);
    expect(pairedRatioInterval(num, den, 99)).toEqual(wide);
    const few = pairedRatioInterval(num.slice(0, 200), den.slice(0, 200), 95)!;
    const many = pairedRatioInterval(num, den, 95)!;
    expect(few.high - few.low).toBeGreaterThan(many.high - many.low);
  });

  it('refuses samples of different lengths or none, and no rounds', () => {
    expect(() => pairedRatioInterval([1, 2], [1], 99)).toThrow(RangeError);
    expect(() => pairedRatioInterval([], [], 99)).toThrow(RangeError);
    expect(() => pairedRatioInterval([1], [1], 50, 0)).toThrow(RangeError);
  });

  it('gives none when too few samples lie above the percentile (30 pairs at p99: their maximum)', () => {
    expect(pairedRatioInterval(latencies(12, 30, 2), latencies(8, 30, 3), 99)).toBeNull();
    expect(pairedRatioInterval(latencies(12, 1000, 2), latencies(8, 1000, 3), 99)).not.toBeNull();
  });
});

describe('results against their targets', () => {
  it.each([
    [AT_LEAST, 1000, true], [AT_LEAST, 999.9, false], [AT_MOST, 50, true], [AT_MOST, 50.1, false],
  ])('%o with %d passes: %s', (spec, value, pass) => {
    expect(measuredResult(spec, { value, samples: 3, detail: {} }).pass).toBe(pass);
  });

  it('fails a value that is not a number', () => {
    expect(measuredResult(AT_MOST, { value: Number.NaN, samples: 0, detail: {} }).pass).toBe(false);
  });

  it('reports a skipped measurement with its reason and no verdict', () => {
    expect(skippedResult(AT_MOST, 'not automated yet')).toEqual({
      ...AT_MOST, value: null, pass: null, samples: 0, detail: {}, skipped: 'not automated yet',
    });
  });
});

describe('the report', () => {
  const report = buildReport([
    measuredResult(AT_LEAST, { value: 2_500_000, samples: 20, detail: { runs: 20 } }),
    measuredResult(AT_MOST, { value: 61.25, samples: 200, detail: {} }),
    skippedResult({ name: 'crash_restarts', unit: 'orders', target: 0, comparator: '<=' }, 'not automated yet'),
  ], new Date('2026-11-24T10:00:00Z'), true, MACHINE);

  it('is versioned JSON with the time and the machine', () => {
    const json = JSON.parse(JSON.stringify(report)) as typeof report;
    expect(json).toMatchObject({ version: 1, at: '2026-11-24T10:00:00.000Z', quick: true, machine: MACHINE });
    expect(json.results.map((r) => [r.name, r.pass])).toEqual([['throughput', true], ['latency', false], ['crash_restarts', null]]);
  });

  it('prints one row per measurement with its verdict', () => {
    const lines = formatTable(report).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^throughput\s+2,500,000 ops\/s\s+>= 1,000 ops\/s\s+pass$/);
    expect(lines[3]).toMatch(/^latency\s+61.25 ms\s+<= 50 ms\s+FAIL$/);
    expect(lines[4]).toMatch(/^crash_restarts\s+-\s+<= 0 orders\s+skipped\s+not automated yet$/);
  });

  it('sums up the verdicts', () => {
    expect(summaryLine(report)).toBe('1 passed, 1 failed, 1 skipped');
  });

  it.each([[null, '-'], [0.1234, '0.123'], [5.8431, '5.84'], [20345.6, '20,346']])('formats %s as %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });
});

describe('running one bench', () => {
  it('turns a reason into a skip, a measurement into a verdict and a throw into an error', async () => {
    const bench = (run: Bench['run']): Bench => ({ spec: AT_MOST, run });
    expect(await runBench(bench(() => 'no server'), ctx)).toMatchObject({ skipped: 'no server', pass: null });
    expect(await runBench(bench(async () => ({ value: 10, samples: 5, detail: {} })), ctx)).toMatchObject({ value: 10, pass: true });
    const failed = await runBench(bench(() => { throw new Error('boom'); }), ctx);
    expect(failed).toMatchObject({ value: null, pass: false, detail: { error: 'boom' } });
    expect(summaryLine(buildReport([failed], new Date(0), false, MACHINE))).toBe('0 passed, 1 failed (1 with errors), 0 skipped');
  });

  it('marks every figure of a quick run as quick, beside its own detail, and hands each bench quick', async () => {
    const seen: boolean[] = [];
    const bench: Bench = { spec: AT_MOST, run: (c) => (seen.push(c.quick), { value: 3, samples: 1, detail: { orders: 10 } }) };
    expect((await runBench(bench, { ...ctx, quick: true })).detail).toEqual({ quick: true, orders: 10 });
    expect((await runBench(bench, ctx)).detail).toEqual({ orders: 10 });
    expect(seen).toEqual([true, false]);
  });

  it('knows the names of the PRODUCT §9 measurements', () => {
    expect(unknownNames(['ft_eval_throughput', 'service_rss_mb', 'fault_convergence', 'nope'])).toEqual(['nope']);
  });
});
