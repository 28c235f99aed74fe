// @backend-independent
/**
 * The market channel's books against the loopback simulator: they equal GET /book after snapshots, deltas (levels
 * added, grown, cancelled) and trades; a dropped or silent channel serves nothing until it is back; and, against a
 * scripted loopback channel, a delta that disagrees with the venue's best bid/ask or cannot be read re-subscribes the
 * book and serves nothing until the fresh snapshot, a crossed book is never served, and the least recently read asset
 * is dropped past the limit
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Log } from '../engine/ports.ts';
import { startSimServer, type SimServer } from '../sim/server/server.ts';
import { toBookSnapshot } from '../venues/polymarket/translate.ts';
import { MarketBooks, type BookMiss, type BookRead, type MarketBooksOptions } from './market-books.ts';

const quiet: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Polls (every 20 ms, up to `ms`) until `fn` returns something other than undefined */
async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function books(url: string, over: Partial<MarketBooksOptions> = {}): MarketBooks {
  const b = new MarketBooks({ url, log: quiet, reconnectMs: 20, maxReconnectMs: 200, ...over });
  cleanups.push(() => b.close());
  return b;
}

const missOf = (r: BookRead): BookMiss | null => (r.ok ? null : r.miss);

describe('market books on the loopback simulator', () => {
  let server: SimServer;
  let yes: string;

  async function start(): Promise<void> {
    server = await startSimServer({ port: 0, seed: 5, tickMs: 20 });
    cleanups.push(() => server.close());
    yes = server.exchange.markets()[1]!.tokens[0]!.tokenId;
  }

  const restBook = async () => {
    const res = await fetch(`${server.url}/book?token_id=${yes}`);
    const { bids, asks } = toBookSnapshot(await res.json(), new Date());
    return { bids, asks };
  };

  /** Waits until the cache serves exactly what GET /book answers (the channel may lag the REST read by a message) */
  const matchesRest = (b: MarketBooks) => until(async () => {
    const read = b.read(yes);
    if (!read.ok) return undefined;
    const rest = await restBook();
    return JSON.stringify({ bids: read.bids, asks: read.asks }, big) === JSON.stringify(rest, big) ? read : undefined;
  }, 'the cached book equals GET /book');

  it('equals GET /book after the snapshot, level deltas, cancels and a trade, with no re-subscription', async () => {
    await start();
    const b = books(`${server.wsUrl}/ws/market`);
    expect(missOf(b.read(yes))).toBe('unwatched'); // the first read watches it
    const first = await matchesRest(b);
    expect(first.ok && first.asks.length + first.bids.length).toBeGreaterThan(0);
    // Deltas only (nothing crosses): new levels, a level grown, then cancelled
    const placed = server.seedBook(yes, [['0.05', '7'], ['0.06', '5']], [['0.95', '11'], ['0.94', '6.5']]);
    await matchesRest(b);
    server.seedBook(yes, [['0.05', '5']], []);
    await matchesRest(b);
    for (const p of placed) if (p.ok) server.exchange.cancel(p.order.account, p.order.orderId);
    const afterCancel = await matchesRest(b);
    expect(afterCancel.ok && afterCancel.bids.some((l) => l.price === 50_000n)).toBe(true); // the 5 shares still rest
    // A trade: the best ask is taken (the channel sends a fresh snapshot after trades)
    const ask = server.exchange.book(yes).asks[0]!;
    server.exchange.credit('taker', 'USDC', 10n ** 12n);
    const taken = server.exchange.place({ orderId: 'taker-1', account: 'taker', tokenId: yes, side: 'BUY', price: ask.price,
      size: ask.size, orderType: 'FAK' });
    expect(taken.ok && taken.trades.length).toBeGreaterThan(0);
    await matchesRest(b);
    expect(b.stats()).toMatchObject({ connects: 1, resyncs: 0 });
    expect(b.stats().served).toBeGreaterThan(4);
  }, 60_000);

  it('a dropped connection serves nothing until it is made again, with a fresh snapshot of what changed meanwhile', async () => {
    await start();
    const b = books(`${server.wsUrl}/ws/market`);
    b.read(yes);
    await matchesRest(b);
    server.dropStreams();
    expect(await until(() => (missOf(b.read(yes)) === 'disconnected' ? true : undefined), 'disconnected')).toBe(true);
    server.seedBook(yes, [['0.07', '9']], []); // changes while down reach us only as the new connection's snapshot
    const back = await matchesRest(b);
    expect(back.ok && back.bids.some((l) => l.price === 70_000n)).toBe(true);
    expect(b.stats().connects).toBe(2);
  }, 60_000);

  it('a silent channel (no message, no PONG) is stale past staleMs, and the socket made again: the delta sent meanwhile is not lost', async () => {
    await start();
    const b = books(`${server.wsUrl}/ws/market`, { staleMs: 300, pingMs: 50 });
    b.read(yes);
    await matchesRest(b);
    await fetch(`${server.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ streamSilence: true }) });
    server.seedBook(yes, [['0.08', '6']], []); // this delta is never sent
    await until(() => (missOf(b.read(yes)) === 'stale' ? true : undefined), 'stale');
    await fetch(`${server.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ reset: true }) });
    const back = await matchesRest(b);
    expect(back.ok && back.bids.some((l) => l.price === 80_000n)).toBe(true);
    expect(b.stats().misses.stale).toBeGreaterThan(0);
    expect(b.stats().connects).toBeGreaterThanOrEqual(2); // a silence past staleMs is a gap: the socket was made again
  }, 60_000);
});

