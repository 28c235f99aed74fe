/**
 * The execution-quality routes through the HTTP API: the gap scenario's quality, since-launch comparison, gap
 * decomposition and slippage analysis, the same figures the store computes; another user sees none of it
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { silentLog } from '../../src/log.ts';
import { createUser } from '../../src/store/user-store.ts';
import { callApp } from '../support/api-client.ts';
import { gapScenario } from '../support/gap-scenario.ts';
import type { LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';

let w: LtWorld;
let app: ReturnType<typeof createApp>;
let mallory: string;
const PROBLEM = 'application/problem+json';
const get = (path: string, token: string | null = w.token) => callApp(app, 'GET', path, undefined, token);

beforeAll(async () => {
  w = await gapScenario();
  app = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test',
    runJob: async () => ({ ran: false, reason: 'none' }) });
  mallory = (await createUser(w.ft.t.db, 'mallory')).token;
});
afterAll(async () => w?.close());

describe(`LT quality API on ${backendName}`, () => {
  const paths = () => [`/api/lt/strategies/${w.strategyId}/quality`, `/api/lt/strategies/${w.strategyId}/comparison`,
    `/api/lt/strategies/${w.strategyId}/gap`, `/api/lt/strategies/${w.strategyId}/slippage-analysis`,
    `/api/lt/strategies/${w.strategyId}/positions`];

  it('every route needs a token and shows only your own strategy', async () => {
    for (const p of paths()) {
      expect((await get(p, null)).status).toBe(401);
      const other = await get(p, mallory);
      expect([other.status, other.type]).toEqual([404, PROBLEM]);
    }
    const bad = await get(`/api/lt/strategies/${w.strategyId}/quality?limit=0`);
    expect([bad.status, bad.type]).toEqual([400, PROBLEM]);
  });

  it('GET …/gap: the total and the legs, each adding up to LT − FT', async () => {
    const r = await get(`/api/lt/strategies/${w.strategyId}/gap`);
    expect(r.status).toBe(200);
    expect(r.body.total).toEqual({ lt_pnl_usd: '6.820016', ft_pnl_usd: '24.865403', total_usd: '-18.045387', delay_usd: '0.021000',
      execution_usd: '-0.140000', fees_usd: '-0.039984', opportunity_usd: '-17.716824', sizing_usd: '-0.169579' });
    expect(r.body.legs.map((l: { leg: string; disposition: string; total_usd: string }) => [l.leg, l.disposition, l.total_usd]))
      .toEqual([['entry', 'ordered', '-3.120163'], ['entry', 'skipped', '-14.925224']]);
    // Each leg names its market and outcome beside the token id
    expect(r.body.legs.map((l: { question: string; outcome: string }) => [l.question, l.outcome]))
      .toEqual([['Will it rain in Paris?', 'Yes'], ['Will it rain in Paris?', 'Yes']]);
    const newest = await get(`/api/lt/strategies/${w.strategyId}/gap?order=newest&limit=1`);
    expect(newest.body.legs.map((l: { total_usd: string }) => l.total_usd)).toEqual(['-14.925224']);
    expect(Date.parse(r.body.legs[0].at)).toBeLessThan(Date.parse(r.body.legs[1].at));
  });

  it('GET …/comparison: FT and LT since launch, the gap, quality and every target green or red', async () => {
    const r = await get(`/api/lt/strategies/${w.strategyId}/comparison`);
    expect(r.status).toBe(200);
    expect(r.body.lt).toMatchObject({ signals: 2, ordered: 1, filled_orders: 1, invested_usd: '7.14', pnl_usd: '6.82', won: 1 });
    expect(r.body.ft).toMatchObject({ signals: 2, invested_usd: '20.00', pnl_usd: '24.87', won: 2 });
    const status = Object.fromEntries(r.body.targets.map((t: { metric: string; status: string }) => [t.metric, t.status]));
    // 2 % average slippage, 14/19.6 filled, 2 s latency, no venue rejection, LT far below FT (short by more than 10 %),
    // win rates equal
    expect(status).toEqual({ avg_signal_slippage_pct: 'red', fill_rate: 'red', order_latency_p50_ms: 'red',
      rejection_rate: 'green', pnl_vs_ft: 'red', win_rate_vs_ft: 'green', quality_score_mean: 'red' });
    expect(r.body.quality).toMatchObject({ orders: 1, fill_rate: '0.714286', quantity_fill_rate: '0.714286', copy_rate: '0.500000',
      skips_by_rule: { slippage: '0.500000' } });
  });

  it('GET …/quality: per-order metrics with the score beside its components', async () => {
    const r = await get(`/api/lt/strategies/${w.strategyId}/quality`);
    expect(r.status).toBe(200);
    const [o] = r.body.orders;
    expect(o).toMatchObject({ executed_price: '0.510000', order_latency_ms: 2000, quality_version: 'q1' });
    // A GTC BUY of 19.6 shares (share-sized) that filled 14 before it was cancelled: 14/19.6 in shares, partially
    // filled (not "cancelled"); 0.51 against the trader's 0.50 is 1 tick, 1 cent; against the mid 0.50, 1 % of the payout
    expect(o).toMatchObject({ display_status: 'partially_filled', status: 'cancelled', fill_rate: '0.714286',
      fill_rate_basis: 'shares', requested_shares: '19.600000', requested_usd: '9.996000', signal_slippage_pct: '2.000000',
      slippage_ticks: '1.000000', slippage_cents: '1.000000', mid_slippage_pct: '1.000000', mid_slippage_ticks: '1.000000',
      question: 'Will it rain in Paris?', outcome: 'Yes',
      market: { condition_id: o.condition_id, question: 'Will it rain in Paris?', outcome: 'Yes', token_id: '1001' } });
    expect(o.quality_components.map((c: { name: string }) => c.name)).toEqual(['slippage', 'fill', 'latency']);
    expect(r.body.summary.signal_slippage_pct).toMatchObject({ n: 1, mean: '2.0000' });
    expect(r.body.summary.fill_latency_ms).toMatchObject({ n: 1 });
  });

  it('GET …/positions: nothing open once the market settled', async () => {
    const r = await get(`/api/lt/strategies/${w.strategyId}/positions`);
    expect([r.status, r.body.book, r.body.positions]).toEqual([200, 'live', []]);
  });

  it('GET …/slippage-analysis: expected against actual per market and order type', async () => {
    const r = await get(`/api/lt/strategies/${w.strategyId}/slippage-analysis`);
    expect(r.status).toBe(200);
    // Expected VWAP 0.51 for the whole size (the book's only ask), actual 0.51: no error, one sample: not flagged
    expect(r.body.groups).toEqual([{ condition_id: expect.any(String), order_type: 'GTC', orders: 1,
      expected_slippage_pct_mean: '2.0000', actual_slippage_pct_mean: '2.0000', error_pct_mean: '0.0000',
      same_sign_share: expect.any(String), flagged: false }]);
  });
});
