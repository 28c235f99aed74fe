/**
 * Operations invariants of lt-original §5: no DB-only resets, journaled commands and idempotent trading writes
 * (INV-20); one run at a time per strategy and per job (INV-32)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { recoverLt } from '../../src/engine/lt-recovery.ts';
import { stopLtStrategy } from '../../src/engine/lt-strategies.ts';
import { cancelOpenLtOrders, resetFillCursor } from '../../src/engine/lt-tracker.ts';
import { startScheduler } from '../../src/jobs/schedule.ts';
import type { Sql } from '../../src/store/db.ts';
import { orderLedgerOf } from '../../src/store/ledger-store.ts';
import { lockLtStrategy } from '../../src/store/lt-strategy-store.ts';
import type { Venue } from '../../src/engine/venue-port.ts';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

const SRC = join(process.cwd(), 'src');
const sourceFiles = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  if (statSync(path).isDirectory()) return sourceFiles(path);
  return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
});

/** Everything trading wrote: the ledger, the fills, the orders and the dispositions */
async function tradingState(db: Sql) {
  return {
    ledger: await db.query(`SELECT kind, ref, amount::text, cost_basis::text, order_id FROM ledger_entries ORDER BY kind, ref`),
    fills: await db.query('SELECT order_id, fill_id, price::text, size::text FROM fills ORDER BY order_id, fill_id'),
    orders: await db.query(`SELECT o.order_id, o.status, o.filled_size::text, l.outcome, l.realized_pnl::text
      FROM orders o JOIN lt_order_facts l ON l.order_id = o.order_id ORDER BY o.order_id`),
    dispositions: await db.query('SELECT ft_order_id, leg, disposition FROM lt_dispositions ORDER BY ft_order_id, leg'),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LT operations: no SQL resets', () => {
  it('INV-20: no code path resets trading state in SQL: ledger, fills, dispositions and audit are never updated or deleted; orders change only in the order store', () => {
    const offences: string[] = [];
    const never = /\b(?:UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(ledger_entries|fills|lt_dispositions|lt_audit|orders|lt_orders)\b/gi;
    const update = /\bUPDATE\s+(orders|lt_orders)\b/i;
    let stateMachineWrites = 0;
    for (const file of sourceFiles(SRC)) {
      const name = relative(SRC, file);
      for (const m of readFileSync(file, 'utf8').matchAll(never)) {
        if (update.test(m[0]) && name === join('store', 'lt-order-store.ts')) stateMachineWrites += 1;
        else offences.push(`${name}: ${m[0]}`);
      }
    }
    expect(offences).toEqual([]);
    expect(stateMachineWrites).toBeGreaterThan(0); // the scan does see the writes that are allowed
  });
});

describe(`LT operations: resets, idempotency, one run at a time (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it('INV-20: stop resets nothing; cancelling is a journaled command that cancels at the venue first, books the fill that landed, then releases', async () => {
    w = await createLtWorld();
    await w.buySignal({ price: 0.5 }); // 20 shares for $10
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.45 }); // 22.22 shares for $9.999
    expect(await w.execute()).toMatchObject({ ordered: 2 });
    const deps = { db: w.ft.t.db, clock: w.ft.clock };
    expect((await stopLtStrategy(deps, w.userId, w.strategyId)).ok).toBe(true);
    expect((await w.orders()).map((o) => o.status)).toEqual(['open', 'open']);
    expect(await w.checkLedger()).toMatchObject({ reserved: usdc('19.999') }); // stopping released nothing behind the venue's back
    const atCancel: { status: unknown; reserved: bigint }[] = [];
    const first = (await w.orders()).find((o) => o.limit_price === '0.500000')!.venue_order_id;
    const venue: Venue = {
      ...w.venue,
      cancel: async (id) => {
        const [o] = await w.ft.t.db.query<{ order_id: string; status: string }>('SELECT order_id, status FROM orders WHERE venue_order_id = $1', [id]);
        atCancel.push({ status: o!.status, reserved: (await orderLedgerOf(w.ft.t.db, o!.order_id)).reserved });
        // A fill lands on the 0.50 order (a maker's sell at 0.50 cannot reach the 0.45 bid) just before its cancel
        if (id === first) w.takeFromMaker('SELL', '0.50', '6');
        return w.venue.cancel(id);
      },
    };
    const report = await cancelOpenLtOrders({ ...w.deps, venue }, { userId: w.userId, strategyId: w.strategyId });
    expect(report).toMatchObject({ cancelsSent: 2, fillsBooked: 1, finished: 2, errors: [] });
    expect(atCancel.map((c) => [c.status, c.reserved]).sort()).toEqual([['open', usdc('10')], ['open', usdc('9.999')]]);
    expect((await w.orders()).map((o) => [o.status, o.filled_size]).sort()).toEqual([['cancelled', '0.000000'], ['cancelled', '6.000000']]);
    const releases = await w.ft.t.db.query<{ amount: string }>(`SELECT amount::text FROM ledger_entries WHERE kind = 'release'
      ORDER BY amount`);
    expect(releases.map((r) => r.amount)).toEqual(['7.000000', '9.999000']); // the $3 filled was booked before the release
    expect(await w.checkLedger()).toMatchObject({ available: usdc('997'), reserved: 0n, positionCost: usdc('3') });
    const audit = await w.ft.t.db.query<{ strategy_id: string; detail: Record<string, unknown> }>(
      `SELECT strategy_id, detail FROM lt_audit WHERE command = 'cancel_open_orders'`);
    expect(audit).toEqual([{ strategy_id: w.strategyId, detail: expect.objectContaining({ cancels_sent: 2, fills_booked: 1,
      finished: 2, orders: expect.arrayContaining((await w.orders()).map((o) => o.order_id)) }) }]);
  });

  it('INV-20: every trading write is idempotent: sync, resolve, execute and recovery run again (with a forgotten fill cursor) leave the same ledger', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '30']]);
    for (let i = 0; i < 3; i++) {
      await w.buySignal({ price: 0.5 });
      w.ft.clock.advance(1000);
    }
    await w.execute(); // one filled, one with 10 of 20, one resting
    w.takeFromMaker('SELL', '0.50', '5');
    await w.marketResolves([1_000000n, 0n]);
    await w.sync();
    await w.resolve();
    const once = await tradingState(w.ft.t.db);
    expect(once.ledger.filter((e) => e.kind === 'settlement')).toHaveLength(2);
    expect(await w.checkLedger()).toMatchObject({ reserved: 0n, positionCost: 0n, cooldown: 0n, realizedPnl: usdc('17.5') });
    await w.sync();
    await w.resolve();
    await w.execute();
    resetFillCursor(w.venue); // every fill is read again
    await w.sync();
    await recoverLt(w.deps);
    await w.resolve();
    expect(await tradingState(w.ft.t.db)).toEqual(once);
    expect(await w.checkLedger()).toMatchObject({ realizedPnl: usdc('17.5') });
  });

  it('INV-32: while one run holds the strategy lock no other run decides; two racing runs decide each signal once', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    for (let i = 0; i < 5; i++) {
      await w.buySignal({ price: 0.5 });
      w.ft.clock.advance(1000);
    }
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const locked = new Promise<void>((r) => (holding = r));
    const holder = w.ft.t.db.transaction(async (tx) => {
      await lockLtStrategy(tx, w.userId, w.strategyId);
      holding();
      await held;
    });
    await locked;
    const runs = Promise.all([executeLt(w.deps), executeLt(w.deps)]);
    await sleep(300);
    expect(w.probe.submits).toBe(0); // both wait for the lock
    release();
    await holder;
    const reports = await runs;
    expect(reports.reduce((n, r) => n + r.ordered, 0)).toBe(5);
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(w.probe.submits).toBe(5);
    const [n] = await w.ft.t.db.query<{ d: number; o: number }>(`SELECT (SELECT count(*)::int FROM lt_dispositions) AS d,
      (SELECT count(*)::int FROM orders) AS o`);
    expect(n).toEqual({ d: 5, o: 5 });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('950'), positionCost: usdc('50') });
  });

  it('INV-32: the scheduler refuses an overlapping run of the same job ("already running") and coalesces triggers into one rerun', async () => {
    w = await createLtWorld();
    const db = w.ft.t.db;
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async () => {
      runs += 1;
      maxActive = Math.max(maxActive, ++active);
      await gate;
      active -= 1;
      return { run: runs };
    };
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const s = startScheduler([{ name: 'lt-execute', cron: '0 0 1 1 *', run: slow },
      { name: 'lt-resolve', cron: '0 0 1 1 *', run: async () => ({ ok: true }) }], { db, clock: w.ft.clock, log });
    try {
      const first = s.runNow('lt-execute');
      while (runs === 0) await sleep(5);
      expect(await s.runNow('lt-execute')).toEqual({ ran: false, reason: 'already running' });
      expect(await s.runNow('lt-resolve')).toMatchObject({ ran: true }); // another job is not held back
      for (let i = 0; i < 3; i++) s.trigger('lt-execute');
      release();
      expect(await first).toEqual({ ran: true, report: { run: 1 } });
      while (runs < 2) await sleep(5);
      await sleep(50); // the coalesced rerun finishes, and no third one starts
      expect({ runs, maxActive }).toEqual({ runs: 2, maxActive: 1 });
    } finally {
      await s.stop();
    }
    const rows = await db.query<{ job: string; n: number }>(`SELECT job, count(*)::int AS n FROM job_runs GROUP BY job ORDER BY job`);
    expect(rows).toEqual([{ job: 'lt-execute', n: 2 }, { job: 'lt-resolve', n: 1 }]);
  });

  it('runs a job without a cron only when triggered (the live path\'s lt-signals), and records its runs', async () => {
    w = await createLtWorld();
    const db = w.ft.t.db;
    const runs = { ticking: 0, event: 0 };
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const s = startScheduler([{ name: 'ticking', cron: '* * * * * *', run: async () => ({ n: ++runs.ticking }) },
      { name: 'lt-signals', cron: null, run: async () => ({ n: ++runs.event }) }], { db, clock: w.ft.clock, log });
    try {
      for (let i = 0; i < 600 && runs.ticking < 2; i++) await sleep(50); // two cron ticks have passed
      expect(runs.ticking).toBeGreaterThanOrEqual(2);
      expect(runs.event).toBe(0);
      s.trigger('lt-signals');
      for (let i = 0; i < 600 && runs.event < 1; i++) await sleep(50);
      expect(runs.event).toBe(1);
    } finally {
      await s.stop();
    }
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job_runs WHERE job = 'lt-signals' AND status = 'ok'`);
    expect(row!.n).toBe(1);
  }, 120_000);
});
