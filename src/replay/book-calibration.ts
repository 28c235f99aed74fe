/**
 * Fits the replay's book model (book-model.ts) to recorded Polymarket books: the spread in ticks by tick size and
 * price band, and the notional of each price level from the best one outward. Reads, under `dir`
 * (../shared/data/polymarket; see its SOURCES.md):
 *   - prices/dinesh_top_of_book_quotes_*.jsonl.gz: best bid/ask of 693 markets about every 2 minutes for a week. The tick
 *     is not recorded: a quote with a third decimal on either side is a 0.001-tick book, else 0.01;
 *   - prices/pmxt_bbo_5min_*.jsonl: a 5-minute best bid/ask series that records its tick_size;
 *   - books/nautilus/*.json and the `book` messages of ws/nautilus/*crossing_burst.json: full-depth snapshots.
 * A quote with a side missing, or crossed or locked, says nothing about the spread and is left out. The band is the
 * mid's: `tail` below 0.10 or above 0.90, else `body` (the model bands by its touch price, the same places).
 * Spreads are whole ticks (decimal arithmetic, no float rounding); quantiles are the nearest-rank values
 * sorted[floor(q × n)]. Level notional = price × size of the k-th best price level of each side of each snapshot
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseMicros } from '../domain/money.ts';
import { bandOf, LEVELS, tickClassOf, type PriceBand, type TickClass } from './book-model.ts';

export interface BookModelFit {
  /** Spread in ticks at 5 %, 15 %, …, 95 %, by tick and band, with the number of quotes behind each */
  spreadTicks: Record<TickClass, Record<PriceBand, { n: number; deciles: number[] }>>;
  /** Level k's notional in USDC (whole dollars): the 25th and 75th percentiles and the median, over n book sides */
  depthUsd: { n: number; p25: number; median: number; p75: number }[];
}

export const DECILE_MIDPOINTS = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];

const at = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const sortNum = (xs: number[]): number[] => xs.sort((a, b) => a - b);

/** Micro-units of a recorded price, or null (absent, not a number) */
function micros(v: unknown): bigint | null {
  if (typeof v !== 'number' && typeof v !== 'string') return null;
  const text = String(v);
  return /^\d+(\.\d{1,6})?$/.test(text) ? parseMicros(text) : null;
}

const decimals = (v: unknown): number => String(v).split('.')[1]?.length ?? 0;

/** One top-of-book quote into (tick class, band, spread in ticks), or null when it gives no spread */
export function spreadOf(bid: unknown, ask: unknown, tickSize?: unknown): { tick: TickClass; band: PriceBand; ticks: number } | null {
  const b = micros(bid);
  const a = micros(ask);
  if (b === null || a === null || a <= b) return null;
  const recorded = tickSize === undefined ? null : micros(tickSize);
  const tick = recorded ?? (decimals(bid) > 2 || decimals(ask) > 2 ? 1000n : 10_000n);
  return { tick: tickClassOf(tick), band: bandOf((a + b) / 2n), ticks: Number((a - b + tick - 1n) / tick) };
}

function readLines(path: string): Record<string, unknown>[] {
  const bytes = readFileSync(path);
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

function spreadSamples(dir: string): Map<string, number[]> {
  const samples = new Map<string, number[]>();
  const add = (s: ReturnType<typeof spreadOf>) => {
    if (!s) return;
    const key = `${s.tick}/${s.band}`;
    const list = samples.get(key) ?? [];
    list.push(s.ticks);
    samples.set(key, list);
  };
  const prices = join(dir, 'prices');
  for (const name of readdirSync(prices).sort()) {
    if (name.startsWith('dinesh_top_of_book')) for (const r of readLines(join(prices, name))) add(spreadOf(r.bid, r.ask));
    if (name.startsWith('pmxt_bbo')) for (const r of readLines(join(prices, name))) add(spreadOf(r.best_bid, r.best_ask, r.tick_size));
  }
  return samples;
}

type Side = { price: string; size: string }[];

/** Every full-depth `book` snapshot under books/ and the WebSocket burst */
function bookSnapshots(dir: string): { bids: Side; asks: Side }[] {
  const out: { bids: Side; asks: Side }[] = [];
  const take = (v: unknown) => {
    for (const x of Array.isArray(v) ? v : [v]) {
      const o = x as Record<string, unknown>;
      if (Array.isArray(o.bids) && Array.isArray(o.asks) && (o.event_type === undefined || o.event_type === 'book')) {
        out.push({ bids: o.bids as Side, asks: o.asks as Side });
      }
    }
  };
  const books = join(dir, 'books', 'nautilus');
  for (const name of readdirSync(books).sort()) take(JSON.parse(readFileSync(join(books, name), 'utf8')));
  const ws = join(dir, 'ws', 'nautilus');
  for (const name of readdirSync(ws).sort()) {
    if (name.endsWith('crossing_burst.json')) take(JSON.parse(readFileSync(join(ws, name), 'utf8')));
  }
  return out;
}

/** Level k's notional (whole USDC) on one side: same-price entries summed, best price first */
function levelNotionals(side: Side, bids: boolean): number[] {
  const sums = new Map<number, number>();
  for (const l of side) sums.set(Number(l.price), (sums.get(Number(l.price)) ?? 0) + Number(l.price) * Number(l.size));
  const prices = [...sums.keys()].sort((a, b) => (bids ? b - a : a - b));
  return prices.slice(0, LEVELS).map((p) => Math.round(sums.get(p)!));
}

/** The fit (see the header) of the recorded books under `dir` */
export function calibrateBookModel(dir: string): BookModelFit {
  const samples = spreadSamples(dir);
  const table = (tick: TickClass, band: PriceBand) => {
    const xs = sortNum(samples.get(`${tick}/${band}`) ?? []);
    return { n: xs.length, deciles: xs.length === 0 ? [] : DECILE_MIDPOINTS.map((q) => at(xs, q)) };
  };
  const levels: number[][] = Array.from({ length: LEVELS }, () => []);
  for (const b of bookSnapshots(dir)) {
    for (const [side, isBid] of [[b.bids, true], [b.asks, false]] as const) {
      levelNotionals(side, isBid).forEach((n, k) => levels[k]!.push(n));
    }
  }
  return {
    spreadTicks: {
      '0.01': { body: table('0.01', 'body'), tail: table('0.01', 'tail') },
      '0.001': { body: table('0.001', 'body'), tail: table('0.001', 'tail') },
    },
    depthUsd: levels.map((xs) => {
      const s = sortNum(xs);
      return { n: s.length, p25: at(s, 0.25), median: at(s, 0.5), p75: at(s, 0.75) };
    }),
  };
}
