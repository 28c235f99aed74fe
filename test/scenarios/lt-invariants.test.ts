/**
 * Invariants of lt-original §5 on instruments, intents and daily limits: the right token or none (INV-6), an
 * intent before every submit and convergence to the venue in one sync (INV-11), and the reset policy of every
 * breaker (INV-30)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatMicros, usdc } from '../../src/domain/money.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import type { LtHooks } from '../../src/engine/lt-hooks.ts';
import {
  depositLtCapital, launchLtStrategy, pauseLtStrategy, resumeLtStrategy, stopLtStrategy,
} from '../../src/engine/lt-strategies.ts';
import { utcDayStart } from '../../src/store/ledger-store.ts';
import type { Sql } from '../../src/store/db.ts';
import type { SimOrder } from '../../src/sim/exchange/exchange-types.ts';
import type { PreparedOrder, Venue } from '../../src/engine/venue-port.ts';
import { ALICE, BOB, record } from '../support/ft-world.ts';
import { backendName } from '../support/test-db.ts';
import { ACCOUNT, CID, createLtWorld, NO, YES, type LtWorld } from '../support/lt-world.ts';

const OTHER_CID = '0x' + '7'.repeat(64);

/** The DB as the venue sees it at submit: the order row, its disposition and its reservation */
async function intentAtSubmit(db: Sql, p: PreparedOrder): Promise<Record<string, unknown> | null> {
  const [row] = await db.query(`SELECT o.status, o.venue_order_id = $2 AS prepared, d.disposition, e.amount::text AS reserve
    FROM orders o JOIN lt_orders l ON l.order_id = o.order_id
    JOIN lt_dispositions d ON d.user_id = l.user_id AND d.strategy_id = l.strategy_id AND d.ft_order_id = l.ft_order_id
      AND d.leg = l.leg
    LEFT JOIN ledger_entries e ON e.order_id = o.order_id AND e.kind = 'reserve'
    WHERE o.client_order_id = $1`, [p.request.clientOrderId, p.venueOrderId]);
  return row ?? null;
}

/** The DB status an order must reach once Tandem has read the venue's order */
const statusFor = (v: SimOrder): string => v.status === 'matched' ? 'filled'
  : v.status === 'live' ? (v.sizeMatched > 0n ? 'partially_filled' : 'open') : v.status;

const ledgerRows = (db: Sql) => db.query(`SELECT kind, ref, amount::text, cost_basis::text FROM ledger_entries
  ORDER BY kind, ref`);

