/**
 * Order books kept current from the CLOB market channel (`…/ws/market`), for the signal path to read from memory
 * instead of a `GET /book` per signal. A book is served only while it is known to be whole and fresh:
 * - a `book` snapshot for it arrived on the current connection (each (re)connect starts from nothing; a snapshot
 *   replaces the book);
 * - no gap since: every `price_change` for it parsed, and after each one our best bid and ask equal the ones the venue
 *   sent with it (an unreadable frame, or a disagreement, marks the book suspect and re-subscribes it, which makes the
 *   venue send a fresh snapshot; until then it is not served), and it is not crossed;
 * - the connection is up and something (a message, or the PONG to our PING) was heard within `staleMs`: the channel is
 *   ordered, so everything the venue sent before that was applied. A silence longer than that is a gap (what the venue
 *   sent meanwhile may be lost): the socket is made again and every book waits for its new snapshot. A snapshot that
 *   does not come within `staleMs` of asking is asked for again (backing off to once a minute).
 * Otherwise `read` says why not and the caller reads the venue's REST book. Assets are watched from their first read
 * and kept (least recently read evicted past `maxAssets`, the channel's limit per connection); reconnects back off,
 * doubling up to `maxReconnectMs`, and re-subscribe every watched asset
 */
import WebSocket from 'ws';
import { SCALE } from '../domain/money.ts';
import type { Log } from '../engine/ports.ts';
import type { BookLevel } from '../engine/venue-port.ts';
import { ReconnectingSocket } from './reconnecting-socket.ts';
import { BookState, eventTypeOf, parseMarketMessage, type LevelChange, type MarketMessage } from './market-channel.ts';

/** Why a book was not served */
export type BookMiss = 'unwatched' | 'disconnected' | 'stale' | 'no_snapshot' | 'inconsistent';

export type BookRead = { ok: true; bids: BookLevel[]; asks: BookLevel[] } | { ok: false; miss: BookMiss };

export interface MarketBooksOptions {
  /** The market channel's full URL, e.g. wss://ws-subscriptions-clob.polymarket.com/ws/market */
  url: string;
  log: Log;
  /** A text PING this often (default 1 000 ms, or half of `staleMs` when that is shorter) */
  pingMs?: number;
  /** Nothing heard for longer: no book is served, and the socket is made again (default 2 500 ms) */
  staleMs?: number;
  /** Watched assets at most (default 500, the channel's limit per connection) */
  maxAssets?: number;
  /** First reconnect delay (default 250 ms), doubling up to `maxReconnectMs` (default 30 000 ms) */
  reconnectMs?: number;
  maxReconnectMs?: number;
  /** Monotonic milliseconds (default performance.now) */
  now?: () => number;
}

export interface MarketBooksStats {
  served: number;
  misses: Record<BookMiss, number>;
  /** Connections opened */
  connects: number;
  /** Books re-subscribed after a failed check or an unreadable frame */
  resyncs: number;
}

type Frame = Record<string, unknown>;

export class MarketBooks {
  private readonly socket: ReconnectingSocket;
  private up = false;
  private closed = false;
  private state = new BookState();
  /** Watched assets, least recently read first (a Map keeps insertion order) */
  private readonly watched = new Map<string, true>();
  /** Books that failed a check: not served until their next snapshot */
  private readonly suspect = new Set<string>();
  /** Assets whose snapshot was asked for on this connection and has not come: asked again after `waitMs` (doubling) */
  private readonly awaiting = new Map<string, { at: number; waitMs: number }>();
  private lastHeard = -Infinity;
  private readonly counts: MarketBooksStats = {
    served: 0, connects: 0, resyncs: 0, misses: { unwatched: 0, disconnected: 0, stale: 0, no_snapshot: 0, inconsistent: 0 },
  };

  constructor(private readonly opts: MarketBooksOptions) {
    this.socket = new ReconnectingSocket({
      url: opts.url, log: opts.log, name: 'market channel',
      firstDelayMs: opts.reconnectMs ?? 250, maxDelayMs: opts.maxReconnectMs ?? 30_000,
      pingMs: opts.pingMs ?? Math.max(50, Math.min(1_000, this.staleMs / 2)),
      onOpen: () => this.onOpen(),
      onText: (text) => this.onFrame(text),
      onTick: (socket) => this.keepAlive(socket),
      onDown: () => {
        this.up = false;
      },
    });
  }

