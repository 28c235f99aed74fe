// Compiles the server (src/ → dist/, one .js module per .ts file, tests left out) and copies the SQL migrations beside
// it, so `npm start` and bin/tandem.mjs run plain JavaScript instead of transpiling at run time. esbuild (already
// installed for tsx and vite) strips the types; `npm run typecheck` is what checks them. dist/ mirrors src/, so paths
// a module resolves from its own URL (the migrations, dist/web for the dashboard) hold in both trees. A build is
// identified by a hash of what it reads, kept in dist/build.json; `buildIfStale` rebuilds only when that changed.
// It also keeps dist/pglite-template: a PGlite cluster as initdb and the migrations leave it, that a new data directory
// starts as a copy of (src/store/db.ts), made again only when the installed PGlite or a migration changes. initdb in
// WebAssembly takes seconds of CPU and holds about 400 MB while it runs, the migrations about two seconds more; a copy
// takes a fraction of a second.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const OUT = join(ROOT, 'dist');
const STAMP = join(OUT, 'build.json');
/** Kept by `build` (it has a stamp of its own); keep the name in step with src/store/db.ts */
const TEMPLATE = join(OUT, 'pglite-template');
const KEEP = new Set(['web', 'pglite-template']);
/** The compiled command line: what `npm start` runs */
export const ENTRY = join(OUT, 'cli', 'main.js');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []).sort();
}

const isModule = (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts');
const isAsset = (f) => f.endsWith('.sql');

/** The hash of what the build reads: the modules and assets under src/, the lockfile and this script */
export function sourceHash() {
  const hash = createHash('sha256');
  const inputs = [...files(SRC).filter((f) => isModule(f) || isAsset(f)), join(ROOT, 'package-lock.json'), fileURLToPath(import.meta.url)];
  for (const file of inputs) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** True when dist/ holds a build of the sources as they are */
export function isBuilt(source = sourceHash()) {
  if (!existsSync(STAMP) || !existsSync(ENTRY)) return false;
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')).source === source;
  } catch {
    return false;
  }
}

/** Every import of a module is left as an import, its `.ts` specifier turned into `.js` (dist/ mirrors src/) */
const keepImports = {
  name: 'keep-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => (args.kind === 'entry-point' ? undefined
      : { path: args.path.startsWith('.') ? args.path.replace(/\.ts$/, '.js') : args.path, external: true }));
  },
};

/** Builds the server into dist/ (dist/web, the dashboard's build, is left alone) */
export async function build() {
  const source = sourceHash();
  for (const e of existsSync(OUT) ? readdirSync(OUT) : []) if (!KEEP.has(e)) rmSync(join(OUT, e), { recursive: true, force: true });
  const all = files(SRC);
  const { build: esbuild } = await import('esbuild');
  await esbuild({
    entryPoints: all.filter(isModule), outdir: OUT, outbase: SRC, bundle: true, plugins: [keepImports],
    platform: 'node', format: 'esm', target: 'node20', sourcemap: 'linked', logLevel: 'warning',
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, jsx: 'react-jsx', jsxImportSource: 'hono/jsx' } },
  });
  for (const asset of all.filter(isAsset)) {
    const to = join(OUT, relative(SRC, asset));
    mkdirSync(join(to, '..'), { recursive: true });
    cpSync(asset, to);
  }
  writeFileSync(STAMP, JSON.stringify({ source, built_at: new Date().toISOString() }));
}

/** The installed PGlite's version */
function pgliteVersion() {
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  return JSON.parse(readFileSync(join(entry, '..', '..', 'package.json'), 'utf8')).version;
}

/**
 * Makes dist/pglite-template (with the compiled store: call after `build`) unless it is there for the installed PGlite
 * and the migrations as they are; resolves to true when it made it
 */
export async function buildPgliteTemplate({ quiet = false } = {}) {
  const { openPglite } = await import(pathToFileURL(join(OUT, 'store', 'db.js')).href);
  const { migrate } = await import(pathToFileURL(join(OUT, 'store', 'migrate.js')).href);
  const { migrationsHash } = await import(pathToFileURL(join(OUT, 'store', 'migration-files.js')).href);
  const want = { pglite: pgliteVersion(), migrations: migrationsHash() };
  try {
    const made = JSON.parse(readFileSync(join(TEMPLATE, 'template.json'), 'utf8'));
    if (made.pglite === want.pglite && made.migrations === want.migrations) return false;
  } catch {
    // none yet, or unreadable: made again
  }
  const started = Date.now();
  if (!quiet) console.error(`creating the PGlite cluster new data directories start from (PGlite ${want.pglite}, migrations applied) …`);
  const temporary = `${TEMPLATE}.tmp-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  rmSync(TEMPLATE, { recursive: true, force: true }); // so that openPglite runs initdb rather than copying a stale one
  const db = await openPglite(temporary);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  rmSync(join(temporary, 'tandem.lock'), { force: true });
  writeFileSync(join(temporary, 'template.json'), JSON.stringify({ ...want, built_at: new Date().toISOString() }));
  renameSync(temporary, TEMPLATE);
  if (!quiet) console.error(`PGlite cluster template made in ${Date.now() - started} ms`);
  return true;
}

/** Builds when stale; resolves to true when it built */
export async function buildIfStale({ quiet = false } = {}) {
  let built = false;
  if (!isBuilt()) {
    const started = Date.now();
    if (!quiet) console.error('compiling the server (src/ changed since the last build) …');
    await build();
    if (!quiet) console.error(`server compiled into dist/ in ${Date.now() - started} ms`);
    built = true;
  }
  return (await buildPgliteTemplate({ quiet })) || built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  (force ? build().then(() => buildPgliteTemplate()) : buildIfStale()).catch((error) => {
    console.error(`the server build failed: ${error.message}`);
    process.exit(1);
  });
}
