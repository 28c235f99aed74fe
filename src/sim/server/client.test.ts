// @backend-independent
/** The unmodified official clob-client-v2 trading against the simulator: keys, orders, reads, cancels, auth failures */
import { AssetType, ClobClient, OrderType, Side } from '@polymarket/clob-client-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from './util.ts';
import { startSimServer, type SimServer } from './server.ts';
import { tradingClient, type TradingClient } from './testing.ts';

let server: SimServer;
let alice: TradingClient;
let yes: string;

const bestAsk = () => server.exchange.book(yes).asks[0]!.price;
const bestBid = () => server.exchange.book(yes).bids[0]!.price;

beforeAll(async () => {
  server = await startSimServer({ port: 0, seed: 7, mineAfterMs: 0, confirmAfterMs: 0 });
  yes = server.exchange.markets()[0]!.tokens[0]!.tokenId;
  alice = await tradingClient(server.url);
});
afterAll(async () => server.close());

describe('API keys', () => {
  it('derives the same creds again (POST answers 400 for an existing key, then GET derives) and funds the wallet', async () => {
    expect(alice.creds.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const l1 = new ClobClient({ host: server.url, chain: 137, signer: alice.signer, useServerTime: true });
    expect(await l1.createApiKey()).toEqual({ key: undefined, secret: undefined, passphrase: undefined });
    expect(await l1.createOrDeriveApiKey()).toEqual(alice.creds);
    expect(await l1.deriveApiKey(1)).not.toEqual(alice.creds);
    const balance = await alice.client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
    expect(balance.balance).toBe('10000000000');
    expect(Object.values(balance.allowances).length).toBeGreaterThan(0);
  });
});

describe('orders through the official client', () => {
  it('rests a GTC BUY below the ask, reads it back, lists it and cancels it', async () => {
    const price = Number(dec(bestBid()));
    const order = await alice.client.createOrder({ tokenID: yes, price, size: 10, side: Side.BUY });
    const posted = await alice.client.postOrder(order, OrderType.GTC);
    expect(posted).toMatchObject({ success: true, errorMsg: '', status: 'live' });
    expect(posted.orderID).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await alice.client.getOrder(posted.orderID)).toMatchObject({
      id: posted.orderID, status: 'LIVE', side: 'BUY', original_size: '10', size_matched: '0', price: String(price),
      asset_id: yes, order_type: 'GTC', owner: alice.creds.key, maker_address: alice.account.address,
    });
    const open = await alice.client.getOpenOrders();
    expect(open.map((o) => o.id)).toContain(posted.orderID);
    expect(await alice.client.cancelOrder({ orderID: posted.orderID })).toEqual({ canceled: [posted.orderID], not_canceled: {} });
    expect((await alice.client.getOrder(posted.orderID)).status).toBe('CANCELED');
    expect(await alice.client.getOpenOrders()).toEqual([]);
  });

  it('matches a crossing GTC BUY against the seeded asks without the 30 s trade-hash poll', async () => {
    const ask = bestAsk();
    const order = await alice.client.createOrder({ tokenID: yes, price: Number(dec(ask)), size: 10, side: Side.BUY });
    const started = Date.now();
    const posted = await alice.client.postOrder(order, OrderType.GTC);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(posted).toMatchObject({ success: true, status: 'matched', makingAmount: dec(ask * 10n), takingAmount: '10' });
    expect(posted.transactionsHashes).toHaveLength(1);
    expect(posted.tradeIDs).toHaveLength(1);
    const [trade] = await alice.client.getTrades({ id: posted.tradeIDs![0]! });
    expect(trade).toMatchObject({
      id: posted.tradeIDs![0], taker_order_id: posted.orderID, side: 'BUY', size: '10', price: dec(ask),
      trader_side: 'TAKER', transaction_hash: posted.transactionsHashes![0], owner: alice.creds.key,
    });
    expect(trade!.maker_orders[0]).toMatchObject({ matched_amount: '10', price: dec(ask), side: 'SELL' });
    expect((await alice.client.getOrder(posted.orderID)).status).toBe('MATCHED');
    const shares = await alice.client.getBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: yes });
    expect(shares.balance).toBe('10000000');
  });

  it('sells shares back with a crossing SELL and a market (FOK) BUY sized in dollars', async () => {
    const sell = await alice.client.createOrder({ tokenID: yes, price: Number(dec(bestBid())), size: 5, side: Side.SELL });
    expect(await alice.client.postOrder(sell, OrderType.GTC)).toMatchObject({ status: 'matched', makingAmount: '5' });
    const market = await alice.client.createMarketOrder({ tokenID: yes, amount: 5, side: Side.BUY, orderType: OrderType.FOK });
    const posted = await alice.client.postOrder(market, OrderType.FOK);
    expect(posted).toMatchObject({ success: true, status: 'matched', makingAmount: '5' });
  });

  it('lists trades inside a match-time window (after and before are exclusive, in unix seconds) and by id', async () => {
    const all = await alice.client.getTrades();
    expect(all.length).toBeGreaterThanOrEqual(3);
    const times = all.map((t) => Number(t.match_time));
    const first = Math.min(...times);
    const last = Math.max(...times);
    const ids = (list: { id: string }[]) => list.map((t) => t.id);
    expect(await alice.client.getTrades({ after: String(last) })).toEqual([]);
    expect(await alice.client.getTrades({ before: String(first) })).toEqual([]);
    expect(ids(await alice.client.getTrades({ after: String(first - 1), before: String(last + 1) }))).toEqual(ids(all));
    expect(ids(await alice.client.getTrades({ after: String(first - 1), id: all[1]!.id }))).toEqual([all[1]!.id]);
    expect(await alice.client.getTrades({ after: String(last), id: all[1]!.id })).toEqual([]);
  });

  it('rejects a FOK that cannot fill with Polymarket\'s text and orderID', async () => {
    const order = await alice.client.createOrder({ tokenID: yes, price: 0.01, size: 10, side: Side.BUY });
    const res = (await alice.client.postOrder(order, OrderType.FOK)) as unknown as Record<string, unknown>;
    expect(res).toMatchObject({ status: 400, error: "order couldn't be fully filled. FOK orders are fully filled or killed." });
    expect(res.orderID).toMatch(/^0x/);
  });

  it('refuses a tampered signature (400 invalid signature) and a wrong HMAC secret (401)', async () => {
    const order = await alice.client.createOrder({ tokenID: yes, price: 0.05, size: 10, side: Side.BUY });
    const last = order.signature.slice(-4);
    const tampered = { ...order, signature: `${order.signature.slice(0, -4)}${last === 'ffff' ? '0000' : 'ffff'}` };
    expect(await alice.client.postOrder(tampered, OrderType.GTC)).toMatchObject({ status: 400, error: 'invalid signature' });
    const changed = { ...order, takerAmount: String(BigInt(order.takerAmount) + 1n) };
    expect(await alice.client.postOrder(changed, OrderType.GTC)).toMatchObject({ status: 400, error: 'invalid signature' });
    const wrong = new ClobClient({
      host: server.url, chain: 137, signer: alice.signer,
      creds: { ...alice.creds, secret: Buffer.alloc(32, 7).toString('base64url') },
    });
    expect(await wrong.getOrder(order.salt)).toEqual({ error: 'Unauthorized/Invalid api key', status: 401 });
    expect(await wrong.postOrder(order, OrderType.GTC)).toEqual({ error: 'Unauthorized/Invalid api key', status: 401 });
  });

  it('refuses an order signed by another wallet than the API key', async () => {
    const bob = await tradingClient(server.url);
    const order = await bob.client.createOrder({ tokenID: yes, price: 0.05, size: 10, side: Side.BUY });
    expect(await alice.client.postOrder(order, OrderType.GTC)).toMatchObject({
      status: 400, error: 'the order signer address has to be the address of the API KEY',
    });
  });

  it('posts a batch: each order answered on its own, failures as success:false items', async () => {
    const good = await alice.client.createOrder({ tokenID: yes, price: 0.04, size: 5, side: Side.BUY });
    const bad = await alice.client.createOrder({ tokenID: yes, price: 0.04, size: 6, side: Side.BUY });
    const res = await alice.client.postOrders([
      { order: good, orderType: OrderType.GTC }, { order: { ...bad, signature: good.signature }, orderType: OrderType.GTC },
    ]);
    expect(res).toEqual([
      expect.objectContaining({ success: true, status: 'live' }),
      expect.objectContaining({ success: false, errorMsg: 'invalid signature' }),
    ]);
    await alice.client.cancelAll();
  });

  it('shows null for an unknown order id, as Polymarket does', async () => {
    expect(await alice.client.getOrder(`0x${'ab'.repeat(32)}`)).toBeNull();
  });
});

