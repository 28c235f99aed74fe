/**
 * vitest's global setup: compiles the server into dist/ when src/ changed (scripts/build.mjs, by a hash of the sources),
 * so the tests that start the CLI or a child process run the compiled JavaScript (test/support/compiled.ts) instead of
 * transpiling src/ through tsx in every child, five to seven CPU seconds each on this 2-core machine. It then sets
 * TANDEM_CHILDREN_COMPILED for the test workers (they inherit this process's environment), so the src/ modules that
 * start children of their own start their compiled twins (src/child-entry.ts). A build only ever follows the sources as
 * they are at the start of the run: no test runs an old dist/
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { COMPILED_CHILDREN } from '../../src/child-entry.ts';

export default function setup(): void {
  // In a process of its own: the build uses import.meta.resolve, which vitest's module runner does not support
  const built = spawnSync(process.execPath, [resolve(import.meta.dirname, '../../scripts/build.mjs')], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (built.status !== 0) throw new Error(`the server build failed (${built.status ?? built.signal}): ${built.stderr.toString()}`);
  process.env[COMPILED_CHILDREN] = '1';
}
