/**
 * Books from the market channel (src/venues/book-cache-venue.ts) in the LT engine with the real Polymarket adapter on
 * the loopback simulator: one script of signals and book changes, run once with the cache and once without, decides,
 * prices, fills and records exactly the same; with the cache the executor reads GET /book only for a market's first
 * signal and while the channel cannot vouch for its book (silent and dropped: the order is then priced from REST on
 * the book the channel never delivered, where the stale cached book would have skipped the signal)
 */
import { generatePrivateKey } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { executeLt, type LtExecutorDeps } from '../../src/engine/lt-executor.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { MarketBooks } from '../../src/feeds/market-books.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { withBookCache, marketChannelUrl, type BookCachedVenue } from '../../src/venues/book-cache-venue.ts';
import { createPolymarketVenue } from '../../src/venues/polymarket/polymarket-venue.ts';
import { createShadowVenue } from '../../src/venues/shadow-venue.ts';
import { createLtWorld, YES, type LtWorld } from '../support/lt-world.ts';
import { captureLog, eventually } from '../support/polymarket-rig.ts';
import { backendName } from '../support/test-db.ts';
import { undiciSend, type HttpSend } from '../../src/venues/polymarket/http-send.ts';

interface Run {
  w: LtWorld;
  server: SimServer;
  books: MarketBooks;
  deps: LtExecutorDeps;
  cached: BookCachedVenue | null;
  requests: string[];
  /** Per executor run: the signals it decided and the books it read by GET /book */
  steps: { signals: number; restBooks: number }[];
  close(): Promise<void>;
}

const opened: Run[] = [];

async function start(cache: boolean): Promise<Run> {
  const w = await createLtWorld();
  const clock = w.ft.clock;
  const server = await startSimServer({ port: 0, seed: 3, clock, exchange: w.exchange, fund: '100000', tickMs: 20 });
  const lines: string[] = [];
  const log = captureLog(lines);
  const requests: string[] = [];
  const counting: HttpSend = async (req) => {
    requests.push(`${req.method} ${req.url.pathname}`);
    return undiciSend(req);
  };
  const venue = await createPolymarketVenue({ host: server.url, wsHost: server.wsUrl, privateKey: generatePrivateKey(), log, clock,
    http: { send: counting, maxRetryWaitMs: 20 }, pollEveryMs: 0 });
  // The test reads the same books to wait for the channel, so both runs run the same script
  const books = new MarketBooks({ url: marketChannelUrl(server.wsUrl), log, staleMs: 2_000, reconnectMs: 20, maxReconnectMs: 200 });
  const cached = cache ? withBookCache(venue, { clock, log, books }) : null;
  const used = cached ?? venue;
  const run: Run = {
    w, server, books, cached, requests, steps: [], deps: { ...w.deps, venue: used, shadowVenue: createShadowVenue(used, clock) },
    close: async () => {
      books.close();
      await used.close();
      await server.close();
      await w.close();
    },
  };
  opened.push(run);
  return run;
}

const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/** Waits until the channel's book of YES is the exchange's (an update may trail the change by a message) */
const channelCaughtUp = (r: Run) => eventually(async () => {
  const read = r.books.read(YES);
  const { bids, asks } = r.w.exchange.book(YES);
  return read.ok && JSON.stringify([read.bids, read.asks], big) === JSON.stringify([bids, asks], big) ? true : undefined;
}, 20_000);

/** Waits until the channel cannot vouch for the book of YES */
const channelDown = (r: Run) => eventually(async () => (r.books.read(YES).ok ? undefined : true), 20_000);

const bookReads = (r: Run) => r.requests.filter((q) => q === 'GET /book').length;

async function decide(r: Run, signal: () => Promise<void>): Promise<void> {
  r.w.ft.clock.advance(1_000);
  await signal();
  const executorReadsBefore = bookReads(r);
  const report = await executeLt(r.deps);
  expect(report.errors).toEqual([]);
  expect(report.signals).toBeGreaterThan(0);
  // Every order ends where the venue says (fills come over the user channel or REST)
  await eventually(async () => {
    await syncLtOrders(r.deps);
    const orders = await r.w.orders();
    return orders.every((o) => !['pending', 'unknown'].includes(o.status as string)) ? true : undefined;
  }, 20_000);
  await r.w.checkLedger();
  r.steps.push({ signals: report.signals, restBooks: bookReads(r) - executorReadsBefore });
}

