/**
 * vitest's global setup: one migrated PGlite for the whole run. Creating a PGlite runs initdb (about six CPU seconds on
 * this 2-core machine) and migrating it adds one more; done once here, every test file starts its in-memory databases
 * from this copy (test-db.ts) instead of paying both per file. Not needed when the suite runs on PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated PGlite data directory (a dumpDataDir tar), or '' when there is none */
    pgliteSnapshot: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgliteSnapshot', '');
    return () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'tandem-pglite-snapshot-'));
  const file = join(dir, 'migrated.tar');
  const db = await openPglite('memory://');
  try {
    await migrate(db);
    writeFileSync(file, Buffer.from(await (await db.dump()).arrayBuffer()));
  } finally {
    await db.close();
  }
  project.provide('pgliteSnapshot', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
