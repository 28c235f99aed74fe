/**
 * The batched, in-memory FT replay gives what the per-trade store path gave: the same report (orders, positions, P&L,
 * skips, invariants) and the same stored rows (table digests), against test/fixtures/replay-ft-equivalence.json, which
 * the per-trade path produced at f970e68 (identical on PGlite and PostgreSQL). Two batch sizes: 500, and 97 so that
 * batches split trades of one second and closings fall between batches
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestTables, type TableDigest } from '../support/replay-digest.ts';
import { CASE_BATCH_SIZES, replayCase } from '../support/replay-ft-case.ts';
import { backendName, openTestDb } from '../support/test-db.ts';
import { normalizeTradeRecords } from '../../src/feeds/data-api-record.ts';
import type { ReplayReport } from '../../src/replay/replay.ts';
import { upsertMarkets } from '../../src/store/market-store.ts';
import { insertSourceTrades } from '../../src/store/trade-store.ts';
import { nobelMarkets, nobelRecords } from '../support/nobel.ts';

const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/replay-ft-equivalence.json', import.meta.url), 'utf8')) as
  Record<string, { report: ReplayReport; tables: TableDigest }>;

describe(`FT replay equivalence with the per-trade path (${backendName})`, () => {
  for (const size of CASE_BATCH_SIZES) {
    it(`batches of ${size}: the same report and stored rows`, async () => {
      const expected = FIXTURE[`batch_${size}`]!;
      const t = await openTestDb();
      try {
        const report = await replayCase(t.db, size);
        expect(report).toEqual(expected.report);
        expect(await digestTables(t.db)).toEqual(expected.tables);
        expect(report.strategies.reduce((n, s) => n + s.ft.orders, 0)).toBeGreaterThan(1000); // the case takes, exits and settles
      } finally {
        await t.close();
      }
    }, 180_000);
  }

  it('refuses a database that already has FT history', async () => {
    const t = await openTestDb();
    try {
      const [trade] = normalizeTradeRecords(nobelRecords().slice(0, 1)).trades;
      await upsertMarkets(t.db, nobelMarkets(nobelRecords()), 'test');
      await insertSourceTrades(t.db, [trade!], 'test');
      await expect(replayCase(t.db, 500)).rejects.toThrow(/fresh database/);
    } finally {
      await t.close();
    }
  }, 60_000);
});
