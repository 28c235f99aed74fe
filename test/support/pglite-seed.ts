/**
 * The run's migrated PGlite, for test files that need PGlite on either backend's pass (the in-process demo, a DATA_DIR
 * for a started Tandem): PGlite only, so importing this and not test-db.ts leaves a file backend-independent
 */
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { openPglite } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';

let snapshot: Promise<Blob> | null = null;

/** The run's migrated copy that the global setup wrote (pglite-snapshot.ts), or '' */
function sharedSnapshotFile(): string {
  try {
    return inject('pgliteSnapshot') ?? '';
  } catch {
    return ''; // outside a vitest worker
  }
}

/**
 * Creating and migrating a new PGlite takes seconds: the run does it once (the global setup), and each test file starts
 * its databases from that copy; without one (a run without the setup), the file makes its own copy once
 */
export function migratedSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const file = sharedSnapshotFile();
    if (file) return new Blob([readFileSync(file)]);
    const db = await openPglite('memory://');
    await migrate(db);
    const blob = await db.dump();
    await db.close();
    return blob;
  })();
  return snapshot;
}

/**
 * Writes the run's migrated PGlite into `dir` (a new DATA_DIR), so that a Tandem started on it opens a migrated database
 * instead of running initdb (about six CPU seconds); for tests whose subject is not the first start on an empty directory
 */
export async function seedPgliteDir(dir: string): Promise<void> {
  const db = await openPglite(dir, { loadDataDir: await migratedSnapshot() });
  await db.close();
}
