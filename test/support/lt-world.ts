/** An LT test world: the FT world plus a user, a launched LT strategy, a simulated exchange and venue with a seeded book, and ledger checks */
import { expect } from 'vitest';
import type { Balances } from '../../src/domain/ledger.ts';
import { isConserved } from '../../src/domain/ledger.ts';
import { costOf, price, ratio, shares, usdc, type Price, type Shares } from '../../src/domain/money.ts';
import { executeLt, type LtExecutorDeps } from '../../src/engine/lt-executor.ts';
import { resolveLt } from '../../src/engine/lt-resolve.ts';
import { createLtStrategy, launchLtStrategy } from '../../src/engine/lt-strategies.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { balancesOf, orderLedgerOf, riskTotalsOf, riskTotalsRecomputed } from '../../src/store/ledger-store.ts';
import { openPositions, openPositionsFromFacts } from '../../src/store/position-store.ts';
import { ltOrderCounts, ltOrderCountsFromFacts, qualityOfStrategy, sinceLaunch, sinceLaunchOfLegs } from '../../src/store/comparison-store.ts';
import { ftKeptSums, ftSumsFromFacts } from '../../src/store/ft-sums-store.ts';
import { keptOrderCounts } from '../../src/store/order-counts-model.ts';
import { strategyGap } from '../../src/store/gap-store.ts';
import { keptEquitySeries } from '../../src/store/series-read-model.ts';
import { distributions, equityOfLegs, fillRateBuckets } from '../../src/store/series-store.ts';
import { keptDistributions, keptFillRate } from '../../src/store/charts-read-model.ts';
import { getLtStrategy } from '../../src/store/lt-strategy-store.ts';
import { keptMarkedEquity, keptPositionCount, keptPositionsPage } from '../../src/store/position-model.ts';
import { equityAtMark } from '../../src/domain/metrics/gap.ts';
import { qualityAggregate } from '../../src/store/quality-aggregate-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { COLLATERAL, SimExchange } from '../../src/sim/exchange/exchange.ts';
import { createSimulatedVenue, type SimulatedVenue } from '../../src/sim/exchange/simulated-venue.ts';
import { createSimulatedChain, type SimulatedChain } from '../../src/sim/exchange/sim-chain.ts';
import type { Chain } from '../../src/engine/chain-port.ts';
import type { StatusRead, Venue } from '../../src/engine/venue-port.ts';
import { createShadowVenue } from '../../src/venues/shadow-venue.ts';
import { CID, copyAll, createFtWorld, market, NO, record, YES, type FtWorld } from './ft-world.ts';

export { CID, NO, YES };
export const ACCOUNT = 'tandem';
export const MAKER = 'maker';
export const SIGNER = '0x' + 'c'.repeat(40);

/** Counts venue calls and lets a test hide orders from `orderStatus` (a venue that answers "not found") */
export interface VenueProbe {
  submits: number;
  statusReads: number;
  cancels: number;
  hidden: Set<string>;
  statusError: boolean;
  /** Runs just before a cancel reaches the venue (e.g. a fill that lands first) */
  beforeCancel: (() => void) | null;
}

function probed(inner: SimulatedVenue): { venue: Venue; probe: VenueProbe } {
  const probe: VenueProbe = { submits: 0, statusReads: 0, cancels: 0, hidden: new Set(), statusError: false, beforeCancel: null };
  const venue: Venue = {
    name: inner.name,
    signerAddress: inner.signerAddress,
    marketInfo: (t) => inner.marketInfo(t),
    orderBook: (t) => inner.orderBook(t),
    prepare: (r) => inner.prepare(r),
    submit: (o) => ((probe.submits += 1), inner.submit(o)),
    cancel: (id) => {
      probe.cancels += 1;
      probe.beforeCancel?.();
      return inner.cancel(id);
    },
    orderStatus: async (id): Promise<StatusRead> => {
      probe.statusReads += 1;
      if (probe.statusError) return { kind: 'error', detail: 'HTTP 429' };
      return probe.hidden.has(id) ? { kind: 'not_found' } : inner.orderStatus(id);
    },
    openOrders: () => inner.openOrders(),
    fillsSince: (c) => inner.fillsSince(c),
    availableCollateral: () => inner.availableCollateral(),
    tokenBalance: (t) => inner.tokenBalance(t),
    close: () => inner.close(),
  };
  return { venue, probe };
}

