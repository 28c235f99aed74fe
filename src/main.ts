/** The composition root: the one place that decides which implementation backs each port, and starts Tandem */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './api/app.ts';
import type { Config } from './config.ts';
import { systemClock } from './engine/clock.ts';
import { type FtDeps } from './engine/ft-engine.ts';
import { resolveFtMarkets } from './engine/ft-resolve.ts';
import { syncFtOnce } from './engine/ft-sync.ts';
import type { Clock, Log, Scorer, TradeSource } from './engine/ports.ts';
import { createDataApiTradeSource } from './feeds/data-api-source.ts';
import { createGammaMarketSource } from './feeds/gamma-source.ts';
import { createHttpScorer, createLogisticScorer, noScorer } from './feeds/scorer.ts';
import { startScheduler, type Job } from './jobs/schedule.ts';
import { openDb, type Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { seedDemoStrategies } from './store/seed.ts';
import { countUsers, createUser } from './store/user-store.ts';

export const VERSION = '0.1.0';

export interface Tandem {
  url: string;
  db: Db;
  /** Where the first operator's token was written, when this start created it */
  operatorTokenFile: string | null;
  stop(): Promise<void>;
}

export function scorerFor(config: Config): Scorer {
  if (config.scorer.kind === 'logistic') return createLogisticScorer(config.scorer.coefficients);
  if (config.scorer.kind === 'http') return createHttpScorer(config.scorer.url);
  return noScorer;
}

function tradeSourceFor(config: Config): TradeSource | null {
  if (config.ftSource === 'data-api') {
    return createDataApiTradeSource({
      baseUrl: config.dataApiUrl, overlapMs: config.ftOverlapMs, concurrency: config.ftFetchConcurrency,
    });
  }
  return null;
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
  try {
    const migrated = await migrate(db);
    log.info('database ready', { kind: db.kind, applied: migrated.applied });
    const seeded = config.seedDemo ? await seedDemoStrategies(db, clock.now()) : 0;
    if (seeded > 0) log.info('demo strategies loaded', { count: seeded });
    const operatorTokenFile = await bootstrapOperator(db, config);
    const markets = createGammaMarketSource({ baseUrl: config.gammaUrl });
    const ftDeps: FtDeps = { db, markets, scorer: scorerFor(config), clock };
    const source = tradeSourceFor(config);
    const jobs: Job[] = [{ name: 'ft-resolve', cron: config.ftResolveCron, run: () => resolveFtMarkets(ftDeps) }];
    if (source) jobs.push({ name: 'ft-sync', cron: config.ftSyncCron, run: () => syncFtOnce({ ...ftDeps, source }) });
    const scheduler = startScheduler(jobs, { db, clock, log });
    const app = createApp({ db, clock, log, version: VERSION, runJob: (name) => scheduler.runNow(name) });
    const { server, port } = await listen(app.fetch, config);
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`;
    return {
      url, db, operatorTokenFile,
      stop: async () => {
        await scheduler.stop();
        await new Promise<void>((done) => server.close(() => done()));
        await db.close();
      },
    };
  } catch (error) {
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
