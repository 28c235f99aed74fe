/** Exactly once: racing executors place one venue order per signal, and replayed venue updates book one ledger */
import { afterEach, describe, expect, it } from 'vitest';
import { price, shares, usdc } from '../../src/domain/money.ts';
import { bookFill, withLockedOrder } from '../../src/engine/lt-fills.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { resetFillCursor, syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { backendName } from '../support/test-db.ts';
import { createLtStrategy, launchLtStrategy } from '../../src/engine/lt-strategies.ts';
import { balancesOf } from '../../src/store/ledger-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { ACCOUNT, createLtWorld, MAKER, SIGNER, YES, type LtWorld } from '../support/lt-world.ts';
import type { Venue } from '../../src/engine/venue-port.ts';

/** `venue` whose order-book reads each first pass `gate` (one gate shared by every copy of a race) */
function atBarrier(venue: Venue, gate: Barrier): Venue {
  return new Proxy(venue, {
    get: (target, key) => (key === 'orderBook'
      ? async (tokenId: string) => { await gate.arrive(); return target.orderBook(tokenId); }
      : Reflect.get(target, key, target)),
  });
}

interface Barrier { arrive(): Promise<void> }

/** The first `n` arrivals wait until all `n` have come, or 30 s have passed; later ones pass at once */
function newBarrier(n: number): Barrier {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  const timer = setTimeout(open, 30_000);
  void opened.then(() => clearTimeout(timer));
  return {
    arrive: () => {
      if (arrived >= n) return Promise.resolve();
      arrived += 1;
      if (arrived === n) open();
      return opened;
    },
  };
}