  private get staleMs(): number {
    return this.opts.staleMs ?? 2_500;
  }

  private now(): number {
    return (this.opts.now ?? (() => performance.now()))();
  }

  /** The book with its levels best first, or why it cannot be served now; an unwatched asset is watched from now on */
  read(assetId: string): BookRead {
    const miss = this.missOf(assetId);
    if (miss) {
      this.counts.misses[miss] += 1;
      return { ok: false, miss };
    }
    this.counts.served += 1;
    return { ok: true, ...this.state.book(assetId)!.levels() };
  }

  private missOf(assetId: string): BookMiss | null {
    if (!this.watched.has(assetId)) {
      this.watch([assetId]);
      return 'unwatched';
    }
    this.watched.delete(assetId); // most recently read goes last
    this.watched.set(assetId, true);
    if (!this.up) return 'disconnected';
    if (this.now() - this.lastHeard > this.staleMs) return 'stale';
    const book = this.state.book(assetId);
    if (!book) return 'no_snapshot';
    return this.suspect.has(assetId) || book.crossed() ? 'inconsistent' : null;
  }

  /** Subscribes to these assets (connecting first if need be) and keeps them */
  watch(assetIds: string[]): void {
    if (this.closed) return;
    const added = assetIds.filter((a) => !this.watched.has(a));
    if (added.length === 0) return;
    for (const a of added) this.watched.set(a, true);
    this.evictBeyondLimit();
    if (!this.up) return this.socket.connect();
    this.send({ assets_ids: added, operation: 'subscribe' });
    this.await(added);
  }

  stats(): MarketBooksStats {
    return { ...this.counts, misses: { ...this.counts.misses } };
  }

  /** Stops for good: the socket is closed and nothing is served. Safe to repeat */
  close(): void {
    this.closed = true;
    this.socket.close();
  }

  private evictBeyondLimit(): void {
    const max = this.opts.maxAssets ?? 500;
    const gone: string[] = [];
    for (const a of this.watched.keys()) {
      if (this.watched.size <= max) break;
      this.watched.delete(a);
      this.awaiting.delete(a);
      this.state.drop(a); // no longer kept current: never served again without a new snapshot
      gone.push(a);
    }
    if (gone.length > 0 && this.up) this.send({ assets_ids: gone, operation: 'unsubscribe' });
  }

  private onOpen(): void {
    this.state = new BookState(); // nothing is known on a new connection until its snapshots arrive
    this.suspect.clear();
    this.awaiting.clear();
    this.up = true;
    this.lastHeard = this.now();
    this.counts.connects += 1;
    this.send({ assets_ids: [...this.watched.keys()], type: 'market' });
    this.await([...this.watched.keys()]);
    this.opts.log.info('market channel connected', { url: this.opts.url, assets: this.watched.size });
  }

  private keepAlive(socket: WebSocket): void {
    if (this.now() - this.lastHeard > this.staleMs) {
      this.opts.log.warn('market channel silent; reconnecting', { silentMs: Math.round(this.now() - this.lastHeard) });
      socket.terminate();
      return;
    }
    if (socket.readyState === WebSocket.OPEN) socket.send('PING');
    this.askAgain();
  }

  private await(assets: string[], waitMs = this.staleMs): void {
    for (const a of assets) this.awaiting.set(a, { at: this.now(), waitMs });
  }

  /** Snapshots asked for and not received in time are asked for again */
  private askAgain(): void {
    const late = [...this.awaiting].filter(([, w]) => this.now() - w.at > w.waitMs);
    if (late.length === 0) return;
    const assets = late.map(([a]) => a);
    this.opts.log.warn('market channel: no snapshot yet; re-subscribing', { assets: assets.length });
    this.counts.resyncs += assets.length;
    this.send({ assets_ids: assets, operation: 'unsubscribe' });
    this.send({ assets_ids: assets, operation: 'subscribe' });
    for (const [a, w] of late) this.awaiting.set(a, { at: this.now(), waitMs: Math.min(60_000, w.waitMs * 2) });
  }

