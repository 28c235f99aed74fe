// @backend-independent
/** Data API, Gamma and RTDS routes in their real shapes, fed by published source trades and by source traders' fills */
import { OrderType, Side } from '@polymarket/clob-client-v2';
import { RealTimeDataClient, type Message } from '@polymarket/real-time-data-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCALE } from '../../domain/money.ts';
import { createDataApiTradeSource } from '../../feeds/data-api-source.ts';
import { normalizeTradeRecord } from '../../feeds/data-api-record.ts';
import { createGammaMarketSource } from '../../feeds/gamma-source.ts';
import { startSimServer, type SimServer } from './server.ts';
import { Collector, tradingClient, until } from './testing.ts';
import { dec } from './util.ts';

let server: SimServer;
let yes: string;
let conditionId: string;
const WHALE = '0x56687bf447db6ffa42ffe2204a05edaa20f55839';

const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as unknown };
};

beforeAll(async () => {
  server = await startSimServer({ port: 0, seed: 11 });
  const market = server.exchange.markets()[0]!;
  yes = market.tokens[0]!.tokenId;
  conditionId = market.conditionId;
});
afterAll(async () => server.close());

describe('Data API', () => {
  it('serves published source trades on /trades, /activity and /positions with numbers and unix seconds', async () => {
    server.markSourceTrader(WHALE, { name: 'whale', pseudonym: 'Quiet-Fox' });
    server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'BUY', size: 100, price: '0.4', timestamp: 1_800_000_000 });
    await fetch(`${server.url}/_sim/source-trades`, {
      method: 'POST', body: JSON.stringify({ proxyWallet: WHALE, asset: yes, side: 'SELL', size: '25', price: 0.5, timestamp: 1_800_000_060 }),
    });
    const trades = await get(`/trades?user=${WHALE}&limit=100&offset=0&takerOnly=true`);
    expect(trades.status).toBe(200);
    const rows = trades.body as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      proxyWallet: WHALE, side: 'SELL', asset: yes, conditionId, size: 25, price: 0.5, timestamp: 1_800_000_060,
      outcome: 'Yes', outcomeIndex: 0, name: 'whale', pseudonym: 'Quiet-Fox',
    });
    expect(rows[1]!.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
    for (const row of rows) expect(normalizeTradeRecord(row).ok).toBe(true);
    const activity = (await get(`/activity?user=${WHALE}&type=TRADE&sortBy=TIMESTAMP&sortDirection=ASC`)).body as Record<string, unknown>[];
    expect(activity.map((a) => [a.type, a.side, a.usdcSize])).toEqual([['TRADE', 'BUY', 40], ['TRADE', 'SELL', 12.5]]);
    const positions = (await get(`/positions?user=${WHALE}&sizeThreshold=1`)).body as Record<string, unknown>[];
    expect(positions).toEqual([expect.objectContaining({
      proxyWallet: WHALE, asset: yes, conditionId, size: 75, avgPrice: 0.4, totalBought: 100, realizedPnl: 2.5,
      outcome: 'Yes', oppositeOutcome: 'No', oppositeAsset: server.exchange.markets()[0]!.tokens[1]!.tokenId, redeemable: false,
    })]);
    expect((await get('/activity')).status).toBe(400);
  });

  it('turns a source trader\'s exchange fills into rows the project\'s Data API source reads', async () => {
    const trader = await tradingClient(server.url);
    server.markSourceTrader(trader.address);
    const ask = server.exchange.book(yes).asks[0]!.price;
    const posted = await trader.client.postOrder(
      await trader.client.createOrder({ tokenID: yes, price: Number(dec(ask)), size: 10, side: Side.BUY }), OrderType.GTC);
    expect(posted.status).toBe('matched');
    const source = createDataApiTradeSource({ baseUrl: `${server.url}/data-api` });
    const fetched = await source.fetchTrades([{ address: trader.address, targeted: true, since: null }]);
    expect(fetched.errors).toEqual([]);
    expect(fetched.refused).toEqual([]); // a row of another type than TRADE would be refused (not_a_trade)
    expect(fetched.trades).toEqual([expect.objectContaining({
      trader: trader.address.toLowerCase(), side: 'BUY', asset: yes, conditionId: conditionId.toLowerCase(),
      size: 10n * SCALE, price: ask, transactionHash: posted.transactionsHashes![0]!.toLowerCase(),
    })]);
  });
});

