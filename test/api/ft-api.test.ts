/**
 * The HTTP API in-process (no socket): health, bearer-token auth, FT strategy CRUD with validation
 * as problem+json, the OpenAPI document and the operator sync command, on PGlite or PostgreSQL
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { systemClock } from '../../src/engine/clock.ts';
import { startScheduler, type Scheduler } from '../../src/jobs/schedule.ts';
import { silentLog } from '../../src/log.ts';
import { createUser } from '../../src/store/user-store.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';
import { callApp, idleVenue, type Json } from '../support/api-client.ts';

type App = ReturnType<typeof createApp>;

let t: TestDb;
let app: App;
let scheduler: Scheduler;
let token: string;
/** An operator's token: the global jobs are theirs alone (a plain user gets 403, test/api/ownership-api.test.ts) */
let operator: string;

const PROBLEM = 'application/problem+json';
const ADDRESS = '0xE8dd7741ccb12350957ec71e9ee332e0d1e6ec86';

const call = (method: string, path: string, body?: unknown, auth: string | null = token) =>
  callApp(app, method, path, body, auth);

const strategy = (id: string, extra: Json = {}) => ({ wallet_id: id, description: 'api test', bet_size: '1.2', ...extra });

beforeAll(async () => {
  t = await openTestDb();
  scheduler = startScheduler([], { db: t.db, clock: systemClock, log: silentLog });
  app = createApp({ db: t.db, clock: systemClock, log: silentLog, venue: idleVenue(systemClock), version: '9.9.9-test', runJob: (n) => scheduler.runNow(n) });
  ({ token } = await createUser(t.db, 'api-tester'));
  ({ token: operator } = await createUser(t.db, 'api-operator', 'operator'));
});

afterAll(async () => {
  await scheduler?.stop();
  await t?.close();
});

