/**
 * The FT sums kept with the writes (ft_wallet_sums, ft_token_sums) equal their reading from every paper order and close
 * after each kind of write: orders inserted in bulk and one by one, partial and full closes (close rows and the order
 * updates), an outcome changed, closes and orders removed; and the overview's unrealized P&L marked from the kept token
 * sums equals the per-order reading
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { parseFtWallet } from '../domain/ft-wallet.ts';
import { ftKeptSums, ftSumsFromFacts } from './ft-sums-store.ts';
import { ftWalletSummaries } from './ft-summary-store.ts';
import { ftOverview, SPARKLINE_POINTS } from './overview-store.ts';
import { micros } from './rows.ts';
import { insertWallet } from './wallet-store.ts';

let t: TestDb;
const NOW = new Date('2026-03-10T00:00:00Z');
const WALLETS = ['FT_A', 'FT_B'];

async function expectKeptEqualsFacts(): Promise<void> {
  expect(await ftKeptSums(t.db)).toEqual(await ftSumsFromFacts(t.db));
}

/** Per strategy: Σ open shares × price − open cost over its open orders (NULL when one has no price), order by order */
async function unrealizedFromFacts(): Promise<Record<string, string | null>> {
  const rows = await t.db.query<{ wallet_id: string; u: string | null }>(`SELECT o.wallet_id,
      CASE WHEN count(*) FILTER (WHERE x.p IS NULL OR x.p NOT BETWEEN 0 AND 1) > 0 THEN NULL
        ELSE coalesce(sum(o.open_shares * x.p - o.open_cost), 0)::numeric(30, 6)::text END AS u
    FROM ft_orders o LEFT JOIN markets m ON m.condition_id = o.condition_id
    CROSS JOIN LATERAL (SELECT (m.outcome_prices)[array_position(m.clob_token_ids, o.asset)] AS p) x
    WHERE o.outcome = 'OPEN' GROUP BY o.wallet_id`);
  return Object.fromEntries(rows.map((r) => [r.wallet_id, r.u]));
}

/** The sparkline's realized points as the overview read them before the kept curve: width_bucket over every close */
async function curvesFromFacts(): Promise<Record<string, { t: string; v: bigint }[]>> {
  const rows = await t.db.query<{ wallet_id: string; t: Date; pnl: string }>(
    `SELECT wallet_id, max(closed_at) AS t, sum(pnl)::text AS pnl FROM (
       SELECT wallet_id, closed_at, pnl, width_bucket(extract(epoch FROM closed_at),
         min(extract(epoch FROM closed_at)) OVER w, max(extract(epoch FROM closed_at)) OVER w + 1, $1) AS b
       FROM ft_closes WINDOW w AS (PARTITION BY wallet_id)) c
     GROUP BY wallet_id, b ORDER BY wallet_id, b`, [SPARKLINE_POINTS - 1]);
  const out: Record<string, { t: string; v: bigint }[]> = {};
  for (const r of rows) {
    const points = (out[r.wallet_id] ??= []);
    points.push({ t: new Date(r.t).toISOString(), v: (points.at(-1)?.v ?? 0n) + micros(r.pnl) });
  }
  return out;
}

async function expectOverviewFromFacts(): Promise<void> {
  const facts = await unrealizedFromFacts();
  const curves = await curvesFromFacts();
  for (const row of await ftOverview(t.db, '00000000-0000-0000-0000-000000000000', NOW)) {
    expect(row.sparkline.slice(0, -1).map((p) => ({ t: p.t.toISOString(), v: p.v })), `${row.summary.wallet_id} sparkline`)
      .toEqual(curves[row.summary.wallet_id] ?? []);
    const want = facts[row.summary.wallet_id];
    const got = row.unrealized === null ? null : (Number(row.unrealized) / 1e6).toFixed(6);
    expect(got, row.summary.wallet_id).toBe(want === undefined ? '0.000000' : want);
  }
}

