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
  /**
   * When Tandem received the trade (an RTDS frame's arrival, or the answer of the Data API poll that read it), on
   * Tandem's clock; absent for trades read from recorded files. Not part of the dedupe key
   */
  detectedAt?: Date;
}

/** Why a source refuses a record: it is not a well-formed trade */
export const RECORD_REJECT_REASONS = [
  'bad_json', 'not_an_object', 'not_a_trade', 'missing_field', 'bad_side', 'bad_price', 'bad_size', 'bad_timestamp',
] as const;
export type RecordRejectReason = (typeof RECORD_REJECT_REASONS)[number];

/** Why ingestion refuses a record: its source refused it, or its trade repeats one or names no known market or token */
export const INPUT_REJECT_REASONS = [
  ...RECORD_REJECT_REASONS, 'unknown_market', 'unknown_token', 'token_mismatch', 'duplicate',
] as const;
export type InputRejectReason = (typeof INPUT_REJECT_REASONS)[number];

/** A record its source could not turn into a trade */
export interface RefusedRecord {
  reason: RecordRejectReason;
  detail: string;
}

/** What a source hands ingestion: the trades it read, in the order read (duplicates included), and what it refused */
export interface TradeBatch {
  trades: SourceTrade[];
  refused: RefusedRecord[];
}
