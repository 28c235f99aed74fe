/**
 * Crash recovery with a real process kill: the LT executor runs in a child process (test/crash/child.ts) on the real
 * Polymarket adapter against the loopback simulator, which lives here and keeps the venue's state across the child's
 * deaths. At each injection point the child SIGKILLs itself; a new child (recovery on start, then the usual jobs) must
 * bring the database to the venue's state: one row per venue order, the venue's statuses and filled sizes, each fill
 * booked once, reservations of finished orders released, each position settled once and capital conserved
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConserved } from '../../src/domain/ledger.ts';
import { isTerminal, type LtOrderStatus } from '../../src/domain/lt-order.ts';
import { price, SCALE, shares, usdc } from '../../src/domain/money.ts';
import { ManualClock, systemClock } from '../../src/engine/clock.ts';
import { ingestTrades } from '../../src/engine/ft-engine.ts';
import { resolveFtMarkets } from '../../src/engine/ft-resolve.ts';
import type { CrashPoint } from '../../src/engine/lt-hooks.ts';
import { createLtStrategy, launchLtStrategy } from '../../src/engine/lt-strategies.ts';
import { normalizeTradeRecords } from '../../src/feeds/data-api-record.ts';
import { createStaticMarketSource } from '../../src/feeds/file-sources.ts';
import { noScorer } from '../../src/feeds/scorer.ts';
import { openPglite, type Db } from '../../src/store/db.ts';
import { balancesOf, orderLedgerOf } from '../../src/store/ledger-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createUser } from '../../src/store/user-store.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { parseFtWallet } from '../../src/domain/ft-wallet.ts';
import type { SimOrder } from '../../src/sim/exchange/exchange-types.ts';
import { COLLATERAL } from '../../src/sim/exchange/ledger.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { finalMarket } from '../support/lt-world.ts';
import { CID, copyAll, market, NO, record, YES } from '../support/ft-world.ts';
import { compileTestScript } from '../support/compiled.ts';
import { startCpuHog, type CpuHog } from '../support/cpu-hog.ts';
import { backendName, openTestDb, TEST_DATABASE_URL, type TestDb } from '../support/test-db.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = join(ROOT, 'test/crash/child.ts');
/**
 * Not a guess at how long a child takes: a child's own loops and HTTP calls are bounded, so it always exits on its own.
 * This only turns a hung child into a failure (instead of a hung suite), far above any run seen on a loaded machine
 */
const CHILD_HANG_MS = 240_000;
/** The test bound: two children at worst, each below CHILD_HANG_MS */
const TEST_MS = 2 * CHILD_HANG_MS + 60_000;
const TAKER = 'crash-test-taker';
/** CHILD compiled, its src/ imports pointing at dist/ (the child then runs without transpiling) */
let compiledChild: string;

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  events: Record<string, unknown>[];
  stderr: string;
  ms: number;
}

let sim: SimServer;
let hog: CpuHog;
let pg: TestDb | null = null;
let dataDir: string | null = null;
let account: string;
let privateKey: `0x${string}`;
let userId: string;
let strategyId: string;
const children = new Set<ChildProcess>();
const timings: string[] = [];

/** PostgreSQL stays open (many clients); a PGlite data directory is opened only while no child holds it */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  if (pg) return fn(pg.db);
  const db = await openPglite(dataDir!);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function runChild(point: CrashPoint | null): Promise<ChildRun> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = {
    ...process.env, CRASH_SIM_URL: sim.url, CRASH_PRIVATE_KEY: privateKey, CRASH_POINT: point ?? '',
    CRASH_DATABASE_URL: pg?.url ?? '', CRASH_DATA_DIR: dataDir ?? '',
  };
  const child = spawn(process.execPath, [compiledChild], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((done) => {
    let hung = false;
    const timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, CHILD_HANG_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (hung) stderr += `\n[test] the child did not exit within ${CHILD_HANG_MS} ms and was killed by the test`;
      children.delete(child);
      const events = out.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const ms = Date.now() - started;
      timings.push(`${point ?? 'recover'}: ${ms} ms`);
      if (process.env.CRASH_DEBUG) console.log(events.map((e) => `${e.step}@${e.ms}`).join(' '));
      done({ code, signal, events, stderr, ms });
    });
  });
}

