// @backend-independent
/** The `/_sim` control routes and the seeded defaults: same seed, same markets, books and keys */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePrivateKey } from 'viem/accounts';
import { MARKET_MAKER } from './markets.ts';
import { startSimServer, type SimServer } from './server.ts';
import { tradingClient } from './testing.ts';

let server: SimServer;

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  server = await startSimServer({ port: 0, seed: 21 });
});
afterAll(async () => server.close());

describe('seeded defaults', () => {
  it('gives the same markets, books and API keys for the same seed, and other books for another seed', async () => {
    const key = generatePrivateKey();
    const twin = await startSimServer({ port: 0, seed: 21 });
    const other = await startSimServer({ port: 0, seed: 22 });
    try {
      const books = (s: SimServer) => s.exchange.markets().map((m) => m.tokens.map((t) => s.exchange.book(t.tokenId)));
      expect(twin.exchange.markets().map((m) => m.conditionId)).toEqual(server.exchange.markets().map((m) => m.conditionId));
      expect(books(twin)).toEqual(books(server));
      expect(books(other)).not.toEqual(books(server));
      expect((await tradingClient(twin.url, key)).creds).toEqual((await tradingClient(server.url, key)).creds);
      expect(server.exchange.markets()).toHaveLength(3);
      for (const m of server.exchange.markets()) {
        const [yes, no] = m.tokens.map((t) => server.exchange.book(t.tokenId));
        expect(yes!.bids).toHaveLength(5);
        expect(no!.asks[0]!.price).toBe(1_000_000n - yes!.bids[0]!.price);
      }
    } finally {
      await twin.close();
      await other.close();
    }
  });
});

describe('control routes', () => {
  it('adds a market with a Yes book and seeds more liquidity on a token', async () => {
    const added = await post('/_sim/markets', { question: 'Will the admin test pass?', tickSize: '0.001', bids: [['0.401', 50]], asks: [['0.455', '20']] });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ question: 'Will the admin test pass?', minimum_tick_size: 0.001, accepting_orders: true });
    const yes = (added.body.tokens as { token_id: string }[])[0]!.token_id;
    const seeded = await post('/_sim/seed-book', { tokenId: yes, bids: [[0.402, 10]], asks: [] });
    expect(seeded.body.results).toEqual([expect.objectContaining({ ok: true, status: 'live' })]);
    const book = seeded.body.book as { bids: { price: string; size: string }[]; asks: { price: string }[] };
    expect(book.bids).toEqual([{ price: '0.401', size: '50' }, { price: '0.402', size: '10' }]);
    expect(book.asks).toEqual([{ price: '0.455', size: '20' }]);
    expect(server.exchange.openOrders(MARKET_MAKER).length).toBeGreaterThan(0);
    const refused = await post('/_sim/seed-book', { tokenId: yes, bids: [['0.4015', 10]] });
    expect(refused.body.results).toEqual([{ ok: false, error: 'order is invalid. Price breaks minimum tick size rules' }]);
  });

  it('credits holdings, resolves markets and refuses bad bodies', async () => {
    const m = server.exchange.markets()[1]!;
    expect((await post('/_sim/credit', { account: '0xAbC0000000000000000000000000000000000001', asset: m.tokens[0]!.tokenId, amount: '12.5' })).body)
      .toMatchObject({ total: '12500000', available: '12500000' });
    expect((await post('/_sim/resolve', { conditionId: m.conditionId, payouts: ['0.5', '0.5'] })).body).toMatchObject({ closed: true });
    // Resolution pays nobody: the holder keeps its tokens until it redeems them (POST /rpc), here directly
    const holder = '0xabc0000000000000000000000000000000000001';
    expect(server.exchange.balance(holder, 'USDC').total).toBe(0n);
    expect(server.exchange.balance(holder, m.tokens[0]!.tokenId).total).toBe(12_500_000n);
    expect(server.exchange.redeem(holder, m.conditionId, null).paid).toBe(6_250_000n);
    expect(server.exchange.balance(holder, 'USDC').total).toBe(6_250_000n);
    expect((await post('/_sim/resolve', { conditionId: m.conditionId, winner: 0 })).status).toBe(400);
    expect((await post('/_sim/markets', { tickSize: '0.01' })).status).toBe(400);
    expect((await post('/_sim/seed-book', { tokenId: '1' })).status).toBe(400);
  });
});
