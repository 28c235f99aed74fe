/**
 * The CLOB user channel (wss://…/ws/user) as a queue of trade and order events for the venue to drain: the fast path
 * for fills, with REST polling as the backstop, so a gap here only costs latency
 */
import WebSocket from 'ws';
import type { Log } from '../../engine/ports.ts';
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
  private socket: WebSocket | null = null;
  private trades: WsTradeMessage[] = [];
  private orders: WsOrderMessage[] = [];
  private closed = false;
  private pingTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay: number;
  private lastHeard = 0;
  /** When the current unbroken stretch of listening began; null while down or after a gap */
  private liveSince: number | null = null;

  constructor(private readonly opts: UserStreamOptions) {
    this.retryDelay = opts.reconnectMs ?? 1_000;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  start(): void {
    if (this.closed || this.socket) return;
    const socket = new WebSocket(this.opts.url);
    this.socket = socket;
    socket.on('open', () => this.onOpen(socket));
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('error', (err) => this.opts.log.warn('polymarket user stream error', { error: err.message }));
    socket.on('close', () => this.onClose(socket));
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
    this.closed = true;
    this.stopTimers();
    this.socket?.close();
    this.socket = null;
    this.liveSince = null;
  }

  private onOpen(socket: WebSocket): void {
    // The subscribe message carries the API secret: it goes to the socket and nowhere else
    const { key, secret, passphrase } = this.opts.creds;
    socket.send(JSON.stringify({ auth: { apiKey: key, secret, passphrase }, markets: this.opts.markets ?? [], type: 'user' }));
    this.lastHeard = this.now();
    this.liveSince = this.now();
    this.retryDelay = this.opts.reconnectMs ?? 1_000;
    this.pingTimer = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send('PING');
      if (this.coveredSince() === null) socket.terminate();
    }, this.opts.pingMs ?? 10_000);
    this.pingTimer.unref();
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

  private onClose(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.liveSince = null;
    this.stopTimers();
    if (this.closed) return;
    this.opts.log.warn('polymarket user stream closed; reconnecting', { inMs: this.retryDelay });
    this.retryTimer = setTimeout(() => this.start(), this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(30_000, this.retryDelay * 2);
  }

  private stopTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pingTimer = null;
    this.retryTimer = null;
  }
}
