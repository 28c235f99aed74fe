/**
 * TradeStream over Polymarket's RTDS activity stream (`@polymarket/real-time-data-client`): subscribes to
 * `activity`/`trades` without a filter (the global stream) and keeps the trades of followed wallets, normalized like
 * the Data API's records and stamped with their arrival. Liveness is judged by data arriving: any frame counts, and a
 * stream silent for `silenceMs` is dropped and reconnected. Reconnects back off exponentially up to a cap; the
 * back-off resets once data flows again
 */
import { RealTimeDataClient, type Message } from '@polymarket/real-time-data-client';
import type { TradeBatch } from '../domain/trade.ts';
import type { Clock, Log, TradeStream } from '../engine/ports.ts';
import { messageOf } from './concurrency.ts';
import { normalizeTradeRecord } from './data-api-record.ts';
import type { FeedHealth } from './feed-health.ts';

/** Polymarket's RTDS endpoint (the client's own default) */
export const RTDS_DEFAULT_URL = 'wss://ws-live-data.polymarket.com';

export interface RtdsStreamOptions {
  url: string;
  clock: Clock;
  health: FeedHealth;
  log: Log;
  /** No frame for this long: the stream is silent (not live), reconnected, and alerted on */
  silenceMs: number;
  /** Reconnect delays: initialMs, doubling per failed attempt, at most maxMs (defaults 500 ms and 30 s) */
  backoff?: { initialMs: number; maxMs: number };
  /** How often silence is checked (default a quarter of silenceMs, at most 5 s) */
  checkEveryMs?: number;
  /** The feed's name in feed health and as the trades' ingest source (default "rtds") */
  name?: string;
}

/** What the stream has done, for health pages and tests */
export interface RtdsStats {
  /** Connection attempts, the first included */
  connects: number;
  /** Frames received (any topic) */
  frames: number;
  /** Trades of followed wallets handed on */
  kept: number;
  /** The delay before each reconnect, in order */
  backoffs: number[];
}

export interface RtdsTradeStream extends TradeStream {
  stats(): RtdsStats;
}

/** The trade frames of the activity topic (`orders_matched` carries the same payload) */
const TRADE_TYPES = new Set(['trades', 'orders_matched']);

export function createRtdsTradeStream(options: RtdsStreamOptions): RtdsTradeStream {
  return new RtdsStream(options);
}

