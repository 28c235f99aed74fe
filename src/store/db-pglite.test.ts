// @backend-independent
/**
 * PGlite in a data directory, as `tandem start` opens it: a new directory becomes a cluster (a copy of the build's
 * template, or initdb in a child process), PostgreSQL runs with the small buffer cache, and data outlives a restart
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { createCluster, openPglite, PGLITE_MEMORY_SETTINGS, PGLITE_SHARED_BUFFERS, pgliteVersion } from './db.ts';
import { migrationsHash } from './migration-files.ts';

const root = mkdtempSync(join(tmpdir(), 'tandem-pglite-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const setting = async (db: { query: <T>(q: string) => Promise<T[]> }, name: string) =>
  (await db.query<{ v: string }>(`SELECT current_setting('${name}') AS v`))[0]!.v;

/**
 * How many times MEMFS grew a new WAL segment while an in-memory PGlite started with `params` wrote past its first one.
 * Zero-filled, a segment grows (and is copied) 8 kB write after 8 kB write past 1 MB; with wal_init_zero off
 * PostgreSQL writes its last byte only, which MEMFS allocates at once (db.ts PGLITE_MEMORY_SETTINGS)
 */
async function walSegmentGrowths(params: string[]): Promise<{ growths: number; segments: number }> {
  const pg = await PGlite.create('memory://', { startParams: [...PGlite.defaultStartParams, ...params] });
  try {
    const mod = pg.Module as unknown as { MEMFS: Record<string, unknown>; FS: { getPath(node: unknown): string } };
    type Node = { contents?: Uint8Array };
    const grow = mod.MEMFS.expandFileStorage as (node: Node, capacity: number) => void;
    let growths = 0;
    mod.MEMFS.expandFileStorage = function (this: unknown, node: Node, capacity: number) {
      const before = node.contents?.length ?? 0;
      grow.call(this, node, capacity);
      if ((node.contents?.length ?? 0) !== before && mod.FS.getPath(node).includes('pg_wal/xlogtemp')) growths += 1;
    };
    // ~20 MB of WAL: past at least one 16 MB segment boundary; how many it crossed, from the WAL file names
    const segment = async () => parseInt((await pg.query<{ f: string }>('SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS f')).rows[0]!.f.slice(-8), 16);
    const first = await segment();
    await pg.exec('CREATE TABLE filler (t text); INSERT INTO filler SELECT repeat(md5(g::text), 8) FROM generate_series(1, 60000) g');
    return { growths, segments: (await segment()) - first };
  } finally {
    await pg.close();
  }
}

describe('PGlite in a data directory', () => {
  it('creates the cluster, runs with the service\'s buffer cache, and keeps its rows across a restart', async () => {
    const dir = join(root, 'fresh');
    const db = await openPglite(dir);
    expect(await setting(db, 'shared_buffers')).toBe(PGLITE_SHARED_BUFFERS);
    expect(await setting(db, 'wal_init_zero')).toBe('on'); // on disk, WAL space is allocated before it is needed
    await db.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    await db.close();
    const again = await openPglite(dir);
    expect(await again.query('SELECT n FROM kept')).toEqual([{ n: 7 }]);
    await again.close();
  }, 180_000);

  it('keeps PostgreSQL\'s own buffer cache for memory:// and takes an explicit size', async () => {
    const mem = await openPglite('memory://');
    expect(await setting(mem, 'shared_buffers')).toBe('128MB');
    expect(await setting(mem, 'wal_init_zero')).toBe('off');
    await mem.close();
    const sized = await openPglite(join(root, 'sized'), { sharedBuffers: '16MB' });
    expect(await setting(sized, 'shared_buffers')).toBe('16MB');
    await sized.close();
  }, 180_000);

  it('memory://: a new WAL segment is allocated at once, not grown and copied write after write', async () => {
    const off = await walSegmentGrowths(PGLITE_MEMORY_SETTINGS);
    expect(off.segments).toBeGreaterThan(0);
    expect(off.growths).toBe(off.segments); // each new segment allocated once
    const zeroFilled = await walSegmentGrowths([]);
    expect(zeroFilled.segments).toBeGreaterThan(0);
    expect(zeroFilled.growths).toBeGreaterThan(5 * zeroFilled.segments);
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
