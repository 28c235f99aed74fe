/**
 * The CLOB market channel: its messages parsed exactly, and the order books kept from them (`book` snapshots, old and
 * current `price_change` deltas), in exact micro-units. A feed for the live market data that copying by the book
 * needs; the recorded corpus is checked against it (src/venues/recorded-messages.test.ts)
 */
import { z } from 'zod';
import { isPriceInRange, parseMicros, type Price, type Shares } from '../domain/money.ts';
import type { BookLevel, OrderSide } from '../engine/venue-port.ts';

const DECIMAL = /^\d+(?:\.\d+)?$/;

/** A decimal string held exactly in micro-units; more than six decimals is refused, never rounded */
const exact = z.string().transform((text, ctx) => {
  const s = text.trim();
  if (DECIMAL.test(s) && !/\.\d{7,}$/.test(s)) return parseMicros(s);
  ctx.addIssue({ code: 'custom', message: `not an exact decimal with at most 6 places: ${JSON.stringify(text)}` });
  return z.NEVER;
});
const price = exact.transform((p, ctx) => {
  if (isPriceInRange(p)) return p as Price;
  ctx.addIssue({ code: 'custom', message: 'price outside (0, 1)' });
  return z.NEVER;
});
const size = exact.transform((s) => s as Shares);
const side = z.string().transform((s) => s.toUpperCase()).pipe(z.enum(['BUY', 'SELL']));
/** CLOB timestamps are unix milliseconds as strings (sometimes numbers) */
const millis = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform((t) => new Date(Number(t)));
const level = z.object({ price, size });

const BookMsg = z.object({
  asset_id: z.string().min(1), market: z.string().min(1), bids: z.array(level), asks: z.array(level),
  timestamp: millis.optional(), hash: z.string().optional(), tick_size: exact.optional(),
});
const Change = z.object({
  asset_id: z.string().min(1), price, size, side, hash: z.string().optional(),
  best_bid: exact.optional(), best_ask: exact.optional(),
});
/** Current format: a batch of changes, each naming its asset */
const PriceChangesMsg = z.object({ market: z.string().min(1), timestamp: millis.optional(), price_changes: z.array(Change) });
/** Old formats: one change at the top level, or `changes[]` under one asset */
const OldChangeMsg = z.object({
  asset_id: z.string().min(1), market: z.string().min(1), timestamp: millis.optional(), hash: z.string().optional(),
  price, size, side,
});
const OldChangesMsg = z.object({
  asset_id: z.string().min(1), market: z.string().min(1), timestamp: millis.optional(), hash: z.string().optional(),
  changes: z.array(z.object({ price, size, side })),
});
const LastTradeMsg = z.object({
  asset_id: z.string().min(1), market: z.string().min(1), price, size: size.optional(), side: side.optional(),
  fee_rate_bps: z.string().optional(), timestamp: millis.optional(),
});
const TickSizeMsg = z.object({
  asset_id: z.string().min(1), market: z.string().min(1), old_tick_size: exact, new_tick_size: exact,
  timestamp: millis.optional(),
});
const BestBidAskMsg = z.object({
  asset_id: z.string().min(1), market: z.string().min(1), best_bid: exact, best_ask: exact, spread: exact.optional(),
  timestamp: millis.optional(),
});
const NewMarketMsg = z.object({
  market: z.string().min(1), assets_ids: z.array(z.string().min(1)), outcomes: z.array(z.string()).optional(),
  question: z.string().optional(), slug: z.string().optional(), timestamp: millis.optional(),
});
const ResolvedMsg = z.object({
  market: z.string().min(1), assets_ids: z.array(z.string().min(1)), winning_asset_id: z.string().min(1),
  winning_outcome: z.string(), timestamp: millis.optional(),
});

export interface LevelChange {
  assetId: string;
  side: OrderSide;
  price: Price;
  /** The new total at that price; 0 removes the level */
  size: Shares;
  /** The best bid and ask the venue reported after this change (current format only) */
  bestBid: bigint | null;
  bestAsk: bigint | null;
}

/** One market-channel message, normalized */
export type MarketMessage =
  | { type: 'book'; assetId: string; market: string; bids: BookLevel[]; asks: BookLevel[]; time: Date | null;
    hash: string | null; tickSize: bigint | null }
  | { type: 'price_change'; market: string; time: Date | null; changes: LevelChange[] }
  | { type: 'last_trade_price'; assetId: string; market: string; price: Price; size: Shares | null;
    side: OrderSide | null; time: Date | null }
  | { type: 'tick_size_change'; assetId: string; market: string; oldTickSize: bigint; newTickSize: bigint; time: Date | null }
  | { type: 'best_bid_ask'; assetId: string; market: string; bestBid: bigint; bestAsk: bigint; time: Date | null }
  | { type: 'new_market'; market: string; assetIds: string[]; outcomes: string[]; question: string | null }
  | { type: 'market_resolved'; market: string; assetIds: string[]; winningAssetId: string; winningOutcome: string;
    time: Date | null };

