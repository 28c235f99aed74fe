/**
 * A market whose first trade comes after it closed: the replay learns it as the live path would at that time, closed,
 * so its trades are skipped as market_resolved; the markets learned up front are only those traded before they close
 */
import { describe, expect, it } from 'vitest';
import { noScorer } from '../../src/feeds/scorer.ts';
import { runReplay } from '../../src/replay/replay.ts';
import { copyAll, market, record, T0 } from '../support/ft-fixtures.ts';
import { backendName, openTestDb } from '../support/test-db.ts';

const EARLY = '0x' + '2'.repeat(64);
const LATE = '0x' + '3'.repeat(64);
const closedAt = new Date((T0 + 60) * 1000);

describe(`replay: a market first traded after it closed (${backendName})`, () => {
  it('is stored closed and its trades are skipped as market_resolved; a market traded before its closing is taken', async () => {
    const markets = [
      market({ conditionId: EARLY, tokenIds: ['21', '22'], closed: true, closedTime: closedAt, resolutionStatus: 'resolved',
        outcomePrices: [1_000000n, 0n] }),
      market({ conditionId: LATE, tokenIds: ['31', '32'], closed: true, closedTime: closedAt, resolutionStatus: 'resolved',
        outcomePrices: [0n, 1_000000n] }),
    ];
    const records = [
      record({ conditionId: EARLY, asset: '21', timestamp: T0 }),
      record({ conditionId: LATE, asset: '31', timestamp: T0 + 120 }),
      record({ conditionId: LATE, asset: '31', timestamp: T0 + 180, price: 0.4 }),
    ];
    const t = await openTestDb();
    try {
      const report = await runReplay(t.db, { records, markets, strategies: [{ ft: copyAll(), lt: null }], seed: 1, scorer: noScorer });
      expect(Object.entries(report.invariants).filter(([, v]) => !v.ok)).toEqual([]);
      const orders = await t.db.query<{ condition_id: string; n: number }>(
        'SELECT condition_id, count(*)::int AS n FROM ft_orders GROUP BY 1 ORDER BY 1');
      expect(orders).toEqual([{ condition_id: EARLY, n: 1 }]);
      const skips = await t.db.query<{ reason: string; n: number }>(
        `SELECT reason, sum(count)::int AS n FROM ft_skip_counts WHERE wallet_id = 'FT_COPY_ALL' GROUP BY 1 ORDER BY 1`);
      expect(skips).toEqual([{ reason: 'market_resolved', n: 2 }]);
      const stored = await t.db.query<{ condition_id: string; closed: boolean }>(
        'SELECT condition_id, closed FROM markets ORDER BY 1');
      expect(stored).toEqual([{ condition_id: EARLY, closed: true }, { condition_id: LATE, closed: true }]);
    } finally {
      await t.close();
    }
  }, 60_000);
});
