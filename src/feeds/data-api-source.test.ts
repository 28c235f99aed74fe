// @backend-independent
/** Data API TradeSource and leaderboard against a scripted loopback Data API */
import { afterEach, describe, expect, it } from 'vitest';
import type { FollowedTrader } from '../engine/ports.ts';
import { createDataApiTradeSource, fetchLeaderboard } from './data-api-source.ts';
import { startLoopback, type Handler, type LoopbackServer, type Reply, type SeenRequest } from './loopback-server.ts';

let server: LoopbackServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const T0 = 1_780_000_000; // unix seconds of each trader's newest trade
const ALICE = '0x00000000000000000000000000000000000000a1';
const BOB = '0x00000000000000000000000000000000000000b2';
const FAST = { baseDelayMs: 1, maxAttempts: 3 };

interface Row {
  proxyWallet: string;
  timestamp: number;
  transactionHash: string;
  side: string;
  asset: string;
  conditionId: string;
  price: number;
  size: number;
}

/** `count` trades, newest first, one a minute back from T0 */
const history = (user: string, count: number): Row[] =>
  Array.from({ length: count }, (_, i) => ({
    proxyWallet: user, timestamp: T0 - i * 60, transactionHash: `0x${user.slice(-2)}${i}`, side: 'BUY', asset: '1001',
    conditionId: '0xc1', price: 0.5, size: 10,
  }));

/** Serves /trades and /activity pages from per-user histories, like the Data API (offset/limit, start filter) */
function dataApi(histories: Record<string, Row[]>, override?: (req: SeenRequest) => Reply | null): Handler {
  return (req) => {
    const special = override?.(req);
    if (special) return special;
    const user = req.query.get('user') ?? '';
    const limit = Number(req.query.get('limit'));
    const offset = Number(req.query.get('offset'));
    const start = req.query.has('start') ? Number(req.query.get('start')) : 0;
    if (req.path !== '/trades' && req.path !== '/activity') return { status: 404, body: { error: 'no route' } };
    const rows = (histories[user] ?? []).filter((r) => r.timestamp >= start);
    const page = rows.slice(offset, offset + limit);
    return { body: req.path === '/activity' ? page.map((r) => ({ ...r, type: 'TRADE' })) : page };
  };
}

const follow = (address: string, since: number | null, targeted = false): FollowedTrader => ({
  address, targeted, since: since === null ? null : new Date(since * 1000),
});