/** The child with a crash point must die by SIGKILL at that point; the next one must recover and finish */
async function crashAndRecover(point: CrashPoint, atCrash: () => Promise<void>): Promise<ChildRun> {
  const crashed = await runChild(point);
  expect(crashed.signal, `child at ${point}: ${crashed.stderr.slice(-2000)} ${JSON.stringify(crashed.events)}`).toBe('SIGKILL');
  expect(crashed.events.at(-1)).toMatchObject({ step: 'crash', point });
  await atCrash();
  const recovered = await runChild(null);
  expect(recovered.code, `recovery child: ${recovered.stderr.slice(-2000)} ${JSON.stringify(recovered.events)}`).toBe(0);
  expect(recovered.events.at(-1)).toMatchObject({ step: 'closed' });
  expect(recovered.events.at(-2)).toMatchObject({ step: 'done', quiet: true });
  for (const e of recovered.events) expect(e.errors ?? [], JSON.stringify(e)).toEqual([]);
  expect(recovered.events.find((e) => e.step === 'recovery')).toMatchObject({ unexplained: [] });
  return recovered;
}

/** The mirrored trader's trade, now: an FT paper order, so an LT signal */
async function signalIn(db: Db, over: Record<string, unknown>): Promise<void> {
  const deps = { db, markets: createStaticMarketSource([market()]), scorer: noScorer, clock: systemClock };
  const trade = record({ timestamp: Math.floor(Date.now() / 1000), ...over });
  const report = await ingestTrades(deps, normalizeTradeRecords([trade]), 'test');
  expect(report.newTrades).toBe(1);
}

const signal = (over: Record<string, unknown>): Promise<void> => withDb((db) => signalIn(db, over));

interface OrderRow {
  order_id: string;
  venue_order_id: string | null;
  status: LtOrderStatus;
  side: string;
  token_id: string;
  size: string;
  filled_size: string;
  prepared: boolean;
  fill_size: string;
  fill_count: number;
  buy_fills: number;
}

const ordersOf = (db: Db) => db.query<OrderRow>(`SELECT o.order_id, o.venue_order_id, o.status, o.side, o.token_id, o.size::text,
  o.filled_size::text, o.payload IS NOT NULL AS prepared,
  (SELECT coalesce(sum(f.size), 0)::text FROM fills f WHERE f.order_id = o.order_id) AS fill_size,
  (SELECT count(*)::int FROM fills f WHERE f.order_id = o.order_id) AS fill_count,
  (SELECT count(*)::int FROM ledger_entries e WHERE e.order_id = o.order_id AND e.kind = 'buy_fill') AS buy_fills
  FROM orders o ORDER BY o.intent_at`);

const newest = async (db: Db): Promise<OrderRow> => (await ordersOf(db)).at(-1)!;

/** Every order of our account the venue has seen: resting ones and those in our trades (taker or maker leg) */
function venueOrders(): Map<string, SimOrder> {
  const ids = new Set(sim.exchange.openOrders(account).map((o) => o.orderId));
  for (const t of sim.exchange.trades(account)) {
    if (t.takerAccount === account) ids.add(t.takerOrderId);
    for (const m of t.makers) if (m.account === account) ids.add(m.orderId);
  }
  return new Map([...ids].map((id) => [id.toLowerCase(), sim.exchange.order(id)!]));
}

const VENUE_STATUS: Record<string, LtOrderStatus[]> = {
  matched: ['filled'], live: ['open', 'partially_filled'], cancelled: ['cancelled'], expired: ['expired'],
};

/** The database equals the venue: one row per venue order, same status and filled size, fills booked once, capital conserved */
async function expectConverged(): Promise<OrderRow[]> {
  return withDb(async (db) => {
    const rows = await ordersOf(db);
    const venue = venueOrders();
    for (const [id, v] of venue) {
      const mine = rows.filter((r) => r.venue_order_id?.toLowerCase() === id);
      expect(mine, `venue order ${id} has exactly one row`).toHaveLength(1);
      const row = mine[0]!;
      expect(VENUE_STATUS[v.status], `status of ${id}`).toContain(row.status);
      expect(shares(row.filled_size), `filled size of ${id}`).toBe(v.sizeMatched);
      expect(shares(row.fill_size), `Σ fills of ${id} = venue matched size`).toBe(v.sizeMatched);
      if (row.side === 'BUY') expect(row.buy_fills, `one buy_fill per fill of ${id}`).toBe(row.fill_count);
    }
    for (const row of rows) {
      // A row the venue does not know was never sent: refused before the venue and released
      if (!row.venue_order_id || !venue.has(row.venue_order_id.toLowerCase())) {
        expect(row.status, `order ${row.order_id} unknown to the venue`).toBe('rejected');
        expect(shares(row.fill_size)).toBe(0n);
      }
      expect(isTerminal(row.status) || row.status === 'open' || row.status === 'partially_filled', `order ${row.order_id}: ${row.status}`).toBe(true);
      if (isTerminal(row.status)) expect((await orderLedgerOf(db, row.order_id)).reserved, `reservation of ${row.order_id}`).toBe(0n);
    }
    const b = await balancesOf(db, userId, strategyId, 'live');
    expect(isConserved(b), 'available + locked + cooldown = net deposits + realized').toBe(true);
    expect(b.netDeposits).toBe(usdc('1000'));
    const [pnl] = await db.query<{ total: string }>(`SELECT coalesce(sum(realized_pnl), 0)::text AS total FROM lt_order_facts
      WHERE user_id = $1 AND strategy_id = $2`, [userId, strategyId]);
    expect(usdc(pnl!.total), 'Σ realized P&L of orders = ledger realized P&L').toBe(b.realizedPnl);
    return rows;
  });
}