beforeAll(async () => {
  t = await openTestDb();
  for (const id of WALLETS) await insertWallet(t.db, parseFtWallet({ wallet_id: id, start_date: '2026-01-01T00:00:00Z' }, NOW));
  // three markets: two priced, one without prices
  await t.db.query(`INSERT INTO markets (condition_id, outcomes, clob_token_ids, outcome_prices, source)
    SELECT 'c' || m, '{Yes,No}', ARRAY['c' || m || '-y', 'c' || m || '-n'],
      CASE WHEN m = 3 THEN NULL ELSE ARRAY[0.3 + m / 10.0, 0.7 - m / 10.0]::numeric[] END, 'test'
    FROM generate_series(1, 3) m`);
  await t.db.query(`INSERT INTO source_trades (trade_key, trader, side, asset, condition_id, size, price, usd, trade_time,
      transaction_hash, source)
    SELECT 't' || i, '0xt', 'BUY', 'c' || (i % 3 + 1) || CASE WHEN i % 2 = 0 THEN '-y' ELSE '-n' END, 'c' || (i % 3 + 1),
      10, 0.5, 5, timestamptz '2026-03-01' + i * interval '1 minute', '0x', 'test'
    FROM generate_series(1, 60) i`);
});
afterAll(async () => t?.close());

/** Paper orders for trades `from`..`to` (one statement), of FT_A for even i and FT_B for odd */
async function insertOrders(from: number, to: number): Promise<void> {
  await t.db.query(`INSERT INTO ft_orders (order_id, wallet_id, condition_id, asset, token_label, source_trade_id, trader_address,
      trader_price, entry_price, size, shares, open_shares, open_cost, order_time)
    SELECT md5('o' || i)::uuid, CASE WHEN i % 2 = 0 THEN 'FT_A' ELSE 'FT_B' END, 'c' || (i % 3 + 1),
      'c' || (i % 3 + 1) || CASE WHEN i % 2 = 0 THEN '-y' ELSE '-n' END, 'Yes', 't' || i, '0xt', 0.5, 0.5 + i / 1000.0,
      5 + i / 7.0, 10 + i / 3.0, 10 + i / 3.0, 5 + i / 7.0, timestamptz '2026-03-01' + i * interval '1 minute'
    FROM generate_series($1::int, $2::int) i`, [from, to]);
}

let sells = 45;
/** An exit of `fraction` of order i's open shares: the close row, then the order's update (as applyCloses books it) */
async function close(i: number, fraction: string, outcome: string, pnl: string): Promise<void> {
  const id = `md5('o' || ${i})::uuid`;
  await t.db.query(`INSERT INTO ft_closes (close_id, order_id, wallet_id, kind, source_trade_id, shares, price, proceeds,
      cost_basis, pnl, closed_at)
    SELECT md5('c' || $1::int || $2::text)::uuid, order_id, wallet_id, 'exit', 't' || $4::int, round(open_shares * $2::numeric, 6),
      0.6, 1, round(open_cost * $2::numeric, 6), $3::numeric, timestamptz '2026-03-02' + $1::int * interval '1 minute'
    FROM ft_orders WHERE order_id = ${id}`, [i, fraction, pnl, (sells += 1)]);
  await t.db.query(`UPDATE ft_orders SET open_shares = open_shares - round(open_shares * $1::numeric, 6),
      open_cost = open_cost - round(open_cost * $1::numeric, 6), pnl = pnl + $3::numeric, outcome = $2
    WHERE order_id = ${id}`, [fraction, outcome, pnl]);
}

describe(`kept FT sums on ${backendName}`, () => {
  it('equal their reading from every order and close after each kind of write', async () => {
    await expectKeptEqualsFacts();
    await insertOrders(1, 40);
    await expectKeptEqualsFacts();
    for (let i = 41; i <= 45; i += 1) await insertOrders(i, i);
    await expectKeptEqualsFacts();
    await close(2, '0.5', 'OPEN', '1.25');
    await close(4, '0.333333', 'OPEN', '-0.5');
    await expectKeptEqualsFacts();
    await expectOverviewFromFacts();
    await close(2, '1', 'SOLD', '2.5');
    await close(6, '1', 'SOLD', '-1.000001');
    await close(9, '1', 'SOLD', '0.000001');
    await expectKeptEqualsFacts();
    // a settlement: every open order of market c1 at once, one statement each
    await t.db.query(`UPDATE ft_orders SET outcome = CASE WHEN asset LIKE '%-y' THEN 'WON' ELSE 'LOST' END, open_shares = 0,
      open_cost = 0 WHERE condition_id = 'c1' AND outcome = 'OPEN'`);
    await expectKeptEqualsFacts();
    await expectOverviewFromFacts();
    await t.db.query(`UPDATE ft_orders SET outcome = 'VOID' WHERE order_id = md5('o' || 6)::uuid`);
    await t.db.query(`UPDATE ft_closes SET pnl = pnl + 0.1 WHERE order_id = md5('o' || 4)::uuid`);
    await expectKeptEqualsFacts();
    await t.db.query(`DELETE FROM ft_closes WHERE order_id = md5('o' || 9)::uuid`);
    await t.db.query(`DELETE FROM ft_orders WHERE order_id IN (md5('o' || 44)::uuid, md5('o' || 45)::uuid)`);
    await expectKeptEqualsFacts();
    await expectOverviewFromFacts();
    const kept = await ftKeptSums(t.db);
    expect(Object.keys(kept.tokens).some((k) => k.includes('|c1|')), 'a token with nothing open keeps no row').toBe(false);
    const [a] = await ftWalletSummaries(t.db, 'FT_A');
    expect([a!.orders, a!.open + a!.won + a!.lost + a!.sold + a!.void]).toEqual([kept.wallets.FT_A!.orders, kept.wallets.FT_A!.orders]);
  });
});

