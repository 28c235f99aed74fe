// @backend-independent
/** Each fault knob, set through POST /_sim/faults (and the CLI flag parser), as the official client experiences it */
import { OrderType, Side } from '@polymarket/clob-client-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulateOptions } from '../../cli/simulate-command.ts';
import { startSimServer, type SimServer } from './server.ts';
import { Collector, tradingClient, until, type TradingClient } from './testing.ts';
import { dec } from './util.ts';

let server: SimServer;
let alice: TradingClient;
let yes: string;

const setFaults = async (body: Record<string, unknown>) => {
  const res = await fetch(`${server.url}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
};
const crossingBuy = async (size = 5) => {
  const ask = server.exchange.book(yes).asks[0]!.price;
  return alice.client.createOrder({ tokenID: yes, price: Number(dec(ask)), size, side: Side.BUY });
};

beforeAll(async () => {
  server = await startSimServer({ port: 0, seed: 5, mineAfterMs: 0, confirmAfterMs: 0, tickMs: 20 });
  yes = server.exchange.markets()[0]!.tokens[0]!.tokenId;
  alice = await tradingClient(server.url);
});
afterEach(async () => {
  await setFaults({ reset: true });
});
afterAll(async () => server.close());

describe('HTTP faults', () => {
  it('adds latency to every answer', async () => {
    await setFaults({ latencyMs: 150 });
    const started = Date.now();
    expect(await alice.client.getOk()).toBe('OK');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers a seeded share of requests 500, and all of them at rate 1', async () => {
    await setFaults({ errorRate: 1 });
    expect(await alice.client.getOrderBook(yes)).toEqual({ error: 'Internal server error', status: 500 });
    await setFaults({ errorRate: 0.5 });
    const statuses = await Promise.all(Array.from({ length: 40 }, () => fetch(`${server.url}/ok`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(5);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(5);
  });

  it('answers the next N requests 429, then recovers', async () => {
    await setFaults({ burst429: 2 });
    expect(await alice.client.getOk()).toEqual({ error: 'Too Many Requests', status: 429 });
    const res = await fetch(`${server.url}/ok`);
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '1']);
    expect(await alice.client.getOk()).toBe('OK');
  });

  it('answers Cloudflare\'s HTML 403 page when blocked', async () => {
    await setFaults({ blocked403: 1 });
    const res = await fetch(`${server.url}/ok`);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Cloudflare');
  });

  it('executes a POST /order and drops the connection without answering', async () => {
    await setFaults({ dropOrderResponses: 1 });
    const order = await alice.client.createOrder({ tokenID: yes, price: 0.05, size: 5, side: Side.BUY });
    const res = (await alice.client.postOrder(order, OrderType.GTC)) as unknown as { error: string };
    expect(res.error).toMatch(/socket hang up|ECONNRESET/);
    const open = await alice.client.getOpenOrders();
    expect(open).toHaveLength(1);
    expect(await alice.client.postOrder(order, OrderType.GTC)).toMatchObject({
      status: 400, error: "order is invalid. Duplicated. Same order has already been placed, can't be placed again",
    });
    await alice.client.cancelAll();
  });

  it('keeps trades MATCHED without a hash during the settle delay, so the client polls /data/trades?id=', async () => {
    await setFaults({ settleDelayMs: 600 });
    const ws = await Collector.open(`${server.wsUrl}/ws/user`);
    ws.send({ auth: { apiKey: alice.creds.key, secret: alice.creds.secret, passphrase: alice.creds.passphrase }, markets: [], type: 'user' });
    await new Promise((r) => setTimeout(r, 50));
    const order = await crossingBuy();
    const started = Date.now();
    const posted = await alice.client.postOrder(order, OrderType.GTC);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThan(5000);
    expect(posted.transactionsHashes).toHaveLength(1);
    const matched = await ws.waitFor((m) => m.event_type === 'trade' && m.status === 'MATCHED');
    expect(matched.transaction_hash).toBe('');
    const mined = await ws.waitFor((m) => m.event_type === 'trade' && m.status === 'MINED');
    expect(mined.transaction_hash).toBe(posted.transactionsHashes![0]);
    ws.close();
  });

  it('refuses new orders with 503 in cancel-only mode but still cancels', async () => {
    const resting = await alice.client.postOrder(
      await alice.client.createOrder({ tokenID: yes, price: 0.03, size: 5, side: Side.BUY }), OrderType.GTC);
    await setFaults({ cancelOnly: true });
    expect(await alice.client.postOrder(await crossingBuy(), OrderType.GTC)).toEqual({
      error: 'Trading is currently cancel-only. New orders are not accepted, but cancels are allowed.', status: 503,
    });
    expect(await alice.client.cancelOrder({ orderID: resting.orderID })).toEqual({ canceled: [resting.orderID], not_canceled: {} });
    await setFaults({ cancelOnly: false });
    expect((await alice.client.postOrder(await crossingBuy(), OrderType.GTC)).status).toBe('matched');
  });

  it('refuses unknown knobs and bad values', async () => {
    const res = await fetch(`${server.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 2 }) });
    expect(res.status).toBe(400);
    expect((await fetch(`${server.url}/_sim/faults`, { method: 'POST', body: '{"nope":1}' })).status).toBe(400);
  });
});

