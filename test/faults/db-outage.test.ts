/**
 * Fault: PostgreSQL unreachable while the engine runs (issue 12, docs/reliability.md). The engine's connections go
 * through a loopback TCP proxy that is cut (every connection reset, new ones refused) and restored; the outage is
 * logical (cut → run the jobs → restore), so no real 10 s wait: what matters is which writes fail, not for how long.
 * What must hold: nothing is sent while the intent cannot be stored, no order is sent twice or lost, the ledger
 * identities hold throughout, and once the database is back the running engine converges without a restart.
 * PostgreSQL only (PGlite runs in the process: it has no connection to lose)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import { executeLt, type LtExecutorDeps } from '../../src/engine/lt-executor.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import type { Venue } from '../../src/engine/venue-port.ts';
import { openPostgres, type Db } from '../../src/store/db.ts';
import { ACCOUNT, createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { TEST_DATABASE_URL } from '../support/test-db.ts';
import { eventually } from '../support/polymarket-rig.ts';

interface Outage {
  w: LtWorld;
  proxy: TcpProxy;
  /** The engine's database: every connection through the proxy */
  db: Db;
  deps: LtExecutorDeps;
}

const opened: Outage[] = [];

/** A $10 BUY signal at 0.50: it fills against an ask at 0.50 when `asks`, else rests (GTC) in an empty book */
/** The venue takes the order; the database goes away before the answer is recorded */
const cutAfterSubmit = (world: LtWorld, proxy: TcpProxy): Venue => ({
  ...world.venue,
  submit: async (prepared) => {
    const outcome = await world.venue.submit(prepared);
    proxy.cut();
    return outcome;
  },
});

async function outageWorld(venue?: (w: LtWorld, proxy: TcpProxy) => Venue, asks = true): Promise<Outage> {
  const w = await createLtWorld();
  const url = new URL(w.ft.t.url!);
  const proxy = await startTcpProxy(url.hostname, Number(url.port));
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  const db = await openPostgres(url.toString());
  const deps: LtExecutorDeps = { ...w.deps, db, venue: venue?.(w, proxy) ?? w.venue };
  const o = { w, proxy, db, deps };
  opened.push(o);
  if (asks) w.asks([['0.50', '100']]);
  return o;
}

const statuses = async (w: LtWorld) => (await w.orders()).map((o) => o.status);

describe.skipIf(!TEST_DATABASE_URL)('database unreachable (postgres, through a TCP proxy)', () => {
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      o.proxy.restore();
      await o.db.close().catch(() => undefined);
      await o.proxy.close();
      await o.w.close();
    }
  });

  it('down before the intent: the run fails cleanly, nothing is sent; back, the signal is ordered exactly once', async () => {
    const { w, proxy, deps } = await outageWorld();
    await w.buySignal({ price: 0.5 });
    proxy.cut();
    await expect(executeLt(deps)).rejects.toThrow();
    await expect(syncLtOrders(deps)).rejects.toThrow();
    expect(w.probe.submits).toBe(0);
    expect(await w.orders()).toEqual([]);
    proxy.restore();
    expect((await executeLt(deps)).ordered).toBe(1);
    await syncLtOrders(deps);
    expect(w.probe.submits).toBe(1);
    expect(await statuses(w)).toEqual(['filled']);
    expect(await w.checkLedger()).toMatchObject({ reserved: 0n });
  });

  it('down after the venue accepted the order: no second submit, and the running engine tracks it once the database is back', async () => {
    const { w, proxy, deps } = await outageWorld(cutAfterSubmit, false);
    await w.buySignal({ price: 0.5 });
    const report = await executeLt(deps);
    expect(report.errors.length).toBe(1);
    expect(w.probe.submits).toBe(1);
    expect(await statuses(w)).toEqual(['pending']); // sent, its answer not stored
    expect(await w.checkLedger()).toMatchObject({ reserved: usdc('10') }); // the cash stays held meanwhile
    await expect(syncLtOrders(deps)).rejects.toThrow();
    proxy.restore();
    expect((await executeLt(deps)).ordered).toBe(0); // the signal was decided with its intent: never ordered again
    expect((await syncLtOrders(deps)).errors).toEqual([]);
    expect(await statuses(w)).toEqual(['pending']); // a fresh intent may still be in a submit: left alone
    w.ft.clock.advance(10 * 60_000);
    expect(await syncLtOrders(deps)).toMatchObject({ polled: 1, errors: [] });
    expect(await statuses(w)).toEqual(['open']); // read back from the venue, without a restart
    w.takeFromMaker('SELL', '0.50', '20');
    expect(await syncLtOrders(deps)).toMatchObject({ fillsBooked: 1, errors: [] });
    expect(w.probe.submits).toBe(1);
    expect(w.exchange.openOrders(ACCOUNT)).toHaveLength(0);
    expect(await statuses(w)).toEqual(['filled']);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
  });

  it('down after a filled submit: the fills book the order once the database is back', async () => {
    const { w, proxy, deps } = await outageWorld(cutAfterSubmit);
    await w.buySignal({ price: 0.5 });
    expect((await executeLt(deps)).errors.length).toBe(1);
    proxy.restore();
    expect(await syncLtOrders(deps)).toMatchObject({ fillsBooked: 1, errors: [] });
    expect(w.probe.submits).toBe(1);
    expect(await statuses(w)).toEqual(['filled']);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
  });

  it('down between the intent and its prepared order: nothing was sent, and the running engine releases the reservation once back', async () => {
    const { w, proxy, deps } = await outageWorld();
    await w.buySignal({ price: 0.5 });
    // The intent is committed (its signing already started beside it); storing the prepared order fails
    const hooks = { at: (point: string) => { if (point === 'after_intent') proxy.cut(); } };
    expect((await executeLt({ ...deps, hooks })).errors.length).toBe(1);
    expect(w.probe.submits).toBe(0);
    expect(await statuses(w)).toEqual(['pending']);
    proxy.restore();
    await syncLtOrders(deps);
    expect(await statuses(w)).toEqual(['pending']);
    w.ft.clock.advance(10 * 60_000); // the intent is stale: no submit of this process can still be under way
    const sync = await syncLtOrders(deps);
    expect(sync.errors).toEqual([]);
    expect(await statuses(w)).toEqual(['rejected']);
    expect(w.probe.submits).toBe(0);
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
  });

  it('a LISTEN survives the outage: notifications arrive again once the database is back', async () => {
    const { w, proxy, db } = await outageWorld();
    const got: string[] = [];
    const unlisten = await db.listen('fault_probe', (payload) => got.push(payload));
    try {
      const before = proxy.connections();
      proxy.cut(); // the LISTEN connection is reset: before the fix an uncaught 'error' event killed the process
      await new Promise((r) => setTimeout(r, 50));
      proxy.restore();
      await eventually(async () => (proxy.connections() > before ? true : undefined), 10_000);
      await eventually(async () => {
        await w.ft.t.db.query(`SELECT pg_notify('fault_probe', 'back')`);
        return got.includes('back') ? true : undefined;
      }, 10_000);
    } finally {
      await unlisten();
    }
  });
});
