/**
 * QueryOptions (src/store/db.ts, pg-framed.ts): BEGIN with a transaction's first statement, statements run `before`
 * one, COMMIT with the last. On the server at TEST_DATABASE_URL (where they share a network write), else on PGlite.
 * Each case runs several times, so that on PostgreSQL a statement's first use on a connection (sent one by one) and
 * its later ones (framed) are both exercised
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, TEST_DATABASE_URL, type TestDb } from '../../test/support/test-db.ts';
import { openDb } from './db.ts';

const backend = TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const ROUNDS = 6;

describe(`statements framed with BEGIN, a lock and COMMIT (${backend})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
    await t.db.exec('CREATE TABLE framed_k (id int PRIMARY KEY, note text, at timestamptz, tags text[])');
  });
  afterAll(() => t?.close());

  const count = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM framed_k'))[0]!.n);

  it('a first statement that fails rolls its transaction back, and the connection goes on working', async () => {
    await t.db.query('INSERT INTO framed_k (id) VALUES (0)');
    for (let i = 0; i < ROUNDS; i++) {
      await expect(t.db.transaction((tx) => tx.query('INSERT INTO framed_k (id) VALUES ($1)', [0]))).rejects.toMatchObject({ code: '23505' });
      await t.db.transaction((tx) => tx.query('INSERT INTO framed_k (id) VALUES ($1)', [100 + i]));
    }
    expect(await count()).toBe(1 + ROUNDS);
    await t.db.query('DELETE FROM framed_k');
  });

  it('runs `before` first and returns only the statement\'s rows, whatever the parameters\' types', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const at = new Date(Date.UTC(2026, 0, 1 + i));
      const rows = await t.db.transaction((tx) => tx.query<{ id: number; note: string; at: Date; tags: string[] }>(
        'SELECT id, note, at, tags FROM framed_k WHERE id = $1', [i], {
          before: [{ text: 'SELECT pg_advisory_xact_lock($1)', values: [42] },
            { text: 'INSERT INTO framed_k (id, note, at, tags) VALUES ($1, $2, $3, $4)', values: [i, `n'${i}`, at, ['a', 'b,c']] }],
        }));
      expect(rows).toEqual([{ id: i, note: `n'${i}`, at, tags: ['a', 'b,c'] }]);
    }
    expect(await count()).toBe(ROUNDS);
    await t.db.query('DELETE FROM framed_k');
  });

  it('commits with the last statement; a statement after it is refused, and an error after it cannot undo it', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      await expect(t.db.transaction(async (tx) => {
        await tx.query('SELECT 1 AS one');
        await tx.query('INSERT INTO framed_k (id) VALUES ($1)', [i], { commit: true });
        await tx.query('SELECT 1 AS one');
      })).rejects.toThrow(/after the one that committed/);
    }
    expect(await count()).toBe(ROUNDS);
  });

  it('a last statement that fails commits nothing, the statements before it included', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      await expect(t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO framed_k (id) VALUES ($1)', [1000 + i]);
        await tx.query('INSERT INTO framed_k (id) VALUES ($1)', [0], { commit: true }); // 0 exists: refused
      })).rejects.toMatchObject({ code: '23505' });
    }
    expect(await count()).toBe(ROUNDS);
    await t.db.query('DELETE FROM framed_k');
  });

  it('after a statement fails in a transaction, nothing more runs in it, though the failure was caught', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      await expect(t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO framed_k (id) VALUES ($1)', [2000 + i]);
        await tx.query('INSERT INTO framed_k (id) VALUES ($1)', [2000 + i]).catch(() => undefined);
        await tx.query('INSERT INTO framed_k (id) VALUES ($1)', [3000 + i]);
      })).rejects.toThrow();
    }
    expect(await count()).toBe(0); // none of them: each transaction rolled back
  });

  it('a lock and COMMIT need a transaction', async () => {
    await expect(t.db.query('SELECT 1 AS one', [], { commit: true })).rejects.toThrow(/need a transaction/);
    await expect(t.db.query('SELECT 1 AS one', [], { before: [{ text: 'SELECT 2' }] })).rejects.toThrow(/need a transaction/);
  });

  // The executor's guards read (lockForIntent) relies on it: a read sent with the lock sees what the lock's last holder
  // committed, though its statement was written to the server before that holder let go
  it.skipIf(!TEST_DATABASE_URL)('a statement sent with a lock reads what the lock\'s holder committed before letting go', async () => {
    const other = await openDb({ databaseUrl: t.url! });
    try {
      for (let i = 0; i < ROUNDS; i++) {
        let release!: () => void;
        const held = new Promise<void>((resolve) => { release = resolve; });
        let locked!: () => void;
        const lockTaken = new Promise<void>((resolve) => { locked = resolve; });
        const holder = other.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock($1)', [7]);
          locked();
          await held;
          await tx.query('INSERT INTO framed_k (id) VALUES ($1)', [i]);
        });
        await lockTaken;
        const reader = t.db.transaction((tx) => tx.query<{ n: string }>('SELECT count(*) AS n FROM framed_k WHERE id = $1', [i],
          { before: [{ text: 'SELECT pg_advisory_xact_lock($1)', values: [7] }] }));
        // The reader waits on the lock (its statements are on the server): the holder inserts and commits
        await waitForLockWaiter(other);
        release();
        await holder;
        expect((await reader)[0]!.n).toBe('1');
      }
    } finally {
      await other.close();
    }
  });
});

/** Until some session waits on an advisory lock (bounded: a minute) */
async function waitForLockWaiter(db: { query<T>(text: string): Promise<T[]> }): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    const [r] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
    if (Number(r!.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no session ever waited on the lock');
}