const faults = async (r: Run, body: Record<string, unknown>) => {
  const res = await fetch(`${r.server.url}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`faults: ${res.status}`);
};

/** The script: both runs go through it; only the venue the executor reads differs */
async function script(r: Run): Promise<void> {
  const { w } = r;
  w.asks([['0.50', '1000']]);
  w.bids([['0.48', '1000']]);
  await decide(r, () => w.buySignal({ price: 0.5 })); // the market's first signal: GET /book, and watched from now on
  await channelCaughtUp(r);
  w.asks([['0.49', '8']]); // a better, thinner level: the order walks two levels
  await channelCaughtUp(r);
  await decide(r, () => w.buySignal({ price: 0.5 }));
  await channelCaughtUp(r);
  await decide(r, () => w.buySignal({ price: 0.45 })); // best ask 0.50 is 11 % away: skipped
  // Silent, then dropped: a new 0.49 ask never reaches the channel; the executor reads it from REST and orders (on the
  // channel's last book, best ask 0.50, the signal would be 2 % away and skipped)
  await faults(r, { streamSilence: true });
  await channelDown(r);
  await faults(r, { disconnectStreams: true });
  w.asks([['0.49', '100']]);
  await channelDown(r);
  await decide(r, () => w.buySignal({ price: 0.49 }));
  await faults(r, { reset: true });
  w.bids([['0.47', '50']]); // a level below the best bid: a delta the check of best bid/ask does not see
  await channelCaughtUp(r);
  await decide(r, () => w.sellSignal({ price: 0.48 })); // exits, decided on the cached book
  await channelCaughtUp(r);
  await decide(r, () => w.buySignal({ price: 0.49 }));
}

/** What the runs must agree on: every decision and order, without ids and times */
async function outcome(r: Run) {
  // An exit's leg names the entry it closes by id: kept as its kind
  const orders = (await r.w.orders()).map(({ order_id: _o, venue_order_id: _v, expires_at: _e, leg, ...rest }) =>
    ({ ...rest, leg: String(leg).split(':')[0] }) as Record<string, unknown>);
  // The exits of one run are decided in no set order (their legs are ids): decisions are compared as a set
  const decisions = (await r.w.ft.t.db.query(`SELECT disposition, rule, limit_value, observed, side, signal_price::text,
    best_bid::text, best_ask::text, expected_vwap::text, detail FROM lt_dispositions`)).map((d) => JSON.stringify(d)).sort();
  return { orders, decisions, ledger: await r.w.checkLedger() };
}

describe(`LT with books from the market channel (${backendName})`, () => {
  afterEach(async () => {
    for (const r of opened.splice(0)) await r.close();
  });

  it('decides, prices and fills exactly as with GET /book per signal; REST only for a first signal and a channel it cannot trust', async () => {
    const plain = await start(false);
    await script(plain);
    const cached = await start(true);
    await script(cached);

    const a = await outcome(plain);
    const b = await outcome(cached);
    expect(JSON.stringify(b, big)).toBe(JSON.stringify(a, big));
    // The script exercised what it means to: orders at several prices, an exit, skips, fills
    const kinds = a.decisions.map((d) => JSON.parse(d) as { disposition: string; rule: string | null });
    expect(kinds.map((d) => `${d.disposition} ${d.rule}`).sort()).toEqual([...Array(5).fill('ordered null'), 'skipped min_size',
      'skipped min_size', 'skipped slippage']);
    expect(a.orders.map((o) => [o.side, o.limit_price, o.status])).toEqual([['BUY', '0.500000', 'filled'],
      ['BUY', '0.500000', 'filled'], ['BUY', '0.490000', 'filled'], ['SELL', '0.480000', 'filled'], ['BUY', '0.490000', 'filled']]);

    // Without the cache every decision reads GET /book; with it, the first (the market was not watched) and the one
    // decided while the channel was down do, and the others are served from memory (a stall of the event loop on a
    // loaded machine longer than staleMs may send one to REST: that is the cache refusing, as it must)
    expect(plain.steps.map((s) => s.restBooks)).toEqual(plain.steps.map((s) => s.signals));
    expect(cached.steps.map((s) => s.signals)).toEqual(plain.steps.map((s) => s.signals));
    const rest = cached.steps.map((s) => s.restBooks);
    expect([rest[0], rest[3]]).toEqual([1, 1]);
    const others = [1, 2, 4, 5].map((i) => cached.steps[i]!);
    const stats = cached.cached!.bookCacheStats();
    expect(others.reduce((n, s) => n + s.restBooks, 0), JSON.stringify(stats)).toBeLessThan(others.reduce((n, s) => n + s.signals, 0));
    expect(stats.misses.unwatched).toBe(1);
    expect(stats.connects).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
