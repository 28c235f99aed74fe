/**
 * A Venue whose `orderBook` is served from the market channel's books (src/feeds/market-books.ts) when they are whole
 * and fresh, and read from the venue (REST `GET /book`) otherwise; every other call goes to the venue unchanged. An
 * asset is watched from its first read, so the first signal of a market reads REST and the next ones memory. Each
 * fallback is counted by reason and logged (at most once a minute per reason)
 */
import type { Clock, Log } from '../engine/ports.ts';
import type { BookSnapshot, Venue } from '../engine/venue-port.ts';
import { MarketBooks, type BookMiss, type MarketBooksOptions, type MarketBooksStats } from '../feeds/market-books.ts';

export interface BookCacheStats extends MarketBooksStats {
  /** Books read from the venue because the cache could not serve them (= Σ misses) */
  fallbacks: number;
}

export interface BookCachedVenue extends Venue {
  bookCacheStats(): BookCacheStats;
}

export interface BookCacheOptions {
  clock: Clock;
  log: Log;
  /** The books this venue reads; closed with the venue */
  books: MarketBooks;
}

const LOG_EVERY_MS = 60_000;

/** Counts fallbacks by reason and logs each reason at most once a minute (with how many went unlogged) */
function fallbackLogger(clock: Clock, log: Log): (tokenId: string, miss: BookMiss) => void {
  const logged = new Map<BookMiss, { at: number; since: number }>();
  return (tokenId, miss) => {
    const now = clock.now().getTime();
    const last = logged.get(miss);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.since += 1;
      return;
    }
    logged.set(miss, { at: now, since: 0 });
    const fields = { tokenId, miss, sinceLastLogged: last?.since ?? 0 };
    if (miss === 'unwatched') log.info('order book read from the venue; watching it on the market channel', fields);
    else log.warn('order book read from the venue: the market channel\'s book is not servable', fields);
  };
}

export function withBookCache(venue: Venue, opts: BookCacheOptions): BookCachedVenue {
  const { books, clock } = opts;
  const fallback = fallbackLogger(clock, opts.log);
  return {
    name: venue.name,
    signerAddress: venue.signerAddress,
    ...(venue.fillCursorKey ? { fillCursorKey: venue.fillCursorKey } : {}),
    orderBook: async (tokenId): Promise<BookSnapshot> => {
      const read = books.read(tokenId);
      if (read.ok) return { tokenId, bids: read.bids, asks: read.asks, time: clock.now() };
      fallback(tokenId, read.miss);
      return venue.orderBook(tokenId);
    },
    marketInfo: (t) => venue.marketInfo(t),
    prepare: (r) => venue.prepare(r),
    submit: (o) => venue.submit(o),
    cancel: (id) => venue.cancel(id),
    orderStatus: (id) => venue.orderStatus(id),
    openOrders: () => venue.openOrders(),
    fillsSince: (c) => venue.fillsSince(c),
    availableCollateral: () => venue.availableCollateral(),
    tokenBalance: (t) => venue.tokenBalance(t),
    ...(venue.collateralAllowances ? { collateralAllowances: () => venue.collateralAllowances!() } : {}),
    close: async () => {
      books.close();
      await venue.close();
    },
    bookCacheStats: () => {
      const s = books.stats();
      return { ...s, fallbacks: Object.values(s.misses).reduce((a, b) => a + b, 0) };
    },
  };
}

/** The market channel URL under a CLOB WebSocket base (`POLYMARKET_WS_URL`) */
export const marketChannelUrl = (wsBase: string): string => `${wsBase.replace(/\/+$/, '')}/ws/market`;

/** The venue with its books served from its own market channel connection; `staleMs` 0: the venue as it is */
export function bookCachedVenue(venue: Venue, o: { wsBase: string; staleMs: number; clock: Clock; log: Log } &
  Pick<MarketBooksOptions, 'pingMs'>): Venue {
  if (o.staleMs <= 0) return venue;
  const books = new MarketBooks({ url: marketChannelUrl(o.wsBase), log: o.log, staleMs: o.staleMs,
    ...(o.pingMs !== undefined ? { pingMs: o.pingMs } : {}) });
  return withBookCache(venue, { clock: o.clock, log: o.log, books });
}
