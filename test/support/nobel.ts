/** The recorded Nobel Peace Prize 2025 trades (../shared/data) and markets built from them: Machado "Yes" won, every other market "No" */
import { readFileSync } from 'node:fs';
import { NOBEL_FILE, nobelMarkets } from '../../src/bench/nobel-data.ts';

export { NOBEL_FILE, nobelMarkets };

export interface NobelRecord {
  proxyWallet: string; side: 'BUY' | 'SELL'; asset: string; conditionId: string; size: number; price: number;
  timestamp: number; title: string; outcome: string; outcomeIndex: number; transactionHash: string;
}

export const nobelRecords = (): NobelRecord[] =>
  readFileSync(NOBEL_FILE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as NobelRecord);
