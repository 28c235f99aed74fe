/** Signal intake: nothing before launch, the age limit, and exactly one disposition for every signal across page boundaries */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { FULL_READ_EVERY_MS, pendingSignals } from '../../src/engine/lt-signals.ts';
import { stopLtStrategy } from '../../src/engine/lt-strategies.ts';
import { getLtStrategy } from '../../src/store/lt-strategy-store.ts';
import { isStalePlan, openPostgres, POSTGRES_POOL_SIZE, type Db, type QueryOptions } from '../../src/store/db.ts';
import { pageSettings, pendingSignalsPage } from '../../src/store/lt-signal-store.ts';
import { backendName, TEST_DATABASE_URL } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { rowsVisited, seqScannedTables } from '../support/plan-rows.ts';

type Read = { text: string; params: unknown[]; inTransaction: boolean; options: QueryOptions | undefined };

/** The signal pages read while `run` runs: alone (PGlite), or in a transaction of their own (PostgreSQL) */
async function pageReads(db: Db, run: () => Promise<unknown>, seen?: (text: string, phase: 'asked' | 'answered') => void): Promise<Read[]> {
  const reads: Read[] = [];
  const record = (read: Read) => {
    if (read.text.includes('AS taken_trade_key')) reads.push(read);
  };
  const observed = async <T,>(text: string, send: () => Promise<T>): Promise<T> => {
    seen?.(text, 'asked');
    try {
      return await send();
    } finally {
      seen?.(text, 'answered');
    }
  };
  const query = db.query.bind(db);
  const transaction = db.transaction.bind(db);
  const spies = [
    vi.spyOn(db, 'query').mockImplementation(async (text: string, params?: unknown[], options?: QueryOptions) => {
      record({ text, params: params ?? [], inTransaction: false, options });
      return observed(text, () => query(text, params, options)) as never;
    }),
    vi.spyOn(db, 'transaction').mockImplementation((fn) => transaction((tx) => fn({ ...tx, exec: tx.exec.bind(tx),
      query: (text: string, params?: unknown[], options?: QueryOptions) => {
        record({ text, params: params ?? [], inTransaction: true, options });
        return observed(text, () => tx.query(text, params, options));
      } }))),
  ];
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return reads;
}

