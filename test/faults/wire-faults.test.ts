/**
 * Faults on the wire (issue 12, docs/reliability.md): the LT engine (executor + tracker) with the real Polymarket
 * adapter against the loopback simulator, over the LT world's exchange and manual clock, with the simulator's fault
 * knobs set through POST /_sim/faults. After each fault, what must hold: each signal reaches the venue at most once,
 * the database equals the venue once the fault is gone (every order of ours at the venue is in the database with the
 * venue's filled size; an order the venue does not have ended rejected or lost), and the ledger identities hold
 * after every step (LtWorld.checkLedger)
 */
import { generatePrivateKey } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { formatMicros, usdc } from '../../src/domain/money.ts';
import { executeLt, type LtExecutorDeps } from '../../src/engine/lt-executor.ts';
import { LOST_SPACING_MS, syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { createPolymarketVenue, type PolymarketVenue } from '../../src/venues/polymarket/polymarket-venue.ts';
import { createShadowVenue } from '../../src/venues/shadow-venue.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { captureLog, eventually } from '../support/polymarket-rig.ts';
import { backendName } from '../support/test-db.ts';
import { undiciSend, type HttpSend } from '../../src/venues/polymarket/http-send.ts';

interface Wire {
  w: LtWorld;
  server: SimServer;
  venue: PolymarketVenue;
  deps: LtExecutorDeps;
  lines: string[];
  /** POST /_sim/faults */
  faults(body: Record<string, unknown>): Promise<void>;
  /** Requests the adapter sent, "METHOD /path" */
  requests: string[];
}

const opened: Wire[] = [];

async function wireWorld(settings: Record<string, unknown> = {}, pollEveryMs = 0, streamPingMs?: number): Promise<Wire> {
  const w = await createLtWorld({ settings });
  const clock = w.ft.clock;
  const server = await startSimServer({ port: 0, seed: 3, clock, exchange: w.exchange, fund: '100000', tickMs: 20 });
  const lines: string[] = [];
  const requests: string[] = [];
  const counting: HttpSend = async (req) => {
    requests.push(`${req.method} ${req.url.pathname}`);
    return undiciSend(req);
  };
  const venue = await createPolymarketVenue({
    host: server.url, wsHost: server.wsUrl, privateKey: generatePrivateKey(), log: captureLog(lines), clock,
    http: { send: counting, maxRetryWaitMs: 20 }, pollEveryMs, streamPingMs,
  });
  const deps: LtExecutorDeps = { ...w.deps, venue, shadowVenue: createShadowVenue(venue, clock) };
  const faults = async (body: Record<string, unknown>) => {
    const res = await fetch(`${server.url}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`faults: ${res.status}`);
  };
  const wire = { w, server, venue, deps, lines, faults, requests };
  opened.push(wire);
  return wire;
}

interface Row { order_id: string; status: string; venue_order_id: string | null; filled_size: string; size: string }

const ordersOf = (x: Wire) => x.w.ft.t.db.query<Row>(
  `SELECT order_id, status, venue_order_id, filled_size::text, size::text FROM orders WHERE NOT is_shadow ORDER BY intent_at`);

/** Every venue order of our account (open, or in one of its trades) */
function venueOrderIds(x: Wire): Set<string> {
  const ids = new Set(x.w.exchange.openOrders(x.venue.maker).map((o) => o.orderId));
  for (const t of x.w.exchange.trades(x.venue.maker)) {
    if (t.takerAccount === x.venue.maker) ids.add(t.takerOrderId);
    for (const m of t.makers) if (m.account === x.venue.maker) ids.add(m.orderId);
  }
  return ids;
}

/** The database equals the venue: asserted once the faults are off and the tracker has converged */
async function expectDbEqualsVenue(x: Wire): Promise<Row[]> {
  const rows = await ordersOf(x);
  const atVenue = venueOrderIds(x);
  const known = new Set(rows.map((r) => r.venue_order_id));
  expect([...atVenue].filter((id) => !known.has(id))).toEqual([]); // nothing at the venue that we do not know
  for (const r of rows) {
    const ex = r.venue_order_id ? x.w.exchange.order(r.venue_order_id) : null;
    if (!ex) {
      expect(['rejected', 'lost']).toContain(r.status);
      continue;
    }
    expect({ id: r.order_id, filled: r.filled_size }).toEqual({ id: r.order_id, filled: formatMicros(ex.sizeMatched, 6) });
  }
  return rows;
}

/** Runs the tracker (no fault) until nothing is left to converge: no pending/unknown order; passes LOST_SPACING_MS apart */
async function converge(x: Wire): Promise<void> {
  await eventually(async () => {
    x.w.ft.clock.advance(LOST_SPACING_MS);
    await syncLtOrders(x.deps);
    await x.w.checkLedger();
    const rows = await ordersOf(x);
    return rows.every((r) => !['pending', 'unknown'].includes(r.status)) ? true : undefined;
  }, 20_000);
}

const submits = (x: Wire) => x.requests.filter((r) => r === 'POST /order').length;

describe(`wire faults: LT engine + Polymarket adapter on the loopback simulator (${backendName})`, () => {
  afterEach(async () => {
    for (const x of opened.splice(0)) {
      await x.venue.close();
      await x.server.close();
      await x.w.close();
    }
  });

  it('5xx at a 40% rate and 429 storms: every signal is ordered at most once, the database converges to the venue', async () => {
    const x = await wireWorld();
    x.w.asks([['0.50', '1000']]);
    for (let k = 0; k < 6; k++) {
      await x.w.buySignal({ price: 0.5 });
      x.w.ft.clock.advance(1_000);
    }
    await x.faults({ errorRate: 0.4, burst429: 5 });
    for (let round = 0; round < 8; round++) {
      const report = await executeLt(x.deps);
      await x.w.checkLedger();
      await syncLtOrders(x.deps).catch(() => undefined);
      await x.w.checkLedger();
      if (round === 3) await x.faults({ burst429: 20 }); // a storm mid-way
      expect(report.ordered).toBeLessThanOrEqual(6);
    }
    await x.faults({ reset: true });
    await executeLt(x.deps); // signals the faults held back are decided now
    await converge(x);
    const rows = await expectDbEqualsVenue(x);
    expect(rows).toHaveLength(6); // one order per signal, never two
    const dispositions = await x.w.dispositions();
    expect(dispositions.filter((d) => d.disposition === 'ordered')).toHaveLength(6);
    expect(new Set(rows.map((r) => r.venue_order_id)).size).toBe(6);
    const ledger = await x.w.checkLedger();
    const filled = rows.filter((r) => r.status === 'filled').length;
    expect(ledger.reserved).toBe(0n);
    expect(ledger.positionCost).toBe(usdc(String(10 * filled)));
    // The faults were met: reads retried past 429s and 500s; a submit answered 500 placed nothing and ended lost
    const retried = x.lines.filter((l) => l.includes('polymarket request retried')).join('\n');
    expect(retried).toContain('"status":429');
    expect(retried).toContain('"status":500');
    const byStatus = rows.reduce<Record<string, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
    process.stdout.write(`5xx/429 run: orders by status ${JSON.stringify(byStatus)}, POST /order sent ${submits(x)}\n`);
  }, 120_000);

  it('responses dropped after acceptance: unknown, then read back; the same signed order is never placed twice', async () => {
    const x = await wireWorld();
    await x.w.buySignal({ price: 0.5 }); // rests: empty book
    await x.faults({ dropOrderResponses: 1 });
    const report = await executeLt(x.deps);
    expect(report.submissions[0]).toMatchObject({ outcome: 'unknown', status: 'unknown' });
    expect(await x.w.checkLedger()).toMatchObject({ reserved: usdc('10') });
    expect(x.w.exchange.openOrders(x.venue.maker)).toHaveLength(1); // the venue has it
    await converge(x);
    expect((await ordersOf(x)).map((r) => r.status)).toEqual(['open']);
    x.w.takeFromMaker('SELL', '0.50', '20');
    await eventually(async () => ((await syncLtOrders(x.deps)).fillsBooked === 1 ? true : undefined), 10_000);
    expect((await ordersOf(x)).map((r) => r.status)).toEqual(['filled']);
    expect(submits(x)).toBe(1);
    await expectDbEqualsVenue(x);
    expect(await x.w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
  }, 60_000);

  it('a dropped answer for an order that filled at once: the fill is booked once and the order ends filled', async () => {
    const x = await wireWorld();
    x.w.asks([['0.50', '100']]);
    await x.w.buySignal({ price: 0.5 });
    await x.faults({ dropOrderResponses: 1 });
    expect((await executeLt(x.deps)).submissions[0]).toMatchObject({ outcome: 'unknown' });
    await converge(x);
    expect((await ordersOf(x)).map((r) => r.status)).toEqual(['filled']);
    await syncLtOrders(x.deps);
    await expectDbEqualsVenue(x);
    expect(await x.w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
  }, 60_000);

  it('delayed settlement and fills out of order: partial fills from several makers and a late maker fill book once each', async () => {
    const x = await wireWorld();
    // Three makers' levels: the order takes them in one match, reported as three maker legs
    x.w.asks([['0.48', '5'], ['0.49', '5']]);
    await x.w.buySignal({ price: 0.5 });
    await x.faults({ settleDelayMs: 60_000 }); // trades stay MATCHED, no hash; the client polls for them
    const report = await executeLt(x.deps);
    expect(report.submissions[0]).toMatchObject({ outcome: 'accepted', status: 'partially_filled' });
    // The rest fills later, as a maker, while the first trades are still not mined
    x.w.takeFromMaker('SELL', '0.50', '20');
    await eventually(async () => {
      await syncLtOrders(x.deps);
      return (await ordersOf(x))[0]!.status === 'filled' ? true : undefined;
    }, 10_000);
    x.w.ft.clock.advance(61_000); // now settled: the MINED/CONFIRMED updates of the same trades book nothing new
    await syncLtOrders(x.deps);
    await expectDbEqualsVenue(x);
    const fills = await x.w.ft.t.db.query('SELECT fill_id FROM fills');
    expect(fills.length).toBe(new Set(fills.map((f) => f.fill_id)).size);
    const ledger = await x.w.checkLedger();
    expect(ledger.reserved).toBe(0n);
    expect(ledger.available).toBeGreaterThanOrEqual(usdc('990'));
  }, 60_000);

  it('duplicated user-channel messages: each fill is booked once', async () => {
    const x = await wireWorld();
    await x.faults({ duplicateStreamMessages: true });
    await x.w.buySignal({ price: 0.5 });
    await executeLt(x.deps);
    for (let k = 0; k < 4; k++) x.w.takeFromMaker('SELL', '0.50', '5'); // four maker fills, each sent twice
    await eventually(async () => {
      await syncLtOrders(x.deps);
      return (await ordersOf(x))[0]!.status === 'filled' ? true : undefined;
    }, 10_000);
    await syncLtOrders(x.deps);
    expect((await x.w.ft.t.db.query('SELECT 1 FROM fills'))).toHaveLength(4);
    await expectDbEqualsVenue(x);
    expect(await x.w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
  }, 60_000);

  it('a silent user channel: fills are still booked (the tracker reads REST), and the silence is detected and the socket made again', async () => {
    // REST's own backstop is 10 minutes away: the fill comes from the order's status read, which rescans REST fills.
    // The user stream pings every 2 s here (10 s by default), so its silence is detected after 4 s instead of 20
    const x = await wireWorld({}, 600_000, 2_000);
    await x.w.buySignal({ price: 0.5 });
    await executeLt(x.deps); // rests
    await syncLtOrders(x.deps);
    await x.faults({ streamSilence: true });
    x.w.takeFromMaker('SELL', '0.50', '20');
    await eventually(async () => {
      await syncLtOrders(x.deps);
      return (await ordersOf(x))[0]!.status === 'filled' ? true : undefined;
    }, 60_000);
    // Real time: the user stream drops a socket silent for two ping periods
    await eventually(async () => (x.lines.some((l) => l.includes('polymarket user stream closed; reconnecting')) ? true : undefined), 60_000);
    await x.faults({ streamSilence: false });
    await eventually(async () => (x.lines.filter((l) => l.includes('polymarket user stream connected')).length >= 2 ? true : undefined), 60_000);
    await expectDbEqualsVenue(x);
    expect(await x.w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
  }, 180_000);

  it('cancel-only: entries are rejected and released, not retried; a resting order is still cancelled at its TTL', async () => {
    const x = await wireWorld({ order_ttl_seconds: 60 });
    await x.w.buySignal({ price: 0.5 });
    await executeLt(x.deps); // rests
    await x.faults({ cancelOnly: true });
    x.w.ft.clock.advance(1_000);
    await x.w.buySignal({ price: 0.5 });
    const refused = await executeLt(x.deps);
    expect(refused.submissions).toEqual([expect.objectContaining({ outcome: 'rejected', status: 'rejected' })]);
    expect(await x.w.checkLedger()).toMatchObject({ reserved: usdc('10') }); // only the resting order's
    x.w.ft.clock.advance(60_000);
    expect(await syncLtOrders(x.deps)).toMatchObject({ cancelsSent: 1, finished: 1, errors: [] });
    expect((await ordersOf(x)).map((r) => r.status)).toEqual(['cancelled', 'rejected']);
    await x.faults({ cancelOnly: false });
    expect((await executeLt(x.deps)).ordered).toBe(0); // a refused signal is not placed again
    expect(submits(x)).toBe(2);
    await expectDbEqualsVenue(x);
    expect(await x.w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
  }, 60_000);
});
