/** A source trade: one fill by a followed Polymarket wallet, normalized from a Data API record */
import type { Price, Shares, Usdc } from './money.ts';

export type Side = 'BUY' | 'SELL';

export interface SourceTrade {
  /** Dedupe key; includes the trader, so two traders in one transaction stay distinct */
  key: string;
  trader: string; // proxy wallet, lower-case
  side: Side;
  asset: string; // outcome token id
  conditionId: string;
  size: Shares;
  price: Price;
  /** size × price, the trade's cash value */
  usd: Usdc;
  time: Date;
  title: string;
  slug: string;
  eventSlug: string;
  outcome: string; // outcome label, e.g. "Yes"
  outcomeIndex: number | null;
  transactionHash: string;
}
