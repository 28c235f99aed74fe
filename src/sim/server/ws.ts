/** WebSocket channels on the server's port: CLOB `/ws/market` and `/ws/user`, and RTDS (`/rtds` or `/`) activity trades */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { SCALE } from '../../domain/money.ts';
import type { BookLevel } from '../../engine/venue-port.ts';
import type { ExchangeEvent, SimMarket, SimOrder, SimTrade } from '../exchange/exchange-types.ts';
import { verifyWsAuth, type ApiCreds } from './auth.ts';
import type { SimState } from './state.ts';
import { tradeJson, type SourceFeed, type SourceRow } from './source-feed.ts';
import { dec, hashId, sha1 } from './util.ts';
import { bookSummary, feeBps, orderMessage, rolesOf, tradeMessage } from './wire.ts';

interface MarketConn { kind: 'market'; ws: WebSocket; assets: Set<string>; custom: boolean }
interface UserConn { kind: 'user'; ws: WebSocket; creds: ApiCreds | null; markets: Set<string> }
interface RtdsConn { kind: 'rtds'; ws: WebSocket; id: string; subs: { topic: string; type: string; filters: Record<string, string> }[] }
type Conn = MarketConn | UserConn | RtdsConn;

type Levels = { bids: Map<bigint, bigint>; asks: Map<bigint, bigint> };

const toMap = (levels: BookLevel[]) => new Map(levels.map((l) => [l.price as bigint, l.size as bigint]));

