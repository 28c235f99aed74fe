/** recordDispositions writes in statements of a bounded size: every row lands, the first disposition of a pair wins */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { market } from '../../test/support/ft-world.ts';
import { recordDispositions, type Disposition } from './ft-order-store.ts';
import { upsertMarkets } from './market-store.ts';
import { seedDemoStrategies } from './seed.ts';

const TRADES = 6_000;
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
}, 120_000);
afterAll(async () => t?.close());

describe(`recordDispositions (${backendName})`, () => {
  it('records more rows than one statement takes, counts the skips once, and keeps the first of a repeated pair', async () => {
    await upsertMarkets(t.db, [market({ conditionId: '0xd', tokenIds: ['1', '2'] })], 'test');
    await seedDemoStrategies(t.db, new Date('2026-03-01T00:00:00Z'));
    const [a, b] = (await t.db.query<{ wallet_id: string }>('SELECT wallet_id FROM ft_wallets ORDER BY wallet_id LIMIT 2'))
      .map((r) => r.wallet_id);
    await t.db.query(`INSERT INTO source_trades (trade_key, trader, side, asset, condition_id, size, price, usd, trade_time,
      transaction_hash, source) SELECT 'k' || i, '0xt', 'BUY', '1', '0xd', 1, 0.5, 0.5, now(), 'h' || i, 'test'
      FROM generate_series(1, ${TRADES}) AS i`);
    const at = new Date('2026-03-01T10:20:00Z');
    const keys = Array.from({ length: TRADES }, (_, i) => `k${i + 1}`);
    const rows: Disposition[] = [
      ...keys.map((tradeKey) => ({ walletId: a!, tradeKey, disposition: 'skipped' as const, reason: 'price_out_of_range', at })),
      ...keys.map((tradeKey) => ({ walletId: b!, tradeKey, disposition: 'taken' as const, reason: null, at })),
      { walletId: a!, tradeKey: 'k1', disposition: 'taken', reason: null, at }, // a later copy: the first one stands
    ];
    await recordDispositions(t.db, rows);
    const [n] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ft_dispositions');
    expect(n!.n).toBe(2 * TRADES);
    const [first] = await t.db.query<{ disposition: string }>(
      "SELECT disposition FROM ft_dispositions WHERE wallet_id = $1 AND trade_key = 'k1'", [a]);
    expect(first!.disposition).toBe('skipped');
    const counts = await t.db.query<{ wallet_id: string; hour: Date; reason: string; count: number }>(
      'SELECT wallet_id, hour, reason, count FROM ft_skip_counts ORDER BY wallet_id');
    expect(counts).toEqual([{ wallet_id: a, hour: new Date('2026-03-01T10:00:00Z'), reason: 'price_out_of_range', count: TRADES }]);
  }, 300_000);
});
