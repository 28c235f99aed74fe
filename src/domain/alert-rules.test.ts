import { describe, expect, it } from 'vitest';
import {
  feedSilenceAlerts, jobLivenessAlerts, latencyAlerts, ledgerDriftAlerts, microText, rateAlerts, reconciliationAlerts,
  recoveryAlerts, slippageAlerts, type OrderSample,
} from './alert-rules.ts';
import { ZERO_BALANCES, type Balances } from './ledger.ts';
import { ratio, usdc, type Ratio } from './money.ts';

const S = { userId: 'u1', strategyId: 'LT_FT_A' };
const T0 = Date.parse('2026-03-01T12:00:00Z');
const at = (sec: number) => new Date(T0 + sec * 1000);
let n = 0;
const order = (over: Partial<OrderSample> = {}): OrderSample => ({
  orderId: `o${++n}`, status: 'filled', at: at(0), orderLatencyMs: 100, signalSlippagePct: 0n, fillRate: ratio('1'), ...over,
});
const pct = (text: string) => ratio(text); // micro-percent: the same decimal scale

describe('latency above the strategy threshold', () => {
  const s = { ...S, latencyAlertMs: 2000 };
  it('fires for an order slower than the threshold since `since`, naming the worst', () => {
    const orders = [order({ orderLatencyMs: 2500, at: at(50) }), order({ orderLatencyMs: 2000, at: at(40) }),
      order({ orderLatencyMs: 5300, at: at(30) })];
    const [a, ...rest] = latencyAlerts(s, orders, at(0));
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ kind: 'order_latency', dedupeKey: 'latency:u1:LT_FT_A', userId: 'u1', strategyId: 'LT_FT_A',
      detail: { threshold_ms: 2000, worst_ms: 5300, count: 2 } });
    expect(a!.message).toBe('LT_FT_A: 2 order(s) took longer than 2000 ms to reach the venue (worst 5300 ms)');
  });
  it('is silent at the threshold, at or before `since`, without a sample, or without a threshold', () => {
    expect(latencyAlerts(s, [order({ orderLatencyMs: 2000, at: at(1) })], at(0))).toEqual([]);
    expect(latencyAlerts(s, [order({ orderLatencyMs: 9000, at: at(0) })], at(0))).toEqual([]);
    expect(latencyAlerts(s, [order({ orderLatencyMs: null })], at(0))).toEqual([]);
    expect(latencyAlerts({ ...S, latencyAlertMs: null }, [order({ orderLatencyMs: 9000 })], at(0))).toEqual([]);
  });
});

describe('slippage above tolerance on consecutive filled orders', () => {
  const s = { ...S, slippageTolerancePct: pct('0.5') };
  it('fires when each of the last 3 filled orders slipped more than 0.5 %, skipping unfilled ones', () => {
    const orders = [order({ signalSlippagePct: pct('0.8') }), order({ signalSlippagePct: null, status: 'cancelled' }),
      order({ signalSlippagePct: pct('1.25') }), order({ signalSlippagePct: pct('0.500001') }), order({ signalSlippagePct: 0n })];
    const [a] = slippageAlerts(s, orders);
    expect(a).toMatchObject({ kind: 'slippage', dedupeKey: 'slippage:u1:LT_FT_A', detail: { slippage_pct: ['0.8', '1.25', '0.500001'] } });
    expect(a!.message).toBe('LT_FT_A: signal slippage above 0.5 % on the last 3 filled orders (0.8 %, 1.25 %, 0.500001 %)');
  });
  it('is silent when one of them is within tolerance (exactly 0.5 % is within), or with fewer than 3', () => {
    expect(slippageAlerts(s, [order({ signalSlippagePct: pct('2') }), order({ signalSlippagePct: pct('0.5') }),
      order({ signalSlippagePct: pct('2') })])).toEqual([]);
    expect(slippageAlerts(s, [order({ signalSlippagePct: pct('2') }), order({ signalSlippagePct: pct('2') })])).toEqual([]);
  });
  it('takes the count of consecutive orders as a parameter', () => {
    expect(slippageAlerts(s, [order({ signalSlippagePct: pct('2') })], 1)).toHaveLength(1);
  });
});

