// @backend-independent
/** The soak's summaries: RSS growth from the medians of the windows ending at warm-up and at the end, and rates */
import { describe, expect, it } from 'vitest';
import { Latencies, perMinute, rssSummary, type Sample } from './soak-measures.ts';

const sample = (t_s: number, rss_mb: number, n = 0): Sample => ({ t_s, rss_mb, source_trades: n, ft_orders: 2 * n, lt_orders: n / 2 });
const bound = { growthMb: 64, ceilingMb: 1000, windowS: 30 };

describe('rssSummary', () => {
  it('measures growth between window medians, so one spike is not growth, and holds it against the bound', () => {
    const samples = [sample(100, 500), sample(110, 900), sample(120, 510), sample(590, 540), sample(600, 560), sample(580, 550)]
      .sort((a, b) => a.t_s - b.t_s);
    const s = rssSummary(samples, 120, bound);
    expect(s).toMatchObject({ at_warmup_end_mb: 510, at_end_mb: 550, growth_mb: 40, max_mb: 900, within_bound: true });
  });

  it('is broken by growth past the bound, or by any sample past the ceiling', () => {
    expect(rssSummary([sample(120, 500), sample(600, 565)], 120, bound).within_bound).toBe(false);
    expect(rssSummary([sample(120, 500), sample(300, 1001), sample(600, 500)], 120, bound).within_bound).toBe(false);
  });
});

describe('perMinute and Latencies', () => {
  it('rates are per minute between two samples; latencies are per endpoint with errors counted', () => {
    expect(perMinute(sample(0, 1, 10), sample(120, 1, 70))).toEqual({ source_trades: 30, ft_orders: 60, lt_orders: 15 });
    const l = new Latencies();
    for (let i = 1; i <= 100; i += 1) l.record('/a', i === 100 ? 500 : 200, i);
    l.record('/b', 200, 7);
    expect(l.total()).toEqual({ reads: 101, errors: 1 });
    expect(l.byEndpoint()['/a']).toEqual({ count: 100, errors: 1, p50_ms: 50, p90_ms: 90, p99_ms: 99, max_ms: 100 });
  });
});
