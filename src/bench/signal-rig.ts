/**
 * The rig of `signal_to_submit_p99_ratio`: the loopback simulator in-process on 127.0.0.1:0 with one market and an
 * empty book, a migrated in-memory PGlite with a copy-all FT strategy, a launched live LT strategy signing with our
 * Polymarket adapter, and the official client on its own wallet. Everything uses the system clock
 */
import { generatePrivateKey } from 'viem/accounts';
import type { Market } from '../domain/market.ts';
import { parseFtWallet } from '../domain/ft-wallet.ts';
import { systemClock } from '../engine/clock.ts';
import { ingestTrades, type FtDeps } from '../engine/ft-engine.ts';
import type { LtExecutorDeps } from '../engine/lt-executor.ts';
import { createLtStrategy, launchLtStrategy } from '../engine/lt-strategies.ts';
import type { Log } from '../engine/ports.ts';
import { normalizeTradeRecords } from '../feeds/data-api-record.ts';
import { createStaticMarketSource } from '../feeds/file-sources.ts';
import { noScorer } from '../feeds/scorer.ts';
import { scratchDatabase } from './scratch-db.ts';
import { openPglite, openPostgres, type Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { createUser } from '../store/user-store.ts';
import { insertWallet } from '../store/wallet-store.ts';
import { createPolymarketVenue, type PolymarketVenue } from '../venues/polymarket/polymarket-venue.ts';
import { createShadowVenue } from '../venues/shadow-venue.ts';
import { marketChannelUrl, withBookCache, type BookCachedVenue } from '../venues/book-cache-venue.ts';
import { MarketBooks } from '../feeds/market-books.ts';
import type { Venue } from '../engine/venue-port.ts';
import { startSimServer, type SimServer } from '../sim/server/server.ts';
import { tradingClient, type TradingClient } from '../sim/server/testing.ts';

const WALLET_ID = 'FT_BENCH_COPY';
const TRADER = `0x${'ab'.repeat(20)}`;

export interface SignalRig {
  server: SimServer;
  venue: PolymarketVenue;
  /** The venue the executor uses: `venue` with its books from the market channel (null: GET /book per signal) */
  bookCache: BookCachedVenue | null;
  client: TradingClient;
  db: Db;
  lt: LtExecutorDeps;
  strategyId: string;
  tokenId: string;
  /** Ingests one trader BUY at `price` now; resolves once FT has written its paper order (the signal) */
  signal(price: number): Promise<void>;
  close(): Promise<void>;
}

const quietLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function addMarket(server: SimServer): Promise<{ conditionId: string; yes: string; no: string }> {
  const res = await fetch(`${server.url}/_sim/markets`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: 'Bench market?', tickSize: '0.01', minSize: '5', feeRate: '0' }),
  });
  const body = (await res.json()) as { condition_id: string; tokens: { token_id: string }[] };
  if (res.status !== 200) throw new Error(`/_sim/markets: HTTP ${res.status} ${JSON.stringify(body)}`);
  return { conditionId: body.condition_id, yes: body.tokens[0]!.token_id, no: body.tokens[1]!.token_id };
}

function domainMarket(m: { conditionId: string; yes: string; no: string }): Market {
  return {
    conditionId: m.conditionId.toLowerCase(), question: 'Bench market?', slug: 'bench', eventSlug: null, outcomes: ['Yes', 'No'],
    tokenIds: [m.yes, m.no], tags: [], tickSize: 10_000n, minSize: 5_000000n, negRisk: false, closed: false,
    acceptingOrders: true, endTime: null, gameStartTime: null, closedTime: null, resolutionStatus: null, outcomePrices: null,
  };
}

async function launchLive(db: Db, walletAddress: string): Promise<{ userId: string; strategyId: string }> {
  const deps = { db, clock: systemClock };
  const { user } = await createUser(db, 'bench');
  const created = await createLtStrategy(deps, user.userId, {
    ft_wallet_id: WALLET_ID, starting_capital: '100000', wallet_address: walletAddress, order_type: 'GTC',
  });
  if (!created.ok) throw new Error(`create LT strategy: ${JSON.stringify(created.error)}`);
  const launched = await launchLtStrategy(deps, user.userId, created.value.strategyId);
  if (!launched.ok) throw new Error(`launch LT strategy: ${JSON.stringify(launched.error)}`);
  return { userId: user.userId, strategyId: created.value.strategyId };
}

/** In-memory PGlite, or a scratch database beside the one `databaseUrl` names (dropped on close) */
async function openRigDb(databaseUrl: string | undefined): Promise<{ db: Db; drop(): Promise<void> }> {
  if (!databaseUrl) return { db: await openPglite('memory://'), drop: async () => undefined };
  const scratch = await scratchDatabase(databaseUrl, 'tandem_signal');
  try {
    return { db: await openPostgres(scratch.url), drop: scratch.drop };
  } catch (error) {
    await scratch.drop();
    throw error;
  }
}

/**
 * `databaseUrl`: PostgreSQL (a scratch database made and dropped beside it); absent: in-memory PGlite. `bookCache`
 * (default true, as the service runs): the executor's venue reads books from the market channel
 */
export async function startSignalRig(databaseUrl?: string, bookCache = true): Promise<SignalRig> {
  const { db, drop } = await openRigDb(databaseUrl);
  await migrate(db);
  const server = await startSimServer({ port: 0, seed: 1, fund: '10000000', markets: [] });
  const market = await addMarket(server);
  const dayAgo = new Date(Date.now() - 86_400_000);
  await insertWallet(db, parseFtWallet({ wallet_id: WALLET_ID, use_model: false, min_edge: null, min_trader_resolved_count: null,
    bet_size: '10', starting_balance: '100000000' }, dayAgo));
  const venue = await createPolymarketVenue({ host: server.url, wsHost: server.wsUrl, privateKey: generatePrivateKey(),
    log: quietLog, clock: systemClock });
  const client = await tradingClient(server.url);
  const cached = bookCache ? withBookCache(venue, { clock: systemClock, log: quietLog,
    books: new MarketBooks({ url: marketChannelUrl(server.wsUrl), log: quietLog }) }) : null;
  const used: Venue = cached ?? venue;
  const { strategyId } = await launchLive(db, venue.address);
  // Trade timestamps are whole seconds and a signal counts from launch on: start one second later
  await new Promise((r) => setTimeout(r, 1_100));
  const ft: FtDeps = { db, markets: createStaticMarketSource([domainMarket(market)]), scorer: noScorer, clock: systemClock };
  let n = 0;
  const signal = async (price: number) => {
    n += 1;
    const record = { proxyWallet: TRADER, side: 'BUY', asset: market.yes, conditionId: market.conditionId, size: 100, price,
      timestamp: Math.floor(Date.now() / 1000), title: 'Bench market?', outcome: 'Yes', outcomeIndex: 0,
      transactionHash: `0x${n.toString(16).padStart(64, '0')}` };
    const report = await ingestTrades(ft, normalizeTradeRecords([record]), 'bench');
    if (report.ordersCreated !== 1) throw new Error(`signal ${n}: no FT order (${JSON.stringify(report)})`);
  };
  return {
    server, venue, bookCache: cached, client, db, strategyId, tokenId: market.yes, signal,
    lt: { db, venue: used, shadowVenue: createShadowVenue(used, systemClock), clock: systemClock, signerAddress: venue.address },
    close: async () => {
      await used.close();
      await server.close();
      await db.close();
      await drop();
    },
  };
}
