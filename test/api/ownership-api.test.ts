/**
 * Ownership at the API, with two plain users and an operator on one database and real runs of the jobs:
 * FT strategies are the catalogue's (readable by all, writable by an operator) or their owner's (another plain user
 * gets 404, the same answer as for an unknown id, on every read, write and listing); the global jobs and the
 * system-wide views are the operator's (403 for a plain user); the job runs show a plain user only their own items;
 * FT creates and replaces are audited; an LT strategy mirrors only an FT strategy its owner can read
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { ftConfigForStrategy } from '../../src/engine/lt-ft-config.ts';
import { createLtStrategy, launchLtStrategy, pauseLtStrategy } from '../../src/engine/lt-strategies.ts';
import { syncFtOnce } from '../../src/engine/ft-sync.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { resolveLt } from '../../src/engine/lt-resolve.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { resolveFtMarkets } from '../../src/engine/ft-resolve.ts';
import type { TradeSource } from '../../src/engine/ports.ts';
import { normalizeTradeRecords } from '../../src/feeds/data-api-record.ts';
import { startScheduler, type Scheduler } from '../../src/jobs/schedule.ts';
import { silentLog } from '../../src/log.ts';
import { dashboardVersion } from '../../src/store/events-store.ts';
import { getLtStrategy } from '../../src/store/lt-strategy-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { callApp, type Json } from '../support/api-client.ts';
import { record } from '../support/ft-world.ts';
import { createLtWorld, finalMarket, SIGNER, type LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';

let w: LtWorld;
let app: ReturnType<typeof createApp>;
let scheduler: Scheduler;
let alice: string; // plain user: the world's (its live strategy LT_FT_COPY_ALL trades)
let bob: string; // plain user: owns FT_BOB, and a shadow LT_FT_COPY_ALL of his own (same id as alice's), paused
let ops: string; // operator
let aliceId: string;
let bobId: string;
/** Trades the ft-sync job's source hands over at its next run */
const pending: Record<string, unknown>[] = [];

const call = (method: string, path: string, body: unknown, auth: string) => callApp(app, method, path, body, auth);
const get = (path: string, auth: string) => call('GET', path, undefined, auth);
const mine = (over: Json = {}) => ({ use_model: false, min_edge: null, min_trader_resolved_count: null, bet_size: '10',
  start_date: '2026-01-01T00:00:00Z', ...over });
/** A 404 answer with its id taken out, to compare another user's strategy with an unknown one */
const shape = (r: { status: number; type: string; body: Json }, id: string) =>
  ({ status: r.status, type: r.type, body: JSON.parse(JSON.stringify(r.body).replaceAll(id, '<id>')) });
const auditOf = async (userId: string) => w.ft.t.db.query<{ strategy_id: string; command: string; detail: Json }>(
  `SELECT strategy_id, command, detail FROM lt_audit WHERE user_id = $1 AND command LIKE 'ft.%' ORDER BY at, audit_id`, [userId]);
