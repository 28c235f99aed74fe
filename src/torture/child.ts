/**
 * The Tandem process of the torture run (src/torture/run.ts): the LT live path (recovery on start, then the tracker,
 * the executor and the resolver, on the real Polymarket adapter against the loopback simulator the runner keeps alive).
 * Test-only: it refuses to run unless TANDEM_TEST_CRASH_INJECTION=1, because it SIGKILLs itself at an injection point on
 * request. Production never loads this file (`tandem start` passes no hooks).
 *
 * Protocol: one JSON line per step on stdout. The process recovers and runs until quiet ("converged"), then closes the
 * database (a PGlite directory has one owner at a time) and reads one line on stdin: {"point": CrashPoint | null}. It reopens
 * the database, arms the point (the process dies at its first hit) and runs until quiet again; and so on until stdin ends
 * Config: TORTURE_DATABASE_URL or TORTURE_DATA_DIR, TORTURE_SIM_URL, TORTURE_PRIVATE_KEY
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Hex } from 'viem';
import { systemClock } from '../engine/clock.ts';
import { executeLt } from '../engine/lt-executor.ts';
import type { CrashPoint, LtHooks } from '../engine/lt-hooks.ts';
import { recoverLt } from '../engine/lt-recovery.ts';
import { resolveLt } from '../engine/lt-resolve.ts';
import { syncLtOrders } from '../engine/lt-tracker.ts';
import { silentLog } from '../log.ts';
import { openDb, type Db } from '../store/db.ts';
import { createPolygonChain } from '../venues/polymarket/chain.ts';
import { createPolymarketVenue } from '../venues/polymarket/polymarket-venue.ts';
import { createShadowVenue } from '../venues/shadow-venue.ts';
import { CRASH_POINTS, TEST_ONLY_GATE } from './schedule.ts';

const MAX_ROUNDS = 20;
const QUIET_ROUNDS = 2;

const say = (event: Record<string, unknown>): void => {
  // Synchronous: a line written just before the SIGKILL must not be lost in a stream buffer
  writeSync(1, `${JSON.stringify({ ...event, ms: Math.round(performance.now()) })}\n`);
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

let armed: CrashPoint | null = null;
const hooks: LtHooks = {
  at: (point) => {
    if (point !== armed) return;
    say({ step: 'crash', point });
    process.kill(process.pid, 'SIGKILL');
  },
};

const openTheDb = (): Promise<Db> =>
  openDb({ databaseUrl: process.env.TORTURE_DATABASE_URL || undefined, dataDir: process.env.TORTURE_DATA_DIR || undefined });

type Deps = Parameters<typeof executeLt>[0] & Parameters<typeof resolveLt>[0] & Parameters<typeof recoverLt>[0];

/** sync / execute / resolve until a few rounds in a row do nothing */
async function converge(deps: Deps): Promise<Record<string, unknown>> {
  let quiet = 0;
  const errors: string[] = [];
  let round = 0;
  for (; round < MAX_ROUNDS && quiet < QUIET_ROUNDS; round += 1) {
    say({ step: 'round', round });
    const sync = await syncLtOrders(deps);
    const exec = await executeLt(deps);
    const resolve = await resolveLt(deps);
    const [open] = await deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE status IN ('pending', 'unknown')`);
    errors.push(...[...sync.errors, ...exec.errors, ...resolve.errors, ...(resolve.onChain?.errors ?? [])].map((e) => JSON.stringify(e)));
    const inFlight = (resolve.onChain?.submitted ?? 0) + (resolve.onChain?.pending ?? 0);
    const busy = sync.fillsBooked + sync.finished + exec.ordered + resolve.settled + resolve.redeemed + inFlight + open!.n;
    quiet = busy === 0 ? quiet + 1 : 0;
  }
  return { step: 'converged', quiet: quiet >= QUIET_ROUNDS, rounds: round, errors };
}

async function main(): Promise<void> {
  if (process.env[TEST_ONLY_GATE] !== '1') throw new Error(`test-only process: set ${TEST_ONLY_GATE}=1 to allow self-inflicted crashes`);
  say({ step: 'start' });
  const simUrl = required('TORTURE_SIM_URL');
  const privateKey = required('TORTURE_PRIVATE_KEY') as Hex;
  const [firstDb, venue] = await Promise.all([openTheDb(), createPolymarketVenue({
    host: simUrl, privateKey, log: silentLog, clock: systemClock, http: { timeoutMs: 30_000, maxAttempts: 2, maxRetryWaitMs: 500 },
  })]);
  const chain = createPolygonChain({ rpcUrl: `${simUrl}/rpc`, privateKey, signatureType: 0 });
  // lostSpacingMs 0: the rounds run back to back but stand for sync cycles minutes apart (a not-found still counts once per pass)
  const base = { venue, shadowVenue: createShadowVenue(venue, systemClock), clock: systemClock, signerAddress: venue.address, hooks, chain,
    lostSpacingMs: 0 };
  let db: Db = firstDb;
  say({ step: 'opened' });
  const recovery = await recoverLt({ ...base, db });
  say({ step: 'recovered', pendingSent: recovery.pendingSent, pendingUnsent: recovery.pendingUnsent, unexplained: recovery.unexplained,
    errors: recovery.sync.errors.map((e) => JSON.stringify(e)) });
  let done = await converge({ ...base, db });
  await db.close(); // before saying so: the runner opens the database on 'converged'
  say(done);
  for await (const line of createInterface({ input: process.stdin })) {
    const { point } = JSON.parse(line) as { point: string | null };
    if (point !== null && !CRASH_POINTS.includes(point as CrashPoint)) throw new Error(`unknown crash point ${point}`);
    db = await openTheDb();
    armed = point as CrashPoint | null;
    say({ step: 'go', point });
    done = await converge({ ...base, db });
    armed = null;
    await db.close();
    say(done);
  }
  await venue.close();
  say({ step: 'closed' });
}

main().then(() => process.exit(0), (error: unknown) => {
  say({ step: 'error', error: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exit(1);
});
