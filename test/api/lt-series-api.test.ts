/**
 * The dashboard's series and overview through the HTTP API, on the gap scenario (one signal LT filled late, partly,
 * at a worse price; one it skipped; the market then resolved): the series end at /comparison's P&L, the
 * distributions count the finished orders, the risk state follows the strategy's limits, the kill switch and a pause,
 * and the overview rows agree with /api/lt/strategies and /api/ft/wallets. Another user sees none of it
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { parseMicros } from '../../src/domain/money.ts';
import { silentLog } from '../../src/log.ts';
import { createUser } from '../../src/store/user-store.ts';
import { callApp, type Json } from '../support/api-client.ts';
import { gapScenario } from '../support/gap-scenario.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';

let w: LtWorld;
let app: ReturnType<typeof createApp>;
let mallory: string;
const PROBLEM = 'application/problem+json';
const call = (method: string, path: string, body?: unknown, token: string | null = w.token) => callApp(app, method, path, body, token);
const get = (path: string, token: string | null = w.token) => call('GET', path, undefined, token);
const sum = (bs: Json[]) => bs.reduce((n, b) => n + b.count, 0);
const micros = (v: string) => parseMicros(v);

beforeAll(async () => {
  w = await gapScenario();
  app = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test',
    runJob: async () => ({ ran: false, reason: 'none' }) });
  mallory = (await createUser(w.ft.t.db, 'mallory')).token;
});
afterAll(async () => w?.close());

describe(`series and overview API on ${backendName}`, () => {
  const series = () => get(`/api/lt/strategies/${w.strategyId}/series`);

  it('needs a token; another user\'s strategy is 404, a malformed id 400', async () => {
    expect((await get(`/api/lt/strategies/${w.strategyId}/series`, null)).status).toBe(401);
    expect((await get('/api/overview', null)).status).toBe(401);
    const other = await get(`/api/lt/strategies/${w.strategyId}/series`, mallory);
    expect([other.status, other.type]).toEqual([404, PROBLEM]);
    expect((await get('/api/lt/strategies/nope/series')).status).toBe(400);
  });

  it('the equity series start at launch at 0 and end at /comparison\'s FT and LT P&L', async () => {
    const [s, c] = [await series(), await get(`/api/lt/strategies/${w.strategyId}/comparison`)];
    expect(s.status).toBe(200);
    expect(s.body.launched_at).toBe(c.body.launched_at);
    for (const side of ['ft', 'lt'] as const) {
      const points = s.body.equity[side] as Json[];
      expect(points[0]).toEqual({ t: c.body.launched_at, v: '0.000000' });
      expect(points[points.length - 1]!.v).toBe(c.body.gap[`${side}_pnl_usd`]);
      // In time order; a leg at the launch instant itself steps up at that same time, after the first point
      for (let i = 1; i < points.length; i += 1) expect(Date.parse(points[i]!.t)).toBeGreaterThanOrEqual(Date.parse(points[i - 1]!.t));
    }
    expect(s.body.equity.ft.at(-1).v).toBe('24.865403'); // the gap scenario's figures (lt-quality-api.test.ts)
    expect(s.body.equity.lt.at(-1).v).toBe('6.820016');
    expect(s.body.equity.lt).toHaveLength(2); // LT changed only on the signal it ordered (the skipped one moved FT alone)
    expect(s.body.equity.ft).toHaveLength(3);
  });

  it('the fill rate per bucket counts every order once, capped, in at most 60 aligned buckets', async () => {
    const s = (await series()).body;
    const q = (await get(`/api/lt/strategies/${w.strategyId}/quality`)).body;
    expect(s.fill_rate.length).toBeGreaterThan(0);
    expect(s.fill_rate.length).toBeLessThanOrEqual(60);
    expect(s.fill_rate.reduce((n: number, b: Json) => n + b.orders, 0)).toBe(q.summary.orders);
    const used = s.fill_rate.filter((b: Json) => b.orders > 0);
    expect(used.map((b: Json) => b.fill_rate)).toEqual([q.summary.quantity_fill_rate]); // 14 of 19.6 shares: 0.714286
    expect(s.fill_rate.filter((b: Json) => b.orders === 0).every((b: Json) => b.fill_rate === null)).toBe(true);
  });

  it('the slippage and latency histograms count exactly the finished orders with that figure', async () => {
    const s = (await series()).body;
    const orders = (await get(`/api/lt/strategies/${w.strategyId}/quality`)).body.orders as Json[];
    const finished = orders.filter((o) => ['filled', 'cancelled', 'expired', 'rejected'].includes(o.status));
    expect(finished.length).toBe(1);
    expect(s.slippage.unit).toBe('pct');
    expect(sum(s.slippage.buckets)).toBe(finished.filter((o) => o.signal_slippage_pct !== null).length);
    expect(sum(s.slippage_ticks.buckets)).toBe(finished.filter((o) => o.signal_slippage_pct !== null).length);
    expect(sum(s.latency.buckets)).toBe(finished.filter((o) => o.order_latency_ms !== null).length);
    // 0.51 against the signal's 0.50: 2 % and one 0.01 tick; submitted 2 s after the signal
    expect(s.slippage.buckets.filter((b: Json) => b.count)).toEqual([{ lo: '2.000000', hi: '5.000000', count: 1 }]);
    expect(s.slippage_ticks.buckets.filter((b: Json) => b.count)).toEqual([{ lo: '1.000000', hi: '2.000000', count: 1 }]);
    expect(s.latency).toMatchObject({ unit: 'ms' });
    expect(s.latency.buckets.filter((b: Json) => b.count)).toEqual([{ lo: 2000, hi: 5000, count: 1 }]);
    expect(s.latency.buckets[0]).toMatchObject({ lo: null, hi: 100 });
    expect(s.latency.buckets.at(-1)).toMatchObject({ lo: 30000, hi: null });
  });

  it('risk: capital against equity, each limit the strategy has, and the breakers follow the kill switch and a pause', async () => {
    const base = `/api/lt/strategies/${w.strategyId}`;
    const before = (await series()).body.risk;
    const capital = (await get(base)).body.capital;
    expect(before.limits.map((l: Json) => l.name)).toEqual(['capital']);
    expect(before.limits[0]).toMatchObject({ unit: 'usd', used: capital.locked, limit: capital.equity });
    expect(before.breakers.map((b: Json) => [b.name, b.tripped])).toEqual([['kill_switch', false], ['paused', false], ['venue', false]]);
    expect((await call('PATCH', base, { max_total_exposure_usd: '80', max_daily_loss_usd: '5', max_drawdown_pct: '20' })).status).toBe(200);
    await call('POST', '/api/lt/kill-switch', { engaged: true, reason: 'checking the breakers' });
    await call('POST', `${base}/pause`, { reason: 'series test' });
    const after = (await series()).body.risk;
    expect(after.limits.map((l: Json) => [l.name, l.unit, l.limit])).toEqual([['capital', 'usd', capital.equity],
      ['max_total_exposure', 'usd', '80.000000'], ['daily_loss', 'usd', '5.000000'], ['drawdown', 'ratio', '0.200000']]);
    const breakers = Object.fromEntries(after.breakers.map((b: Json) => [b.name, b]));
    expect(breakers.kill_switch).toMatchObject({ tripped: true, reason: 'checking the breakers', at: w.ft.clock.now().toISOString() });
    expect(breakers.paused).toMatchObject({ tripped: true, reason: 'series test', at: w.ft.clock.now().toISOString() });
    expect(breakers.daily_loss.tripped).toBe(micros(after.limits[2].used) >= micros('5'));
    expect(breakers.drawdown.tripped).toBe(false);
    await call('POST', `${base}/resume`);
    await call('POST', '/api/lt/kill-switch', { engaged: false });
  });

  it('the venue breaker trips while the venue gate is not ready, with its problems', async () => {
    const checkedAt = new Date('2026-03-01T12:00:00Z');
    const gated = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test',
      runJob: async () => ({ ran: false, reason: 'none' }),
      venueHealth: () => ({ name: 'sim', state: 'degraded', reasons: [{ code: 'allowance', message: 'USDC allowance missing' }], checkedAt }) });
    const r = await callApp(gated, 'GET', `/api/lt/strategies/${w.strategyId}/series`, undefined, w.token);
    expect(r.body.risk.breakers.find((b: Json) => b.name === 'venue')).toEqual({ name: 'venue', label: 'Venue gate', tripped: true,
      reason: 'degraded: USDC allowance missing', at: checkedAt.toISOString() });
  });

  it('overview: LT rows match /api/lt/strategies and /comparison, FT rows match /api/ft/wallets', async () => {
    const o = await get('/api/overview');
    expect(o.status).toBe(200);
    const strategies = (await get('/api/lt/strategies')).body.strategies as Json[];
    expect(o.body.lt.map((r: Json) => r.strategy_id)).toEqual(strategies.map((s) => s.strategy.strategy_id));
    const comparison = (await get(`/api/lt/strategies/${w.strategyId}/comparison`)).body;
    for (const row of o.body.lt as Json[]) {
      const s = strategies.find((x) => x.strategy.strategy_id === row.strategy_id)!;
      expect(row).toMatchObject({ ft_wallet_id: s.strategy.ft_wallet_id, mode: s.strategy.mode, status: 'active',
        launched_at: s.strategy.launched_at, pause_reason: null, equity: s.capital.equity, net_deposits: s.capital.net_deposits });
      expect(row.pnl).toBe(comparison.gap.lt_pnl_usd);
      expect(row.win_rate).toBe(comparison.lt.win_rate === null ? null : '1.000000');
      expect(row.targets).toEqual(comparison.targets);
      expect(row.sparkline.length).toBeLessThanOrEqual(50);
      expect(row.sparkline.at(-1).v).toBe(row.pnl);
    }
    const wallets = (await get('/api/ft/wallets')).body.wallets as Json[];
    expect(o.body.ft.map((r: Json) => r.wallet_id)).toEqual(wallets.map((x) => x.wallet_id));
    for (const row of o.body.ft as Json[]) {
      const x = wallets.find((v) => v.wallet_id === row.wallet_id)!;
      expect(row).toMatchObject({ is_active: x.is_active, orders: x.orders, open: x.open, won: x.won, lost: x.lost, win_rate: x.win_rate });
      expect([micros(row.starting_balance), micros(row.cash), micros(row.realized_pnl)])
        .toEqual([micros(x.starting_balance), micros(x.cash), micros(x.realized_pnl)]);
      expect(micros(row.pnl)).toBe(micros(row.realized_pnl) + micros(row.unrealized_pnl ?? '0'));
      expect(row.sparkline.length).toBeLessThanOrEqual(50);
      expect(row.sparkline.at(-1).v).toBe(row.pnl);
    }
    const mirrored = o.body.ft.find((r: Json) => r.live.includes(w.strategyId));
    expect(mirrored.wallet_id).toBe(strategies[0]!.strategy.ft_wallet_id);
    expect(mirrored).toMatchObject({ won: 2, unrealized_pnl: '0.000000' }); // both paper bets won; nothing open
    expect(o.body.kill_switch).toMatchObject({ engaged: false });
    const theirs = (await get('/api/overview', mallory)).body;
    expect([theirs.lt, theirs.ft.flatMap((r: Json) => r.live)]).toEqual([[], []]);
  });

  it('a strategy not launched yet: empty series, capital only, and "not_launched" in the overview', async () => {
    const ft = (await get(`/api/lt/strategies/${w.strategyId}`)).body.strategy.ft_wallet_id;
    const made = await call('POST', '/api/lt/strategies', { ft_wallet_id: ft, starting_capital: '50', wallet_address: '0x' + 'ab'.repeat(20) },
      mallory);
    expect(made.status).toBe(201);
    const s = await get(`/api/lt/strategies/${w.strategyId}/series`, mallory);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ strategy_id: w.strategyId, launched_at: null, equity: { ft: [], lt: [] }, fill_rate: [] });
    expect(sum(s.body.slippage.buckets) + sum(s.body.latency.buckets)).toBe(0);
    expect(s.body.risk.limits).toEqual([{ name: 'capital', label: 'Capital deployed', unit: 'usd', used: '0.000000',
      limit: '0.000000', ratio: null }]);
    const row = (await get('/api/overview', mallory)).body.lt;
    expect(row).toEqual([expect.objectContaining({ strategy_id: w.strategyId, status: 'not_launched', launched_at: null,
      equity: '0.000000', pnl: '0.000000', win_rate: null, sparkline: [] })]);
    expect(row[0].targets.every((t: Json) => t.status === 'no_data')).toBe(true);
  });

  it('lists the routes with typed schemas in the OpenAPI document', async () => {
    const doc = (await get('/api/openapi.json', null)).body;
    for (const [path, name] of [['/api/lt/strategies/{id}/series', 'StrategySeries'], ['/api/overview', 'Overview']] as [string, string][]) {
      expect(doc.paths[path].get.responses['200'].content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${name}` });
    }
    expect(doc.paths['/api/events'].get.responses['200'].content).toHaveProperty('text/event-stream');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['SeriesPoint', 'RiskState', 'OverviewLtRow', 'ChangeEvent']));
  });
});

describe(`series of a strategy with filled, cancelled and resting orders on ${backendName}`, () => {
  let v: LtWorld;
  let vApp: ReturnType<typeof createApp>;
  beforeAll(async () => {
    v = await createLtWorld({ settings: { slippage_tolerance_pct: '3', order_ttl_seconds: 60 } });
    vApp = createApp({ db: v.ft.t.db, clock: v.ft.clock, log: silentLog, venue: v.venue, version: 'test',
      runJob: async () => ({ ran: false, reason: 'none' }) });
    v.asks([['0.50', '25']]);
    await v.buySignal({ price: 0.5 }); // fills whole at 0.50
    await v.execute();
    await v.buySignal({ price: 0.5 }); // takes the 0.50 left, rests, and is cancelled at its TTL
    await v.execute();
    v.ft.clock.advance(61_000);
    await v.sync();
    v.asks([['0.50', '5']]);
    await v.buySignal({ price: 0.5 }); // takes 5 and rests: not finished
    await v.execute();
  });
  afterAll(async () => v?.close());

  it('counts every order in the fill-rate buckets and only the finished ones in the histograms', async () => {
    const s = (await callApp(vApp, 'GET', `/api/lt/strategies/${v.strategyId}/series`, undefined, v.token)).body;
    const orders = (await callApp(vApp, 'GET', `/api/lt/strategies/${v.strategyId}/quality`, undefined, v.token)).body.orders as Json[];
    expect(orders.map((o) => o.status).sort()).toEqual(['cancelled', 'filled', 'partially_filled']);
    expect(s.fill_rate.reduce((n: number, b: Json) => n + b.orders, 0)).toBe(3);
    for (const b of s.fill_rate as Json[]) if (b.fill_rate !== null) expect(micros(b.fill_rate)).toBeLessThanOrEqual(micros('1'));
    expect([sum(s.slippage.buckets), sum(s.slippage_ticks.buckets), sum(s.latency.buckets)]).toEqual([2, 2, 2]);
    expect(s.slippage.buckets.filter((b: Json) => b.count)).toEqual([{ lo: '0.000000', hi: '0.250000', count: 2 }]);
    const capital = (await callApp(vApp, 'GET', `/api/lt/strategies/${v.strategyId}`, undefined, v.token)).body.capital;
    expect(micros(capital.locked)).toBeGreaterThan(0n); // the resting order's reservation and the shares held
    expect(s.risk.limits[0]).toMatchObject({ name: 'capital', used: capital.locked, limit: capital.equity });
  });
});
