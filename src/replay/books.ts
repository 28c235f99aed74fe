/**
 * Recorded CLOB order books for `tandem replay --books DIR`, and the rule by which the replay's market maker quotes
 * them instead of its model (lt.ts).
 *
 * Input: every regular file directly in DIR (names starting with '.' left out; read in code-unit order of the name;
 * gzip detected by content) holds CLOB `GET /book` responses or WebSocket `book` messages (the same fields plus
 * `event_type: "book"`): one JSON object, an array of them, or one per line. A file that is neither one JSON document
 * nor has a single JSON line counts once as book_bad_json; otherwise each line that is not JSON counts once.
 * Prices and sizes are parsed exactly into micro-units. A snapshot is taken whole or not at all; the first problem
 * found rejects it, counted by reason into the report's input.rejected, and it never reaches the books:
 *   book_bad_json · book_not_an_object · book_not_a_book (an `event_type` other than "book", e.g. price_change) ·
 *   book_missing_field (asset_id, market, timestamp, bids, asks, or a level's price or size) ·
 *   book_bad_timestamp (not unix milliseconds) · book_bad_price (not a decimal of at most 6 places strictly inside
 *   (0, 1)) · book_off_tick (a price off the market's tick) · book_bad_size (not a decimal of at most 6 places > 0) ·
 *   book_crossed (best bid ≥ best ask) · book_unknown_token (no market of --markets has the asset_id) ·
 *   book_market_mismatch (`market` is not the token's condition id) · book_duplicate (a token's second snapshot
 *   with the same timestamp; the first one read is kept).
 * `tick_size`, `min_order_size` and `hash` are not used: the exchange's tick and minimum are the Gamma market's.
 *
 * Rule. A token's current snapshot is its latest accepted snapshot whose timestamp ≤ the replay clock. The maker
 * re-quotes a token at every trade on it, at the trade's time (and the other outcome of a two-outcome market, as the
 * model does), and also at the time a token's current snapshot changes, even if it did not trade. A re-quote cancels
 * the maker's resting orders on the token, then places the current snapshot's levels if the token has one, else the
 * model's book (book-model.ts). Snapshot levels: entries at the same price are
 * summed; each level is one GTC maker order (bids best first, then asks best first); its size is rounded down to the
 * lot (0.01 share) and a size below the market's minimum (Gamma orderMinSize, else 5 shares) is RAISED to that
 * minimum, so every recorded price stays quoted (depth at such a level is overstated by less than the minimum).
 * Each re-quote places the whole snapshot again, so liquidity Tandem took is back at the next re-quote. Before a
 * token's first snapshot, and for tokens without snapshots, the model applies (after the last trade; the
 * other outcome of a snapshot-quoted token is still modelled around 1 − p). A snapshot later than the last trade is
 * never quoted, and a resolved market never is. Nothing here draws from the PRNG: the run stays deterministic
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Market } from '../domain/market.ts';
import { decimalText, parseMicros, SCALE, type Price, type Shares } from '../domain/money.ts';
import { UnparsedLine } from '../feeds/data-api-record.ts';
import { LOT } from '../domain/order-amounts.ts';

export const DEFAULT_TICK = 10_000n;
export const DEFAULT_MIN_SIZE = 5_000000n;

export interface RecordedLevel {
  price: Price;
  size: Shares;
}

/** One accepted snapshot: levels as recorded (unsorted, possibly repeated prices), time in unix ms */
export interface RecordedBook {
  tokenId: string;
  conditionId: string;
  time: number;
  bids: RecordedLevel[];
  asks: RecordedLevel[];
}

/** What a file of the directory yielded: a JSON value, or an UnparsedLine for a line or file that is not JSON */
export interface BookItem {
  where: string;
  value: unknown;
}

export type BookParse = { ok: true; book: RecordedBook } | { ok: false; reason: string };

interface TokenInfo {
  conditionId: string;
  tick: bigint;
}