describe('stream faults', () => {
  it('silences every WebSocket (no book, no PONG) until switched off', async () => {
    await setFaults({ streamSilence: true });
    const ws = await Collector.open(`${server.wsUrl}/ws/market`);
    ws.send({ assets_ids: [yes], type: 'market' });
    ws.send('PING');
    await new Promise((r) => setTimeout(r, 150));
    expect(ws.raw).toEqual([]);
    await setFaults({ streamSilence: false });
    ws.send('PING');
    expect(await until(() => ws.raw.find((r) => r === 'PONG'))).toBe('PONG');
    ws.close();
  });

  it('sends every frame twice while duplicating', async () => {
    await setFaults({ duplicateStreamMessages: true });
    const ws = await Collector.open(`${server.wsUrl}/ws/market`);
    ws.send('PING');
    expect(await until(() => (ws.raw.filter((r) => r === 'PONG').length === 2 ? true : undefined))).toBe(true);
    await setFaults({ duplicateStreamMessages: false });
    ws.send('PING');
    expect(await until(() => (ws.raw.filter((r) => r === 'PONG').length === 3 ? true : undefined))).toBe(true);
    ws.close();
  });

  it('disconnects every WebSocket on request', async () => {
    const ws = await Collector.open(`${server.wsUrl}/ws/market`);
    const closed = new Promise<void>((resolve) => ws.ws.once('close', () => resolve()));
    await setFaults({ disconnectStreams: true });
    await closed;
  });
});

describe('CLI flags', () => {
  it('turns fault flags into server options and refuses bad values', () => {
    expect(simulateOptions({
      port: '0', seed: '9', fund: '250.5', 'latency-ms': '20', 'error-rate': '0.1', 'burst-429': '3',
      'drop-order-responses': '1', 'settle-delay-ms': '500', 'cancel-only': true, 'stream-silence': true,
      'duplicate-stream-messages': true,
    })).toEqual({
      port: 0, seed: 9, fund: '250.5',
      faults: { latencyMs: 20, errorRate: 0.1, burst429: 3, dropOrderResponses: 1, settleDelayMs: 500, cancelOnly: true, streamSilence: true,
        duplicateStreamMessages: true },
    });
    expect(() => simulateOptions({ 'error-rate': '2' })).toThrow(/errorRate/);
    expect(() => simulateOptions({ port: 'x' })).toThrow(/--port/);
  });

  it('starts a server with faults from options', async () => {
    const other = await startSimServer({ port: 0, faults: { burst429: 1 } });
    try {
      expect((await fetch(`${other.url}/ok`)).status).toBe(429);
      expect((await fetch(`${other.url}/ok`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
