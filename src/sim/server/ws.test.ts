// @backend-independent
/** The CLOB WebSocket channels: market books, price changes, trades and resolution; user orders and trade lifecycle */
import { OrderType, Side } from '@polymarket/clob-client-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SCALE } from '../../domain/money.ts';
import { startSimServer, type SimServer } from './server.ts';
import { Collector, tradingClient, until, type TradingClient } from './testing.ts';
import { dec } from './util.ts';

let server: SimServer;
let alice: TradingClient;
let bob: TradingClient;
let yes: string;
let conditionId: string;
const sockets: Collector[] = [];

const open = async (path: string) => {
  const c = await Collector.open(`${server.wsUrl}${path}`);
  sockets.push(c);
  return c;
};
const userSocket = async (t: TradingClient, markets: string[]) => {
  const c = await open('/ws/user');
  c.send({ auth: { apiKey: t.creds.key, secret: t.creds.secret, passphrase: t.creds.passphrase }, markets, type: 'user' });
  await new Promise((r) => setTimeout(r, 50));
  return c;
};

beforeAll(async () => {
  server = await startSimServer({ port: 0, seed: 3, mineAfterMs: 0, confirmAfterMs: 0, tickMs: 20 });
  const market = server.exchange.markets()[1]!;
  conditionId = market.conditionId;
  yes = market.tokens[0]!.tokenId;
  alice = await tradingClient(server.url);
  bob = await tradingClient(server.url);
});
afterEach(() => {
  while (sockets.length > 0) sockets.pop()!.close();
});
afterAll(async () => server.close());

describe('market channel', () => {
  it('sends the book on subscribe and answers PING with PONG', async () => {
    const ws = await open('/ws/market');
    ws.send({ assets_ids: [yes], type: 'market', custom_feature_enabled: true });
    const book = await ws.waitFor((m) => m.event_type === 'book');
    expect(book).toMatchObject({ asset_id: yes, market: conditionId });
    expect((book.bids as { price: string }[]).at(-1)!.price).toBe(dec(server.exchange.book(yes).bids[0]!.price));
    expect(book.timestamp).toMatch(/^\d{13}$/);
    ws.send('PING');
    expect(await until(() => ws.raw.find((r) => r === 'PONG'))).toBe('PONG');
  });

  it('publishes price_change (price_changes[] with best bid/ask), last_trade_price and a fresh book after a trade', async () => {
    const ws = await open('/ws/market');
    ws.send({ assets_ids: [yes], type: 'market', custom_feature_enabled: true });
    await ws.waitFor((m) => m.event_type === 'book');
    const ask = server.exchange.book(yes).asks[0]!;
    const order = await alice.client.createOrder({ tokenID: yes, price: Number(dec(ask.price)), size: Number(dec(ask.size)), side: Side.BUY });
    await alice.client.postOrder(order, OrderType.GTC);
    const change = await ws.waitFor((m) => m.event_type === 'price_change');
    expect(change.market).toBe(conditionId);
    const entries = change.price_changes as Record<string, string>[];
    expect(entries).toContainEqual(expect.objectContaining({
      asset_id: yes, price: dec(ask.price), size: '0', side: 'SELL', best_ask: dec(server.exchange.book(yes).asks[0]!.price),
    }));
    const last = await ws.waitFor((m) => m.event_type === 'last_trade_price');
    expect(last).toMatchObject({ asset_id: yes, price: dec(ask.price), side: 'BUY', size: dec(ask.size) });
    expect(ws.messages.filter((m) => (m as Record<string, unknown>).event_type === 'book').length).toBeGreaterThanOrEqual(2);
    await ws.waitFor((m) => m.event_type === 'best_bid_ask');
  });

  it('sends market_resolved to custom-feature subscribers', async () => {
    const market = server.addMarket({ question: 'Will the WS test resolve Yes?' });
    const ws = await open('/ws/market');
    ws.send({ assets_ids: [market.tokens[0]!.tokenId], type: 'market', custom_feature_enabled: true });
    await new Promise((r) => setTimeout(r, 50));
    server.exchange.resolve(market.conditionId, [SCALE, 0n]);
    expect(await ws.waitFor((m) => m.event_type === 'market_resolved')).toMatchObject({
      market: market.conditionId, winning_asset_id: market.tokens[0]!.tokenId, winning_outcome: 'Yes',
      assets_ids: market.tokens.map((t) => t.tokenId),
    });
  });
});