describe(`API on ${backendName}`, () => {
  it('GET /api/health answers without a token, naming the database backend and its version', async () => {
    const r = await call('GET', '/api/health', undefined, null);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
    expect(r.body.version).toBe('9.9.9-test');
    expect(r.body.database.kind).toBe(backendName);
    expect(r.body.database.version).toMatch(/^\d+(\.\d+)*/);
    expect(Number.isNaN(Date.parse(r.body.time))).toBe(false);
  });

  it.each([
    ['GET', '/api/ft/wallets'], ['POST', '/api/ft/wallets'], ['GET', '/api/ft/wallets/FT_ANY'],
    ['PUT', '/api/ft/wallets/FT_ANY'], ['POST', '/api/ft/sync'],
  ])('%s %s without a token or with a wrong one is 401 problem+json', async (method, path) => {
    const body = method === 'GET' ? undefined : strategy('FT_ANY');
    for (const auth of [null, 'tdm_not-a-real-token', '']) {
      const r = await call(method, path, body, auth);
      expect(r.status, `auth=${auth}`).toBe(401);
      expect(r.type).toContain(PROBLEM);
      expect(r.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
    const basic = await app.request(path, { method, headers: { authorization: `Basic ${token}` } });
    expect(basic.status).toBe(401);
  });

  it('POST creates a strategy (201, money as decimal strings) and a second POST of the id is 409', async () => {
    const r = await call('POST', '/api/ft/wallets', strategy('FT_API_ONE', { price_min: '0.1', price_max: 0.9 }));
    expect(r.status).toBe(201);
    expect(r.type).toContain('application/json');
    const w = r.body.wallet;
    expect(w.wallet_id).toBe('FT_API_ONE');
    expect(w.config_id).toBe('API_ONE');
    expect(w.bet_size).toBe('1.200000');
    expect(w.starting_balance).toBe('1000.000000');
    expect(w.price_min).toBe('0.100000');
    expect(w.price_max).toBe('0.900000');
    const again = await call('POST', '/api/ft/wallets', strategy('FT_API_ONE', { bet_size: '5' }));
    expect(again.status).toBe(409);
    expect(again.type).toContain(PROBLEM);
    expect(again.body).toMatchObject({ status: 409, detail: 'FT_API_ONE' });
    const kept = await call('GET', '/api/ft/wallets/FT_API_ONE');
    expect(kept.body.wallet.bet_size).toBe('1.200000'); // the 409 overwrote nothing
  });

  it.each<[string, Json, RegExp]>([
    ['price_min > price_max', { price_min: '0.8', price_max: '0.2' }, /price_min > price_max/],
    ['an unknown field', { colour: 'blue' }, /colour|unrecognized/i],
    ['bet_structures', { bet_structures: ['x'] }, /bet_structures/],
    ["wr_source 'PROFILE'", { wr_source: 'PROFILE' }, /wr_source/],
    ['a negative bet_size', { bet_size: '-1' }, /bet_size/],
    ['a bad trader address', { target_traders: ['0x1234'] }, /trader address/],
    ['a lower-case wallet_id', { wallet_id: 'ft_lower' }, /wallet_id/],
  ])('POST with %s is 400 problem+json with issues, and stores nothing', async (_name, extra, message) => {
    const r = await call('POST', '/api/ft/wallets', strategy('FT_API_BAD', extra));
    expect(r.status).toBe(400);
    expect(r.type).toContain(PROBLEM);
    expect(r.body.status).toBe(400);
    expect(Array.isArray(r.body.issues)).toBe(true);
    expect(r.body.issues.length).toBeGreaterThan(0);
    expect(JSON.stringify(r.body.issues)).toMatch(message);
    expect((await call('GET', '/api/ft/wallets/FT_API_BAD')).status).toBe(404);
  });

  it('POST with a body that is not a JSON object is 400 problem+json', async () => {
    const r = await call('POST', '/api/ft/wallets', ['FT_X']);
    expect(r.status).toBe(400);
    expect(r.type).toContain(PROBLEM);
    expect(r.body.issues.length).toBeGreaterThan(0);
  });

  it('keeps 0 as zero and null as null, and gives absent fields their defaults', async () => {
    const r = await call('POST', '/api/ft/wallets', strategy('FT_API_ZERO', { min_bet: 0, min_edge: null, price_min: '0' }));
    expect(r.status).toBe(201);
    const { wallet } = (await call('GET', '/api/ft/wallets/FT_API_ZERO')).body;
    expect(wallet.min_bet).toBe('0.000000');
    expect(wallet.min_edge).toBeNull();
    expect(wallet.price_min).toBe('0.000000');
    expect(wallet.min_trader_resolved_count).toBe(30);
    expect(wallet.max_bet).toBe('10.000000');
    expect(wallet.kelly_fraction).toBe('0.250000');
    expect(wallet.allocation_method).toBe('FIXED');
    expect(wallet.model_threshold).toBeNull();
    expect(wallet.target_traders).toEqual([]);
    expect(wallet.is_active).toBe(true);
    expect(wallet.end_date).toBeNull();
  });

  it('GET /api/ft/wallets lists the strategies with their cash', async () => {
    const r = await call('GET', '/api/ft/wallets');
    expect(r.status).toBe(200);
    const ids = r.body.wallets.map((w: Json) => w.wallet_id);
    expect(ids).toEqual(['FT_API_ONE', 'FT_API_ZERO']);
    const one = r.body.wallets.find((w: Json) => w.wallet_id === 'FT_API_ONE');
    expect(one).toMatchObject({ cash: '1000.000000', realized_pnl: '0.000000', orders: 0, open: 0, win_rate: null });
  });

  it('GET /api/ft/wallets/{id} returns wallet, summary and skipped; an unknown id is 404 problem', async () => {
    const r = await call('GET', '/api/ft/wallets/FT_API_ONE');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['skipped', 'summary', 'wallet']);
    expect(r.body.wallet.wallet_id).toBe('FT_API_ONE');
    expect(r.body.summary).toMatchObject({ wallet_id: 'FT_API_ONE', cash: '1000.000000' });
    expect(r.body.skipped).toEqual({});
    const missing = await call('GET', '/api/ft/wallets/FT_NOPE');
    expect(missing.status).toBe(404);
    expect(missing.type).toContain(PROBLEM);
    expect(missing.body).toMatchObject({ status: 404, detail: 'FT_NOPE' });
    const badId = await call('GET', '/api/ft/wallets/not-an-id');
    expect(badId.status).toBe(400);
    expect(badId.type).toContain(PROBLEM);
  });

  it('PUT replaces the settings, keeps start_date, and refuses unknown ids and invalid bodies', async () => {
    const before = (await call('GET', '/api/ft/wallets/FT_API_ONE')).body.wallet;
    await new Promise((done) => setTimeout(done, 20)); // a "now" start date would differ
    const r = await call('PUT', '/api/ft/wallets/FT_API_ONE',
      { bet_size: '3.5', description: 'replaced', target_traders: [ADDRESS] });
    expect(r.status).toBe(200);
    const after = (await call('GET', '/api/ft/wallets/FT_API_ONE')).body.wallet;
    expect(after.bet_size).toBe('3.500000');
    expect(after.description).toBe('replaced');
    expect(after.target_traders).toEqual([ADDRESS.toLowerCase()]);
    expect(after.price_min).toBe('0.000000'); // replaced, not merged: back to the default
    expect(after.start_date).toBe(before.start_date);
    expect(r.body.wallet.start_date).toBe(before.start_date);
    const missing = await call('PUT', '/api/ft/wallets/FT_NOPE', { bet_size: '1' });
    expect(missing.status).toBe(404);
    expect(missing.type).toContain(PROBLEM);
    const bad = await call('PUT', '/api/ft/wallets/FT_API_ONE', { price_min: '0.9', price_max: '0.1' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.length).toBeGreaterThan(0);
    expect((await call('GET', '/api/ft/wallets/FT_API_ONE')).body.wallet.bet_size).toBe('3.500000');
  });

  it('GET /api/openapi.json is an OpenAPI 3.1 document (no token needed) listing the routes', async () => {
    const r = await call('GET', '/api/openapi.json', undefined, null);
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\.1\./);
    expect(r.body.info.version).toBe('9.9.9-test');
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(
      ['/api/health', '/api/ft/wallets', '/api/ft/wallets/{id}', '/api/ft/sync']));
    expect(r.body.paths['/api/ft/wallets'].post).toBeDefined();
    expect(r.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('POST /api/ft/sync with no ft-sync job configured reports it did not run', async () => {
    const r = await call('POST', '/api/ft/sync', undefined, operator);
    expect(r.status).toBe(200);
    expect(r.body.ran).toBe(false);
    expect(r.body.reason).toMatch(/ft-sync/);
  });

  it('an unknown /api path is 404 problem+json once signed in', async () => {
    const r = await call('GET', '/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.type).toContain(PROBLEM);
  });
});

describe(`API input edge cases on ${backendName}`, () => {
  it('answers malformed JSON with 400 and a missing content type with 415, as problem+json', async () => {
    const bad = await app.request('/api/ft/wallets', {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{bad json',
    });
    expect([bad.status, bad.headers.get('content-type')]).toEqual([400, PROBLEM]);
    const untyped = await app.request('/api/ft/wallets', {
      method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}',
    });
    expect(untyped.status).toBe(415);
  });

  it('refuses a replacement whose end_date is before the stored start_date with 400', async () => {
    expect((await call('POST', '/api/ft/wallets', strategy('FT_DATES', { start_date: '2026-01-01T00:00:00Z' }))).status).toBe(201);
    const r = await call('PUT', '/api/ft/wallets/FT_DATES', { end_date: '2025-01-01T00:00:00Z' });
    expect([r.status, r.type]).toEqual([400, PROBLEM]);
  });

  it('refuses text with NUL characters with 400', async () => {
    const r = await call('POST', '/api/ft/wallets', strategy('FT_NUL', { description: 'nul\u0000byte' }));
    const k = await call('POST', '/api/ft/wallets', strategy('FT_NUL', { market_categories: ['a\u0000b'] }));
    expect([r.status, k.status]).toEqual([400, 400]);
  });

  it('answers 404 for the orders of an unknown strategy', async () => {
    expect((await call('GET', '/api/ft/wallets/FT_NOPE/orders')).status).toBe(404);
  });
});