/** A scripted market channel on 127.0.0.1: records what clients send, sends what the test says */
async function scriptedChannel() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((done) => wss.once('listening', () => done()));
  const received: Record<string, unknown>[] = [];
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (data) => {
      const text = String(data);
      if (text === 'PING') ws.send('PONG');
      else received.push(JSON.parse(text) as Record<string, unknown>);
    });
  });
  cleanups.push(() => new Promise<void>((done) => {
    for (const s of wss.clients) s.terminate();
    wss.close(() => done());
  }));
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    received,
    send: (message: unknown) => sockets.at(-1)!.send(typeof message === 'string' ? message : JSON.stringify(message)),
  };
}

const bookMsg = (asset: string, bids: [string, string][], asks: [string, string][]) => ({
  event_type: 'book', asset_id: asset, market: '0xm', timestamp: '1', hash: '0x1',
  bids: bids.map(([price, size]) => ({ price, size })), asks: asks.map(([price, size]) => ({ price, size })),
});
const change = (asset: string, price: string, size: string, side: 'BUY' | 'SELL', best: [string, string]) => ({
  event_type: 'price_change', market: '0xm', timestamp: '2',
  price_changes: [{ asset_id: asset, price, size, side, hash: '0x2', best_bid: best[0], best_ask: best[1] }],
});

