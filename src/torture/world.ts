/**
 * The torture run's world: the loopback Polymarket simulator (the venue: it lives in the runner and outlives every Tandem
 * process), one database, one user with one launched LT strategy copying FT_COPY_ALL, and each cycle's market moves:
 * a taker fills our resting orders, the market of two cycles ago resolves (YES wins), and a new market brings two
 * signals (a BUY of YES that fills at once, a BUY of NO that rests: NO has no asks)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { parseFtWallet } from '../domain/ft-wallet.ts';
import type { Market } from '../domain/market.ts';
import { price, SCALE } from '../domain/money.ts';
import { ManualClock, systemClock } from '../engine/clock.ts';
import { ingestTrades } from '../engine/ft-engine.ts';
import { resolveFtMarkets } from '../engine/ft-resolve.ts';
import { createLtStrategy, launchLtStrategy } from '../engine/lt-strategies.ts';
import { normalizeTradeRecords } from '../feeds/data-api-record.ts';
import { createStaticMarketSource, type StaticMarketSource } from '../feeds/file-sources.ts';
import { noScorer } from '../feeds/scorer.ts';
import type { SimOrder } from '../sim/exchange/exchange-types.ts';
import { startSimServer, type SimServer } from '../sim/server/server.ts';
import { openPglite, openPostgres, type Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { createUser } from '../store/user-store.ts';
import { insertWallet } from '../store/wallet-store.ts';

const TAKER = 'torture-taker';
const TRADER = '0x' + 'a'.repeat(40);
export const STARTING_CAPITAL = '1000';

export interface TortureWorld {
  sim: SimServer;
  account: string;
  privateKey: `0x${string}`;
  userId: string;
  strategyId: string;
  databaseUrl: string | null;
  dataDir: string | null;
  /** Opens the database for the runner (only while no Tandem process holds a PGlite directory) */
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** The market moves of cycle `n` (the runner holds the database, Tandem is idle) */
  moveMarkets(db: Db, n: number): Promise<void>;
  /** Every order of our account the venue has seen, by lower-case id */
  venueOrders(): Map<string, SimOrder>;
  close(): Promise<void>;
}

const marketOf = (n: number, final = false): Market => ({
  conditionId: `0x${(0xc0de0000 + n).toString(16).padStart(64, '0')}`, question: `Torture market ${n}?`, slug: `torture-${n}`,
  eventSlug: 'torture', outcomes: ['Yes', 'No'], tokenIds: [String(900_000 + 2 * n), String(900_001 + 2 * n)], tags: ['Torture'],
  tickSize: 10000n, minSize: 5_000000n, negRisk: false, closed: final, acceptingOrders: !final,
  endTime: new Date('2030-01-01T00:00:00Z'), gameStartTime: null, closedTime: final ? new Date() : null,
  resolutionStatus: final ? 'resolved' : null, outcomePrices: final ? [SCALE, 0n] : null,
});

function tradeRecord(m: Market, outcome: 0 | 1, px: number, n: number): Record<string, unknown> {
  return {
    proxyWallet: TRADER, side: 'BUY', asset: m.tokenIds[outcome], conditionId: m.conditionId, size: 100, price: px,
    timestamp: Math.floor(Date.now() / 1000), title: m.question, slug: m.slug, eventSlug: m.eventSlug,
    outcome: outcome === 0 ? 'Yes' : 'No', outcomeIndex: outcome,
    transactionHash: `0x${(n * 2 + outcome).toString(16).padStart(16, '0')}${Date.now().toString(16).padStart(48, '0')}`,
  };
}

export interface WorldOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** A database already open (in-memory PGlite, say) that withDb lends without closing, for a runner in one process */
  db?: Db;
}

async function openWorldDb(options: WorldOptions): Promise<{ url: string | null; dir: string | null }> {
  if (options.databaseUrl) return { url: options.databaseUrl, dir: null };
  if (options.db) return { url: null, dir: null };
  return { url: null, dir: options.dataDir ?? mkdtempSync(join(tmpdir(), 'tandem-torture-')) };
}