describe('fill rate and rejection rate over a window', () => {
  const filled = (k: number, fillRate: Ratio = ratio('1')) => Array.from({ length: k }, () => order({ fillRate }));
  it('fill rate: 4 full fills and one half fill average 90 % < 95 %', () => {
    const [a, ...rest] = rateAlerts(S, [...filled(4), order({ status: 'cancelled', fillRate: ratio('0.5') })]);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ kind: 'fill_rate', dedupeKey: 'fill_rate:u1:LT_FT_A', detail: { fill_rate_pct: '90', samples: 5 } });
    expect(a!.message).toBe('LT_FT_A: fill rate 90 % over the last 5 orders, below 95 %');
  });
  it('exactly 95 % is on target; fewer than 5 samples say nothing; open orders do not count', () => {
    const nineteen = [...filled(19), order({ status: 'expired', fillRate: 0n as Ratio })];
    expect(rateAlerts(S, nineteen)).toEqual([]); // 19/20 = 95 %
    expect(rateAlerts(S, [...filled(3), order({ status: 'cancelled', fillRate: 0n as Ratio })])).toEqual([]);
    expect(rateAlerts(S, [...Array.from({ length: 5 }, () => order({ status: 'open', fillRate: 0n as Ratio })), ...filled(5)])).toEqual([]);
  });
  it('the window is the newest 20 finished orders: older misses fall out', () => {
    expect(rateAlerts(S, [...filled(20), ...filled(20, 0n as Ratio)])).toEqual([]);
    expect(rateAlerts(S, [...filled(20, 0n as Ratio), ...filled(20)])).toHaveLength(1);
  });
  it('rejection rate: 2 rejected of 20 is 10 % > 5 %; 1 of 20 is exactly 5 %', () => {
    const rejected = () => order({ status: 'rejected', fillRate: 0n as Ratio });
    const [a] = rateAlerts(S, [rejected(), rejected(), ...filled(18)]);
    expect(a).toMatchObject({ kind: 'rejection_rate', dedupeKey: 'rejection_rate:u1:LT_FT_A',
      detail: { rejection_rate_pct: '10', rejected: 2, samples: 20 } });
    expect(a!.message).toBe('LT_FT_A: the venue rejected 2 of the last 20 orders (10 %, above 5 %)');
    expect(rateAlerts(S, [rejected(), ...filled(19)])).toEqual([]);
  });
  it('rejected orders count in the rejection rate, not in the fill rate; both can fire', () => {
    const rejected = Array.from({ length: 3 }, () => order({ status: 'rejected', fillRate: 0n as Ratio }));
    expect(rateAlerts(S, [...rejected, ...filled(5)]).map((a) => a.kind)).toEqual(['rejection_rate']);
    expect(rateAlerts(S, [...rejected, ...filled(5, ratio('0.5'))]).map((a) => a.kind)).toEqual(['fill_rate', 'rejection_rate']);
  });
  it('targets are parameters (micro-percent)', () => {
    const targets = { window: 3, minSamples: 3, minFillRatePct: pct('99.5'), maxRejectionRatePct: pct('50') };
    expect(rateAlerts(S, filled(3, ratio('0.99')), targets).map((a) => a.detail.fill_rate_pct)).toEqual(['99']);
  });
});

describe('a feed connected but silent', () => {
  const feed = (over = {}) => ({ feed: 'data-api', connected: true, connectedAt: at(0), lastMessageAt: at(100), ...over });
  it('fires after more than the threshold since the last message', () => {
    const [a] = feedSilenceAlerts([feed()], at(401), 300_000);
    expect(a).toMatchObject({ kind: 'feed_silent', dedupeKey: 'feed:data-api', userId: null, severity: 'warning',
      detail: { silent_ms: 301_000, threshold_ms: 300_000 } });
    expect(a!.message).toBe('feed data-api is connected but silent for 301 s (threshold 300 s)');
  });
  it('is silent at the threshold, while disconnected, and counts from a reconnect', () => {
    expect(feedSilenceAlerts([feed()], at(400), 300_000)).toEqual([]);
    expect(feedSilenceAlerts([feed({ connected: false })], at(9999), 300_000)).toEqual([]);
    expect(feedSilenceAlerts([feed({ connectedAt: at(500) })], at(700), 300_000)).toEqual([]);
    expect(feedSilenceAlerts([feed({ lastMessageAt: null })], at(301), 300_000)).toHaveLength(1);
  });
});

