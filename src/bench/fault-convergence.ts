/**
 * `fault_convergence`: PRODUCT §9's faults target — "venue 5xx, timeouts after acceptance, 429 bursts, dropped
 * streams: every order converges to the venue's state within two sync cycles" — measured on the torture run's world
 * (src/torture/world.ts: the loopback Polymarket simulator, in-memory PGlite, one launched LT strategy copying
 * FT_COPY_ALL) with the LT engine in this process on the real Polymarket adapter (REST and the user channel).
 *
 * One trial per fault: the markets move (a taker fills our resting orders; a new market brings two signals, a BUY that
 * fills at once and one that rests), the fault is set through the simulator's knobs (src/sim/server/faults.ts), and
 * the next sync cycle (FAULT_CYCLES) runs under it, so its reads, the fills it books and the submits it makes meet it.
 * A sync cycle is what the service's `lt-execute` job does: a tracker pass (syncLtOrders), then the executor
 * (executeLt). The invariants that hold at every commit (src/torture/invariants.ts) are checked after each cycle; a
 * violation fails the measurement. Then the fault is cleared and cycles run until the database equals the venue and
 * every invariant holds (0 if it already does; the torture run's "converged" check: one row per venue order and the
 * reverse, the venue's status and matched size, every signal decided, ledger identities); the number of those cycles
 * is the trial's figure. The value is the worst trial; the target is 2
 */
import { loadavg } from 'node:os';
import { systemClock } from '../engine/clock.ts';
import { executeLt, type LtExecutorDeps } from '../engine/lt-executor.ts';
import { syncLtOrders, type LtTrackerDeps } from '../engine/lt-tracker.ts';
import { silentLog } from '../log.ts';
import type { FaultSettings } from '../sim/server/faults.ts';
import { openPglite, type Db } from '../store/db.ts';
import { checkInvariants } from '../torture/invariants.ts';
import { createTortureWorld, type TortureWorld } from '../torture/world.ts';
import { createPolymarketVenue } from '../venues/polymarket/polymarket-venue.ts';
import { createShadowVenue } from '../venues/shadow-venue.ts';
import type { BenchOptions, BenchSpec, Measured } from './report.ts';

export const FAULT_SPEC: BenchSpec = { name: 'fault_convergence', unit: 'sync cycles', target: 2, comparator: '<=' };

/** The faults PRODUCT §9 names, as simulator knobs */
export const FAULTS: Record<string, Partial<FaultSettings>> = {
  venue_outage: { errorRate: 1 },
  venue_5xx: { errorRate: 0.4 },
  timeouts_after_acceptance: { dropOrderResponses: 2 },
  burst_429: { burst429: 20 },
  dropped_streams: { streamSilence: true },
};
/** Sync cycles run with the fault on: the one that meets the new signals and the taker's fills */
const FAULT_CYCLES = 1;
/** A trial that has not converged after this many cycles without the fault is reported as MAX_CYCLES + 1 */
const MAX_CYCLES = 10;
/** Trials per fault (each on a new market); `--quick` runs one */
const ROUNDS = { full: 3, quick: 1 } as const;

interface Trial {
  fault: string;
  round: number;
  cycles: number;
  /** Invariants of the converged state that failed when the fault was cleared (0: the fault left nothing to repair) */
  failingAtClear: number;
  /** The first of those checks, for a trial over the target (its cause) */
  atClear: string[];
  /** What still failed after the last cycle of a trial that did not converge */
  unconverged: string[];
  ms: number;
}

interface Rig {
  world: TortureWorld;
  db: Db;
  deps: LtExecutorDeps & LtTrackerDeps;
  scope: { userId: string; strategyId: string };
}

/** One lt-execute run: the tracker's pass, then the executor */
async function syncCycle(rig: Rig): Promise<void> {
  await syncLtOrders(rig.deps);
  await executeLt(rig.deps);
}

async function runTrial(rig: Rig, fault: string, round: number, market: number): Promise<Trial> {
  const t0 = performance.now();
  await rig.world.moveMarkets(rig.db, market);
  rig.world.sim.faults.set(FAULTS[fault]!);
  try {
    for (let i = 0; i < FAULT_CYCLES; i++) {
      await syncCycle(rig).catch(() => undefined); // a cycle may fail under the fault; the service's next run goes on
      const broken = await checkInvariants(rig.db, rig.scope, rig.world.venueOrders(), false);
      if (broken.length) throw new Error(`${fault}: invariant broken under the fault: ${broken.join('; ')}`);
    }
  } finally {
    rig.world.sim.faults.reset();
  }
  let failures = await checkInvariants(rig.db, rig.scope, rig.world.venueOrders(), true);
  const failingAtClear = failures.length;
  const atClear = failures.slice(0, 3);
  if (failingAtClear === 0) return { fault, round, cycles: 0, failingAtClear, atClear, unconverged: [], ms: Math.round(performance.now() - t0) };
  for (let cycles = 1; cycles <= MAX_CYCLES; cycles++) {
    await syncCycle(rig);
    failures = await checkInvariants(rig.db, rig.scope, rig.world.venueOrders(), true);
    if (failures.length === 0) return { fault, round, cycles, failingAtClear, atClear, unconverged: [], ms: Math.round(performance.now() - t0) };
  }
  return { fault, round, cycles: MAX_CYCLES + 1, failingAtClear, atClear, unconverged: failures.slice(0, 5), ms: Math.round(performance.now() - t0) };
}

