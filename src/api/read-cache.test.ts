/**
 * The kept reads (read-cache.ts) on the test backend: an answer is given again only while no transaction has committed
 * since but those that wrote derived data only; the clock's part of it is FRESH_MS old at most, or STALE_MS while a new one is computed; concurrent reads share
 * one computation; a read that wrote is not kept; the least recently read go first
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../engine/clock.ts';
import { silentLog } from '../log.ts';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { noteDerivedWrite } from '../store/derived-writes.ts';
import { createReadCache, FRESH_MS, sameData, STALE_MS } from './read-cache.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  await t.db.exec('CREATE TABLE cache_probe (n int NOT NULL)');
});
afterAll(async () => t?.close());

/** A computation that counts its runs and answers the table's row count and the clock it ran at */
function counted(clock: ManualClock) {
  const run = { n: 0 };
  const fn = async () => {
    run.n += 1;
    const [r] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM cache_probe');
    return { rows: r!.n, at: clock.now().getTime() };
  };
  return { run, fn };
}

const insert = () => t.db.query('INSERT INTO cache_probe (n) VALUES (1)');

/** Waits for a condition the cache reaches in the background (bounded) */
async function until(ok: () => boolean): Promise<void> {
  for (const end = Date.now() + 20_000; !ok();) {
    if (Date.now() > end) throw new Error('not reached in 20 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe(`kept reads on ${backendName}`, () => {
  it('gives the kept answer while nothing committed, and computes again after any commit', async () => {
    const clock = new ManualClock('2026-03-01T12:00:00Z');
    const cache = createReadCache(t.db, clock, silentLog);
    const { run, fn } = counted(clock);
    const first = await cache.read('k', fn);
    expect(await cache.read('k', fn)).toBe(first);
    expect(run.n).toBe(1);
    await insert();
    const after = await cache.read('k', fn);
    expect(after.rows).toBe(first.rows + 1);
    expect(run.n).toBe(2);
    // a transaction that wrote and rolled back still moves the snapshot past it: computed again, same answer
    await t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO cache_probe (n) VALUES (2)');
      throw new Error('roll back');
    }).catch(() => undefined);
    expect((await cache.read('k', fn)).rows).toBe(after.rows);
    expect(cache.counts()).toMatchObject({ fresh: 1, computed: 3 });
  });

  it('keeps each key apart', async () => {
    const clock = new ManualClock('2026-03-01T12:00:00Z');
    const cache = createReadCache(t.db, clock, silentLog);
    const a = await cache.read('alice /api/overview', async () => 'alice');
    const b = await cache.read('bob /api/overview', async () => 'bob');
    expect([a, b, await cache.read('alice /api/overview', async () => 'x')]).toEqual(['alice', 'bob', 'alice']);
  });

  it('gives a fresh answer as is, a stale one while computing the next, and computes an older one before answering', async () => {
    const clock = new ManualClock('2026-03-01T12:00:00Z');
    const cache = createReadCache(t.db, clock, silentLog);
    const { run, fn } = counted(clock);
    const t0 = clock.now().getTime();
    expect((await cache.read('k', fn)).at).toBe(t0);
    clock.advance(FRESH_MS);
    expect((await cache.read('k', fn)).at).toBe(t0);
    expect(run.n).toBe(1);
    clock.advance(1);
    expect((await cache.read('k', fn)).at).toBe(t0); // stale: given, and the next one computed meanwhile
    await until(() => run.n === 2 && cache.counts().refreshing === 0);
    expect(cache.counts()).toMatchObject({ fresh: 1, stale: 1, computed: 1 });
    const next = await cache.read('k', fn);
    expect(next.at).toBe(t0 + FRESH_MS + 1);
    clock.advance(STALE_MS + 1);
    expect((await cache.read('k', fn)).at).toBe(clock.now().getTime()); // too old to give: computed first
    expect(run.n).toBe(3);
  });

  it('shares one computation between concurrent reads of the same key', async () => {
    const clock = new ManualClock('2026-03-01T12:00:00Z');
    const cache = createReadCache(t.db, clock, silentLog);
    const { run, fn } = counted(clock);
    const answers = await Promise.all(Array.from({ length: 8 }, () => cache.read('k', fn)));
    expect(run.n).toBe(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('does not keep an answer whose computation saw a commit; keeps one whose only commits wrote derived data', async () => {
    const clock = new ManualClock('2026-03-01T12:00:00Z');
    const cache = createReadCache(t.db, clock, silentLog);
    let runs = 0;
    const writes = (how: 'base' | 'derived' | 'none') => async () => {
      runs += 1;
      if (how === 'base') await insert();
      if (how === 'derived') { // as a read model's refresh does: a transaction noted as a derived write
        await t.db.transaction(async (tx) => {
          await tx.query('INSERT INTO cache_probe (n) VALUES (0)');
          await noteDerivedWrite(t.db, tx);
        });
      }
      return runs;
    };
    expect(await cache.read('k', writes('base'))).toBe(1);
    expect(await cache.read('k', writes('none'))).toBe(2); // the first was not kept
    expect(await cache.read('k', writes('none'))).toBe(2);
    await insert();
    expect(await cache.read('k', writes('derived'))).toBe(3);
    expect(await cache.read('k', writes('none'))).toBe(3); // kept: its own commit wrote derived data only
    // and a derived write since an answer was kept does not void it, where any other does
    await t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO cache_probe (n) VALUES (0)');
      await noteDerivedWrite(t.db, tx);
    });
    expect(await cache.read('k', writes('none'))).toBe(3);
    await insert();
    expect(await cache.read('k', writes('none'))).toBe(4);
    expect(cache.counts().refreshing).toBe(0);
  });

  it('sameData: only transactions completed between the snapshots count, and only derived ones are the same data', () => {
    const derived = (xid: string) => ['12', '15'].includes(xid);
    expect(sameData('10:12:10,11', '10:12:10,11', derived)).toBe(true);
    expect(sameData('10:12:10,11', '10:13:10,11', derived)).toBe(true); // 12 completed: derived
    expect(sameData('10:12:10,11', '10:14:10,11', derived)).toBe(false); // 13 completed: not derived
    expect(sameData('10:12:10,11', '10:14:10,11,13', derived)).toBe(true); // 13 still running: not seen
    expect(sameData('10:12:10,11', '11:12:11', derived)).toBe(false); // 10 completed since: not derived
    expect(sameData('10:16:10,11,12,15', '10:16:10,11', derived)).toBe(true); // 12 and 15 completed: derived
    expect(sameData('10:16:10', '10:15:10', derived)).toBe(false); // not a later snapshot
    expect(sameData('10:12:', '10:200:', () => true)).toBe(false); // too many completed to check
  });

  it('keeps at most maxBytes of answers (as JSON), dropping the least recently read; one over a sixteenth is not kept', async () => {
    const clock = new ManualClock('2026-03-01T12:00:00Z');
    let runs = 0;
    const answer = (size: number) => async () => ({ run: String(++runs).padStart(3, '0'), pad: 'x'.repeat(size), n: 1n });
    const one = JSON.stringify({ run: '001', pad: 'x'.repeat(40), n: '1' }).length;
    const cache = createReadCache(t.db, clock, silentLog, { maxBytes: one * 16 });
    for (let k = 0; k < 16; k++) await cache.read(`k${k}`, answer(40));
    expect(cache.counts()).toMatchObject({ kept: 16, bytes: one * 16 });
    await cache.read('k0', answer(40)); // k0 read again: k1 is now the least recently read
    await cache.read('k16', answer(40));
    expect(cache.counts()).toMatchObject({ kept: 16, bytes: one * 16 });
    expect((await cache.read('k0', answer(40))).run).toBe('001');
    expect((await cache.read('k1', answer(40))).run).toBe('018'); // dropped: computed again
    await cache.read('big', answer(41)); // over a sixteenth: given, not kept
    expect((await cache.read('big', answer(41))).run).toBe('020');
  });

  it('keeps at most maxEntries answers, dropping the least recently read', async () => {
    const clock = new ManualClock('2026-03-01T12:00:00Z');
    const cache = createReadCache(t.db, clock, silentLog, { maxEntries: 2 });
    let runs = 0;
    const fn = async () => ++runs;
    await cache.read('a', fn);
    await cache.read('b', fn);
    await cache.read('a', fn); // a is now the most recently read
    await cache.read('c', fn); // b goes
    expect(cache.counts().kept).toBe(2);
    expect(await cache.read('a', fn)).toBe(1);
    expect(await cache.read('b', fn)).toBe(4);
  });
});
