/**
 * `tandem rehearse`: Tandem in live mode (VENUE=polymarket, RTDS + Data API + Gamma + CLOB + user channel + Polygon JSON-RPC
 * for redemptions) against the loopback
 * simulator over the wire, with a world whose markets resolve within the run; then a report of latency, orders, fills,
 * redemptions, reconciliation of every simulated wallet (the process's own and users' linked ones), and every invariant
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { systemClock } from '../engine/clock.ts';
import type { Log } from '../engine/ports.ts';
import { startTandem, type Tandem } from '../main.ts';
import type { Db } from '../store/db.ts';
import { redemptionsPending } from '../store/redemption-store.ts';
import { addFollowed } from '../store/trade-store.ts';
import { apiOf, must, runJob, type Api } from './api.ts';
import { buildReport, type RehearsalReport, type ReportWallet } from './report.ts';
import { processWalletKey, setUpWallets, type RehearsalWallet } from './wallets.ts';
import { startWorldProcess, type WorldProcess } from './world-process.ts';

export interface RehearseOptions {
  minutes: number;
  seed: number;
  /** FT strategies to mirror live, one LT strategy each */
  strategies: string[];
  /** Starting capital of each LT strategy (decimal USDC) */
  capitalUsdc: string;
  /**
   * Wallets traded, each with one LT strategy per FT strategy: the process's own (POLYMARKET_PRIVATE_KEY, the operator's),
   * then one per further user, linked through the API
   */
  wallets: number;
  /** Progress lines (stderr in the CLI) */
  progress: (line: string) => void;
  log: Log;
}

/**
 * The cadences of a rehearsal. Markets live a few minutes instead of days, so resolution runs every 10 s; signals come
 * from the stream and run lt-signals at once, so the Data API poll (backfill; polling every 15 s takes over while the
 * stream is not live) and lt-execute (its backstop, and the fills' reading) keep slower cadences, as in production
 * (every minute and every two). Staggered within the minute, so no two jobs start on the same second
 */
export const REHEARSAL_CRONS = {
  FT_SYNC_CRON: '7-59/30 * * * * *', FT_RESOLVE_CRON: '1-59/10 * * * * *', LT_EXECUTE_CRON: '3-59/15 * * * * *',
  LT_RESOLVE_CRON: '5-59/10 * * * * *', READ_MODELS_CRON: '29 * * * * *',
};

/**
 * Winds down: freezes the world, reads its last trades and mirrors them (so every signal gets its disposition), then
 * each user pauses its strategies and cancels what rests (with its own token), and the jobs book the fills and
 * settlements that are left
 */
async function windDown(api: Api, db: Db, world: WorldProcess, wallets: RehearsalWallet[], o: RehearseOptions): Promise<void> {
  await world.freeze();
  await runJob(api, '/api/ft/sync');
  const last = (await runJob(api, '/api/lt/execute')).report as { execute?: Record<string, unknown> } | undefined;
  const e = last?.execute ?? {};
  o.progress(`world frozen; last signals: ${e.signals} (ordered ${e.ordered}, skipped ${e.skipped}, expired ${e.expired}, deferred ${e.deferred})`);
  for (const w of wallets) {
    for (const id of w.strategyIds) await must(w.api, 'POST', `/api/lt/strategies/${id}/pause`, { reason: 'rehearsal over' });
    await must(w.api, 'POST', '/api/lt/cancel-open-orders');
  }
  for (const job of ['/api/ft/resolve', '/api/lt/execute', '/api/lt/resolve', '/api/lt/execute']) await runJob(api, job);
  // Redemptions in flight are sent and confirmed by the resolve job: run it until none is left (bounded)
  for (let round = 0; round < 30 && (await redemptionsPending(db)) > 0; round += 1) {
    await runJob(api, '/api/lt/resolve');
    await new Promise((done) => setTimeout(done, 200));
  }
  o.progress('wound down: strategies paused, resting orders cancelled, fills and settlements booked');
}