describe('a scheduled job without a successful run', () => {
  const job = (over = {}) => ({ job: 'ft-sync', intervalMs: 60_000, lastOkAt: at(0), scheduledSince: at(-3600), ...over });
  it('fires after more than 2× the interval since the last success', () => {
    const [a] = jobLivenessAlerts([job()], at(121));
    expect(a).toMatchObject({ kind: 'job_missed', dedupeKey: 'job:ft-sync', userId: null, severity: 'critical',
      detail: { interval_ms: 60_000, late_ms: 121_000, last_ok_at: at(0).toISOString() } });
    expect(a!.message).toBe('job ft-sync: no successful run for 121 s (expected every 60 s)');
    expect(jobLivenessAlerts([job()], at(120))).toEqual([]);
  });
  it('a job never run counts from when it was scheduled, and so does one last run before a restart', () => {
    expect(jobLivenessAlerts([job({ lastOkAt: null, scheduledSince: at(0) })], at(100))).toEqual([]);
    expect(jobLivenessAlerts([job({ lastOkAt: null, scheduledSince: at(0) })], at(121))).toHaveLength(1);
    expect(jobLivenessAlerts([job({ lastOkAt: at(-9999), scheduledSince: at(0) })], at(60))).toEqual([]);
  });
});

describe('ledger drift', () => {
  const b = (over: Partial<Balances>): Balances => ({ ...ZERO_BALANCES, ...over });
  const conserved = b({ available: usdc('900'), reserved: usdc('50'), positionCost: usdc('40'), cooldown: usdc('15'),
    netDeposits: usdc('1000'), realizedPnl: usdc('5') });
  const check = (balances: Balances, over = {}) => ({ ...S, book: 'live' as const, balances, ...over });
  it('a conserved ledger, or one off by exactly $0.01, raises nothing', () => {
    expect(ledgerDriftAlerts([check(conserved)])).toEqual([]);
    expect(ledgerDriftAlerts([check({ ...conserved, available: usdc('900.01') })])).toEqual([]);
    expect(ledgerDriftAlerts([check({ ...conserved, available: usdc('899.99') })])).toEqual([]);
  });
  it('$0.010001 of drift raises a critical alert with the balances', () => {
    const [a] = ledgerDriftAlerts([check({ ...conserved, available: usdc('899.989999') })]);
    expect(a).toMatchObject({ kind: 'ledger_drift', dedupeKey: 'ledger:u1:LT_FT_A:live', severity: 'critical',
      detail: { drift: '-0.010001', locked: '90', net_deposits: '1000', realized_pnl: '5' } });
    expect(a!.message).toBe('LT_FT_A (live): available + locked + cooldown differs from net deposits + realized P&L by $-0.010001');
  });
  it('realized P&L of the orders is cross-checked; balances that cannot be folded alert', () => {
    expect(ledgerDriftAlerts([check(conserved, { ordersRealized: usdc('5.01') })])).toEqual([]);
    const [a] = ledgerDriftAlerts([check(conserved, { ordersRealized: usdc('4.5') })]);
    expect(a!.message).toBe("LT_FT_A (live): ledger realized P&L differs from its orders' by $0.5");
    const [e] = ledgerDriftAlerts([{ ...S, book: 'shadow', balances: null, error: 'available is negative' }]);
    expect(e).toMatchObject({ dedupeKey: 'ledger:u1:LT_FT_A:shadow', detail: { error: 'available is negative' } });
  });
});

describe('reconciliation mismatch', () => {
  it('a strategy paused by recovery alerts; other pauses do not', () => {
    const alerts = reconciliationAlerts([
      { ...S, isPaused: true, pauseReason: 'recovery: 2 venue order(s) Tandem cannot explain' },
      { userId: 'u1', strategyId: 'LT_FT_B', isPaused: true, pauseReason: 'paused by operator' },
      { userId: 'u1', strategyId: 'LT_FT_C', isPaused: false, pauseReason: 'recovery: old' },
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'reconciliation', dedupeKey: 'reconciliation:u1:LT_FT_A', severity: 'critical',
      message: 'LT_FT_A is paused: recovery: 2 venue order(s) Tandem cannot explain' });
  });
  it('unexplained venue orders from the recovery report raise one system alert', () => {
    expect(recoveryAlerts({ unexplained: [], paused: 0 })).toEqual([]);
    const [a] = recoveryAlerts({ unexplained: ['v1', 'v2'], paused: 3 });
    expect(a).toMatchObject({ dedupeKey: 'reconciliation:venue', userId: null, detail: { unexplained: ['v1', 'v2'], paused: 3 } });
  });
});

it('microText shows exact decimals without trailing zeros', () => {
  expect([microText(0n), microText(500_000n), microText(100_000_000n), microText(-10_000n)]).toEqual(['0', '0.5', '100', '-0.01']);
});
