/**
 * `npm test` runs a test file marked `// @backend-independent` (a line of its own) once, on PGlite, instead of on each
 * backend (scripts/test.sh). A file that is not marked runs on both, so the mark is the only way to run once: these
 * tests prove every marked file is what it claims, i.e. neither it nor any local file it imports, transitively, opens
 * the test database (test/support/test-db.ts) or reads TEST_DATABASE_URL; and every file that is not marked (outside
 * test/crash, a pass of its own) does, so none runs twice for nothing. (This file names both, so it runs on both.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, REPO_ROOT, resolveSpecifier } from './import-graph.ts';

const MARK = '// @backend-independent';
const TEST_DB = 'test/support/test-db.ts';

const read = (path: string) => readFileSync(posix.join(REPO_ROOT, path), 'utf8');
const isMarked = (src: string) => src.split('\n').some((line) => line.trimEnd() === MARK);

function testFiles(dir: string): string[] {
  return readdirSync(posix.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The first chain of local imports from `file` to a file that opens the test database or reads TEST_DATABASE_URL */
function backendChain(file: string, seen = new Set<string>()): string[] | null {
  if (seen.has(file)) return null;
  seen.add(file);
  if (file === TEST_DB) return [file];
  const src = read(file);
  if (src.includes('TEST_DATABASE_URL')) return [`${file} (reads TEST_DATABASE_URL)`];
  for (const ref of importsOf(src)) {
    if (!ref.specifier.startsWith('.')) continue;
    const to = resolveSpecifier(file, ref.specifier);
    const chain = to && (to.startsWith('src/') || to.startsWith('test/')) ? backendChain(to, seen) : null;
    if (chain) return [file, ...chain];
  }
  return null;
}

const all = [...testFiles('src'), ...testFiles('test')].sort();
const marked = all.filter((f) => isMarked(read(f)));

describe('backend-independent test files (run once by npm test)', () => {
  it('finds the test database behind an import chain, and TEST_DATABASE_URL read anywhere on it', () => {
    expect(backendChain('src/store/market-store.test.ts')).toEqual(['src/store/market-store.test.ts', TEST_DB]);
    expect(backendChain('test/scenarios/lt-orders.test.ts')).not.toBeNull(); // through test/support/lt-world.ts
    expect(backendChain('test/faults/db-outage.test.ts')?.at(-1)).toMatch(/reads TEST_DATABASE_URL/);
    expect(backendChain('src/domain/money.test.ts')).toBeNull();
  });

  it('marks pure and PGlite-only files, none under test/crash (a pass of its own)', () => {
    expect(marked.length).toBeGreaterThan(50);
    expect(marked.filter((f) => f.startsWith('test/crash/'))).toEqual([]);
  });

  it('every marked file reaches neither the test database nor TEST_DATABASE_URL', () => {
    const wrong = marked.map((f) => backendChain(f)).filter((c) => c !== null).map((c) => c.join(' → '));
    expect(wrong).toEqual([]);
  });

  it('every other file outside test/crash reaches one of them: a file that does not would run on both for nothing', () => {
    const unmarked = all.filter((f) => !marked.includes(f) && !f.startsWith('test/crash/'));
    expect(unmarked.filter((f) => backendChain(f) === null)).toEqual([]);
  });
});