export type MessageParse = { ok: true; message: MarketMessage } | { ok: false; detail: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The event type a message states, or the one its fields imply (REST `/book` and some fixtures omit it) */
export function eventTypeOf(raw: Obj): string | null {
  if (typeof raw.event_type === 'string') return raw.event_type;
  if (Array.isArray(raw.bids) && Array.isArray(raw.asks)) return 'book';
  if (Array.isArray(raw.price_changes) || Array.isArray(raw.changes)) return 'price_change';
  if (raw.new_tick_size !== undefined) return 'tick_size_change';
  if (raw.winning_asset_id !== undefined) return 'market_resolved';
  if (raw.best_bid !== undefined && raw.best_ask !== undefined) return 'best_bid_ask';
  // A CLOB trade or order object also has a price and an asset, but an id and a status too
  if (raw.price !== undefined && raw.asset_id !== undefined && raw.id === undefined && raw.status === undefined) {
    return 'last_trade_price';
  }
  return null;
}

const issue = (e: z.ZodError): string => e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/** Parses one market-channel message object */
export function parseMarketMessage(raw: unknown): MessageParse {
  if (!isObj(raw)) return { ok: false, detail: `not an object: ${Array.isArray(raw) ? 'array' : typeof raw}` };
  const type = eventTypeOf(raw);
  const as = <S extends z.ZodType, M extends MarketMessage>(schema: S, to: (v: z.output<S>) => M): MessageParse => {
    const r = schema.safeParse(raw);
    return r.success ? { ok: true, message: to(r.data) } : { ok: false, detail: `${type}: ${issue(r.error)}` };
  };
  switch (type) {
    case 'book':
      return as(BookMsg, (m) => ({ type: 'book', assetId: m.asset_id, market: m.market, bids: m.bids, asks: m.asks,
        time: m.timestamp ?? null, hash: m.hash ?? null, tickSize: m.tick_size ?? null }));
    case 'price_change':
      return parsePriceChange(raw);
    case 'last_trade_price':
      return as(LastTradeMsg, (m) => ({ type: 'last_trade_price', assetId: m.asset_id, market: m.market,
        price: m.price, size: m.size ?? null, side: m.side ?? null, time: m.timestamp ?? null }));
    case 'tick_size_change':
      return as(TickSizeMsg, (m) => ({ type: 'tick_size_change', assetId: m.asset_id, market: m.market,
        oldTickSize: m.old_tick_size, newTickSize: m.new_tick_size, time: m.timestamp ?? null }));
    case 'best_bid_ask':
      return as(BestBidAskMsg, (m) => ({ type: 'best_bid_ask', assetId: m.asset_id, market: m.market,
        bestBid: m.best_bid, bestAsk: m.best_ask, time: m.timestamp ?? null }));
    case 'new_market':
      return as(NewMarketMsg, (m) => ({ type: 'new_market', market: m.market, assetIds: m.assets_ids,
        outcomes: m.outcomes ?? [], question: m.question ?? null }));
    case 'market_resolved':
      return as(ResolvedMsg, (m) => ({ type: 'market_resolved', market: m.market, assetIds: m.assets_ids,
        winningAssetId: m.winning_asset_id, winningOutcome: m.winning_outcome, time: m.timestamp ?? null }));
    default:
      return { ok: false, detail: `unknown market-channel event_type: ${String(raw.event_type ?? '(none)')}` };
  }
}

function parsePriceChange(raw: Obj): MessageParse {
  const fail = (e: z.ZodError): MessageParse => ({ ok: false, detail: `price_change: ${issue(e)}` });
  const ok = (market: string, time: Date | undefined, changes: LevelChange[]): MessageParse =>
    ({ ok: true, message: { type: 'price_change', market, time: time ?? null, changes } });
  if (Array.isArray(raw.price_changes)) {
    const r = PriceChangesMsg.safeParse(raw);
    if (!r.success) return fail(r.error);
    return ok(r.data.market, r.data.timestamp, r.data.price_changes.map((c) => ({
      assetId: c.asset_id, side: c.side, price: c.price, size: c.size, bestBid: c.best_bid ?? null,
      bestAsk: c.best_ask ?? null,
    })));
  }
  if (Array.isArray(raw.changes)) {
    const r = OldChangesMsg.safeParse(raw);
    if (!r.success) return fail(r.error);
    return ok(r.data.market, r.data.timestamp, r.data.changes.map((c) => ({
      assetId: r.data.asset_id, side: c.side, price: c.price, size: c.size, bestBid: null, bestAsk: null,
    })));
  }
  const r = OldChangeMsg.safeParse(raw);
  if (!r.success) return fail(r.error);
  return ok(r.data.market, r.data.timestamp, [{
    assetId: r.data.asset_id, side: r.data.side, price: r.data.price, size: r.data.size, bestBid: null, bestAsk: null,
  }]);
}

/** Parses a frame: JSON text, one message object, or an array of them; each failure is one error */
export function parseMarketMessages(frame: unknown): { messages: MarketMessage[]; errors: string[] } {
  let value = frame;
  if (typeof frame === 'string') {
    try {
      value = JSON.parse(frame);
    } catch {
      return { messages: [], errors: [`not JSON: ${frame.slice(0, 80)}`] };
    }
  }
  const messages: MarketMessage[] = [];
  const errors: string[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    const parsed = parseMarketMessage(item);
    if (parsed.ok) messages.push(parsed.message);
    else errors.push(parsed.detail);
  }
  return { messages, errors };
}

/** One token's book: price → size on each side */
export class OrderBook {
  private readonly bids = new Map<bigint, Shares>();
  private readonly asks = new Map<bigint, Shares>();
  time: Date | null = null;
  hash: string | null = null;
  tickSize: bigint | null = null;
  lastTradePrice: Price | null = null;

  constructor(readonly assetId: string) {}

  /** Replaces both sides with a snapshot (the wire lists levels best LAST; order does not matter here) */
  replace(bids: BookLevel[], asks: BookLevel[]): void {
    this.bids.clear();
    this.asks.clear();
    for (const l of bids) this.set('BUY', l.price, l.size);
    for (const l of asks) this.set('SELL', l.price, l.size);
  }

  /** Sets the total size at one price; 0 removes the level */
  set(side: OrderSide, at: Price, total: Shares): void {
    const book = side === 'BUY' ? this.bids : this.asks;
    if (total === 0n) book.delete(at);
    else book.set(at, total);
  }

  bestBid(): Price | null {
    return best(this.bids, (a, b) => a > b);
  }

  bestAsk(): Price | null {
    return best(this.asks, (a, b) => a < b);
  }

  /** True when the best bid is at or above the best ask */
  crossed(): boolean {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    return bid !== null && ask !== null && bid >= ask;
  }

  /** Levels best first: bids by descending price, asks by ascending price */
  levels(): { bids: BookLevel[]; asks: BookLevel[] } {
    return { bids: sorted(this.bids, 'desc'), asks: sorted(this.asks, 'asc') };
  }
}

const best = (side: Map<bigint, Shares>, better: (a: bigint, b: bigint) => boolean): Price | null => {
  let top: bigint | null = null;
  for (const p of side.keys()) if (top === null || better(p, top)) top = p;
  return top as Price | null;
};

const sorted = (side: Map<bigint, Shares>, order: 'asc' | 'desc'): BookLevel[] =>
  [...side].sort(([a], [b]) => (a === b ? 0 : (a < b) === (order === 'asc') ? -1 : 1))
    .map(([p, s]) => ({ price: p as Price, size: s }));

export interface ApplyResult {
  /** Level changes applied to a book that had a snapshot */
  applied: number;
  /** Changes for assets without a snapshot yet (a client waits for the `book` message) */
  ignored: number;
}

/** Every book of a market-channel subscription, kept from its messages */
export class BookState {
  private readonly books = new Map<string, OrderBook>();

  book(assetId: string): OrderBook | null {
    return this.books.get(assetId) ?? null;
  }

  assetIds(): string[] {
    return [...this.books.keys()];
  }

  /** Forgets a book (its changes are ignored until its next snapshot) */
  drop(assetId: string): void {
    this.books.delete(assetId);
  }

  apply(message: MarketMessage): ApplyResult {
    switch (message.type) {
      case 'book': {
        const book = this.books.get(message.assetId) ?? new OrderBook(message.assetId);
        this.books.set(message.assetId, book);
        book.replace(message.bids, message.asks);
        book.time = message.time;
        book.hash = message.hash;
        if (message.tickSize !== null) book.tickSize = message.tickSize;
        return { applied: message.bids.length + message.asks.length, ignored: 0 };
      }
      case 'price_change':
        return this.applyChanges(message.changes, message.time);
      case 'last_trade_price':
        this.withBook(message.assetId, (b) => { b.lastTradePrice = message.price; });
        return { applied: 0, ignored: 0 };
      case 'tick_size_change':
        this.withBook(message.assetId, (b) => { b.tickSize = message.newTickSize; });
        return { applied: 0, ignored: 0 };
      case 'market_resolved':
        for (const id of message.assetIds) this.books.delete(id);
        return { applied: 0, ignored: 0 };
      default:
        return { applied: 0, ignored: 0 };
    }
  }

  private applyChanges(changes: LevelChange[], time: Date | null): ApplyResult {
    const result: ApplyResult = { applied: 0, ignored: 0 };
    for (const c of changes) {
      const book = this.books.get(c.assetId);
      if (!book) {
        result.ignored += 1;
        continue;
      }
      book.set(c.side, c.price, c.size);
      if (time) book.time = time;
      result.applied += 1;
    }
    return result;
  }

  private withBook(assetId: string, fn: (book: OrderBook) => void): void {
    const book = this.books.get(assetId);
    if (book) fn(book);
  }
}
