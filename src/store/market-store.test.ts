/** What a market source left in the database: the resumed demo world reads its count and its unresolved markets */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { market } from '../../test/support/ft-world.ts';
import { marketsOfSource, markResolved, upsertMarkets } from './market-store.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.close());

describe(`marketsOfSource (${backendName})`, () => {
  it('counts a source\'s markets and returns those not resolved, with their tokens, end and last prices', async () => {
    expect(await marketsOfSource(t.db, 'sim-world')).toEqual({ count: 0, unresolved: [] });
    await upsertMarkets(t.db, [
      market({ conditionId: '0xa', tokenIds: ['1', '2'], outcomePrices: [620_000n, 380_000n] }),
      market({ conditionId: '0xb', tokenIds: ['3', '4'] }),
    ], 'sim-world');
    await upsertMarkets(t.db, [market({ conditionId: '0xc', tokenIds: ['5', '6'] })], 'gamma');
    expect(await markResolved(t.db, '0xb', 'Yes', new Date('2026-03-01T00:00:00Z'))).toBe(true);
    const got = await marketsOfSource(t.db, 'sim-world');
    expect(got.count).toBe(2);
    expect(got.unresolved).toEqual([expect.objectContaining({ conditionId: '0xa', tokenIds: ['1', '2'],
      outcomePrices: [620_000n, 380_000n], endTime: new Date('2026-12-31T00:00:00Z'), resolvedAt: null })]);
  });
});
