// @backend-independent
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../errors.ts';
import { price, shares, usdc, type Price, type Ratio } from '../money.ts';
import {
  bookAt, displayStatus, fillRateOf, fillTotals, msBetween, orderQuality, partialFillCount, requestedUsdOf, slippageCents,
  slippagePct, slippageTicks,
  type FillLeg, type OrderQualityInput,
} from './execution.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const at = (ms: number): Date => new Date(T0 + ms);
const leg = (p: string, q: string, ms: number, fee: { asset: 'shares' | 'usdc'; amount: bigint } = { asset: 'usdc', amount: 0n }): FillLeg =>
  ({ price: price(p), size: shares(q), feeAsset: fee.asset, feeAmount: fee.amount, at: at(ms) });

/** A BUY of 100 shares copied from a trader who paid 0.50; the book at intent was 0.48 / 0.51 */
const buy: OrderQualityInput = {
  side: 'BUY', orderType: 'FAK', status: 'filled',
  signalPrice: price('0.50'), size: shares('100'), intendedUsd: usdc('50'),
  expectedPrice: price('0.505'), bestBid: price('0.48'), bestAsk: price('0.51'), tickSize: price('0.01'),
  fills: [
    // listed out of time order on purpose
    leg('0.52', '40', 3800, { asset: 'shares', amount: shares('0.5') }),
    leg('0.51', '60', 3500, { asset: 'usdc', amount: usdc('0.10') }),
  ],
  sourceTradeAt: at(0), signalAt: at(2000), submittedAt: at(2300),
  slippageTolerancePct: 5_000_000n, latencyThresholdMs: 1000,
};

describe('orderQuality: a BUY filled in two legs', () => {
  const q = orderQuality(buy);

  it('book: mid = (0.48 + 0.51)/2 = 0.495, spread = 0.51 − 0.48 = 0.03', () => {
    expect(q.mid).toBe(495_000n);
    expect(q.spread).toBe(30_000n);
  });

  it('fills: VWAP (60·0.51 + 40·0.52)/100 = 51.4/100 = 0.514; USD 51.4; fees 0.10 + 0.5·0.52 = 0.36', () => {
    expect(q.executedPrice).toBe(514_000n);
    expect(q.filledShares).toBe(100_000_000n);
    expect(q.filledUsd).toBe(51_400_000n);
    expect(q.feesUsd).toBe(360_000n);
  });

  it('fill rates: an FAK BUY is USD-sized: min(51.4, 50)/50 = 1 (never above 1); shares 100/100 = 1; one partial leg', () => {
    expect(q.fillRate).toBe(1_000_000n);
    expect(q.fillRateBasis).toBe('usd');
    expect(q.quantityFillRate).toBe(1_000_000n);
    expect(q.fillRateUsd).toBe(1_000_000n);
    expect(q.requestedUsd).toBe(50_000_000n); // no limit given: the intended USD
    expect(q.displayStatus).toBe('filled');
    expect(q.partialFillCount).toBe(1);
  });

  it('expected slippage: (0.505 − 0.50)/0.50·100 = 1 %', () => {
    expect(q.expectedSlippagePct).toBe(1_000_000n);
  });

  it('signal slippage: (0.514 − 0.50)/0.50·100 = 2.8 %; (0.514 − 0.50)·100 = 1.4 cents; 0.014/0.01 = 1.4 ticks', () => {
    expect(q.signalSlippagePct).toBe(2_800_000n);
    expect(q.signalSlippageCents).toBe(1_400_000n);
    expect(q.signalSlippageTicks).toBe(1_400_000n);
  });

  it('mid slippage: 0.019 of the $1 payout = 1.9 % (not 0.019/0.495 = 3.84 %); 1.9 cents; 0.019/0.01 = 1.9 ticks', () => {
    expect(q.midSlippagePct).toBe(1_900_000n);
    expect(q.midSlippageCents).toBe(1_900_000n);
    expect(q.midSlippageTicks).toBe(1_900_000n);
  });

  it('latencies: detection 2000 − 0; order 2300 − 2000 = 300; fill (earliest leg) 3500 − 2300 = 1200', () => {
    expect(q.detectionLatencyMs).toBe(2000);
    expect(q.orderLatencyMs).toBe(300);
    expect(q.fillLatencyMs).toBe(1200);
  });

  it('detection latency is detected − trade when the detection time is recorded: 450 − 0 (signal at 2000 aside)', () => {
    expect(orderQuality({ ...buy, detectedAt: at(450) }).detectionLatencyMs).toBe(450);
    expect(orderQuality({ ...buy, detectedAt: null }).detectionLatencyMs).toBe(2000);
  });

  it('score: slip 1 − 2.8/5 = 0.44, fill 1, latency 300 ≤ 1000 → 1; 100·(0.4·0.44 + 0.35 + 0.25) = 77.60', () => {
    expect(q.score.score).toBe(7760n);
    expect(q.score.components.map((c) => c.value)).toEqual([440_000n, 1_000_000n, 1_000_000n]);
  });
});