/** Reads every regular file directly in `dir`, in name order, into items (see the header for the file forms) */
export async function readBookDir(dir: string): Promise<BookItem[]> {
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const items: BookItem[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (!(await stat(path)).isFile()) continue;
    items.push(...(await readBookFile(path)));
  }
  return items;
}

async function readBookFile(path: string): Promise<BookItem[]> {
  let text: string;
  try {
    const bytes = await readFile(path);
    text = (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (err) {
    return [{ where: path, value: new UnparsedLine(`unreadable: ${(err as Error).message}`) }];
  }
  const whole = tryJson(text.trim());
  if (whole.ok) return (Array.isArray(whole.value) ? whole.value : [whole.value]).map((value) => ({ where: path, value }));
  const lines: BookItem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const parsed = tryJson(raw.trim());
    lines.push({ where: `${path}:${i + 1}`, value: parsed.ok ? parsed.value : new UnparsedLine(raw.trim().slice(0, 80)) });
  });
  const anyJson = lines.some((l) => !(l.value instanceof UnparsedLine));
  return anyJson ? lines : [{ where: path, value: new UnparsedLine(text.slice(0, 80)) }];
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The token → market lookup the parser checks against: the first market naming a token owns it */
export function tokensOf(markets: Market[]): Map<string, TokenInfo> {
  const tokens = new Map<string, TokenInfo>();
  for (const m of markets) {
    for (const t of m.tokenIds) {
      if (!tokens.has(t)) tokens.set(t, { conditionId: m.conditionId.toLowerCase(), tick: m.tickSize ?? DEFAULT_TICK });
    }
  }
  return tokens;
}

const absent = (v: unknown): boolean => v === undefined || v === null || v === '';
const fail = (reason: string): BookParse => ({ ok: false, reason: `book_${reason}` });

/** Validates one `/book` response or `book` message against the markets; see the header for the reasons */
export function parseRecordedBook(raw: unknown, tokens: Map<string, TokenInfo>): BookParse {
  if (raw instanceof UnparsedLine) return fail('bad_json');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('not_an_object');
  const r = raw as Record<string, unknown>;
  if (!absent(r.event_type) && r.event_type !== 'book') return fail('not_a_book');
  if (['asset_id', 'market', 'timestamp', 'bids', 'asks'].some((k) => absent(r[k]))) return fail('missing_field');
  const time = timestampOf(r.timestamp);
  if (time === null) return fail('bad_timestamp');
  if (!Array.isArray(r.bids) || !Array.isArray(r.asks)) return fail('missing_field');
  const token = tokens.get(String(r.asset_id));
  if (typeof r.asset_id !== 'string' || !token) return fail('unknown_token');
  if (typeof r.market !== 'string' || r.market.trim().toLowerCase() !== token.conditionId) return fail('market_mismatch');
  const bids = levelsOf(r.bids, token.tick);
  if (typeof bids === 'string') return fail(bids);
  const asks = levelsOf(r.asks, token.tick);
  if (typeof asks === 'string') return fail(asks);
  const bestBid = bids.reduce((m, l) => (l.price > m ? l.price : m), 0n);
  const bestAsk = asks.reduce((m, l) => (l.price < m ? l.price : m), SCALE);
  if (bids.length > 0 && asks.length > 0 && bestBid >= bestAsk) return fail('crossed');
  return { ok: true, book: { tokenId: r.asset_id, conditionId: token.conditionId, time, bids, asks } };
}

/** Unix milliseconds, as the digits of a string (CLOB's form) or a JSON integer */
function timestampOf(v: unknown): number | null {
  const text = typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : '';
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** The levels, or the reason (without the book_ prefix) the first bad one fails */
function levelsOf(list: unknown[], tick: bigint): RecordedLevel[] | string {
  const out: RecordedLevel[] = [];
  for (const l of list) {
    if (typeof l !== 'object' || l === null || Array.isArray(l)) return 'missing_field';
    const { price: p, size: s } = l as Record<string, unknown>;
    if (absent(p) || absent(s)) return 'missing_field';
    const price = exact(p);
    if (price === null || price <= 0n || price >= SCALE) return 'bad_price';
    if (price % tick !== 0n) return 'off_tick';
    const size = exact(s);
    if (size === null || size <= 0n) return 'bad_size';
    out.push({ price: price as Price, size: size as Shares });
  }
  return out;
}

/** A decimal string (or JSON number) of at most 6 places, in micro-units; null otherwise */
function exact(v: unknown): bigint | null {
  const text = decimalText(v);
  if (text === null || (text.split('.')[1]?.length ?? 0) > 6) return null;
  return parseMicros(text);
}

export interface RecordedBooks {
  /** token → its snapshots in time order; tokens in id order */
  byToken: Map<string, RecordedBook[]>;
  accepted: number;
  rejected: Record<string, number>;
}

/** Validates every item, counts the rejections by reason and orders each token's snapshots by time */
export function loadRecordedBooks(items: readonly BookItem[], markets: Market[]): RecordedBooks {
  const tokens = tokensOf(markets);
  const rejected: Record<string, number> = {};
  const collected = new Map<string, Map<number, RecordedBook>>();
  let accepted = 0;
  const count = (reason: string) => {
    rejected[reason] = (rejected[reason] ?? 0) + 1;
  };
  for (const item of items) {
    const parsed = parseRecordedBook(item.value, tokens);
    if (!parsed.ok) {
      count(parsed.reason);
      continue;
    }
    const { book } = parsed;
    const seen = collected.get(book.tokenId) ?? new Map<number, RecordedBook>();
    if (seen.has(book.time)) {
      count('book_duplicate');
      continue;
    }
    seen.set(book.time, book);
    collected.set(book.tokenId, seen);
    accepted += 1;
  }
  const byToken = new Map<string, RecordedBook[]>();
  for (const id of [...collected.keys()].sort()) {
    byToken.set(id, [...collected.get(id)!.values()].sort((a, b) => a.time - b.time));
  }
  return { byToken, accepted, rejected };
}

/** Which snapshot is current for each token as the replay clock moves forward */
export class BookTimeline {
  private readonly index = new Map<string, number>();

  constructor(private readonly byToken: Map<string, RecordedBook[]>) {}

  /** Moves to time `t` (never backwards); returns the tokens whose current snapshot changed, in token id order */
  advance(t: number): string[] {
    const changed: string[] = [];
    for (const [tokenId, list] of this.byToken) {
      const from = this.index.get(tokenId) ?? -1;
      let i = from;
      while (i + 1 < list.length && list[i + 1]!.time <= t) i += 1;
      if (i !== from) {
        this.index.set(tokenId, i);
        changed.push(tokenId);
      }
    }
    return changed;
  }

  /** The earliest time at which some token's current snapshot changes next; +∞ when none will */
  nextChange(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const [tokenId, list] of this.byToken) {
      const after = list[(this.index.get(tokenId) ?? -1) + 1];
      if (after && after.time < next) next = after.time;
    }
    return next;
  }

  current(tokenId: string): RecordedBook | null {
    const i = this.index.get(tokenId);
    return i === undefined ? null : this.byToken.get(tokenId)![i]!;
  }
}

export interface MakerLevel {
  side: 'BUY' | 'SELL';
  price: Price;
  size: Shares;
}

/** The maker orders for a snapshot: same-price levels summed, best first, sizes to the lot and at least `minSize` */
export function snapshotOrders(book: RecordedBook, minSize: bigint): MakerLevel[] {
  const side = (levels: RecordedLevel[], s: 'BUY' | 'SELL'): MakerLevel[] => {
    const sums = new Map<bigint, bigint>();
    for (const l of levels) sums.set(l.price, (sums.get(l.price) ?? 0n) + l.size);
    const prices = [...sums.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (s === 'BUY') prices.reverse();
    return prices.map((p) => {
      const lots = (sums.get(p)! / LOT) * LOT;
      return { side: s, price: p as Price, size: (lots < minSize ? minSize : lots) as Shares };
    });
  };
  return [...side(book.bids, 'BUY'), ...side(book.asks, 'SELL')];
}
