/** The composition root: the one place that decides which implementation backs each port, and starts Tandem */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { endEventStreams } from './api/routes/events.ts';
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
import { ALERTS_CRON, JOB_CATALOG, jobSpec, LT_SIGNALS_JOB, newWorkerId, READ_MODELS_JOB } from './jobs/catalog.ts';
import { refreshReadModels } from './engine/read-model-refresh.ts';
import { runsJobs, servesHttp, type Role } from './jobs/roles.ts';
import { startLeaseKeeper, type LeaseKeeper } from './jobs/leases.ts';
import { createPromMetrics } from './metrics/prometheus.ts';
import { serveMetrics, type MetricsServer } from './api/metrics-server.ts';
import { openDb, type Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { seedDemoStrategies } from './store/seed.ts';
import { countUsers, createUser } from './store/user-store.ts';
import type { Chain } from './engine/chain-port.ts';
import { createShadowVenue } from './venues/shadow-venue.ts';
import { SimExchange } from './sim/exchange/exchange.ts';
import type { Exchange } from './sim/exchange/exchange-types.ts';
import type { Venue, Venues } from './engine/venue-port.ts';
import type { VenueGate } from './engine/venue-gate.ts';
import {
  SIM_WORLD_SOURCE, startWorldTimer, worldMarketSource, worldTradeSource, type WorldTimer,
} from './sim/world/sources.ts';
import { createWorld } from './sim/world/world.ts';
import { resumeOptions } from './sim/world/resume.ts';
import { marketsOfSource } from './store/market-store.ts';
import { createSecretBox } from './store/secret-box.ts';
import { checkStoredSecrets } from './engine/user-wallets.ts';
import type { WalletChains } from './venues/wallet-chains.ts';
import { chainFor, venueGateFor, walletChainsFor, walletGatesFor, walletVenuesFor } from './main-venues.ts';


export {
  chainFor, SIM_VENUE_ACCOUNT, venueFor, walletChainsFor, walletGatesFor, walletVenuesFor,
} from './main-venues.ts';

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
  /** What this process does (`tandem start --role`), and its identity in job_runs and the leases */
  role: Role;
  workerId: string;
  /** Where METRICS_PORT serves /metrics (absent: not served on a port of its own) */
  metricsUrl?: string;
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

async function feedsFor(config: Config, clock: Clock, log: Log, health: FeedHealth, db: Db): Promise<Feeds> {
  if (config.ftSource === 'sim') {
    // The world builds its resolved past on its own clock; from then on the exchange stamps orders and fills with
    // Tandem's clock, so a fill is never dated before the submit that caused it (the world steps only every SIM_STEP_MS).
    // Over a database holding an earlier run it resumes: new market ids, that run's open markets carried over
    let live = false;
    const earlier = await marketsOfSource(db, SIM_WORLD_SOURCE);
    const resume = resumeOptions(earlier.count, earlier.unresolved, clock.now());
    const tradeIdPrefix = resume.generation ? `trade-${resume.generation}-` : 'trade-';
    const world = createWorld({ seed: config.simSeed, start: clock.now(), marketLifetimeMs: config.simMarketLifetimeMs, ...resume,
      exchange: (c) => new SimExchange({ now: () => (live ? clock.now() : c.now()) }, { tradeIdPrefix }) });
    live = true;
    log.info('simulated world ready', { seed: config.simSeed, traders: world.traders.length, trades: world.recordCount(),
      ...(resume.generation ? { resumed: resume.generation, carried: resume.carried?.length ?? 0 } : {}) });
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

/**
 * FT's jobs. After each poll the stream follows what the poll followed (`afterSync`): a trader followed or a strategy
 * added since is streamed from then on, not from the stream's next refresh
 */
function ftJobs(ftDeps: FtDeps, feeds: Feeds, config: Config, afterSync: () => Promise<void>): Job[] {
  const jobs: Job[] = [{ name: 'ft-resolve', cron: config.ftResolveCron, run: () => resolveFtMarkets(ftDeps) }];
  const source = feeds.source;
  if (!source) return jobs;
  jobs.push({ name: 'ft-sync', cron: config.ftSyncCron, run: async () => {
    const report = await syncFtOnce({ ...ftDeps, source });
    await afterSync();
    return report;
  } });
  return jobs;
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

export { ALERTS_CRON, LT_SIGNALS_JOB } from './jobs/catalog.ts';

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

/** Creates the first operator (role operator) when there is none, writing the token to a file only its owner can read */
async function bootstrapOperator(db: Db, config: Config): Promise<string | null> {
  if ((await countUsers(db)) > 0) return null;
  const { token } = await createUser(db, 'operator', 'operator');
  mkdirSync(config.dataDir, { recursive: true });
  const file = resolve(join(config.dataDir, 'operator.token'));
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** `role`: api serves HTTP and runs no jobs (nor feeds); worker runs the jobs and serves no HTTP (`url` is ''); all both */
export async function startTandem(config: Config, log: Log, clock: Clock = systemClock,
  options: { role?: Role } = {}): Promise<Tandem> {
  const role = options.role ?? 'all';
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, ca: config.databaseCa });
  const workerId = newWorkerId();
  let timer: WorldTimer | null = null;
  let stream: StreamIngest | null = null;
  let stopGate: (() => Promise<void>) | null = null;
  let keeper: LeaseKeeper | null = null;
  let metricsServer: MetricsServer | null = null;
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
    // Workers on PostgreSQL share the live strategies by lease; PGlite has one process (its directory's lock): it runs all
    keeper = db.kind === 'postgres' && runsJobs(role)
      ? await startLeaseKeeper({ db, clock, log, workerId, leaseMs: config.workerLeaseMs }) : null;
    const feedHealth = createFeedHealth(clock);
    // This process's counters and histograms (a registry of its own), and the database's gauges read at each scrape
    const metrics = createPromMetrics({ db, clock, log, feeds: () => feedHealth.snapshot(), jobs: JOB_CATALOG.map((j) => j.name) });
    const feeds = await feedsFor(config, clock, log, feedHealth, db);
    timer = feeds.timer;
    if (!runsJobs(role)) timer?.stop(); // the world's trades are read by the workers' ft-sync, not here
    // The simulated venue and its chain share one exchange (the world's, or one of their own)
    const simExchange = config.venue.kind === 'polymarket' ? null : (feeds.exchange ?? new SimExchange(clock));
    const chain = await chainFor(config, simExchange);
    // Before the venue may trade: settle what a crash left pending and reconcile with it (once it exists)
    let afterRecovery: (recovery: Awaited<ReturnType<typeof recoverLt>>) => Promise<void> = async () => undefined;
    // The gate checks the money of the strategies trading through the process's own wallet; each linked wallet has its own
    const walletGates = walletGatesFor(config, { db, clock, log }, () => venues,
      async () => gate.connected() || (await gate.check().then(() => gate.connected())));
    await walletGates.refresh();
    const gate = await venueGateFor(config, { db, clock, log }, simExchange, async () => {
      if (!runsJobs(role)) return; // the workers recover their strategies' orders; the API only reads the venue
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
      strategyConcurrency: LIVE_STRATEGY_CONCURRENCY, ...(keeper ? { share: keeper } : {}), log, metrics };
    const chains = walletChainsFor(config, { db, secrets, log, exchange: simExchange });
    const jobs = [...ftJobs(ftDeps, feeds, config, async () => stream?.refreshFollowed()), ...ltJobs(ltDeps, config, gate, chain, chains)];
    const alerts = { ...alertMonitorFor(config, { db, clock, log }, jobs, feedHealth, venue), wallets: () => venues.all() };
    // The read-models job is not watched for liveness: a first build at 1 M orders outlasts two of its intervals, and a
    // late one only makes the dashboard's first read slower; a failed run is in job_runs and the job_failure metric
    const allJobs: Job[] = [...jobs, { name: 'alerts', cron: ALERTS_CRON, run: () => checkAlerts(alerts) },
      { name: READ_MODELS_JOB, cron: config.readModelsCron, run: (signal) => refreshReadModels({ db, clock, log, signal }) }];
    const scheduler = startScheduler(runsJobs(role) ? allJobs : [], { db, clock, log, workerId, metrics,
      may: (name) => keeper === null || jobSpec(name)?.scope !== 'global' || keeper.holdsGlobal() });
    afterRecovery = async (recovery) => {
      if ((await alertRecovery(alerts, recovery)) > 0) scheduler.trigger('alerts'); // deliver them now, not at the next minute
      // The dashboard's read models built now, before anyone reads them, rather than by the first read
      scheduler.trigger(READ_MODELS_JOB);
    };
    gate.start();
    walletGates.start();
    const unlisten = runsJobs(role) ? await db.listen(FT_ORDERS_CHANNEL, () => scheduler.trigger(LT_SIGNALS_JOB)) : async () => undefined;
    stream = runsJobs(role) ? await startStream(feeds, ftDeps, config, log, () => scheduler.trigger('ft-sync')) : null;
    const metricsEndpoint = { token: config.metrics?.token ?? null, render: () => metrics.render() };
    const app = createApp({ db, clock, log, venue, venues, venueHealth: () => gate.health(), version: VERSION,
      walletVenueHealth: (userId, address) => walletGates.health(userId, address), walletsChanged: () => void walletGates.refresh().catch(() => undefined),
      runJob: (name) => scheduler.runNow(name), secrets, rateLimit: config.rateLimit, metricsEndpoint,
      process: { role, workerId, runsJobs: runsJobs(role), jobs: JOB_CATALOG, feeds: () => feedHealth.snapshot() },
      ...(config.venue.kind === 'polymarket' ? { operatorWallet: venue.signerAddress } : {}) });
    const http = servesHttp(role) ? await listen(app.fetch, config) : null;
    const origin = (port: number) => `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    const url = http ? `${origin(http.port)}/` : '';
    // METRICS_PORT: /metrics on a port of its own too (a worker's only HTTP); off without METRICS_TOKEN
    if (config.metrics?.port != null && !metricsEndpoint.token) log.warn('METRICS_PORT is set without METRICS_TOKEN: /metrics is off');
    metricsServer = config.metrics?.port != null && metricsEndpoint.token
      ? await serveMetrics(metricsEndpoint, config.host, config.metrics.port) : null;
    // The world starts with resolved history behind it: read it right after start, not at the first cron tick
    const kickoff = feeds.timer && runsJobs(role) ? setTimeout(() => void scheduler.runNow('ft-sync').catch(() => undefined), 0) : null;
    return {
      url, db, venue, venues, gate, operatorTokenFile, role, workerId,
      ...(metricsServer ? { metricsUrl: `${origin(metricsServer.port)}/metrics` } : {}),
      stop: async () => {
        if (kickoff) clearTimeout(kickoff);
        timer?.stop();
        await stream?.stop();
        await unlisten();
        keeper?.stopClaiming(); // claim nothing more; the jobs under way drain (their submits finish), then the leases go back
        await scheduler.stop();
        await keeper?.release().catch((e: unknown) => log.error('leases not released', { error: String(e) }));
        await walletGates.stop();
        await gate.stop(); // first: a recovery under way may still open wallet venues
        await venues.close();
        endEventStreams(); // an open dashboard's event stream would keep the server from closing
        if (http) await new Promise<void>((done) => http.server.close(() => done()));
        await metricsServer?.close();
        await db.close();
      },
    };
  } catch (error) {
    timer?.stop();
    await stream?.stop();
    await stopGate?.().catch(() => undefined);
    keeper?.stopClaiming();
    await metricsServer?.close();
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
