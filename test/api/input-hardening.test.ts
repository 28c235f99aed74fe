/**
 * Input at the boundary (issue 12), with real requests against the in-process app: NUL and unpaired surrogates refused in
 * every kind of field (path, query, body, nested, keys) with an issue at the field; a required body is required; a
 * number finer than its column is refused, not cut; an idempotent deposit or withdrawal replayed with other content is
 * 409; the per-token rate limit answers 429 with Retry-After and recovers as its bucket refills; and every response
 * carries the security headers. Each refusal is checked to leave the state as it was
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { unstorableAt } from '../../src/api/input-guard.ts';
import { FtWalletCreate, FtWalletReplace } from '../../src/api/schemas/ft.ts';
import { KillSwitchInput, LtCreateInput, LtSettingsPatch, MoneyMove, PauseInput } from '../../src/api/schemas/lt.ts';
import { loadConfig } from '../../src/config.ts';
import { LinkWalletInput } from '../../src/engine/user-wallets.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { silentLog } from '../../src/log.ts';
import { createUser } from '../../src/store/user-store.ts';
import { callApp, idleVenue, type Json } from '../support/api-client.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

let t: TestDb;
let app: ReturnType<typeof createApp>;
let token: string;
let doc: Json;
const clock = new ManualClock('2026-03-01T12:00:00Z');
const PROBLEM = 'application/problem+json';
const WALLET = `0x${'cd'.repeat(20)}`;
const NUL = 'a\u0000b';
const HIGH = 'a\ud800b'; // a high surrogate with no low one after it
const LOW = '\udc00b'; // a low surrogate with no high one before it

const deps = () => ({ db: t.db, clock, log: silentLog, venue: idleVenue(clock), version: 'test',
  runJob: async () => ({ ran: false, reason: 'test' }) });
const call = (method: string, path: string, body?: unknown, auth: string | null = token) => callApp(app, method, path, body, auth);
/** A request with a raw body and content type (or none) */
const raw = async (method: string, path: string, body: string | undefined, type: string | null) => {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (type) headers['content-type'] = type;
  const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : null) as Json };
};
const ft = async (id: string) => (await call('GET', `/api/ft/wallets/${id}`)).body.wallet as Json;
const lt = async (id: string) => (await call('GET', `/api/lt/strategies/${id}`)).body as Json;
/** The issue paths of a 400 problem */
const paths = (r: { body: Json }) => ((r.body.issues ?? []) as Json[]).map((i) => i.path);

beforeAll(async () => {
  t = await openTestDb();
  app = createApp(deps());
  token = (await createUser(t.db, 'input-alice')).token;
  doc = (await call('GET', '/api/openapi.json', undefined, null)).body;
  // an FT strategy switched off and a launched LT strategy to refuse changes to
  expect((await call('POST', '/api/ft/wallets', { wallet_id: 'FT_IN', bet_size: '2.5', is_active: false })).status).toBe(201);
  expect((await call('POST', '/api/lt/strategies', { ft_wallet_id: 'FT_IN', starting_capital: '100', wallet_address: WALLET })).status)
    .toBe(201);
  expect((await call('POST', '/api/lt/strategies/LT_FT_IN/launch', {})).status).toBe(200);
  expect((await call('POST', '/api/ft/wallets', { wallet_id: 'FT_OTHER' })).status).toBe(201);
});
afterAll(async () => t?.close());

