// @backend-independent
import { describe, expect, it } from 'vitest';
import { usdc, ratio } from './money.ts';
import { checkRisk, drawdownOf, nextPeak, type RiskLimits, type RiskSnapshot } from './risk.ts';

const NO_LIMITS: RiskLimits = {
  maxOrderUsd: null, minOrderUsd: null, maxPositionPerMarketUsd: null, maxTotalExposureUsd: null,
  dailyBudgetUsd: null, maxDailyLossUsd: null, maxDrawdown: null,
};
const snap = (over: Partial<RiskSnapshot> = {}): RiskSnapshot => ({
  paused: false, available: usdc('100'), locked: usdc('0'), equity: usdc('100'), peakEquity: usdc('100'),
  marketExposure: usdc('0'), committedToday: usdc('0'), realizedToday: usdc('0'), ...over,
});

describe('checkRisk', () => {
  it('approves everything within cash when every limit is null (no hidden defaults)', () => {
    expect(checkRisk(usdc('100'), snap(), NO_LIMITS)).toEqual({ kind: 'approve' });
  });

  it.each([
    ['available == cost is allowed', usdc('10'), snap({ available: usdc('10') }), NO_LIMITS, 'approve'],
    ['available < cost is denied', usdc('10.000001'), snap({ available: usdc('10') }), NO_LIMITS, 'available_cash'],
    ['exposure == cap − cost is allowed', usdc('10'), snap({ locked: usdc('40') }), { ...NO_LIMITS, maxTotalExposureUsd: usdc('50') }, 'approve'],
    ['exposure over the cap is denied', usdc('10'), snap({ locked: usdc('40.01') }), { ...NO_LIMITS, maxTotalExposureUsd: usdc('50') }, 'max_total_exposure'],
    ['order above max', usdc('100.01'), snap({ available: usdc('500') }), { ...NO_LIMITS, maxOrderUsd: usdc('100') }, 'max_order'],
    ['order below min', usdc('0.99'), snap(), { ...NO_LIMITS, minOrderUsd: usdc('1') }, 'min_order'],
    ['market position cap counts resting notional', usdc('5'), snap({ marketExposure: usdc('16') }), { ...NO_LIMITS, maxPositionPerMarketUsd: usdc('20') }, 'max_position_per_market'],
    ['daily budget counts committed notional', usdc('5'), snap({ committedToday: usdc('96') }), { ...NO_LIMITS, dailyBudgetUsd: usdc('100') }, 'daily_budget'],
    ['daily loss reached', usdc('1'), snap({ realizedToday: usdc('-20') }), { ...NO_LIMITS, maxDailyLossUsd: usdc('20') }, 'daily_loss'],
    ['paused', usdc('1'), snap({ paused: true }), NO_LIMITS, 'paused'],
  ] as const)('%s', (_name, cost, s, limits, want) => {
    const d = checkRisk(cost, s, limits);
    expect(d.kind === 'approve' ? 'approve' : d.rule).toBe(want);
  });

  it('records the rule, the limit and what was observed', () => {
    expect(checkRisk(usdc('12'), snap({ available: usdc('10') }), NO_LIMITS))
      .toEqual({ kind: 'deny', rule: 'available_cash', limit: '10.000000', observed: '12.000000' });
  });

  it('trips a 10% drawdown breaker after +20% then −15% from the peak', () => {
    let peak = usdc('100');
    peak = nextPeak(peak, usdc('120')); // +20%
    const equity = usdc('102'); // −15% from 120
    expect(peak).toBe(usdc('120'));
    expect(drawdownOf(equity, peak)).toBe(ratio('0.15'));
    const d = checkRisk(usdc('1'), snap({ equity, peakEquity: peak }), { ...NO_LIMITS, maxDrawdown: ratio('0.10') });
    expect(d).toEqual({ kind: 'deny', rule: 'drawdown', limit: '0.100000', observed: '0.150000' });
    // Against the initial capital it would only be 2% and would not trip (the original's bug F19)
    expect(drawdownOf(equity, usdc('100'))).toBe(ratio('0'));
  });

  it('never lowers the peak', () => {
    expect(nextPeak(usdc('120'), usdc('90'))).toBe(usdc('120'));
  });
});