async function openRig(world: TortureWorld, db: Db): Promise<Rig & { close(): Promise<void> }> {
  const venue = await createPolymarketVenue({
    host: world.sim.url, wsHost: world.sim.wsUrl, privateKey: world.privateKey, log: silentLog, clock: systemClock,
    http: { timeoutMs: 30_000, maxAttempts: 2, maxRetryWaitMs: 500 },
  });
  // lostSpacingMs 0: the cycles run back to back but stand for the service's, minutes apart (LOST_SPACING_MS ≪ a cycle)
  const deps: LtExecutorDeps & LtTrackerDeps = { db, venue, shadowVenue: createShadowVenue(venue, systemClock), clock: systemClock,
    signerAddress: venue.address, lostSpacingMs: 0 };
  return { world, db, deps, scope: { userId: world.userId, strategyId: world.strategyId }, close: () => venue.close() };
}

/** Every trial, fault by fault, on one world; the first market settles before any fault (the baseline) */
async function runTrials(world: TortureWorld, db: Db, rounds: number, progress: (text: string) => void): Promise<Trial[]> {
  const rig = await openRig(world, db);
  try {
    await world.moveMarkets(db, 0);
    for (let i = 0; i < MAX_CYCLES && (await checkInvariants(db, rig.scope, world.venueOrders(), true)).length; i++) await syncCycle(rig);
    const trials: Trial[] = [];
    let market = 1;
    for (let round = 1; round <= rounds; round++) {
      for (const fault of Object.keys(FAULTS)) {
        const trial = await runTrial(rig, fault, round, market++);
        trials.push(trial);
        progress(`${FAULT_SPEC.name}: ${fault} (round ${round}/${rounds}): ${trial.failingAtClear} checks failing when cleared, `
          + `converged in ${trial.cycles} cycles (${trial.ms} ms)`);
      }
    }
    return trials;
  } finally {
    await rig.close();
  }
}

export async function measureFaultConvergence(progress: (text: string) => void, options: BenchOptions = {}): Promise<Measured> {
  const rounds = options.quick ? ROUNDS.quick : ROUNDS.full;
  const load = loadavg()[0]!;
  const db = await openPglite('memory://');
  const world = await createTortureWorld({ db });
  progress(`${FAULT_SPEC.name}: world ready (simulator, migrated in-memory PGlite, launched strategy)`);
  try {
    const trials = await world.withDb((db) => runTrials(world, db, rounds, progress));
    const worst = Math.max(...trials.map((t) => t.cycles));
    const of = (f: string) => trials.filter((t) => t.fault === f);
    const byFault = Object.fromEntries(Object.keys(FAULTS).map((f) => [f, of(f).map((t) => t.cycles)]));
    const atClear = Object.fromEntries(Object.keys(FAULTS).map((f) => [f, of(f).map((t) => t.failingAtClear)]));
    return {
      value: worst, samples: trials.length,
      detail: {
        cycles_by_fault: byFault, unconverged_checks_at_clear: atClear, faults: FAULTS, rounds, fault_cycles: FAULT_CYCLES, max_cycles: MAX_CYCLES,
        over_target: trials.filter((t) => t.cycles > FAULT_SPEC.target).map((t) => ({ fault: t.fault, round: t.round, cycles: t.cycles,
          failing_at_clear: t.atClear })),
        unconverged: trials.filter((t) => t.unconverged.length).map((t) => ({ fault: t.fault, round: t.round, failures: t.unconverged })),
        trial_ms: trials.map((t) => t.ms), load_average_1m: Number(load.toFixed(2)), backend: 'PGlite (in memory)',
        cycle: 'syncLtOrders then executeLt (the lt-execute job), Polymarket adapter on the loopback simulator',
        converged_means: 'src/torture/invariants.ts checkInvariants(converged): the database equals the venue, every signal '
          + 'decided, ledger identities',
      },
    };
  } finally {
    await world.close();
    await db.close();
  }
}