describe(`text that cannot be stored, on ${backendName}`, () => {
  it('the walker finds NUL and unpaired surrogates in values and keys at any depth, and passes pairs', () => {
    expect(unstorableAt({ a: [1, { b: NUL }] })).toEqual(['a', 1, 'b']);
    expect(unstorableAt({ ok: 'x', [HIGH]: 1 })).toEqual([HIGH]);
    expect(unstorableAt([LOW])).toEqual([0]);
    expect(unstorableAt({ emoji: 'chart \ud83d\udcc8', n: 1, z: null, t: true })).toBeNull();
  });

  it.each([
    ['NUL', NUL], ['a lone high surrogate', HIGH], ['a lone low surrogate', LOW],
  ])('each request schema refuses %s in its own text fields, at the field (the guard aside)', (_what, bad) => {
    const cases: [{ safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } }, Json, PropertyKey[]][] = [
      [LtCreateInput, { ft_wallet_id: bad, starting_capital: '1' }, ['ft_wallet_id']],
      [LtSettingsPatch, { order_type: bad }, ['order_type']],
      [LtSettingsPatch, { wallet_address: bad }, ['wallet_address']],
      [MoneyMove, { amount: '1', ref: bad }, ['ref']],
      [PauseInput, { reason: bad }, ['reason']],
      [KillSwitchInput, { engaged: true, reason: bad }, ['reason']],
      [FtWalletCreate, { wallet_id: 'FT_X', hypothesis: bad }, ['hypothesis']],
      [FtWalletCreate, { wallet_id: 'FT_X', exclude_market_keywords: [bad] }, ['exclude_market_keywords', 0]],
      [FtWalletReplace, { target_trader_name: bad }, ['target_trader_name']],
      [FtWalletReplace, { wallet_id: bad }, ['wallet_id']],
      [LinkWalletInput, { address: WALLET, api_key: bad, api_secret: 's', api_passphrase: 'p' }, ['api_key']],
    ];
    for (const [schema, value, at] of cases) {
      const r = schema.safeParse(value);
      expect(r.success, JSON.stringify(at)).toBe(false);
      expect(r.error!.issues.map((i) => i.path), JSON.stringify(at)).toContainEqual(at);
    }
  });

  it.each([
    ['NUL', NUL], ['a lone high surrogate', HIGH], ['a lone low surrogate', LOW],
  ])('refuses %s in body fields of several operations with 400 and an issue at the field, changing nothing', async (_what, bad) => {
    const cases: [string, string, Json, (string | number)[]][] = [
      ['POST', '/api/lt/strategies', { ft_wallet_id: `FT_${bad}`, starting_capital: '10' }, ['ft_wallet_id']],
      ['POST', '/api/lt/strategies/LT_FT_IN/pause', { reason: bad }, ['reason']],
      ['POST', '/api/lt/kill-switch', { engaged: true, reason: bad }, ['reason']],
      ['PATCH', '/api/lt/strategies/LT_FT_IN', { mode: bad }, ['mode']],
      ['POST', '/api/lt/strategies/LT_FT_IN/deposit', { amount: '1', ref: bad }, ['ref']],
      ['POST', '/api/ft/wallets', { wallet_id: 'FT_BAD', description: bad }, ['description']],
      ['POST', '/api/ft/wallets', { wallet_id: 'FT_BAD', market_categories: ['sports', bad] }, ['market_categories', 1]],
      ['PUT', '/api/ft/wallets/FT_IN', { wallet_id: bad, is_active: true }, ['wallet_id']],
      ['POST', '/api/wallets', { address: WALLET, api_key: 'k', api_secret: 's', api_passphrase: 'p', label: bad }, ['label']],
    ];
    const before = { ft: await ft('FT_IN'), lt: await lt('LT_FT_IN') };
    for (const [method, path, body, at] of cases) {
      const r = await call(method, path, body);
      expect([r.status, r.type], `${method} ${path}`).toEqual([400, PROBLEM]);
      expect(paths(r), `${method} ${path}`).toContainEqual(at);
    }
    expect(await ft('FT_IN')).toEqual(before.ft);
    expect(await lt('LT_FT_IN')).toEqual(before.lt);
    expect((await call('GET', '/api/lt/strategies')).body.strategies).toHaveLength(1);
    expect((await call('GET', '/api/wallets')).body.wallets).toEqual([]);
    expect((await call('GET', '/api/ft/wallets/FT_BAD')).status).toBe(404);
  });

  it('refuses a key that cannot be stored, and a field the schema ignores, by the guard', async () => {
    const key = await call('POST', '/api/lt/kill-switch', { engaged: true, [NUL]: 1 });
    expect([key.status, paths(key)]).toEqual([400, [[NUL]]]);
    const ignored = await call('PUT', '/api/ft/wallets/FT_IN', { wallet_id: LOW });
    expect([ignored.status, paths(ignored)]).toEqual([400, [['wallet_id']]]);
    expect((await call('GET', '/api/lt/kill-switch')).body.engaged).toBe(false);
    expect((await ft('FT_IN')).is_active).toBe(false);
  });

  it('refuses NUL and an undecodable surrogate in path parameters and the query, each at its field', async () => {
    const cases: [string, string, (string | number)[]][] = [
      ['GET', '/api/ft/wallets/FT_IN%00', ['id']],
      ['GET', '/api/ft/wallets/FT_%ED%A0%80', ['id']], // UTF-8 of U+D800
      ['POST', '/api/lt/strategies/LT_FT_IN%00/resume', ['id']],
      ['GET', `/api/wallets/${WALLET}%00`, ['address']],
      ['GET', '/api/lt/orders?strategy_id=LT_FT_IN%00', ['strategy_id']],
      ['GET', '/api/lt/audit?strategy_id=LT_%ED%B0%80', ['strategy_id']],
      ['GET', '/api/alerts/acknowledgements?alert_ids=%00', ['alert_ids']],
      ['GET', '/api/lt/orders?cursor=%00', ['cursor']],
      ['GET', '/api/ft/wallets?unused=a%00b', ['unused']], // a parameter no route reads: the guard's
    ];
    for (const [method, path, at] of cases) {
      const r = await call(method, path, method === 'GET' ? undefined : {});
      expect([r.status, r.type], path).toEqual([400, PROBLEM]);
      expect(paths(r), path).toContainEqual(at);
    }
    expect((await lt('LT_FT_IN')).strategy.is_paused).toBe(false);
  });

  it('takes well-formed text: a surrogate pair (emoji) is stored and read back as sent', async () => {
    const r = await call('POST', '/api/ft/wallets', { wallet_id: 'FT_EMOJI', description: 'up \ud83d\udcc8', market_categories: ['⚽'] });
    expect(r.status).toBe(201);
    expect((await ft('FT_EMOJI')).description).toBe('up \ud83d\udcc8');
  });
});

