/**
 * The strategy quality from its kept read model (quality-aggregate-store.ts), built before bulk writes and kept through
 * their triggers, equals the JS reference (qualityOfStrategy:
 * every row read and summarized by the metrics module), on varied rows: both sides, USD-sized orders, every status,
 * unsubmitted and rejected orders, missing prices, ticks and latencies, fills above the request, and on an empty strategy
 */
import { afterEach, describe, expect, it } from 'vitest';
import { keptDistributions, keptFillRate } from '../../src/store/charts-read-model.ts';
import { strategyGap } from '../../src/store/gap-store.ts';
import { getLtStrategy } from '../../src/store/lt-strategy-store.ts';
import { keptEquitySeries } from '../../src/store/series-read-model.ts';
import { distributions, equityOfLegs, fillRateBuckets } from '../../src/store/series-store.ts';
import { seedLtOrders } from '../../src/bench/dashboard-seed.ts';
import { divRound } from '../../src/domain/money.ts';
import { ltOrderCountsFromFacts, qualityOfStrategy, sinceLaunch, sinceLaunchOfLegs } from '../../src/store/comparison-store.ts';
import { keptOrderCounts } from '../../src/store/order-counts-model.ts';
import { qualityAggregate } from '../../src/store/quality-aggregate-store.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

/** A pseudo-random byte 0..255 of the row, per salt */
const byte = (salt: string, col = 'order_id') => `get_byte(decode(md5(${col}::text || '${salt}'), 'hex'), 0)`;
/** A pseudo-random 6-decimal number in [lo, lo + span) */
const num = (salt: string, lo: number, span: number, col = 'order_id') =>
  `round((${lo} + ${span} * (${byte(salt, col)} * 256 + ${byte(salt + 'b', col)}) / 65536.0)::numeric, 6)`;
const maybe = (salt: string, every: number, value: string) => `CASE WHEN ${byte(salt)} % ${every} = 0 THEN NULL ELSE ${value} END`;

const VARY = [
  `UPDATE lt_execution_quality SET side = CASE WHEN ${byte('s')} % 5 = 0 THEN 'SELL' ELSE 'BUY' END,
     order_type = (ARRAY['GTC', 'FOK', 'FAK', 'GTD'])[${byte('t')} % 4 + 1],
     executed_price = ${maybe('e', 7, num('ep', 0.05, 0.9))}, mid_price = ${maybe('m', 6, num('mp', 0.05, 0.9))},
     signal_price = ${num('sp', 0.05, 0.9)}, tick_size = (ARRAY[NULL, 0, 0.01, 0.003, 0.000007])[${byte('k')} % 5 + 1]::numeric,
     signal_slippage_pct = ${maybe('sl', 5, num('slv', -20, 40))}, expected_slippage_pct = ${maybe('xl', 4, num('xlv', -5, 10))},
     intended_shares = CASE WHEN ${byte('i0')} % 23 = 0 THEN 0 ELSE ${num('is', 1, 50)} END,
     filled_shares = CASE WHEN ${byte('f0')} % 3 = 0 THEN 0 ELSE ${num('fs', 0, 55)} END,
     intended_usd = ${num('iu', 0, 20)}, filled_usd = ${num('fu', 0, 22)}, fees_usd = ${num('fe', 0, 0.5)},
     order_latency_ms = ${maybe('ol', 6, `${byte('olv')} * 7`)}, fill_latency_ms = ${maybe('fl', 3, `${byte('flv')} * 13`)},
     detection_latency_ms = ${maybe('dl', 2, `${byte('dlv')}`)}, quality_score = ${maybe('qs', 5, `round(${num('qsv', 0, 100)}, 2)`)}`,
  `UPDATE orders SET status = (ARRAY['pending', 'unknown', 'open', 'partially_filled', 'filled', 'cancelled', 'expired', 'rejected',
       'lost'])[${byte('st')} % 9 + 1],
     submitted_at = CASE WHEN ${byte('sub')} % 6 = 0 THEN NULL ELSE submitted_at END,
     reject_reason = (ARRAY[NULL, 'insufficient_balance', 'min_size', ''])[${byte('rr')} % 4 + 1],
     limit_price = ${num('lp', 0.01, 0.98)}`,
  `UPDATE lt_dispositions SET disposition = 'skipped', rule = (ARRAY['slippage', 'max_price'])[${byte('ru', 'ft_order_id')} % 2 + 1]
   WHERE ${byte('dz', 'ft_order_id')} % 4 = 0`,
];

