// @backend-independent
/** The import reader: every import form, nothing from comments or strings, resolution, cycles and line counts */
import { describe, expect, it } from 'vitest';
import {
  fileCycles, folderCycles, folderOf, importsOf, lineCounts, loadGraph, resolveSpecifier, twoWayFolders, type Edge,
} from './import-graph.ts';

const SOURCE = `import {
  a,
  type B,
} from './multi.ts';
import type { C } from "./type-only.ts";
import def, * as ns from './default-and-namespace.ts';
import './side-effect.ts';
export * from './star.ts';
export type { E } from './export-type.ts';
export { f as g } from './named.ts';
const lazy = await import('./dynamic.ts');
type T = typeof import('./type-query.ts');
import { z } from 'zod';
// import x from './line-comment.ts';
/* import y from './block-comment.ts' */
const s = "import q from './string.ts'";
const t = \`\${'}'} import w from './template.ts'\`;
const r = /'/g;
const url = import.meta.url;
export const k = 1;
export { k as kk };
`;

describe('importsOf', () => {
  it('finds every import, re-export, side-effect and dynamic import, with its line, whether it is type-only and whether dynamic', () => {
    expect(importsOf(SOURCE)).toEqual([
      { specifier: './multi.ts', line: 1, typeOnly: false },
      { specifier: './type-only.ts', line: 5, typeOnly: true },
      { specifier: './default-and-namespace.ts', line: 6, typeOnly: false },
      { specifier: './side-effect.ts', line: 7, typeOnly: false },
      { specifier: './star.ts', line: 8, typeOnly: false },
      { specifier: './export-type.ts', line: 9, typeOnly: true },
      { specifier: './named.ts', line: 10, typeOnly: false },
      { specifier: './dynamic.ts', line: 11, typeOnly: false, dynamic: true },
      { specifier: './type-query.ts', line: 12, typeOnly: true },
      { specifier: 'zod', line: 13, typeOnly: false },
    ]);
  });
});

describe('resolution and units', () => {
  it('resolves a relative specifier to a repository path, and nothing for a missing file', () => {
    expect(resolveSpecifier('src/engine/ft-engine.ts', '../domain/money.ts')).toBe('src/domain/money.ts');
    expect(resolveSpecifier('src/engine/ft-engine.ts', '../domain/money.js')).toBe('src/domain/money.ts');
    expect(resolveSpecifier('src/engine/ft-engine.ts', '../domain/money')).toBe('src/domain/money.ts');
    expect(resolveSpecifier('src/engine/ft-engine.ts', './no-such-file.ts')).toBeNull();
  });

  it('names a unit by its first folder under src/, or by the file at the top of src/', () => {
    expect(folderOf('src/domain/metrics/stats.ts')).toBe('domain');
    expect(folderOf('src/main.ts')).toBe('main.ts');
  });
});

const edge = (from: string, to: string): Edge =>
  ({ from, to, specifier: to, line: 1, typeOnly: false, external: !to.startsWith('src/'), resolved: true });

describe('cycles', () => {
  it('lists file cycles of more than one file and self-imports, and nothing for a chain', () => {
    const edges = [edge('src/a/x.ts', 'src/b/y.ts'), edge('src/b/y.ts', 'src/a/x.ts'), edge('src/c/z.ts', 'src/c/z.ts'),
      edge('src/d/1.ts', 'src/d/2.ts'), edge('src/d/2.ts', 'src/d/3.ts'), edge('src/d/1.ts', 'zod')];
    expect(fileCycles(edges)).toEqual([['src/a/x.ts', 'src/b/y.ts'], ['src/c/z.ts']]);
  });

  it('lists folder cycles, ignoring imports within a folder', () => {
    const edges = [edge('src/a/x.ts', 'src/b/y.ts'), edge('src/b/w.ts', 'src/main.ts'), edge('src/main.ts', 'src/a/v.ts'),
      edge('src/c/z.ts', 'src/c/q.ts'), edge('src/c/q.ts', 'src/c/z.ts'), edge('src/c/z.ts', 'src/a/x.ts')];
    expect(folderCycles(edges)).toEqual([['a', 'b', 'main.ts']]);
  });

  it('lists the folders that import each other directly, with the imports each way', () => {
    const edges = [edge('src/a/x.ts', 'src/b/y.ts'), edge('src/a/v.ts', 'src/b/y.ts'), edge('src/b/y.ts', 'src/a/x.ts'),
      edge('src/b/y.ts', 'src/c/z.ts'), edge('src/c/z.ts', 'src/d/w.ts'), edge('src/d/w.ts', 'src/b/y.ts')];
    expect(twoWayFolders(edges)).toEqual([{ units: ['a', 'b'], counts: [2, 1] }]);
  });
});

describe('line counts', () => {
  it('counts the non-test lines of each top-level unit and the largest share', () => {
    const lines = new Map([['src/a/x.ts', 30], ['src/a/x.test.ts', 500], ['src/b/y.ts', 10], ['src/main.ts', 10]]);
    const counts = lineCounts({ files: [...lines.keys()], lines, edges: [] });
    expect([...counts.byFolder]).toEqual([['a', 30], ['b', 10], ['main.ts', 10]]);
    expect(counts.total).toBe(50);
    expect(counts.largest).toEqual({ folder: 'a', lines: 30, share: 0.6 });
  });

  it('counts the repository without its tests unless asked', () => {
    const withTests = loadGraph({ includeTests: true });
    const without = loadGraph({ includeTests: false });
    expect(without.files.some((f) => f.endsWith('.test.ts'))).toBe(false);
    expect(withTests.files.filter((f) => f.endsWith('.test.ts')).length).toBeGreaterThan(0);
    expect(lineCounts(withTests)).toEqual(lineCounts(without));
  });
});
