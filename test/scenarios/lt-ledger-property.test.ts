/**
 * The capital invariants under seeded random command sequences (INV-17) and under reserve, resolve and reconcile
 * running concurrently in a seeded random order (INV-18). On PostgreSQL the concurrent runs really overlap
 */
import { afterEach, describe, expect, it } from 'vitest';
import { equityOf, lockedOf } from '../../src/domain/ledger.ts';
import { costOf, price, ratio, shares, usdc, type Price } from '../../src/domain/money.ts';
import { Prng } from '../../src/domain/prng.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { recoverLt } from '../../src/engine/lt-recovery.ts';
import { resolveLt } from '../../src/engine/lt-resolve.ts';
import { cancelOpenLtOrders, syncLtOrders } from '../../src/engine/lt-tracker.ts';
import type { Db, Sql } from '../../src/store/db.ts';
import type { OrderSide, Venue } from '../../src/engine/venue-port.ts';
import { market } from '../support/ft-world.ts';
import { backendName } from '../support/test-db.ts';
import { ACCOUNT, CID, createLtWorld, MAKER, NO, YES, type LtWorld } from '../support/lt-world.ts';

const OPEN = ['pending', 'unknown', 'open', 'partially_filled'];
const START = usdc('1000');

/**
 * Commitments derived from order state alone: an open BUY still reserves limit × size less what its fills cost;
 * held cost is what the fills bought less the cost basis that sales and settlements took out
 */
async function derivedCommitments(db: Sql): Promise<{ reserved: bigint; held: bigint }> {
  const orders = await db.query<{ order_id: string; side: OrderSide; status: string; size: string; limit_price: string }>(
    'SELECT order_id, side, status, size::text, limit_price::text FROM orders WHERE NOT is_shadow');
  const fills = await db.query<{ order_id: string; size: string; price: string }>(
    `SELECT f.order_id, f.size::text, f.price::text FROM fills f JOIN orders o ON o.order_id = f.order_id WHERE o.side = 'BUY'`);
  const cost = new Map<string, bigint>();
  for (const f of fills) cost.set(f.order_id, (cost.get(f.order_id) ?? 0n) + costOf(shares(f.size), price(f.price)));
  let reserved = 0n;
  for (const o of orders.filter((x) => x.side === 'BUY' && OPEN.includes(x.status))) {
    const left = costOf(shares(o.size), price(o.limit_price) as Price) - (cost.get(o.order_id) ?? 0n);
    if (left > 0n) reserved += left;
  }
  const [basis] = await db.query<{ total: string }>(`SELECT coalesce(sum(cost_basis), 0)::text AS total FROM ledger_entries
    WHERE kind IN ('sell_fill', 'settlement') AND book = 'live'`);
  const bought = [...cost.values()].reduce((a, b) => a + b, 0n);
  return { reserved, held: bought - usdc(basis!.total) };
}

/** INV-17 after a command: locked is the derived commitments, the identity holds, refs are unique, nothing released twice */
async function assertInvariants(w: LtWorld, where: string): Promise<void> {
  const b = await w.checkLedger(); // conservation, per-order reservations, Σ realized of the orders
  const d = await derivedCommitments(w.ft.t.db);
  expect({ reserved: b.reserved, held: b.positionCost }, where).toEqual(d);
  expect(lockedOf(b), where).toBe(d.reserved + d.held);
  expect(b.netDeposits, where).toBe(START);
  expect(equityOf(b), where).toBe(START + b.realizedPnl);
  const db = w.ft.t.db;
  expect(await db.query(`SELECT kind, ref FROM ledger_entries GROUP BY user_id, strategy_id, book, kind, ref
    HAVING count(*) > 1`), where).toEqual([]);
  expect(await db.query(`SELECT order_id FROM ledger_entries WHERE order_id IS NOT NULL GROUP BY order_id
    HAVING count(*) FILTER (WHERE kind = 'release') > 1 + count(*) FILTER (WHERE kind = 'reserve' AND ref LIKE 'reopen:%')`),
  where).toEqual([]);
}

/** The maker takes from the book with a FAK; nothing to take is no error here */
function makerTakes(w: LtWorld, tokenId: string, side: OrderSide, p: string, size: number): void {
  w.exchange.place({ orderId: `mt-${Math.random().toString(36).slice(2)}`, account: MAKER, tokenId, side, price: price(p),
    size: shares(String(size)), orderType: 'FAK' });
}

const PRICES = ['0.40', '0.45', '0.50', '0.55'];
const TTL = 300;