describe('Gamma', () => {
  it('answers /markets?condition_ids= with JSON-encoded string fields, open then resolved', async () => {
    const market = server.addMarket({ question: 'Will the Gamma test resolve No?', endDate: '2030-01-01T00:00:00Z' });
    server.upsertGammaMarket(market.conditionId, { eventSlug: 'gamma-test-event' });
    const open = (await get(`/gamma/markets?condition_ids=${market.conditionId}`)).body as Record<string, unknown>[];
    expect(open).toEqual([expect.objectContaining({
      conditionId: market.conditionId, closed: false, outcomes: '["Yes", "No"]', eventSlug: 'gamma-test-event',
      clobTokenIds: `["${market.tokens[0]!.tokenId}", "${market.tokens[1]!.tokenId}"]`, endDate: '2030-01-01T00:00:00.000Z', umaResolutionStatus: '',
    })]);
    expect((await get(`/markets?condition_ids=${market.conditionId}`)).body).toEqual(open);
    await fetch(`${server.url}/_sim/resolve`, { method: 'POST', body: JSON.stringify({ conditionId: market.conditionId, winner: 1 }) });
    const [closed] = (await get(`/gamma/markets?condition_ids=${market.conditionId}`)).body as Record<string, unknown>[];
    expect(closed).toMatchObject({ closed: true, outcomePrices: '["0", "1"]', umaResolutionStatus: 'resolved', acceptingOrders: false });
    expect(closed!.closedTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00$/);
    const fetched = await createGammaMarketSource({ baseUrl: server.gammaUrl }).getMarkets([market.conditionId, conditionId]);
    expect(fetched.errors).toEqual([]);
    const parsed = fetched.markets.find((m) => m.conditionId === market.conditionId)!;
    expect(parsed).toMatchObject({ closed: true, resolutionStatus: 'resolved', outcomePrices: [0n, SCALE], eventSlug: 'gamma-test-event' });
    const clob = (await get(`/markets/${market.conditionId}`)).body as { tokens: { winner: boolean }[] };
    expect(clob.tokens.map((t) => t.winner)).toEqual([false, true]);
  });
});

describe('RTDS', () => {
  it('pushes activity/trades frames to the official real-time-data-client', async () => {
    const messages: Message[] = [];
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {}); // the client logs its own disconnect
    const connected = new Promise<RealTimeDataClient>((resolve) => {
      new RealTimeDataClient({
        host: server.rtdsUrl,
        onConnect: (c) => {
          c.subscribe({ subscriptions: [{ topic: 'activity', type: 'trades' }] });
          resolve(c);
        },
        onMessage: (_c, m) => messages.push(m),
      }).connect();
    });
    const client = await connected;
    await new Promise((r) => setTimeout(r, 50));
    server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'BUY', size: 7, price: '0.45' });
    const frame = await until(() => messages[0]);
    client.disconnect();
    await new Promise((r) => setTimeout(r, 50));
    quiet.mockRestore();
    expect(frame).toMatchObject({ topic: 'activity', type: 'trades', payload: { proxyWallet: WHALE, size: 7, price: 0.45, asset: yes } });
    expect(typeof frame!.timestamp).toBe('number');
    expect(frame!.connection_id).toBeTruthy();
  });

  it('applies market_slug filters', async () => {
    const slug = server.exchange.markets()[0]!.slug;
    const other = await Collector.open(server.rtdsUrl);
    const mine = await Collector.open(server.rtdsUrl);
    other.send({ action: 'subscribe', subscriptions: [{ topic: 'activity', type: 'trades', filters: JSON.stringify({ market_slug: 'elsewhere' }) }] });
    mine.send({ action: 'subscribe', subscriptions: [{ topic: 'activity', type: 'trades', filters: JSON.stringify({ market_slug: slug }) }] });
    await new Promise((r) => setTimeout(r, 50));
    server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'SELL', size: 3, price: '0.5' });
    expect(await mine.waitFor((m) => m.topic === 'activity')).toMatchObject({ payload: { slug, side: 'SELL', size: 3 } });
    expect(other.messages).toEqual([]);
    other.close();
    mine.close();
  });
});
