/**
 * `tandem rehearse`: Tandem in live mode (VENUE=polymarket, RTDS + Data API + Gamma + CLOB + user channel + Polygon JSON-RPC
 * for redemptions) against the loopback
 * simulator over the wire, with a world whose markets resolve within the run; then a report of latency, orders, fills,
 * redemptions, reconciliation with the simulated wallet, and every invariant
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { loadConfig } from '../config.ts';
import { systemClock } from '../engine/clock.ts';
import type { Log } from '../engine/ports.ts';
import { startTandem, type Tandem } from '../main.ts';
import type { Db } from '../store/db.ts';
import { redemptionsPending } from '../store/redemption-store.ts';
import { addFollowed } from '../store/trade-store.ts';
import { buildReport, type RehearsalReport } from './report.ts';
import { startWorldProcess, type WorldProcess } from './world-process.ts';

export interface RehearseOptions {
  minutes: number;
  seed: number;
  /** FT strategies to mirror live, one LT strategy each */
  strategies: string[];
  /** Starting capital of each LT strategy (decimal USDC) */
  capitalUsdc: string;
  /** Progress lines (stderr in the CLI) */
  progress: (line: string) => void;
  log: Log;
}

export const DEFAULT_STRATEGIES = ['FT_T1_BASELINE', 'FT_T1_PURE_EDGE', 'FT_T1_PURE_WR'];

/**
 * The cadences of a rehearsal. Markets live a few minutes instead of days, so resolution runs every 10 s; signals come
 * from the stream and run lt-signals at once, so the Data API poll (backfill; polling every 15 s takes over while the
 * stream is not live) and lt-execute (its backstop, and the fills' reading) keep slower cadences, as in production
 * (every minute and every two). Staggered within the minute, so no two jobs start on the same second
 */
export const REHEARSAL_CRONS = {
  FT_SYNC_CRON: '7-59/30 * * * * *', FT_RESOLVE_CRON: '1-59/10 * * * * *', LT_EXECUTE_CRON: '3-59/15 * * * * *',
  LT_RESOLVE_CRON: '5-59/10 * * * * *',
};

interface Api {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** A connection the server closed as it was reused (keep-alive race): the request never reached a handler */
const connectionReset = (e: unknown): boolean =>
  e instanceof TypeError && (e.cause as { code?: string } | undefined)?.code === 'ECONNRESET';

function apiOf(tandem: Tandem, token: string): Api {
  const once = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(path, tandem.url), {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  return {
    call: async (method, path, body) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await once(method, path, body);
        } catch (e) {
          if (!connectionReset(e) || attempt >= 3) throw e;
        }
      }
    },
  };
}

async function must(api: Api, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await api.call(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Creates and launches one LT strategy per FT strategy, trading through the rehearsal's wallet */
async function launchStrategies(api: Api, o: RehearseOptions, wallet: string): Promise<string[]> {
  const ids: string[] = [];
  for (const ft of o.strategies) {
    const created = await must(api, 'POST', '/api/lt/strategies', {
      ft_wallet_id: ft, starting_capital: o.capitalUsdc, wallet_address: wallet, max_signal_age_seconds: 120,
    });
    const id = String((created.strategy as Record<string, unknown>).strategy_id);
    await must(api, 'POST', `/api/lt/strategies/${id}/launch`);
    ids.push(id);
  }
  return ids;
}

/** Runs a job through the API, waiting (bounded) while a scheduled run of it is under way, so this run really happens */
async function runJob(api: Api, path: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const r = await must(api, 'POST', path);
    if (r.ran !== false || r.reason !== 'already running') return r;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${path} stayed busy for a minute`);
}

/**
 * Winds down: freezes the world, reads its last trades and mirrors them (so every signal gets its disposition), then
 * pauses every strategy, cancels what rests, and books the fills and settlements that are left
 */
async function windDown(api: Api, db: Db, world: WorldProcess, ids: string[], o: RehearseOptions): Promise<void> {
  await world.freeze();
  await runJob(api, '/api/ft/sync');
  const last = (await runJob(api, '/api/lt/execute')).report as { execute?: Record<string, unknown> } | undefined;
  const e = last?.execute ?? {};
  o.progress(`world frozen; last signals: ${e.signals} (ordered ${e.ordered}, skipped ${e.skipped}, expired ${e.expired}, deferred ${e.deferred})`);
  for (const id of ids) await must(api, 'POST', `/api/lt/strategies/${id}/pause`, { reason: 'rehearsal over' });
  await must(api, 'POST', '/api/lt/cancel-open-orders');
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

export async function rehearse(o: RehearseOptions): Promise<RehearsalReport> {
  const clock = systemClock;
  const dir = mkdtempSync(join(tmpdir(), 'tandem-rehearse-'));
  const privateKey = generatePrivateKey();
  const wallet = privateKeyToAccount(privateKey).address;
  const fund = (BigInt(o.strategies.length) * BigInt(Math.ceil(Number(o.capitalUsdc))) + 100n).toString();
  const lifetimeMs = Math.max(60_000, Math.floor((o.minutes * 60_000) / 3));
  // The world and its simulator run in a process of their own, as Polymarket does: nothing of theirs holds up Tandem
  const world = await startWorldProcess({ seed: o.seed, marketLifetimeMs: lifetimeMs, openMarkets: 6, stepMs: 1000, fundUsdc: fund });
  let tandem: Tandem | null = null;
  try {
    tandem = await startTandem(loadConfig({
      DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', FT_SOURCE: 'data-api', DATA_API_URL: world.url,
      GAMMA_URL: world.gammaUrl, RTDS_URL: world.rtdsUrl, VENUE: 'polymarket', POLYMARKET_CLOB_URL: world.url,
      POLYMARKET_WS_URL: world.wsUrl, POLYMARKET_PRIVATE_KEY: privateKey, POLYGON_RPC_URL: `${world.url}/rpc`, ...REHEARSAL_CRONS,
    }), o.log, clock);
    await addFollowed(tandem.db, world.traders);
    const api = apiOf(tandem, readFileSync(tandem.operatorTokenFile!, 'utf8').trim());
    await runJob(api, '/api/ft/sync');
    const ids = await launchStrategies(api, o, wallet);
    o.progress(`Tandem ${tandem.url} live against the simulator ${world.url}: ${ids.length} strategies on wallet ${wallet}`);
    const startedAt = clock.now();
    await runFor(o, tandem, world, wallet);
    await windDown(api, tandem.db, world, ids, o);
    const state = await world.state(wallet);
    return await buildReport({ db: tandem.db, venue: tandem.venue, simulatorUrl: world.url, wallet, fundUsdc: fund, startedAt,
      minutes: o.minutes, seed: o.seed, steps: state.steps, placements: state.placements, worldResolved: state.worldResolved,
      matchedAt: (key) => state.matched[key] ?? null });
  } finally {
    await tandem?.stop().catch(() => undefined);
    await world.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
