/**
 * Workers share the live strategies by lease (issue 14, item 1): the executor and the tracker of a worker run only the
 * strategies it holds; a worker's graceful stop gives its strategies back at once, a dead worker's move once its
 * leases expire; the global jobs' lease is held by one worker at a time
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { startLeaseKeeper, type LeaseKeeper } from '../../src/jobs/leases.ts';
import { silentLog } from '../../src/log.ts';
import { listLeases } from '../../src/store/lease-store.ts';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

const LEASE_MS = 60_000; // long, so a loaded machine never lets a live keeper's lease lapse; expiry is on the manual clock

describe(`worker leases (${backendName})`, () => {
  let w: LtWorld;
  const keepers: LeaseKeeper[] = [];
  afterEach(async () => {
    for (const k of keepers.splice(0)) k.stopClaiming();
    await w?.close();
  });
  const keeper = async (workerId: string) => {
    const k = await startLeaseKeeper({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, workerId, leaseMs: LEASE_MS });
    keepers.push(k);
    return k;
  };

  it('runs a strategy in the worker holding it only, and hands it over on release and on expiry', async () => {
    w = await createLtWorld();
    const a = await keeper('A');
    const b = await keeper('B');
    const key = `${w.userId}/${w.strategyId}`;
    expect([a.held(), a.holdsGlobal(), b.held(), b.holdsGlobal()]).toEqual([[key], true, [], false]);

    await w.buySignal({ price: 0.5 });
    expect(await executeLt({ ...w.deps, share: b })).toMatchObject({ strategies: 0, ordered: 0 });
    expect(await executeLt({ ...w.deps, share: a })).toMatchObject({ strategies: 1, ordered: 1, errors: [] });
    expect(await syncLtOrders({ ...w.deps, share: b })).toMatchObject({ polled: 0 });
    expect(await syncLtOrders({ ...w.deps, share: a })).toMatchObject({ polled: 1, errors: [] });

    // A stops gracefully: it gives everything back, and B's next round takes it
    a.stopClaiming();
    await a.release();
    await b.round();
    expect([b.held(), b.holdsGlobal()]).toEqual([[key], true]);
    expect(await syncLtOrders({ ...w.deps, share: b })).toMatchObject({ polled: 1, errors: [] });

    // B dies (no release, no more rounds): C takes nothing while B's leases last, everything once they expire. A round
    // writes its rows to last 2/3 of the lease time, so with rounds every third a dead worker's strategies move within one
    b.stopClaiming();
    const c = await keeper('C');
    expect([c.held(), c.holdsGlobal()]).toEqual([[], false]);
    w.ft.clock.advance((LEASE_MS * 2) / 3 - 1_000);
    await c.round();
    expect(c.held()).toEqual([]);
    w.ft.clock.advance(2_000);
    await c.round();
    expect([c.held(), c.holdsGlobal()]).toEqual([[key], true]);
    expect((await listLeases(w.ft.t.db)).map((l) => l.owner)).toEqual(['C', 'C']);
  });
});