/** Undecided signals, fees in USDC and in shares, marks (final, open, out of range, none) and fills at odd prices */
const VARY_GAP = [
  `DELETE FROM lt_dispositions WHERE ${byte('pd', 'ft_order_id')} % 7 = 0`,
  `UPDATE fills SET fee_asset = CASE WHEN ${byte('fa')} % 2 = 0 THEN 'usdc' ELSE 'shares' END, fee_amount = ${num('fam', 0, 0.3)},
     price = ${num('fp', 0.01, 0.98)}, size = ${num('fz', 0.1, 30)}`,
  `UPDATE orders SET mid_price = CASE WHEN ${byte('mq')} % 3 = 0 THEN NULL ELSE mid_price END,
     best_ask = CASE WHEN ${byte('ba')} % 4 = 0 THEN NULL ELSE ${num('bav', 0.3, 0.6)} END, side = CASE WHEN ${byte('sd')} % 6 = 0 THEN 'SELL' ELSE 'BUY' END`,
  `UPDATE ft_orders SET shares = ${num('fsh', 1, 40)}, entry_price = ${num('fep', 0.02, 0.96)}, size = ${num('fsz', 1, 20)},
     open_shares = 0.000001, open_cost = 0`,
  `UPDATE ft_orders SET open_shares = CASE WHEN ${byte('fo')} % 3 = 0 THEN shares ELSE 0 END, open_cost = size,
     pnl = ${num('fpn', -5, 10)}, outcome = (ARRAY['OPEN', 'WON', 'LOST'])[${byte('fo')} % 3 + 1]`,
  // Exits of one in four entries: some skipped by LT, the others undecided (pending, or not mirrored)
  `INSERT INTO ft_closes (close_id, order_id, wallet_id, kind, source_trade_id, shares, price, proceeds, cost_basis, pnl, closed_at)
   SELECT md5('x' || order_id)::uuid, order_id, wallet_id, 'exit', source_trade_id, round(shares / 2, 6), ${num('xp', 0, 1)},
     round(shares / 2 * ${num('xp', 0, 1)}, 6), round(size / 2, 6), ${num('xpn', -3, 6)}, order_time + interval '1 hour'
   FROM ft_orders WHERE ${byte('xo')} % 4 = 0`,
  `INSERT INTO lt_dispositions (user_id, strategy_id, ft_order_id, leg, disposition, rule, decided_at)
   SELECT d.user_id, d.strategy_id, c.order_id, 'exit:' || c.close_id, 'skipped', 'slippage', c.closed_at
   FROM ft_closes c JOIN lt_dispositions d ON d.ft_order_id = c.order_id AND d.leg = 'entry' WHERE ${byte('xs', 'c.order_id')} % 2 = 0`,
  `UPDATE markets SET outcome_prices = CASE WHEN ${byte('mk', 'condition_id')} % 4 = 0 THEN NULL
       WHEN ${byte('mk', 'condition_id')} % 4 = 1 THEN ARRAY[1, 0]::numeric[] WHEN ${byte('mk', 'condition_id')} % 4 = 2 THEN ARRAY[1.5, 0]::numeric[]
       ELSE ARRAY[${num('mkp', 0, 1, 'condition_id')}, 0.5]::numeric[] END,
     resolved_at = CASE WHEN ${byte('mk', 'condition_id')} % 4 = 1 THEN now() END`,
];

