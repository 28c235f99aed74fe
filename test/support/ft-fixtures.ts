/** The FT test world's fixtures without its database: ids, a market, raw Data API records, a copy-everything strategy */
import type { FtWalletInputJson } from '../../src/domain/ft-wallet.ts';
import type { Market } from '../../src/domain/market.ts';

export const ALICE = '0x' + 'a'.repeat(40);
export const BOB = '0x' + 'b'.repeat(40);
export const CID = '0x' + '1'.repeat(64);
export const YES = '1001';
export const NO = '1002';
export const T0 = Date.parse('2026-03-01T12:00:00Z') / 1000;

export function market(over: Partial<Market> = {}): Market {
  return {
    conditionId: CID, question: 'Will it rain in Paris?', slug: 'rain-paris', eventSlug: 'weather', outcomes: ['Yes', 'No'],
    tokenIds: [YES, NO], tags: ['Weather'], tickSize: 10000n, minSize: 5_000000n, negRisk: false, closed: false,
    acceptingOrders: true, endTime: new Date('2026-12-31T00:00:00Z'), gameStartTime: null, closedTime: null,
    resolutionStatus: null, outcomePrices: null, ...over,
  };
}

let txCounter = 0;
/** A raw Data API /trades record, as the API returns it (numbers as JSON numbers) */
export function record(over: Record<string, unknown> = {}): Record<string, unknown> {
  txCounter += 1;
  return {
    proxyWallet: ALICE, side: 'BUY', asset: YES, conditionId: CID, size: 100, price: 0.5, timestamp: T0,
    title: 'Will it rain in Paris?', slug: 'rain-paris', eventSlug: 'weather', outcome: 'Yes', outcomeIndex: 0,
    transactionHash: `0x${txCounter.toString(16).padStart(64, '0')}`, ...over,
  };
}

/** A strategy that copies every BUY for a fixed bet, with every filter off */
export const copyAll = (over: Partial<FtWalletInputJson> = {}): FtWalletInputJson => ({
  wallet_id: 'FT_COPY_ALL', use_model: false, min_edge: null, min_trader_resolved_count: null, bet_size: '10',
  start_date: '2026-01-01T00:00:00Z', ...over,
});