describe('market books: consistency checks on a scripted channel', () => {
  it('a delta that disagrees with the venue\'s best bid/ask re-subscribes the book; served again from the fresh snapshot', async () => {
    const ch = await scriptedChannel();
    const b = books(ch.url);
    b.read('A');
    await until(() => (ch.received.length > 0 ? true : undefined), 'subscribed');
    expect(ch.received[0]).toMatchObject({ assets_ids: ['A'], type: 'market' });
    ch.send(bookMsg('A', [['0.40', '10']], [['0.60', '10']]));
    await until(() => (b.read('A').ok ? true : undefined), 'served');
    ch.send(change('A', '0.45', '5', 'BUY', ['0.45', '0.60'])); // agrees
    const agreed = await until(() => { const r = b.read('A'); return r.ok && r.bids[0]!.price === 450_000n ? r : undefined; }, 'delta');
    expect(agreed.ok).toBe(true);
    ch.send(change('A', '0.41', '5', 'BUY', ['0.47', '0.60'])); // the venue's best bid is 0.47: we missed a message
    await until(() => (missOf(b.read('A')) === 'inconsistent' ? true : undefined), 'inconsistent');
    await until(() => (ch.received.some((m) => m.operation === 'subscribe') ? true : undefined), 're-subscribed');
    expect(ch.received.slice(1)).toEqual([{ assets_ids: ['A'], operation: 'unsubscribe' }, { assets_ids: ['A'], operation: 'subscribe' }]);
    ch.send(change('A', '0.46', '1', 'BUY', ['0.47', '0.60'])); // still not served: waiting for the snapshot
    await new Promise((r) => setTimeout(r, 100));
    expect(missOf(b.read('A'))).toBe('inconsistent');
    ch.send(bookMsg('A', [['0.47', '3'], ['0.40', '10']], [['0.60', '10']]));
    const fresh = await until(() => { const r = b.read('A'); return r.ok ? r : undefined; }, 'fresh snapshot');
    expect(fresh.ok && fresh.bids.map((l) => l.price)).toEqual([470_000n, 400_000n]);
    expect(b.stats().resyncs).toBe(1);
  }, 30_000);

  it('an unreadable price change re-subscribes the books it names; an unattributable frame makes the socket again', async () => {
    const ch = await scriptedChannel();
    const b = books(ch.url);
    b.read('A');
    await until(() => (ch.received.length > 0 ? true : undefined), 'subscribed');
    ch.send(bookMsg('A', [['0.40', '10']], [['0.60', '10']]));
    await until(() => (b.read('A').ok ? true : undefined), 'served');
    ch.send({ event_type: 'price_change', market: '0xm', price_changes: [{ asset_id: 'A', price: '0.4000001', size: '1', side: 'BUY' }] });
    await until(() => (missOf(b.read('A')) === 'inconsistent' ? true : undefined), 'inconsistent');
    ch.send(bookMsg('A', [['0.40', '10']], [['0.60', '10']]));
    await until(() => (b.read('A').ok ? true : undefined), 'served again');
    ch.send('{not json');
    await until(() => (b.stats().connects === 2 ? true : undefined), 'reconnected');
    expect(missOf(b.read('A'))).toBe('no_snapshot'); // a new connection knows nothing until its snapshot
  }, 30_000);

  it('a snapshot that does not come is asked for again; the book is served once it comes', async () => {
    const ch = await scriptedChannel();
    const b = books(ch.url, { staleMs: 300, pingMs: 50 });
    b.read('A');
    await until(() => (ch.received.length > 0 ? true : undefined), 'subscribed');
    await until(() => (ch.received.some((m) => m.operation === 'subscribe') ? true : undefined), 'asked again');
    expect(ch.received.slice(1, 3)).toEqual([{ assets_ids: ['A'], operation: 'unsubscribe' }, { assets_ids: ['A'], operation: 'subscribe' }]);
    expect(missOf(b.read('A'))).toBe('no_snapshot');
    ch.send(bookMsg('A', [['0.40', '10']], [['0.60', '10']]));
    await until(() => (b.read('A').ok ? true : undefined), 'served');
    const asked = ch.received.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(ch.received.length).toBe(asked); // not asked again once it came
  }, 30_000);

  it('never serves a crossed book; drops the least recently read asset past maxAssets', async () => {
    const ch = await scriptedChannel();
    const b = books(ch.url, { maxAssets: 2 });
    b.read('A');
    await until(() => (ch.received.length > 0 ? true : undefined), 'subscribed');
    ch.send([bookMsg('A', [['0.60', '1']], [['0.55', '1']])]);
    await until(() => (missOf(b.read('A')) === 'inconsistent' ? true : undefined), 'crossed');
    b.read('B');
    b.read('A');
    b.read('C'); // B is the least recently read
    await until(() => (ch.received.some((m) => m.operation === 'unsubscribe') ? true : undefined), 'unsubscribed');
    expect(ch.received.find((m) => m.operation === 'unsubscribe')).toEqual({ assets_ids: ['B'], operation: 'unsubscribe' });
    expect(missOf(b.read('B'))).toBe('unwatched');
    // A dropped book is not served from what it was when dropped: only from its next snapshot
    ch.send(bookMsg('C', [['0.40', '1']], [['0.60', '1']]));
    await until(() => (b.read('C').ok ? true : undefined), 'C served');
    b.read('A');
    b.read('B'); // watched again: C, now the least recently read, is dropped
    expect(missOf(b.read('C'))).toBe('unwatched');
    expect(missOf(b.read('C'))).toBe('no_snapshot');
    ch.send(bookMsg('C', [['0.41', '1']], [['0.60', '1']]));
    const c = await until(() => { const r = b.read('C'); return r.ok ? r : undefined; }, 'C served again');
    expect(c.ok && c.bids[0]!.price).toBe(410_000n);
  }, 30_000);
});

function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