describe(`LT exactly once (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it('orders a signal: $10 at the trader price 0.50 buys 20 shares, reserved then filled', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    const report = await w.execute();
    expect(report).toMatchObject({ strategies: 1, signals: 1, ordered: 1, skipped: 0, errors: [] });
    expect(report.submissions).toEqual([expect.objectContaining({ outcome: 'accepted', status: 'filled' })]);
    expect(report.latencies[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    const [order] = await w.orders();
    expect(order).toMatchObject({ side: 'BUY', status: 'filled', limit_price: '0.500000', size: '20.000000',
      filled_size: '20.000000', executed_price: '0.500000', fill_rate: '1.000000', slippage_pct: '0.000000' });
    const b = await w.checkLedger();
    expect(b).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
  });

  it('INV-3: 8 executors racing on the same signals send exactly one venue order and one reservation per signal', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    await w.buySignal({ price: 0.5 });
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5, size: 50 });
    // The race made certain whatever the machine's load: each executor reads the first signal's book (after its signal
    // page, before it decides) only once all 8 have come that far, so every one read the signals as pending (bounded)
    const gate = newBarrier(8);
    const reports = await Promise.all(Array.from({ length: 8 }, () => executeLt({ ...w.deps, venue: atBarrier(w.deps.venue, gate) })));
    expect(reports.reduce((n, r) => n + r.ordered, 0)).toBe(2);
    // The race was real: executors that read the signals as pending lost the decision and wrote nothing
    expect(reports.reduce((n, r) => n + r.duplicates, 0)).toBeGreaterThan(0);
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(w.probe.submits).toBe(2);
    expect(w.exchange.trades(ACCOUNT)).toHaveLength(2);
    const db = w.ft.t.db;
    const [counts] = await db.query<{ orders: number; reserves: number; dispositions: number }>(`SELECT
      (SELECT count(*)::int FROM orders) AS orders,
      (SELECT count(*)::int FROM ledger_entries WHERE kind = 'reserve') AS reserves,
      (SELECT count(*)::int FROM lt_dispositions) AS dispositions`);
    expect(counts).toEqual({ orders: 2, reserves: 2, dispositions: 2 });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('980'), positionCost: usdc('20') });
  });

  it('strategies run at once (strategyConcurrency): each signal is decided once per strategy and each ledger holds', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    const owners = [{ userId: w.userId, strategyId: w.strategyId }];
    for (let k = 0; k < 3; k++) { // one strategy per FT strategy and user: three more users copy the same one
      const { user } = await createUser(w.ft.t.db, `parallel-${k}-${w.strategyId}`);
      const created = await createLtStrategy({ db: w.ft.t.db, clock: w.ft.clock }, user.userId,
        { ft_wallet_id: 'FT_COPY_ALL', starting_capital: '1000', wallet_address: SIGNER });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      const launched = await launchLtStrategy({ db: w.ft.t.db, clock: w.ft.clock }, user.userId, created.value.strategyId);
      if (!launched.ok) throw new Error(JSON.stringify(launched.error));
      owners.push({ userId: user.userId, strategyId: created.value.strategyId });
    }
    await w.buySignal({ price: 0.5 });
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5, size: 50 });
    const runs = await Promise.all([executeLt({ ...w.deps, strategyConcurrency: 4 }), executeLt({ ...w.deps, strategyConcurrency: 4 })]);
    expect(runs.flatMap((r) => r.errors)).toEqual([]);
    expect(runs.reduce((n, r) => n + r.ordered, 0)).toBe(8); // 2 signals × 4 strategies, whichever run decided them
    expect(runs[0]!.strategies).toBe(4);
    expect(w.probe.submits).toBe(8);
    const per = await w.ft.t.db.query<{ u: string; n: number }>(
      `SELECT lt_user_id::text AS u, count(*)::int AS n FROM orders GROUP BY 1 ORDER BY 1`);
    expect(per.map((r) => [r.u, r.n])).toEqual(owners.map((o) => o.userId).sort().map((u) => [u, 2]));
    for (const o of owners) {
      expect(await balancesOf(w.ft.t.db, o.userId, o.strategyId, 'live')).toMatchObject({ available: usdc('980'), reserved: 0n });
    }
    expect(await w.checkLedger()).toMatchObject({ available: usdc('980'), positionCost: usdc('20') });
  });

  it('INV-14: the same venue update replayed 3 times, concurrently, is booked once', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '8']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    const [order] = await w.orders();
    expect(order).toMatchObject({ status: 'partially_filled', filled_size: '8.000000' });
    // The maker sells into the 12 shares still resting at our 0.50 limit
    w.exchange.place({ orderId: 'taker-1', account: MAKER, tokenId: YES, side: 'SELL', price: price('0.50'), size: shares('12'),
      orderType: 'GTC' });
    const fills = (await w.sim.fillsSince(null)).fills.filter((f) => f.venueOrderId === order!.venue_order_id);
    expect(fills).toHaveLength(2);
    const replay = () => withLockedOrder(w.ft.t.db, order!.order_id as string, async (tx, o) => {
      let current = o;
      for (const f of fills) current = (await bookFill(tx, current, f, w.ft.clock.now())).order;
    });
    await Promise.all([replay(), replay(), replay(), syncLtOrders(w.deps), syncLtOrders(w.deps)]);
    resetFillCursor(w.venue);
    await syncLtOrders(w.deps);
    const [after] = await w.orders();
    expect(after).toMatchObject({ status: 'filled', filled_size: '20.000000' });
    const [n] = await w.ft.t.db.query<{ fills: number; entries: number }>(`SELECT (SELECT count(*)::int FROM fills) AS fills,
      (SELECT count(*)::int FROM ledger_entries WHERE kind = 'buy_fill') AS entries`);
    expect(n).toEqual({ fills: 2, entries: 2 });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
  });

  it('a pass reading every fill again (as after a restart) opens no transaction for fills booked already', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '8']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    w.exchange.place({ orderId: 'taker-1', account: MAKER, tokenId: YES, side: 'SELL', price: price('0.50'), size: shares('12'),
      orderType: 'GTC' });
    await syncLtOrders(w.deps);
    expect((await w.orders())[0]).toMatchObject({ status: 'filled', filled_size: '20.000000' });
    const db = w.deps.db;
    let transactions = 0;
    const hits: string[] = [];
    const counted = { ...db, transaction: <T>(fn: Parameters<typeof db.transaction<T>>[0]) => { transactions += 1; return db.transaction(fn); } };
    resetFillCursor(w.venue);
    const again = await syncLtOrders({ ...w.deps, db: counted, hooks: { at: (p) => void hits.push(p) } });
    expect(again).toMatchObject({ fillsBooked: 0, errors: [] });
    expect({ transactions, hits }).toEqual({ transactions: 0, hits: [] });
    // A fill the venue reports later is booked, alone: a resting order, then a taker
    await w.buySignal({ price: 0.5 });
    await w.execute();
    const resting = (await w.orders()).find((o) => o.status === 'open');
    expect(resting).toMatchObject({ filled_size: '0.000000' });
    w.exchange.place({ orderId: 'taker-2', account: MAKER, tokenId: YES, side: 'SELL', price: price('0.50'), size: shares('20'),
      orderType: 'GTC' });
    resetFillCursor(w.venue);
    expect(await syncLtOrders({ ...w.deps, hooks: { at: (p) => void hits.push(p) } })).toMatchObject({ fillsBooked: 1, errors: [] });
    expect(hits).toEqual(['after_fill']);
    const [n] = await db.query<{ fills: number }>('SELECT count(*)::int AS fills FROM fills');
    expect(n).toEqual({ fills: 3 });
  });
});