/** The one user and its launched LT strategy copying FT_COPY_ALL (10 USDC a signal), funded with STARTING_CAPITAL */
async function seedStrategy(db: Db, account: string): Promise<{ userId: string; strategyId: string }> {
  await migrate(db);
  const launchClock = new ManualClock(new Date(Date.now() - 60_000).toISOString());
  await insertWallet(db, parseFtWallet({ wallet_id: 'FT_COPY_ALL', use_model: false, min_edge: null, min_trader_resolved_count: null,
    bet_size: '10', start_date: '2026-01-01T00:00:00Z' }, launchClock.now()));
  const { user } = await createUser(db, `torture-${Date.now()}`);
  const created = await createLtStrategy({ db, clock: launchClock }, user.userId, {
    ft_wallet_id: 'FT_COPY_ALL', starting_capital: STARTING_CAPITAL, wallet_address: account, max_signal_age_seconds: 600,
  });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const launched = await launchLtStrategy({ db, clock: launchClock }, user.userId, created.value.strategyId);
  if (!launched.ok) throw new Error(JSON.stringify(launched.error));
  return { userId: user.userId, strategyId: created.value.strategyId };
}

function venueOrdersOf(sim: SimServer, account: string): Map<string, SimOrder> {
  const ids = new Set(sim.exchange.openOrders(account).map((o) => o.orderId));
  for (const t of sim.exchange.trades(account)) {
    if (t.takerAccount === account) ids.add(t.takerOrderId);
    for (const m of t.makers) if (m.account === account) ids.add(m.orderId);
  }
  return new Map([...ids].map((id) => [id.toLowerCase(), sim.exchange.order(id)!]));
}

/** Cycle n: a taker fills our resting orders, market n-2 resolves (YES wins), market n opens with two signals */
async function moveMarkets(sim: SimServer, account: string, markets: StaticMarketSource, db: Db, n: number): Promise<void> {
  for (const o of sim.exchange.openOrders(account)) {
    const left = (o.originalSize - o.sizeMatched) as typeof o.sizeMatched;
    sim.exchange.credit(TAKER, o.tokenId, left);
    sim.exchange.place({ orderId: `torture-take-${n}-${o.orderId}`, account: TAKER, tokenId: o.tokenId, side: 'SELL',
      price: price('0.01'), size: left, orderType: 'FAK' });
  }
  if (n >= 2) {
    const old = marketOf(n - 2, true);
    sim.exchange.resolve(old.conditionId, [SCALE, 0n]);
    markets.setMarket(old);
    await resolveFtMarkets({ db, markets, clock: systemClock });
  }
  const m = marketOf(n);
  sim.addMarket({ question: m.question, slug: m.slug, conditionId: m.conditionId, tokenIds: [m.tokenIds[0]!, m.tokenIds[1]!],
    tickSize: '0.01', minSize: '5' });
  sim.seedBook(m.tokenIds[0]!, [['0.40', '1000']], [['0.50', '1000']]);
  markets.setMarket(m);
  const batch = normalizeTradeRecords([tradeRecord(m, 0, 0.5, n), tradeRecord(m, 1, 0.4, n)]);
  await ingestTrades({ db, markets, scorer: noScorer, clock: systemClock }, batch, 'torture');
}

export async function createTortureWorld(options: WorldOptions): Promise<TortureWorld> {
  const sim = await startSimServer({ port: 0, host: '127.0.0.1', markets: [], fund: '100000', mineAfterMs: 0, confirmAfterMs: 0 });
  const privateKey = generatePrivateKey();
  const account = privateKeyToAccount(privateKey).address.toLowerCase();
  const { url, dir } = await openWorldDb(options);
  const withDb = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    if (options.db) return fn(options.db);
    const db = url ? await openPostgres(url) : await openPglite(dir!);
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  const markets = createStaticMarketSource();
  const { userId, strategyId } = await withDb((db) => seedStrategy(db, account));
  return {
    sim, account, privateKey, userId, strategyId, databaseUrl: url, dataDir: dir, withDb,
    moveMarkets: (db, n) => moveMarkets(sim, account, markets, db, n), venueOrders: () => venueOrdersOf(sim, account),
    close: () => sim.close(),
  };
}