describe('cancels', () => {
  const rest = async (c: ClobClient, price: number) =>
    (await c.postOrder(await c.createOrder({ tokenID: yes, price, size: 5, side: Side.BUY }), OrderType.GTC)).orderID;

  it('cancels several, all, and by market, reporting what it could not cancel', async () => {
    const ids = [await rest(alice.client, 0.02), await rest(alice.client, 0.03)];
    const unknown = `0x${'cd'.repeat(32)}`;
    expect(await alice.client.cancelOrders([...ids, unknown])).toEqual({
      canceled: ids, not_canceled: { [unknown]: 'order not found or already canceled' },
    });
    const more = [await rest(alice.client, 0.02), await rest(alice.client, 0.03)];
    expect((await alice.client.cancelAll()).canceled.sort()).toEqual([...more].sort());
    const one = await rest(alice.client, 0.04);
    const market = server.exchange.markets()[0]!.conditionId;
    expect(await alice.client.cancelMarketOrders({ market })).toEqual({ canceled: [one], not_canceled: {} });
  });
});

describe('public market data', () => {
  it('serves books in wire order (best last), prices, tick size, neg-risk, version and compact market info', async () => {
    const { client } = alice;
    const book = await client.getOrderBook(yes);
    expect(book.bids.length).toBeGreaterThan(0);
    const bidPrices = book.bids.map((l) => Number(l.price));
    const askPrices = book.asks.map((l) => Number(l.price));
    expect([...bidPrices].sort((a, b) => a - b)).toEqual(bidPrices);
    expect([...askPrices].sort((a, b) => b - a)).toEqual(askPrices);
    expect(book.bids.at(-1)!.price).toBe(dec(bestBid()));
    expect(book.asks.at(-1)!.price).toBe(dec(bestAsk()));
    expect(book.timestamp).toMatch(/^\d{13}$/);
    const hash = book.hash;
    expect(await client.getOrderBookHash(book)).toBe(hash);
    expect(await client.getPrice(yes, 'BUY')).toEqual({ price: dec(bestBid()) });
    expect(await client.getMidpoint(yes)).toEqual({ mid: dec((bestBid() + bestAsk()) / 2n) });
    expect(await client.getTickSize(yes)).toBe('0.01');
    expect(await client.getNegRisk(yes)).toBe(false);
    expect(await client.getVersion()).toBe(2);
    expect(typeof (await client.getServerTime())).toBe('number');
    expect(await client.getOk()).toBe('OK');
    const market = server.exchange.markets()[2]!;
    const info = await client.getClobMarketInfo(market.conditionId);
    expect(info).toMatchObject({ c: market.conditionId, mts: 0.001, nr: false, fd: { r: 0.072, e: 1, to: true }, mos: 5 });
    expect(await client.getMarket(market.conditionId)).toMatchObject({ condition_id: market.conditionId, minimum_tick_size: 0.001 });
    const books = await client.getOrderBooks([{ token_id: yes, side: Side.BUY }]);
    expect(books[0]!.asset_id).toBe(yes);
  });

  it('answers unknown and missing token ids with Polymarket\'s errors', async () => {
    expect(await alice.client.getOrderBook('123')).toMatchObject({ status: 404, error: 'No orderbook exists for the requested token id' });
    const res = await fetch(`${server.url}/book`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Invalid token id' });
  });
});