describe(`LT signals (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  /** Signals of the strategy's wallet since launch that have no disposition, entries and exits */
  async function undisposed(): Promise<number> {
    const s = (await getLtStrategy(w.ft.t.db, w.userId, w.strategyId))!;
    let n = 0;
    for await (const _ of pendingSignals(w.ft.t.db, s, { pageSize: 2 })) n += 1;
    return n;
  }

  it('INV-2: a signal from before launched_at never executes, not even after a stop and relaunch', async () => {
    w = await createLtWorld({ launch: false });
    w.asks([['0.50', '1000']]);
    await w.buySignal({ price: 0.5 });
    w.ft.clock.advance(10_000);
    await w.launch();
    await w.buySignal({ price: 0.5 });
    const report = await w.execute();
    expect(report).toMatchObject({ signals: 1, ordered: 1 });
    const [before, after] = await w.ft.t.db.query<{ n: number }>(`SELECT count(d.leg)::int AS n FROM ft_orders o
      LEFT JOIN lt_dispositions d ON d.ft_order_id = o.order_id GROUP BY o.order_id, o.order_time ORDER BY o.order_time`);
    expect([before!.n, after!.n]).toEqual([0, 1]);
    const deps = { db: w.ft.t.db, clock: w.ft.clock };
    await stopLtStrategy(deps, w.userId, w.strategyId);
    w.ft.clock.advance(10_000);
    await w.launch();
    expect((await w.execute()).signals).toBe(0);
    expect(w.probe.submits).toBe(1);
  });

  it('a pass asks for its first signal page before the launched strategies have answered, and uses it only for a strategy it runs', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    await w.buySignal({ price: 0.5 });
    expect(await w.execute()).toMatchObject({ signals: 1, ordered: 1 }); // the pass this database's next one follows
    await w.buySignal({ price: 0.5 });
    const db = w.ft.t.db;
    const events: string[] = [];
    const reads = await pageReads(db, async () => expect(await w.execute()).toMatchObject({ signals: 1, ordered: 1 }), (text, phase) => {
      if (text.includes('AS ft_config_version') || text.includes('AS taken_trade_key')) {
        events.push(`${text.includes('AS taken_trade_key') ? 'page' : 'launched'} ${phase}`);
      }
    });
    // The early page, then the walk's second round (an entry was ordered): the first page is not read twice
    expect(reads).toHaveLength(2);
    // The two overlap: each was asked for before the other answered (on PostgreSQL on two connections)
    const at = (event: string) => events.indexOf(event);
    expect(at('page asked')).toBeGreaterThanOrEqual(0);
    expect(at('page asked')).toBeLessThan(at('launched answered'));
    expect(at('launched asked')).toBeLessThan(at('page answered'));
    // Stopped since: the next pass asks for its page all the same, and decides nothing from it
    await w.buySignal({ price: 0.5 });
    await stopLtStrategy({ db, clock: w.ft.clock }, w.userId, w.strategyId);
    expect(await w.execute()).toMatchObject({ strategies: 0, signals: 0 });
    expect(w.probe.submits).toBe(2);
    expect(await undisposed()).toBe(1);
  });

  it('a page asked for early is not used for a strategy whose launch is not the one it was read for', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    await w.buySignal({ price: 0.5 });
    expect(await w.execute()).toMatchObject({ signals: 1, ordered: 1 }); // the pass this database's next one follows
    const db = w.ft.t.db;
    await w.buySignal({ price: 0.5 }); // the early page, read for the launch the last pass ran, holds it
    // As if the strategy had been made and launched again since (launched_at never moves otherwise): after that signal
    await db.query(`UPDATE lt_strategies SET launched_at = (SELECT max(order_time) FROM ft_orders) + interval '1 second'
      WHERE user_id = $1 AND strategy_id = $2`, [w.userId, w.strategyId]);
    expect(await w.execute()).toMatchObject({ strategies: 1, signals: 0, ordered: 0 });
    expect(w.probe.submits).toBe(1);
  });

  it('INV-2: a signal older than max_signal_age_seconds expires with its reason and is never sent', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    await w.buySignal({ price: 0.5 });
    w.ft.clock.advance(301_000);
    const report = await w.execute();
    expect(report).toMatchObject({ expired: 1, ordered: 0 });
    expect(await w.dispositions()).toEqual([expect.objectContaining({
      disposition: 'expired', rule: 'max_signal_age', limit_value: '300s', observed: '301s' })]);
    expect(w.probe.submits).toBe(0);
    expect((await w.execute()).signals).toBe(0);
  });

  it('INV-1/INV-4: every entry and exit ends in exactly one disposition, across small pages and racing runs', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    const launchedAt = w.ft.clock.now().getTime() / 1000;
    w.ft.clock.advance(400_000);
    for (const price of [0.5, 0.5, 0.4, 0.5, 0.5]) { // 0.40 is 25 % under the book: skipped for slippage
      await w.buySignal({ price });
      w.ft.clock.advance(1000);
    }
    await w.buySignal({ price: 0.5, timestamp: launchedAt + 10 }); // after launch, but older than 300 s: expired
    w.bids([['0.49', '1000']]);
    await w.sellSignal({ price: 0.49, size: 200 }); // the trader sells 200 of her 600: every paper order closes a third
    const deps = { ...w.deps, signalPageSize: 2 };
    const reports = await Promise.all([executeLt(deps), executeLt(deps), executeLt(deps)]);
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(await undisposed()).toBe(0);
    const rows = await w.dispositions();
    const byKind = (d: string, leg: RegExp) => rows.filter((r) => r.disposition === d && leg.test(r.leg as string)).length;
    expect({
      entriesOrdered: byKind('ordered', /^entry$/), skipped: byKind('skipped', /^entry$/), expired: byKind('expired', /^entry$/),
      exitsOrdered: byKind('ordered', /^exit:/), total: rows.length,
    }).toEqual({ entriesOrdered: 4, skipped: 1, expired: 1, exitsOrdered: 4, total: 10 });
    expect(w.probe.submits).toBe(8);
    await w.checkLedger();
  });

  it('INV-1: an exit decided while its entry is sent but not answered waits for the answer instead of being skipped', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    w.bids([['0.49', '1000']]);
    await w.buySignal({ price: 0.5 });
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.49, size: 50 }); // the trader sells half: the exit is eligible once the entry is ordered
    let racing: Awaited<ReturnType<typeof executeLt>> | null = null;
    // A second run decides in the window between the entry's committed intent and its venue answer
    const hooks = { at: async (point: string) => { if (point === 'after_intent' && !racing) racing = await executeLt(w.deps); } };
    const first = await executeLt({ ...w.deps, hooks });
    expect(racing).toMatchObject({ deferred: 1, ordered: 0, skipped: 0 });
    expect(first).toMatchObject({ ordered: 2, skipped: 0, errors: [] });
    expect((await w.dispositions()).map((d) => [d.leg === 'entry' ? 'entry' : 'exit', d.disposition]))
      .toEqual([['entry', 'ordered'], ['exit', 'ordered']]);
    await w.checkLedger();
  });

  it('INV-4: a per-run budget leaves the rest for the next run instead of dropping it', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    for (let i = 0; i < 5; i++) await w.buySignal({ price: 0.5 });
    const first = await executeLt({ ...w.deps, signalBudget: 3, signalPageSize: 2 });
    expect(first).toMatchObject({ signals: 3, ordered: 3 });
    expect(await undisposed()).toBe(2);
    expect(await executeLt({ ...w.deps, signalBudget: 3 })).toMatchObject({ signals: 2, ordered: 2 });
    expect(await undisposed()).toBe(0);
  });

  it('INV-4: after a full read a pass reads only what FT recorded since; a signal recorded before that window is read by the next full read', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    await w.buySignal({ price: 0.5 });
    expect(await w.execute()).toMatchObject({ signals: 1, ordered: 1 }); // the first pass reads in full: the window opens
    await w.buySignal({ price: 0.5 });
    // As if it had been recorded by a transaction that ended before the window opened, yet was not there to read
    await w.ft.t.db.query(`UPDATE ft_orders SET created_xid = 1 WHERE order_id NOT IN (SELECT ft_order_id FROM lt_dispositions)`);
    await w.buySignal({ price: 0.5 });
    expect(await w.execute()).toMatchObject({ signals: 1, ordered: 1 }); // the new one: the window's pass
    expect(await undisposed()).toBe(1);
    const now = Date.now();
    const later = vi.spyOn(Date, 'now').mockReturnValue(now + FULL_READ_EVERY_MS + 1000);
    try {
      expect(await w.execute()).toMatchObject({ signals: 1, ordered: 1 }); // the full read is due: the late one
    } finally {
      later.mockRestore();
    }
    expect(await undisposed()).toBe(0);
    expect(w.probe.submits).toBe(3);
    await w.checkLedger();
  });
  it('INV-4: a windowed pass reads the rows of its window, not every FT order and disposition since launch', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    const HISTORY = 30;
    for (let i = 0; i < HISTORY; i++) await w.buySignal({ price: 0.5 });
    expect((await w.execute()).signals).toBe(HISTORY); // the first pass reads in full: the window opens
    // The history, decided a moment ago: by transaction id it is before the window, however recent its created_at
    await w.buySignal({ price: 0.5 });
    const db = w.ft.t.db;
    const reads = await pageReads(db, async () => expect(await w.execute()).toMatchObject({ signals: 1 }));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read.params).toHaveLength(10); // the windowed statement (recorded from)
      const visited = await rowsVisited(db, read.text, read.params, ['ft_orders', 'ft_dispositions'], pageSettings(db.kind));
      // The new order (and, for the page's joins, its own rows): none of the history's
      expect(visited.ft_orders).toBeLessThanOrEqual(3);
      expect(visited.ft_dispositions).toBeLessThanOrEqual(3);
    }
  });
  it('INV-4: the signal page reads every table by index, even once autovacuum has analyzed its tables small', async () => {
    // On PostgreSQL autovacuum analyzes a table after ~50 changes; a generic plan made then, with lt_dispositions a page
    // or two, probed it by sequential scan for every window row, a cost that grew with the table until the next
    // analyze (measured: ~0.9 → ~9 ms a page over 700 signals at the bench's rate). PGlite never analyzes by itself
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    for (let i = 0; i < 4; i++) await w.buySignal({ price: 0.5 });
    expect((await w.execute()).signals).toBe(4);
    const db = w.ft.t.db;
    if (db.kind === 'postgres') await db.exec('ANALYZE');
    await w.buySignal({ price: 0.5 });
    const reads = await pageReads(db, async () => expect(await w.execute()).toMatchObject({ signals: 1 }));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      // As the page is sent: on PostgreSQL in its own transaction, after its settings, with its COMMIT
      expect({ inTransaction: read.inTransaction, options: read.options }).toEqual(db.kind === 'postgres'
        ? { inTransaction: true, options: { before: pageSettings('postgres'), commit: true } } : { inTransaction: false, options: undefined });
      expect(await seqScannedTables(db, read.text, read.params, pageSettings(db.kind))).toEqual([]);
      // What the page's settings prevent: the same plan without them
      if (db.kind === 'postgres') expect(await seqScannedTables(db, read.text, read.params)).toContain('lt_dispositions');
    }
  });
  it.skipIf(!TEST_DATABASE_URL)('INV-4: an FT transaction open when a pass began, committed after it, is inside the next window however long it ran', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '1000']]);
    const other = await openPostgres(w.ft.t.url!);
    let fullReadAt = 0;
    try {
      await other.transaction(async (tx) => {
        // The long FT transaction: it has its id, and is still open when the next passes run (without the world's
        // ledger checks meanwhile: the read models' build waits for every transaction running, this one included)
        const [r0] = await tx.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
        await w.buySignal({ price: 0.5 });
        fullReadAt = Date.now();
        expect(await executeLt(w.deps)).toMatchObject({ signals: 1, ordered: 1 }); // the first, full read: the window opens
        // Transactions that began and ended after the open one: the passes' snapshots move on past them
        for (let i = 0; i < 3; i++) {
          await w.buySignal({ price: 0.5 });
          expect(await executeLt(w.deps)).toMatchObject({ signals: 1, ordered: 1 });
        }
        await w.buySignal({ price: 0.5 });
        // That signal as the open transaction writes it: recorded by its id (below every later transaction's)
        await w.ft.t.db.query(`UPDATE ft_orders SET created_xid = $1
          WHERE order_id NOT IN (SELECT ft_order_id FROM lt_dispositions)`, [r0!.xid]);
      });
      const reads = await pageReads(w.ft.t.db, async () => expect(await w.execute()).toMatchObject({ signals: 1, ordered: 1 }));
      // A windowed pass reads it (not a full read), unless the machine was so slow that the next full read came due
      if (Date.now() - fullReadAt < FULL_READ_EVERY_MS) expect(reads[0]!.params).toHaveLength(10);
      expect(await undisposed()).toBe(0);
      await w.checkLedger();
    } finally {
      await other.close();
    }
  });

  // Another process changed a column type the page returns (a newer Tandem migrating, an operator's psql): PostgreSQL
  // refuses the page's prepared statement on every connection that prepared it ("cached plan must not change result
  // type"), and the page is read once more, prepared anew
  it.skipIf(!TEST_DATABASE_URL)('INV-4: a signal page whose prepared plan another connection made stale is read once more and answers', async () => {
    w = await createLtWorld();
    await w.buySignal({ price: 0.5 });
    const db = w.ft.t.db;
    const s = (await getLtStrategy(db, w.userId, w.strategyId))!;
    const other = await openPostgres(w.ft.t.url!);
    let refused: unknown[] = [];
    const transaction = db.transaction.bind(db);
    const spy = vi.spyOn(db, 'transaction').mockImplementation((fn) => transaction(fn).catch((e: unknown) => {
      refused.push(e);
      throw e;
    }));
    try {
      // Bounded: a pooled connection closed while idle (a stall of over 10 s) would come back without the statement
      for (let round = 0; round < 3; round++) {
        // The page prepared on every pooled connection: as many reads at once as the pool holds connections, and more
        await Promise.all(Array.from({ length: POSTGRES_POOL_SIZE + 2 }, () => pendingSignalsPage(db, s, null, 10)));
        await other.exec(`ALTER TABLE source_trades ALTER COLUMN title TYPE ${round % 2 === 0 ? 'varchar' : 'text'}`);
        refused = []; // only the read after the change counts
        const page = await pendingSignalsPage(db, s, null, 10);
        expect(page.signals.map((x) => x.kind)).toEqual(['entry']);
        if (refused.length > 0) break;
      }
    } finally {
      spy.mockRestore();
      await other.close();
    }
    expect(refused).toHaveLength(1);
    expect(isStalePlan(refused[0])).toBe(true);
    expect(await w.execute()).toMatchObject({ signals: 1, ordered: 1 });
  });
});
