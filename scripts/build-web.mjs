// Builds the dashboard (web/ → dist/web) when its sources changed since the last build: `npm start`, `npm test` and
// vitest's global setup call it, so a fresh clone and an edited page are always served as they are. A build is
// identified by a hash of every source file (and the lockfile), kept in dist/web/build.json.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const OUT = join(ROOT, 'dist', 'web');
const STAMP = join(OUT, 'build.json');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []).sort();
}

/** The hash of what the build reads: every file under web/ and the lockfile (the libraries' versions) */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...files(WEB), join(ROOT, 'package-lock.json')]) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** The hash the current dist/web was built from, or null when there is none */
function builtHash() {
  if (!existsSync(STAMP) || !existsSync(join(OUT, 'index.html'))) return null;
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')).source;
  } catch {
    return null;
  }
}

/** Builds when stale; resolves to true when it built */
export async function buildWebIfStale({ quiet = false } = {}) {
  const source = sourceHash();
  if (builtHash() === source) return false;
  const started = Date.now();
  if (!quiet) console.error('building the dashboard (web/ changed since the last build) …');
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(STAMP, JSON.stringify({ source, built_at: new Date().toISOString() }));
  if (!quiet) console.error(`dashboard built in ${Date.now() - started} ms (${statSync(join(OUT, 'index.html')).size} B index)`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWebIfStale().catch((error) => {
    console.error(`the dashboard build failed: ${error.message}`);
    process.exit(1);
  });
}
