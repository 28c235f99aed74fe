/** The recorded Nobel Peace Prize 2025 trades (../shared/data) and markets built from them: Machado "Yes" won, every other market "No" */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Market } from '../../src/domain/market.ts';

export const NOBEL_FILE = resolve(process.cwd(), '../shared/data/polymarket/trades/data_api_trades_nobel-peace-prize-winner-2025.jsonl');

export interface NobelRecord {
  proxyWallet: string; side: 'BUY' | 'SELL'; asset: string; conditionId: string; size: number; price: number;
  timestamp: number; title: string; outcome: string; outcomeIndex: number; transactionHash: string;
}

export const nobelRecords = (): NobelRecord[] =>
  readFileSync(NOBEL_FILE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as NobelRecord);

/** Yes/No markets with the token ids seen (a token never traded gets a placeholder), final or still open */
export function nobelMarkets(records: NobelRecord[], final: boolean): Market[] {
  const byId = new Map<string, { title: string; tokens: string[] }>();
  for (const r of records) {
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