/** Before resolution: the shares the venue holds for us per token equal what the filled BUY orders bought */
function expectSharesMatchVenue(rows: OrderRow[]): void {
  for (const token of [YES, NO]) {
    const bought = rows.filter((r) => r.side === 'BUY' && r.token_id === token).reduce((s, r) => s + shares(r.filled_size), 0n);
    expect(sim.exchange.balance(account, token).total, `shares of ${token} at the venue`).toBe(bought);
  }
}

beforeAll(async () => {
  compiledChild = await compileTestScript(CHILD);
  hog = startCpuHog();
  sim = await startSimServer({ port: 0, host: '127.0.0.1', markets: [], fund: '10000', mineAfterMs: 0, confirmAfterMs: 0 });
  sim.addMarket({ question: 'Will it rain in Paris?', slug: 'rain-paris', conditionId: CID, tokenIds: [YES, NO], tickSize: '0.01', minSize: '5' });
  sim.seedBook(YES, [['0.40', '1000']], [['0.50', '1000']]);
  privateKey = generatePrivateKey();
  account = privateKeyToAccount(privateKey).address.toLowerCase();
  if (TEST_DATABASE_URL) pg = await openTestDb();
  else dataDir = mkdtempSync(join(tmpdir(), 'tandem-crash-'));
  await withDb(async (db) => {
    if (!pg) await migrate(db);
    const launchClock = new ManualClock(new Date(Date.now() - 60_000).toISOString());
    await insertWallet(db, parseFtWallet(copyAll(), launchClock.now()));
    const { user } = await createUser(db, 'crash');
    userId = user.userId;
    const created = await createLtStrategy({ db, clock: launchClock }, userId, {
      ft_wallet_id: 'FT_COPY_ALL', starting_capital: '1000', wallet_address: account, max_signal_age_seconds: 600,
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    strategyId = created.value.strategyId;
    const launched = await launchLtStrategy({ db, clock: launchClock }, userId, strategyId);
    if (!launched.ok) throw new Error(JSON.stringify(launched.error));
  });
}, 180_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await hog?.stop();
  console.log(`crash test timings (${backendName}, ${hog?.count ?? 0} CPU hogs): ${timings.join(', ')}`);
  await sim?.close();
  await pg?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (compiledChild) rmSync(compiledChild, { force: true });
});

describe(`LT crash recovery with a SIGKILLed child process (${backendName})`, () => {
  it('after_intent: the intent committed but never sent is released, and nothing reaches the venue', async () => {
    await signal({ price: 0.5 });
    await crashAndRecover('after_intent', () => withDb(async (db) => {
      const o = await newest(db);
      expect(o).toMatchObject({ status: 'pending', prepared: false, venue_order_id: null });
      expect((await orderLedgerOf(db, o.order_id)).reserved).toBeGreaterThan(0n);
      expect(venueOrders().size).toBe(0);
    }));
    const rows = await expectConverged();
    expect(rows.map((r) => r.status)).toEqual(['rejected']);
    expect(venueOrders().size).toBe(0);
  }, TEST_MS);

  it('after_submit: the venue filled the order but the answer was never stored; recovery books it once', async () => {
    await signal({ price: 0.5 });
    await crashAndRecover('after_submit', () => withDb(async (db) => {
      const o = await newest(db);
      expect(o).toMatchObject({ status: 'pending', prepared: true, fill_count: 0 });
      expect(sim.exchange.order(o.venue_order_id!)).toMatchObject({ status: 'matched' });
      // For the next case: a BUY of NO that rests (NO has no asks), placed by the recovering child
      await signalIn(db, { price: 0.4, asset: NO, outcome: 'No', outcomeIndex: 1 });
    }));
    const rows = await expectConverged();
    expect(rows.map((r) => r.status)).toEqual(['rejected', 'filled', 'open']);
    expect(venueOrders().size).toBe(2);
    expectSharesMatchVenue(rows);
  }, TEST_MS);

  it('after_fill: a fill read from the venue but not booked is booked once after the restart', async () => {
    // A taker sells into the resting BUY of NO while no executor runs
    const resting = await withDb(newest);
    expect(resting).toMatchObject({ status: 'open', fill_count: 0, token_id: NO });
    sim.exchange.credit(TAKER, NO, shares(resting.size));
    const taken = sim.exchange.place({ orderId: 'crash-take-1', account: TAKER, tokenId: NO, side: 'SELL', price: price('0.01'),
      size: shares(resting.size), orderType: 'FAK' });
    expect(taken).toMatchObject({ ok: true });
    expect(sim.exchange.order(resting.venue_order_id!)).toMatchObject({ status: 'matched' });
    await crashAndRecover('after_fill', () => withDb(async (db) => {
      const o = (await ordersOf(db)).find((r) => r.order_id === resting.order_id)!;
      expect(o).toMatchObject({ status: 'open', fill_count: 0, filled_size: '0.000000' });
    }));
    const rows = await expectConverged();
    expect(rows.map((r) => r.status)).toEqual(['rejected', 'filled', 'filled']);
    expect(venueOrders().size).toBe(2);
    expectSharesMatchVenue(rows);
  }, TEST_MS);

  it('mid_settlement, then after_redeem_send: each position settles once, and the winner is redeemed by one transaction, booked once', async () => {
    sim.exchange.resolve(CID, [SCALE, 0n]);
    await withDb(async (db) => {
      await resolveFtMarkets({ db, markets: createStaticMarketSource([finalMarket([SCALE, 0n])]), clock: systemClock });
    });
    const settlements = (db: Db) => db.query<{ order_id: string; n: number; redeemed: number }>(`SELECT order_id,
      count(*) FILTER (WHERE kind = 'settlement')::int AS n, count(*) FILTER (WHERE kind = 'redemption')::int AS redeemed
      FROM ledger_entries WHERE kind IN ('settlement', 'redemption') GROUP BY order_id`);
    const crashed = await runChild('mid_settlement');
    expect(crashed.signal, crashed.stderr.slice(-2000)).toBe('SIGKILL');
    await withDb(async (db) => {
      const rows = await settlements(db);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ n: 1, redeemed: 0 });
    });
    const collateral = sim.exchange.balance(account, COLLATERAL).total;
    const won = sim.exchange.balance(account, YES).total;
    expect(won).toBeGreaterThan(0n); // held at the venue, unpaid, until redeemed
    // The next child settles the other position, sends the redemption and dies before reading its receipt
    await crashAndRecover('after_redeem_send', () => withDb(async (db) => {
      expect(sim.rpc.redemptions).toEqual([expect.objectContaining({ ok: true, paid: won })]);
      const [r] = await db.query<{ state: string; tx_hash: string }>(`SELECT state, tx_hash FROM lt_redemptions`);
      expect(r).toMatchObject({ state: 'redeeming', tx_hash: sim.rpc.redemptions[0]!.hash });
      expect((await settlements(db)).every((s) => s.redeemed === 0)).toBe(true);
    }));
    expect(sim.rpc.redemptions).toHaveLength(1); // the restart found it by hash: no second transaction
    expect(sim.exchange.balance(account, COLLATERAL).total - collateral).toBe(won);
    expect(sim.exchange.balance(account, YES).total).toBe(0n);
    const rows = await expectConverged();
    await withDb(async (db) => {
      const filled = rows.filter((r) => r.status === 'filled').map((r) => r.order_id).sort();
      const settled = await settlements(db);
      expect(settled.map((s) => s.order_id).sort()).toEqual(filled);
      const outcomes = await db.query<{ token_id: string; outcome: string }>(`SELECT o.token_id, l.outcome FROM lt_order_facts l
        JOIN orders o ON o.order_id = l.order_id WHERE o.status = 'filled' ORDER BY o.token_id`);
      expect(outcomes).toEqual([{ token_id: YES, outcome: 'WON' }, { token_id: NO, outcome: 'LOST' }]);
      // The winner is redeemed once; the loser pays nothing and needs no redemption
      const winner = rows.find((r) => r.status === 'filled' && r.token_id === YES)!.order_id;
      for (const s of settled) expect(s).toMatchObject({ n: 1, redeemed: s.order_id === winner ? 1 : 0 });
      const b = await balancesOf(db, userId, strategyId, 'live');
      expect(b).toMatchObject({ reserved: 0n, positionCost: 0n, cooldown: 0n });
      expect(b.available).toBe(usdc('1000') + b.realizedPnl);
    });
  }, TEST_MS);
});
