/** TradeSource over the Polymarket Data API: pages each trader's /trades or /activity back to their watermark */
import type { FetchError, FollowedTrader, TradeFetch, TradeSource } from '../engine/ports.ts';
import { mapLimit, messageOf } from './concurrency.ts';
import { normalizeTradeRecords } from './data-api-record.ts';
import { getJson, type HttpOptions, type HttpResult } from './http.ts';

export interface DataApiSourceOptions {
  baseUrl: string;
  /** Rows per page (`limit`), default 100 */
  pageSize?: number;
  /** Pages per trader per fetch, default 20 */
  maxPages?: number;
  /** How far before `since` to read again, so trades indexed late are not lost (default 10 minutes) */
  overlapMs?: number;
  /** Traders fetched at once, default 8 */
  concurrency?: number;
  http?: HttpOptions;
}

/** One trader's pages as the Data API returned them */
interface RawFetch {
  records: unknown[];
  errors: FetchError[];
  requests: number;
}

interface Config {
  baseUrl: string;
  pageSize: number;
  maxPages: number;
  overlapMs: number;
  http: HttpOptions | undefined;
}

/** The Data API refuses offsets above this */
export const MAX_OFFSET = 10_000;

export function createDataApiTradeSource(options: DataApiSourceOptions): TradeSource {
  const cfg: Config = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    pageSize: Math.max(1, options.pageSize ?? 100),
    maxPages: Math.max(1, options.maxPages ?? 20),
    overlapMs: Math.max(0, options.overlapMs ?? 10 * 60_000),
    http: options.http,
  };
  const concurrency = Math.max(1, options.concurrency ?? 8);
  return {
    name: 'data-api',
    async fetchTrades(traders: FollowedTrader[]): Promise<TradeFetch> {
      const results = await mapLimit(traders, concurrency, (t) => fetchTraderSafely(cfg, t));
      const out: RawFetch = { records: [], errors: [], requests: 0 };
      for (const r of results) {
        for (const record of r.records) out.records.push(record);
        out.errors.push(...r.errors);
        out.requests += r.requests;
      }
      return { ...normalizeTradeRecords(out.records), errors: out.errors, requests: out.requests };
    },
  };
}

async function fetchTraderSafely(cfg: Config, trader: FollowedTrader): Promise<RawFetch> {
  try {
    return await fetchTrader(cfg, trader);
  } catch (err) {
    const endpoint = trader.targeted ? '/activity' : '/trades';
    return { records: [], errors: [{ trader: trader.address.toLowerCase(), endpoint, error: messageOf(err) }], requests: 0 };
  }
}

/**
 * Pages one trader newest-first until a short page, a page reaching back past `since − overlap`, maxPages or
 * the offset limit. A failed page discards the trader's earlier pages too: returning only the newest rows
 * would let the caller's watermark jump past the rows not yet read
 */
async function fetchTrader(cfg: Config, trader: FollowedTrader): Promise<RawFetch> {
  const address = trader.address.trim().toLowerCase();
  const endpoint = trader.targeted ? '/activity' : '/trades';
  const cutoffSec = trader.since ? Math.floor((trader.since.getTime() - cfg.overlapMs) / 1000) : null;
  const records: unknown[] = [];
  let requests = 0;
  for (let page = 0; ; page++) {
    const offset = page * cfg.pageSize;
    const res = await getJson(pageUrl(cfg, trader.targeted, address, offset, cutoffSec), cfg.http);
    requests += res.requests;
    const rows = rowsOf(res);
    if (typeof rows === 'string') {
      const lost = records.length > 0 ? `; ${records.length} rows from earlier pages discarded` : '';
      return { records: [], errors: [{ trader: address, endpoint, error: `offset ${offset}: ${rows}${lost}` }], requests };
    }
    for (const row of rows) records.push(row);
    const stop = stopAfter(cfg, page, rows, cutoffSec);
    if (stop === 'more') continue;
    const errors: FetchError[] = stop === 'truncated' ? [truncated(address, endpoint, records.length, page + 1)] : [];
    return { records, errors, requests };
  }
}

/** A page's rows, or why there are none */
function rowsOf(res: HttpResult): unknown[] | string {
  if (!res.ok) return res.error;
  return Array.isArray(res.body) ? (res.body as unknown[]) : 'response is not an array';
}