describe(`strategy quality in SQL (${backendName})`, () => {
  let t: TestDb;
  afterEach(async () => t?.close());

  it('equals the JS summary of the rows on varied data', async () => {
    t = await openTestDb();
    const s = await seedLtOrders(t.db, 400, () => {});
    await qualityAggregate(t.db, s.userId, s.strategyId); // built before the writes: they reach it through its triggers
    const strategy = (await getLtStrategy(t.db, s.userId, s.strategyId))!;
    const now = new Date();
    await keptDistributions(t.db, strategy); // the charts model too
    for (const sql of VARY) { // read after each bulk write, so each table's trigger alone must bring the change
      await t.db.query(sql);
      expect(await qualityAggregate(t.db, s.userId, s.strategyId)).toEqual(await qualityOfStrategy(t.db, s.userId, s.strategyId));
      expect(await keptFillRate(t.db, strategy, now), 'the kept fill rate').toEqual(await fillRateBuckets(t.db, strategy, now));
      expect(await keptDistributions(t.db, strategy), 'the kept distributions').toEqual(await distributions(t.db, strategy));
    }
    expect((await distributions(t.db, strategy)).slippageTicks.filter((b) => b.count > 0).length).toBeGreaterThan(2);
    const reference = await qualityOfStrategy(t.db, s.userId, s.strategyId);
    expect(reference.signalSlippageTicks?.n).toBeGreaterThan(50); // the data has the figures it is meant to have
    expect(Object.keys(reference.rejectionsByReason).length).toBeGreaterThan(2);
    expect(reference.fillRate).not.toBeNull();
    expect(await qualityAggregate(t.db, s.userId, s.strategyId)).toEqual(reference);
  });

  it('the comparison summary (gap totals summed by the database) equals its reading from every leg, on varied data', async () => {
    t = await openTestDb();
    const s = await seedLtOrders(t.db, 300, () => {});
    await sinceLaunch(t.db, s.userId, s.strategyId); // the read models built before the writes: kept through their triggers
    for (const sql of [...VARY, ...VARY_GAP]) { // read after each, so each table's trigger alone must bring its change
      await t.db.query(sql);
      expect(await sinceLaunch(t.db, s.userId, s.strategyId)).toEqual(await sinceLaunchOfLegs(t.db, s.userId, s.strategyId));
      expect(await keptOrderCounts(t.db, s.userId, s.strategyId)).toEqual(await ltOrderCountsFromFacts(t.db, s.userId, s.strategyId, false));
      const now = new Date();
      expect(await keptEquitySeries(t.db, s.userId, s.strategyId, now), 'the kept equity series')
        .toEqual(equityOfLegs(await strategyGap(t.db, s.userId, s.strategyId), now));
    }
    const reference = await sinceLaunchOfLegs(t.db, s.userId, s.strategyId);
    expect(reference.gap.pending).toBeGreaterThan(10);
    expect(reference.gap.signals).toBeGreaterThan(100);
    expect([reference.ft.exits, reference.gap.notMirrored, reference.ft.won, reference.ft.lost]).not.toContain(0);
    expect(await sinceLaunch(t.db, s.userId, s.strategyId)).toEqual(reference);
    await t.db.query('DELETE FROM lt_read_state'); // and built from scratch on the varied data
    expect(await sinceLaunch(t.db, s.userId, s.strategyId)).toEqual(reference);
    const [counts] = await t.db.query<{ kept: unknown; counted: unknown }>(`SELECT
      (SELECT json_object_agg(rule, n ORDER BY rule) FROM lt_disposition_counts WHERE n <> 0) AS kept,
      (SELECT json_object_agg(rule, n ORDER BY rule) FROM (SELECT coalesce(rule, 'ordered') AS rule, count(*) AS n FROM lt_dispositions
        GROUP BY 1) x) AS counted`);
    expect(counts!.kept, 'the kept disposition counts = a count of the rows').toEqual(counts!.counted);
  });

  it('equals it on an empty strategy (every summary null)', async () => {
    t = await openTestDb();
    const s = await seedLtOrders(t.db, 0, () => {});
    const reference = await qualityOfStrategy(t.db, s.userId, s.strategyId);
    expect(reference.signalSlippagePct).toBeNull();
    expect(await qualityAggregate(t.db, s.userId, s.strategyId)).toEqual(reference);
  });

  it('div_half_even is divRound half-even, ties and signs included', async () => {
    t = await openTestDb();
    const pairs: [bigint, bigint][] = [];
    for (let n = -25n; n <= 25n; n++) for (let d = 1n; d <= 6n; d++) pairs.push([n, d]);
    pairs.push([10n ** 30n + 5n, 10n], [-(10n ** 30n) - 15n, 10n], [123_456_789_012_345n, 1_000_000n]);
    const rows = await t.db.query<{ q: string }>(
      `SELECT div_half_even(n, d)::text AS q FROM unnest($1::numeric[], $2::numeric[]) WITH ORDINALITY AS x (n, d, i) ORDER BY i`,
      [pairs.map(([n]) => n.toString()), pairs.map(([, d]) => d.toString())]);
    expect(rows.map((r) => BigInt(r.q))).toEqual(pairs.map(([n, d]) => divRound(n, d, 'half_even')));
  });
});