describe(`a required body is required, on ${backendName}`, () => {
  /** Every operation whose OpenAPI request body is required, with its path's parameters filled in */
  const required = () => Object.entries(doc.paths as Json).flatMap(([path, item]) => Object.entries(item as Json)
    .filter(([, op]) => (op as Json).requestBody?.required === true)
    .map(([method]) => ({ method: method.toUpperCase(), path: path.replace('{id}', 'LT_FT_IN').replace('/api/ft/wallets/LT_FT_IN', '/api/ft/wallets/FT_IN') })));

  it('lists the operations that need a body (at least the FT and LT writes)', () => {
    const ops = required().map((o) => `${o.method} ${o.path}`);
    expect(ops).toEqual(expect.arrayContaining(['POST /api/ft/wallets', 'PUT /api/ft/wallets/FT_IN', 'POST /api/lt/strategies',
      'PATCH /api/lt/strategies/LT_FT_IN', 'POST /api/lt/strategies/LT_FT_IN/deposit', 'POST /api/lt/strategies/LT_FT_IN/withdraw',
      'POST /api/lt/kill-switch', 'POST /api/wallets']));
  });

  it('answers each of them 400 without a body, with an empty JSON body and with null, and changes nothing', async () => {
    const before = { ft: await ft('FT_IN'), lt: await lt('LT_FT_IN') };
    for (const { method, path } of required()) {
      for (const [body, type] of [[undefined, null], ['', 'application/json'], ['  ', 'application/json'], ['null', 'application/json']] as const) {
        const r = await raw(method, path, body, type);
        expect([r.status, r.type], `${method} ${path} ${JSON.stringify(body)} ${type}`).toEqual([400, PROBLEM]);
      }
      const other = await raw(method, path, '{}', 'text/plain');
      expect([other.status, other.type], `${method} ${path} text/plain`).toEqual([415, PROBLEM]);
    }
    expect(await ft('FT_IN')).toEqual(before.ft);
    expect((await ft('FT_IN')).is_active).toBe(false); // no body never means "all defaults"
    expect(await lt('LT_FT_IN')).toEqual(before.lt);
    expect((await call('GET', '/api/lt/kill-switch')).body.engaged).toBe(false);
  });

  it('still takes an optional body when absent (pause without a reason), and a malformed one is 400', async () => {
    const bad = await raw('POST', '/api/lt/strategies/LT_FT_IN/pause', '{"reason":', 'application/json');
    expect([bad.status, bad.type]).toEqual([400, PROBLEM]);
    expect((await lt('LT_FT_IN')).strategy.is_paused).toBe(false);
    const r = await raw('POST', '/api/lt/strategies/LT_FT_IN/pause', undefined, null);
    expect([r.status, r.body.strategy.pause_reason]).toEqual([200, 'paused by operator']);
    expect((await call('POST', '/api/lt/strategies/LT_FT_IN/resume', {})).status).toBe(200);
  });
});