type Stop = 'more' | 'done' | 'truncated';

function stopAfter(cfg: Config, page: number, rows: unknown[], cutoffSec: number | null): Stop {
  if (rows.length < cfg.pageSize) return 'done';
  const oldest = oldestTimestamp(rows);
  if (cutoffSec !== null && oldest !== null && oldest < cutoffSec) return 'done';
  const atLimit = page + 1 >= cfg.maxPages || (page + 1) * cfg.pageSize > MAX_OFFSET;
  if (!atLimit) return 'more';
  // With no watermark there is nothing to reach back to: the newest pages are all we want
  return cutoffSec === null ? 'done' : 'truncated';
}

function truncated(trader: string, endpoint: string, rows: number, pages: number): FetchError {
  return { trader, endpoint, error: `truncated: ${rows} rows on ${pages} pages did not reach back to since − overlap` };
}

function pageUrl(cfg: Config, targeted: boolean, address: string, offset: number, cutoffSec: number | null): string {
  const user = encodeURIComponent(address);
  if (!targeted) return `${cfg.baseUrl}/trades?user=${user}&limit=${cfg.pageSize}&offset=${offset}&takerOnly=false`;
  const start = cutoffSec === null ? '' : `&start=${Math.max(0, cutoffSec)}`;
  return (
    `${cfg.baseUrl}/activity?user=${user}&type=TRADE&limit=${cfg.pageSize}&offset=${offset}` +
    `&sortBy=TIMESTAMP&sortDirection=DESC${start}`
  );
}

/** The oldest row's time in unix seconds (values above 1e10 are milliseconds); null when no row has one */
function oldestTimestamp(rows: unknown[]): number | null {
  let oldest: number | null = null;
  for (const row of rows) {
    const value = typeof row === 'object' && row !== null ? (row as Record<string, unknown>).timestamp : undefined;
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(n) || n <= 0) continue;
    const seconds = n < 1e10 ? n : Math.floor(n / 1000);
    if (oldest === null || seconds < oldest) oldest = seconds;
  }
  return oldest;
}

export interface LeaderboardQuery {
  /** day | week | month | all */
  timePeriod: string;
  /** PNL | VOL */
  orderBy: string;
  pages: number;
  pageSize: number;
  /** Default "overall" */
  category?: string;
}

export interface LeaderboardFetch {
  /** Lower-cased proxy wallets in rank order, each once */
  wallets: string[];
  errors: FetchError[];
  requests: number;
}

/** Reads up to `pages` pages of /v1/leaderboard (stopping at a short page); a failed page is reported, the others still count */
export async function fetchLeaderboard(baseUrl: string, q: LeaderboardQuery, http?: HttpOptions): Promise<LeaderboardFetch> {
  const base = baseUrl.replace(/\/+$/, '');
  const out: LeaderboardFetch = { wallets: [], errors: [], requests: 0 };
  const seen = new Set<string>();
  for (let page = 0; page < q.pages; page++) {
    const offset = page * q.pageSize;
    const url =
      `${base}/v1/leaderboard?timePeriod=${encodeURIComponent(q.timePeriod)}&orderBy=${encodeURIComponent(q.orderBy)}` +
      `&limit=${q.pageSize}&offset=${offset}&category=${encodeURIComponent(q.category ?? 'overall')}`;
    const res = await getJson(url, http);
    out.requests += res.requests;
    const rows = rowsOf(res);
    if (typeof rows === 'string') {
      out.errors.push({ trader: null, endpoint: '/v1/leaderboard', error: `offset ${offset}: ${rows}` });
      continue;
    }
    for (const wallet of walletsOf(rows)) {
      if (!seen.has(wallet)) out.wallets.push(wallet);
      seen.add(wallet);
    }
    if (rows.length < q.pageSize) break;
  }
  return out;
}

function walletsOf(rows: unknown[]): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const wallet = typeof row === 'object' && row !== null ? (row as Record<string, unknown>).proxyWallet : undefined;
    if (typeof wallet === 'string' && wallet.trim() !== '') out.push(wallet.trim().toLowerCase());
  }
  return out;
}
