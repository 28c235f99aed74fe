/**
 * The strategy quality aggregated in SQL (quality-aggregate-store.ts) equals the JS reference (qualityOfStrategy:
 * every row read and summarized by the metrics module), on varied rows: both sides, USD-sized orders, every status,
 * unsubmitted and rejected orders, missing prices, ticks and latencies, fills above the request, and on an empty strategy
 */
import { afterEach, describe, expect, it } from 'vitest';
import { seedLtOrders } from '../../src/bench/dashboard-seed.ts';
import { divRound } from '../../src/domain/money.ts';
import { qualityOfStrategy } from '../../src/store/comparison-store.ts';
import { qualityAggregate } from '../../src/store/quality-aggregate-store.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

/** A pseudo-random byte 0..255 of the row, per salt */
const byte = (salt: string, col = 'order_id') => `get_byte(decode(md5(${col}::text || '${salt}'), 'hex'), 0)`;
/** A pseudo-random 6-decimal number in [lo, lo + span) */
const num = (salt: string, lo: number, span: number) =>
  `round((${lo} + ${span} * (${byte(salt)} * 256 + ${byte(salt + 'b')}) / 65536.0)::numeric, 6)`;
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

describe(`strategy quality in SQL (${backendName})`, () => {
  let t: TestDb;
  afterEach(async () => t?.close());

  it('equals the JS summary of the rows on varied data', async () => {
    t = await openTestDb();
    const s = await seedLtOrders(t.db, 400, () => {});
    for (const sql of VARY) await t.db.query(sql);
    const reference = await qualityOfStrategy(t.db, s.userId, s.strategyId);
    expect(reference.signalSlippageTicks?.n).toBeGreaterThan(50); // the data has the figures it is meant to have
    expect(Object.keys(reference.rejectionsByReason).length).toBeGreaterThan(2);
    expect(reference.fillRate).not.toBeNull();
    expect(await qualityAggregate(t.db, s.userId, s.strategyId)).toEqual(reference);
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