  private send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  private onFrame(text: string): void {
    if (!this.up) return; // a socket given up on: its frames are not used
    const silentMs = this.now() - this.lastHeard;
    if (silentMs > this.staleMs) return this.lostAll(`silent for ${Math.round(silentMs)} ms`);
    this.lastHeard = this.now();
    this.socket.resetBackoff(); // the venue answers: the next reconnect starts quick again
    if (text === 'PONG' || text === 'pong') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.lostAll(`unreadable frame (${text.length} characters)`);
    }
    for (const item of Array.isArray(value) ? value : [value]) this.onItem(item);
  }

  private onItem(item: unknown): void {
    const parsed = parseMarketMessage(item);
    if (parsed.ok) return this.apply(parsed.message);
    const raw = typeof item === 'object' && item !== null ? (item as Frame) : {};
    const type = eventTypeOf(raw);
    // Only an unreadable book or price change can leave a book wrong; other messages are not used here
    if (type !== 'book' && type !== 'price_change') return;
    const assets = assetsNamedBy(raw);
    if (assets.length === 0) return this.lostAll(parsed.detail);
    this.opts.log.warn('market channel: unreadable book message; re-subscribing', { detail: parsed.detail });
    this.resync(assets);
  }

  private apply(message: MarketMessage): void {
    // A snapshot still in flight for an asset dropped meanwhile would not be kept current
    if (message.type === 'book' && !this.watched.has(message.assetId)) return;
    this.state.apply(message);
    if (message.type === 'book') {
      this.suspect.delete(message.assetId);
      this.awaiting.delete(message.assetId);
    }
    if (message.type !== 'price_change') return;
    const disagree = lastPerAsset(message.changes).filter((c) => this.disagrees(c));
    if (disagree.length > 0) {
      this.opts.log.warn('market channel: book disagrees with the venue\'s best bid/ask; re-subscribing', { assets: disagree.length });
      this.resync(disagree.map((c) => c.assetId));
    }
  }

  /** Our best bid and ask after a change against the ones the venue sent with it ("0" no bid, "1" no ask) */
  private disagrees(c: LevelChange): boolean {
    const book = this.state.book(c.assetId);
    if (!book || this.suspect.has(c.assetId)) return false;
    if (c.bestBid !== null && c.bestBid !== (book.bestBid() ?? 0n)) return true;
    return c.bestAsk !== null && c.bestAsk !== (book.bestAsk() ?? SCALE);
  }

  /** Marks the books suspect and asks the venue for fresh snapshots of them */
  private resync(assets: string[]): void {
    const watched = assets.filter((a) => this.watched.has(a) && !this.suspect.has(a));
    if (watched.length === 0) return;
    for (const a of watched) this.suspect.add(a);
    this.counts.resyncs += watched.length;
    this.send({ assets_ids: watched, operation: 'unsubscribe' });
    this.send({ assets_ids: watched, operation: 'subscribe' });
    this.await(watched);
  }

  /** A gap we cannot attribute (a long silence, an unreadable frame): every book may be wrong; the socket is made again */
  private lostAll(detail: string): void {
    this.opts.log.warn('market channel: gap; reconnecting', { detail: detail.slice(0, 200) });
    this.counts.resyncs += this.watched.size;
    this.up = false;
    this.socket.terminate();
  }
}

function assetsNamedBy(raw: Frame): string[] {
  const ids = new Set<string>();
  if (typeof raw.asset_id === 'string') ids.add(raw.asset_id);
  if (Array.isArray(raw.price_changes)) {
    for (const c of raw.price_changes as unknown[]) {
      const id = typeof c === 'object' && c !== null ? (c as Frame).asset_id : undefined;
      if (typeof id !== 'string') return []; // one change we cannot attribute: nothing can be trusted
      ids.add(id);
    }
  }
  return [...ids];
}

/** The last change of each asset in a message: the venue's best bid and ask after the whole message */
function lastPerAsset(changes: LevelChange[]): LevelChange[] {
  const last = new Map<string, LevelChange>();
  for (const c of changes) last.set(c.assetId, c);
  return [...last.values()];
}