type Command = (w: LtWorld, r: Prng) => Promise<string>;
const COMMANDS: [number, Command][] = [
  [4, async (w, r) => {
    const p = r.pick(PRICES);
    await w.buySignal({ price: Number(p), size: r.int(20, 200) });
    await w.execute();
    return `buy signal at ${p}`;
  }],
  [2, async (w, r) => (w.asks([[r.pick(PRICES), String(r.int(5, 40))]]), 'maker asks')],
  // A maker selling at 0.40 reaches every resting bid (at the bid's price), one buying at 0.55 every offer
  [3, async (w, r) => (makerTakes(w, YES, 'SELL', '0.40', r.int(10, 80)), 'maker sells into the bids')],
  [1, async (w, r) => (makerTakes(w, YES, 'BUY', '0.55', r.int(10, 80)), 'maker buys the offers')],
  [3, async (w) => (await w.sync(), 'sync')],
  [1, async (w) => (w.ft.clock.advance(TTL * 1000), await w.sync(), 'TTL cancels')],
  [1, async (w) => (await cancelOpenLtOrders(w.deps, { userId: w.userId }), 'cancel open orders')],
  [2, async (w, r) => {
    const p = r.pick(PRICES);
    w.bids([[p, String(r.int(10, 60))]]);
    await w.sellSignal({ price: Number(p), size: r.int(50, 400) });
    await w.execute();
    return `exit signal at ${p}`;
  }],
];

function pickCommand(r: Prng): Command {
  let roll = r.int(1, COMMANDS.reduce((n, [weight]) => n + weight, 0));
  for (const [weight, command] of COMMANDS) if ((roll -= weight) <= 0) return command;
  throw new Error('unreachable');
}

/** Ends a sequence: the market resolves at the venue and in Gamma, the tracker and settlement run, cooldown passes */
async function resolveAll(w: LtWorld, r: Prng, finalize: (payouts: [bigint, bigint]) => Promise<void>): Promise<void> {
  await finalize(r.chance(0.5) ? [1_000000n, 0n] : [0n, 1_000000n]);
  for (const [name, step] of [['sync', () => w.sync()], ['settle', () => w.resolve()]] as const) {
    await step();
    await assertInvariants(w, name);
  }
  w.ft.clock.advance(3_600_000);
  await w.resolve();
  await assertInvariants(w, 'redeem');
  expect(await w.checkLedger()).toMatchObject({ reserved: 0n, positionCost: 0n, cooldown: 0n });
}

/** A market of its own for each round: n in 2..9 gives condition 0xnnnn… and tokens n001 / n002 */
function addMarket(w: LtWorld, n: number): { cid: string; yes: string; no: string } {
  const m = { cid: '0x' + String(n).repeat(64), yes: `${n}001`, no: `${n}002` };
  w.ft.markets.setMarket(market({ conditionId: m.cid, tokenIds: [m.yes, m.no], question: `Market ${n}?`, slug: `m${n}` }));
  w.exchange.addMarket({
    conditionId: m.cid, question: `Market ${n}?`, slug: `m${n}`, tokens: [{ tokenId: m.yes, outcome: 'Yes' }, { tokenId: m.no, outcome: 'No' }],
    tickSize: 10_000n, minSize: shares('5'), negRisk: false, fee: { rate: ratio('0'), exponent: 1 }, acceptingOrders: true,
    endTime: null, closed: false, payouts: null,
  });
  w.exchange.credit(MAKER, m.yes, usdc('1000000'));
  return m;
}

async function finalize(w: LtWorld, cid: string, tokens: [string, string], payouts: [bigint, bigint]): Promise<void> {
  w.ft.markets.setMarket(market({ conditionId: cid, tokenIds: tokens, closed: true, resolutionStatus: 'resolved',
    outcomePrices: payouts, closedTime: w.ft.clock.now() }));
  await w.ft.resolve();
  w.exchange.resolve(cid, payouts);
}

