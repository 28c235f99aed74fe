/**
 * A WebSocket that is made again when it closes, after a delay doubling from `firstDelayMs` up to `maxDelayMs`,
 * with a timer ticking every `pingMs` while it is open. The owner says what an opened socket sends, what a frame
 * means, what a tick checks (a PING, a silence) and what it forgets when the socket goes down; it calls
 * `resetBackoff` once the other side is known to answer
 */
import WebSocket from 'ws';
import type { Log } from '../engine/ports.ts';

export interface ReconnectingSocketOptions {
  url: string;
  log: Log;
  /** Names the socket in the logs: `<name> error`, `<name> closed; reconnecting` */
  name: string;
  firstDelayMs: number;
  maxDelayMs: number;
  /** How often `onTick` runs while the socket is open */
  pingMs: number;
  /** The socket just opened (the tick timer starts right after) */
  onOpen: (socket: WebSocket) => void;
  /** A frame of the current socket, as text */
  onText: (text: string) => void;
  onTick: (socket: WebSocket) => void;
  /** The current socket closed (or `close` was called): whatever it told is no longer live */
  onDown: () => void;
}

export class ReconnectingSocket {
  private socket: WebSocket | null = null;
  private closed = false;
  private pingTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay: number;

  constructor(private readonly opts: ReconnectingSocketOptions) {
    this.retryDelay = opts.firstDelayMs;
  }

  /** Opens the socket unless one is open or opening, a reconnect is pending, or `close` was called */
  connect(): void {
    if (this.closed || this.socket || this.retryTimer) return;
    const socket = new WebSocket(this.opts.url);
    this.socket = socket;
    socket.on('open', () => this.onOpen(socket));
    socket.on('message', (data) => {
      if (this.socket === socket) this.opts.onText(String(data));
    });
    socket.on('error', (err) => this.opts.log.warn(`${this.opts.name} error`, { error: err.message }));
    socket.on('close', () => this.onClose(socket));
  }

  /** The next reconnect waits `firstDelayMs` again */
  resetBackoff(): void {
    this.retryDelay = this.opts.firstDelayMs;
  }

  /** Sends on the current socket if it is open; otherwise nothing is sent */
  send(text: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(text);
  }

  /** Drops the current socket at once; it is made again after the back-off delay */
  terminate(): void {
    this.socket?.terminate();
  }

  /** Stops for good. Safe to repeat */
  close(): void {
    this.closed = true;
    this.stopTimers();
    this.socket?.close();
    this.socket = null;
    this.opts.onDown();
  }

  private onOpen(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.opts.onOpen(socket);
    this.pingTimer = setInterval(() => this.opts.onTick(socket), this.opts.pingMs);
    this.pingTimer.unref();
  }

  private onClose(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.stopTimers();
    this.opts.onDown();
    if (this.closed) return;
    this.opts.log.warn(`${this.opts.name} closed; reconnecting`, { inMs: this.retryDelay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.opts.maxDelayMs, this.retryDelay * 2);
  }

  private stopTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pingTimer = null;
    this.retryTimer = null;
  }
}