function parse(data: unknown): Record<string, unknown> | null {
  try {
    const value = JSON.parse(String(data)) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const extreme = (levels: Map<bigint, bigint>, which: 'max' | 'min'): bigint | null =>
  [...levels.keys()].reduce<bigint | null>((best, p) => (best === null || (which === 'max' ? p > best : p < best) ? p : best), null);

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<Conn>();
  private readonly books = new Map<string, Levels>();
  private readonly offs: (() => void)[] = [];
  private counter = 0;

  constructor(private readonly state: SimState, private readonly feed: SourceFeed) {
    for (const m of state.exchange.markets()) for (const t of m.tokens) this.snapshot(t.tokenId);
    this.offs.push(state.on((event) => this.onEvent(event)), feed.onRow((row) => this.onRow(row)));
  }

  /** Attaches to an HTTP server's upgrade event */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/\/+$/, '') || '/';
      const kind = path === '/ws/market' ? 'market' : path === '/ws/user' ? 'user' : path === '/rtds' || path === '/' ? 'rtds' : null;
      if (!kind) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.open(kind, ws));
    });
  }

  /** Closes every socket (the `disconnectStreams` fault and shutdown) */
  dropAll(): void {
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
  }

  close(): void {
    for (const off of this.offs) off();
    this.dropAll();
    this.wss.close();
  }

  private open(kind: Conn['kind'], ws: WebSocket): void {
    this.counter += 1;
    const conn: Conn = kind === 'market' ? { kind, ws, assets: new Set(), custom: false }
      : kind === 'user' ? { kind, ws, creds: null, markets: new Set() }
        : { kind, ws, id: Buffer.from(hashId(`conn:${this.counter}`).slice(2, 14), 'hex').toString('base64'), subs: [] };
    this.conns.add(conn);
    ws.on('close', () => this.conns.delete(conn));
    ws.on('error', () => this.conns.delete(conn));
    ws.on('message', (data) => this.onMessage(conn, String(data)));
  }

  private send(conn: Conn, message: unknown): void {
    if (this.state.faults.current.streamSilence || conn.ws.readyState !== WebSocket.OPEN) return;
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    conn.ws.send(text);
    if (this.state.faults.current.duplicateStreamMessages) conn.ws.send(text);
  }

  private onMessage(conn: Conn, text: string): void {
    if (text === 'PING' && conn.kind !== 'rtds') return this.send(conn, 'PONG');
    const msg = parse(text);
    if (!msg) return;
    if (conn.kind === 'market') this.onMarketMessage(conn, msg);
    else if (conn.kind === 'user') this.onUserMessage(conn, msg);
    else this.onRtdsMessage(conn, msg);
  }

  private onMarketMessage(conn: MarketConn, msg: Record<string, unknown>): void {
    const assets = strings(msg.assets_ids);
    if (msg.operation === 'unsubscribe') {
      for (const a of assets) conn.assets.delete(a);
      return;
    }
    if (msg.custom_feature_enabled === true) conn.custom = true;
    const added = assets.filter((a) => !conn.assets.has(a));
    for (const a of added) conn.assets.add(a);
    if (msg.initial_dump === false) return;
    const books = added.flatMap((a) => {
      const market = this.state.exchange.marketByToken(a);
      return market ? [{ event_type: 'book', ...bookSummary(this.state, market, a) }] : [];
    });
    if (books.length > 0) this.send(conn, books);
  }

  private onUserMessage(conn: UserConn, msg: Record<string, unknown>): void {
    if (msg.auth !== undefined || conn.creds === null) {
      const creds = verifyWsAuth(this.state.registry, msg.auth);
      if (!creds) {
        conn.ws.close(1008, 'Unauthorized/Invalid api key');
        return;
      }
      conn.creds = creds;
    }
    const markets = strings(msg.markets).map((m) => m.toLowerCase());
    if (msg.operation === 'unsubscribe') for (const m of markets) conn.markets.delete(m);
    else for (const m of markets) conn.markets.add(m);
  }

  private onRtdsMessage(conn: RtdsConn, msg: Record<string, unknown>): void {
    const subs = Array.isArray(msg.subscriptions) ? (msg.subscriptions as Record<string, unknown>[]) : [];
    const parsed = subs.filter((s) => typeof s?.topic === 'string').map((s) => ({
      topic: String(s.topic), type: typeof s.type === 'string' ? s.type : '*', filters: (parse(s.filters) ?? {}) as Record<string, string>,
    }));
    if (msg.action === 'subscribe') conn.subs.push(...parsed);
    if (msg.action === 'unsubscribe') {
      conn.subs = conn.subs.filter((s) => !parsed.some((p) => p.topic === s.topic && p.type === s.type));
    }
  }

  private onEvent(event: ExchangeEvent): void {
    if (event.type === 'book') this.onBook(event.tokenId, event.bids, event.asks);
    else if (event.type === 'order') this.onOrder(event.change, event.order);
    else if (event.type === 'trade') this.onTrade(event.trade);
    else this.onResolved(event.market);
  }

  private snapshot(tokenId: string): Levels {
    const book = this.state.exchange.book(tokenId);
    const levels = { bids: toMap(book.bids), asks: toMap(book.asks) };
    this.books.set(tokenId, levels);
    return levels;
  }

  /** Diffs the new book against the last one and sends `price_change` (size = new total, "0" = level gone) */
  private onBook(tokenId: string, bids: BookLevel[], asks: BookLevel[]): void {
    const market = this.state.exchange.marketByToken(tokenId);
    const before = this.books.get(tokenId) ?? { bids: new Map(), asks: new Map() };
    const after = { bids: toMap(bids), asks: toMap(asks) };
    this.books.set(tokenId, after);
    if (!market) return;
    const bestBid = dec(bids[0]?.price ?? 0n);
    const bestAsk = dec(asks[0]?.price ?? SCALE);
    const hash = sha1(JSON.stringify({ tokenId, bids: bids.map((l) => [dec(l.price), dec(l.size)]), asks: asks.map((l) => [dec(l.price), dec(l.size)]) }));
    const changes: Record<string, string>[] = [];
    for (const [side, key] of [['BUY', 'bids'], ['SELL', 'asks']] as const) {
      const prices = new Set([...before[key].keys(), ...after[key].keys()]);
      for (const p of [...prices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        const size = after[key].get(p) ?? 0n;
        if (size === (before[key].get(p) ?? 0n)) continue;
        changes.push({ asset_id: tokenId, price: dec(p), size: dec(size), side, hash, best_bid: bestBid, best_ask: bestAsk });
      }
    }
    if (changes.length === 0) return;
    const timestamp = String(this.state.clock.now().getTime());
    const message = { market: market.conditionId, price_changes: changes, timestamp, event_type: 'price_change' };
    const bestChanged = dec(extreme(before.bids, 'max') ?? 0n) !== bestBid || dec(extreme(before.asks, 'min') ?? SCALE) !== bestAsk;
    const bba = { event_type: 'best_bid_ask', market: market.conditionId, asset_id: tokenId, best_bid: bestBid, best_ask: bestAsk,
      spread: dec((asks[0]?.price ?? SCALE) - (bids[0]?.price ?? 0n)), timestamp };
    for (const c of this.marketConns(tokenId)) {
      this.send(c, message);
      if (c.custom && bestChanged) this.send(c, bba);
    }
  }

  private marketConns(tokenId: string): MarketConn[] {
    return [...this.conns].filter((c): c is MarketConn => c.kind === 'market' && c.assets.has(tokenId));
  }

  private userConns(conditionId: string): (UserConn & { creds: ApiCreds })[] {
    return [...this.conns].filter((c): c is UserConn & { creds: ApiCreds } => c.kind === 'user' && c.creds !== null
      && (c.markets.size === 0 || c.markets.has(conditionId.toLowerCase())));
  }

  private onOrder(change: string, order: SimOrder): void {
    for (const c of this.userConns(order.conditionId)) {
      if (this.state.accountsOf(c.creds).includes(order.account)) this.send(c, orderMessage(this.state, change, order));
    }
  }

  private onTrade(trade: SimTrade): void {
    for (const c of this.userConns(trade.conditionId)) {
      const accounts = this.state.accountsOf(c.creds);
      for (const role of rolesOf(trade, accounts)) this.send(c, tradeMessage(this.state, trade, role, accounts));
    }
    if (trade.status !== 'MATCHED') return;
    const market = this.state.exchange.market(trade.conditionId);
    if (!market) return;
    const last = {
      asset_id: trade.tokenId, event_type: 'last_trade_price', fee_rate_bps: feeBps(market), market: trade.conditionId,
      price: dec(trade.price), side: trade.side, size: dec(trade.size), timestamp: String(this.state.clock.now().getTime()),
    };
    const book = { event_type: 'book', ...bookSummary(this.state, market, trade.tokenId) };
    for (const c of this.marketConns(trade.tokenId)) {
      this.send(c, last);
      this.send(c, book);
    }
  }

  private onResolved(market: SimMarket): void {
    const winner = market.tokens.find((_t, i) => market.payouts?.[i] === SCALE);
    const message = {
      event_type: 'market_resolved', id: String(BigInt(hashId(`gamma:${market.conditionId}`)) % 10_000_000n), market: market.conditionId,
      assets_ids: market.tokens.map((t) => t.tokenId), winning_asset_id: winner?.tokenId ?? '', winning_outcome: winner?.outcome ?? '',
      timestamp: String(this.state.clock.now().getTime()),
    };
    const conns = [...this.conns].filter((c): c is MarketConn => c.kind === 'market' && c.custom
      && market.tokens.some((t) => c.assets.has(t.tokenId)));
    for (const c of conns) this.send(c, message);
  }

  private onRow(row: SourceRow): void {
    for (const c of this.conns) {
      if (c.kind !== 'rtds') continue;
      const sub = c.subs.find((s) => s.topic === 'activity' && ['trades', 'orders_matched', '*'].includes(s.type)
        && (!s.filters.market_slug || s.filters.market_slug === row.slug)
        && (!s.filters.event_slug || s.filters.event_slug === row.eventSlug));
      if (!sub) continue;
      const type = sub.type === '*' ? 'trades' : sub.type;
      this.send(c, { topic: 'activity', type, timestamp: this.state.clock.now().getTime(), connection_id: c.id, payload: tradeJson(row) });
    }
  }
}