describe(`numbers finer than their column, on ${backendName}`, () => {
  it.each([
    ['price_max', '1.0000001'], ['price_max', 0.9999999], ['starting_balance', 1e-7], ['starting_balance', '0.0000001'],
    ['bet_size', '1.2345678'], ['kelly_fraction', 1e-13], ['min_edge', '-0.12345678'], ['dead_market_max_drift_pct', '80.0000001'],
  ])('FT %s = %j is refused at its field on create and replace, and the stored row stays', async (field, value) => {
    const before = await ft('FT_IN');
    const created = await call('POST', '/api/ft/wallets', { wallet_id: 'FT_FINE', [field]: value });
    expect([created.status, paths(created)]).toEqual([400, [[field]]]);
    expect((await call('GET', '/api/ft/wallets/FT_FINE')).status).toBe(404);
    const replaced = await call('PUT', '/api/ft/wallets/FT_IN', { bet_size: '2.5', is_active: false, [field]: value });
    expect([replaced.status, paths(replaced)]).toEqual([400, [[field]]]);
    expect(await ft('FT_IN')).toEqual(before);
  });

  it('takes six decimals, and trailing zeros past them (the same value)', async () => {
    const r = await call('POST', '/api/ft/wallets', { wallet_id: 'FT_SIX', price_max: '0.9999990', starting_balance: 1e-6, bet_size: '1.234567' });
    expect(r.status).toBe(201);
    expect([r.body.wallet.price_max, r.body.wallet.starting_balance, r.body.wallet.bet_size]).toEqual(['0.999999', '0.000001', '1.234567']);
  });

  it.each([
    ['starting_capital', '10.0000001'], ['min_order_usd', 1e-13], ['max_order_usd', '5.1234567'], ['slippage_tolerance_pct', '0.12345'],
    ['max_drawdown_pct', 1e-5], ['tolerance_spread_multiple', '1.00001'],
  ])('LT %s = %j is refused at its field on create and on change, and the strategy stays', async (field, value) => {
    const before = await lt('LT_FT_IN');
    const created = await call('POST', '/api/lt/strategies', { ft_wallet_id: 'FT_OTHER', starting_capital: '10', [field]: value });
    expect([created.status, paths(created)]).toEqual([400, [[field]]]);
    if (field !== 'starting_capital') {
      const changed = await call('PATCH', '/api/lt/strategies/LT_FT_IN', { [field]: value });
      expect([changed.status, paths(changed)]).toEqual([400, [[field]]]);
    }
    expect(await lt('LT_FT_IN')).toEqual(before);
    expect((await call('GET', '/api/lt/strategies')).body.strategies).toHaveLength(1);
  });

  it.each(['deposit', 'withdraw'])('a %s of 1.0000001 or 1e-7 is refused and books nothing', async (move) => {
    const before = (await lt('LT_FT_IN')).capital;
    for (const amount of ['1.0000001', 1e-7, 1e-13]) {
      const r = await call('POST', `/api/lt/strategies/LT_FT_IN/${move}`, { amount });
      expect([r.status, paths(r)], String(amount)).toEqual([400, [['amount']]]);
    }
    expect((await lt('LT_FT_IN')).capital).toEqual(before);
  });
});

