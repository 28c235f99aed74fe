/** What the engines need from the outside world; adapters in feeds/, venues/ and store/ implement these */
import type { TraderStats } from '../domain/evaluate.ts';
import type { Market } from '../domain/market.ts';
import type { Price, Ratio } from '../domain/money.ts';
import type { SourceTrade, TradeBatch } from '../domain/trade.ts';

export interface Clock {
  now(): Date;
}

export interface Log {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A trader whose trades we fetch; `since` is the newest trade time we hold for them (null: none yet) */
export interface FollowedTrader {
  address: string;
  /** Targeted traders are read through /activity, which also returns fills /trades omits */
  targeted: boolean;
  since: Date | null;
}

export interface FetchError {
  trader: string | null;
  endpoint: string;
  error: string;
}

/**
 * What one fetch read: normalized trades (not deduplicated: ingestion drops repeats and checks markets) and the
 * records the source refused, by reason, for ingestion to count
 */
export interface TradeFetch extends TradeBatch {
  errors: FetchError[];
  requests: number;
}

/** Where source trades come from: the Data API poller or a recorded file */
export interface TradeSource {
  readonly name: string;
  fetchTrades(traders: FollowedTrader[]): Promise<TradeFetch>;
}

/**
 * Source trades pushed as they happen (the RTDS activity stream). The stream keeps only the trades of the wallets
 * it follows, stamps each with its arrival (`detectedAt`) and hands them over one message at a time
 */
export interface TradeStream {
  readonly name: string;
  /**
   * Connects (and reconnects, with backoff, until stopped); `onBatch` gets each message's followed trades. `onResume`
   * is called when a connection is subscribed again after one was lost: what happened in between was not streamed
   */
  start(onBatch: (batch: TradeBatch) => void, onResume?: () => void): void;
  /** The wallets whose trades are kept (any case); every other trade is dropped */
  follow(addresses: readonly string[]): void;
  /** Connected, with data arriving within the stream's silence threshold (liveness is judged by data, not the socket) */
  isLive(): boolean;
  stop(): Promise<void>;
}

export interface MarketFetch {
  markets: Market[];
  errors: FetchError[];
}

/** Market metadata and resolution (Gamma, or a recorded file) */
export interface MarketSource {
  readonly name: string;
  getMarkets(conditionIds: string[]): Promise<MarketFetch>;
}

export interface ScoreInput {
  trade: SourceTrade;
  market: Market;
  stats: TraderStats | null;
  /** Our paper entry price for the trade */
  entryPrice: Price;
}

/** A model that scores a trade's chance of winning; null means no score (which rejects, never 0.5) */
export interface Scorer {
  readonly name: string;
  score(input: ScoreInput): Promise<Ratio | null>;
}

/** The live strategies this process runs now (a worker's leases); absent: every one */
export interface StrategyShare {
  among<T extends { userId: string; strategyId: string }>(strategies: T[]): Promise<T[]>;
}

/** The durations the engine and the scheduler report, in milliseconds (src/metrics/ exports them as histograms in seconds) */
export type DurationMetric =
  /** An order's intent (decided and signed) → the venue's acceptance (the LT latencies are labelled `book`: live, shadow) */
  | 'submit_latency'
  /** Our submit → one of its fills (the venue's fill time) */
  | 'fill_latency'
  /** The trader's fill (the source trade's time) → our submit */
  | 'trade_to_submit_latency'
  /** One scheduled job run, labelled `job` */
  | 'job_duration';

/** What the engine and the scheduler count */
export type CountMetric =
  /** A signal LT did not order (labels `stage`: skipped, expired, venue, local; `reason`: the disposition's rule or the venue's reason) */
  | 'lt_rejection'
  /** A scheduled job run that failed, labelled `job` */
  | 'job_failure';

/** Labels are bounded sets (rules, reasons, job names): never an id that grows with the data, nor anything secret */
export type MetricLabels = Readonly<Record<string, string>>;

/** Where the engine reports what it measures; noMetrics when nobody collects */
export interface Metrics {
  observe(metric: DurationMetric, ms: number, labels?: MetricLabels): void;
  increment(metric: CountMetric, labels?: MetricLabels): void;
}

export const noMetrics: Metrics = { observe: () => undefined, increment: () => undefined };
