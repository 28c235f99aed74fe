/**
 * RTDS as the primary source of followed traders' trades, against the loopback simulator with the official
 * real-time-data-client: a published trade of a followed wallet is ingested at once and becomes an FT order and an
 * LT submit (times asserted from what is recorded, not from wall-clock speed); an unfollowed wallet's trade is
 * ignored; the same trade by RTDS and by the Data API poll is stored once; a dropped stream reconnects with a
 * bounded back-off; a silent stream falls back to polling and raises feed_silent
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseFtWallet } from '../../src/domain/ft-wallet.ts';
import { DEFAULT_ALERT_SETTINGS, checkAlerts } from '../../src/engine/alert-monitor.ts';
import { systemClock } from '../../src/engine/clock.ts';
import { FT_ORDERS_CHANNEL, type FtDeps } from '../../src/engine/ft-engine.ts';
import { startStreamIngest, type StreamIngest } from '../../src/engine/ft-stream.ts';
import { syncFtOnce } from '../../src/engine/ft-sync.ts';
import { executeLt, type LtExecutorDeps } from '../../src/engine/lt-executor.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { strategyGap } from '../../src/store/gap-store.ts';
import { createLtStrategy, launchLtStrategy } from '../../src/engine/lt-strategies.ts';
import { createDataApiTradeSource } from '../../src/feeds/data-api-source.ts';
import { createFeedHealth } from '../../src/feeds/feed-health.ts';
import { createGammaMarketSource } from '../../src/feeds/gamma-source.ts';
import { createRtdsTradeStream, type RtdsTradeStream } from '../../src/feeds/rtds-source.ts';
import { noScorer } from '../../src/feeds/scorer.ts';
import { createSimulatedVenue } from '../../src/sim/exchange/simulated-venue.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { createUser } from '../../src/store/user-store.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { createShadowVenue } from '../../src/venues/shadow-venue.ts';
import { formatMicros, parseMicros } from '../../src/domain/money.ts';
import { captureLog, eventually } from '../support/polymarket-rig.ts';
import { copyAll } from '../support/ft-world.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

const WHALE = '0x' + '5'.repeat(40);
const STRANGER = '0x' + '6'.repeat(40);
const SIGNER = '0x' + 'c'.repeat(40);
const WAIT = 20_000;

let server: SimServer;
let t: TestDb;
let deps: FtDeps;
let yes: string;
const lines: string[] = [];
const log = captureLog(lines);
const running: { stop(): Promise<void> }[] = [];
/** Latencies seen (ms), printed for the record: detection and submit against the trade time and the publish instant */
const observed = { fromTradeTime: [] as number[], fromPublish: [] as number[], toSubmit: [] as number[], publishToSubmit: [] as number[] };

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {}); // the client logs its own disconnects and socket errors
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'log').mockImplementation(() => {});
  server = await startSimServer({ port: 0, host: '127.0.0.1', seed: 11, clock: systemClock });
  t = await openTestDb();
  deps = { db: t.db, markets: createGammaMarketSource({ baseUrl: server.gammaUrl }), scorer: noScorer, clock: systemClock };
  yes = server.exchange.markets()[0]!.tokens[0]!.tokenId;
  await insertWallet(t.db, parseFtWallet(copyAll({ wallet_id: 'FT_WHALE', target_traders: [WHALE] }), systemClock.now()));
}, 240_000);

afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  server.faults.set({ streamSilence: false });
});

afterAll(async () => {
  await t?.close();
  await server?.close();
  vi.restoreAllMocks();
});

interface Streaming {
  stream: RtdsTradeStream;
  ingest: StreamIngest;
  health: ReturnType<typeof createFeedHealth>;
  polls: Promise<unknown>[];
}

const source = () => createDataApiTradeSource({ baseUrl: server.url });

/** A stream on the simulator's RTDS and its ingest; `fallbackPollMs` polls the Data API while it is not live */
async function startStreaming(o: { silenceMs?: number; fallbackPollMs?: number } = {}): Promise<Streaming> {
  const health = createFeedHealth(systemClock);
  const stream = createRtdsTradeStream({
    url: server.rtdsUrl, clock: systemClock, health, log, silenceMs: o.silenceMs ?? 60_000,
    backoff: { initialMs: 50, maxMs: 400 }, checkEveryMs: 25,
  });
  const polls: Promise<unknown>[] = [];
  const ingest = await startStreamIngest({
    ...deps, stream, log, refreshMs: 60_000, fallbackPollMs: o.fallbackPollMs ?? 60_000,
    poll: () => void polls.push(syncFtOnce({ ...deps, source: source() })),
  });
  running.push({ stop: async () => { await ingest.stop(); await Promise.allSettled(polls); } });
  return { stream, ingest, health, polls };
}

