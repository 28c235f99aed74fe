/**
 * A fresh, migrated database per test file: in-memory PGlite by default, or a new database on the
 * PostgreSQL server at TEST_DATABASE_URL (CI runs the suite both ways)
 */
import { inject } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { openPglite, type Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { migratedSnapshot } from './pglite-seed.ts';
import { leased, noteFreshCopy, takeIdle } from './pglite-pool.ts';
import { adminQuery, databaseUrl } from '../../src/bench/scratch-db.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const backendName = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDb {
  db: Db;
  url: string | undefined;
  close(): Promise<void>;
}

/** `pgliteDataDir`: a PGlite on disk there (started from the migrated copy) instead of in memory; ignored on PostgreSQL */
export async function openTestDb(options: { pgliteDataDir?: string } = {}): Promise<TestDb> {
  if (!TEST_DATABASE_URL && options.pgliteDataDir) {
    const db = await openPglite(options.pgliteDataDir, { loadDataDir: await migratedSnapshot() });
    await migrate(db); // a no-op on the snapshot; keeps the same path as production
    return { db, url: undefined, close: () => db.close() };
  }
  if (!TEST_DATABASE_URL) {
    // In memory: a database an earlier test of this file closed, reset to the migrated state, else a new copy
    let inner = takeIdle();
    if (!inner) {
      inner = await openPglite('memory://', { loadDataDir: await migratedSnapshot() });
      await noteFreshCopy(inner);
    }
    await migrate(inner); // a no-op on the snapshot; keeps the same path as production
    const db = leased(inner);
    return { db, url: undefined, close: () => db.close() };
  }
  const name = `t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const template = runTemplate();
  await adminQuery(TEST_DATABASE_URL, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const url = databaseUrl(TEST_DATABASE_URL, name);
  const db = await openDb({ databaseUrl: url });
  await migrate(db); // a no-op on the template's copy; keeps the same path as production
  return {
    db, url,
    close: async () => {
      await db.close();
      await adminQuery(TEST_DATABASE_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** The run's migrated template database (the global setup pg-template.ts made it), or '' outside vitest or without one */
function runTemplate(): string {
  try {
    return inject('pgTemplate') ?? '';
  } catch {
    return '';
  }
}
