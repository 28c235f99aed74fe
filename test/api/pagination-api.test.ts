/**
 * Cursor pagination on every list of the API: each list walked page by page with a small limit finds every item
 * exactly once, in the list's order, with items sharing a sort time (the manual clock stands still) split across pages;
 * a cursor that is not the list's is a 400 problem at `cursor`
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import type { Alert } from '../../src/domain/alert-rules.ts';
import { silentLog } from '../../src/log.ts';
import { fireAlert } from '../../src/store/alert-store.ts';
import { startJobRun } from '../../src/store/job-store.ts';
import { insertUserWallet } from '../../src/store/user-wallet-store.ts';
import { callApp, type Json } from '../support/api-client.ts';
import { copyAll } from '../support/ft-world.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';

let w: LtWorld;
let app: ReturnType<typeof createApp>;
const PROBLEM = 'application/problem+json';
const SIGNALS = 7;
const call = (method: string, path: string, body?: unknown) => callApp(app, method, path, body, w.token);

beforeAll(async () => {
  w = await createLtWorld({ settings: { slippage_tolerance_pct: '3' } });
  app = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test',
    runJob: async () => ({ ran: false, reason: 'none' }) });
  const db = w.ft.t.db;
  w.bids([['0.49', '1000']]);
  w.asks([['0.51', '1000']]);
  for (let i = 0; i < SIGNALS; i++) {
    await w.buySignal({ price: 0.5 });
    if (i % 3 === 2) w.ft.clock.advance(1_000); // some signals share a time, some do not
  }
  await w.execute();
  for (let i = 0; i < 5; i++) {
    const id = `FT_PAGE_${i}`;
    expect((await call('POST', '/api/ft/wallets', copyAll({ wallet_id: id }))).status).toBe(201);
    expect((await call('POST', '/api/lt/strategies', { ft_wallet_id: id, starting_capital: '100' })).status).toBe(201);
  }
  const now = w.ft.clock.now();
  for (let i = 0; i < 6; i++) {
    const alert: Alert = { kind: 'order_latency', dedupeKey: `page:${i}`, severity: 'warning', message: `m${i}`, detail: {},
      userId: w.userId, strategyId: w.strategyId };
    await fireAlert(db, alert, now, 60_000, { deliver: false });
    await startJobRun(db, `job-${i}`, now);
    await insertUserWallet(db, null, { userId: w.userId, address: `0x${String(i).repeat(40)}`, label: `w${i}`, signatureType: 0,
      funder: null, apiKey: null, linkedAt: now, secrets: { privateKey: null, creds: null } });
  }
});
afterAll(async () => w?.close());

/** Every page of a list with `limit`, following next_cursor (bounded), and the items in page order */
async function walk(path: string, key: string, limit: number): Promise<{ items: Json[]; pages: number }> {
  const items: Json[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await call('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body[key].length).toBeLessThanOrEqual(limit);
    items.push(...r.body[key]);
    cursor = r.body.next_cursor;
    pages += 1;
  } while (cursor !== null && pages < 100);
  expect(cursor).toBeNull();
  return { items, pages };
}

const strategyPath = () => `/api/lt/strategies/${w.strategyId}`;
/** Each list: its path, its items' key, the identity of an item, and the whole list in one page (limit 500) */
const LISTS: [string, () => string, string, (i: Json) => string][] = [
  ['LT strategies', () => '/api/lt/strategies', 'strategies', (i) => i.strategy.strategy_id],
  ['FT strategies', () => '/api/ft/wallets', 'wallets', (i) => i.wallet_id],
  ['FT orders', () => '/api/ft/wallets/FT_COPY_ALL/orders', 'orders', (i) => i.order_id],
  ['LT audit', () => '/api/lt/audit', 'audit', (i) => i.audit_id],
  ['alerts', () => '/api/alerts', 'alerts', (i) => i.alert_id],
  ['job runs', () => '/api/jobs/runs', 'runs', (i) => i.run_id],
  ['linked wallets', () => '/api/wallets', 'wallets', (i) => i.address],
  ['quality orders', () => `${strategyPath()}/quality`, 'orders', (i) => i.order_id],
  ['LT orders', () => '/api/lt/orders', 'orders', (i) => i.order_id],
  ['LT orders of a strategy', () => `/api/lt/orders?strategy_id=${w.strategyId}&side=BUY`, 'orders', (i) => i.order_id],
  ['gap legs (oldest first)', () => `${strategyPath()}/gap`, 'legs', (i) => `${i.ft_order_id}/${i.leg}`],
  ['gap legs (newest first)', () => `${strategyPath()}/gap?order=newest`, 'legs', (i) => `${i.ft_order_id}/${i.leg}`],
];

describe(`cursor pagination on ${backendName}`, () => {
  it.each(LISTS)('%s: every item exactly once, in order, across pages of 2', async (_name, path, key, id) => {
    const whole = await walk(path(), key, 500);
    expect(whole.pages).toBe(1);
    expect(whole.items.length).toBeGreaterThanOrEqual(5);
    const paged = await walk(path(), key, 2);
    expect(paged.pages).toBe(Math.ceil(whole.items.length / 2));
    const ids = paged.items.map(id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(whole.items.map(id));
  });

  it('the FT orders, quality rows and gap legs are the signals\'; newest-first gap legs are the oldest-first reversed', async () => {
    const legs = (await walk(`${strategyPath()}/gap`, 'legs', 3)).items.map((l) => l.ft_order_id);
    const newest = (await walk(`${strategyPath()}/gap?order=newest`, 'legs', 3)).items.map((l) => l.ft_order_id);
    expect(legs).toHaveLength(SIGNALS);
    expect(newest).toEqual([...legs].reverse());
    expect((await walk('/api/ft/wallets/FT_COPY_ALL/orders', 'orders', 3)).items.map((o) => o.order_id).sort())
      .toEqual([...legs].sort());
    expect((await walk(`${strategyPath()}/quality`, 'orders', 3)).items).toHaveLength(SIGNALS);
  });

  it('a cursor that is not the list\'s is a 400 problem at cursor', async () => {
    const first = await call('GET', `${strategyPath()}/quality?limit=1`);
    const cursor = first.body.next_cursor as string;
    expect(cursor).toEqual(expect.any(String));
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const bad = ['x', 'not base64!', b64({}), b64([1]), b64(['2026-01-01T00:00:00.000000Z', 'not-a-uuid']), b64(['a', 'b', 'c', 'd'])];
    for (const c of bad) {
      for (const path of [`${strategyPath()}/quality`, '/api/alerts', '/api/lt/strategies', `${strategyPath()}/gap`, '/api/lt/orders']) {
        const r = await call('GET', `${path}?cursor=${encodeURIComponent(c)}`);
        expect([r.status, r.type], `${path} ${c}`).toEqual([400, PROBLEM]);
        expect(r.body.issues.map((i: Json) => i.path), `${path} ${c}`).toEqual([['cursor']]);
      }
    }
    for (const path of [`${strategyPath()}/quality`, '/api/alerts', '/api/jobs/runs', '/api/lt/audit', '/api/lt/orders']) {
      expect((await call('GET', `${path}?cursor=${b64(['a', '00000000-0000-0000-0000-000000000000'])}`)).status, path).toBe(400);
    }
    // A quality cursor (time, uuid) is not a cursor of the strategies list (one id): refused, not misread
    const other = await call('GET', `/api/lt/strategies?cursor=${cursor}`);
    expect(other.status).toBe(400);
    for (const limit of ['0', '501', 'x']) expect((await call('GET', `/api/jobs/runs?limit=${limit}`)).status).toBe(400);
  });
});
