/** `startSimServer`: Polymarket's CLOB REST and WebSockets, Data API, Gamma and RTDS on one loopback port over the simulated exchange */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../engine/clock.ts';
import type { Clock } from '../../engine/ports.ts';
import { type Usdc } from '../../domain/money.ts';
import { SimExchange } from '../exchange/exchange.ts';
import type { Exchange, PlaceResult, SimMarket } from '../exchange/exchange-types.ts';
import { addAdminRoutes } from './admin.ts';
import { addPrivateRoutes } from './clob-private.ts';
import { addPublicRoutes } from './clob-public.ts';
import { addDataRoutes, gammaMarketsHandler } from './data-routes.ts';
import { addRpcRoutes, SimRpc } from './rpc.ts';
import { addRelayerRoutes, SimRelayer } from './relayer.ts';
import { Faults, type FaultSettings } from './faults.ts';
import { Router, send, serve, text } from './http.ts';
import { addDefaultMarkets, marketFromSpec, seedBook, type Level, type MarketSpec } from './markets.ts';
import { SourceFeed, type Profile, type SourceRow, type SourceTradeInput } from './source-feed.ts';
import { SimState } from './state.ts';
import { microsOf, uuidFrom } from './util.ts';
import { WsHub } from './ws.ts';

export interface SimServerOptions {
  /** 0 picks a free port */
  port?: number;
  host?: string;
  /** Seeds the default books, the fault PRNG and the API-key secret (default 1) */
  seed?: number;
  /** USDC credited to every wallet the first time it derives or creates an API key: decimal text (default "10000") */
  fund?: string;
  /** Bring your own exchange (default: a new SimExchange on `clock`) */
  exchange?: Exchange;
  clock?: Clock;
  /** Markets to add instead of the seeded defaults (no books; seed them with `seedBook`) */
  markets?: SimMarket[];
  faults?: Partial<FaultSettings>;
  /** Settlement schedule of a new SimExchange: MINED this long after the match, CONFIRMED this long after that (ms) */
  mineAfterMs?: number;
  confirmAfterMs?: number;
  /** How often the exchange is ticked (default 100 ms) */
  tickMs?: number;
}

export interface SimServer {
  /** CLOB REST base, also the Data API base; Gamma is at `${url}/gamma` */
  url: string;
  /** WebSocket base: `${wsUrl}/ws/market`, `${wsUrl}/ws/user`, RTDS at `${wsUrl}/rtds` */
  wsUrl: string;
  rtdsUrl: string;
  gammaUrl: string;
  exchange: Exchange;
  faults: Faults;
  feed: SourceFeed;
  state: SimState;
  /** Polygon JSON-RPC at `${url}/rpc`: adapter approvals, redemptions through the pUSD collateral adapters, pUSD balances */
  rpc: SimRpc;
  /** Polymarket's relayer at `${url}/relayer` (proxy and Safe wallets' redemptions, mined through `rpc`) */
  relayer: SimRelayer;
  /** Publishes a Data-API-shaped source trade (Data API rows + RTDS frame) */
  publishSourceTrade(input: SourceTradeInput): SourceRow;
  /** Exchange fills of this account become Data API rows and RTDS frames */
  markSourceTrader(address: string, profile?: Profile): void;
  upsertGammaMarket(conditionId: string, fields: Record<string, unknown>): void;
  /** Rests market-maker liquidity; prices and sizes are decimal text */
  seedBook(tokenId: string, bids: [string, string][], asks: [string, string][]): PlaceResult[];
  addMarket(spec: MarketSpec): SimMarket;
  /** Closes every WebSocket (clients see a disconnect) */
  dropStreams(): void;
  close(): Promise<void>;
}

const levels = (list: [string, string][]): Level[] => list.map(([p, s]) => {
  const price = microsOf(p);
  const size = microsOf(s);
  if (price === null || size === null) throw new Error(`bad level [${p}, ${s}]`);
  return [price, size];
});

function buildExchange(options: SimServerOptions, clock: Clock, secret: string): Exchange {
  if (options.exchange) return options.exchange;
  return new SimExchange(clock, {
    tradeIdPrefix: uuidFrom(secret, 'trades').slice(0, 24),
    mineAfterMs: options.mineAfterMs ?? 1000, confirmAfterMs: options.confirmAfterMs ?? 2000,
  });
}

interface Parts {
  clock: Clock;
  exchange: Exchange;
  faults: Faults;
  state: SimState;
  feed: SourceFeed;
  hub: WsHub;
  router: Router;
  rpc: SimRpc;
  relayer: SimRelayer;
}

/** Builds the exchange (with default markets), the shared state, the feed, the socket hub and every route */
function assemble(options: SimServerOptions): Parts {
  const seed = options.seed ?? 1;
  const clock = options.clock ?? systemClock;
  const secret = createHmac('sha256', 'tandem-sim').update(String(seed)).digest('hex');
  const fund = microsOf(options.fund ?? '10000');
  if (fund === null) throw new Error(`fund must be a decimal amount of USDC, got ${options.fund}`);
  const exchange = buildExchange(options, clock, secret);
  if (options.markets) for (const m of options.markets) exchange.addMarket(m);
  else if (exchange.markets().length === 0) addDefaultMarkets(exchange, seed, clock.now());
  const faults = new Faults(seed);
  faults.onCancelOnly = (on) => exchange.setCancelOnly(on);
  faults.set(options.faults ?? {});
  const state = new SimState(exchange, clock, faults, fund as Usdc, secret);
  const feed = new SourceFeed(state);
  const hub = new WsHub(state, feed);
  const router = new Router();
  addPublicRoutes(router, state, gammaMarketsHandler(state, feed));
  addPrivateRoutes(router, state);
  addDataRoutes(router, state, feed);
  addAdminRoutes(router, state, feed, hub);
  const rpc = new SimRpc(state);
  addRpcRoutes(router, rpc);
  const relayer = new SimRelayer(state, rpc, secret);
  addRelayerRoutes(router, relayer);
  return { clock, exchange, faults, state, feed, hub, router, rpc, relayer };
}

export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const parts = assemble(options);
  const { state, router, faults, hub } = parts;
  const server = createServer((req, res) => {
    serve(router, faults, req, res, () => state.pump()).catch((error: unknown) => {
      if (!res.headersSent) send(res, text(500, `simulator error: ${error instanceof Error ? error.message : String(error)}`));
    });
  });
  hub.attach(server);
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const timer = setInterval(() => state.pump(), options.tickMs ?? 100);
  timer.unref();
  const close = async () => {
    clearInterval(timer);
    hub.close();
    state.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return handle(parts, `http://${host}:${port}`, `ws://${host}:${port}`, close);
}

function handle(parts: Parts, url: string, wsUrl: string, close: () => Promise<void>): SimServer {
  const { exchange, faults, feed, state, hub, clock, rpc, relayer } = parts;
  return {
    url, wsUrl, rtdsUrl: `${wsUrl}/rtds`, gammaUrl: `${url}/gamma`, exchange, faults, feed, state, rpc, relayer, close,
    publishSourceTrade: (input) => feed.publish(input),
    markSourceTrader: (address, profile) => feed.markSourceTrader(address, profile),
    upsertGammaMarket: (conditionId, fields) => feed.upsertGammaMarket(conditionId, fields),
    seedBook: (tokenId, bids, asks) => seedBook(exchange, tokenId, levels(bids), levels(asks)),
    addMarket: (spec) => {
      const market = marketFromSpec(spec, clock.now());
      exchange.addMarket(market);
      return market;
    },
    dropStreams: () => hub.dropAll(),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