describe('user channel', () => {
  it('sends order PLACEMENT / CANCELLATION for the key\'s own orders', async () => {
    const ws = await userSocket(alice, [conditionId]);
    const order = await alice.client.createOrder({ tokenID: yes, price: 0.02, size: 5, side: Side.BUY });
    const { orderID } = await alice.client.postOrder(order, OrderType.GTC);
    expect(await ws.waitFor((m) => m.event_type === 'order' && m.type === 'PLACEMENT')).toMatchObject({
      id: orderID, owner: alice.creds.key, order_owner: alice.creds.key, market: conditionId, asset_id: yes, side: 'BUY',
      original_size: '5', size_matched: '0', price: '0.02', status: 'LIVE', order_type: 'GTC', associate_trades: null,
    });
    await alice.client.cancelOrder({ orderID });
    expect(await ws.waitFor((m) => m.type === 'CANCELLATION')).toMatchObject({ id: orderID, status: 'CANCELED' });
  });

  it('sends trade MATCHED → MINED → CONFIRMED to the taker and the maker, each from its own side', async () => {
    const takerWs = await userSocket(alice, []);
    const makerWs = await userSocket(bob, [conditionId]);
    const bid = server.exchange.book(yes).bids[0]!.price;
    const price = Number(dec(bid + 10_000n));
    const resting = await bob.client.postOrder(await bob.client.createOrder({ tokenID: yes, price, size: 6, side: Side.BUY }), OrderType.GTC);
    server.exchange.credit(alice.address, yes, 6_000_000n);
    const sell = await alice.client.postOrder(await alice.client.createOrder({ tokenID: yes, price, size: 6, side: Side.SELL }), OrderType.GTC);
    expect(sell.status).toBe('matched');
    for (const status of ['MATCHED', 'MINED', 'CONFIRMED']) {
      expect(await takerWs.waitFor((m) => m.event_type === 'trade' && m.status === status && m.taker_order_id === sell.orderID))
        .toMatchObject({ type: 'TRADE', trader_side: 'TAKER', side: 'SELL', size: '6', price: String(price), owner: alice.creds.key });
    }
    const makerTrade = await makerWs.waitFor((m) => m.event_type === 'trade' && m.status === 'CONFIRMED');
    expect(makerTrade).toMatchObject({ trader_side: 'MAKER', owner: bob.creds.key, maker_address: bob.account.address });
    expect(makerTrade.maker_orders).toEqual([expect.objectContaining({ order_id: resting.orderID, owner: bob.creds.key, matched_amount: '6', side: 'BUY' })]);
    expect(await makerWs.waitFor((m) => m.event_type === 'order' && m.type === 'UPDATE')).toMatchObject({ id: resting.orderID, status: 'MATCHED', size_matched: '6' });
    expect(makerWs.messages.some((m) => (m as Record<string, unknown>).taker_order_id === sell.orderID && (m as Record<string, unknown>).trader_side === 'TAKER')).toBe(false);
  });

  it('filters by market and closes the socket on bad creds', async () => {
    const ws = await userSocket(alice, [`0x${'11'.repeat(32)}`]);
    await alice.client.postOrder(await alice.client.createOrder({ tokenID: yes, price: 0.02, size: 5, side: Side.BUY }), OrderType.GTC);
    await new Promise((r) => setTimeout(r, 100));
    expect(ws.messages).toEqual([]);
    const bad = await open('/ws/user');
    const closed = new Promise<number>((resolve) => bad.ws.once('close', (code) => resolve(code)));
    bad.send({ auth: { apiKey: alice.creds.key, secret: 'wrong', passphrase: alice.creds.passphrase }, markets: [], type: 'user' });
    expect(await closed).toBe(1008);
  });
});