describe('orderQuality: a SELL', () => {
  const sell: OrderQualityInput = {
    ...buy, side: 'SELL', signalPrice: price('0.60'), size: shares('100'), intendedUsd: usdc('60'),
    expectedPrice: price('0.59'), bestBid: price('0.58'), bestAsk: price('0.60'), tickSize: price('0.01'),
    fills: [leg('0.58', '100', 2500)],
  };

  it('selling below the signal is positive (worse): −(0.58 − 0.60)/0.60·100 = 3.333333 %; 2 cents', () => {
    const q = orderQuality(sell);
    expect(q.signalSlippagePct).toBe(3_333_333n); // 3.3333333… → 3.333333
    expect(q.signalSlippageCents).toBe(2_000_000n);
    expect(q.expectedSlippagePct).toBe(1_666_667n); // −(0.59 − 0.60)/0.60·100 = 1.6666667 %
    // mid (0.58 + 0.60)/2 = 0.59: −(0.58 − 0.59) = 0.01 of the $1 payout = 1 %; 1 cent; 1 tick
    expect(q.midSlippagePct).toBe(1_000_000n);
    expect(q.midSlippageCents).toBe(1_000_000n);
    expect(q.midSlippageTicks).toBe(1_000_000n);
    expect(q.fillRateUsd).toBe(966_667n); // 58/60 = 0.9666666… → 0.966667
  });

  it('selling above the signal is negative (an improvement): −(0.61 − 0.60)/0.60·100 = −1.666667 %', () => {
    const q = orderQuality({ ...sell, fills: [leg('0.61', '100', 2500)] });
    expect(q.signalSlippagePct).toBe(-1_666_667n); // −1.6666666… → −1.666667
    expect(q.signalSlippageCents).toBe(-1_000_000n);
  });
});

describe('orderQuality: no sample is null, never zero', () => {
  it('an order without fills', () => {
    const q = orderQuality({ ...buy, status: 'cancelled', fills: [] });
    expect(q.executedPrice).toBeNull();
    expect([q.filledShares, q.filledUsd, q.feesUsd, q.fillRate, q.fillRateUsd]).toEqual([0n, 0n, 0n, 0n, 0n]);
    expect(q.partialFillCount).toBe(0);
    expect([q.signalSlippagePct, q.signalSlippageCents, q.midSlippagePct, q.midSlippageCents, q.midSlippageTicks, q.fillLatencyMs])
      .toEqual([null, null, null, null, null, null]);
    expect(q.expectedSlippagePct).toBe(1_000_000n); // the estimate exists without a fill
    // fill 0, latency 1: 100·(0.35·0 + 0.25·1)/0.6 = 41.67
    expect(q.score.score).toBe(4167n);
  });

  it('an order never submitted, with no book, no tick, no estimate and no USD size', () => {
    const q = orderQuality({
      ...buy, fills: [], submittedAt: null, sourceTradeAt: null, bestBid: price('0.48'), bestAsk: null,
      tickSize: null, expectedPrice: null, intendedUsd: usdc('0'), latencyThresholdMs: null,
    });
    expect([q.mid, q.spread, q.expectedSlippagePct, q.fillRateUsd]).toEqual([null, null, null, null]);
    expect([q.orderLatencyMs, q.fillLatencyMs, q.detectionLatencyMs]).toEqual([null, null, null]);
    expect(q.score.score).toBe(0n); // only the fill component (0) is present
  });

  it('ticks need a tick size; mid slippage needs both sides of the book', () => {
    const q = orderQuality({ ...buy, tickSize: null });
    expect(q.midSlippageTicks).toBeNull();
    expect(q.midSlippageCents).toBe(1_900_000n);
    const noBook = orderQuality({ ...buy, bestAsk: null });
    expect([noBook.midSlippagePct, noBook.midSlippageCents, noBook.midSlippageTicks]).toEqual([null, null, null]);
    expect(noBook.signalSlippagePct).toBe(2_800_000n);
  });

  it('refuses an order of no size', () => {
    expect(() => orderQuality({ ...buy, size: shares('0') })).toThrow(InvariantError);
  });
});

