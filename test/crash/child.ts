/**
 * The LT executor as a child process, for the crash tests (lt-crash.test.ts). Config from the environment:
 *   CRASH_DATABASE_URL (PostgreSQL) or CRASH_DATA_DIR (PGlite data directory), CRASH_SIM_URL (the loopback simulator),
 *   CRASH_PRIVATE_KEY (the trading wallet), CRASH_POINT (optional: the injection point at which the process SIGKILLs
 *   itself, the first time it is reached).
 * It runs recovery (as on start), then sync / execute / resolve until a few rounds in a row do nothing, prints one
 * JSON line per step on stdout and exits 0
 */
import { writeSync } from 'node:fs';
import type { Hex } from 'viem';
import { systemClock } from '../../src/engine/clock.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import type { CrashPoint, LtHooks } from '../../src/engine/lt-hooks.ts';
import { recoverLt } from '../../src/engine/lt-recovery.ts';
import { resolveLt } from '../../src/engine/lt-resolve.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { silentLog } from '../../src/log.ts';
import { openDb } from '../../src/store/db.ts';
import { createPolymarketVenue } from '../../src/venues/polymarket/polymarket-venue.ts';
import { createPolygonChain } from '../../src/venues/polymarket/chain.ts';
import { createShadowVenue } from '../../src/venues/shadow-venue.ts';

const POINTS: CrashPoint[] = ['after_intent', 'after_submit', 'after_fill', 'mid_settlement', 'after_redeem_record', 'after_redeem_send'];
const MAX_ROUNDS = 20;
const QUIET_ROUNDS = 2;

const say = (event: Record<string, unknown>): void => {
  // Synchronous: a line written just before the SIGKILL must not be lost in a stream buffer
  writeSync(1, `${JSON.stringify({ ...event, ms: Math.round(performance.now()) }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const point = process.env.CRASH_POINT || null;
  if (point !== null && !POINTS.includes(point as CrashPoint)) throw new Error(`unknown CRASH_POINT ${point}`);
  const hooks: LtHooks = {
    at: (p) => {
      if (p !== point) return;
      say({ step: 'crash', point: p });
      process.kill(process.pid, 'SIGKILL');
    },
  };
  say({ step: 'start' });
  // The database and the venue (API creds derived over HTTP) open side by side: each child pays both on start
  const [db, venue] = await Promise.all([
    openDb({ databaseUrl: process.env.CRASH_DATABASE_URL || undefined, dataDir: process.env.CRASH_DATA_DIR || undefined }),
    createPolymarketVenue({
      host: required('CRASH_SIM_URL'), privateKey: required('CRASH_PRIVATE_KEY') as Hex, log: silentLog, clock: systemClock,
      // Generous: the simulator shares a loaded machine (the tests run beside a CPU hog); a slow answer is not a failure
      http: { timeoutMs: 30_000, maxAttempts: 2, maxRetryWaitMs: 500 },
    }),
  ]);
  say({ step: 'opened' });
  // Winnings are redeemed through the simulator's JSON-RPC, signed with the same key
  const chain = createPolygonChain({ rpcUrl: `${required('CRASH_SIM_URL')}/rpc`, privateKey: required('CRASH_PRIVATE_KEY') as Hex, signatureType: 0 });
  // lostSpacingMs 0: the rounds run back to back but stand for sync cycles minutes apart (a not-found still counts once per pass)
  const deps = { db, venue, shadowVenue: createShadowVenue(venue, systemClock), clock: systemClock, signerAddress: venue.address, hooks, chain,
    lostSpacingMs: 0 };
  try {
    const recovery = await recoverLt(deps);
    say({ step: 'recovery', pendingSent: recovery.pendingSent, pendingUnsent: recovery.pendingUnsent,
      fillsBooked: recovery.sync.fillsBooked, unexplained: recovery.unexplained, errors: recovery.sync.errors });
    let quiet = 0;
    for (let round = 0; round < MAX_ROUNDS && quiet < QUIET_ROUNDS; round += 1) {
      const sync = await syncLtOrders(deps);
      const exec = await executeLt(deps);
      const resolve = await resolveLt(deps);
      const [open] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE status IN ('pending', 'unknown')`);
      say({ step: 'round', round, fillsBooked: sync.fillsBooked, finished: sync.finished, ordered: exec.ordered,
        settled: resolve.settled, redeemed: resolve.redeemed, undecided: open!.n,
        errors: [...sync.errors, ...exec.errors, ...resolve.errors, ...(resolve.onChain?.errors ?? [])] });
      const inFlight = (resolve.onChain?.submitted ?? 0) + (resolve.onChain?.pending ?? 0);
      const idle = sync.fillsBooked + sync.finished + exec.ordered + resolve.settled + resolve.redeemed + inFlight === 0 && open!.n === 0;
      quiet = idle ? quiet + 1 : 0;
    }
    say({ step: 'done', quiet: quiet >= QUIET_ROUNDS });
  } finally {
    await venue.close();
    await db.close();
    say({ step: 'closed' });
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  say({ step: 'error', error: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exit(1);
});
