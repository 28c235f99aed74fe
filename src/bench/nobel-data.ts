/** The recorded Nobel Peace Prize 2025 Data API trades (../shared/data) and the Yes/No markets built from them (bench and tests) */
import { existsSync, readFileSync } from 'node:fs';
import type { Market } from '../domain/market.ts';
import { sharedPath } from './shared-data.ts';

export const NOBEL_FILE = sharedPath('data/polymarket/trades/data_api_trades_nobel-peace-prize-winner-2025.jsonl');

interface NobelRecord {
  conditionId: string;
  asset: string;
  title: string;
  outcomeIndex: number;
  timestamp: number;
}

/** The raw records, or null when the data set is not there */
export function loadNobelRecords(file = NOBEL_FILE): Record<string, unknown>[] | null {
  if (!existsSync(file)) return null;
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * One Yes/No market per condition id, with the token ids seen (a token never traded gets a placeholder); open, or
 * `final` as it resolved: Machado "Yes" won, every other market "No"
 */
export function nobelMarkets(records: readonly object[], final = false): Market[] {
  const byId = new Map<string, { title: string; tokens: string[] }>();
  for (const raw of records) {
    const r = raw as unknown as NobelRecord;
    const m = byId.get(r.conditionId) ?? { title: r.title, tokens: [`${r.conditionId}-yes`, `${r.conditionId}-no`] };
    m.tokens[r.outcomeIndex] = r.asset;
    byId.set(r.conditionId, m);
  }
  return [...byId].map(([id, m]) => ({
    conditionId: id.toLowerCase(), question: m.title, slug: '', eventSlug: 'nobel-peace-prize-winner-2025',
    outcomes: ['Yes', 'No'], tokenIds: m.tokens, tags: [], tickSize: 1000n, minSize: 5_000000n, negRisk: true,
    closed: final, acceptingOrders: !final, endTime: null, gameStartTime: null,
    closedTime: final ? new Date('2025-10-10T12:30:00Z') : null, resolutionStatus: final ? 'resolved' : null,
    outcomePrices: final ? (m.title.includes('Machado') ? [1_000000n, 0n] : [0n, 1_000000n]) : null,
  }));
}

/** The earliest trade time, so strategies can start before the first trade (their default start is "now") */
export function firstTradeTime(records: Record<string, unknown>[]): Date {
  const seconds = Math.min(...records.map((r) => Number((r as unknown as NobelRecord).timestamp)));
  return new Date(seconds * 1000);
}
