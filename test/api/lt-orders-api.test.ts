/**
 * GET /api/lt/orders and /api/lt/orders/{id} over an LT world with the simulated venue: orders that filled, filled
 * partly and were cancelled at their TTL, rest open, and exits, one cancelled by the operator; the list's filters
 * and cursor paging against the whole list, each order's fill legs against its filled figures and its ledger, and
 * another user's orders as 404
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { usdc } from '../../src/domain/money.ts';
import { silentLog } from '../../src/log.ts';
import { orderLedgerOf } from '../../src/store/ledger-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { callApp, type Json } from '../support/api-client.ts';
import { createLtWorld, MAKER, type LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';

let w: LtWorld;
let app: ReturnType<typeof createApp>;
let mallory: string;
let all: Json[];
const PROBLEM = 'application/problem+json';
const get = (path: string, token: string | null = w.token) => callApp(app, 'GET', path, undefined, token);

/**
 * A (BUY @0.50, limit 0.51): 8 of 19.6 taken at once with a 2 % fee, 6 more as the maker a minute later, the rest
 * cancelled at the 120 s TTL. B: fills all 19.6 from the asks. C: skipped (12.5 % slippage, no order); the maker's
 * 0.45 asks crossed its own bids. The asks are withdrawn, the trader sells: LT's exits of what A and B hold rest at
 * their 0.48 limit (no bids). E (BUY @0.50) takes from them; the operator's cancel-open-orders then cancels what is
 * left of the second exit. D (BUY @0.50) rests with nothing to take
 */
async function world(): Promise<void> {
  w = await createLtWorld({ feeRate: '0.02', settings: { slippage_tolerance_pct: '3', order_ttl_seconds: 120 } });
  app = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test',
    runJob: async () => ({ ran: false, reason: 'none' }) });
  w.bids([['0.49', '50']]);
  w.asks([['0.51', '8']]);
  await w.buySignal({ price: 0.5 });
  w.ft.clock.advance(2_000);
  await w.execute();
  w.ft.clock.advance(60_000);
  w.takeFromMaker('SELL', '0.51', '6');
  await w.sync();
  w.ft.clock.advance(120_000);
  await w.sync();
  w.asks([['0.51', '19.6']]);
  await w.buySignal({ price: 0.5 });
  await w.execute();
  w.ft.clock.advance(1_000);
  w.asks([['0.45', '100']]);
  await w.buySignal({ price: 0.4 });
  await w.execute();
  for (const o of w.exchange.openOrders(MAKER)) if (o.side === 'SELL') w.exchange.cancel(MAKER, o.orderId); // no asks left
  w.ft.clock.advance(1_000);
  await w.sellSignal({ price: 0.49, size: 400 });
  await w.execute();
  await w.sync();
  w.ft.clock.advance(1_000);
  await w.buySignal({ price: 0.5 });
  await w.execute();
  w.ft.clock.advance(1_000);
  const cancel = await callApp(app, 'POST', `/api/lt/strategies/${w.strategyId}/cancel-open-orders`, undefined, w.token);
  w.ft.clock.advance(1_000);
  await w.buySignal({ price: 0.5 });
  await w.execute();
  expect(cancel.status).toBe(200);
}

beforeAll(async () => {
  await world();
  mallory = (await createUser(w.ft.t.db, 'mallory')).token;
  const r = await get('/api/lt/orders?limit=500');
  expect(r.status).toBe(200);
  all = r.body.orders;
}, 120_000);
afterAll(async () => w?.close());

const ROW_KEYS = ['order_id', 'strategy_id', 'ft_order_id', 'trace_id', 'signal_at', 'submitted_at', 'market', 'side', 'order_type',
  'status', 'display_status', 'requested_shares', 'requested_usd', 'filled_shares', 'filled_usd', 'avg_price', 'signal_price',
  'limit_price', 'fill_rate', 'signal_slippage_pct', 'slippage_ticks', 'slippage_cents', 'order_latency_ms', 'fees_usd',
  'quality_score'];
