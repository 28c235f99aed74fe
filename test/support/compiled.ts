/**
 * Compiled JavaScript for the tests that start the CLI or a script as a child process, instead of transpiling the
 * TypeScript through tsx in every child (five to seven CPU seconds each on this 2-core machine). vitest's global setup
 * builds dist/ from the sources first (test/support/build-server.ts); this checks again, by the same hash of the sources,
 * that the build is of the sources as they are, so a test never runs an old one
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
// @ts-expect-error a plain .mjs script without types
import { ENTRY, isBuilt } from '../../scripts/build.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');

function assertBuilt(): void {
  if (!(isBuilt as () => boolean)()) {
    throw new Error('dist/ is not a build of the sources as they are: vitest\'s global setup builds it (test/support/build-server.ts)');
  }
}

/** The node arguments that run `tandem` compiled, as `npm start` does: [dist/cli/main.js] */
export function compiledCli(): string[] {
  assertBuilt();
  return [ENTRY as string];
}

/**
 * A test's own child script (outside src/, so not in dist/) compiled into tmp/compiled-tests/: its imports of src/
 * modules point at their compiled twins in dist/, every other import is left as it is. Resolves to the .mjs file
 */
export async function compileTestScript(script: string): Promise<string> {
  assertBuilt();
  const out = join(ROOT, 'tmp', 'compiled-tests', `${relative(ROOT, script).replace(/[/\\]/g, '_').replace(/\.ts$/, '')}-${process.pid}.mjs`);
  mkdirSync(dirname(out), { recursive: true });
  const { build } = await import('esbuild');
  await build({
    entryPoints: [script], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
    plugins: [{
      name: 'src-to-dist',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (args.kind === 'entry-point') return undefined;
          if (!args.path.startsWith('.')) return { path: args.path, external: true };
          const file = resolve(args.resolveDir, args.path);
          if (!file.startsWith(`${SRC}/`)) return undefined; // a test helper: bundled in
          return { path: join(DIST, relative(SRC, file)).replace(/\.ts$/, '.js'), external: true };
        });
      },
    }],
  });
  return out;
}