describe('building blocks', () => {
  it('bookAt: mid rounds half-even', () => {
    // (0.490001 + 0.500002)/2 = 0.4950015 → 0.495002 (2 is even); (0.490000 + 0.500001)/2 = 0.4950005 → 0.495000
    expect(bookAt(490_001n as Price, 500_002n as Price)).toEqual({ mid: 495_002n, spread: 10_001n });
    expect(bookAt(490_000n as Price, 500_001n as Price).mid).toBe(495_000n);
    expect(bookAt(null, 500_000n as Price)).toEqual({ mid: null, spread: null });
  });

  it('fillTotals: VWAP rounds half-even over the sum', () => {
    // (1·0.100000 + 1·0.100001)/2 = 0.1000005 → 0.100000 (0 is even)
    expect(fillTotals([leg('0.1', '1', 0), leg('0.100001', '1', 1)]).executedPrice).toBe(100_000n);
  });

  it('fillTotals: USD rounds once over the sum, not per leg', () => {
    // each leg 0.5·0.333333 = 0.1666665 (→ 0.166666 alone); together 0.333333 exactly, not 0.333332
    const t = fillTotals([leg('0.333333', '0.5', 0), leg('0.333333', '0.5', 1)]);
    expect(t.filledUsd).toBe(333_333n);
    expect(t.notionalPico).toBe(333_333_000_000n);
  });

  it('fillTotals: a share fee is worth its leg price, rounded half-even', () => {
    // 0.000001 shares × 0.5 = 0.0000005 USDC → 0 (even); 0.000003 × 0.5 = 0.0000015 → 0.000002
    expect(fillTotals([leg('0.5', '1', 0, { asset: 'shares', amount: 1n })]).feesUsd).toBe(0n);
    expect(fillTotals([leg('0.5', '1', 0, { asset: 'shares', amount: 3n })]).feesUsd).toBe(2n);
  });

  it('partialFillCount counts legs, in time order, after which the order is still short', () => {
    // 30 (short), 60 (short), 100 (complete) → 2
    expect(partialFillCount([leg('0.5', '40', 3), leg('0.5', '30', 1), leg('0.5', '30', 2)], shares('100'))).toBe(2);
    expect(partialFillCount([leg('0.5', '100', 1)], shares('100'))).toBe(0);
    expect(partialFillCount([leg('0.5', '10', 1)], shares('100'))).toBe(1);
  });

  it('slippage helpers are null without a reference', () => {
    expect(slippagePct('BUY', 500_000n, null)).toBeNull();
    expect(slippagePct('BUY', null, 500_000n)).toBeNull();
    expect(slippageCents('SELL', null, 500_000n)).toBeNull();
    expect(slippageTicks('BUY', 510_000n, 500_000n, 0n)).toBeNull();
    // (0.505 − 0.50)/0.001 = 5 ticks
    expect(slippageTicks('BUY', 505_000n, 500_000n, 1_000n)).toBe(5_000_000n);
  });

  it('msBetween', () => {
    expect(msBetween(at(0), at(250))).toBe(250);
    expect(msBetween(null, at(250))).toBeNull();
  });
});

