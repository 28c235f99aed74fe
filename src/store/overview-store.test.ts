/**
 * The overview's FT rows on many closes: the sparkline stays within 50 points and ends at realized + unrealized;
 * unrealized marks open paper positions at the market's price, and is null while an open position has no price
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { parseFtWallet } from '../domain/ft-wallet.ts';
import { usdc } from '../domain/money.ts';
import { ftOverview, SPARKLINE_POINTS } from './overview-store.ts';
import { insertWallet } from './wallet-store.ts';

let t: TestDb;
const NOW = new Date('2026-03-10T00:00:00Z');

/** `n` paper orders of `wallet` in market `cid`, one a minute from 2026-03-01; closed ones with a close of pnl i/100 */
async function seed(wallet: string, cid: string, price: string | null, closed: number, open: number) {
  await t.db.query(`INSERT INTO markets (condition_id, outcomes, clob_token_ids, outcome_prices, source)
    VALUES ($1, '{Yes,No}', ARRAY[$1 || '-y', $1 || '-n'], $2::numeric[], 'test')`, [cid, price === null ? null : `{${price},0.1}`]);
  await t.db.query(`INSERT INTO source_trades (trade_key, trader, side, asset, condition_id, size, price, usd, trade_time,
      transaction_hash, source)
    SELECT $1 || i, '0xt', 'BUY', $1 || '-y', $1, 10, 0.5, 5, timestamptz '2026-03-01' + i * interval '1 minute', '0x', 'test'
    FROM generate_series(1, $2::int) i`, [cid, closed + open]);
  await t.db.query(`INSERT INTO ft_orders (order_id, wallet_id, condition_id, asset, token_label, source_trade_id, trader_address,
      trader_price, entry_price, size, shares, open_shares, open_cost, outcome, order_time)
    SELECT md5($1 || i)::uuid, $2, $1, $1 || '-y', 'Yes', $1 || i, '0xt', 0.5, 0.5, 5, 10,
      CASE WHEN i > $3 THEN 10 ELSE 0 END, CASE WHEN i > $3 THEN 5 ELSE 0 END, CASE WHEN i > $3 THEN 'OPEN' ELSE 'SOLD' END,
      timestamptz '2026-03-01' + i * interval '1 minute'
    FROM generate_series(1, $4::int) i`, [cid, wallet, closed, closed + open]);
  await t.db.query(`INSERT INTO ft_closes (close_id, order_id, wallet_id, kind, source_trade_id, shares, price, proceeds, cost_basis,
      pnl, closed_at)
    SELECT md5('c' || $1 || i)::uuid, md5($1 || i)::uuid, $2, 'exit', $1 || i, 10, 0.6, 6, 5, i / 100.0,
      timestamptz '2026-03-01' + i * interval '1 minute' + interval '30 seconds'
    FROM generate_series(1, $3::int) i`, [cid, wallet, closed]);
}

beforeAll(async () => {
  t = await openTestDb();
  for (const id of ['FT_MANY', 'FT_UNPRICED']) {
    await insertWallet(t.db, parseFtWallet({ wallet_id: id, start_date: '2026-01-01T00:00:00Z' }, NOW));
  }
  await seed('FT_MANY', 'c-many', '0.7', 400, 3);
  await seed('FT_UNPRICED', 'c-none', null, 2, 1);
});
afterAll(async () => t?.close());

describe(`ftOverview on ${backendName}`, () => {
  it('bounds the sparkline to 50 points ending at realized + unrealized; unrealized at the market price', async () => {
    const rows = await ftOverview(t.db, '00000000-0000-0000-0000-000000000000', NOW);
    const many = rows.find((r) => r.summary.wallet_id === 'FT_MANY')!;
    const realized = usdc(String((400 * 401) / 2 / 100)); // Σ i/100 for i = 1..400
    expect(many.realized).toBe(realized);
    expect(many.unrealized).toBe(usdc('6')); // 3 × (10 shares × 0.7 − 5)
    expect(many.pnl).toBe(realized + usdc('6'));
    expect(many.sparkline.length).toBeLessThanOrEqual(SPARKLINE_POINTS);
    expect(many.sparkline.length).toBeGreaterThan(SPARKLINE_POINTS / 2);
    expect(many.sparkline.at(-2)!.v).toBe(realized); // the last bucket ends at every close
    expect(many.sparkline.at(-1)).toEqual({ t: NOW, v: many.pnl });
    for (let i = 1; i < many.sparkline.length; i += 1) {
      expect(many.sparkline[i]!.v).toBeGreaterThan(many.sparkline[i - 1]!.v); // every close gained
    }
    const unpriced = rows.find((r) => r.summary.wallet_id === 'FT_UNPRICED')!;
    expect([unpriced.unrealized, unpriced.pnl, unpriced.sparkline.length]).toEqual([null, usdc('0.03'), 3]);
  });
});
