/**
 * The store floor writes a replay's stored rows again into copies of their tables and leaves the database as it found
 * it: every row of the four tables counted, the copies dropped, the originals untouched, on PGlite and PostgreSQL
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { parseFtWallet } from '../domain/ft-wallet.ts';
import { insertWallet } from '../store/wallet-store.ts';
import { measureStoreFloor } from './replay-floor.ts';

let t: TestDb;

beforeAll(async () => {
  t = await openTestDb();
  await insertWallet(t.db, parseFtWallet({ wallet_id: 'FT_A', start_date: '2026-01-01T00:00:00Z' }, new Date('2026-03-10T00:00:00Z')));
  await t.db.query(`INSERT INTO markets (condition_id, outcomes, clob_token_ids, source) VALUES ('c1', '{Yes,No}', '{y,n}', 'test')`);
  await t.db.query(`INSERT INTO source_trades (trade_key, trader, side, asset, condition_id, size, price, usd, trade_time,
      transaction_hash, source, title)
    SELECT 't' || i, '0xt', 'BUY', 'y', 'c1', 10, 0.5, 5, timestamptz '2026-03-01' + i * interval '1 minute', '0x', 'test',
      'a "quoted", title'
    FROM generate_series(1, 30) i`);
  await t.db.query(`INSERT INTO ft_orders (order_id, wallet_id, condition_id, asset, token_label, source_trade_id, trader_address,
      trader_price, entry_price, size, shares, open_shares, open_cost, order_time)
    SELECT md5('o' || i)::uuid, 'FT_A', 'c1', 'y', 'Yes', 't' || i, '0xt', 0.5, 0.5, 5, 10, 10, 5,
      timestamptz '2026-03-01' + i * interval '1 minute'
    FROM generate_series(1, 12) i`);
});
afterAll(async () => t?.close());

it("counts every stored row, checks each copy holds them all, and drops its copies", async () => {
  const floor = await measureStoreFloor(t.db);
  expect(floor.rows).toEqual({ source_trades: 30, ft_orders: 12, ft_closes: 0, ft_dispositions: 0 });
  expect(floor.bare_ms).toBeGreaterThanOrEqual(0);
  expect(floor.primary_keys_ms).toBeGreaterThanOrEqual(0);
  expect(Object.keys(floor.primary_keys_ms_by_table)).toEqual(['source_trades', 'ft_orders', 'ft_closes', 'ft_dispositions']);
  const left = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'floor\\_%'`);
  expect(left[0]!.n).toBe(0);
  const [c] = await t.db.query<{ trades: number; orders: number }>(
    'SELECT (SELECT count(*) FROM source_trades)::int AS trades, (SELECT count(*) FROM ft_orders)::int AS orders');
  expect(c).toEqual({ trades: 30, orders: 12 });
});
