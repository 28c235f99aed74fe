/**
 * Bulk loading (bulk-load.ts): source_trades' secondary indexes and foreign key set aside and rebuilt as the migrations
 * made them, rows added meanwhile indexed and checked; a row that breaks the foreign key fails the rebuild, by name
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { CID, market, record } from '../../test/support/ft-fixtures.ts';
import { normalizeTradeRecord } from '../feeds/data-api-record.ts';
import type { SourceTrade } from '../domain/trade.ts';
import { restoreIndexes, setAsideIndexes } from './bulk-load.ts';
import { upsertMarkets } from './market-store.ts';
import { insertSourceTrades } from './trade-store.ts';
import type { Sql } from './db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  await upsertMarkets(t.db, [market()], 'test');
});
afterAll(async () => t?.close());

/** The table's indexes and constraints as the catalog prints them */
async function schemaOf(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ def: string }>(
    `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'source_trades'::regclass
     UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'source_trades'::regclass
     ORDER BY 1`);
  return rows.map((r) => r.def);
}

function trade(over: Record<string, unknown> = {}): SourceTrade {
  const n = normalizeTradeRecord(record(over));
  if (!n.ok) throw new Error(n.reason);
  return n.trade;
}

describe(`setAsideIndexes and restoreIndexes (${backendName})`, () => {
  it('drops the secondary indexes and the foreign key, then rebuilds them as they were, over the rows added meanwhile', async () => {
    const before = await schemaOf(t.db);
    expect(before.some((d) => d.includes('source_trades_trader_asset'))).toBe(true);
    const aside = await setAsideIndexes(t.db, 'source_trades');
    const during = await schemaOf(t.db);
    expect(during.some((d) => d.includes('source_trades_trader_asset') || d.includes('FOREIGN KEY'))).toBe(false);
    expect(during.some((d) => d.includes('PRIMARY KEY'))).toBe(true);
    await insertSourceTrades(t.db, [trade(), trade({ side: 'SELL' })], 'test');
    await restoreIndexes(t.db, aside);
    expect(await schemaOf(t.db)).toEqual(before);
    await restoreIndexes(t.db, aside); // idempotent
    expect(await schemaOf(t.db)).toEqual(before);
    expect((await t.db.query('SELECT count(*)::int AS n FROM source_trades WHERE condition_id = $1', [CID]))[0]).toEqual({ n: 2 });
  });

  it('keeps the indexes named in `keep`', async () => {
    const before = await schemaOf(t.db);
    const aside = await setAsideIndexes(t.db, 'source_trades', ['source_trades_time']);
    const during = await schemaOf(t.db);
    expect(during.some((d) => d.includes('source_trades_time '))).toBe(true);
    expect(during.some((d) => d.includes('source_trades_trader_asset'))).toBe(false);
    await restoreIndexes(t.db, aside);
    expect(await schemaOf(t.db)).toEqual(before);
    await expect(setAsideIndexes(t.db, 'source_trades', ['source_trades_renamed'])).rejects.toThrow(/no secondary index source_trades_renamed/);
    expect(await schemaOf(t.db)).toEqual(before);
  });

  it('fails the rebuild on a row whose market is missing, naming the foreign key; the rebuild resumes once it is gone', async () => {
    const before = await schemaOf(t.db);
    const aside = await setAsideIndexes(t.db, 'source_trades');
    const orphan = trade({ conditionId: '0x' + '9'.repeat(64) });
    await insertSourceTrades(t.db, [orphan], 'test');
    await expect(restoreIndexes(t.db, aside)).rejects.toThrow(/source_trades_condition_id_fkey/);
    await t.db.query('DELETE FROM source_trades WHERE trade_key = $1', [orphan.key]);
    await restoreIndexes(t.db, aside);
    expect(await schemaOf(t.db)).toEqual(before);
  });
});