describe('createDataApiTradeSource', () => {
  it('pages back to the watermark minus the overlap and no further', async () => {
    server = await startLoopback(dataApi({ [ALICE]: history(ALICE, 250) }));
    const source = createDataApiTradeSource({ baseUrl: server.baseUrl, pageSize: 50, http: FAST });
    const since = T0 - 100 * 60; // overlap 10 min: cutoff is T0 − 110 min
    const res = await source.fetchTrades([follow(ALICE, since)]);
    expect(server.requests.map((r) => r.query.get('offset'))).toEqual(['0', '50', '100']);
    expect(res.trades).toHaveLength(150);
    expect(res.refused).toEqual([]);
    expect(res.errors).toEqual([]);
    expect(res.requests).toBe(3);
    const times = res.trades.map((t) => t.time.getTime() / 1000);
    // older than the watermark but inside the overlap: still returned
    expect(times).toContain(T0 - 105 * 60);
    expect(server.requests[0]!.path).toBe('/trades');
    expect(server.requests[0]!.query.get('takerOnly')).toBe('false');
    expect(server.requests[0]!.query.get('limit')).toBe('50');
    expect(server.requests[0]!.query.has('start')).toBe(false);
  });

  it('stops at a short page', async () => {
    server = await startLoopback(dataApi({ [ALICE]: history(ALICE, 120) }));
    const source = createDataApiTradeSource({ baseUrl: server.baseUrl, pageSize: 50, http: FAST });
    const res = await source.fetchTrades([follow(ALICE, null)]);
    expect(res.trades).toHaveLength(120);
    expect(server.requests).toHaveLength(3);
  });

  it('waits out a 429 with Retry-After: 0 and then succeeds', async () => {
    let limited = false;
    server = await startLoopback(
      dataApi({ [ALICE]: history(ALICE, 3) }, () => {
        if (limited) return null;
        limited = true;
        return { status: 429, headers: { 'retry-after': '0' }, body: { error: 'slow down' } };
      }),
    );
    const sleeps: number[] = [];
    const sleep = async (ms: number): Promise<void> => void sleeps.push(ms);
    const source = createDataApiTradeSource({ baseUrl: server.baseUrl, http: { ...FAST, baseDelayMs: 1000, sleep } });
    const res = await source.fetchTrades([follow(ALICE, null)]);
    expect(res.trades).toHaveLength(3);
    expect(res.errors).toEqual([]);
    expect(res.requests).toBe(2);
    expect(sleeps).toEqual([0]);
  });

  it('reports a trader whose requests always fail and still returns the others', async () => {
    server = await startLoopback(
      dataApi({ [BOB]: history(BOB, 7) }, (req) => (req.query.get('user') === ALICE ? { status: 500, body: 'boom' } : null)),
    );
    const source = createDataApiTradeSource({ baseUrl: server.baseUrl, http: FAST });
    const res = await source.fetchTrades([follow(ALICE, null), follow(BOB, null, true)]);
    expect(res.trades).toHaveLength(7);
    expect(res.trades.every((t) => t.trader === BOB)).toBe(true);
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0]).toMatchObject({ trader: ALICE, endpoint: '/trades' });
    expect(res.errors[0]!.error).toMatch(/HTTP 500/);
    expect(res.requests).toBe(4); // three attempts for Alice, one page for Bob
  });

  it('discards a trader’s earlier pages when a later page fails', async () => {
    server = await startLoopback(
      dataApi({ [ALICE]: history(ALICE, 30) }, (req) => (req.query.get('offset') === '10' ? { status: 503, body: '' } : null)),
    );
    const source = createDataApiTradeSource({ baseUrl: server.baseUrl, pageSize: 10, http: FAST });
    const res = await source.fetchTrades([follow(ALICE, null)]);
    expect(res).toMatchObject({ trades: [], refused: [] });
    expect(res.errors[0]!.error).toMatch(/offset 10: .*10 rows from earlier pages discarded/);
  });

  it('keeps at most `concurrency` traders in flight', async () => {
    const traders = Array.from({ length: 10 }, (_, i) => `0x${String(i).padStart(40, '0')}`);
    const histories = Object.fromEntries(traders.map((t) => [t, history(t, 2)]));
    const slow = dataApi(histories);
    server = await startLoopback(async (req) => ({ ...(await slow(req)), delayMs: 25 }));
    const source = createDataApiTradeSource({ baseUrl: server.baseUrl, concurrency: 3, http: FAST });
    const res = await source.fetchTrades(traders.map((t) => follow(t, null)));
    expect(res.trades).toHaveLength(20);
    expect(server.requests).toHaveLength(10);
    expect(server.maxInFlight).toBe(3);
  });

  it('reads targeted traders through /activity with a start parameter', async () => {
    server = await startLoopback(dataApi({ [ALICE]: history(ALICE, 100) }));
    const source = createDataApiTradeSource({ baseUrl: server.baseUrl, pageSize: 25, overlapMs: 5 * 60_000, http: FAST });
    const since = T0 - 30 * 60;
    const res = await source.fetchTrades([follow(ALICE.toUpperCase().replace('0X', '0x'), since, true)]);
    const first = server.requests[0]!;
    expect(first.path).toBe('/activity');
    expect(first.query.get('user')).toBe(ALICE);
    expect(first.query.get('type')).toBe('TRADE');
    expect(first.query.get('sortBy')).toBe('TIMESTAMP');
    expect(first.query.get('sortDirection')).toBe('DESC');
    expect(first.query.get('start')).toBe(String(since - 5 * 60));
    expect(res.trades).toHaveLength(36); // minutes 0..35 inclusive
    expect(server.requests.map((r) => r.query.get('offset'))).toEqual(['0', '25']);
  });

  it('never asks for an offset above 10000 and reports truncation when the watermark was not reached', async () => {
    const rows = history(ALICE, 1);
    server = await startLoopback(({ query }) => {
      const limit = Number(query.get('limit'));
      return { body: Array.from({ length: limit }, () => rows[0]) };
    });
    const source = createDataApiTradeSource({ baseUrl: server.baseUrl, pageSize: 4000, http: FAST });
    const res = await source.fetchTrades([follow(ALICE, T0 - 86_400)]);
    expect(server.requests.map((r) => r.query.get('offset'))).toEqual(['0', '4000', '8000']);
    expect(res.trades).toHaveLength(12_000);
    expect(res.errors[0]!.error).toMatch(/^truncated/);
  });

  it('stops at maxPages', async () => {
    server = await startLoopback(dataApi({ [ALICE]: history(ALICE, 100) }));
    const source = createDataApiTradeSource({ baseUrl: server.baseUrl, pageSize: 10, maxPages: 2, http: FAST });
    const res = await source.fetchTrades([follow(ALICE, null)]);
    expect(res.trades).toHaveLength(20);
    expect(res.errors).toEqual([]); // no watermark: the newest pages are all we want
  });
});

describe('fetchLeaderboard', () => {
  it('collects lower-cased unique wallets, each page failing on its own', async () => {
    server = await startLoopback(({ path, query }) => {
      if (path !== '/v1/leaderboard') return { status: 404, body: {} };
      const offset = Number(query.get('offset'));
      if (offset === 2) return { status: 500, body: 'bad page' };
      const wallets = offset === 0 ? ['0xAA', '0xbb'] : ['0xBB', '0xcc'];
      return { body: wallets.map((proxyWallet, i) => ({ rank: String(offset + i + 1), proxyWallet, pnl: 1 })) };
    });
    const res = await fetchLeaderboard(
      server.baseUrl, { timePeriod: 'week', orderBy: 'PNL', pages: 3, pageSize: 2 }, { baseDelayMs: 1, maxAttempts: 2 },
    );
    expect(res.wallets).toEqual(['0xaa', '0xbb', '0xcc']);
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0]).toMatchObject({ trader: null, endpoint: '/v1/leaderboard' });
    const q = server.requests[0]!.query;
    expect([q.get('timePeriod'), q.get('orderBy'), q.get('limit'), q.get('category')]).toEqual(['week', 'PNL', '2', 'overall']);
    expect(server.requests.map((r) => r.query.get('offset'))).toEqual(['0', '2', '2', '4']);
  });
});
