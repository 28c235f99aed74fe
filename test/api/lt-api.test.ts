/**
 * The LT API in-process: auth, one user's strategies invisible to another, validation and refused
 * settings as problem+json, the lifecycle commands and their audit, the kill switch, and capital moves
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { parseFtWallet } from '../../src/domain/ft-wallet.ts';
import { parseMicros } from '../../src/domain/money.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { startScheduler, type Scheduler } from '../../src/jobs/schedule.ts';
import { silentLog } from '../../src/log.ts';
import { createUser } from '../../src/store/user-store.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';
import { callApp, idleVenue, type Json } from '../support/api-client.ts';


let t: TestDb;
let app: ReturnType<typeof createApp>;
let scheduler: Scheduler;
let alice: string;
let bob: string;
/** The global jobs are an operator's alone (a plain user gets 403, test/api/ownership-api.test.ts) */
let operator: string;
const clock = new ManualClock('2026-03-01T12:00:00Z');
const PROBLEM = 'application/problem+json';
const WALLET = '0x' + 'ab'.repeat(20);

const call = (method: string, path: string, body?: unknown, auth: string | null = alice) =>
  callApp(app, method, path, body, auth);
const create = (ft: string, extra: Json = {}, auth = alice) =>
  call('POST', '/api/lt/strategies', { ft_wallet_id: ft, starting_capital: '100', wallet_address: WALLET, ...extra }, auth);
const audit = async (id: string, auth = alice) =>
  ((await call('GET', `/api/lt/audit?strategy_id=${id}`, undefined, auth)).body.audit as Json[]).reverse();
/** available + locked + cooldown = net deposits + realized P&L, recomputed from the response's decimal strings */
const identityHolds = (c: Json) => parseMicros(c.available) + parseMicros(c.locked) + parseMicros(c.cooldown)
  === parseMicros(c.net_deposits) + parseMicros(c.realized_pnl);

beforeAll(async () => {
  t = await openTestDb();
  scheduler = startScheduler([], { db: t.db, clock, log: silentLog });
  app = createApp({ db: t.db, clock, log: silentLog, venue: idleVenue(clock), version: 'test', runJob: (n) => scheduler.runNow(n) });
  alice = (await createUser(t.db, 'alice')).token;
  bob = (await createUser(t.db, 'bob')).token;
  operator = (await createUser(t.db, 'ops', 'operator')).token;
  for (const id of ['FT_SHARED', 'FT_ALICE', 'FT_LIFE', 'FT_CASH', 'FT_SET', 'FT_TOL']) {
    await insertWallet(t.db, parseFtWallet({ wallet_id: id, start_date: '2026-01-01T00:00:00Z' }, clock.now()));
  }
});
afterAll(async () => {
  await scheduler?.stop();
  await t?.close();
});

