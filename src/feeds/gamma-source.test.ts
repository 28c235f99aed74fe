// @backend-independent
/** Gamma MarketSource against a loopback Gamma: batching, retry with backoff, failing batches, bad markets */
import { afterEach, describe, expect, it } from 'vitest';
import { createGammaMarketSource } from './gamma-source.ts';
import { startLoopback, type LoopbackServer } from './loopback-server.ts';

let server: LoopbackServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const cid = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;
const gammaMarket = (conditionId: string): Record<string, unknown> => ({
  id: '1', question: `Q ${conditionId.slice(-4)}?`, conditionId, slug: `q-${conditionId.slice(-4)}`,
  outcomes: '["Yes", "No"]', outcomePrices: '["1", "0"]', clobTokenIds: '["111", "222"]',
  closed: true, umaResolutionStatus: 'resolved', closedTime: '2026-05-09 02:07:01+00', orderPriceMinTickSize: 0.01,
});

describe('createGammaMarketSource', () => {
  it('retries a flaky batch, reports a dead one, and still returns the good markets', async () => {
    const [a1, a2, b1, b2] = [cid(1), cid(2), cid(3), cid(4)];
    let flakyCalls = 0;
    server = await startLoopback(({ path, query }) => {
      const ids = query.getAll('condition_ids');
      if (path !== '/markets') return { status: 404, body: {} };
      if (ids.includes(b1!)) return { status: 500, body: 'dead' };
      if (++flakyCalls <= 3) return { status: 500, body: 'flaky' };
      return { body: ids.map(gammaMarket) };
    });
    const source = createGammaMarketSource({
      baseUrl: server.baseUrl, batchSize: 2, http: { baseDelayMs: 1, maxAttempts: 4 },
    });
    const res = await source.getMarkets([a1!, a2!.toUpperCase().replace('0X', '0x'), b1!, b2!]);
    expect(res.markets.map((m) => m.conditionId).sort()).toEqual([a1, a2]);
    expect(res.markets[0]!.closedTime).toEqual(new Date('2026-05-09T02:07:01Z'));
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0]).toMatchObject({ trader: null, endpoint: '/markets' });
    expect(res.errors[0]!.error).toMatch(/HTTP 500/);
    expect(flakyCalls).toBe(4);
    expect(server.requests).toHaveLength(8);
    expect(source.requests).toBe(8);
    const batches = server.requests.map((r) => r.query.getAll('condition_ids').join(','));
    expect(new Set(batches)).toEqual(new Set([`${a1},${a2}`, `${b1},${b2}`]));
  });

  it('reports unparseable markets and drops ones not asked for', async () => {
    server = await startLoopback(({ query }) => {
      const ids = query.getAll('condition_ids');
      return { body: [gammaMarket(ids[0]!), { ...gammaMarket(ids[1]!), outcomes: '["Yes"' }, gammaMarket(cid(99))] };
    });
    const source = createGammaMarketSource({ baseUrl: `${server.baseUrl}/`, http: { baseDelayMs: 1 } });
    const res = await source.getMarkets([cid(1), cid(2), cid(1)]);
    expect(res.markets.map((m) => m.conditionId)).toEqual([cid(1)]);
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0]!.error).toContain(cid(2));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.query.getAll('condition_ids')).toEqual([cid(1), cid(2)]);
  });

  it('reports a body that is not an array and makes no request for no ids', async () => {
    server = await startLoopback(() => ({ body: { error: 'weird' } }));
    const source = createGammaMarketSource({ baseUrl: server.baseUrl });
    expect(await source.getMarkets([])).toEqual({ markets: [], errors: [] });
    const res = await source.getMarkets([cid(5)]);
    expect(res.errors[0]!.error).toMatch(/not an array/);
  });
});
