// @backend-independent
/**
 * PGlite in a data directory, as `tandem start` opens it: a new directory becomes a cluster (a copy of the build's
 * template, or initdb in a child process), PostgreSQL runs with the small buffer cache, and data outlives a restart
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCluster, openPglite, PGLITE_SHARED_BUFFERS, pgliteVersion } from './db.ts';
import { migrationsHash } from './migration-files.ts';

const root = mkdtempSync(join(tmpdir(), 'tandem-pglite-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const setting = async (db: { query: <T>(q: string) => Promise<T[]> }, name: string) =>
  (await db.query<{ v: string }>(`SELECT current_setting('${name}') AS v`))[0]!.v;

describe('PGlite in a data directory', () => {
  it('creates the cluster, runs with the service\'s buffer cache, and keeps its rows across a restart', async () => {
    const dir = join(root, 'fresh');
    const db = await openPglite(dir);
    expect(await setting(db, 'shared_buffers')).toBe(PGLITE_SHARED_BUFFERS);
    await db.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    await db.close();
    const again = await openPglite(dir);
    expect(await again.query('SELECT n FROM kept')).toEqual([{ n: 7 }]);
    await again.close();
  }, 180_000);

  it('keeps PostgreSQL\'s own buffer cache for memory:// and takes an explicit size', async () => {
    const mem = await openPglite('memory://');
    expect(await setting(mem, 'shared_buffers')).toBe('128MB');
    await mem.close();
    const sized = await openPglite(join(root, 'sized'), { sharedBuffers: '16MB' });
    expect(await setting(sized, 'shared_buffers')).toBe('16MB');
    await sized.close();
  }, 180_000);

  it('starts a new directory as a copy of a template made by the installed PGlite with these migrations, else runs initdb', async () => {
    const template = join(root, 'template');
    const made = await openPglite(template);
    await made.exec('CREATE TABLE from_template (n int); INSERT INTO from_template VALUES (1)');
    await made.close();
    rmSync(join(template, 'tandem.lock'), { force: true });
    writeFileSync(join(template, 'template.json'), JSON.stringify({ pglite: pgliteVersion(), migrations: migrationsHash() }));

    const copied = join(root, 'copied');
    mkdirSync(copied);
    expect(await createCluster(copied, template)).toBe('template');
    expect(existsSync(join(copied, 'template.json'))).toBe(false);
    const db = await openPglite(copied);
    expect(await db.query('SELECT n FROM from_template')).toEqual([{ n: 1 }]);
    await db.close();

    writeFileSync(join(template, 'template.json'), JSON.stringify({ pglite: pgliteVersion(), migrations: 'other migrations' }));
    mkdirSync(join(root, 'other-migrations'));
    expect(await createCluster(join(root, 'other-migrations'), template)).toBe('initdb');
    writeFileSync(join(template, 'template.json'), JSON.stringify({ pglite: '0.0.0-another', migrations: migrationsHash() }));
    const initialised = join(root, 'initialised');
    mkdirSync(initialised);
    expect(await createCluster(initialised, template)).toBe('initdb');
    const fresh = await openPglite(initialised);
    expect(await fresh.query("SELECT to_regclass('from_template') AS t")).toEqual([{ t: null }]);
    await fresh.close();
  }, 300_000);
});
