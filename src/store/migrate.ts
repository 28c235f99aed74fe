/** Applies the plain SQL migrations in src/store/migrations, in order, each once and in its own transaction */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const LOCK_KEY = 7_402_001; // serializes migrating processes on a shared server

export interface MigrationResult {
  applied: string[];
  total: number;
}

const migrationFiles = (): string[] => readdirSync(DIR).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();

/** A hash of every migration's name and text: a cluster made with these (the build's template) fits only them */
export function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of migrationFiles()) hash.update(file).update('\0').update(readFileSync(DIR + file)).update('\0');
  return hash.digest('hex');
}

/** Applies every migration not applied yet; `until` stops after that version (tests of an upgrade from an older schema) */
export async function migrate(db: Db, options: { until?: string } = {}): Promise<MigrationResult> {
  const all = migrationFiles();
  const files = options.until === undefined ? all : all.filter((f) => f.replace(/\.sql$/, '') <= options.until!);
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  for (const file of files) {
    const version = file.replace(/\.sql$/, '');
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
