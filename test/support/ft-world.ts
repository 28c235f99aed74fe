/** A small FT test world: a fresh database, a manual clock, static markets and raw Data API record builders */
import { parseFtWallet, type FtWalletInputJson } from '../../src/domain/ft-wallet.ts';
import type { Market } from '../../src/domain/market.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { ingestTrades, type FtDeps } from '../../src/engine/ft-engine.ts';
import { resolveFtMarkets } from '../../src/engine/ft-resolve.ts';
import type { Scorer } from '../../src/engine/ports.ts';
import { normalizeTradeRecords } from '../../src/feeds/data-api-record.ts';
import { createStaticMarketSource } from '../../src/feeds/file-sources.ts';
import { noScorer } from '../../src/feeds/scorer.ts';
import { ftWalletSummaries } from '../../src/store/ft-summary-store.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { openTestDb, type TestDb } from './test-db.ts';

import { market } from './ft-fixtures.ts';

export { ALICE, BOB, CID, copyAll, market, NO, record, T0, YES } from './ft-fixtures.ts';

export interface FtWorld {
  t: TestDb;
  clock: ManualClock;
  markets: ReturnType<typeof createStaticMarketSource>;
  deps: FtDeps;
  addWallet(input: FtWalletInputJson): Promise<void>;
  ingest(records: unknown[]): ReturnType<typeof ingestTrades>;
  resolve(): ReturnType<typeof resolveFtMarkets>;
  summary(walletId: string): Promise<Awaited<ReturnType<typeof ftWalletSummaries>>[number]>;
  close(): Promise<void>;
}

export async function createFtWorld(options: { markets?: Market[]; scorer?: Scorer; pgliteDataDir?: string } = {}): Promise<FtWorld> {
  const t = await openTestDb(options.pgliteDataDir ? { pgliteDataDir: options.pgliteDataDir } : {});
  const clock = new ManualClock('2026-03-01T13:00:00Z');
  const markets = createStaticMarketSource(options.markets ?? [market()]);
  const deps: FtDeps = { db: t.db, markets, scorer: options.scorer ?? noScorer, clock };
  return {
    t, clock, markets, deps,
    addWallet: async (input) => void (await insertWallet(t.db, parseFtWallet(input, clock.now()))),
    ingest: (records) => ingestTrades(deps, normalizeTradeRecords(records), 'test'),
    resolve: () => resolveFtMarkets({ db: t.db, markets, clock }),
    summary: async (id) => (await ftWalletSummaries(t.db, id))[0]!,
    close: () => t.close(),
  };
}
