/**
 * The alerts job over a real LT world: the scheduler's liveness (INV-32), the ledger identity as a production
 * watchdog (INV-17), the wallet's cash and shares against the ledgers (INV-22), reconciliation after recovery, fill and rejection rates, silent feeds reported by a trade
 * source, and no alert at all for a strategy trading normally
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookNotifier } from '../../src/alerts/webhook.ts';
import { formatStrategyQuality } from '../../src/domain/metrics/strategy-quality.ts';
import { price, shares, usdc, type Usdc } from '../../src/domain/money.ts';
import {
  alertRecovery, checkAlerts, cronIntervalMs, DEFAULT_ALERT_SETTINGS, type AlertMonitorDeps, type BalancesReader,
} from '../../src/engine/alert-monitor.ts';
import { recoverLt } from '../../src/engine/lt-recovery.ts';
import type { Log, TradeSource } from '../../src/engine/ports.ts';
import { normalizeTradeRecords } from '../../src/feeds/data-api-record.ts';
import { createFeedHealth, reportingTradeSource } from '../../src/feeds/feed-health.ts';
import { silentLog } from '../../src/log.ts';
import { COLLATERAL } from '../../src/sim/exchange/exchange.ts';
import { qualityOfStrategy } from '../../src/store/comparison-store.ts';
import { balancesOf } from '../../src/store/ledger-store.ts';
import { finishJobRun, startJobRun } from '../../src/store/job-store.ts';
import { addQualityOrder, ensureMarket, type QualityFixture } from '../support/alert-fixtures.ts';
import { ACCOUNT, createLtWorld, MAKER, NO, YES, type LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const MIN = 60_000;
let w: LtWorld | null = null;
let rx: Receiver | null = null;
afterEach(async () => {
  await w?.close();
  await rx?.close();
  w = null;
  rx = null;
});

async function setup(over: Partial<AlertMonitorDeps> = {}, options: Parameters<typeof createLtWorld>[0] = {}) {
  w = await createLtWorld(options);
  rx = await startReceiver();
  const db = w.ft.t.db;
  const clock = w.ft.clock;
  const deps: AlertMonitorDeps = {
    db, clock, log: silentLog, jobs: [], startedAt: clock.now(), feeds: null,
    settings: { ...DEFAULT_ALERT_SETTINGS, cooldownMs: 15 * MIN, latencyLookbackMs: 15 * MIN },
    notifier: createWebhookNotifier({ db, clock, log: silentLog }, { url: `${rx.base}/alerts` }), ...over,
  };
  return { lt: w, rx, deps };
}

const captureLog = (lines: string[]): Log => {
  const write = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => void lines.push(JSON.stringify({ level, msg, ...fields }));
  return { info: write('info'), warn: write('warn'), error: write('error') };
};

const received = (r: Receiver) => r.posts.map((p) => `${p.body.alert.kind} ${p.body.alert.severity}`);

async function recordRun(lt: LtWorld, job: string, status: 'ok' | 'failed') {
  const id = await startJobRun(lt.ft.t.db, job, lt.ft.clock.now());
  await finishJobRun(lt.ft.t.db, id, lt.ft.clock.now(), status, {});
}

describe(`the alerts job (${backendName})`, () => {
  it('INV-32: a job with no successful run within 2× its interval raises a liveness alert', async () => {
    const interval = cronIntervalMs('*/10 * * * * *', new Date('2026-03-01T12:00:03Z'));
    expect([interval, cronIntervalMs('*/2 * * * *', new Date()), cronIntervalMs('0 9 * * *', new Date())])
      .toEqual([10_000, 120_000, 86_400_000]);
    const { lt, rx, deps } = await setup();
    deps.jobs = [{ name: 'lt-execute', intervalMs: interval }, { name: 'lt-resolve', intervalMs: 30_000 }];
    const clock = lt.ft.clock;
    for (let k = 0; k < 6; k++) { // both jobs run fine every 10 s
      clock.advance(10_000);
      await recordRun(lt, 'lt-execute', 'ok');
      await recordRun(lt, 'lt-resolve', 'ok');
      await checkAlerts(deps);
    }
    expect(rx.posts).toHaveLength(0);
    const lastOk = clock.now();
    for (let k = 0; k < 4; k++) { // lt-execute now fails; lt-resolve keeps running
      clock.advance(5_000);
      await recordRun(lt, 'lt-execute', 'failed');
      await recordRun(lt, 'lt-resolve', 'ok');
      await checkAlerts(deps);
    }
    // 20 s after the last success is exactly 2× the interval: not yet
    expect(rx.posts).toHaveLength(0);
    clock.advance(1_000);
    await checkAlerts(deps);
    expect(received(rx)).toEqual(['job_missed critical']);
    expect(rx.posts[0]!.body.alert).toMatchObject({ strategy_id: null,
      detail: { job: 'lt-execute', interval_ms: 10_000, last_ok_at: lastOk.toISOString(), late_ms: 21_000 } });
    expect(rx.posts[0]!.body.text).toBe('critical job_missed: job lt-execute: no successful run for 21 s (expected every 10 s)');
    // A success clears it; a job that never ran since the start is judged from the start
    await recordRun(lt, 'lt-execute', 'ok');
    deps.jobs = [...deps.jobs, { name: 'ft-sync', intervalMs: 5_000 }];
    deps.startedAt = clock.now();
    clock.advance(10_000);
    await checkAlerts(deps);
    expect(rx.posts).toHaveLength(1);
    clock.advance(1);
    await checkAlerts(deps);
    expect(received(rx)).toEqual(['job_missed critical', 'job_missed critical']);
    expect(rx.posts[1]!.body.alert.detail).toMatchObject({ job: 'ft-sync', last_ok_at: null });
  });

  it('INV-17: ledger drift above $0.01 raises an alert', async () => {
    let skew = 0n;
    const skewed: BalancesReader = async (sql, u, s, book) => {
      const b = await balancesOf(sql, u, s, book);
      return book === 'live' ? { ...b, available: (b.available + skew) as Usdc } : b;
    };
    const { lt, rx, deps } = await setup({ balances: skewed }, { feeRate: '0.02' });
    // Real fills with fees, a buy then the trader's sell: the identity holds and realized P&L matches the orders'
    lt.asks([['0.50', '20']]);
    await lt.buySignal({ price: 0.5, size: 100 });
    await lt.execute();
    lt.bids([['0.60', '100']]);
    lt.ft.clock.advance(1000);
    await lt.sellSignal({ price: 0.6, size: 100 });
    await lt.execute();
    expect(await lt.checkLedger()).toMatchObject({ fees: usdc('0.09552'), realizedPnl: usdc('1.84448') });
    await checkAlerts(deps);
    skew = usdc('0.01');
    lt.ft.clock.advance(MIN);
    await checkAlerts(deps);
    expect(rx.posts).toHaveLength(0);
    skew = usdc('0.010001');
    lt.ft.clock.advance(MIN);
    await checkAlerts(deps);
    expect(received(rx)).toEqual(['ledger_drift critical']);
    expect(rx.posts[0]!.body.alert).toMatchObject({ strategy_id: lt.strategyId, detail: { book: 'live', drift: '0.010001' } });
    // Once fixed it stays quiet; rows that cannot be folded (a release of cash never reserved) are corruption too
    skew = 0n;
    lt.ft.clock.advance(16 * MIN);
    await checkAlerts(deps);
    expect(rx.posts).toHaveLength(1);
    await lt.ft.t.db.query(`INSERT INTO ledger_entries (entry_id, user_id, strategy_id, book, kind, amount, ref, created_at)
      VALUES ($1, $2, $3, 'live', 'release', 1, 'corrupt', now())`, [randomUUID(), lt.userId, lt.strategyId]);
    await checkAlerts(deps);
    expect(rx.posts.map((p) => p.body.alert.message)).toEqual([
      `${lt.strategyId} (live): available + locked + cooldown differs from net deposits + realized P&L by $0.010001`,
      `${lt.strategyId} (live): ledger balances cannot be computed: ledger: reserved is negative (-1000000)`,
    ]);
  });

  it('a strategy trading normally raises nothing', async () => {
    const { lt, rx, deps } = await setup({}, { feeRate: '0.02' });
    deps.wallet = lt.venue;
    lt.asks([['0.5', '1000']]);
    for (let k = 0; k < 3; k++) {
      await lt.buySignal({ price: 0.5 });
      await lt.execute();
      lt.ft.clock.advance(MIN);
      await checkAlerts(deps);
    }
    expect((await lt.orders()).map((o) => o.status)).toEqual(['filled', 'filled', 'filled']);
    expect(rx.posts).toHaveLength(0);
  });

  it('INV-22: the ledgers counting more available cash than the wallet holds is a reconciliation alert', async () => {
    const { lt, rx, deps } = await setup();
    deps.wallet = lt.venue;
    lt.asks([['0.5', '1000']]);
    await lt.buySignal({ price: 0.5 });
    await lt.execute(); // $10 spent: the ledger has 990 available, the wallet 100,000 − 10 = 99,990
    await checkAlerts(deps);
    expect(rx.posts).toHaveLength(0);
    lt.exchange.credit(ACCOUNT, COLLATERAL, -usdc('99490')); // the wallet is left with 500 spendable: 490 short
    await checkAlerts(deps);
    lt.ft.clock.advance(MIN);
    await checkAlerts(deps); // still short, within the cool-down: not again
    expect(received(rx)).toEqual(['reconciliation critical']);
    expect(rx.posts[0]!.body.alert.message).toBe(
      'reconciliation: 1 live strategies count $990 available, the wallet has $500 (short $490)');
  });

  it('INV-22: shares the live strategies hold missing from the venue account are one reconciliation alert for positions', async () => {
    const { lt, rx, deps } = await setup({}, { feeRate: '0.02' });
    deps.wallet = lt.venue;
    lt.asks([['0.5', '1000']]);
    await lt.buySignal({ price: 0.5 });
    await lt.execute(); // $10 at 0.50 as taker: 20 shares less a fee of 20 × 0.02 × 0.5 × 0.5 = 0.1 share
    const [held] = await lt.ft.t.db.query<{ held: string }>(`SELECT sum(f.size - f.fee_amount)::text AS held FROM fills f
      JOIN orders o ON o.order_id = f.order_id WHERE o.token_id = $1 AND o.side = 'BUY' AND f.fee_asset = 'shares'`, [YES]);
    expect(shares(held!.held)).toBe(shares('19.9'));
    expect(await lt.venue.tokenBalance(YES)).toBe(shares('19.9'));
    await checkAlerts(deps);
    expect(rx.posts).toHaveLength(0);
    lt.exchange.credit(ACCOUNT, YES, -shares('0.01')); // 0.01 share off: rounding, within tolerance
    await checkAlerts(deps);
    expect(rx.posts).toHaveLength(0);
    lt.exchange.credit(ACCOUNT, YES, -shares('4.89')); // 19.9 − 4.9 = 15 left at the venue: 4.9 short
    await checkAlerts(deps);
    lt.ft.clock.advance(MIN);
    await checkAlerts(deps); // still short, within the cool-down: not again
    expect(received(rx)).toEqual(['reconciliation critical']);
    const alert = rx.posts[0]!.body.alert;
    expect(alert).toMatchObject({ strategy_id: null, detail: { checked: 1, short_count: 1, tokens: [{ token_id: YES,
      ledger_held: '19.9', offered_by_open_sells: '0', venue: '15', short: '4.9', strategies: 1 }] } });
    expect(alert.message).toBe('reconciliation: the venue account holds fewer shares than the live strategies in 1 of 1 '
      + `token(s) checked: ${YES}: ledger 19.9, venue 15 (short 4.9)`);
    // The wallet's cash is fine: this is the only reconciliation alert. After the cool-down it fires again
    lt.ft.clock.advance(15 * MIN);
    await checkAlerts(deps);
    expect(received(rx)).toEqual(['reconciliation critical', 'reconciliation critical']);
    expect(rx.posts.map((p) => p.body.alert.detail.tokens?.[0]?.short)).toEqual(['4.9', '4.9']);
  });

  it('INV-22: a sell the venue filled but the tracker has not booked yet is not missing shares', async () => {
    const { lt, rx, deps } = await setup();
    deps.wallet = lt.venue;
    lt.asks([['0.5', '20']]);
    await lt.buySignal({ price: 0.5 });
    await lt.execute(); // 20 shares
    lt.ft.clock.advance(1000);
    await lt.sellSignal({ price: 0.6 });
    await lt.execute(); // no bids: the exit rests, offering all 20
    const exit = (await lt.orders()).find((o) => o.side === 'SELL')!;
    expect(exit).toMatchObject({ status: 'open', size: '20.000000' });
    lt.takeFromMaker('BUY', exit.limit_price as string, '20'); // filled at the venue; the ledger still holds 20
    expect(await lt.venue.tokenBalance(YES)).toBe(0n);
    await checkAlerts(deps);
    await lt.sync(); // booked: nothing held, nothing to reconcile
    await checkAlerts(deps);
    expect(rx.posts).toHaveLength(0);
  });

  it('INV-22: the share reconciliation reads a bounded number of tokens per run, in turn; a venue error skips it with a log line', async () => {
    const lines: string[] = [];
    const { lt, rx, deps } = await setup({ log: captureLog(lines) });
    deps.settings = { ...deps.settings, positionReadsPerRun: 1 };
    const reads: string[] = [];
    let failing = false;
    deps.wallet = {
      availableCollateral: () => lt.venue.availableCollateral(),
      tokenBalance: async (t) => {
        reads.push(t);
        if (failing) throw new Error('HTTP 503 from GET /balance-allowance');
        return lt.venue.tokenBalance(t);
      },
    };
    lt.asks([['0.5', '1000']]);
    const r = lt.exchange.place({ orderId: 'mk-no', account: MAKER, tokenId: NO, side: 'SELL', price: price('0.5'),
      size: shares('1000'), orderType: 'GTC' });
    expect(r.ok).toBe(true);
    await lt.buySignal({ price: 0.5 });
    lt.ft.clock.advance(1000);
    await lt.buySignal({ price: 0.5, asset: NO, outcome: 'No', outcomeIndex: 1 });
    await lt.execute(); // 20 shares of each
    lt.exchange.credit(ACCOUNT, NO, -shares('20')); // every NO share gone
    const [first, second] = [YES, NO].sort();
    await checkAlerts(deps); // reads the first token id only
    expect(reads).toEqual([first]);
    expect(rx.posts).toHaveLength(first === NO ? 1 : 0);
    await checkAlerts(deps); // then the next, then round again
    await checkAlerts(deps);
    expect(reads).toEqual([first, second, first]);
    expect(received(rx)).toEqual(['reconciliation critical']);
    expect(rx.posts[0]!.body.alert.detail).toMatchObject({ checked: 1, held_tokens: 2,
      tokens: [{ token_id: NO, ledger_held: '20', venue: '0', short: '20' }] });
    failing = true;
    lt.ft.clock.advance(16 * MIN);
    await checkAlerts(deps);
    expect(rx.posts).toHaveLength(1);
    expect(lines.filter((l) => l.includes('position check skipped'))).toHaveLength(1);
    expect(JSON.parse(lines.find((l) => l.includes('position check skipped'))!)).toMatchObject({ level: 'warn',
      error: 'HTTP 503 from GET /balance-allowance' });
  });

  it('an order on the venue that recovery cannot explain raises a reconciliation alert, and the paused strategy one', async () => {
    const { lt, rx, deps } = await setup();
    lt.exchange.place({ orderId: '0xforeign', account: ACCOUNT, tokenId: YES, side: 'BUY', price: price('0.4'), size: shares('10'), orderType: 'GTC' });
    const report = await recoverLt(lt.deps);
    expect(await alertRecovery(deps, report)).toBe(1);
    expect(await alertRecovery(deps, report)).toBe(0); // a second start within the cool-down
    await checkAlerts(deps);
    expect(received(rx).sort()).toEqual(['reconciliation critical', 'reconciliation critical']);
    const venue = rx.posts.find((p) => p.body.alert.strategy_id === null)!.body.alert;
    expect(venue.detail).toMatchObject({ unexplained: ['0xforeign'], paused: 1 });
    const strategy = rx.posts.find((p) => p.body.alert.strategy_id === lt.strategyId)!.body.alert;
    expect(strategy.message).toContain('is paused: recovery: 1 venue order(s) Tandem cannot explain');
  });

  it('fill rate and rejection rate off target over the last 20 finished orders, as the API computes them', async () => {
    const { lt, rx, deps } = await setup();
    const db = lt.ft.t.db;
    await ensureMarket(db);
    const add = (status: string, over: Omit<QualityFixture, 'at' | 'status'> = {}) =>
      addQualityOrder(db, lt.userId, lt.strategyId, { at: lt.ft.clock.now(), status, ...over });
    await add('cancelled', { size: '100', fillRate: '0.5' });
    for (let k = 0; k < 3; k++) await add('filled');
    await add('open', { size: '100' }); // still resting: not finished, not in the window
    await checkAlerts(deps); // 4 finished orders, (50 + 3·20) / (100 + 3·20) = 68.75 %: too few to say anything
    expect(rx.posts).toHaveLength(0);
    await add('filled');
    await checkAlerts(deps); // 5 finished: (50 + 4·20) / (100 + 4·20) = 130/180 = 0.722222 (a mean of rates would say 90 %)
    expect(received(rx)).toEqual(['fill_rate warning']);
    expect(rx.posts[0]!.body.alert.detail).toMatchObject({ fill_rate_pct: '72.2222', quantity_fill_rate: '0.722222', samples: 5 });
    // The dashboard's figure for the same orders (the open one is not finished there either)
    expect(formatStrategyQuality(await qualityOfStrategy(db, lt.userId, lt.strategyId)).quantity_fill_rate).toBe('0.722222');

    lt.ft.clock.advance(MIN);
    for (let k = 0; k < 2; k++) await add('rejected', { rejectReason: 'not_enough_balance' });
    await add('rejected', { submitted: false }); // refused before the venue: finished, but not sent
    await checkAlerts(deps); // sent 5 + 2 = 7, rejected 2: 2/7 = 0.285714 → 28.5714 %; the fill rate's key is cooling down
    expect(received(rx)).toEqual(['fill_rate warning', 'rejection_rate warning']);
    expect(rx.posts[1]!.body.alert.detail).toMatchObject({ rejected: 2, samples: 7, rejection_rate_pct: '28.5714',
      rejection_rate: '0.285714', rejections_by_reason: { not_enough_balance: '0.285714' } });
  });

  it('exactly on target raises nothing; the next miss pushes the oldest fill out of the window and fires', async () => {
    const { lt, rx, deps } = await setup();
    const db = lt.ft.t.db;
    await ensureMarket(db);
    const add = async (status: string, over: Omit<QualityFixture, 'at' | 'status'> = {}) => {
      lt.ft.clock.advance(1000); // distinct signal times: the window is the newest 20
      await addQualityOrder(db, lt.userId, lt.strategyId, { at: lt.ft.clock.now(), status, ...over });
    };
    for (let k = 0; k < 19; k++) await add('filled');
    await add('rejected', { rejectReason: 'invalid_price' });
    await checkAlerts(deps); // fill 19·20 / 20·20 = 95 % (not below 95 %); rejected 1 of 20 sent = 5 % (not above 5 %)
    expect(rx.posts).toHaveLength(0);
    await add('cancelled');
    await checkAlerts(deps); // the oldest fill leaves the window: 18·20 / 20·20 = 90 %; still 1 of 20 rejected
    expect(received(rx)).toEqual(['fill_rate warning']);
    expect(rx.posts[0]!.body.alert.detail).toMatchObject({ fill_rate_pct: '90', samples: 20 });
  });

  it('a trade source that keeps answering with nothing is a silent feed', async () => {
    const feeds = createFeedHealth({ now: () => w!.ft.clock.now() });
    const { lt, rx, deps } = await setup({ feeds });
    deps.settings = { ...deps.settings, feedSilenceMs: 5 * MIN };
    let records: unknown[] = [{}];
    const inner: TradeSource = {
      name: 'data-api', fetchTrades: async () => ({ ...normalizeTradeRecords(records), errors: [], requests: 1 }),
    };
    const source = reportingTradeSource(inner, feeds);
    const trader = [{ address: '0xabc', targeted: false, since: null }];
    await source.fetchTrades(trader);
    records = [];
    for (let k = 0; k < 6; k++) {
      lt.ft.clock.advance(MIN);
      await source.fetchTrades(trader);
      await checkAlerts(deps);
    }
    expect(received(rx)).toEqual(['feed_silent warning']);
    expect(rx.posts[0]!.body.alert.detail).toMatchObject({ feed: 'data-api', silent_ms: 6 * MIN });
    // A poll where every trader failed is a disconnect: no silence alert while disconnected
    const failing = reportingTradeSource({ name: 'gone', fetchTrades: async () => ({ trades: [], refused: [], requests: 1,
      errors: [{ trader: '0xabc', endpoint: '/trades', error: 'HTTP 502' }] }) }, feeds);
    await failing.fetchTrades(trader);
    lt.ft.clock.advance(10 * MIN);
    expect(feeds.snapshot().find((f) => f.feed === 'gone')).toMatchObject({ connected: false, lastError: 'HTTP 502' });
    await checkAlerts(deps);
    expect(rx.posts.map((p) => p.body.alert.detail.feed)).toEqual(['data-api']);
  });
});
