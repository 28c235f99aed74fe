/**
 * tandem replay on the Nobel trades: deterministic, every invariant computed from the database holds, bad lines counted,
 * the source trades' indexes rebuilt after the bulk load
 */
import { describe, expect, it } from 'vitest';
import { UnparsedLine } from '../../src/feeds/data-api-record.ts';
import { noScorer } from '../../src/feeds/scorer.ts';
import { runReplay, type ReplayReport } from '../../src/replay/replay.ts';
import { nobelMarkets, nobelRecords } from '../support/nobel.ts';
import { backendName, openTestDb } from '../support/test-db.ts';

const base = { use_model: false, min_edge: null, min_trader_resolved_count: null };
const STRATEGIES = [
  { ft: { ...base, wallet_id: 'FT_ALL', bet_size: '1.20' }, lt: null },
  { ft: { ...base, wallet_id: 'FT_LONGSHOT', price_max: '0.2', bet_size: '3' }, lt: null },
  { ft: { ...base, wallet_id: 'FT_BIG', price_min: '0.3', min_original_trade_usd: '100', bet_size: '10', starting_balance: '500' }, lt: null },
];

async function replayOnce(records: unknown[]): Promise<ReplayReport> {
  const t = await openTestDb();
  try {
    const report = await runReplay(t.db, { records, markets: nobelMarkets(nobelRecords(), true), strategies: STRATEGIES, seed: 1, scorer: noScorer });
    // The source trades' indexes and foreign key, set aside for the bulk load, are back (src/store/bulk-load.ts)
    const names = await t.db.query<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'source_trades'
      UNION ALL SELECT conname FROM pg_constraint WHERE conrelid = 'source_trades'::regclass AND contype = 'f' ORDER BY 1`);
    expect(names.map((r) => r.name)).toEqual(['source_trades_condition_asset', 'source_trades_condition_id_fkey', 'source_trades_pkey',
      'source_trades_time', 'source_trades_trader_asset']);
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
});
