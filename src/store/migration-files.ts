/** The plain SQL migrations in src/store/migrations (dist/store/migrations when compiled): their files and their hash */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Every migration's file name, in the order they apply */
export const migrationFiles = (): string[] => readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();

/** A hash of every migration's name and text: a cluster made with these (the build's template) fits only them */
export function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of migrationFiles()) hash.update(file).update('\0').update(readFileSync(MIGRATIONS_DIR + file)).update('\0');
  return hash.digest('hex');
}
