/** Recorded-file and in-memory sources: Data API trades from JSONL/JSON files, Gamma markets from files or memory */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Market } from '../domain/market.ts';
import type { FollowedTrader, MarketFetch, MarketSource, TradeFetch, TradeSource } from '../engine/ports.ts';
import { messageOf } from './concurrency.ts';
import { normalizeTradeRecords, UnparsedLine } from './data-api-record.ts';
import { parseGammaMarkets } from './gamma-market.ts';

const gunzipAsync = promisify(gunzip);

/** One JSON value from a file, with its line (null when the whole file was one JSON document) */
interface Item {
  line: number | null;
  value: unknown;
}

/**
 * A TradeSource that replays a file once: the first fetchTrades returns every record whatever the traders,
 * later calls return none. Lines that are not JSON are refused as `bad_json`, so ingestion counts them
 */
export function createFileTradeSource(path: string): TradeSource {
  let consumed = false;
  return {
    name: `file:${basename(path)}`,
    async fetchTrades(_traders: FollowedTrader[]): Promise<TradeFetch> {
      if (consumed) return { trades: [], refused: [], errors: [], requests: 0 };
      consumed = true;
      try {
        const items = await readJsonItems(path);
        return { ...normalizeTradeRecords(items.map((i) => i.value)), errors: [], requests: 0 };
      } catch (err) {
        consumed = false; // nothing was delivered; let a later call try again
        return { trades: [], refused: [], errors: [{ trader: null, endpoint: path, error: messageOf(err) }], requests: 0 };
      }
    },
  };
}

/**
 * Loads Gamma markets from a JSON document (market, array, event) or JSONL, optionally gzipped; an item
 * may wrap its market in a `raw` field. Bad lines and unparseable markets become error strings
 */
export async function loadGammaMarketsFile(path: string): Promise<{ markets: Market[]; errors: string[] }> {
  const markets: Market[] = [];
  const errors: string[] = [];
  let items: Item[];
  try {
    items = await readJsonItems(path);
  } catch (err) {
    return { markets, errors: [`${path}: ${messageOf(err)}`] };
  }
  for (const item of items) {
    const where = item.line === null ? path : `${path}:${item.line}`;
    if (item.value instanceof UnparsedLine) {
      errors.push(`${where}: not JSON: ${item.value.text.slice(0, 80)}`);
      continue;
    }
    const parsed = parseGammaMarkets(unwrapRaw(item.value));
    markets.push(...parsed.markets);
    errors.push(...parsed.errors.map((e) => `${where}: ${e}`));
  }
  return { markets, errors };
}

/** Recorded lines such as {"slug":…, "raw": {gamma market}} carry the Gamma object under `raw` */
function unwrapRaw(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapRaw);
  if (typeof value !== 'object' || value === null) return value;
  const v = value as Record<string, unknown>;
  const inner = v.raw;
  return v.conditionId === undefined && typeof inner === 'object' && inner !== null ? inner : value;
}

export interface StaticMarketSource extends MarketSource {
  /** Adds or replaces a market (matched by condition id, case-insensitively) */
  setMarket(market: Market): void;
}

/** A MarketSource over markets held in memory; unknown ids are simply absent from the result */
export function createStaticMarketSource(markets: Market[] = []): StaticMarketSource {
  const byId = new Map<string, Market>();
  const setMarket = (m: Market): void => {
    byId.set(m.conditionId.toLowerCase(), m);
  };
  markets.forEach(setMarket);
  return {
    name: 'static',
    setMarket,
    async getMarkets(conditionIds: string[]): Promise<MarketFetch> {
      const found = new Map<string, Market>();
      for (const id of conditionIds) {
        const key = id.trim().toLowerCase();
        const market = byId.get(key);
        if (market) found.set(key, market);
      }
      return { markets: [...found.values()], errors: [] };
    },
  };
}

/**
 * Reads a file of JSON: first as one document (an array gives its elements), else as JSON lines, where
 * blank lines are skipped and a line that is not JSON becomes an UnparsedLine. Gzip is detected by content
 */
export async function readJsonItems(path: string): Promise<Item[]> {
  const text = await readText(path);
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const whole = tryParse(trimmed);
    if (whole.ok) return Array.isArray(whole.value) ? whole.value.map((value) => ({ line: null, value })) : [{ line: null, value: whole.value }];
  }
  const items: Item[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const parsed = tryParse(line);
    items.push({ line: index + 1, value: parsed.ok ? parsed.value : new UnparsedLine(line) });
  });
  return items;
}

async function readText(path: string): Promise<string> {
  const bytes = await readFile(path);
  const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzipped ? await gunzipAsync(bytes) : bytes).toString('utf8');
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
