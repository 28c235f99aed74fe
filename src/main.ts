/** The composition root: the one place that decides which implementation backs each port, and starts Tandem */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { createWebhookNotifier, webhookHost } from './alerts/webhook.ts';
import type { Config } from './config.ts';
import { DEFAULT_RATE_TARGETS } from './domain/alert-rules.ts';
import {
  alertRecovery, checkAlerts, cronIntervalMs, DEFAULT_ALERT_SETTINGS, type AlertMonitorDeps,
} from './engine/alert-monitor.ts';
import { systemClock } from './engine/clock.ts';
import { FT_ORDERS_CHANNEL, type FtDeps } from './engine/ft-engine.ts';
import { executeLt, type LtExecutorDeps } from './engine/lt-executor.ts';
import { recoverLt } from './engine/lt-recovery.ts';
import { resolveLt } from './engine/lt-resolve.ts';
import { syncLtOrders } from './engine/lt-tracker.ts';
import { resolveFtMarkets } from './engine/ft-resolve.ts';
import { syncFtOnce } from './engine/ft-sync.ts';
import { startStreamIngest, type StreamIngest } from './engine/ft-stream.ts';
import type { Clock, Log, MarketSource, Scorer, TradeSource, TradeStream } from './engine/ports.ts';
import { createDataApiTradeSource } from './feeds/data-api-source.ts';
import { createFeedHealth, reportingTradeSource, type FeedHealth } from './feeds/feed-health.ts';
import { createGammaMarketSource } from './feeds/gamma-source.ts';
import { createRtdsTradeStream } from './feeds/rtds-source.ts';
import { createHttpScorer, createLogisticScorer, noScorer } from './feeds/scorer.ts';
import { startScheduler, type Job } from './jobs/schedule.ts';
import { openDb, type Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import type { LtStrategy } from './domain/lt-strategy.ts';
import { seedDemoStrategies } from './store/seed.ts';
import { countUsers, createUser } from './store/user-store.ts';
import { parseMicros } from './domain/money.ts';
import { createPolymarketVenue } from './venues/polymarket/polymarket-venue.ts';
import { createPolygonChain } from './venues/polymarket/chain.ts';
import { createRelayerChain } from './venues/polymarket/relayer-chain.ts';
import type { Chain } from './engine/chain-port.ts';
import { createSimulatedChain } from './sim/exchange/sim-chain.ts';
import { createShadowVenue } from './venues/shadow-venue.ts';
import { SimExchange } from './sim/exchange/exchange.ts';
import type { Exchange } from './sim/exchange/exchange-types.ts';
import { createSimulatedVenue } from './sim/exchange/simulated-venue.ts';
import { VenueSetupError, type Venue, type Venues } from './engine/venue-port.ts';
import { createVenueGate, type VenueGate } from './engine/venue-gate.ts';
import { createWalletGates, type WalletGates } from './engine/wallet-gates.ts';
import { signerAddressOf } from './venues/polymarket/preflight-reads.ts';
import { startWorldTimer, worldMarketSource, worldTradeSource, type WorldTimer } from './sim/world/sources.ts';
import { createWorld } from './sim/world/world.ts';
import { createSecretBox, type SecretBox } from './store/secret-box.ts';
import { checkStoredSecrets } from './engine/user-wallets.ts';
import { createVenueRegistry, type VenueRegistry } from './venues/venue-registry.ts';
import { createWalletChains, type WalletChains } from './venues/wallet-chains.ts';

export const VERSION = '0.1.0';

export interface Tandem {
  url: string;
  db: Db;
  venue: Venue;
  /** Every wallet's venue: linked wallets' own, the operator's (`venue`) for addresses nobody linked */
  venues: Venues;
  /** The venue's preflight gate: its state is in /api/health */
  gate: VenueGate;
  /** Where the first operator's token was written, when this start created it */
  operatorTokenFile: string | null;
  stop(): Promise<void>;
}

export function scorerFor(config: Config): Scorer {
  if (config.scorer.kind === 'logistic') return createLogisticScorer(config.scorer.coefficients);
  if (config.scorer.kind === 'http') return createHttpScorer(config.scorer.url);
  return noScorer;
}

/** Where trades and markets come from: Polymarket (Data API and Gamma), or the simulated world and its timer */
interface Feeds {
  source: TradeSource | null;
  /** The RTDS stream, primary beside the polled `source` (FT_SOURCE=data-api with RTDS on) */
  stream: TradeStream | null;
  markets: MarketSource;
  timer: WorldTimer | null;
  /** The simulated exchange the world trades on, which the simulated venue shares */
  exchange: Exchange | null;
}

function feedsFor(config: Config, clock: Clock, log: Log, health: FeedHealth): Feeds {
  if (config.ftSource === 'sim') {
    // The world builds its resolved past on its own clock; from then on the exchange stamps orders and fills with
    // Tandem's clock, so a fill is never dated before the submit that caused it (the world steps only every SIM_STEP_MS)
    let live = false;
    const world = createWorld({ seed: config.simSeed, start: clock.now(),
      exchange: (c) => new SimExchange({ now: () => (live ? clock.now() : c.now()) }) });
    live = true;
    log.info('simulated world ready', { seed: config.simSeed, traders: world.traders.length, trades: world.recordCount() });
    const timer = startWorldTimer(world, config.simStepMs, {
      clock, onError: (e) => log.error('world step failed', { error: e instanceof Error ? e.message : String(e) }),
    });
    const source = reportingTradeSource(worldTradeSource(world), health);
    return { source, stream: null, markets: worldMarketSource(world), timer, exchange: world.exchange };
  }
  const markets = createGammaMarketSource({ baseUrl: config.gammaUrl });
  const source = config.ftSource === 'data-api' ? reportingTradeSource(createDataApiTradeSource({
    baseUrl: config.dataApiUrl, overlapMs: config.ftOverlapMs, concurrency: config.ftFetchConcurrency,
  }), health) : null;
  const stream = source && config.rtds
    ? createRtdsTradeStream({ url: config.rtds.url, clock, health, log, silenceMs: config.rtds.silenceMs }) : null;
  return { source, stream, markets, timer: null, exchange: null };
}

/** How often the RTDS stream re-reads which traders the active strategies follow */
const FOLLOW_REFRESH_MS = 15_000;

/** Starts the event-driven FT path when there is a stream: its fallback poll is the ft-sync job */
async function startStream(feeds: Feeds, ftDeps: FtDeps, config: Config, log: Log,
  poll: () => void): Promise<StreamIngest | null> {
  if (!feeds.stream || !config.rtds) return null;
  const ingest = await startStreamIngest({
    ...ftDeps, stream: feeds.stream, log, refreshMs: FOLLOW_REFRESH_MS, fallbackPollMs: config.rtds.fallbackPollMs, poll,
  });
  log.info('rtds stream started', { url: config.rtds.url });
  return ingest;
}

/** Tandem's account on the simulated exchange */
export const SIM_VENUE_ACCOUNT = 'tandem';

/**
 * The venue live orders go to: the simulated venue on the world's exchange (or an empty exchange of its
 * own), or Polymarket through the real adapter with keys from configuration (never logged)
 */
export async function venueFor(config: Config, clock: Clock, log: Log, exchange: Exchange | null): Promise<Venue> {
  if (config.venue.kind === 'polymarket') {
    const v = config.venue;
    if (!v.privateKey) throw new VenueSetupError('no_private_key', v.keyProblem ?? 'no private key', true);
    return createPolymarketVenue({
      host: v.clobUrl, wsHost: v.wsUrl, privateKey: v.privateKey, signatureType: v.signatureType, log, clock,
      ...(v.creds ? { creds: v.creds } : {}), ...(v.funder ? { funder: v.funder } : {}),
    });
  }
  const sim = exchange ?? new SimExchange(clock);
  sim.credit(SIM_VENUE_ACCOUNT, 'USDC', parseMicros(config.venue.fundUsdc));
  return createSimulatedVenue({ exchange: sim, account: SIM_VENUE_ACCOUNT, clock });
}

/**
 * The venue behind its preflight gate (src/engine/venue-gate.ts): built in the background and retried, so start-up
 * never fails for the venue's sake; `onConnected` runs recovery before it may trade
 */
function venueGateFor(config: Config, deps: { db: Db; clock: Clock; log: Log }, exchange: Exchange | null,
  onConnected: (venue: Venue) => Promise<void>, owns: (s: LtStrategy) => boolean): VenueGate {
  const v = config.venue;
  return createVenueGate({
    ...deps, name: v.kind === 'polymarket' ? 'polymarket' : 'simulated', onConnected, owns,
    signerAddress: v.kind === 'polymarket' ? signerAddressOf(v.privateKey) : null,
    connect: () => venueFor(config, deps.clock, deps.log, exchange),
  });
}

/**
 * Each linked wallet's venue, opened on first use: with VENUE=polymarket a Polymarket venue signing with the wallet's
 * own key (a wallet without one cannot trade), with VENUE=simulated its own account on the shared exchange, funded
 * once with SIM_VENUE_FUND. Strategies whose wallet nobody linked trade through `operator` (the environment's wallet)
 */
export function walletVenuesFor(config: Config, deps: { db: Db; secrets: SecretBox | null; operator: Venue; clock: Clock;
  log: Log; exchange: Exchange | null }): VenueRegistry {
  const v = config.venue;
  const funded = new Set<string>();
  return createVenueRegistry({ db: deps.db, secrets: deps.secrets, operator: deps.operator, log: deps.log,
    open: async (wallet, secrets) => {
      if (v.kind === 'polymarket') {
        if (!secrets.privateKey) return null;
        return createPolymarketVenue({ host: v.clobUrl, wsHost: v.wsUrl, privateKey: secrets.privateKey,
          signatureType: wallet.signatureType, log: deps.log, clock: deps.clock,
          ...(secrets.creds ? { creds: secrets.creds } : {}), ...(wallet.funder ? { funder: wallet.funder as `0x${string}` } : {}) });
      }
      if (!deps.exchange) return null; // no simulated exchange in this process (a CLI command)
      const account = `wallet:${wallet.address}`;
      if (!funded.has(account)) deps.exchange.credit(account, 'USDC', parseMicros(v.fundUsdc));
      funded.add(account);
      return createSimulatedVenue({ exchange: deps.exchange, account, clock: deps.clock });
    } });
}

/**
 * Each linked wallet's chain, built on first use, where its winnings are redeemed: with VENUE=polymarket Polygon with
 * the wallet's own key, signature type and funder (no usable key: null, its winnings are alerted to redeem by hand),
 * with VENUE=simulated its account on the shared exchange (the one its simulated venue trades on)
 */
export function walletChainsFor(config: Config, deps: { db: Db; secrets: SecretBox | null; log: Log;
  exchange: Exchange | null }): WalletChains {
  const v = config.venue;
  return createWalletChains({ db: deps.db, secrets: deps.secrets, log: deps.log, open: async (wallet, secrets) => {
    if (v.kind === 'polymarket') {
      if (!secrets.privateKey || signerAddressOf(secrets.privateKey) === null) return null;
      return polygonChainOf(v, { privateKey: secrets.privateKey, signatureType: wallet.signatureType, funder: wallet.funder ?? null });
    }
    return deps.exchange ? createSimulatedChain({ exchange: deps.exchange, account: `wallet:${wallet.address}` }) : null;
  } });
}

function ftJobs(ftDeps: FtDeps, feeds: Feeds, config: Config): Job[] {
  const jobs: Job[] = [{ name: 'ft-resolve', cron: config.ftResolveCron, run: () => resolveFtMarkets(ftDeps) }];
  const source = feeds.source;
  if (!source) return jobs;
  jobs.push({ name: 'ft-sync', cron: config.ftSyncCron, run: () => syncFtOnce({ ...ftDeps, source }) });
  return jobs;
}

/**
 * Where the live book's winnings are redeemed: the simulated chain on the simulated venue's exchange, or Polygon with
 * the venue's key (POLYGON_RPC_URL; a proxy/Safe wallet through the relayer when configured; otherwise, or with no RPC
 * URL, each redemption is alerted to do by hand).
 * No key: nothing trades, and nothing is redeemed
 */
export function chainFor(config: Config, simExchange: Exchange | null): Chain | undefined {
  if (config.venue.kind === 'polymarket') {
    const v = config.venue;
    // No usable key (unset, or not a valid secp256k1 key): nothing trades and nothing is redeemed; never built from it
    if (v.privateKey === null || signerAddressOf(v.privateKey) === null) return undefined;
    return polygonChainOf(v, { privateKey: v.privateKey, signatureType: v.signatureType, funder: v.funder });
  }
  return simExchange ? createSimulatedChain({ exchange: simExchange, account: SIM_VENUE_ACCOUNT }) : undefined;
}

/**
 * Each linked wallet's preflight gate (src/engine/wallet-gates.ts) over its venue from the registry (which closes it).
 * With VENUE=polymarket a wallet linked without a private key cannot sign: no retry mends that. Recovery, which reads
 * every wallet's venue, runs once the process's venue is connected: a wallet's check waits for the process gate's check
 * under way (so the first run after start does not find it off for that), and until recovery has run it is not ready
 */
export function walletGatesFor(config: Config, deps: { db: Db; clock: Clock; log: Log }, venues: () => VenueRegistry,
  processConnected: () => Promise<boolean>): WalletGates {
  const polymarket = config.venue.kind === 'polymarket';
  return createWalletGates({ ...deps, venueName: polymarket ? 'polymarket' : 'simulated',
    connect: async (w) => {
      if (polymarket && !w.hasPrivateKey) {
        throw new VenueSetupError('no_private_key', `wallet ${w.address} was linked without a private key: it cannot sign orders`, true);
      }
      return venues().forWallet(w.userId, w.address);
    },
    onConnected: async () => {
      if (!(await processConnected())) throw new Error('not yet: recovery runs once the process\'s own venue is connected');
    } });
}

/**
 * A wallet's chain on Polygon: an EOA signs its redemptions with its key; a proxy or Safe wallet goes through
 * Polymarket's relayer with its owner key when the relayer is configured (POLYMARKET_RELAYER_URL and the builder
 * credentials), otherwise its chain says it cannot redeem and each redemption is alerted to do by hand
 */
function polygonChainOf(v: Extract<Config['venue'], { kind: 'polymarket' }>, w: { privateKey: `0x${string}`;
  signatureType: 0 | 1 | 2 | 3; funder: string | null }): Chain {
  if (v.relayer && (w.signatureType === 1 || w.signatureType === 2)) {
    return createRelayerChain({ relayerUrl: v.relayer.url, builder: v.relayer.builder, rpcUrl: v.polygonRpcUrl ?? null,
      privateKey: w.privateKey, signatureType: w.signatureType, funder: w.funder });
  }
  return createPolygonChain({ rpcUrl: v.polygonRpcUrl ?? null, privateKey: w.privateKey, signatureType: w.signatureType,
    ...(w.funder ? { funder: w.funder } : {}) });
}

/** lt-execute books what the venue reports, then mirrors new signals; lt-resolve settles and redeems (on `chain`) */
function ltJobs(deps: LtExecutorDeps, config: Config, gate: VenueGate, chain?: Chain, chains?: WalletChains): Job[] {
  // Until the venue exists and is recovered there is nothing to read from it; the executor asks the gate itself
  const sync = () => (gate.connected() ? syncLtOrders(deps) : Promise.resolve({ skipped: gate.health().reasons }));
  const alerts = { cooldownMs: config.alerts.cooldownMs, deliver: config.alerts.webhookUrl !== null };
  return [
    { name: 'lt-execute', cron: config.ltExecuteCron, run: async () => ({ sync: await sync(), execute: await executeLt(deps) }) },
    // New paper orders (FT_ORDERS_CHANNEL) are mirrored at once, without first reading the venue's fills: the user
    // channel and lt-execute's cadence book those. A race with lt-execute decides each signal once (under the strategy lock)
    { name: LT_SIGNALS_JOB, cron: null, run: async () => ({ execute: await executeLt(deps) }) },
    { name: 'lt-resolve', cron: config.ltResolveCron, run: () => resolveLt({ ...deps, ...(chain ? { chain } : {}), ...(chains ? { chains } : {}), alerts }) },
  ];
}

/** Live strategies the executor runs at once (each its own ledger and lock; their venue calls overlap) */
const LIVE_STRATEGY_CONCURRENCY = 4;

/** The job that mirrors new paper orders as they are committed (the live path's trigger) */
export const LT_SIGNALS_JOB = 'lt-signals';

/** The alerts job runs every minute */
export const ALERTS_CRON = '*/1 * * * *';

/**
 * The alerts job's dependencies: every other job watched at its cron's cadence, the feeds' health, and the webhook
 * when one is configured (its URL may carry a token: only the host is logged). A slow order counts for the
 * cool-down (at least two alert runs, so none is missed between runs)
 */
function alertMonitorFor(config: Config, deps: { db: Db; clock: Clock; log: Log }, jobs: Job[], feeds: FeedHealth,
  venue: Venue): AlertMonitorDeps {
  const a = config.alerts;
  const startedAt = deps.clock.now();
  if (a.webhookUrl) deps.log.info('alerts webhook configured', { host: webhookHost(a.webhookUrl) });
  return {
    ...deps, startedAt, feeds, wallet: venue,
    notifier: a.webhookUrl ? createWebhookNotifier(deps, { url: a.webhookUrl }) : null,
    jobs: jobs.flatMap((j) => (j.cron === null ? [] : [{ name: j.name, intervalMs: cronIntervalMs(j.cron, startedAt) }])),
    settings: {
      ...DEFAULT_ALERT_SETTINGS, cooldownMs: a.cooldownMs, latencyLookbackMs: Math.max(a.cooldownMs, 2 * 60_000),
      feedSilenceMs: a.feedSilenceMs,
      rates: { ...DEFAULT_RATE_TARGETS, minFillRatePct: a.minFillRatePct, maxRejectionRatePct: a.maxRejectionRatePct },
    },
  };
}

/** Creates the first operator when there is none, writing the token to a file only its owner can read */
async function bootstrapOperator(db: Db, config: Config): Promise<string | null> {
  if ((await countUsers(db)) > 0) return null;
  const { token } = await createUser(db, 'operator');
  mkdirSync(config.dataDir, { recursive: true });
  const file = resolve(join(config.dataDir, 'operator.token'));
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

export async function startTandem(config: Config, log: Log, clock: Clock = systemClock): Promise<Tandem> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let timer: WorldTimer | null = null;
  let stream: StreamIngest | null = null;
  let stopGate: (() => Promise<void>) | null = null;
  try {
    const migrated = await migrate(db);
    log.info('database ready', { kind: db.kind, applied: migrated.applied });
    const seeded = config.seedDemo ? await seedDemoStrategies(db, clock.now()) : 0;
    if (seeded > 0) log.info('demo strategies loaded', { count: seeded });
    const operatorTokenFile = await bootstrapOperator(db, config);
    // Linked wallets' secrets: refuse to start when one is stored and the key is missing or does not open it
    const secrets = config.secretKey ? createSecretBox(config.secretKey) : null;
    const sealed = await checkStoredSecrets(db, secrets);
    if (sealed > 0) log.info('wallet secrets readable', { wallets: sealed });
    const feedHealth = createFeedHealth(clock);
    const feeds = feedsFor(config, clock, log, feedHealth);
    timer = feeds.timer;
    // The simulated venue and its chain share one exchange (the world's, or one of their own)
    const simExchange = config.venue.kind === 'polymarket' ? null : (feeds.exchange ?? new SimExchange(clock));
    const chain = chainFor(config, simExchange);
    // Before the venue may trade: settle what a crash left pending and reconcile with it (once it exists)
    let afterRecovery: (recovery: Awaited<ReturnType<typeof recoverLt>>) => Promise<void> = async () => undefined;
    // The gate checks the money of the strategies trading through the process's own wallet; each linked wallet has its own
    const walletGates = walletGatesFor(config, { db, clock, log }, () => venues,
      async () => gate.connected() || (await gate.check().then(() => gate.connected())));
    await walletGates.refresh();
    const gate = venueGateFor(config, { db, clock, log }, simExchange, async () => {
      const recovery = await recoverLt(ltDeps);
      log.info('live orders recovered', { ...recovery, sync: undefined, fillsBooked: recovery.sync.fillsBooked });
      await afterRecovery(recovery);
    }, (s) => !walletGates.holds(s));
    stopGate = async () => {
      await walletGates.stop();
      await gate.stop();
    };
    const venue = gate.venue;
    // Linked wallets' venues beside the process's own (the gate's), which trades for addresses nobody linked
    const venues = walletVenuesFor(config, { db, secrets, operator: venue, clock, log, exchange: simExchange });
    const ftDeps: FtDeps = { db, markets: feeds.markets, scorer: scorerFor(config), clock };
    const ltDeps = { db, venue, venues, shadowVenue: createShadowVenue(venue, clock), clock, signerAddress: venue.signerAddress, gate, walletGates,
      strategyConcurrency: LIVE_STRATEGY_CONCURRENCY };
    const chains = walletChainsFor(config, { db, secrets, log, exchange: simExchange });
    const jobs = [...ftJobs(ftDeps, feeds, config), ...ltJobs(ltDeps, config, gate, chain, chains)];
    const alerts = { ...alertMonitorFor(config, { db, clock, log }, jobs, feedHealth, venue), wallets: () => venues.all() };
    const scheduler = startScheduler([...jobs, { name: 'alerts', cron: ALERTS_CRON, run: () => checkAlerts(alerts) }], { db, clock, log });
    afterRecovery = async (recovery) => {
      if ((await alertRecovery(alerts, recovery)) > 0) scheduler.trigger('alerts'); // deliver them now, not at the next minute
    };
    gate.start();
    walletGates.start();
    const unlisten = await db.listen(FT_ORDERS_CHANNEL, () => scheduler.trigger(LT_SIGNALS_JOB));
    stream = await startStream(feeds, ftDeps, config, log, () => scheduler.trigger('ft-sync'));
    const app = createApp({ db, clock, log, venue, venues, venueHealth: () => gate.health(), version: VERSION,
      walletVenueHealth: (userId, address) => walletGates.health(userId, address), walletsChanged: () => void walletGates.refresh().catch(() => undefined),
      runJob: (name) => scheduler.runNow(name), secrets,
      ...(config.venue.kind === 'polymarket' ? { operatorWallet: venue.signerAddress } : {}) });
    const { server, port } = await listen(app.fetch, config);
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`;
    // The world starts with resolved history behind it: read it right after start, not at the first cron tick
    const kickoff = feeds.timer ? setTimeout(() => void scheduler.runNow('ft-sync').catch(() => undefined), 0) : null;
    return {
      url, db, venue, venues, gate, operatorTokenFile,
      stop: async () => {
        if (kickoff) clearTimeout(kickoff);
        timer?.stop();
        await stream?.stop();
        await unlisten();
        await scheduler.stop();
        await walletGates.stop();
        await gate.stop(); // first: a recovery under way may still open wallet venues
        await venues.close();
        await new Promise<void>((done) => server.close(() => done()));
        await db.close();
      },
    };
  } catch (error) {
    timer?.stop();
    await stream?.stop();
    await stopGate?.().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}

function listen(fetch: (req: Request) => Response | Promise<Response>, config: Config) {
  return new Promise<{ server: ServerType; port: number }>((done, fail) => {
    const server = serve({ fetch, port: config.port, hostname: config.host }, (info) => done({ server, port: info.port }));
    server.once('error', fail);
  });
}
