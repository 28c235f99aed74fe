/**
 * tandem replay on the Nobel trades: deterministic, every invariant computed from the database holds, bad lines counted,
 * the source trades' indexes rebuilt after the bulk load
 */
import { describe, expect, it } from 'vitest';
import { UnparsedLine } from '../../src/feeds/data-api-record.ts';
import { noScorer } from '../../src/feeds/scorer.ts';
import { BULK_TABLES, runReplay, type ReplayReport } from '../../src/replay/replay.ts';
import { nobelMarkets, nobelRecords } from '../support/nobel.ts';
import { backendName, openTestDb } from '../support/test-db.ts';
import type { Db } from '../../src/store/db.ts';
import { ftInvariants } from '../../src/store/report-store.ts';

const base = { use_model: false, min_edge: null, min_trader_resolved_count: null };
const STRATEGIES = [
  { ft: { ...base, wallet_id: 'FT_ALL', bet_size: '1.20' }, lt: null },
  { ft: { ...base, wallet_id: 'FT_LONGSHOT', price_max: '0.2', bet_size: '3' }, lt: null },
  { ft: { ...base, wallet_id: 'FT_BIG', price_min: '0.3', min_original_trade_usd: '100', bet_size: '10', starting_balance: '500' }, lt: null },
];

/** The indexes and foreign keys of the tables a replay bulk-loads (src/replay/replay.ts BULK_TABLES) */
const schemaOf = async (db: Db): Promise<string[]> => (await db.query<{ name: string }>(
  `SELECT tablename || ': ' || indexname AS name FROM pg_indexes WHERE tablename = ANY($1::text[])
   UNION ALL SELECT conrelid::regclass::text || ': ' || conname FROM pg_constraint
   WHERE conrelid::regclass::text = ANY($1::text[]) AND contype = 'f' ORDER BY 1`,
  [[...BULK_TABLES]])).map((r) => r.name);

async function replayOnce(records: unknown[], then?: (db: Db, report: ReplayReport) => Promise<void>): Promise<ReplayReport> {
  const t = await openTestDb();
  try {
    const before = await schemaOf(t.db);
    const report = await runReplay(t.db, { records, markets: nobelMarkets(nobelRecords(), true), strategies: STRATEGIES, seed: 1, scorer: noScorer });
    // The indexes and foreign keys set aside for the bulk load are back (src/store/bulk-load.ts)
    expect(await schemaOf(t.db)).toEqual(before);
    expect(before).toContain('source_trades: source_trades_condition_id_fkey');
    expect(before).toContain('ft_orders: ft_orders_wallet_xid');
    await then?.(t.db, report);
    return report;
  } finally {
    await t.close();
  }
}

describe(`replay of the Nobel trades (${backendName})`, () => {
  it('gives the same report twice, with every invariant true', async () => {
    const records = nobelRecords();
    const [a, b] = [await replayOnce(records), await replayOnce([...records].reverse())];
    expect(b).toEqual(a);
    expect(Object.entries(a.invariants).filter(([, v]) => !v.ok)).toEqual([]);
    expect(a.input).toEqual({ trades: 1500, markets: 20, books: 0, rejected: {} });
    // FT_BIG equals the golden test's independent reference
    expect(a.strategies.find((s) => s.ft_wallet_id === 'FT_BIG')!.ft).toMatchObject({
      orders: 53, won: 41, lost: 9, exited: 3, open: 0, realized_pnl_usd: '-21.93', cash_usd: '478.07',
    });
  }, 120_000);

  it('counts malformed records by reason and still replays the rest', async () => {
    const records: unknown[] = [...nobelRecords().slice(0, 200), new UnparsedLine('{oops'), { side: 'BUY' },
      { ...nobelRecords()[0]!, price: 1.2, transactionHash: '0xbad' }, { ...nobelRecords()[1]!, conditionId: '0xnope', transactionHash: '0xother' }];
    const r = await replayOnce(records);
    expect(r.input.rejected).toEqual({ bad_json: 1, missing_field: 1, bad_price: 1, unknown_market: 1 });
    expect(r.input.trades).toBe(204);
    expect(Object.values(r.invariants).every((v) => v.ok)).toBe(true);
  }, 120_000);

  it('its FT invariants, read from the stored rows, catch a drifted order, a missing disposition and a double settlement', async () => {
    await replayOnce(nobelRecords(), async (db) => {
      const failing = async () => Object.entries(await ftInvariants(db)).filter(([, v]) => !v.ok).map(([k]) => k).sort();
      expect(await failing()).toEqual([]);
      const [o] = await db.query<{ order_id: string; wallet_id: string; source_trade_id: string }>(
        `SELECT o.order_id, o.wallet_id, o.source_trade_id FROM ft_orders o
         WHERE EXISTS (SELECT 1 FROM ft_closes c WHERE c.order_id = o.order_id AND c.kind = 'settlement') ORDER BY o.order_id LIMIT 1`);
      await db.query(`UPDATE ft_orders SET shares = shares + 1, size = size + 1 WHERE order_id = $1`, [o!.order_id]);
      expect(await failing()).toEqual(['ft_cash_conservation', 'ft_cost_conserved', 'ft_shares_conserved']);
      await db.query(`DELETE FROM ft_dispositions WHERE wallet_id = $1 AND trade_key = $2`, [o!.wallet_id, o!.source_trade_id]);
      expect(await failing()).toContain('ft_one_disposition_per_order');
      await db.exec(`DROP INDEX ft_closes_settle_once`);
      await db.query(`INSERT INTO ft_closes (close_id, order_id, wallet_id, kind, shares, price, proceeds, cost_basis, pnl, closed_at)
        SELECT gen_random_uuid(), order_id, wallet_id, kind, shares, price, proceeds, cost_basis, pnl, closed_at FROM ft_closes
        WHERE order_id = $1 AND kind = 'settlement'`, [o!.order_id]);
      expect(await failing()).toContain('ft_settled_once');
    });
  }, 120_000);
});
