// @backend-independent
import { describe, expect, it } from 'vitest';
import type { LtOrderStatus } from '../lt-order.ts';
import { price, shares, usdc, type Ratio } from '../money.ts';
import { DISPLAY_STATUSES, displayStatus } from './execution.ts';
import { fillSums, legFigures, signalSlippage, storedStatusesOf } from './order-view.ts';

const STORED: LtOrderStatus[] = ['pending', 'unknown', 'open', 'partially_filled', 'filled', 'cancelled', 'expired', 'rejected', 'lost'];

describe('storedStatusesOf', () => {
  it('every stored status and fill rate reads a display status whose stored set contains it (the list filter finds it)', () => {
    for (const s of STORED) {
      for (const rate of [null, 0n, 500_000n, 994_999n, 995_000n, 1_000_000n] as (Ratio | null)[]) {
        const d = displayStatus(s, rate);
        expect(DISPLAY_STATUSES).toContain(d);
        expect(storedStatusesOf(d), `${s} ${rate} → ${d}`).toContain(s);
      }
    }
  });

  it('no stored set names a status that can never read as it', () => {
    for (const d of DISPLAY_STATUSES) {
      for (const s of storedStatusesOf(d)) {
        const reachable = ([null, 0n, 500_000n, 1_000_000n] as (Ratio | null)[]).some((rate) => displayStatus(s, rate) === d);
        expect(reachable, `${d} ← ${s}`).toBe(true);
      }
    }
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
