/**
 * The CLOB user channel (wss://…/ws/user) as a queue of trade and order events for the venue to drain: the fast path
 * for fills, with REST polling as the backstop, so a gap here only costs latency
 */
import WebSocket from 'ws';
import type { Log } from '../../engine/ports.ts';
import { ReconnectingSocket } from '../../feeds/reconnecting-socket.ts';
import { WsUserMessage, type WsOrderMessage, type WsTradeMessage } from './schemas.ts';

export interface UserStreamOptions {
  /** Full URL of the user channel, e.g. ws://127.0.0.1:8081/ws/user */
  url: string;
  creds: { key: string; secret: string; passphrase: string };
  /** Condition ids to subscribe to; empty means all of the key's markets */
  markets?: string[];
  log: Log;
  /** Text PING every this many ms (docs: about 10 s) */
  pingMs?: number;
  /** Reconnect delay, doubling up to 30 s */
  reconnectMs?: number;
  /** Queue cap; overflow drops the oldest and counts as a gap */
  maxQueue?: number;
  now?: () => number;
}

export class UserStream {
  private readonly socket: ReconnectingSocket;
  private trades: WsTradeMessage[] = [];
  private orders: WsOrderMessage[] = [];
  private lastHeard = 0;
  /** When the current unbroken stretch of listening began; null while down or after a gap */
  private liveSince: number | null = null;

  constructor(private readonly opts: UserStreamOptions) {
    this.socket = new ReconnectingSocket({
      url: opts.url, log: opts.log, name: 'polymarket user stream',
      firstDelayMs: opts.reconnectMs ?? 1_000, maxDelayMs: 30_000, pingMs: opts.pingMs ?? 10_000,
      onOpen: (socket) => this.onOpen(socket),
      onText: (text) => this.onMessage(text),
      onTick: (socket) => {
        if (socket.readyState === WebSocket.OPEN) socket.send('PING');
        if (this.coveredSince() === null) socket.terminate();
      },
      onDown: () => {
        this.liveSince = null;
      },
    });
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  start(): void {
    this.socket.connect();
  }

  /**
   * The time since which every event has been queued, or null if the stream is down, silent for two ping periods,
   * or lost events. The venue polls REST whenever this does not cover the span it needs
   */
  coveredSince(): number | null {
    if (this.liveSince === null) return null;
    const silentFor = this.now() - this.lastHeard;
    return silentFor > 2 * (this.opts.pingMs ?? 10_000) ? null : this.liveSince;
  }

  drainTrades(): WsTradeMessage[] {
    const out = this.trades;
    this.trades = [];
    return out;
  }

  drainOrders(): WsOrderMessage[] {
    const out = this.orders;
    this.orders = [];
    return out;
  }

  close(): void {
    this.socket.close();
  }

  private onOpen(socket: WebSocket): void {
    // The subscribe message carries the API secret: it goes to the socket and nowhere else
    const { key, secret, passphrase } = this.opts.creds;
    socket.send(JSON.stringify({ auth: { apiKey: key, secret, passphrase }, markets: this.opts.markets ?? [], type: 'user' }));
    this.lastHeard = this.now();
    this.liveSince = this.now();
    this.socket.resetBackoff();
    this.opts.log.info('polymarket user stream connected', { url: this.opts.url });
  }

  private onMessage(text: string): void {
    this.lastHeard = this.now();
    if (text === 'PONG' || text === 'pong') return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.opts.log.warn('polymarket user stream: unreadable frame', { length: text.length });
      return;
    }
    for (const item of Array.isArray(raw) ? raw : [raw]) this.take(item);
  }

  private take(item: unknown): void {
    const parsed = WsUserMessage.safeParse(item);
    if (!parsed.success) {
      const kind = typeof item === 'object' && item !== null ? String((item as { event_type?: unknown }).event_type) : typeof item;
      this.opts.log.warn('polymarket user stream: unexpected message', { kind });
      return;
    }
    const max = this.opts.maxQueue ?? 10_000;
    if (parsed.data.event_type === 'order') {
      // Order events are a convenience (REST reads are the truth): the oldest simply go
      this.orders.push(parsed.data);
      if (this.orders.length > max) this.orders.shift();
      return;
    }
    this.trades.push(parsed.data);
    if (this.trades.length > max) {
      // The dropped trade is older than now: coverage restarts here, so the venue's next read polls REST
      this.trades.shift();
      this.liveSince = this.now();
    }
  }

}