async function runFor(o: RehearseOptions, tandem: Tandem, world: WorldProcess, wallet: string): Promise<void> {
  const end = Date.now() + o.minutes * 60_000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(15_000, Math.max(0, end - Date.now()))));
    const [row] = await tandem.db.query<{ n: number }>('SELECT count(*)::int AS n FROM lt_orders');
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    o.progress(`${left}s left: ${row!.n} live orders, ${(await world.state(wallet)).worldResolved} markets resolved`);
  }
}

/** Each wallet as the report reads it: through the venue Tandem trades it with, and the simulator's account */
async function reportWallets(tandem: Tandem, world: WorldProcess, wallets: RehearsalWallet[]): Promise<ReportWallet[]> {
  const out: ReportWallet[] = [];
  for (const w of wallets) {
    out.push({ user: w.user, address: w.address, linked: w.linked,
      venue: await tandem.venues.forWallet(w.userId, w.address), world: () => world.state(w.address) });
  }
  return out;
}

export async function rehearse(o: RehearseOptions): Promise<RehearsalReport> {
  const clock = systemClock;
  const dir = mkdtempSync(join(tmpdir(), 'tandem-rehearse-'));
  const processWallet = processWalletKey();
  // What the simulator credits each wallet on its first API key: its strategies' capital and some to spare
  const fund = (BigInt(o.strategies.length) * BigInt(Math.ceil(Number(o.capitalUsdc))) + 100n).toString();
  const lifetimeMs = Math.max(60_000, Math.floor((o.minutes * 60_000) / 3));
  // The world and its simulator run in a process of their own, as Polymarket does: nothing of theirs holds up Tandem
  const world = await startWorldProcess({ seed: o.seed, marketLifetimeMs: lifetimeMs, openMarkets: 6, stepMs: 1000, fundUsdc: fund });
  let tandem: Tandem | null = null;
  try {
    tandem = await startTandem(loadConfig({
      DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', FT_SOURCE: 'data-api', DATA_API_URL: world.url,
      GAMMA_URL: world.gammaUrl, RTDS_URL: world.rtdsUrl, VENUE: 'polymarket', POLYMARKET_CLOB_URL: world.url,
      POLYMARKET_WS_URL: world.wsUrl, POLYMARKET_PRIVATE_KEY: processWallet.privateKey, POLYGON_RPC_URL: `${world.url}/rpc`,
      // Users' linked wallets' secrets are sealed with it (a fresh key per rehearsal: its database goes with it)
      TANDEM_SECRET_KEY: randomBytes(32).toString('hex'), ...REHEARSAL_CRONS,
    }), o.log, clock);
    await addFollowed(tandem.db, world.traders);
    const operatorToken = readFileSync(tandem.operatorTokenFile!, 'utf8').trim();
    const api = apiOf(tandem.url, operatorToken);
    await runJob(api, '/api/ft/sync');
    const wallets = await setUpWallets(tandem.db, tandem.url, operatorToken, processWallet.address, o.wallets, o);
    o.progress(`Tandem ${tandem.url} live against the simulator ${world.url}: ${wallets.map((w) =>
      `${w.strategyIds.length} strategies on wallet ${w.address} (${w.user})`).join(', ')}`);
    const startedAt = clock.now();
    await runFor(o, tandem, world, processWallet.address);
    await windDown(api, tandem.db, world, wallets, o);
    const state = await world.state(processWallet.address);
    return await buildReport({ db: tandem.db, simulatorUrl: world.url, wallets: await reportWallets(tandem, world, wallets),
      startedAt, minutes: o.minutes, seed: o.seed, steps: state.steps, worldResolved: state.worldResolved,
      matchedAt: (key) => state.matched[key] ?? null });
  } finally {
    await tandem?.stop().catch(() => undefined);
    await world.stop().catch(() => undefined);
    // TANDEM_REHEARSE_KEEP=1 keeps Tandem's database for a look afterwards (its path on stderr)
    if (process.env.TANDEM_REHEARSE_KEEP === '1') o.progress(`Tandem's data kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