const sum = (values: string[]) => values.reduce((a, v) => a + usdc(v), 0n);

/** Every page of a listing, following next_cursor; asserts each page's size */
async function walk(query: string, limit: number): Promise<Json[]> {
  const out: Json[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 100; n += 1) {
    const r = await get(`/api/lt/orders?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.status).toBe(200);
    expect(r.body.orders.length).toBeLessThanOrEqual(limit);
    out.push(...r.body.orders);
    cursor = r.body.next_cursor;
    if (cursor === null) return out;
  }
  throw new Error('more than 100 pages');
}
const ids = (rows: Json[]) => rows.map((o) => o.order_id as string);

describe(`LT orders API on ${backendName}`, () => {
  it('lists every order of yours newest signal first, each row with exactly the contract\'s fields', async () => {
    const [n] = await w.ft.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE lt_user_id = $1', [w.userId]);
    expect(all).toHaveLength(n!.n);
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const o of all) expect(Object.keys(o).sort()).toEqual([...ROW_KEYS].sort());
    const times = all.map((o) => Date.parse(o.signal_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(all.map((o) => o.display_status))).toEqual(new Set(['open', 'filled', 'partially_filled']));
    expect(new Set(all.map((o) => o.side))).toEqual(new Set(['BUY', 'SELL']));
    expect(JSON.stringify(all)).not.toMatch(/NaN|Infinity|undefined/);
    for (const o of all) expect(o.market).toMatchObject({ question: 'Will it rain in Paris?', outcome: 'Yes' });
  });

  it('each row\'s trace_id is its signal\'s: the first 32 hex digits of SHA-256 of its client order id, one per order', async () => {
    const rows = await w.ft.t.db.query<{ order_id: string; client_order_id: string }>(
      'SELECT order_id, client_order_id FROM orders WHERE lt_user_id = $1', [w.userId]);
    const expected = new Map(rows.map((r) => [r.order_id, createHash('sha256').update(r.client_order_id).digest('hex').slice(0, 32)]));
    for (const o of all) expect(o.trace_id, o.order_id).toBe(expected.get(o.order_id));
    expect(new Set(all.map((o) => o.trace_id)).size).toBe(all.length);
  });

  it('the first order: 14 of 19.6 filled then cancelled at its TTL reads partially_filled, 71.4 % of its 19.6 shares (a GTC limit order is share-sized)', () => {
    const a = all[all.length - 1]!;
    expect(a).toMatchObject({ side: 'BUY', status: 'cancelled', display_status: 'partially_filled', requested_shares: '19.600000',
      requested_usd: '9.996000', filled_shares: '14.000000', filled_usd: '7.140000', avg_price: '0.510000', fill_rate: '0.714286',
      signal_price: '0.500000', limit_price: '0.510000', signal_slippage_pct: '2.000000', slippage_ticks: '1.000000',
      slippage_cents: '1.000000', order_latency_ms: 2000, fees_usd: '0.020392' });
    const open = all.find((o) => o.display_status === 'open')!;
    expect(open).toMatchObject({ filled_shares: '0.000000', avg_price: null, fill_rate: null, slippage_ticks: null });
  });

  it('filters on display status, side, strategy and signal time, each page by page', async () => {
    for (const status of ['pending', 'open', 'filled', 'partially_filled', 'cancelled', 'rejected']) {
      expect(ids(await walk(`status=${status}`, 1)), status).toEqual(ids(all.filter((o) => o.display_status === status)));
    }
    expect(ids(await walk('side=SELL', 2))).toEqual(ids(all.filter((o) => o.side === 'SELL')));
    expect(ids(await walk('side=BUY&status=filled', 1))).toEqual(ids(all.filter((o) => o.side === 'BUY' && o.display_status === 'filled')));
    expect(ids(await walk(`strategy_id=${w.strategyId}`, 500))).toEqual(ids(all));
    expect(await walk('strategy_id=LT_NOT_MINE', 5)).toEqual([]);
    const t = all[2]!.signal_at as string;
    const from = await walk(`from=${t}`, 2);
    const to = await walk(`to=${t}`, 2);
    expect(ids(from)).toEqual(ids(all.filter((o) => Date.parse(o.signal_at) >= Date.parse(t))));
    expect(ids(to)).toEqual(ids(all.filter((o) => Date.parse(o.signal_at) < Date.parse(t))));
    expect(from.length + to.length).toBe(all.length);
  });

  it('cursor paging: every page size walks the whole list once, in order; a bad cursor or limit is a 400 problem', async () => {
    for (const limit of [1, 2, 4, all.length, 500]) {
      const pages = await walk('', limit);
      expect(new Set(ids(pages)).size, `limit ${limit}: no duplicate`).toBe(pages.length);
      expect(ids(pages), `limit ${limit}: no gap`).toEqual(ids(all));
    }
    const first = await get('/api/lt/orders?limit=2');
    expect(first.body.next_cursor).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/));
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
    const id = '282341bd-0173-4a8b-b7d3-9e24e6802519';
    const badCursors = ['not a cursor', '!!!', b64('x|y'), b64(`2026-03-01T13:00:00.000000Z|${id}`), b64(['x', 'y']),
      b64(['2026-03-01T13:00:00.000000Z', 'not-a-uuid']), b64(['2026-13-01T13:00:00.000000Z', id]),
      b64(['2026-02-30T13:00:00.000000Z', id]), b64(['2026-03-01T13:00:00Z', id]), b64(['2026-03-01T13:00:00.000000Z'])];
    for (const cursor of badCursors) {
      const r = await get(`/api/lt/orders?cursor=${encodeURIComponent(cursor)}`);
      expect([r.status, r.type], cursor).toEqual([400, PROBLEM]);
      expect(r.body.issues.map((i: Json) => i.path), cursor).toEqual([['cursor']]);
    }
    // The list's cursor is every list's: base64url of the JSON sort key (signal time, order id) of the page's last order
    const second = all[1]!;
    expect(JSON.parse(Buffer.from(first.body.next_cursor, 'base64url').toString())).toEqual([
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/), second.order_id]);
    for (const q of ['limit=0', 'limit=501', 'status=done', 'side=HOLD', 'from=yesterday', 'strategy_id=x']) {
      const r = await get(`/api/lt/orders?${q}`);
      expect([r.status, r.type], q).toEqual([400, PROBLEM]);
    }
  });

  it('each order\'s detail: the same row, and fill legs that add up to its filled figures and to its ledger', async () => {
    for (const row of all) {
      const r = await get(`/api/lt/orders/${row.order_id}`);
      expect(r.status).toBe(200);
      const d = r.body;
      expect(d.order).toEqual(row);
      expect(sum(d.fills.map((f: Json) => f.shares))).toBe(usdc(row.filled_shares));
      expect(sum(d.fills.map((f: Json) => f.usd))).toBe(usdc(row.filled_usd));
      expect(sum(d.fills.map((f: Json) => f.fee_usd))).toBe(usdc(row.fees_usd));
      expect(d.fees_usd).toBe(row.fees_usd);
      if (row.side === 'BUY') expect((await orderLedgerOf(w.ft.t.db, row.order_id)).buyCost, 'the ledger\'s cost').toBe(usdc(row.filled_usd));
      expect(d.audit[0]).toMatchObject({ event: 'intent' });
      const times = d.audit.map((e: Json) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(d.audit.filter((e: Json) => e.event === 'fill')).toHaveLength(d.fills.length);
      expect(JSON.stringify(d)).not.toMatch(/NaN|Infinity|undefined/);
    }
  });

  it('the first order in full: the FT signal, the book at intent, both legs, quality components, its gap leg and trail', async () => {
    const a = all[all.length - 1]!;
    const d = (await get(`/api/lt/orders/${a.order_id}`)).body;
    expect(d.signal).toMatchObject({ ft_order_id: a.ft_order_id, ft_wallet_id: 'FT_COPY_ALL', trader: '0x' + 'a'.repeat(40),
      source_trade: { price: '0.500000', size: '100.000000', side: 'BUY', at: a.signal_at }, ft_price: '0.501500',
      ft_size_usd: '10.000000' });
    expect(d.intent).toEqual({ at: '2026-03-01T13:00:02.000Z', best_bid: '0.490000', best_ask: '0.510000', mid: '0.500000',
      tick_size: '0.010000', expected_slippage_pct: '2.000000', limit_price: '0.510000', size_shares: '19.600000', size_usd: '10.000000' });
    expect(d.fills.map((f: Json) => [f.shares, f.price, f.usd, f.fee_usd, f.role])).toEqual([
      ['8.000000', '0.510000', '4.080000', '0.020392', 'taker'], ['6.000000', '0.510000', '3.060000', '0.000000', 'maker']]);
    expect(d.quality.components.map((c: Json) => c.name)).toEqual(['slippage', 'fill', 'latency']);
    expect(d.quality).toMatchObject({ score: a.quality_score, version: 'q1' });
    expect(d.gap_leg).toMatchObject({ ft_order_id: a.ft_order_id, leg: 'entry', disposition: 'ordered' });
    expect(d.audit.map((e: Json) => e.event)).toEqual(['intent', 'submitted', 'acknowledged', 'fill', 'fill', 'cancel_requested', 'cancelled']);
  });

  it('an order the operator\'s cancel-open-orders cancelled carries the command in its trail', async () => {
    const cancelled = all.filter((o) => o.status === 'cancelled' && o.side === 'SELL');
    expect(cancelled).toHaveLength(1);
    const d = (await get(`/api/lt/orders/${cancelled[0]!.order_id}`)).body;
    expect(d.audit.find((e: Json) => e.event === 'cancel_open_orders')).toMatchObject({ detail: 'by operator, cancelled' });
    expect(d.signal.source_trade).toMatchObject({ side: 'SELL', price: '0.490000' });
  });

  it('another user\'s orders are 404 and not listed; no token is 401; a malformed id is 400', async () => {
    const theirs = await get(`/api/lt/orders/${all[0]!.order_id}`, mallory);
    expect([theirs.status, theirs.type]).toEqual([404, PROBLEM]);
    expect((await get('/api/lt/orders', mallory)).body).toEqual({ orders: [], next_cursor: null });
    expect((await get('/api/lt/orders', null)).status).toBe(401);
    expect((await get(`/api/lt/orders/${all[0]!.order_id}`, null)).status).toBe(401);
    expect((await get('/api/lt/orders/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const bad = await get('/api/lt/orders/not-an-id');
    expect([bad.status, bad.type]).toEqual([400, PROBLEM]);
  });

  it('the OpenAPI document types both routes with named components', async () => {
    const doc = (await get('/api/openapi.json', null)).body;
    const ok = (path: string) => doc.paths[path].get.responses['200'].content['application/json'].schema;
    expect(ok('/api/lt/orders')).toEqual({ $ref: '#/components/schemas/OrderList' });
    expect(ok('/api/lt/orders/{id}')).toEqual({ $ref: '#/components/schemas/OrderDetail' });
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['OrderRow', 'OrderList', 'OrderDetail', 'OrderGapLeg']));
    expect(Object.keys(doc.components.schemas.OrderRow.properties).sort()).toEqual([...ROW_KEYS].sort());
    expect(doc.paths['/api/lt/orders'].get.parameters.map((p: Json) => p.name).sort())
      .toEqual(['cursor', 'from', 'limit', 'side', 'status', 'strategy_id', 'to']);
  });
});
