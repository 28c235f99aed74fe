// @backend-independent
import { describe, expect, it } from 'vitest';
import {
  feedSilenceAlerts, FINISHED_STATUSES, jobLivenessAlerts, latencyAlerts, ledgerDriftAlerts, microText, rateAlerts,
  positionAlerts, reconciliationAlerts, recoveryAlerts, slippageAlerts, walletAlerts, type AlertOrder,
  type TokenReconciliation,
} from './alert-rules.ts';
import { ZERO_BALANCES, type Balances } from './ledger.ts';
import { formatStrategyQuality, strategyQuality } from './metrics/strategy-quality.ts';
import { ratio, shares, usdc, type Shares, type Usdc } from './money.ts';

const S = { userId: 'u1', strategyId: 'LT_FT_A' };
const T0 = Date.parse('2026-03-01T12:00:00Z');
const at = (sec: number) => new Date(T0 + sec * 1000);
let n = 0;
/** A stored quality row: by default a BUY of 100 shares at 0.50, sent to the venue and fully filled */
const order = (over: Partial<AlertOrder> = {}): AlertOrder => ({
  orderId: `o${++n}`, at: at(0), status: 'filled', submitted: true, rejectReason: null,
  intendedShares: shares('100'), filledShares: shares('100'), intendedUsd: usdc('50'), filledUsd: usdc('50'), feesUsd: 0n as never,
  signalSlippagePct: 0n, midSlippagePct: null, expectedSlippagePct: null, orderLatencyMs: 100, fillLatencyMs: null,
  detectionLatencyMs: null, score: null, ...over,
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

describe('fill rate and rejection rate over a window: the metrics module\'s figures', () => {
  /** A finished order of `intended` shares at 0.50 that filled `filled` of them (its USD request is half its shares) */
  const fin = (status: string, filled: string, intended = '100', over: Partial<AlertOrder> = {}) =>
    order({ status, filledShares: shares(filled), intendedShares: shares(intended), intendedUsd: (shares(intended) / 2n) as Usdc,
      filledUsd: (shares(filled) / 2n) as Usdc, ...over });
  const full = (k: number, size = '100') => Array.from({ length: k }, () => fin('filled', size, size));
  const none = (k: number) => Array.from({ length: k }, () => fin('cancelled', '0'));
  const kinds = (alerts: { kind: string }[]) => alerts.map((a) => a.kind);

  it('the status list of the window is the module\'s finished orders', () => {
    const statuses = ['pending', 'unknown', 'open', 'partially_filled', 'filled', 'cancelled', 'expired', 'rejected', 'lost'];
    for (const status of statuses) {
      expect(strategyQuality([order({ status })], {}).finished).toBe(FINISHED_STATUSES.includes(status) ? 1 : 0);
    }
  });

  it('fill rate is the API\'s fill_rate: each order\'s rate weighted by its requested USD, not a plain mean of per-order rates', () => {
    // 4 orders of 20 shares filled in full, one of 100 filled 50: (80 + 50) / (80 + 100) = 130/180 = 0.7222222…
    // → half-even 0.722222 → 72.2222 % < 95 %. (The mean of the per-order rates would say (4 + 0.5)/5 = 90 %.)
    const window = [...full(4, '20'), fin('cancelled', '50')];
    const [a, ...rest] = rateAlerts(S, window);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ kind: 'fill_rate', dedupeKey: 'fill_rate:u1:LT_FT_A',
      detail: { fill_rate_pct: '72.2222', fill_rate: '0.722222', quantity_fill_rate: '0.722222', target_pct: '95', samples: 5 } });
    expect(a!.message).toBe('LT_FT_A: fill rate 72.2222 % (each order in its request\'s unit, weighted by its USD) over the last 5 '
      + 'finished orders, below 95 %');
    expect(a!.detail.fill_rate).toBe(formatStrategyQuality(strategyQuality(window, {})).fill_rate);
  });

  it('fires strictly below target: exactly 95 % raises nothing, 94.9999 % does', () => {
    // 19 of 20 orders of 100 filled in full, one expired unfilled: 1900/2000 = 0.95, on target
    expect(rateAlerts(S, [...full(19), fin('expired', '0')])).toEqual([]);
    // 18 full, one cancelled at 99, one expired at 0: 1899/2000 = 0.9495 → 94.95 %
    expect(rateAlerts(S, [...full(18), fin('cancelled', '99'), fin('expired', '0')])[0]!.detail.fill_rate_pct).toBe('94.95');
    // 5 orders of 0.4 share: Σ intended 2 shares. Filled 1.899998 → 0.949999 → 94.9999 % fires;
    // filled 1.899999 → 0.9499995, which the module rounds half-even to 0.950000 (the figure shown): nothing
    const small = (last: string) => [...full(4, '0.4'), fin('cancelled', last, '0.4')];
    expect(rateAlerts(S, small('0.299998'))[0]!.detail).toMatchObject({ fill_rate_pct: '94.9999', quantity_fill_rate: '0.949999' });
    expect(rateAlerts(S, small('0.299999'))).toEqual([]);
  });

  it('needs 5 finished orders; open and lost orders are not finished and not in the window', () => {
    expect(rateAlerts(S, [...full(3), ...none(1)])).toEqual([]); // 4 finished at 75 %: too few
    expect(kinds(rateAlerts(S, [...full(4), ...none(1)]))).toEqual(['fill_rate']); // 5 finished at 80 %
    const unfinished = ['open', 'partially_filled', 'lost', 'unknown', 'pending'].map((status) => fin(status, '0'));
    expect(rateAlerts(S, [...unfinished, ...full(5)])).toEqual([]); // the window is the 5 full fills: 100 %
    expect(rateAlerts(S, [...unfinished, ...full(4)])).toEqual([]); // 4 finished: too few
  });

  it('the window is the newest 20 finished orders: older misses fall out', () => {
    expect(rateAlerts(S, [...full(20), ...none(20)])).toEqual([]);
    const [a] = rateAlerts(S, [...none(20), ...full(20)]); // 0/2000 = 0 %
    expect(a!.detail).toMatchObject({ fill_rate_pct: '0', samples: 20 });
  });

  it('rejection rate is rejected / orders sent to the venue, strictly above 5 %', () => {
    const rejected = () => fin('rejected', '0', '100', { rejectReason: 'not_enough_balance' });
    // 2 of 20 sent = 10 % > 5 %. A rejected order is a finished order that filled nothing, so the fill rate
    // (as the dashboard shows it) is 1800/2000 = 90 % < 95 %: both fire
    const [f, r, ...rest] = rateAlerts(S, [rejected(), rejected(), ...full(18)]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'fill_rate', detail: { fill_rate_pct: '90' } });
    expect(r).toMatchObject({ kind: 'rejection_rate', dedupeKey: 'rejection_rate:u1:LT_FT_A',
      detail: { rejection_rate_pct: '10', rejection_rate: '0.100000', target_pct: '5', rejected: 2, samples: 20,
        rejections_by_reason: { not_enough_balance: '0.100000' } } });
    expect(r!.message).toBe('LT_FT_A: rejection rate 10 % over the last 20 orders sent to the venue (2 rejected), above 5 %');
    // 1 of 20 = exactly 5 %: on target; and the fill rate 1900/2000 = 95 % is on target too
    expect(rateAlerts(S, [rejected(), ...full(19)])).toEqual([]);
  });

  it('an order refused before it reached the venue is not in the rejection rate (the module\'s denominator)', () => {
    const refused = () => fin('rejected', '0', '100', { submitted: false, rejectReason: null });
    const venue = fin('rejected', '0', '100', { rejectReason: 'invalid_price' });
    // 20 finished: 2 refused locally, 1 rejected by the venue, 17 full. Sent 18, rejected 1: 1/18 = 0.0555555…
    // → 0.055556 → 5.5556 % > 5 %. Fill rate 1700/2000 = 85 %
    const alerts = rateAlerts(S, [refused(), refused(), venue, ...full(17)]);
    expect(alerts.map((a) => [a.kind, a.detail.fill_rate_pct ?? a.detail.rejection_rate_pct, a.detail.samples]))
      .toEqual([['fill_rate', '85', 20], ['rejection_rate', '5.5556', 18]]);
    expect(alerts[1]!.detail.order_ids).toEqual([venue.orderId]);
    // Fewer than 5 orders sent: no rejection alert, however many were refused locally
    const few = rateAlerts(S, [...Array.from({ length: 6 }, refused), venue, ...full(3)]);
    expect(kinds(few)).toEqual(['fill_rate']); // 300/1000 = 30 %
  });

  it('targets are parameters (micro-percent)', () => {
    const targets = { window: 3, minSamples: 3, minFillRatePct: pct('99.5'), maxRejectionRatePct: pct('50') };
    // 3 × 99 of 100 = 297/300 = 99 % < 99.5 %
    expect(rateAlerts(S, [fin('cancelled', '99'), fin('cancelled', '99'), fin('cancelled', '99')], targets)
      .map((a) => a.detail.fill_rate_pct)).toEqual(['99']);
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

describe('a watched feed (judged by data arriving)', () => {
  const rtds = (over = {}) => ({ feed: 'rtds', connected: true, connectedAt: at(300), lastMessageAt: at(100),
    watchedSince: at(0), silenceMs: 60_000, ...over });
  it('fires on its own threshold from the last message, not from a reconnect', () => {
    expect(feedSilenceAlerts([rtds()], at(160), 1_800_000)).toEqual([]);
    const [a] = feedSilenceAlerts([rtds()], at(161), 1_800_000);
    expect(a).toMatchObject({ kind: 'feed_silent', dedupeKey: 'feed:rtds', detail: { silent_ms: 61_000, threshold_ms: 60_000 } });
  });
  it('fires while disconnected, counted from its start when no data ever came', () => {
    const [a] = feedSilenceAlerts([rtds({ connected: false, connectedAt: null, lastMessageAt: null })], at(61), 1_800_000);
    expect(a!.message).toBe('feed rtds is disconnected and silent for 61 s (threshold 60 s)');
    expect(feedSilenceAlerts([rtds({ connected: false, connectedAt: null, lastMessageAt: null })], at(60), 1_800_000)).toEqual([]);
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
  it('balances that cannot be folded alert', () => {
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

describe('the wallet against the ledgers (INV-22)', () => {
  const check = (ledger: string, venue: string) =>
    walletAlerts({ ledgerAvailable: usdc(ledger), venueAvailable: usdc(venue), strategies: 2 });

  it('ledgers may count up to $0.01 more than the wallet holds (rounding), not a micro-dollar more', () => {
    expect(walletAlerts(null)).toEqual([]);
    expect(check('100', '250')).toEqual([]); // unredeemed winnings or unallocated cash in the wallet: fine
    expect(check('100.01', '100')).toEqual([]);
    // 100.010001 − 100 = 0.010001 > 0.01
    expect(check('100.010001', '100')).toEqual([expect.objectContaining({ kind: 'reconciliation', severity: 'critical',
      dedupeKey: 'reconciliation:wallet', userId: null,
      message: 'reconciliation: 2 live strategies count $100.010001 available, the wallet has $100 (short $0.010001)' })]);
  });
});

describe('the shares the live strategies hold against the venue account (INV-22)', () => {
  const token = (tokenId: string, held: string, offered: string, venue: string, strategies = 1): TokenReconciliation =>
    ({ tokenId, held: shares(held), offered: shares(offered), venue: shares(venue), strategies });

  it('worked example: Σ held over strategies may exceed the venue by 0.01 share, not a micro-share more', () => {
    // YES: A bought 20 as taker paying 0.2 share of fee (19.8) and sold 5 → 14.8; B bought 10 as maker (no fee) → 10
    const held = (shares('20') - shares('0.2') - shares('5')) + shares('10');
    expect(held).toBe(shares('24.8'));
    expect(positionAlerts(null)).toEqual([]);
    expect(positionAlerts({ tokens: [token('YES', '24.8', '0', '30', 2)], held: 1 })).toEqual([]); // more at the venue: fine
    expect(positionAlerts({ tokens: [token('YES', '24.8', '0', '24.79', 2)], held: 1 })).toEqual([]);
    const [alert, ...rest] = positionAlerts({ tokens: [token('YES', '24.8', '0', '24.789999', 2)], held: 1 });
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ kind: 'reconciliation', severity: 'critical', dedupeKey: 'reconciliation:positions',
      userId: null, strategyId: null,
      message: 'reconciliation: the venue account holds fewer shares than the live strategies in 1 of 1 token(s) checked: '
        + 'YES: ledger 24.8, venue 24.789999 (short 0.010001)' });
    expect(alert!.detail).toEqual({ tokens: [{ token_id: 'YES', ledger_held: '24.8', offered_by_open_sells: '0',
      venue: '24.789999', short: '0.010001', strategies: 2 }], short_count: 1, checked: 1, held_tokens: 1, tolerance: '0.01' });
  });

  it('shares open SELL orders offer may be gone from the venue before their fill is booked; beyond them is short', () => {
    const tokens = [
      token('A', '5', '5', '0'), // a sell of all 5 filled at the venue, not booked yet
      token('B', '30', '10', '20'), // at least 20 must be there: they are
      token('C', '30', '10', '15'), // at least 20: 5 short
      token('D', '12', '0', '2'), // 10 short
    ];
    const [alert] = positionAlerts({ tokens, held: 7 });
    expect(alert!.message).toBe('reconciliation: the venue account holds fewer shares than the live strategies in 2 of 4 '
      + 'token(s) checked: C: ledger 30 (10 offered by open sells), venue 15 (short 5); D: ledger 12, venue 2 (short 10)');
    expect(alert!.detail).toMatchObject({ short_count: 2, checked: 4, held_tokens: 7 });
    expect((alert!.detail.tokens as { token_id: string }[]).map((t) => t.token_id)).toEqual(['C', 'D']);
  });
});
