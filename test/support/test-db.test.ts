/**
 * Test databases are independent: what one test wrote, set or listened to is gone for the next, on both backends. On
 * PGlite a closed database is reset and reused by the next test (pglite-pool.ts), and only when it matches a fresh copy
 */
import { describe, expect, it } from 'vitest';
import { drainIdle, poolCounts } from './pglite-pool.ts';
import { backendName, openTestDb, TEST_DATABASE_URL } from './test-db.ts';

const addUser = (t: { db: { query: (q: string, p?: unknown[]) => Promise<unknown> } }, name: string) =>
  t.db.query(`INSERT INTO users (user_id, name, token_hash) VALUES (gen_random_uuid(), $1, $1)`, [name]);
const userNames = async (t: Awaited<ReturnType<typeof openTestDb>>) =>
  (await t.db.query<{ name: string }>(`SELECT name FROM users ORDER BY name`)).map((r) => r.name);
const migrations = async (t: Awaited<ReturnType<typeof openTestDb>>) =>
  (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM schema_migrations`))[0]!.n;

const statistics = async (t: Awaited<ReturnType<typeof openTestDb>>) =>
  (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = 'public' AND tablename = 'users'`))[0]!.n;

describe(`test databases (${backendName})`, () => {
  it('rows, session settings and listeners of a closed database never reach the next one', async () => {
    const a = await openTestDb();
    const applied = await migrations(a);
    expect(applied).toBeGreaterThan(0);
    await addUser(a, 'alice');
    await a.db.exec(`SET TIME ZONE 'Asia/Tokyo'`);
    const heard: string[] = [];
    await a.db.listen('pool_test', (payload) => heard.push(payload));
    await a.db.query(`SELECT pg_notify('pool_test', 'to a')`);
    await expect.poll(() => heard).toEqual(['to a']);
    await a.db.query('ANALYZE users'); // statistics of alice's rows: the next test's planner must not see them
    expect(await statistics(a)).toBeGreaterThan(0);
    const before = poolCounts();
    await a.close();
    await expect(a.db.query('SELECT 1')).rejects.toThrow(); // a late query of a closed test fails, as on a closed PGlite

    const b = await openTestDb();
    if (!TEST_DATABASE_URL) expect(poolCounts()).toMatchObject({ recycled: before.recycled + 1, reused: before.reused + 1 });
    expect(await userNames(b)).toEqual([]);
    expect(await statistics(b)).toBe(0);
    expect(await migrations(b)).toBe(applied);
    expect((await b.db.query<{ tz: string }>(`SELECT current_setting('TimeZone') AS tz`))[0]!.tz).not.toBe('Asia/Tokyo');
    const heardB: string[] = [];
    await b.db.listen('pool_test', (payload) => heardB.push(payload));
    await b.db.query(`SELECT pg_notify('pool_test', 'to b')`);
    await expect.poll(() => heardB).toEqual(['to b']);
    expect(heard).toEqual(['to a']);
    await addUser(b, 'bob');
    expect(await userNames(b)).toEqual(['bob']);
    await b.close();
  });

  it('a database whose schema or migrated rows a test changed is not reused', async () => {
    await drainIdle(); // none left by earlier tests or files: the next database opened after `a` is a fresh one
    const a = await openTestDb();
    await a.db.exec(`CREATE TABLE pool_extra (x int)`);
    const before = poolCounts();
    await a.close();
    const b = await openTestDb();
    if (!TEST_DATABASE_URL) expect(poolCounts()).toMatchObject({ discarded: before.discarded + 1, reused: before.reused });
    expect(await b.db.query(`SELECT to_regclass('pool_extra') AS r`)).toEqual([{ r: null }]);
    const applied = await migrations(b);
    await b.db.exec(`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`);
    await b.close();
    const c = await openTestDb();
    if (!TEST_DATABASE_URL) expect(poolCounts()).toMatchObject({ discarded: before.discarded + 2 });
    expect(await migrations(c)).toBe(applied);
    await c.close();
  });
});