class RtdsStream implements RtdsTradeStream {
  readonly name: string;
  private readonly followed = new Set<string>();
  private readonly counts: RtdsStats = { connects: 0, frames: 0, kept: 0, backoffs: [] };
  private readonly backoff: { initialMs: number; maxMs: number };
  private onBatch: ((batch: TradeBatch) => void) | null = null;
  private onResume: (() => void) | null = null;
  /** A connection was lost since the last subscription: the next one resumes after a gap */
  private gap = false;
  private client: RealTimeDataClient | null = null;
  private connected = false;
  private connectedAt: Date | null = null;
  private lastFrameAt: Date | null = null;
  private attempt = 0;
  private retry: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly o: RtdsStreamOptions) {
    this.name = o.name ?? 'rtds';
    this.backoff = o.backoff ?? { initialMs: 500, maxMs: 30_000 };
  }

  start(onBatch: (batch: TradeBatch) => void, onResume?: () => void): void {
    if (this.onBatch) throw new Error('the RTDS stream is started already');
    this.onBatch = onBatch;
    this.onResume = onResume ?? null;
    this.o.health.watch(this.name, this.o.silenceMs);
    const every = this.o.checkEveryMs ?? Math.min(5_000, Math.max(10, Math.floor(this.o.silenceMs / 4)));
    this.watchdog = setInterval(() => this.checkSilence(), every);
    this.watchdog.unref();
    this.connect();
  }

  follow(addresses: readonly string[]): void {
    this.followed.clear();
    for (const a of addresses) this.followed.add(a.trim().toLowerCase());
  }

  /** Connected with a frame within the silence threshold: a new connection is live once data arrives on it */
  isLive(): boolean {
    if (!this.connected || this.lastFrameAt === null) return false;
    return this.o.clock.now().getTime() - this.lastFrameAt.getTime() <= this.o.silenceMs;
  }

  stats(): RtdsStats {
    return { ...this.counts, backoffs: [...this.counts.backoffs] };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.watchdog) clearInterval(this.watchdog);
    this.drop();
  }

  /** One connection attempt with a client of its own, whose built-in reconnect (immediate, unbounded) is off */
  private connect(): void {
    if (this.stopped) return;
    this.retry = null;
    this.counts.connects += 1;
    const client: RealTimeDataClient = new RealTimeDataClient({
      host: this.o.url,
      onConnect: (c) => this.onOpen(c),
      onMessage: (c, m) => { if (c === this.client) this.onFrame(m); },
      onStatusChange: (status) => { if (status === 'DISCONNECTED' && client === this.client) this.onLost('closed'); },
    });
    // 1.4.0 reads `args.autoReconnect || true`: it cannot be turned off through its options
    (client as unknown as { autoReconnect: boolean }).autoReconnect = false;
    this.client = client;
    try {
      client.connect();
    } catch (error) {
      this.onLost(messageOf(error));
    }
  }

  private onOpen(c: RealTimeDataClient): void {
    if (c !== this.client || this.stopped) return;
    this.connected = true;
    this.connectedAt = this.o.clock.now();
    this.o.health.markConnected(this.name);
    c.subscribe({ subscriptions: [{ topic: 'activity', type: 'trades' }] });
    this.o.log.info('rtds connected', { feed: this.name, attempt: this.counts.connects });
    // Trades made while disconnected were never streamed: the backfill reads them now, not at its next cadence
    if (this.gap) this.onResume?.();
    this.gap = false;
  }

  private onFrame(m: Message): void {
    const at = this.o.clock.now();
    this.counts.frames += 1;
    this.lastFrameAt = at;
    this.attempt = 0; // data flows: the next loss starts the back-off over
    this.o.health.markMessage(this.name);
    if (m.topic !== 'activity' || !TRADE_TYPES.has(m.type)) return;
    const payload = m.payload as Record<string, unknown> | null;
    const wallet = typeof payload?.proxyWallet === 'string' ? payload.proxyWallet.toLowerCase() : null;
    if (wallet === null || !this.followed.has(wallet)) return;
    const n = normalizeTradeRecord(payload);
    const batch: TradeBatch = n.ok
      ? { trades: [{ ...n.trade, detectedAt: at }], refused: [] }
      : { trades: [], refused: [{ reason: n.reason, detail: n.detail }] };
    if (n.ok) this.counts.kept += 1;
    this.onBatch?.(batch);
  }

  /** The connection is gone (closed, refused, or dropped for silence): try again after the back-off */
  private onLost(reason: string): void {
    this.client = null;
    const was = this.connected;
    this.connected = false;
    this.gap = true;
    this.o.health.markDisconnected(this.name, reason);
    if (this.stopped || this.retry) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    this.counts.backoffs.push(delay);
    if (was) this.o.log.warn('rtds disconnected', { feed: this.name, reason, retryInMs: delay });
    this.retry = setTimeout(() => this.connect(), delay);
    this.retry.unref();
  }

  /** A connection with no frame for silenceMs since it opened or since its last frame is dropped and made again */
  private checkSilence(): void {
    if (this.stopped || !this.connected) return;
    const heard = Math.max(this.connectedAt?.getTime() ?? 0, this.lastFrameAt?.getTime() ?? 0);
    if (this.o.clock.now().getTime() - heard <= this.o.silenceMs) return;
    this.o.log.warn('rtds silent: reconnecting', { feed: this.name, silenceMs: this.o.silenceMs });
    const client = this.client;
    this.onLost('silent');
    if (client) closeQuietly(client);
  }

  private drop(): void {
    const client = this.client;
    this.client = null;
    this.connected = false;
    if (client) closeQuietly(client);
  }
}

/** Closes a client whose socket may not be open yet (closing a connecting socket throws in `ws`) */
function closeQuietly(client: RealTimeDataClient): void {
  try {
    client.disconnect();
  } catch {
    // a socket still connecting: it fails or opens on its own, and nobody listens any more
  }
}