/** Data flows: a stranger's trades are published until the stream has received a frame (so it is subscribed) */
async function untilFlowing(s: Streaming): Promise<void> {
  const before = s.stream.stats().frames;
  await eventually(async () => {
    server.publishSourceTrade({ proxyWallet: STRANGER, asset: yes, side: 'BUY', size: 5, price: '0.4' });
    await new Promise((r) => setTimeout(r, 20));
    return s.stream.stats().frames > before ? true : undefined;
  }, WAIT);
}

async function stored(trader: string) {
  return t.db.query<{ trade_key: string; source: string; trade_time: Date; detected_at: Date | null }>(
    'SELECT trade_key, source, trade_time, detected_at FROM source_trades WHERE trader = $1 ORDER BY trade_time', [trader]);
}

async function ftOrdersOf(tradeKey: string) {
  return t.db.query('SELECT order_id FROM ft_orders WHERE source_trade_id = $1', [tradeKey]);
}

describe(`RTDS source trades (${backendName})`, () => {
  it('ingests a followed trader\'s trade at once, ignores a stranger\'s, and stores a trade the poll reads again once', async () => {
    const s = await startStreaming();
    await untilFlowing(s);
    const publishedAt = Date.now();
    const row = server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'BUY', size: 40, price: '0.5' });
    const [trade] = await eventually(async () => ((await stored(WHALE)).length > 0 ? stored(WHALE) : undefined), WAIT);
    expect(trade!.source).toBe('rtds');
    expect(await eventually(async () => ((await ftOrdersOf(trade!.trade_key)).length === 1 ? true : undefined), WAIT)).toBe(true);
    const detected = new Date(trade!.detected_at!).getTime();
    const fromTrade = detected - new Date(trade!.trade_time).getTime();
    observed.fromTradeTime.push(fromTrade);
    observed.fromPublish.push(detected - publishedAt);
    // The trade time has whole seconds: detection follows it by under a second plus the delivery, far from a 60 s poll
    expect(fromTrade).toBeGreaterThanOrEqual(0);
    expect(fromTrade).toBeLessThan(5_000);
    expect(row.proxyWallet).toBe(WHALE);
    expect(await stored(STRANGER)).toEqual([]);
    // The Data API poll reads the same trade again: a duplicate, stored and ordered once
    const polled = await syncFtOnce({ ...deps, source: source() });
    expect(polled.newTrades).toBe(0);
    expect(polled.rejected.duplicate).toBeGreaterThanOrEqual(1);
    expect(await stored(WHALE)).toHaveLength(1);
    expect(await ftOrdersOf(trade!.trade_key)).toHaveLength(1);
    expect(s.ingest.stats()).toMatchObject({ failures: 0, fallbackPolls: 0 });
  }, 60_000);

  it('a trade the poll stored first is a duplicate when RTDS delivers it', async () => {
    const s = await startStreaming();
    await untilFlowing(s);
    const before = (await stored(WHALE)).length;
    server.faults.set({ streamSilence: true });
    server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'BUY', size: 20, price: '0.45' });
    const polled = await syncFtOnce({ ...deps, source: source() });
    expect(polled.newTrades).toBe(1);
    const [first] = (await stored(WHALE)).slice(before);
    expect(first!.source).toBe('data-api');
    expect(first!.detected_at).not.toBeNull();
    // The same record pushed by the stream now
    server.faults.set({ streamSilence: false });
    const frames = s.stream.stats().kept;
    const row = server.feed.rows.find((r) => r.proxyWallet === WHALE && r.price === parseMicros('0.45'))!;
    server.feed.publish({ ...row, size: '20', price: '0.45', side: row.side });
    await eventually(async () => (s.stream.stats().kept > frames ? true : undefined), WAIT);
    await s.ingest.idle();
    expect((await stored(WHALE)).length).toBe(before + 1);
  }, 60_000);

  it('a frame delivered twice (duplicated stream messages) stores the trade and its FT order once', async () => {
    const s = await startStreaming();
    await untilFlowing(s);
    const before = (await stored(WHALE)).length;
    const frames = s.stream.stats().frames;
    server.faults.set({ duplicateStreamMessages: true });
    try {
      server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'BUY', size: 13, price: '0.43' });
      await eventually(async () => (s.stream.stats().frames >= frames + 2 ? true : undefined), WAIT); // both copies arrived
    } finally {
      server.faults.set({ duplicateStreamMessages: false });
    }
    await eventually(async () => ((await stored(WHALE)).length > before ? true : undefined), WAIT);
    await s.ingest.idle();
    const rows = (await stored(WHALE)).slice(before);
    expect(rows.map((r) => r.source)).toEqual(['rtds']);
    expect(await ftOrdersOf(rows[0]!.trade_key)).toHaveLength(1);
  }, 60_000);

  it('mirrors the streamed trade to an LT order submitted right after the FT order', async () => {
    const venue = createSimulatedVenue({ exchange: server.exchange, account: 'tandem', clock: systemClock });
    server.exchange.credit('tandem', 'USDC', parseMicros('10000'));
    const { user } = await createUser(t.db, 'rtds-lt');
    const created = await createLtStrategy({ db: t.db, clock: systemClock }, user.userId, {
      ft_wallet_id: 'FT_WHALE', starting_capital: '1000', wallet_address: SIGNER, slippage_tolerance_pct: '5',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const launched = await launchLtStrategy({ db: t.db, clock: systemClock }, user.userId, created.value.strategyId);
    if (!launched.ok) throw new Error(JSON.stringify(launched.error));
    const lt: LtExecutorDeps = { db: t.db, venue, shadowVenue: createShadowVenue(venue, systemClock), clock: systemClock, signerAddress: SIGNER };
    let executing = Promise.resolve<unknown>(undefined);
    const unlisten = await t.db.listen(FT_ORDERS_CHANNEL, () => { executing = executing.then(() => executeLt(lt)).catch(() => undefined); });
    running.push({ stop: async () => { await unlisten(); await executing; } });
    const s = await startStreaming();
    await untilFlowing(s);
    // Trade times have whole seconds: the trade must fall after the launch instant to be a signal LT takes
    const launchSecond = Math.floor(Date.now() / 1000);
    await eventually(async () => (Math.floor(Date.now() / 1000) > launchSecond ? true : undefined), WAIT);
    // The trader buys at the best ask, which is still there for our copy
    const ask = server.exchange.book(yes).asks.reduce((best, l) => (l.price < best ? l.price : best), parseMicros('1'));
    const publishedAt = Date.now();
    server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'BUY', size: 30, price: formatMicros(ask) });
    const order = await eventually(async () => {
      const [o] = await t.db.query<{ source_trade_at: Date; signal_at: Date; submitted_at: Date | null; status: string }>(
        `SELECT source_trade_at, signal_at, submitted_at, status FROM orders WHERE lt_strategy_id = $1`, [created.value.strategyId]);
      return o?.submitted_at ? o : undefined;
    }, WAIT).catch(async (e) => {
      console.info(JSON.stringify(await executeLt(lt).catch((x) => String(x))), JSON.stringify(await t.db.query('SELECT * FROM lt_dispositions')));
      throw e;
    });
    const toSubmit = new Date(order.submitted_at!).getTime() - new Date(order.source_trade_at).getTime();
    observed.toSubmit.push(toSubmit);
    observed.publishToSubmit.push(new Date(order.submitted_at!).getTime() - publishedAt);
    expect(toSubmit).toBeGreaterThanOrEqual(0);
    expect(toSubmit).toBeLessThan(10_000); // whole-second trade time, a loaded 2-core box: well before a 60 s poll
    expect(new Date(order.signal_at).getTime()).toBeLessThanOrEqual(new Date(order.submitted_at!).getTime());
    // The quality row keeps all four times; the gap's leg splits trade → submit by them
    const q = await eventually(async () => {
      await syncLtOrders(lt);
      const [r] = await t.db.query<{ detected_at: Date | null; source_trade_at: Date | null; detection: number }>(
        `SELECT detected_at, source_trade_at, detection_latency_ms::int AS detection FROM lt_execution_quality WHERE strategy_id = $1`,
        [created.value.strategyId]);
      return r?.detected_at ? r : undefined;
    }, WAIT);
    const detection = new Date(q.detected_at!).getTime() - new Date(order.source_trade_at).getTime();
    expect(q.detection).toBe(detection);
    expect(new Date(q.source_trade_at!).getTime()).toBe(new Date(order.source_trade_at).getTime());
    const gap = await strategyGap(t.db, user.userId, created.value.strategyId);
    const timing = gap.legs.find((l) => l.timing !== null)!.timing!;
    expect(timing).toMatchObject({ detectionMs: detection, totalMs: toSubmit });
    expect(timing.detectionMs! + timing.signalMs! + timing.submitMs!).toBe(toSubmit);
  }, 60_000);

  it('ingests a burst one batch at a time, each trade once, and follows a strategy added later', async () => {
    const s = await startStreaming();
    await untilFlowing(s);
    const before = (await stored(WHALE)).length;
    for (let k = 0; k < 12; k++) {
      server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'BUY', size: 10 + k, price: '0.44' });
    }
    await eventually(async () => ((await stored(WHALE)).length === before + 12 ? true : undefined), WAIT);
    await s.ingest.idle();
    const stats = s.ingest.stats();
    expect(stats.failures).toBe(0);
    expect(stats.ingests).toBeLessThanOrEqual(stats.batches);
    const keys = (await stored(WHALE)).slice(before).map((r) => r.trade_key);
    const orders = await t.db.query('SELECT 1 FROM ft_orders WHERE source_trade_id = ANY($1::text[])', [keys]);
    expect(orders).toHaveLength(12);
    // A strategy created now follows a new trader: after the refresh the stream keeps their trades
    const NEWCOMER = '0x' + '7'.repeat(40);
    await insertWallet(t.db, parseFtWallet(copyAll({ wallet_id: 'FT_NEWCOMER', target_traders: [NEWCOMER] }), systemClock.now()));
    await s.ingest.refreshFollowed();
    server.publishSourceTrade({ proxyWallet: NEWCOMER, asset: yes, side: 'BUY', size: 9, price: '0.44' });
    const [newcomer] = await eventually(async () => ((await stored(NEWCOMER)).length > 0 ? stored(NEWCOMER) : undefined), WAIT);
    expect(newcomer!.source).toBe('rtds');
  }, 60_000);

  it('reconnects after the server drops the stream and polls for what it missed, and backs off up to its cap against a dead port', async () => {
    const s = await startStreaming();
    await untilFlowing(s);
    const before = (await stored(WHALE)).length;
    server.dropStreams();
    // Made while no stream is connected (the drop is synchronous): never streamed, read by the poll run at resume
    server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'BUY', size: 12, price: '0.41' });
    await eventually(async () => (s.stream.stats().connects >= 2 && s.stream.isLive() ? true : undefined), WAIT);
    expect(s.stream.stats().backoffs[0]).toBe(50);
    await untilFlowing(s); // subscribed again: data flows
    await eventually(async () => ((await stored(WHALE)).length > before ? true : undefined), WAIT);
    await Promise.all(s.polls);
    expect(s.ingest.stats()).toMatchObject({ resumePolls: 1, fallbackPolls: 0 });
    expect((await stored(WHALE)).slice(before).map((r) => r.source)).toContain('data-api');
    // Nothing listens on a closed server's port: every attempt fails, the delay doubles to the cap
    const dead = await startSimServer({ port: 0, host: '127.0.0.1', seed: 2 });
    const url = dead.rtdsUrl;
    await dead.close();
    const health = createFeedHealth(systemClock);
    const lost = createRtdsTradeStream({ url, clock: systemClock, health, log, silenceMs: 60_000, backoff: { initialMs: 20, maxMs: 100 } });
    running.push(lost);
    lost.start(() => undefined);
    await eventually(async () => (lost.stats().backoffs.length >= 6 ? true : undefined), WAIT);
    expect(lost.stats().backoffs.slice(0, 6)).toEqual([20, 40, 80, 100, 100, 100]);
    expect(lost.isLive()).toBe(false);
    expect(health.snapshot().find((f) => f.feed === 'rtds')).toMatchObject({ connected: false });
  }, 60_000);

  it('a silent stream is not live: polling takes over and feed_silent fires', async () => {
    const s = await startStreaming({ silenceMs: 400, fallbackPollMs: 100 });
    await untilFlowing(s);
    server.faults.set({ streamSilence: true }); // connected, no frame
    const before = (await stored(WHALE)).length;
    server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'BUY', size: 15, price: '0.42' });
    await eventually(async () => (s.ingest.stats().fallbackPolls > 0 ? true : undefined), WAIT);
    // The silent connection is dropped and made again; without data the new one is not live either
    await eventually(async () => (s.stream.stats().connects >= 2 ? true : undefined), WAIT);
    expect(s.stream.isLive()).toBe(false);
    await eventually(async () => ((await stored(WHALE)).length > before ? true : undefined), WAIT);
    await Promise.all(s.polls);
    expect((await stored(WHALE)).slice(before).map((r) => r.source)).toEqual(['data-api']);
    const state = s.health.snapshot().find((f) => f.feed === 'rtds')!;
    expect(state.silenceMs).toBe(400);
    const monitor = { db: t.db, clock: systemClock, log, settings: DEFAULT_ALERT_SETTINGS, jobs: [], startedAt: systemClock.now(),
      feeds: s.health, notifier: null };
    await checkAlerts(monitor);
    const alerts = await t.db.query<{ dedupe_key: string }>(`SELECT dedupe_key FROM lt_alerts WHERE kind = 'feed_silent'`);
    expect(alerts.map((a) => a.dedupe_key)).toEqual(['feed:rtds']);
  }, 60_000);
});

afterAll(() => {
  process.stdout.write(`rtds latency (ms): ${JSON.stringify(observed)}\n`);
});
