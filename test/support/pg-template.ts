/**
 * vitest's global setup on PostgreSQL: one migrated database for the whole run, which every test database is created
 * from (`CREATE DATABASE … TEMPLATE`, test-db.ts). Migrating a new database takes about 330 ms on the 2-core machine
 * and copying the template about 180 ms, for each database the PostgreSQL pass makes. Dropped when
 * the run ends. Not used on PGlite (pglite-snapshot.ts does the same there)
 */
import type { TestProject } from 'vitest/node';
import { openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { adminQuery, databaseUrl } from '../../src/bench/scratch-db.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template database on TEST_DATABASE_URL's server, or '' when there is none */
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    project.provide('pgTemplate', '');
    return async () => {};
  }
  const name = `tandem_template_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(url, `CREATE DATABASE ${name}`);
  const db = await openDb({ databaseUrl: databaseUrl(url, name) });
  try {
    await migrate(db);
  } finally {
    await db.close(); // a template must have no connection while it is copied
  }
  project.provide('pgTemplate', name);
  return () => adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
