/**
 * INV-26: every price that can enter P&L is validated into [0, 1] where it enters (a source trade's price at
 * ingestion, a settlement vector at resolution); anything else is dropped, counted, and never priced
 */
import { afterEach, describe, expect, it } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import { resolveFtMarkets, type ResolveReport } from '../../src/engine/ft-resolve.ts';
import { createGammaMarketSource } from '../../src/feeds/gamma-source.ts';
import { ingestRejectTotals } from '../../src/store/ft-summary-store.ts';
import { copyAll, createFtWorld, record, type FtWorld } from '../support/ft-world.ts';
import { backendName } from '../support/test-db.ts';
import { CID, createLtWorld, NO, YES, type LtWorld } from '../support/lt-world.ts';

/** A closed Gamma market for the world's CID, with `outcomePrices` as Gamma may send it */
const gammaMarket = (outcomePrices: unknown, closed = true) => ({
  conditionId: CID, question: 'Will it rain in Paris?', slug: 'rain-paris', outcomes: '["Yes","No"]',
  clobTokenIds: JSON.stringify([YES, NO]), outcomePrices, closed, umaResolutionStatus: closed ? 'resolved' : null,
  closedTime: '2026-03-02 00:00:00+00', orderPriceMinTickSize: 0.01, orderMinSize: 5, acceptingOrders: !closed,
});

/** Dropped prices in one FT resolution run: vectors that are not a payout, and markets refused for unreadable prices */
const droppedIn = (r: ResolveReport) => [
  ...r.pending.map((p) => p.why),
  ...r.errors.filter((e) => /outcomePrices/.test(e.error)).map(() => 'unreadable'),
];

describe(`INV-26 prices entering P&L (${backendName})`, () => {
  let ft: FtWorld | null = null;
  let w: LtWorld | null = null;
  afterEach(async () => {
    await ft?.close();
    await w?.close();
    ft = null;
    w = null;
  });

  it('INV-26: trade prices off the (0, 1) scale, unreadable or structured are dropped, counted as bad_price, and never priced', async () => {
    ft = await createFtWorld();
    await ft.addWallet(copyAll());
    const bad: unknown[] = [55, '55', 100, 'abc', 'NaN', Number.NaN, Number.POSITIVE_INFINITY, '0.5%', { value: 0.5 },
      ['0.5'], -0.2, 0, 1, 1.5, ''];
    const report = await ft.ingest([...bad.map((p) => record({ price: p })), record({ price: '0.42' })]);
    // An empty price is a missing field; every other bad price is counted by its reason
    expect(report.rejected).toEqual({ bad_price: bad.length - 1, missing_field: 1 });
    expect(await ingestRejectTotals(ft.t.db)).toEqual({ bad_price: bad.length - 1, missing_field: 1 });
    const priced = await ft.t.db.query<{ p: string; e: string }>('SELECT trader_price::text AS p, entry_price::text AS e FROM ft_orders');
    expect(priced).toEqual([{ p: '0.420000', e: '0.421260' }]);
  });

  it('INV-26: settlement vectors on a 0–100 scale, "abc", "NaN" or structured settle nothing in FT or LT and are counted; a valid one then settles once', async () => {
    w = await createLtWorld();
    const lt = w;
    lt.asks([['0.50', '100']]);
    await lt.buySignal({ price: 0.5 });
    await lt.execute(); // 20 YES for $10
    let raw: unknown = gammaMarket(null, false);
    const gamma = createGammaMarketSource({ baseUrl: 'http://gamma.test', http: { maxAttempts: 1,
      fetch: async () => new Response(JSON.stringify([raw]), { status: 200, headers: { 'content-type': 'application/json' } }) } });
    const resolveFt = () => resolveFtMarkets({ db: lt.ft.t.db, markets: gamma, clock: lt.ft.clock });
    const ftOutcome = async () => (await lt.ft.t.db.query<{ outcome: string }>('SELECT outcome FROM ft_orders'))[0]!.outcome;
    const cases: [unknown, string][] = [
      ['["abc","1"]', 'unreadable'], ['["NaN","0"]', 'unreadable'],
      [[{ outcome: 'Yes', price: '1' }, { outcome: 'No', price: '0' }], 'unreadable'],
      ['["100","0"]', 'outcome price outside [0, 1]'], ['["1.5","-0.5"]', 'outcome price outside [0, 1]'],
      ['["99.5","0.5"]', 'outcome price outside [0, 1]'],
    ];
    for (const [prices, why] of cases) {
      raw = gammaMarket(prices);
      const report = await resolveFt();
      expect(report.ordersSettled, JSON.stringify(prices)).toBe(0);
      expect(droppedIn(report), JSON.stringify(prices)).toEqual([why]);
      const settled = await lt.resolve();
      expect(settled.settled).toBe(0);
      // LT reads the stored market: a vector off the scale is counted as waiting, one never stored is not seen at all
      expect(settled.waiting.map((x) => x.why)).toEqual(why === 'unreadable' ? [] : [why]);
      expect(await ftOutcome()).toBe('OPEN');
      expect(await lt.checkLedger()).toMatchObject({ positionCost: usdc('10'), cooldown: 0n, realizedPnl: 0n });
    }
    raw = gammaMarket('["0","1"]');
    expect(await resolveFt()).toMatchObject({ ordersSettled: 1, pending: [] });
    expect(await lt.resolve()).toMatchObject({ settled: 1, waiting: [] });
    expect(await lt.resolve()).toMatchObject({ settled: 0 });
    expect(await ftOutcome()).toBe('LOST');
    expect(await lt.checkLedger()).toMatchObject({ positionCost: 0n, realizedPnl: usdc('-10') });
  });
});
