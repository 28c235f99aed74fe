import { describe, expect, it } from 'vitest';
import type { LtOrderStatus } from '../lt-order.ts';
import { price, shares, usdc, type Shares, type Usdc } from '../money.ts';
import {
  DISPLAY_STATUSES, displayStatus, fillSums, legFigures, orderFillRate, signalSlippage, storedStatusesOf, type OrderAmounts,
} from './order-view.ts';

const order = (status: LtOrderStatus, filled: string, over: Partial<OrderAmounts> = {}): OrderAmounts => ({
  status, side: 'BUY', requestedShares: shares('20'), filledShares: shares(filled), requestedUsd: usdc('10'),
  filledUsd: usdc('0'), ...over,
});

describe('displayStatus', () => {
  it.each([
    ['pending', '0', 'pending'],
    ['unknown', '0', 'open'],
    ['open', '0', 'open'],
    ['partially_filled', '5', 'open'],
    ['lost', '0', 'open'],
    ['filled', '20', 'filled'],
    ['cancelled', '0', 'cancelled'],
    ['expired', '0', 'cancelled'],
    ['rejected', '0', 'rejected'],
    // an FAK 99 % filled, the rest cancelled: partly filled, not "cancelled"
    ['cancelled', '19.8', 'partially_filled'],
    ['expired', '3', 'partially_filled'],
    ['rejected', '2', 'partially_filled'],
    // less than one 0.01-share size step short: complete
    ['cancelled', '19.995', 'filled'],
    ['partially_filled', '19.991', 'filled'],
    // exactly one step short: the rest could have been ordered
    ['cancelled', '19.99', 'partially_filled'],
  ] as [LtOrderStatus, string, string][])('%s with %s of 20 filled reads %s', (status, filled, shown) => {
    expect(displayStatus(order(status, filled))).toBe(shown);
  });

  it('each stored status maps into a display status whose stored superset contains it', () => {
    const stored: LtOrderStatus[] = ['pending', 'unknown', 'open', 'partially_filled', 'filled', 'cancelled', 'expired', 'rejected', 'lost'];
    for (const s of stored) {
      for (const filled of ['0', '5', '19.995', '20']) {
        if (s === 'filled' && filled !== '20') continue;
        if (s === 'pending' && filled !== '0') continue;
        const d = displayStatus(order(s, filled));
        expect(DISPLAY_STATUSES).toContain(d);
        expect(storedStatusesOf(d), `${s} ${filled} → ${d}`).toContain(s);
      }
    }
  });
});

describe('orderFillRate', () => {
  const usdBuy = (status: LtOrderStatus, filled: string, filledUsd: string) =>
    orderFillRate(order(status, filled, { filledUsd: usdc(filledUsd) }));

  it('a USD-sized BUY in USD: 7.14 of 10 = 0.714', () => {
    expect(usdBuy('cancelled', '14', '7.14')).toBe(714_000n);
  });

  it('a USD-sized BUY filled at a better price is below 1 (all shares, fewer dollars), never above', () => {
    expect(usdBuy('filled', '20', '9.80')).toBe(980_000n);
    expect(usdBuy('filled', '20', '10.40')).toBe(1_000_000n);
  });

  it('a SELL in shares: 15 of 20 = 0.75; capped at 1', () => {
    const sell = { side: 'SELL' as const, requestedUsd: null };
    expect(orderFillRate(order('cancelled', '15', sell))).toBe(750_000n);
    expect(orderFillRate(order('filled', '20', { ...sell, requestedShares: shares('19') as Shares }))).toBe(1_000_000n);
  });

  it('no sample: pending, resting with no fill, rejected: null; ended with no fill: 0', () => {
    expect(usdBuy('pending', '0', '0')).toBeNull();
    expect(usdBuy('open', '0', '0')).toBeNull();
    expect(usdBuy('rejected', '0', '0')).toBeNull();
    expect(usdBuy('cancelled', '0', '0')).toBe(0n);
    expect(usdBuy('open', '5', '2.5')).toBe(250_000n);
  });

  it('a BUY without a USD size is measured in shares', () => {
    expect(orderFillRate(order('cancelled', '5', { requestedUsd: null as Usdc | null }))).toBe(250_000n);
  });
});

describe('signalSlippage', () => {
  it('a BUY at 0.51 against a 0.50 signal, tick 0.01: +1 tick, +1 cent, +2 %', () => {
    expect(signalSlippage('BUY', price('0.51'), price('0.50'), 10_000n)).toEqual({ pct: 2_000_000n, ticks: 1_000_000n, cents: 1_000_000n });
  });

  it('a SELL below the signal is worse (positive); above it better (negative)', () => {
    expect(signalSlippage('SELL', price('0.485'), price('0.50'), 10_000n)).toEqual({ pct: 3_000_000n, ticks: 1_500_000n, cents: 1_500_000n });
    expect(signalSlippage('SELL', price('0.52'), price('0.50'), 1_000n).ticks).toBe(-20_000_000n);
  });

  it('no fill, or no tick: null', () => {
    expect(signalSlippage('BUY', null, price('0.5'), 10_000n)).toEqual({ pct: null, ticks: null, cents: null });
    expect(signalSlippage('BUY', price('0.51'), price('0.5'), null).ticks).toBeNull();
  });
});

describe('fill legs', () => {
  const leg = (p: string, q: string, fee: { asset: 'shares' | 'usdc'; amount: bigint } = { asset: 'usdc', amount: 0n }) =>
    ({ price: price(p), shares: shares(q), feeAsset: fee.asset, feeAmount: fee.amount });

  it('a BUY leg costs p·q rounded up, a SELL leg yields p·q rounded down; a share fee is valued at the leg price', () => {
    expect(legFigures('BUY', leg('0.333333', '1.5', { asset: 'shares', amount: shares('0.1') }))).toEqual({ usd: 500_000n, feeUsd: 33_333n });
    expect(legFigures('SELL', leg('0.333333', '1.5', { asset: 'usdc', amount: usdc('0.02') }))).toEqual({ usd: 499_999n, feeUsd: 20_000n });
  });

  it('the order sums its legs: 8 @ 0.51 (fee 0.16 shares) + 6 @ 0.51 → 14 shares, 7.14 USD, VWAP 0.51', () => {
    const s = fillSums('BUY', [leg('0.51', '8', { asset: 'shares', amount: shares('0.16') }), leg('0.51', '6')]);
    expect(s).toEqual({ shares: 14_000_000n, usd: 7_140_000n, feesUsd: 81_600n, avgPrice: 510_000n });
    expect(fillSums('SELL', [])).toEqual({ shares: 0n, usd: 0n, feesUsd: 0n, avgPrice: null });
  });

  it('VWAP of uneven legs: (10·0.40 + 30·0.44)/40 = 0.43', () => {
    expect(fillSums('BUY', [leg('0.40', '10'), leg('0.44', '30')]).avgPrice).toBe(430_000n);
  });
});
