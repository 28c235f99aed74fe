/**
 * A worker's leases, kept: a round at start and every lease time / 3 (src/store/lease-store.ts), and at once when a
 * strategy appears that the last round did not know (one just launched is run without waiting for the next round).
 * Each round writes its rows to last 2/3 of the lease time: a dead worker's rows lapse at most 2/3 after its last
 * round, and the others' next round (at most 1/3 later) claims them, so its strategies move within one lease time.
 * What the last round gave is trusted for 1/2 of a lease time after the round began, measured on the monotonic clock:
 * a worker that cannot reach the database stops running the strategies a sixth of a lease time before its rows lapse
 * and another may claim them
 */
import { performance } from 'node:perf_hooks';
import type { Clock, Log, StrategyShare } from '../engine/ports.ts';
import type { Db } from '../store/db.ts';
import { leaseRound, releaseLeases, strategyLeaseKey } from '../store/lease-store.ts';
import { listLaunchedStrategies } from '../store/lt-strategy-store.ts';

export interface LeaseKeeper extends StrategyShare {
  /** Whether this worker runs the global jobs now */
  holdsGlobal(): boolean;
  /** The strategy keys held after the last round */
  held(): string[];
  /** One round now (also what the timer runs) */
  round(): Promise<void>;
  /** Stops the rounds: nothing more is claimed or renewed (shutdown, before the in-flight jobs drain) */
  stopClaiming(): void;
  /** Gives every lease back and leaves the live workers (shutdown, after the drain) */
  release(): Promise<void>;
}

export interface LeaseKeeperDeps {
  db: Db;
  clock: Clock;
  log: Log;
  workerId: string;
  leaseMs: number;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function startLeaseKeeper(deps: LeaseKeeperDeps): Promise<LeaseKeeper> {
  let held = new Set<string>();
  let known = new Set<string>();
  let global = false;
  let lastOk = -Infinity;
  let claiming = true;
  let current: Promise<void> | null = null;
  let lastTry = -Infinity;
  const trusted = () => performance.now() - lastOk < deps.leaseMs / 2;
  const rowMs = Math.floor((deps.leaseMs * 2) / 3);
  const once = async () => {
    const keys = (await listLaunchedStrategies(deps.db)).map(strategyLeaseKey);
    const started = performance.now();
    const r = await leaseRound(deps.db, deps.workerId, keys, deps.clock.now(), rowMs);
    held = new Set(r.held);
    known = new Set(keys);
    if (r.global !== global) deps.log.info(r.global ? 'global jobs lease taken' : 'global jobs lease lost', { worker: deps.workerId });
    global = r.global;
    lastOk = started;
    if (r.claimed.length > 0 || r.released.length > 0) {
      deps.log.info('strategy leases', { worker: deps.workerId, claimed: r.claimed, released: r.released,
        held: r.held.length, share: r.share, workers: r.liveWorkers });
    }
  };
  const round = (): Promise<void> => {
    if (!claiming) return Promise.resolve();
    lastTry = performance.now();
    current ??= once().finally(() => {
      current = null;
    });
    return current;
  };
  await round();
  const timer = setInterval(() => void round().catch((e: unknown) => deps.log.error('lease round failed', { error: errorText(e) })),
    Math.max(1, Math.floor(deps.leaseMs / 3)));
  timer.unref();
  return {
    holdsGlobal: () => trusted() && global,
    held: () => [...held].sort(),
    round,
    // A strategy no longer live (its leftover orders) is nobody's lease: the worker with the global jobs runs it
    among: async (strategies) => {
      const unknown = (s: { userId: string; strategyId: string }) => !known.has(strategyLeaseKey(s));
      if (claiming && strategies.some(unknown) && performance.now() - lastTry > 1_000) await round();
      if (!trusted()) return [];
      return strategies.filter((s) => held.has(strategyLeaseKey(s)) || (global && unknown(s)));
    },
    stopClaiming: () => {
      claiming = false;
      clearInterval(timer);
    },
    release: async () => {
      claiming = false;
      clearInterval(timer);
      await current?.catch(() => undefined);
      const given = await releaseLeases(deps.db, deps.workerId);
      held = new Set();
      global = false;
      deps.log.info('leases released', { worker: deps.workerId, count: given.length });
    },
  };
}