describe('LT daily window', () => {
  it('INV-30: the daily window is the UTC calendar day of now, with no stored reset date to be NULL', () => {
    expect(utcDayStart(new Date('2026-03-01T23:59:59.999Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(utcDayStart(new Date('2026-03-02T00:00:00.000Z')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(utcDayStart(new Date('2026-03-02T01:30:00+05:00')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe(`LT invariants: instruments, intents, daily limits (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  const nowTs = () => Math.floor(w.ft.clock.now().getTime() / 1000);
  const skips = async () => (await w.dispositions()).filter((d) => d.disposition !== 'ordered')
    .map((d) => ({ rule: d.rule, limit: d.limit_value, observed: d.observed }));

  it('INV-6: a venue answering for another token or another market skips with token_mismatch; nothing is sent, reserved or retried', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    const noInfo = await w.venue.marketInfo(NO);
    // The original's fallback: the outcome label did not match, so it took the market's other token
    const fallback: Venue = { ...w.venue, marketInfo: async () => noInfo };
    const first = await executeLt({ ...w.deps, venue: fallback });
    expect(first.skips).toEqual([expect.objectContaining({ rule: 'token_mismatch' })]);
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5 });
    const elsewhere: Venue = { ...w.venue, marketInfo: async (t) => ({ ...(await w.venue.marketInfo(t)), conditionId: OTHER_CID }) };
    const second = await executeLt({ ...w.deps, venue: elsewhere });
    expect(second.skips).toEqual([expect.objectContaining({ rule: 'token_mismatch', limit: CID, observed: OTHER_CID })]);
    expect(w.probe.submits).toBe(0);
    expect(await w.orders()).toEqual([]);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
    // The honest venue: the two skipped signals are decided, never retried on some other token
    expect(await w.execute()).toMatchObject({ signals: 0, ordered: 0 });
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.4, asset: NO, outcome: 'No', outcomeIndex: 1 });
    expect(await w.execute()).toMatchObject({ ordered: 1 });
    const [order] = await w.orders();
    expect(w.exchange.order(order!.venue_order_id as string)).toMatchObject({ tokenId: NO, conditionId: CID });
  });

  it('INV-6: FT stores the asset id with its own outcome label, refuses a record whose label or index names another outcome, and LT orders exactly that asset', async () => {
    w = await createLtWorld();
    const report = await w.ft.ingest([
      record({ timestamp: nowTs() }),
      record({ asset: NO, outcome: 'No', outcomeIndex: 1, timestamp: nowTs(), price: 0.4 }),
      record({ asset: NO, outcome: undefined, outcomeIndex: undefined, timestamp: nowTs(), price: 0.4, proxyWallet: BOB }),
      record({ asset: YES, outcome: 'No', outcomeIndex: 1, timestamp: nowTs() }), // label and index of NO, token of YES
      record({ asset: YES, outcome: 'Yes', outcomeIndex: 1, timestamp: nowTs() }), // index of NO
      record({ asset: NO, outcome: 'Yes', outcomeIndex: undefined, timestamp: nowTs() }), // label of YES
    ]);
    expect(report).toMatchObject({ newTrades: 3, ordersCreated: 3, rejected: { token_mismatch: 3 } });
    const ft = await w.ft.t.db.query<{ asset: string; token_label: string }>(
      'SELECT asset, token_label FROM ft_orders ORDER BY trader_address, asset');
    expect(ft.map((o) => [o.asset, o.token_label])).toEqual([[YES, 'Yes'], [NO, 'No'], [NO, 'No']]);
    expect(await w.execute()).toMatchObject({ ordered: 3 });
    const orders = await w.ft.t.db.query<{ token_id: string; venue_order_id: string; same: boolean }>(`SELECT o.token_id,
      o.venue_order_id, o.token_id = f.asset AND o.condition_id = f.condition_id AS same
      FROM orders o JOIN lt_orders l ON l.order_id = o.order_id JOIN ft_orders f ON f.order_id = l.ft_order_id`);
    expect(orders.map((o) => o.same)).toEqual([true, true, true]);
    for (const o of orders) expect(w.exchange.order(o.venue_order_id)!.tokenId).toBe(o.token_id);
  });

  it('INV-11: every order reaches the venue with its intent, disposition, reservation and venue id committed; one sync converges the DB to the venue after fills land', async () => {
    w = await createLtWorld();
    const db = w.ft.t.db;
    const atSubmit: (Record<string, unknown> | null)[] = [];
    const submitsAtIntent: number[] = [];
    const venue: Venue = { ...w.venue, submit: async (p) => (atSubmit.push(await intentAtSubmit(db, p)), w.venue.submit(p)) };
    const hooks: LtHooks = {
      at: (point) => {
        if (point !== 'after_intent') return;
        submitsAtIntent.push(w.probe.submits);
        w.ft.clock.advance(1); // intents in a known order
      },
    };
    for (let i = 0; i < 4; i++) {
      await w.buySignal({ price: 0.5 });
      w.ft.clock.advance(1000);
    }
    w.sim.faults.dropNextSubmitResponse(); // the first answer is lost: unknown until the venue is read
    expect(await executeLt({ ...w.deps, venue, hooks })).toMatchObject({ ordered: 4, errors: [] });
    expect(submitsAtIntent).toEqual([0, 1, 2, 3]); // each intent committed before its own submit
    expect(atSubmit).toEqual(Array.from({ length: 4 }, () => ({ status: 'pending', prepared: true, disposition: 'ordered',
      reserve: '10.000000' })));
    const ids = (await w.orders()).map((o) => o.venue_order_id as string);
    expect((await w.orders()).map((o) => o.status)).toEqual(['unknown', 'open', 'open', 'open']);
    // At the venue, behind Tandem's back: the maker fills the first and 8 of the second; the venue cancels the third
    w.takeFromMaker('SELL', '0.50', '28');
    expect(w.exchange.cancel(ACCOUNT, ids[2]!)).toEqual({ ok: true });
    expect(ids.map((id) => w.exchange.order(id)!.status)).toEqual(['matched', 'live', 'cancelled', 'live']);
    expect((await w.sync()).errors).toEqual([]);
    const after = await w.orders();
    for (const [i, id] of ids.entries()) {
      const v = w.exchange.order(id)!;
      expect([after[i]!.status, after[i]!.filled_size]).toEqual([statusFor(v), formatMicros(v.sizeMatched)]);
    }
    expect(await w.checkLedger()).toMatchObject({ available: usdc('970'), reserved: usdc('16'), positionCost: usdc('14') });
    const converged = await ledgerRows(db);
    await w.sync();
    expect(await ledgerRows(db)).toEqual(converged);
  });

  it('INV-30: the daily budget of a brand-new strategy resets at UTC midnight, not a moment before', async () => {
    w = await createLtWorld({ settings: { daily_budget_usd: '15' } });
    const signal = async (at: string) => {
      w.ft.clock.set(at);
      await w.buySignal({ price: 0.5 });
      return w.execute();
    };
    expect(await signal('2026-03-01T23:59:58Z')).toMatchObject({ ordered: 1 });
    expect(await signal('2026-03-01T23:59:59.999Z')).toMatchObject({ ordered: 0, skipped: 1 });
    expect(await signal('2026-03-02T00:00:00Z')).toMatchObject({ ordered: 1 });
    expect(await signal('2026-03-02T00:00:01Z')).toMatchObject({ ordered: 0, skipped: 1 });
    expect(await skips()).toEqual(Array.from({ length: 2 }, () => ({ rule: 'daily_budget', limit: '15.000000', observed: '20.000000' })));
    expect(await w.checkLedger()).toMatchObject({ reserved: usdc('20') }); // yesterday's order still rests and still counts as exposure
  });

  it('INV-30: the daily loss of a brand-new strategy resets at UTC midnight', async () => {
    w = await createLtWorld({ settings: { max_daily_loss_usd: '5' } });
    w.ft.clock.set('2026-03-01T23:50:00Z');
    w.asks([['0.50', '20']]);
    await w.buySignal({ price: 0.5, size: 100 });
    await w.execute();
    w.bids([['0.20', '20']]);
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.2, size: 100 }); // 20 shares bought for $10 sold for $4
    await w.execute();
    expect(await w.checkLedger()).toMatchObject({ realizedPnl: usdc('-6') });
    w.ft.clock.set('2026-03-01T23:59:59Z');
    await w.buySignal({ price: 0.5 });
    expect(await w.execute()).toMatchObject({ ordered: 0, skips: [expect.objectContaining({ rule: 'daily_loss', limit: '5.000000', observed: '6.000000' })] });
    w.ft.clock.set('2026-03-02T00:00:00Z');
    await w.buySignal({ price: 0.5 });
    expect(await w.execute()).toMatchObject({ ordered: 1, skipped: 0 });
  });

  it('INV-30: the drawdown breaker has no timed reset (not midnight, stop, relaunch or a deposit); it clears only when equity recovers within the limit', async () => {
    w = await createLtWorld({ settings: { starting_capital: '100', max_drawdown_pct: '10' }, wallet: { bet_size: '40', max_bet: '40' } });
    const deps = { db: w.ft.t.db, clock: w.ft.clock };
    w.asks([['0.25', '160'], ['0.50', '80']]);
    await w.buySignal({ price: 0.25, proxyWallet: ALICE }); // 160 shares for $40
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5, proxyWallet: BOB }); // 80 shares for $40
    await w.execute();
    w.bids([['0.30', '80']]);
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.3, size: 1000, proxyWallet: BOB }); // $24 for $40: equity 84, 16% under the peak of 100
    await w.execute();
    const denied = async () => {
      w.ft.clock.advance(1000);
      await w.buySignal({ price: 0.5, proxyWallet: BOB });
      return (await w.execute()).skips.map((s) => [s.rule, s.observed]);
    };
    expect(await denied()).toEqual([['drawdown', '0.160000']]);
    w.ft.clock.set('2026-03-02T00:00:01Z');
    expect(await denied()).toEqual([['drawdown', '0.160000']]);
    expect((await stopLtStrategy(deps, w.userId, w.strategyId)).ok).toBe(true);
    expect((await launchLtStrategy(deps, w.userId, w.strategyId)).ok).toBe(true);
    // A deposit scales the peak with the equity, so it hides no loss
    expect((await depositLtCapital(deps, w.userId, w.strategyId, { amount: '50' })).ok).toBe(true);
    expect((await denied()).map(([rule]) => rule)).toEqual(['drawdown']);
    // ALICE sells: 160 shares at 0.40 bring $64 for $40; equity is back within 10% of the peak and entries resume
    w.bids([['0.40', '160']]);
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.4, size: 1000, proxyWallet: ALICE });
    await w.execute();
    w.asks([['0.50', '80']]);
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5, proxyWallet: BOB });
    expect(await w.execute()).toMatchObject({ ordered: 1, skipped: 0 });
  });

  it('INV-30: a pause (the manual breaker) survives midnight, stop and relaunch; only resume lifts it', async () => {
    w = await createLtWorld();
    const deps = { db: w.ft.t.db, clock: w.ft.clock };
    await pauseLtStrategy(deps, w.userId, w.strategyId, 'operator');
    w.ft.clock.set('2026-03-02T00:00:01Z');
    await w.buySignal({ price: 0.5 });
    expect((await w.execute()).skips.map((s) => s.rule)).toEqual(['paused']);
    expect((await stopLtStrategy(deps, w.userId, w.strategyId)).ok).toBe(true);
    expect(await launchLtStrategy(deps, w.userId, w.strategyId)).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect((await resumeLtStrategy(deps, w.userId, w.strategyId)).ok).toBe(true);
    expect((await launchLtStrategy(deps, w.userId, w.strategyId)).ok).toBe(true);
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.5 });
    expect(await w.execute()).toMatchObject({ ordered: 1 });
  });
});