describe(`LT API on ${backendName}`, () => {
  it.each([
    ['GET', '/api/lt/strategies'], ['POST', '/api/lt/strategies'], ['GET', '/api/lt/strategies/LT_FT_SHARED'],
    ['PATCH', '/api/lt/strategies/LT_FT_SHARED'], ['POST', '/api/lt/strategies/LT_FT_SHARED/launch'],
    ['POST', '/api/lt/kill-switch'], ['GET', '/api/lt/audit'], ['POST', '/api/lt/execute'],
    ['POST', '/api/lt/strategies/LT_FT_SHARED/cancel-open-orders'], ['POST', '/api/lt/cancel-open-orders'],
  ])('%s %s without a valid token is 401 problem+json', async (method, path) => {
    for (const auth of [null, 'tdm_wrong']) {
      const r = await call(method, path, method === 'GET' ? undefined : {}, auth);
      expect([r.status, r.type]).toEqual([401, PROBLEM]);
    }
  });

  it('creates a strategy (201, money as decimal strings, not active); a second create is 409; another user may create theirs', async () => {
    const r = await create('FT_SHARED', { max_drawdown_pct: '12.5', max_order_usd: 40 });
    expect(r.status).toBe(201);
    expect(r.body.strategy).toMatchObject({ strategy_id: 'LT_FT_SHARED', ft_wallet_id: 'FT_SHARED', mode: 'live',
      starting_capital: '100.000000', peak_equity: '100.000000', slippage_tolerance_pct: '0.500000', order_type: 'GTC',
      min_order_usd: '1.000000', max_order_usd: '40.000000', max_drawdown_pct: '12.500000', daily_budget_usd: null,
      max_signal_age_seconds: 300, latency_alert_ms: 2000, is_active: false, is_paused: false, launched_at: null });
    expect(r.body.capital).toMatchObject({ available: '0.000000', equity: '0.000000', drawdown: null, conserved: true });
    // Nothing is deposited before launch, yet the capital shown is the starting capital, said to be not yet funded
    expect(r.body.capital).toMatchObject({ net_deposits: '0.000000', starting_capital: '100.000000', funded: false,
      capital: '100.000000', capital_basis: 'starting_capital', pnl: '0.000000' });
    const again = await create('FT_SHARED', { starting_capital: '999' });
    expect([again.status, again.type, again.body.status]).toEqual([409, PROBLEM, 409]);
    const theirs = await create('FT_SHARED', { starting_capital: '7' }, bob);
    expect([theirs.status, theirs.body.strategy.starting_capital]).toEqual([201, '7.000000']);
    const mine = await call('GET', '/api/lt/strategies/LT_FT_SHARED');
    expect(mine.body.strategy.starting_capital).toBe('100.000000'); // the 409 and bob's create changed nothing of alice's
  });

  it('answers 404 problem for an FT wallet that does not exist', async () => {
    const r = await create('FT_NOPE');
    expect([r.status, r.type]).toEqual([404, PROBLEM]);
    expect(r.body.detail).toMatch(/FT_NOPE/);
  });

  it.each<[string, Json, RegExp]>([
    ['an unknown field', { take_profit_pct: 5 }, /take_profit_pct|unrecognized/i],
    ['FOK with a TTL it would ignore', { order_type: 'FOK', order_ttl_seconds: 30 }, /does nothing/],
    ['GTD without a TTL', { order_type: 'GTD' }, /GTD needs/],
    ['slippage above 100 %', { slippage_tolerance_pct: 101 }, /slippage_tolerance_pct/],
    ['a drawdown of 0 %', { max_drawdown_pct: '0' }, /max_drawdown_pct/],
    ['a wallet that is not an address', { wallet_address: 'alice.eth' }, /wallet_address/],
    ['a float-noise amount', { starting_capital: 0.1 + 0.2 }, /starting_capital/],
    ['an unknown tolerance mode', { tolerance_mode: 'adaptive' }, /tolerance_mode must be one of fixed_pct, ticks, spread/],
    ['negative ticks', { tolerance_mode: 'ticks', tolerance_ticks: -1, slippage_tolerance_pct: '10' }, /tolerance_ticks must be at least 1/],
    ['fractional ticks', { tolerance_mode: 'ticks', tolerance_ticks: 1.5, slippage_tolerance_pct: '10' }, /whole number of ticks/],
    ['ticks mode without its cap', { tolerance_mode: 'ticks', tolerance_ticks: 1 }, /slippage_tolerance_pct is required with tolerance_mode ticks/],
    ['ticks mode without ticks', { tolerance_mode: 'ticks', slippage_tolerance_pct: '10' }, /tolerance_mode ticks needs tolerance_ticks/],
    ['a zero cap', { tolerance_mode: 'spread', tolerance_spread_multiple: '1', slippage_tolerance_pct: '0' }, /must be above 0/],
    ['a spread multiple of 0', { tolerance_mode: 'spread', tolerance_spread_multiple: '0', slippage_tolerance_pct: '5' }, /tolerance_spread_multiple must be/],
    ['a spread multiple under fixed_pct', { tolerance_spread_multiple: '1' }, /does nothing unless tolerance_mode is spread/],
  ])('refuses %s with 400 problem+json and issues, storing nothing', async (_n, extra, message) => {
    const r = await create('FT_SET', extra);
    expect([r.status, r.type]).toEqual([400, PROBLEM]);
    expect(JSON.stringify(r.body.issues)).toMatch(message);
    expect((await call('GET', '/api/lt/strategies/LT_FT_SET')).status).toBe(404);
  });

  it("lists only the user's own strategies, and another user's strategy is 404 for every verb", async () => {
    expect((await create('FT_ALICE')).status).toBe(201);
    const mine = (await call('GET', '/api/lt/strategies')).body.strategies.map((s: Json) => s.strategy.strategy_id);
    const theirs = (await call('GET', '/api/lt/strategies', undefined, bob)).body.strategies;
    expect(mine).toEqual(['LT_FT_ALICE', 'LT_FT_SHARED']);
    expect(theirs.map((s: Json) => [s.strategy.strategy_id, s.strategy.starting_capital])).toEqual([['LT_FT_SHARED', '7.000000']]);
    const id = '/api/lt/strategies/LT_FT_ALICE';
    for (const [method, path, body] of [['GET', id], ['PATCH', id, { cooldown_seconds: 5 }], ['POST', `${id}/launch`],
      ['POST', `${id}/pause`, {}], ['POST', `${id}/stop`], ['POST', `${id}/deposit`, { amount: '1' }],
      ['POST', `${id}/withdraw`, { amount: '1' }], ['POST', `${id}/cancel-open-orders`], ['GET', '/api/lt/audit?strategy_id=LT_FT_ALICE']] as [string, string, Json?][]) {
      const r = await call(method, path, body, bob);
      expect([method, path, r.status, r.type]).toEqual([method, path, 404, PROBLEM]);
    }
    expect((await call('GET', id)).body.strategy).toMatchObject({ cooldown_seconds: 0, is_active: false, is_paused: false });
  });

  it('launch sets launched_at once and books the deposit once; a relaunch after a stop moves neither', async () => {
    const first = await call('POST', '/api/lt/strategies/LT_FT_SHARED/launch');
    expect(first.status).toBe(200);
    expect(first.body.strategy).toMatchObject({ is_active: true, launched_at: clock.now().toISOString() });
    expect(first.body.capital).toMatchObject({ available: '100.000000', net_deposits: '100.000000', equity: '100.000000' });
    expect(first.body.capital).toMatchObject({ funded: true, capital: '100.000000', capital_basis: 'net_deposits',
      book_equity: '100.000000', unrealized_pnl: '0.000000', unmarked_positions: 0, pnl: '0.000000' });
    const launchedAt = first.body.strategy.launched_at;
    expect((await call('POST', '/api/lt/strategies/LT_FT_SHARED/launch')).status).toBe(409); // already active
    clock.advance(3_600_000);
    expect((await call('POST', '/api/lt/strategies/LT_FT_SHARED/stop')).body.strategy.is_active).toBe(false);
    const again = await call('POST', '/api/lt/strategies/LT_FT_SHARED/launch');
    expect(again.body.strategy).toMatchObject({ is_active: true, launched_at: launchedAt });
    expect(again.body.capital.net_deposits).toBe('100.000000');
    const commands = (await audit('LT_FT_SHARED')).map((a) => [a.command, a.detail.first_launch ?? null]);
    expect(commands).toEqual([['create', null], ['launch', true], ['stop', null], ['cancel_open_orders', null], ['launch', false]]);
    const one = (await call('GET', '/api/lt/strategies/LT_FT_SHARED')).body;
    expect(one.ft_config.wallet_id).toBe('FT_SHARED');
    expect(one.ft_sync).toEqual({ sync_ft_changes: false, applied: [], held: [] });
  });

  it('pause and resume are audited with the reason; a resume when not paused is 409', async () => {
    const p = await call('POST', '/api/lt/strategies/LT_FT_SHARED/pause', { reason: 'venue maintenance' });
    expect(p.body.strategy).toMatchObject({ is_paused: true, pause_reason: 'venue maintenance', is_active: true });
    const r = await call('POST', '/api/lt/strategies/LT_FT_SHARED/resume');
    expect(r.body.strategy).toMatchObject({ is_paused: false, pause_reason: null });
    expect((await call('POST', '/api/lt/strategies/LT_FT_SHARED/resume')).status).toBe(409);
    expect((await call('POST', '/api/lt/strategies/LT_FT_SHARED/pause')).body.strategy.pause_reason).toBe('paused by operator');
    expect((await call('POST', '/api/lt/strategies/LT_FT_SHARED/pause', { reason: 5 })).status).toBe(400);
    const tail = (await audit('LT_FT_SHARED')).slice(-3);
    expect(tail.map((a) => [a.command, a.detail.reason ?? a.detail.cleared_reason])).toEqual([
      ['pause', 'venue maintenance'], ['resume', 'venue maintenance'], ['pause', 'paused by operator']]);
    await call('POST', '/api/lt/strategies/LT_FT_SHARED/resume');
  });

  it('engages and releases the kill switch per user, audited', async () => {
    const on = await call('POST', '/api/lt/kill-switch', { engaged: true, reason: 'runaway fills' });
    expect(on.body).toMatchObject({ engaged: true, reason: 'runaway fills', set_at: clock.now().toISOString() });
    expect((await call('GET', '/api/lt/strategies')).body.kill_switch.engaged).toBe(true);
    expect((await call('GET', '/api/lt/kill-switch', undefined, bob)).body.engaged).toBe(false);
    expect((await call('POST', '/api/lt/kill-switch', { engaged: 'yes' })).status).toBe(400);
    expect((await call('POST', '/api/lt/kill-switch', { engaged: false })).body.engaged).toBe(false);
    const all = (await call('GET', '/api/lt/audit')).body.audit as Json[];
    expect(all.slice(0, 3).map((a) => [a.command, a.strategy_id, a.detail.cause ?? null])).toEqual([['kill_switch_release', null, null],
      ['cancel_open_orders', null, 'kill_switch'], ['kill_switch_engage', null, null]]);
    expect(all[2]!.detail.reason).toBe('runaway fills');
    expect(on.body.cancel).toEqual({ cancelled: [], not_cancelled: [], fills_booked: 0, finished: 0, errors: [] });
  });

  it('deposits and withdraws with the identity holding; withdrawing exactly the available cash works, a cent more is 409', async () => {
    await create('FT_CASH', { starting_capital: '50' });
    const base = '/api/lt/strategies/LT_FT_CASH';
    expect((await call('POST', `${base}/deposit`, { amount: '10' })).status).toBe(409); // not launched yet
    await call('POST', `${base}/launch`);
    const dep = await call('POST', `${base}/deposit`, { amount: '25.5', ref: 'wire-42' });
    expect([dep.status, dep.body.booked, dep.body.ref]).toEqual([200, true, 'deposit:op:wire-42']);
    expect(dep.body.capital).toMatchObject({ available: '75.500000', net_deposits: '75.500000', peak_equity: '75.500000' });
    const replay = await call('POST', `${base}/deposit`, { amount: '25.5', ref: 'wire-42' });
    expect([replay.body.booked, replay.body.capital.available]).toEqual([false, '75.500000']);
    const over = await call('POST', `${base}/withdraw`, { amount: '75.500001' });
    expect([over.status, over.type]).toEqual([409, PROBLEM]);
    expect(over.body.detail).toMatch(/exceeds available cash 75.500000/);
    const exact = await call('POST', `${base}/withdraw`, { amount: '75.5' });
    expect(exact.body.capital).toMatchObject({ available: '0.000000', equity: '0.000000', net_deposits: '0.000000', conserved: true });
    expect(identityHolds(dep.body.capital) && identityHolds(exact.body.capital)).toBe(true);
    for (const body of [{ amount: '0' }, { amount: '-5' }, { amount: '1', note: 'x' }, {}]) {
      expect((await call('POST', `${base}/withdraw`, body)).status).toBe(400);
    }
    const cmds = (await audit('LT_FT_CASH')).map((a) => a.command);
    expect(cmds).toEqual(['create', 'launch', 'deposit', 'deposit', 'withdrawal']);
  });

  it('PATCH changes settings (audited with from/to) and refuses those that would do nothing or cannot apply', async () => {
    await create('FT_SET', { order_type: 'GTD', order_ttl_seconds: 600 });
    const base = '/api/lt/strategies/LT_FT_SET';
    const ok = await call('PATCH', base, { order_type: 'GTC', order_ttl_seconds: null, daily_budget_usd: '20', starting_capital: '80' });
    expect(ok.body.strategy).toMatchObject({ order_type: 'GTC', order_ttl_seconds: null, daily_budget_usd: '20.000000',
      starting_capital: '80.000000', peak_equity: '80.000000' });
    const [, settings] = await audit('LT_FT_SET');
    expect(settings!.detail.changes.daily_budget_usd).toEqual({ from: null, to: '20.000000' });
    expect(settings!.detail.changes.order_ttl_seconds).toEqual({ from: 600, to: null });
    for (const [body, status] of [[{ order_type: 'FAK', order_ttl_seconds: 10 }, 400], [{ stop_loss_pct: 5 }, 400],
      [{ ft_wallet_id: 'FT_CASH' }, 400], [{}, 400], [{ min_order_usd: '500' }, 400]] as [Json, number][]) {
      const r = await call('PATCH', base, body);
      expect([JSON.stringify(body), r.status, r.type]).toEqual([JSON.stringify(body), status, PROBLEM]);
    }
    await call('POST', `${base}/launch`);
    expect((await call('PATCH', base, { starting_capital: '90' })).status).toBe(409);
    expect((await call('PATCH', base, { mode: 'shadow' })).status).toBe(409);
    expect((await call('PATCH', base, { max_drawdown_pct: 10 })).body.strategy.max_drawdown_pct).toBe('10.000000');
  });

  it('tolerance: fixed_pct by default; a dynamic mode needs its parameter and the cap, named by field', async () => {
    const made = await create('FT_TOL');
    expect(made.body.strategy).toMatchObject({ tolerance_mode: 'fixed_pct', tolerance_ticks: null, tolerance_spread_multiple: null,
      slippage_tolerance_pct: '0.500000' });
    const base = '/api/lt/strategies/LT_FT_TOL';
    const paths = async (body: Json) => {
      const r = await call('PATCH', base, body);
      expect([r.status, r.type]).toEqual([400, PROBLEM]);
      return (r.body.issues as Json[]).map((i) => i.path.join('.'));
    };
    expect(await paths({ tolerance_mode: 'ticks', tolerance_ticks: 2 })).toEqual(['slippage_tolerance_pct']);
    expect(await paths({ tolerance_mode: 'ticks', tolerance_ticks: -2, slippage_tolerance_pct: '10' })).toEqual(['tolerance_ticks']);
    expect(await paths({ tolerance_mode: 'spread', slippage_tolerance_pct: '10' })).toEqual(['tolerance_spread_multiple']);
    const ticks = await call('PATCH', base, { tolerance_mode: 'ticks', tolerance_ticks: 2, slippage_tolerance_pct: '10' });
    expect(ticks.body.strategy).toMatchObject({ tolerance_mode: 'ticks', tolerance_ticks: 2, slippage_tolerance_pct: '10.000000' });
    expect((await call('PATCH', base, { tolerance_ticks: 3 })).body.strategy.tolerance_ticks).toBe(3); // the cap is already set
    expect(await paths({ tolerance_mode: 'fixed_pct' })).toEqual(['tolerance_ticks']); // 3 ticks would do nothing
    const back = await call('PATCH', base, { tolerance_mode: 'fixed_pct', tolerance_ticks: null });
    expect(back.body.strategy).toMatchObject({ tolerance_mode: 'fixed_pct', tolerance_ticks: null, slippage_tolerance_pct: '10.000000' });
    const changes = (await audit('LT_FT_TOL')).filter((a) => a.command === 'settings').map((a) => a.detail.changes);
    expect(changes[0]).toEqual({ tolerance_mode: { from: 'fixed_pct', to: 'ticks' }, tolerance_ticks: { from: null, to: 2 },
      slippage_tolerance_pct: { from: '0.500000', to: '10.000000' } });
  });

  it('POST /api/lt/execute and /api/lt/resolve run their jobs, or say why not', async () => {
    for (const name of ['execute', 'resolve']) {
      const r = await call('POST', `/api/lt/${name}`, undefined, operator);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ran: false, reason: expect.stringContaining(`lt-${name}`) });
    }
  });

  it('lists the LT routes in the OpenAPI document', async () => {
    const paths = Object.keys((await call('GET', '/api/openapi.json', undefined, null)).body.paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/lt/strategies', '/api/lt/strategies/{id}',
      '/api/lt/strategies/{id}/launch', '/api/lt/strategies/{id}/withdraw', '/api/lt/kill-switch', '/api/lt/audit',
      '/api/lt/execute', '/api/lt/resolve', '/api/lt/strategies/{id}/cancel-open-orders', '/api/lt/cancel-open-orders']));
    const doc = (await call('GET', '/api/openapi.json', undefined, null)).body;
    const params = doc.paths['/api/lt/strategies/{id}/slippage-analysis'].get.parameters.map((p: Json) => p.name);
    expect(params).toEqual(expect.arrayContaining(['ticks', 'spread_multiple', 'cap_pct']));
    expect(doc.paths['/api/lt/strategies/{id}'].patch.requestBody.description).toMatch(/tolerance_mode.*tolerance_ticks.*tolerance_spread_multiple/s);
  });
});
