/** One FT sync cycle: fetch new trades for every followed trader, then ingest and evaluate them */
import type { TradeBatch } from '../domain/trade.ts';
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
  const batch = detectedNow(fetched, deps.clock.now());
  const report = await ingestTrades(deps, batch, deps.source.name);
  return { ...report, errors: [...fetched.errors, ...report.errors], traders: traders.length, requests: fetched.requests };
}

/** A polled trade is detected when the poll that read it answered (a trade the source already dated keeps its time) */
export function detectedNow<T extends TradeBatch>(batch: T, at: Date): T {
  return { ...batch, trades: batch.trades.map((t) => (t.detectedAt ? t : { ...t, detectedAt: at })) };
}