describe('figures that read right (issue 11): what the operator saw, defined again', () => {
  /** A USD-sized BUY: limit 0.40 × 25 shares = $10 signed; the venue filled it at 0.32, so $10 bought 31.25 shares */
  const usdBuy: OrderQualityInput = {
    ...buy, orderType: 'FAK', signalPrice: price('0.38'), size: shares('25'), intendedUsd: usdc('9.50'),
    limitPrice: price('0.40'), expectedPrice: price('0.33'), bestBid: price('0.31'), bestAsk: price('0.32'),
    fills: [leg('0.32', '31.25', 3500)],
  };

  it('a USD-sized BUY filled at a better price: 125 % of its shares, but 100 % of its $10 — the fill rate is 1, not 1.25', () => {
    const q = orderQuality(usdBuy);
    expect(q.quantityFillRate).toBe(1_250_000n); // what read as "125 %"
    expect(q.requestedUsd).toBe(10_000_000n); // 0.40 × 25 cut to the cent
    expect(q.filledUsd).toBe(10_000_000n);
    expect([q.fillRate, q.fillRateBasis, q.fillRateUsd]).toEqual([1_000_000n, 'usd', 1_000_000n]);
    expect(q.displayStatus).toBe('filled');
    expect(q.score.components.find((c) => c.name === 'fill')!.value).toBe(1_000_000n);
  });

  it('an FAK that filled 99 % and had the rest cancelled is partially_filled, not "cancelled"', () => {
    const q = orderQuality({ ...usdBuy, status: 'cancelled', fills: [leg('0.32', '30.9375', 3500)] }); // $9.90 of $10
    expect(q.fillRate).toBe(990_000n);
    expect(q.displayStatus).toBe('partially_filled');
    expect(orderQuality({ ...usdBuy, status: 'cancelled', fills: [leg('0.32', '31.09375', 3500)] }).displayStatus).toBe('filled'); // 99.5 %
    expect(orderQuality({ ...usdBuy, status: 'cancelled', fills: [] }).displayStatus).toBe('cancelled');
  });

  it('a share-sized order is measured in shares and capped at its size', () => {
    const gtc = orderQuality({ ...usdBuy, orderType: 'GTC', fills: [leg('0.40', '20', 3500)], status: 'open' });
    expect([gtc.fillRate, gtc.fillRateBasis, gtc.displayStatus]).toEqual([800_000n, 'shares', 'open']);
    expect(gtc.requestedUsd).toBe(10_000_000n); // 0.40 × 25, the notional at the limit
  });

  it('one tick of spread on a 0.03 token: mid slippage 0.5 % of the payout, 0.5 tick, 0.5 cent (it read 20 %)', () => {
    const cheap = orderQuality({ ...buy, signalPrice: price('0.03'), size: shares('100'), intendedUsd: usdc('3'),
      expectedPrice: price('0.03'), bestBid: price('0.02'), bestAsk: price('0.03'), fills: [leg('0.03', '100', 3500)] });
    expect(slippagePct('BUY', 30_000n, 25_000n)).toBe(20_000_000n); // the old figure: 0.005/0.025 = 20 %
    expect(cheap.midSlippagePct).toBe(500_000n);
    expect(cheap.midSlippageTicks).toBe(500_000n);
    expect(cheap.midSlippageCents).toBe(500_000n);
    expect(cheap.signalSlippageTicks).toBe(0n);
  });
});

describe('displayStatus: every stored status', () => {
  it.each([
    ['pending', null, 'pending'], ['unknown', 0n, 'open'], ['open', 0n, 'open'], ['partially_filled', 500_000n, 'open'],
    ['rejected', 0n, 'rejected'], ['filled', 1_000_000n, 'filled'], ['filled', 990_000n, 'filled'],
    ['cancelled', 0n, 'cancelled'], ['cancelled', null, 'cancelled'], ['expired', 994_999n, 'partially_filled'],
    ['expired', 995_000n, 'filled'], ['lost', 0n, 'cancelled'], ['lost', 1n, 'partially_filled'],
  ] as const)('%s at fill rate %s → %s', (status, rate, expected) => {
    expect(displayStatus(status, rate as Ratio | null)).toBe(expected);
  });

  it('refuses a status the schema does not have', () => {
    expect(() => displayStatus('done', null)).toThrow(InvariantError);
  });
});

describe('fillRateOf and requestedUsdOf', () => {
  it('requestedUsdOf: a USD-sized BUY signs limit × size cut to the cent; others the notional, half-even', () => {
    expect(requestedUsdOf(true, price('0.33'), shares('30.31'))).toBe(10_000_000n); // 10.0023 → 10.00
    expect(requestedUsdOf(false, price('0.33'), shares('30.31'))).toBe(10_002_300n);
  });

  it('fillRateOf: capped at 1 in either unit; a USD-sized order with no requested USD falls back to shares', () => {
    const base = { requestedShares: shares('10'), filledShares: shares('12'), requestedUsd: usdc('5'), filledUsd: usdc('4') };
    expect(fillRateOf({ ...base, usdSized: true })).toEqual({ rate: 800_000n, basis: 'usd', requested: 5_000_000n, filled: 4_000_000n });
    expect(fillRateOf({ ...base, usdSized: false }).rate).toBe(1_000_000n);
    expect(fillRateOf({ ...base, usdSized: true, requestedUsd: null }).basis).toBe('shares');
    expect(() => fillRateOf({ ...base, usdSized: false, requestedShares: shares('0') })).toThrow(InvariantError);
  });
});