const runCount = async () => (await w.ft.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM job_runs'))[0]!.n;

beforeAll(async () => {
  w = await createLtWorld();
  const { db } = w.ft.t;
  const clock = w.ft.clock;
  alice = w.token;
  aliceId = w.userId;
  ({ token: bob, user: { userId: bobId } } = await createUser(db, 'bob'));
  ({ token: ops } = await createUser(db, 'ops', 'operator'));
  const source: TradeSource = { name: 'test', fetchTrades: async () => ({ ...normalizeTradeRecords(pending.splice(0)), errors: [], requests: 1 }) };
  scheduler = startScheduler([
    { name: 'ft-sync', cron: null, run: () => syncFtOnce({ ...w.ft.deps, source }) },
    { name: 'ft-resolve', cron: null, run: () => resolveFtMarkets({ db, markets: w.ft.markets, clock }) },
    { name: 'lt-execute', cron: null, run: async () => ({ sync: await syncLtOrders(w.deps), execute: await executeLt(w.deps) }) },
    { name: 'lt-resolve', cron: null, run: () => resolveLt(w.deps) },
  ], { db, clock, log: silentLog });
  app = createApp({ db, clock, log: silentLog, venue: w.venue, version: 'test', runJob: (n) => scheduler.runNow(n) });
  const b = await createLtStrategy({ db, clock }, bobId, { ft_wallet_id: 'FT_COPY_ALL', starting_capital: '500', mode: 'shadow',
    wallet_address: SIGNER });
  if (!b.ok) throw new Error(JSON.stringify(b.error));
  expect((await launchLtStrategy({ db, clock }, bobId, b.value.strategyId)).ok).toBe(true);
  expect((await pauseLtStrategy({ db, clock }, bobId, b.value.strategyId, 'bob holds')).ok).toBe(true);
});

afterAll(async () => {
  await scheduler?.stop();
  await w?.close();
});

describe(`ownership on ${backendName}`, () => {
  it('a plain user creates an FT strategy of their own, audited as ft.create', async () => {
    const r = await call('POST', '/api/ft/wallets', { wallet_id: 'FT_BOB', ...mine({ price_max: '0.1' }) }, bob);
    expect(r.status).toBe(201);
    const [row] = await w.ft.t.db.query<{ owner_user_id: string }>('SELECT owner_user_id FROM ft_wallets WHERE wallet_id = $1', ['FT_BOB']);
    expect(row!.owner_user_id).toBe(bobId);
    const audit = await auditOf(bobId);
    expect(audit.map((a) => [a.strategy_id, a.command])).toEqual([['FT_BOB', 'ft.create']]);
    expect(audit[0]!.detail.config).toMatchObject({ walletId: 'FT_BOB', priceMax: { $micros: '0.100000' } });
    const listed = (await get('/api/lt/audit', bob)).body.audit as Json[];
    expect(listed.map((a) => [a.strategy_id, a.command])).toContainEqual(['FT_BOB', 'ft.create']);
  });

  it("another plain user's FT strategy answers exactly as an unknown id: GET one, GET orders, PUT", async () => {
    for (const [method, suffix, body] of [['GET', '', undefined], ['GET', '/orders', undefined],
      ['PUT', '', mine({ bet_size: '99' })]] as const) {
      const theirs = await call(method, `/api/ft/wallets/FT_BOB${suffix}`, body, alice);
      const unknown = await call(method, `/api/ft/wallets/FT_NOPE${suffix}`, body, alice);
      expect(theirs.status, `${method} ${suffix}`).toBe(404);
      expect(shape(theirs, 'FT_BOB'), `${method} ${suffix}`).toEqual(shape(unknown, 'FT_NOPE'));
      expect(theirs.body.title).toBe('No such strategy');
    }
    expect((await get('/api/ft/wallets/FT_BOB', bob)).body.wallet.bet_size).toBe('10.000000');
    expect(await auditOf(aliceId)).toEqual([]);
  });

  it("lists never show another user's FT strategy (wallets, overview); the owner and the operator see it", async () => {
    const ids = async (auth: string) => ((await get('/api/ft/wallets?limit=500', auth)).body.wallets as Json[]).map((x) => x.wallet_id);
    const overview = async (auth: string) => ((await get('/api/overview', auth)).body.ft as Json[]).map((x) => x.wallet_id);
    expect(await ids(alice)).toEqual(['FT_COPY_ALL']);
    expect(await overview(alice)).toEqual(['FT_COPY_ALL']);
    expect(await ids(bob)).toEqual(['FT_BOB', 'FT_COPY_ALL']);
    expect(await overview(bob)).toEqual(['FT_BOB', 'FT_COPY_ALL']);
    expect(await ids(ops)).toEqual(['FT_BOB', 'FT_COPY_ALL']);
    expect((await get('/api/ft/wallets/FT_BOB', ops)).status).toBe(200);
  });

  it("another user's FT strategy does not move a user's dashboard version (the event stream's change detection)", async () => {
    const before = await dashboardVersion(w.ft.t.db, aliceId);
    const bobBefore = await dashboardVersion(w.ft.t.db, bobId);
    w.ft.clock.advance(1_000);
    expect((await call('PUT', '/api/ft/wallets/FT_BOB', mine({ price_max: '0.1', is_active: false }), bob)).status).toBe(200);
    expect(await dashboardVersion(w.ft.t.db, aliceId)).toBe(before);
    expect(await dashboardVersion(w.ft.t.db, bobId)).not.toBe(bobBefore);
    expect((await call('PUT', '/api/ft/wallets/FT_BOB', mine({ price_max: '0.1' }), bob)).status).toBe(200);
    const replaced = (await auditOf(bobId)).filter((a) => a.command === 'ft.replace');
    expect(replaced.map((a) => a.detail.changed)).toEqual([{ isActive: { from: true, to: false } }, { isActive: { from: false, to: true } }]);
  });

  it('the catalogue is read-only to a plain user (403) and writable by an operator, audited as ft.replace', async () => {
    const r = await call('PUT', '/api/ft/wallets/FT_COPY_ALL', mine({ bet_size: '1' }), alice);
    expect(r.status).toBe(403);
    expect(r.type).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 403, title: 'The catalogue is read-only' });
    expect((await get('/api/ft/wallets/FT_COPY_ALL', alice)).body.wallet.bet_size).toBe('10.000000');
    const byOps = await call('PUT', '/api/ft/wallets/FT_COPY_ALL', mine({ bet_size: '12' }), ops);
    expect(byOps.status).toBe(200);
    expect(byOps.body.wallet.bet_size).toBe('12.000000');
    const [opsId] = (await w.ft.t.db.query<{ user_id: string }>(`SELECT user_id FROM users WHERE name = 'ops'`)).map((u) => u.user_id);
    expect((await auditOf(opsId!)).map((a) => [a.strategy_id, a.command, a.detail.changed]))
      .toEqual([['FT_COPY_ALL', 'ft.replace', { betSize: { from: { $micros: '10.000000' }, to: { $micros: '12.000000' } } }]]);
    // The operator may also change a user's own strategy
    expect((await call('PUT', '/api/ft/wallets/FT_BOB', mine({ price_max: '0.1' }), ops)).status).toBe(200);
  });

  it("an LT strategy on another user's FT strategy answers as on an unknown one, and the engine never mirrors it", async () => {
    const body = (ft: string) => ({ ft_wallet_id: ft, starting_capital: '100', wallet_address: SIGNER });
    const theirs = await call('POST', '/api/lt/strategies', body('FT_BOB'), alice);
    const unknown = await call('POST', '/api/lt/strategies', body('FT_NOPE'), alice);
    expect(theirs.status).toBe(404);
    expect(shape(theirs, 'FT_BOB')).toEqual(shape(unknown, 'FT_NOPE'));
    expect((await get('/api/lt/strategies', alice)).body.strategies.map((s: Json) => s.strategy.strategy_id)).toEqual(['LT_FT_COPY_ALL']);
    // A strategy row that named another user's FT strategy (forged here) gets no FT configuration to trade with
    const s = (await getLtStrategy(w.ft.t.db, aliceId, 'LT_FT_COPY_ALL'))!;
    await expect(ftConfigForStrategy(w.ft.t.db, { ...s, ftWalletId: 'FT_BOB' })).rejects.toThrow(/not readable by its owner/);
    expect((await ftConfigForStrategy(w.ft.t.db, s)).walletId).toBe('FT_COPY_ALL');
  });

  it.each([['POST', '/api/ft/sync'], ['POST', '/api/ft/resolve'], ['POST', '/api/lt/execute'], ['POST', '/api/lt/resolve'],
    ['GET', '/api/ft/input-rejects']])('%s %s is 403 "Operator only" for a plain user and runs nothing', async (method, path) => {
    const runs = await runCount();
    for (const auth of [alice, bob]) {
      const r = await call(method, path, undefined, auth);
      expect(r.status).toBe(403);
      expect(r.type).toContain('application/problem+json');
      expect(r.body).toMatchObject({ status: 403, title: 'Operator only' });
    }
    expect(await runCount()).toBe(runs);
  });

  it('declares the 403s in the OpenAPI document', async () => {
    const doc = (await callApp(app, 'GET', '/api/openapi.json', undefined, null)).body;
    for (const [path, method] of [['/api/ft/sync', 'post'], ['/api/ft/resolve', 'post'], ['/api/lt/execute', 'post'],
      ['/api/lt/resolve', 'post'], ['/api/ft/input-rejects', 'get'], ['/api/ft/wallets/{id}', 'put']] as const) {
      expect(doc.paths[path][method].responses['403'], `${method} ${path}`).toBeDefined();
    }
  });

  it("the operator runs the jobs; each plain user's job runs show only their own items, never the other's ids", async () => {
    w.asks([['0.5', '1000']]);
    pending.push(record({ timestamp: Math.floor(w.ft.clock.now().getTime() / 1000) }));
    const sync = await call('POST', '/api/ft/sync', undefined, ops);
    expect(sync.body).toMatchObject({ ran: true, report: { newTrades: 1, ordersCreated: 1, skipped: { FT_BOB: expect.any(Object) } } });
    const exec = await call('POST', '/api/lt/execute', undefined, ops);
    expect(exec.status).toBe(200);
    const report = exec.body.report.execute as Json;
    // alice's live strategy ordered; bob's paused one skipped the entry
    expect(report.submissions).toHaveLength(1);
    expect(report.skips.map((k: Json) => k.userId)).toEqual([bobId]);
    expect(report.latencies.map((l: Json) => l.userId)).toEqual([aliceId]);
    const aliceOrder = report.submissions[0].orderId as string;
    w.ft.markets.setMarket(finalMarket([1_000000n, 0n]));
    expect((await call('POST', '/api/ft/resolve', undefined, ops)).body.ran).toBe(true);
    expect((await call('POST', '/api/lt/resolve', undefined, ops)).body.ran).toBe(true);

    const runs = async (auth: string) => (await get('/api/jobs/runs?limit=50', auth)).body.runs as Json[];
    const byJob = (rs: Json[], job: string) => rs.filter((r) => r.job === job);
    const all = await runs(ops);
    expect(all.map((r) => r.job).sort()).toEqual(['ft-resolve', 'ft-sync', 'lt-execute', 'lt-resolve']);
    expect(byJob(all, 'lt-execute')[0]!.detail.execute.skips).toHaveLength(1);
    expect(byJob(all, 'ft-sync')[0]!.detail.skipped.FT_BOB).toBeDefined();

    const a = await runs(alice);
    expect(a.map((r) => r.run_id)).toEqual(all.map((r) => r.run_id));
    const aExec = byJob(a, 'lt-execute')[0]!.detail;
    expect(aExec.execute.submissions.map((s: Json) => s.orderId)).toEqual([aliceOrder]);
    expect(aExec.execute.latencies.map((l: Json) => l.userId)).toEqual([aliceId]);
    expect(aExec.execute.skips).toEqual([]);
    expect(aExec.execute.strategies).toBeUndefined(); // no global counts
    expect(Object.keys(byJob(a, 'ft-sync')[0]!.detail.skipped)).not.toContain('FT_BOB');
    expect(JSON.stringify(a)).not.toContain(bobId);
    expect(JSON.stringify(a)).not.toContain('FT_BOB');

    const b = await runs(bob);
    const bExec = byJob(b, 'lt-execute')[0]!.detail;
    expect(bExec.execute.submissions).toEqual([]);
    expect(bExec.execute.skips.map((k: Json) => [k.userId, k.strategyId])).toEqual([[bobId, 'LT_FT_COPY_ALL']]);
    expect(byJob(b, 'ft-sync')[0]!.detail.skipped.FT_BOB).toEqual(byJob(all, 'ft-sync')[0]!.detail.skipped.FT_BOB);
    expect(JSON.stringify(b)).not.toContain(aliceId);
    expect(JSON.stringify(b)).not.toContain(aliceOrder);
  });
});
