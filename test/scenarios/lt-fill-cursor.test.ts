/**
 * The fill cursor kept across processes (migration 0024): the tracker on the real Polymarket adapter against the
 * loopback simulator stores where its last complete read of the account's fills ended, and a new process (a new
 * adapter on the same account) reads from there, not from the account's first fill, booking what is new once
 */
import { generatePrivateKey } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { price, shares } from '../../src/domain/money.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { storedFillCursor } from '../../src/store/fill-cursor-store.ts';
import { createPolymarketVenue, type PolymarketVenue } from '../../src/venues/polymarket/polymarket-venue.ts';
import { createShadowVenue } from '../../src/venues/shadow-venue.ts';
import { createLtWorld, MAKER, YES, type LtWorld } from '../support/lt-world.ts';
import { captureLog } from '../support/polymarket-rig.ts';
import { backendName } from '../support/test-db.ts';
import { undiciSend } from '../../src/venues/polymarket/http-send.ts';

describe(`LT fill cursor across processes (${backendName})`, () => {
  let w: LtWorld | null = null;
  let server: SimServer | null = null;
  const venues: PolymarketVenue[] = [];
  afterEach(async () => {
    for (const v of venues.splice(0)) await v.close();
    await server?.close();
    await w?.close();
  });

  it('a new process reads the fills after the stored cursor, and books a later fill once', async () => {
    w = await createLtWorld();
    const world = w;
    const clock = world.ft.clock;
    server = await startSimServer({ port: 0, seed: 5, clock, exchange: world.exchange, fund: '100000', tickMs: 20 });
    const privateKey = generatePrivateKey();
    const trades: string[] = [];
    /** A Polymarket adapter as a new process builds it: the same account and host, nothing in memory */
    const newProcess = async () => {
      const venue = await createPolymarketVenue({ host: server!.url, privateKey, log: captureLog([]), clock, http: {
        send: async (req) => {
          if (req.url.pathname === '/data/trades') trades.push(req.url.search);
          return undiciSend(req);
        },
      } });
      venues.push(venue);
      return { ...world.deps, venue, shadowVenue: createShadowVenue(venue, clock) };
    };
    const first = await newProcess();
    world.asks([['0.50', '8']]);
    await world.buySignal({ price: 0.5 });
    expect(await executeLt(first)).toMatchObject({ ordered: 1, errors: [] });
    // The rest of the BUY rests; a taker sells into it, and the tracker books that fill from /data/trades
    world.exchange.place({ orderId: 'taker-1', account: MAKER, tokenId: YES, side: 'SELL', price: price('0.50'), size: shares('12'),
      orderType: 'GTC' });
    clock.advance(2_000);
    expect(await syncLtOrders(first)).toMatchObject({ fillsBooked: 1, errors: [] });
    const key = first.venue.fillCursorKey!;
    expect(key).toContain(first.venue.signerAddress);
    const stored = await storedFillCursor(world.ft.t.db, key);
    expect(stored).not.toBeNull();

    // A new process: its first read starts at the stored cursor (after= a match time), not at the account's beginning
    const second = await newProcess();
    trades.length = 0;
    expect(await syncLtOrders(second)).toMatchObject({ fillsBooked: 0, errors: [] });
    expect(trades.length).toBeGreaterThan(0);
    expect(trades.every((q) => /[?&]after=\d+/.test(q))).toBe(true);

    // A later fill on another resting order is booked once by the new process
    world.asks([]);
    await world.buySignal({ price: 0.5 });
    expect(await executeLt(second)).toMatchObject({ ordered: 1, errors: [] });
    clock.advance(2_000);
    world.exchange.place({ orderId: 'taker-2', account: MAKER, tokenId: YES, side: 'SELL', price: price('0.50'), size: shares('20'),
      orderType: 'GTC' });
    clock.advance(2_000);
    expect(await syncLtOrders(second)).toMatchObject({ fillsBooked: 1, errors: [] });
    expect(await syncLtOrders(await newProcess())).toMatchObject({ fillsBooked: 0, errors: [] });
    const [n] = await world.ft.t.db.query<{ fills: number }>('SELECT count(*)::int AS fills FROM fills');
    expect(n).toEqual({ fills: 3 });
    expect(await storedFillCursor(world.ft.t.db, key)).not.toBe(stored);
  });
});