function shuffled<T>(r: Prng, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

type Op = () => Promise<{ errors: unknown[] } | { sync: { errors: unknown[] } }>;
const errorsOf = (r: Awaited<ReturnType<Op>>): unknown[] => ('sync' in r ? r.sync.errors : r.errors);

describe(`LT ledger under random commands and concurrency (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it.each([7, 19, 13, 31])('INV-17: seed %i: after every command of a random sequence, locked = Σ open commitments and available + locked + cooldown = net deposits + realized', async (seed) => {
    const r = new Prng(seed);
    w = await createLtWorld({ settings: { order_ttl_seconds: TTL, cooldown_seconds: 600 } });
    const log: string[] = [];
    for (let step = 0; step < 40; step++) {
      w.ft.clock.advance(r.int(1, 20) * 1000);
      log.push(await pickCommand(r)(w, r));
      await assertInvariants(w, `seed ${seed}, step ${step}: ${log.join(' → ')}`);
    }
    expect(log.filter((c) => c.startsWith('buy')).length).toBeGreaterThan(3);
    const [n] = await w.ft.t.db.query<{ fills: number }>('SELECT count(*)::int AS fills FROM fills');
    expect(n!.fills).toBeGreaterThan(0); // the sequence really traded
    await resolveAll(w, r, (payouts) => finalize(w, CID, [YES, NO], payouts));
  }, 120_000);

  it('INV-17: an entry sold out while its BUY still rests, then filled again, keeps its settlement P&L (orders and ledger agree)', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '10']]);
    await w.buySignal({ price: 0.5 });
    await w.execute(); // 10 of 20 shares; 10 still bid for
    w.bids([['0.50', '10']]);
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.5, size: 1000 });
    await w.execute(); // the exit sells all 10 held, at cost
    w.takeFromMaker('SELL', '0.50', '10'); // the entry's resting remainder fills: 10 held again for $5
    await w.sync();
    await resolveAll(w, new Prng(1), async () => finalize(w, CID, [YES, NO], [1_000000n, 0n]));
    expect(await w.checkLedger()).toMatchObject({ realizedPnl: usdc('5') });
    expect((await w.orders()).map((o) => [o.leg === 'entry' ? 'entry' : 'exit', o.outcome, o.realized_pnl]))
      .toEqual([['entry', 'WON', '5.000000'], ['exit', 'SOLD', '0.000000']]);
  });

  it.each([3, 11, 42])('INV-18: seed %i: executors, settlement, the tracker and recovery run concurrently in a shuffled order; every invariant holds and nothing is released twice', async (seed) => {
    const r = new Prng(seed);
    w = await createLtWorld({ settings: { order_ttl_seconds: TTL, cooldown_seconds: 0 } });
    const markets: ReturnType<typeof addMarket>[] = [];
    for (let round = 0; round < 5; round++) {
      if (round < 4) markets.push(await openRound(w, r, round + 2));
      const previous = markets[round - 1];
      if (previous) {
        makerTakes(w, previous.yes, 'SELL', r.pick(PRICES), r.int(5, 40)); // fills land while nobody watches
        await finalize(w, previous.cid, [previous.yes, previous.no], r.chance(0.5) ? [1_000000n, 0n] : [0n, 1_000000n]);
      }
      const ops: Op[] = [() => executeLt(w.deps), () => executeLt(w.deps), () => syncLtOrders(w.deps), () => syncLtOrders(w.deps),
        () => resolveLt(w.deps), () => resolveLt(w.deps), () => recoverLt(w.deps)];
      const reports = await Promise.all(shuffled(r, ops).map((op) => op()));
      expect(reports.flatMap(errorsOf), `round ${round}`).toEqual([]);
      await assertInvariants(w, `seed ${seed}, round ${round}`);
    }
    await Promise.all([syncLtOrders(w.deps), resolveLt(w.deps), syncLtOrders(w.deps), resolveLt(w.deps)]);
    await w.sync();
    await w.resolve();
    await assertInvariants(w, 'settled');
    expect(await w.checkLedger()).toMatchObject({ reserved: 0n, positionCost: 0n, cooldown: 0n });
    const [n] = await w.ft.t.db.query<{ settled: number }>(`SELECT count(*)::int AS settled FROM ledger_entries WHERE kind = 'settlement'`);
    expect(n!.settled).toBeGreaterThan(0);
  }, 120_000);

  it('INV-18: recovery never releases an intent that was prepared and sent after recovery listed it as pending', async () => {
    w = await createLtWorld();
    await w.buySignal({ price: 0.5 });
    const listed = deferred();
    const sent = deferred();
    const venue: Venue = {
      ...w.venue,
      prepare: async (req) => (await listed.promise, w.venue.prepare(req)),
      submit: async (p) => {
        const out = await w.venue.submit(p);
        sent.resolve();
        return out;
      },
    };
    const db = w.ft.t.db;
    let gated = false;
    const recoveryDb: Db = {
      ...db,
      query: async <T,>(text: string, params?: unknown[]) => {
        const rows = await db.query<T>(text, params);
        if (!gated && /WHERE status = 'pending'/.test(text)) {
          gated = true;
          listed.resolve(); // recovery has its list: now the executor prepares and sends
          await sent.promise;
        }
        return rows;
      },
    };
    const executing = executeLt({ ...w.deps, venue });
    while ((await w.orders()).length === 0) await new Promise((res) => setTimeout(res, 10));
    const [execution, recovery] = await Promise.all([executing, recoverLt({ ...w.deps, db: recoveryDb })]);
    expect(execution).toMatchObject({ ordered: 1, errors: [] });
    expect(recovery).toMatchObject({ pendingUnsent: 0 });
    expect(w.exchange.openOrders(ACCOUNT)).toHaveLength(1); // the order is live at the venue
    await w.sync();
    expect((await w.orders())[0]).toMatchObject({ status: 'open' });
    await assertInvariants(w, 'after recovery');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: usdc('10') });
  });
});

/** A new market with partial liquidity and three signals on it */
async function openRound(w: LtWorld, r: Prng, n: number): Promise<ReturnType<typeof addMarket>> {
  const m = addMarket(w, n);
  w.exchange.place({ orderId: `ask-${n}`, account: MAKER, tokenId: m.yes, side: 'SELL', price: price(r.pick(PRICES)),
    size: shares(String(r.int(5, 40))), orderType: 'GTC' });
  for (let i = 0; i < 3; i++) {
    w.ft.clock.advance(1000);
    await w.buySignal({ conditionId: m.cid, asset: m.yes, price: Number(r.pick(PRICES)), size: r.int(20, 200), title: `Market ${n}?` });
  }
  return m;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => (resolve = res));
  return { promise, resolve };
}

