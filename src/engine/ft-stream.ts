/**
 * The event-driven FT path: trades pushed by a TradeStream (RTDS) are ingested at once, through the same ingest and
 * evaluation as the polling sync (so the stored trade key dedupes a trade both paths read), and a batch that creates
 * paper orders fires FT_ORDERS_CHANNEL at commit, which runs the lt-signals job right away. Ingests run one at a time: what
 * arrives during one is merged into the next. The stream follows the same traders the poll fetches, re-read every
 * `refreshMs` (and on `refreshFollowed`). While the stream is not live (broken, or connected without data), `poll`
 * is called every `fallbackPollMs`: the Data API poll, which otherwise keeps its own cadence as backfill
 */
import type { TradeBatch } from '../domain/trade.ts';
import { followedTraders } from '../store/trade-store.ts';
import { ingestTrades, type FtDeps, type IngestReport } from './ft-engine.ts';
import type { Log, TradeStream } from './ports.ts';

export interface StreamIngestDeps extends FtDeps {
  stream: TradeStream;
  log: Log;
  /** How often the followed set is re-read from the strategies (ms) */
  refreshMs: number;
  /** How often `poll` runs while the stream is not live (ms) */
  fallbackPollMs: number;
  /** Runs a poll of the Data API now (the ft-sync job) */
  poll: () => void;
}

export interface StreamIngestStats {
  batches: number;
  ingests: number;
  newTrades: number;
  ordersCreated: number;
  failures: number;
  /** Polls asked for because the stream was not live */
  fallbackPolls: number;
  /** Polls asked for because the stream resumed after a gap (what it missed meanwhile) */
  resumePolls: number;
}

export interface StreamIngest {
  refreshFollowed(): Promise<void>;
  /** Resolves once every batch received so far is ingested */
  idle(): Promise<void>;
  stats(): StreamIngestStats;
  stop(): Promise<void>;
}

/** Starts the stream and its ingest loop; the followed set is loaded before the stream connects */
export async function startStreamIngest(deps: StreamIngestDeps): Promise<StreamIngest> {
  const ingest = new SerialIngest(deps);
  await ingest.refreshFollowed();
  deps.stream.start((batch) => ingest.push(batch), () => {
    ingest.counts.resumePolls += 1;
    deps.log.info('rtds resumed after a gap: polling the Data API now', { feed: deps.stream.name });
    deps.poll();
  });
  const refresh = setInterval(() => void ingest.refreshFollowed().catch((e: unknown) => {
    deps.log.warn('rtds: could not refresh the followed traders', { error: e instanceof Error ? e.message : String(e) });
  }), deps.refreshMs);
  const fallback = setInterval(() => ingest.fallbackTick(), deps.fallbackPollMs);
  refresh.unref();
  fallback.unref();
  return {
    refreshFollowed: () => ingest.refreshFollowed(),
    idle: () => ingest.idle(),
    stats: () => ({ ...ingest.counts }),
    stop: async () => {
      clearInterval(refresh);
      clearInterval(fallback);
      await deps.stream.stop();
      await ingest.idle();
    },
  };
}

class SerialIngest {
  readonly counts: StreamIngestStats = { batches: 0, ingests: 0, newTrades: 0, ordersCreated: 0, failures: 0, fallbackPolls: 0,
    resumePolls: 0 };
  private queue: TradeBatch[] = [];
  private running: Promise<void> | null = null;
  private live = true;

  constructor(private readonly deps: StreamIngestDeps) {}

  async refreshFollowed(): Promise<void> {
    const traders = await followedTraders(this.deps.db);
    this.deps.stream.follow(traders.map((t) => t.address));
  }

  push(batch: TradeBatch): void {
    this.counts.batches += 1;
    this.queue.push(batch);
    this.running ??= this.drain().finally(() => { this.running = null; });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Polls while the stream is down; logs each change between live and fallback once */
  fallbackTick(): void {
    const live = this.deps.stream.isLive();
    if (live !== this.live) {
      if (live) this.deps.log.info('rtds live again: polling back to its cadence', { feed: this.deps.stream.name });
      else this.deps.log.warn('rtds not live: falling back to polling', { feed: this.deps.stream.name });
      this.live = live;
    }
    if (live) return;
    this.counts.fallbackPolls += 1;
    this.deps.poll();
  }

  /** Ingests everything queued, one merged batch at a time */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batches = this.queue;
      this.queue = [];
      const merged: TradeBatch = { trades: batches.flatMap((b) => b.trades), refused: batches.flatMap((b) => b.refused) };
      this.counts.ingests += 1;
      try {
        const report: IngestReport = await ingestTrades(this.deps, merged, this.deps.stream.name);
        this.counts.newTrades += report.newTrades;
        this.counts.ordersCreated += report.ordersCreated;
      } catch (error) {
        // The Data API poll reads the same trades again (its watermark reaches back by the overlap)
        this.counts.failures += 1;
        this.deps.log.error('rtds ingest failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}