describe(`idempotent capital moves, on ${backendName}`, () => {
  it.each([['deposit', 'dep-1'], ['withdraw', 'wd-1']])('a %s replayed with the same ref and amount books once; another amount is 409',
    async (move, ref) => {
      const path = `/api/lt/strategies/LT_FT_IN/${move}`;
      const first = await call('POST', path, { amount: '5', ref });
      expect([first.status, first.body.booked]).toEqual([200, true]);
      const again = await call('POST', path, { amount: '5.000000', ref });
      expect([again.status, again.body.booked, again.body.ref]).toEqual([200, false, first.body.ref]);
      expect(again.body.capital).toEqual(first.body.capital);
      for (const amount of ['6', '5.000001', 1]) {
        const other = await call('POST', path, { amount, ref });
        expect([other.status, other.type, other.body.title], String(amount)).toEqual([409, PROBLEM, 'Conflict']);
        expect(other.body.detail).toContain('same amount');
      }
      expect((await lt('LT_FT_IN')).capital).toEqual(first.body.capital);
      const audit = (await call('GET', '/api/lt/audit?strategy_id=LT_FT_IN')).body.audit as Json[];
      expect(audit.filter((a) => a.detail.ref === first.body.ref && !a.detail.replay)).toHaveLength(1);
    });

  it('declares the 409 on both operations', () => {
    for (const move of ['deposit', 'withdraw']) {
      const op = doc.paths[`/api/lt/strategies/{id}/${move}`].post;
      expect(op.responses['409'].content[PROBLEM].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    }
  });
});

describe(`rate limit per token, on ${backendName}`, () => {
  it('answers 429 with Retry-After past the burst, per token, and again after the bucket refills', async () => {
    let now = 0;
    const limited = createApp({ ...deps(), rateLimit: { perMinute: 60, burst: 3, now: () => now } });
    const bob = (await createUser(t.db, 'input-bob')).token;
    const get = (auth: string) => limited.request('/api/lt/kill-switch', { headers: { authorization: `Bearer ${auth}` } });
    for (let k = 0; k < 3; k++) expect((await get(token)).status).toBe(200);
    const over = await get(token);
    expect([over.status, over.headers.get('content-type'), over.headers.get('retry-after')]).toEqual([429, PROBLEM, '1']);
    expect(await over.json()).toMatchObject({ status: 429, title: 'Too many requests' });
    expect((await get(bob)).status).toBe(200); // another token has its own bucket
    expect((await limited.request('/api/health')).status).toBe(200); // public: not counted
    now += 999;
    expect((await get(token)).status).toBe(429);
    now += 1;
    expect((await get(token)).status).toBe(200); // one request a second refills
    expect((await get(token)).status).toBe(429);
    now += 60_000;
    for (let k = 0; k < 3; k++) expect((await get(token)).status).toBe(200); // refilled to the burst, not past it
    expect((await get(token)).status).toBe(429);
  });

  it('is declared on every operation that needs a token, with Retry-After', () => {
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const op of Object.values(item as Json) as Json[]) {
        if (!op.security?.length) continue;
        expect(op.responses['429']?.content?.[PROBLEM], path).toBeDefined();
        expect(op.responses['429'].headers['Retry-After'].schema.type, path).toBe('integer');
      }
    }
  });

  it('comes from TANDEM_RATE_LIMIT: 1800 a minute with bursts of 360 by default, 0 for none', () => {
    expect(loadConfig({}).rateLimit).toEqual({ perMinute: 1800, burst: 360 });
    expect(loadConfig({ TANDEM_RATE_LIMIT: '120' }).rateLimit).toEqual({ perMinute: 120, burst: 24 });
    expect(loadConfig({ TANDEM_RATE_LIMIT: '0' }).rateLimit).toBeNull();
    expect(() => loadConfig({ TANDEM_RATE_LIMIT: '-1' })).toThrow(/TANDEM_RATE_LIMIT/);
  });
});

describe(`security headers, on ${backendName}`, () => {
  it.each([
    ['the dashboard', '/', null], ['a page route', '/lt/LT_X', null], ['the health check', '/api/health', null],
    ['an API read', '/api/ft/wallets', 'token'], ['a 401', '/api/ft/wallets', null], ['a 404', '/api/nope', 'token'],
    ['a 400', '/api/ft/wallets/lower', 'token'],
  ])('on %s (%s)', async (_what, path, auth) => {
    const res = await app.request(path, { headers: auth ? { authorization: `Bearer ${token}` } : {} });
    await res.arrayBuffer();
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
      "form-action 'self'", "object-src 'none'"]) expect(csp, path).toContain(d);
    expect(csp).not.toContain('unsafe');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
