/** Ingestion: malformed, duplicate and unknown-market records are counted by reason and skipped; the rest go in */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnparsedLine } from '../../src/feeds/data-api-record.ts';
import { ingestRejectTotals } from '../../src/store/ft-summary-store.ts';
import { backendName } from '../support/test-db.ts';
import { ALICE, BOB, copyAll, createFtWorld, record, T0, type FtWorld } from '../support/ft-world.ts';

describe(`ingestion of Data API records (${backendName})`, () => {
  let w: FtWorld;
  beforeEach(async () => {
    w = await createFtWorld();
    await w.addWallet(copyAll());
  });
  afterEach(async () => w.close());

  it('counts every malformed record by reason and ingests the rest of the batch', async () => {
    const good = [record(), record({ proxyWallet: BOB }), record({ timestamp: T0 + 60 })];
    const dup = { ...good[0]! };
    const report = await w.ingest([
      ...good,
      dup, // the same fill twice in one batch
      record({ price: 0 }), record({ price: 1 }), record({ price: 1.5 }), record({ price: '0.5x' }),
      record({ size: 0 }), record({ size: -3 }),
      { ...record(), asset: undefined }, { ...record(), proxyWallet: '' }, { ...record(), timestamp: null },
      record({ side: 'HOLD' }), record({ timestamp: 'yesterday' }),
      record({ conditionId: '0x' + '9'.repeat(64) }), // a market no source knows
      record({ asset: '999' }), // a token the market does not have
      record({ type: 'REDEEM' }), 42, new UnparsedLine('{not json'),
    ]);
    expect(report.rejected).toEqual({
      duplicate: 1, bad_price: 4, bad_size: 2, missing_field: 3, bad_side: 1, bad_timestamp: 1, unknown_market: 1,
      unknown_token: 1, not_a_trade: 1, not_an_object: 1, bad_json: 1,
    });
    expect(report.newTrades).toBe(3);
    expect(report.ordersCreated).toBe(3);
    expect(await ingestRejectTotals(w.t.db)).toEqual(report.rejected);
  });

  it('treats a record seen in an earlier batch as a duplicate and never orders twice', async () => {
    const batch = [record(), record({ timestamp: T0 + 5 })];
    const first = await w.ingest(batch);
    const again = await w.ingest(batch);
    expect(first.ordersCreated).toBe(2);
    expect(again).toMatchObject({ newTrades: 0, ordersCreated: 0, rejected: { duplicate: 2 } });
    expect((await w.summary('FT_COPY_ALL')).orders).toBe(2);
  });

  it('collapses /trades and /activity copies of one fill (numbers or strings) to one trade', async () => {
    const trade = record();
    const activity = { ...trade, type: 'TRADE', usdcSize: 50, size: '100', price: '0.5' };
    const report = await w.ingest([trade, activity]);
    expect(report).toMatchObject({ newTrades: 1, rejected: { duplicate: 1 } });
  });

  it('keeps two traders in one transaction apart (the dedupe key includes the trader)', async () => {
    const a = record();
    const report = await w.ingest([a, { ...a, proxyWallet: BOB }]);
    expect(report.newTrades).toBe(2);
  });

  it('evaluates a late-indexed trade that arrives after newer ones', async () => {
    await w.ingest([record({ timestamp: T0 + 600 })]);
    const late = await w.ingest([record({ timestamp: T0 - 300 })]);
    expect(late).toMatchObject({ newTrades: 1, ordersCreated: 1 });
  });

  it('is idempotent when two ingests of the same records race', async () => {
    const batch = Array.from({ length: 20 }, (_, i) => record({ timestamp: T0 + i, proxyWallet: i % 2 ? ALICE : BOB }));
    const reports = await Promise.all([w.ingest(batch), w.ingest(batch), w.ingest(batch)]);
    expect(reports.reduce((n, r) => n + r.ordersCreated, 0)).toBe(20);
    expect(reports.reduce((n, r) => n + r.newTrades, 0)).toBe(20);
    const [row] = await w.t.db.query<{ n: number; d: number }>(
      'SELECT (SELECT count(*)::int FROM ft_orders) AS n, (SELECT count(*)::int FROM ft_dispositions) AS d');
    expect(row).toEqual({ n: 20, d: 20 });
  });
});
