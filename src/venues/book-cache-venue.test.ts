// @backend-independent
/**
 * How the composition root wraps a Polymarket venue (POLYMARKET_BOOK_STALE_MS): 0 leaves it as it is; otherwise its
 * books come from its own market channel connection, opened on the first book read (which reads GET /book) and closed
 * with the venue; every other call goes to the venue
 */
import { generatePrivateKey } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../engine/clock.ts';
import type { Log } from '../engine/ports.ts';
import { startSimServer, type SimServer } from '../sim/server/server.ts';
import { bookCachedVenue, type BookCachedVenue } from './book-cache-venue.ts';
import { createPolymarketVenue } from './polymarket/polymarket-venue.ts';
import { undiciSend, type HttpSend } from './polymarket/http-send.ts';

const quiet: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };
let server: SimServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('bookCachedVenue', () => {
  it('0 ms: the venue itself; otherwise books from the market channel after the first, and one GET /book for it', async () => {
    server = await startSimServer({ port: 0, seed: 2 });
    const token = server.exchange.markets()[0]!.tokens[0]!.tokenId;
    const requests: string[] = [];
    const counting: HttpSend = async (req) => {
      requests.push(`${req.method} ${req.url.pathname}`);
      return undiciSend(req);
    };
    const venue = await createPolymarketVenue({ host: server.url, privateKey: generatePrivateKey(), log: quiet, clock: systemClock,
      http: { send: counting } });
    expect(bookCachedVenue(venue, { wsBase: server.wsUrl, staleMs: 0, clock: systemClock, log: quiet })).toBe(venue);

    const cached = bookCachedVenue(venue, { wsBase: `${server.wsUrl}/`, staleMs: 2_500, clock: systemClock, log: quiet }) as BookCachedVenue;
    const rest = await cached.orderBook(token);
    expect(requests.filter((r) => r === 'GET /book')).toHaveLength(1);
    const deadline = Date.now() + 10_000;
    while (cached.bookCacheStats().served === 0 && Date.now() < deadline) {
      const book = await cached.orderBook(token);
      if (cached.bookCacheStats().served > 0) expect({ bids: book.bids, asks: book.asks }).toEqual({ bids: rest.bids, asks: rest.asks });
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(cached.bookCacheStats()).toMatchObject({ served: 1, connects: 1, fallbacks: cached.bookCacheStats().misses.unwatched
      + cached.bookCacheStats().misses.no_snapshot + cached.bookCacheStats().misses.disconnected });
    expect(requests.filter((r) => r === 'GET /book')).toHaveLength(cached.bookCacheStats().fallbacks);
    expect((await cached.marketInfo(token)).tokenId).toBe(token);
    await cached.close();
    const after = await cached.orderBook(token); // closed: nothing is served from the channel any more
    expect(after.bids).toEqual(rest.bids);
    expect(cached.bookCacheStats().served).toBe(1);
  }, 60_000);
});
