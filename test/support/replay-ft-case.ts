/**
 * The fixed input of the FT replay equivalence test (test/scenarios/replay-ft-equivalence.test.ts): the Nobel trades plus
 * malformed and duplicate records, a third of the markets closing halfway through (settlements, trader statistics,
 * trades on closed markets), strategies that take, exit and skip (with and without the model), two batch sizes
 */
import { UnparsedLine } from '../../src/feeds/data-api-record.ts';
import { createLogisticScorer } from '../../src/feeds/scorer.ts';
import { DEFAULT_LOGISTIC } from '../../src/domain/logistic.ts';
import type { Market } from '../../src/domain/market.ts';
import { runReplay, type ReplayReport } from '../../src/replay/replay.ts';
import type { Db } from '../../src/store/db.ts';
import { DEMO_STRATEGIES } from '../../src/store/demo-strategies.ts';
import { nobelMarkets, nobelRecords } from './nobel.ts';

const base = { use_model: false, min_edge: null, min_trader_resolved_count: null };
export const CASE_STRATEGIES = [
  { ft: { ...base, wallet_id: 'FT_ALL', bet_size: '1.20' }, lt: null },
  { ft: { ...base, wallet_id: 'FT_LONGSHOT', price_max: '0.2', bet_size: '3' }, lt: null },
  { ft: { ...base, wallet_id: 'FT_BIG', price_min: '0.3', min_original_trade_usd: '100', bet_size: '10', starting_balance: '500' }, lt: null },
  { ft: { ...base, wallet_id: 'FT_MODEL', use_model: true, model_threshold: '0.2', bet_size: '2', starting_balance: '40' }, lt: null },
  ...DEMO_STRATEGIES.slice(0, 3).map((ft) => ({ ft, lt: null })),
];

export const CASE_BATCH_SIZES = [500, 97] as const;

function caseInput(): { records: unknown[]; markets: Market[] } {
  const nobel = nobelRecords();
  const times = nobel.map((r) => r.timestamp).sort((a, b) => a - b);
  const midway = new Date(times[Math.floor(times.length / 2)]! * 1000);
  const markets = nobelMarkets(nobel, true).map((m, i) => (i % 3 === 0 ? { ...m, closedTime: midway } : m));
  const records: unknown[] = [...nobel, new UnparsedLine('{oops'), { side: 'BUY' }, { ...nobel[0]!, price: 1.2, transactionHash: '0xbad' },
    { ...nobel[1]!, conditionId: '0xnope', transactionHash: '0xother' }, { ...nobel[5]! }, { ...nobel[700]! }];
  return { records, markets };
}

export async function replayCase(db: Db, batchSize: number): Promise<ReplayReport> {
  const { records, markets } = caseInput();
  return runReplay(db, { records, markets, strategies: CASE_STRATEGIES, seed: 1, scorer: createLogisticScorer(DEFAULT_LOGISTIC), batchSize });
}
