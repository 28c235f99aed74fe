/** Applies the plain SQL migrations in src/store/migrations, in order, each once and in its own transaction */
import { readFileSync } from 'node:fs';
import type { Db } from './db.ts';
import { MIGRATIONS_DIR as DIR, migrationFiles } from './migration-files.ts';

const LOCK_KEY = 7_402_001; // serializes migrating processes on a shared server

export interface MigrationResult {
  applied: string[];
  total: number;
}

/** Applies every migration not applied yet; `until` stops after that version (tests of an upgrade from an older schema) */
export async function migrate(db: Db, options: { until?: string } = {}): Promise<MigrationResult> {
  const all = migrationFiles();
  const files = options.until === undefined ? all : all.filter((f) => f.replace(/\.sql$/, '') <= options.until!);
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  // An up-to-date database (every start but the first) costs one read, not a transaction per file; a missing file is
  // read again under the lock, which decides when several processes start at once
  const present = new Set((await db.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const applied: string[] = [];
  for (const file of files) {
    const version = file.replace(/\.sql$/, '');
    if (present.has(version)) continue;
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version]);
      if (seen.length > 0) return false;
      await tx.exec(readFileSync(DIR + file, 'utf8'));
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      return true;
    });
    if (done) applied.push(version);
  }
  return { applied, total: files.length };
}
