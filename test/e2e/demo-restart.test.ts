/**
 * The demo resumes after a restart: `tandem start` (PGlite, simulated world) in a child process trades, is stopped
 * with SIGTERM, and started again on the same DATA_DIR. The world continues from what the database holds: new market
 * ids (none of the earlier run's resolved ones), its open markets carried over, so new paper orders and the live
 * strategy's orders follow the restart instead of every trade being skipped as `market_resolved`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServiceChild, type ServiceChild } from '../../src/bench/service-child.ts';
import { openPglite, type PgliteDb } from '../../src/store/db.ts';

const FT = 'FT_T1_BASELINE';
const LT = `LT_${FT}`;
// Markets of a minute's life (eight close one after another over it) and the resolver every 2 s: resolutions come early
const ENV = { SIM_STEP_MS: '500', SIM_MARKET_LIFETIME_MS: '60000', LT_EXECUTE_CRON: '*/2 * * * * *', FT_RESOLVE_CRON: '*/2 * * * * *' };
const dir = mkdtempSync(join(tmpdir(), 'tandem-restart-'));
let service: ServiceChild | null = null;

afterAll(async () => {
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Json = Record<string, any>;

async function get(s: ServiceChild, path: string): Promise<Json> {
  const r = await s.api(path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json as Json;
}

/** Polls `probe` every second until it returns a value, for at most `ms` */
async function until<T>(what: string, ms: number, probe: () => Promise<T | null>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; service log: ${service?.stderrTail().slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const newestFtOrder = async (s: ServiceChild): Promise<string | null> =>
  ((await get(s, `/api/ft/wallets/${FT}/orders?limit=1`)).orders[0]?.order_time as string | undefined) ?? null;

const ltOrdersSince = async (s: ServiceChild, from: string): Promise<number> =>
  (await get(s, `/api/lt/orders?strategy_id=${LT}&from=${encodeURIComponent(from)}&limit=100`)).orders.length;

/** Reads the stopped service's database (its PGlite DATA_DIR) */
async function inDb<T>(fn: (db: PgliteDb) => Promise<T>): Promise<T> {
  const db = await openPglite(dir);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Paper orders open at the stop on world markets whose end had passed: the resumed world must still resolve them */
const openOnEndedMarkets = (db: PgliteDb, at: Date) => db.query<{ order_id: string }>(
  `SELECT o.order_id FROM ft_orders o JOIN markets m ON m.condition_id = o.condition_id
   WHERE o.wallet_id = $1 AND o.resolved_time IS NULL AND m.resolved_at IS NULL AND m.end_time < $2`, [FT, at.toISOString()]);

const resolvedOrder = async (s: ServiceChild): Promise<true | null> =>
  ((await get(s, `/api/ft/wallets/${FT}/orders?limit=200`)).orders as Json[]).some((o) => o.resolved_time !== null) ? true : null;

describe('restarting the demo on the same data directory', () => {
  // The process runs the embedded PGlite demo whatever TEST_DATABASE_URL says: the PGlite pass of the suite covers it
  it.skipIf(Boolean(process.env.TEST_DATABASE_URL))('goes on taking paper and live orders after the restart, on markets it has not resolved', async () => {
    service = await startServiceChild(dir, ENV);
    const created = await service.api('/api/lt/strategies', { ft_wallet_id: FT, starting_capital: '500',
      wallet_address: `0x${'1'.repeat(40)}`, max_signal_age_seconds: 600 });
    expect(created.status).toBe(201);
    expect((await service.api(`/api/lt/strategies/${LT}/launch`, {})).status).toBe(200);
    const first = service;
    await until('LT orders before the restart', 240_000, async () => ((await ltOrdersSince(first, new Date(0).toISOString())) > 0 ? true : null));
    // A live market of this run has resolved, so a world that lists the same ids again would meet it resolved
    await until('a paper order resolved before the restart', 420_000, () => resolvedOrder(first));
    await service.stop();
    service = null;

    const restartedAt = new Date();
    const carried = await inDb((db) => openOnEndedMarkets(db, restartedAt));
    service = await startServiceChild(dir, ENV);
    const s = service;
    const since = restartedAt.toISOString();
    await until('a paper order after the restart', 240_000, async () => {
      const t = await newestFtOrder(s);
      return t !== null && t > since ? t : null;
    });
    await until('a live order after the restart', 240_000, async () => ((await ltOrdersSince(s, since)) > 0 ? true : null));
    expect((await get(s, `/api/lt/strategies/${LT}`)).strategy).toMatchObject({ is_active: true, is_paused: false });
    // The earlier run's open markets were carried over: those already ended resolve, and their paper orders settle
    const open = new Set(carried.map((o) => o.order_id));
    await until(`the ${open.size} paper orders open at the stop to settle`, 240_000, async () => {
      const rows = (await get(s, `/api/ft/wallets/${FT}/orders?limit=500`)).orders as Json[];
      return rows.every((o) => !open.has(o.order_id as string) || o.resolved_time !== null) ? true : null;
    });
    await service.stop();
    service = null;

    // Before the fix the world listed the earlier run's market ids again: its trades met them resolved (market_resolved)
    const [after] = await inDb((db) => db.query<{ trades: number; on_resolved: number }>(
      `SELECT count(*)::int AS trades, count(*) FILTER (WHERE m.resolved_at < $1)::int AS on_resolved
       FROM source_trades t JOIN markets m ON m.condition_id = t.condition_id WHERE t.trade_time > $1`, [since]));
    expect(after!.trades).toBeGreaterThan(0);
    expect(after!.on_resolved).toBe(0);
  }, 1_500_000);
});
