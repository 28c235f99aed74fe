/** Worker leases: claim up to a fair share, renew, hand over on expiry, give back on release (on a manual clock) */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { GLOBAL_LEASE, leaseRound, listLeases, releaseLeases } from './lease-store.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.close());

const LEASE = 30_000;
const t0 = new Date('2026-05-01T00:00:00Z').getTime();
const atS = (s: number) => new Date(t0 + s * 1000);
const owners = async () => Object.fromEntries((await listLeases(t.db)).map((l) => [l.leaseKey, l.owner]));

describe(`strategy leases (${backendName})`, () => {
  const keys = ['u1/a', 'u1/b', 'u2/c'];

  it('claims, shares, renews, hands over an expired lease and gives back on release', async () => {
    const a1 = await leaseRound(t.db, 'A', keys, atS(0), LEASE);
    expect(a1).toMatchObject({ held: keys, global: true, claimed: keys, liveWorkers: 1, share: 3 });
    // B joins: everything is held and not expired, so it claims nothing yet and does not run the global jobs
    const b1 = await leaseRound(t.db, 'B', keys, atS(1), LEASE);
    expect(b1).toMatchObject({ held: [], global: false, claimed: [], liveWorkers: 2, share: 2 });
    // A's next round (every lease time / 3) gives back what is above its share; B's takes it
    expect(await leaseRound(t.db, 'A', keys, atS(10), LEASE)).toMatchObject({ held: ['u1/a', 'u1/b'], released: ['u2/c'], global: true });
    expect(await leaseRound(t.db, 'B', keys, atS(11), LEASE)).toMatchObject({ held: ['u2/c'], claimed: ['u2/c'], global: false });
    expect(await owners()).toEqual({ [GLOBAL_LEASE]: 'A', 'u1/a': 'A', 'u1/b': 'A', 'u2/c': 'B' });
    // A dies after its round at 10 s: its leases last until 40 s; B renews its own and takes A's only once they expire
    expect(await leaseRound(t.db, 'B', keys, atS(21), LEASE)).toMatchObject({ held: ['u2/c'], global: false });
    expect(await leaseRound(t.db, 'B', keys, atS(39), LEASE)).toMatchObject({ held: ['u2/c'], global: false, liveWorkers: 2 });
    const b4 = await leaseRound(t.db, 'B', keys, atS(41), LEASE);
    expect(b4).toMatchObject({ held: keys, global: true, claimed: ['u1/a', 'u1/b'], liveWorkers: 1, share: 3 });
    const expiry = (await listLeases(t.db)).map((l) => l.expiresAt?.toISOString());
    expect(new Set(expiry)).toEqual(new Set([atS(71).toISOString()]));
    // A strategy that stops being live is given back; a stopping worker gives back everything and leaves
    expect(await leaseRound(t.db, 'B', ['u1/a', 'u2/c'], atS(50), LEASE)).toMatchObject({ held: ['u1/a', 'u2/c'], released: ['u1/b'] });
    expect(await releaseLeases(t.db, 'B')).toEqual([GLOBAL_LEASE, 'u1/a', 'u2/c']);
    expect(await owners()).toEqual({ [GLOBAL_LEASE]: null, 'u1/a': null, 'u1/b': null, 'u2/c': null });
    expect(await t.db.query('SELECT worker_id FROM workers WHERE worker_id = $1', ['B'])).toEqual([]);
  });

  it('two workers claiming at once take disjoint strategies, and one of them the global jobs', async () => {
    const many = Array.from({ length: 9 }, (_, i) => `u9/s${i}`);
    await leaseRound(t.db, 'C', [], atS(100), LEASE); // both are live workers before either claims
    await leaseRound(t.db, 'D', [], atS(100), LEASE);
    const [c, d] = await Promise.all([leaseRound(t.db, 'C', many, atS(101), LEASE), leaseRound(t.db, 'D', many, atS(101), LEASE)]);
    expect(c.held.filter((k) => d.held.includes(k))).toEqual([]);
    expect([...c.held, ...d.held].sort()).toEqual(many);
    expect([c.held.length, d.held.length].sort()).toEqual([4, 5]);
    expect([c.global, d.global].sort()).toEqual([false, true]);
  });
});