export interface LtWorldOptions {
  /** lt_strategies settings (input form), e.g. { order_type: 'GTD', order_ttl_seconds: 120 } */
  settings?: Record<string, unknown>;
  /** The FT wallet (copy-all with a $10 bet by default) */
  wallet?: Parameters<typeof copyAll>[0];
  feeRate?: string;
  launch?: boolean;
  /** Our account on the exchange (default ACCOUNT); a wallet address lets a JSON-RPC chain redeem for it */
  account?: string;
  /** The venue's market is a neg-risk market (the FT market says so through the market set by the test) */
  negRisk?: boolean;
  /** PGlite on disk in this directory instead of in memory (PostgreSQL runs ignore it) */
  pgliteDataDir?: string;
}

export interface LtWorld {
  ft: FtWorld;
  exchange: SimExchange;
  sim: SimulatedVenue;
  venue: Venue;
  probe: VenueProbe;
  /** Where the live book's winnings are redeemed: the simulated chain over the same exchange and account */
  chain: SimulatedChain;
  deps: LtExecutorDeps & { chain: Chain };
  userId: string;
  /** The user's API bearer token */
  token: string;
  strategyId: string;
  launch(): Promise<void>;
  /** Ingests the trader's BUY (or SELL) of YES at the current clock time */
  buySignal(over?: Record<string, unknown>): Promise<void>;
  sellSignal(over?: Record<string, unknown>): Promise<void>;
  /** The executor, tracker and settlement jobs, each followed by `checkLedger` */
  execute(): ReturnType<typeof executeLt>;
  sync(): ReturnType<typeof syncLtOrders>;
  resolve(): ReturnType<typeof resolveLt>;
  /**
   * The market resolves with these payouts (Yes, No): FT's market turns final (neg-risk as the venue's) and FT resolves
   * it, then the exchange resolves it
   */
  marketResolves(payouts: [bigint, bigint]): Promise<void>;
  /** The maker rests asks / bids on YES */
  asks(levels: [string, string][]): void;
  bids(levels: [string, string][]): void;
  /** The maker sells into (or buys from) our resting orders: a taker order from the maker's account */
  takeFromMaker(side: 'BUY' | 'SELL', p: string, size: string): void;
  /** Asserts the ledger identities and per-order reservations, and returns the balances */
  checkLedger(): Promise<Balances>;
  orders(): Promise<Record<string, unknown>[]>;
  dispositions(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

let seq = 0;

export async function createLtWorld(options: LtWorldOptions = {}): Promise<LtWorld> {
  const ft = await createFtWorld(options.pgliteDataDir ? { pgliteDataDir: options.pgliteDataDir } : {});
  const clock = ft.clock;
  await ft.addWallet(copyAll(options.wallet));
  const exchange = new SimExchange(clock);
  exchange.addMarket({
    conditionId: CID, question: 'Will it rain in Paris?', slug: 'rain-paris',
    tokens: [{ tokenId: YES, outcome: 'Yes' }, { tokenId: NO, outcome: 'No' }], tickSize: 10_000n, minSize: shares('5'),
    negRisk: options.negRisk ?? false, fee: { rate: ratio(options.feeRate ?? '0'), exponent: 1 }, acceptingOrders: true, endTime: null,
    closed: false, payouts: null,
  });
  const account = options.account ?? ACCOUNT;
  exchange.credit(account, COLLATERAL, usdc('100000'));
  for (const asset of [COLLATERAL, YES, NO]) exchange.credit(MAKER, asset, usdc('1000000'));
  const sim = createSimulatedVenue({ exchange, account, clock, sleep: async () => undefined });
  const { venue, probe } = probed(sim);
  const db = ft.t.db;
  const { user, token } = await createUser(db, `u${++seq}`);
  const created = await createLtStrategy({ db, clock }, user.userId, {
    ft_wallet_id: 'FT_COPY_ALL', starting_capital: '1000', wallet_address: SIGNER, ...options.settings,
  });
  if (!created.ok) throw new Error(`create: ${JSON.stringify(created.error)}`);
  const strategyId = created.value.strategyId;
  // Shadow orders read the probed venue's books, so `probe` would see any call that tried to trade
  const chain = createSimulatedChain({ exchange, account });
  const deps = { db, venue, shadowVenue: createShadowVenue(venue, clock), clock, signerAddress: SIGNER, chain };
  const place = (side: 'BUY' | 'SELL', levels: [string, string][]) => {
    for (const [p, size] of levels) {
      const r = exchange.place({ orderId: `mk-${++seq}`, account: MAKER, tokenId: YES, side, price: price(p), size: shares(size), orderType: 'GTC' });
      if (!r.ok) throw new Error(`seed: ${r.message}`);
    }
  };
  const signal = async (over: Record<string, unknown>) => {
    const report = await ft.ingest([record({ timestamp: Math.floor(clock.now().getTime() / 1000), ...over })]);
    if (report.newTrades !== 1) throw new Error(`signal not ingested: ${JSON.stringify(report)}`);
  };
  const world: LtWorld = {
    ft, exchange, sim, venue, probe, chain, deps, userId: user.userId, token, strategyId,
    launch: async () => {
      const r = await launchLtStrategy({ db, clock }, user.userId, strategyId);
      if (!r.ok) throw new Error(`launch: ${JSON.stringify(r.error)}`);
    },
    buySignal: (over = {}) => signal(over),
    sellSignal: (over = {}) => signal({ side: 'SELL', ...over }),
    // Every command is followed by the ledger checks, so the identities are asserted after each step
    execute: () => checked(world, executeLt(deps)),
    sync: () => checked(world, syncLtOrders(deps)),
    resolve: () => checked(world, resolveLt(deps)),
    marketResolves: async (payouts) => {
      ft.markets.setMarket({ ...finalMarket(payouts), negRisk: options.negRisk ?? false });
      await ft.resolve();
      exchange.resolve(CID, payouts);
    },
    asks: (levels) => place('SELL', levels),
    takeFromMaker: (side, p, size) => {
      const r = exchange.place({ orderId: `mk-${++seq}`, account: MAKER, tokenId: YES, side, price: price(p), size: shares(size), orderType: 'FAK' });
      if (!r.ok) throw new Error(`take: ${r.message}`);
    },
    bids: (levels) => place('BUY', levels),
    checkLedger: () => checkLedger(world),
    orders: () => db.query(`SELECT o.order_id, o.side, o.status, o.order_type, o.limit_price::text, o.size::text,
      o.filled_size::text, o.venue_order_id, o.expires_at, o.is_shadow, l.leg, l.outcome, l.realized_pnl::text,
      l.executed_price::text, l.fill_rate::text, l.slippage_pct::text
      FROM orders o JOIN lt_order_facts l ON l.order_id = o.order_id ORDER BY o.intent_at, l.leg`),
    dispositions: () => db.query(`SELECT ft_order_id, leg, disposition, rule, limit_value, observed FROM lt_dispositions
      ORDER BY decided_at, leg`),
    close: () => ft.close(),
  };
  if (options.launch !== false) await world.launch();
  return world;
}

async function checked<T>(w: LtWorld, command: Promise<T>): Promise<T> {
  const result = await command;
  await checkLedger(w);
  return result;
}

/**
 * The ledger checks run after every command: the identity available + locked + cooldown = deposits −
 * withdrawals + realized (INV-17), no bucket below zero, every resting BUY reserved at least limit × open
 * size and every finished order reserved nothing (INV-10, INV-14), and Σ realized P&L of the orders equals
 * the ledger's (INV-21); the open positions and the order counts of both books read set-based equal their reading
 * from lt_order_facts
 */
async function checkLedger(w: LtWorld): Promise<Balances> {
  const db = w.ft.t.db;
  const book = (await db.query<{ mode: 'live' | 'shadow' }>('SELECT mode FROM lt_strategies WHERE user_id = $1 AND strategy_id = $2',
    [w.userId, w.strategyId]))[0]!.mode;
  const b = await balancesOf(db, w.userId, w.strategyId, book);
  expect(isConserved(b), 'available + locked + cooldown = net deposits + realized').toBe(true);
  for (const o of await w.orders()) {
    if (o.side !== 'BUY' || o.is_shadow !== (book === 'shadow')) continue;
    const led = await orderLedgerOf(db, o.order_id as string);
    const open = ['pending', 'unknown', 'open', 'partially_filled'].includes(o.status as string);
    // Resting orders (and any order not yet answered) must cover their open size; an answered FAK/FOK never rests
    const rests = ['pending', 'unknown'].includes(o.status as string) || ['GTC', 'GTD'].includes(o.order_type as string);
    const remaining = (shares(o.size as string) - shares(o.filled_size as string)) as Shares;
    const need = open && rests && remaining > 0n ? costOf(remaining, price(o.limit_price as string) as Price) : 0n;
    if (open) expect(led.reserved >= need, `order ${o.order_id} reserves ≥ limit × open size`).toBe(true);
    else if (o.status !== 'lost') expect(led.reserved, `finished order ${o.order_id} reserves nothing`).toBe(0n);
  }
  const [pnl] = await db.query<{ total: string }>(`SELECT coalesce(sum(realized_pnl), 0)::text AS total FROM lt_order_facts l
    JOIN orders o ON o.order_id = l.order_id WHERE l.user_id = $1 AND l.strategy_id = $2 AND o.is_shadow = $3`,
  [w.userId, w.strategyId, book === 'shadow']);
  expect(usdc(pnl!.total), 'Σ realized P&L of orders = ledger realized P&L').toBe(b.realizedPnl);
  for (const shadow of [false, true]) {
    expect(await openPositions(db, w.userId, w.strategyId, shadow), 'open positions = their reading from lt_order_facts')
      .toEqual(await openPositionsFromFacts(db, w.userId, w.strategyId, shadow));
    expect(await ltOrderCounts(db, w.userId, w.strategyId, shadow), 'order counts = their reading from lt_order_facts')
      .toEqual(await ltOrderCountsFromFacts(db, w.userId, w.strategyId, shadow));
  }
  await checkRiskSums(w);
  await checkDashboardReads(w);
  return b;
}

/**
 * The risk totals kept with the ledger (migration 0022) = their recomputation from every entry: per market the
 * strategy ordered in (and none), for both books, as of the world's day and the day before
 */
async function checkRiskSums(w: LtWorld): Promise<void> {
  const db = w.ft.t.db;
  const markets = (await db.query<{ c: string }>('SELECT DISTINCT condition_id AS c FROM orders WHERE lt_user_id = $1 AND lt_strategy_id = $2',
    [w.userId, w.strategyId])).map((r) => r.c);
  const now = w.ft.clock.now();
  for (const book of ['live', 'shadow'] as const) {
    for (const at of [now, new Date(now.getTime() - 86_400_000)]) {
      for (const c of [...markets, '']) {
        expect(await riskTotalsOf(db, w.userId, w.strategyId, book, c, at), `the kept risk totals (${book}, ${c || 'no market'})`)
          .toEqual(await riskTotalsRecomputed(db, w.userId, w.strategyId, book, c, at));
      }
    }
  }
}

/**
 * The comparison summary's reads equal their recomputation: the gap totals, counts and FT side summed by the database
 * (gapSummary) against strategyGap's legs, and the quality aggregated in SQL against the JS summary of its rows
 */
export async function checkDashboardReads(w: Pick<LtWorld, 'ft' | 'userId' | 'strategyId'>): Promise<void> {
  const db = w.ft.t.db;
  expect(await sinceLaunch(db, w.userId, w.strategyId), 'the comparison summary = its reading from every leg')
    .toEqual(await sinceLaunchOfLegs(db, w.userId, w.strategyId));
  expect(await qualityAggregate(db, w.userId, w.strategyId), 'the quality aggregate = the JS summary of its rows')
    .toEqual(await qualityOfStrategy(db, w.userId, w.strategyId));
  const [s] = await db.query<{ shadow: boolean }>(`SELECT mode = 'shadow' AS shadow FROM lt_strategies WHERE user_id = $1 AND strategy_id = $2`,
    [w.userId, w.strategyId]);
  expect(await keptOrderCounts(db, w.userId, w.strategyId), 'the kept order counts = their reading from lt_order_facts')
    .toEqual(await ltOrderCountsFromFacts(db, w.userId, w.strategyId, s!.shadow));
  expect(await ftKeptSums(db), 'the kept FT sums = their reading from every paper order and close').toEqual(await ftSumsFromFacts(db));
  const now = w.ft.clock.now();
  const strategy = (await getLtStrategy(db, w.userId, w.strategyId))!;
  expect(await keptFillRate(db, strategy, now), 'the kept fill rate = its reading from every order').toEqual(await fillRateBuckets(db, strategy, now));
  expect(await keptDistributions(db, strategy), 'the kept distributions = their reading from every order')
    .toEqual(await distributions(db, strategy));
  expect(await keptEquitySeries(db, w.userId, w.strategyId, now), 'the kept equity series = its bucketing of every leg')
    .toEqual(equityOfLegs(await strategyGap(db, w.userId, w.strategyId), now));
  await checkKeptPositions(db, w.userId, w.strategyId, s!.shadow);
}

/**
 * The kept open positions (position-model.ts) equal openPositions' from-scratch reading: the list (all of it, and paged
 * two at a time), their count, and the equity at the marks (unrealized and unmarked) summed from the kept groups
 */
export async function checkKeptPositions(db: FtWorld['t']['db'], userId: string, strategyId: string, shadow: boolean): Promise<void> {
  const fresh = await openPositions(db, userId, strategyId, shadow);
  expect((await keptPositionsPage(db, userId, strategyId, { limit: null, after: null })).map((r) => r.row),
    'the kept open positions = openPositions').toEqual(fresh);
  const paged = [];
  for (let after: string[] | null = null, more = true; more;) {
    const rows = await keptPositionsPage(db, userId, strategyId, { limit: 2, after });
    paged.push(...rows.slice(0, 2).map((r) => r.row));
    more = rows.length > 2;
    after = rows[1]?.key ?? null;
  }
  expect(paged, 'the kept open positions page by page = openPositions').toEqual(fresh);
  expect(await keptPositionCount(db, userId, strategyId), 'the kept open position count').toBe(fresh.length);
  expect(await keptMarkedEquity(db, userId, strategyId, usdc('1000')), 'the equity at the marks from the kept sums')
    .toEqual(equityAtMark(usdc('1000'), fresh));
}

/** The FT market with a final payout (for the FT resolver, which stores it for LT settlement) */
export const finalMarket = (payouts: [bigint, bigint]) =>
  market({ closed: true, resolutionStatus: 'resolved', outcomePrices: payouts, closedTime: new Date('2026-03-02T00:00:00Z') });
