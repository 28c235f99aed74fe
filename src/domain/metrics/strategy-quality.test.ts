// @backend-independent
/** A strategy's execution quality from its orders, with every figure worked by hand */
import { describe, expect, it } from 'vitest';
import { shares, usdc } from '../money.ts';
import { formatStrategyQuality, strategyQuality, type OrderSample } from './strategy-quality.ts';

const order = (over: Partial<OrderSample>): OrderSample => ({
  status: 'filled', submitted: true, rejectReason: null, intendedShares: shares('10'), filledShares: shares('10'),
  intendedUsd: usdc('5'), filledUsd: usdc('5'), feesUsd: usdc('0'), signalSlippagePct: null, midSlippagePct: null,
  expectedSlippagePct: null, orderLatencyMs: null, fillLatencyMs: null, detectionLatencyMs: null, score: null, ...over,
});

const ORDERS: OrderSample[] = [
  order({ signalSlippagePct: 1_000000n, midSlippagePct: 500000n, orderLatencyMs: 1000, fillLatencyMs: 200,
    detectionLatencyMs: 3000, score: 9000n, feesUsd: usdc('0.02') }),
  order({ status: 'cancelled', filledShares: shares('4'), filledUsd: usdc('2'), signalSlippagePct: 3_000000n,
    orderLatencyMs: 3000, fillLatencyMs: 500, score: 5000n }),
  order({ status: 'rejected', filledShares: shares('0'), filledUsd: usdc('0'), rejectReason: 'min_size', orderLatencyMs: 100 }),
  order({ status: 'open', filledShares: shares('0'), filledUsd: usdc('0'), orderLatencyMs: 400 }),
];

describe('strategyQuality', () => {
  const q = strategyQuality(ORDERS, { ordered: 4, slippage: 1 });

  it('fill rates are over finished orders: the open one may still fill', () => {
    expect(q).toMatchObject({ orders: 4, finished: 3 });
    // shares (10 + 4 + 0)/(10 + 10 + 10) = 14/30 = 0.4666… ; USD (5 + 2 + 0)/(5 + 5 + 5) = 7/15
    expect(q.quantityFillRate).toBe(466667n);
    expect(q.usdFillRate).toBe(466667n);
    // each order's rate (1, 0.4, 0) weighted by its requested USD (5 each): 7/15
    expect(q.fillRate).toBe(466667n);
    // accepted (not rejected) finished: the filled and the cancelled one; both filled something, one completely
    expect(q.orderFillRate).toBe(1_000000n);
    expect(q.completeFillRate).toBe(500000n);
  });

  it('summaries over the orders that have the sample, nearest-rank percentiles', () => {
    // slippage samples 1 % and 3 %: mean 2 %, median 2 %, p50 = 1st of 2 = 1 %, p95 = 2nd = 3 %
    expect(q.signalSlippagePct).toMatchObject({ n: 2, mean: 2_000000n, median: 2_000000n, p50: 1_000000n, p95: 3_000000n });
    // latencies 100, 400, 1000, 3000: mean 1125, median (400 + 1000)/2 = 700, p50 = 2nd = 400, p99 = 4th = 3000
    expect(q.orderLatencyMs).toMatchObject({ n: 4, mean: 1125n, median: 700n, p50: 400n, p99: 3000n });
    expect(q.detectionLatencyMs).toMatchObject({ n: 1, mean: 3000n });
    expect(q.qualityScore).toMatchObject({ n: 2, mean: 7000n }); // (90.00 + 50.00)/2 = 70.00
  });

  it('a stage without samples is null, never zero', () => {
    expect(q.expectedSlippagePct).toBeNull();
    const none = strategyQuality([], {});
    expect(none).toMatchObject({ quantityFillRate: null, orderFillRate: null, signalSlippagePct: null, orderLatencyMs: null,
      qualityScore: null, rejectionRate: null, copyRate: null, rejectionsByReason: {}, skipsByRule: {} });
  });

  it('rejections by reason over orders sent, copy rate and skips over decided signals', () => {
    expect(q.rejectionRate).toBe(250000n); // 1 of 4 sent
    expect(q.rejectionsByReason).toEqual({ min_size: 250000n });
    expect(q.copyRate).toBe(800000n); // 4 ordered of 5 decided
    expect(q.skipsByRule).toEqual({ slippage: 200000n });
    expect(q.feesUsd).toBe(usdc('0.02'));
  });

  it('formats ratios as decimals, percents with 4 places, ms as numbers and scores with 2 places', () => {
    const f = formatStrategyQuality(q);
    expect(f).toMatchObject({ fill_rate: '0.466667', quantity_fill_rate: '0.466667', rejection_rate: '0.250000', copy_rate: '0.800000',
      fees_usd: '0.02', expected_slippage_pct: null });
    expect(f.signal_slippage_pct).toMatchObject({ n: 2, mean: '2.0000', p95: '3.0000' });
    expect(f.order_latency_ms).toMatchObject({ n: 4, p50: 400, mean: 1125 });
    expect(f.quality_score).toMatchObject({ n: 2, mean: '70.00' });
  });
});

describe('strategyQuality: fill rates never above 1 (issue 11: "102.77 %")', () => {
  // A USD-sized BUY of $10 (25 shares at a 0.40 limit) filled at 0.32: 31.25 shares for its $10
  const usdBuy = order({ usdSized: true, intendedShares: shares('25'), filledShares: shares('31.25'), intendedUsd: usdc('9.5'),
    requestedUsd: usdc('10'), filledUsd: usdc('10') });
  // A GTC SELL of 20 shares at 0.50 ($10 at the limit) that filled 15 before it was cancelled
  const sell = order({ status: 'cancelled', intendedShares: shares('20'), filledShares: shares('15'), intendedUsd: usdc('10'),
    requestedUsd: usdc('10'), filledUsd: usdc('7.5') });
  const q = strategyQuality([usdBuy, sell], {});

  it('the USD-sized BUY counts in USD, the SELL in shares, each capped at what it requested', () => {
    // old: (31.25 + 15)/(25 + 20) = 102.78 %; now shares are capped per order: (25 + 15)/45
    expect(q.quantityFillRate).toBe(888889n);
    // (1·10 + 0.75·10)/(10 + 10) = 0.875
    expect(q.fillRate).toBe(875000n);
    // USD: (10 + 7.5)/(10 + 10)
    expect(q.usdFillRate).toBe(875000n);
    expect(q.completeFillRate).toBe(500000n);
  });

  it('slippage in cents and ticks is summarized beside the percent', () => {
    const s = strategyQuality([order({ signalSlippageCents: 1_000000n, signalSlippageTicks: 1_000000n, midSlippagePct: 500000n,
      midSlippageCents: 500000n, midSlippageTicks: 500000n })], {});
    const f = formatStrategyQuality(s);
    expect(f.signal_slippage_cents).toMatchObject({ n: 1, mean: '1.0000' });
    expect(f.signal_slippage_ticks).toMatchObject({ n: 1, mean: '1.00' });
    expect(f.mid_slippage_pct).toMatchObject({ mean: '0.5000' });
    expect(f.mid_slippage_cents).toMatchObject({ mean: '0.5000' });
    expect(f.mid_slippage_ticks).toMatchObject({ mean: '0.50' });
  });
});
