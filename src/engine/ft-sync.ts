/** One FT sync cycle: fetch new trades for every followed trader, then ingest and evaluate them */
import { followedTraders } from '../store/trade-store.ts';
import { ingestTrades, type FtDeps, type IngestReport } from './ft-engine.ts';
import type { TradeSource } from './ports.ts';

export interface SyncReport extends IngestReport {
  traders: number;
  requests: number;
}

export async function syncFtOnce(deps: FtDeps & { source: TradeSource }): Promise<SyncReport> {
  const traders = await followedTraders(deps.db);
  const fetched = await deps.source.fetchTrades(traders);
  const report = await ingestTrades(deps, fetched, deps.source.name);
  return { ...report, errors: [...fetched.errors, ...report.errors], traders: traders.length, requests: fetched.requests };
}