describe(`kept realized curve on ${backendName}`, () => {
  it('gives the overview the sparkline of width_bucket over every close, closes booked in and out of time order', async () => {
    // FT_C: closes at pseudo-random microsecond times, booked in three statements, the second before the first's times
    await insertWallet(t.db, parseFtWallet({ wallet_id: 'FT_C', start_date: '2026-01-01T00:00:00Z' }, NOW));
    await t.db.query(`INSERT INTO source_trades (trade_key, trader, side, asset, condition_id, size, price, usd, trade_time,
        transaction_hash, source)
      SELECT 'u' || i, '0xt', 'BUY', 'c2-y', 'c2', 10, 0.5, 5, timestamptz '2026-03-01' + i * interval '1 minute', '0x', 'test'
      FROM generate_series(1, 300) i`);
    await t.db.query(`INSERT INTO ft_orders (order_id, wallet_id, condition_id, asset, token_label, source_trade_id, trader_address,
        trader_price, entry_price, size, shares, open_shares, open_cost, outcome, order_time)
      SELECT md5('u' || i)::uuid, 'FT_C', 'c2', 'c2-y', 'Yes', 'u' || i, '0xt', 0.5, 0.5, 5, 10, 0, 0, 'SOLD',
        timestamptz '2026-03-01' + i * interval '1 minute'
      FROM generate_series(1, 300) i`);
    const book = (from: number, to: number) => t.db.query(`INSERT INTO ft_closes (close_id, order_id, wallet_id, kind,
        source_trade_id, shares, price, proceeds, cost_basis, pnl, closed_at)
      SELECT md5('uc' || i)::uuid, md5('u' || i)::uuid, 'FT_C', 'exit', 'u' || i, 10, 0.6, 6, 5, ((i * 7919) % 200 - 90) / 1000.0,
        timestamptz '2026-03-02' + ((i * 104729) % 9999991) * interval '1 microsecond' * 1000 + (i % 7) * interval '1 microsecond'
      FROM generate_series($1::int, $2::int) i`, [from, to]);
    await book(101, 200);
    await expectKeptEqualsFacts();
    await expectOverviewFromFacts();
    await book(1, 100);
    await book(201, 300);
    await expectKeptEqualsFacts();
    await expectOverviewFromFacts();
    // two closes at the same instant, a changed P&L and a removed close
    await t.db.query(`UPDATE ft_closes SET closed_at = (SELECT closed_at FROM ft_closes WHERE close_id = md5('uc' || 5)::uuid)
      WHERE close_id = md5('uc' || 6)::uuid`);
    await t.db.query(`UPDATE ft_closes SET pnl = pnl - 1 WHERE close_id = md5('uc' || 150)::uuid`);
    await t.db.query(`DELETE FROM ft_closes WHERE close_id IN (md5('uc' || 7)::uuid, md5('uc' || 300)::uuid)`);
    await expectKeptEqualsFacts();
    await expectOverviewFromFacts();
    const c = (await ftOverview(t.db, '00000000-0000-0000-0000-000000000000', NOW)).find((r) => r.summary.wallet_id === 'FT_C')!;
    expect(c.sparkline.length).toBeGreaterThan(SPARKLINE_POINTS / 2);
  });
});
