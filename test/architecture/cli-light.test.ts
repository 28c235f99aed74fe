// @backend-independent
/**
 * The CLI's command list loads no engine: `tandem --help`, a command's --help and a bad option import only src/cli/main.ts,
 * src/cli/commands.ts and what they import statically, and what a command runs is imported when it runs (`await
 * import`). When every command's modules were loaded for the list, each of those took ~2 s of CPU here (viem, Polymarket's
 * clients, the simulator, the benches), 4–7 s on a loaded machine.
 * Two checks: the import graph (what loads with the two modules; an `import()` counts as deferred, which it is only
 * inside a function), and the compiled CLI run with Node's module hooks recording every module it actually loads
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledCli, ROOT } from '../support/compiled.ts';
import { loadGraph } from './import-graph.ts';

/** Every file and package reached from `roots` by imports that load with the module (not type-only, not `import()`) */
function loadedWith(roots: string[]): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of loadGraph({ includeTests: false }).edges) {
    if (e.typeOnly || e.dynamic) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  const seen = new Set<string>();
  const stack = [...roots];
  for (let f = stack.pop(); f !== undefined; f = stack.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...(next.get(f) ?? []));
  }
  return seen;
}

/** What the command list may load: the CLI, configuration and logging, a few constants and validators */
const HEAVY = ['src/main.ts', 'src/main-venues.ts', 'src/api/', 'src/engine/', 'src/venues/', 'src/feeds/', 'src/bench/',
  'src/torture/', 'src/replay/', 'src/sim/server/server.ts', 'src/sim/exchange/', 'src/rehearse/rehearse.ts', 'src/store/db.ts'];
/** Constants kept apart from their heavy folders so that help texts and options can read them */
const LIGHT = ['src/replay/latency.ts', 'src/bench/soak-defaults.ts'];
const isHeavy = (file: string, heavy = HEAVY, light = LIGHT): boolean =>
  !light.includes(file) && heavy.some((h) => file === h || (h.endsWith('/') && file.startsWith(h)));
const inDist = (file: string): string => file.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js');

describe('the CLI command list', () => {
  const loaded = loadedWith(['src/cli/main.ts', 'src/cli/commands.ts']);

  it('loads no package but zod and node built-ins', () => {
    const packages = [...loaded].filter((f) => !f.startsWith('src/') && !f.startsWith('node:'));
    expect(packages).toEqual(['zod']);
  });

  it('loads no engine, database, venue, API, simulator or bench module', () => {
    expect([...loaded].filter((f) => isHeavy(f))).toEqual([]);
    expect(loaded.has('src/cli/commands.ts')).toBe(true);
    expect(loaded.has('src/cli/replay-command.ts')).toBe(true);
  });
});

/** The modules `tandem ARGS` (compiled) loads, as paths under the repository, and its exit code */
function modulesLoadedBy(args: string[]): { status: number | null; modules: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-light-'));
  try {
    const out = join(dir, 'loaded.txt');
    const run = spawnSync(process.execPath, ['--import', join(ROOT, 'test/support/loaded-modules.mjs'), ...compiledCli(), ...args],
      { cwd: ROOT, env: { ...process.env, TANDEM_LOADED_MODULES: out }, encoding: 'utf8', timeout: 120_000 });
    const urls = readFileSync(out, 'utf8').split('\n').filter((u) => u.startsWith(`file://${ROOT}`));
    return { status: run.status, modules: urls.map((u) => u.slice(`file://${ROOT}`.length).replace(/^\//, '')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the compiled CLI, run', () => {
  const heavyDist = HEAVY.map(inDist);
  const lightDist = LIGHT.map(inDist);
  it.each([[['--help'], 0], [['replay', '--help'], 0], [['soak', '--rate', 'x'], 2], [['reconcile', '--bogus'], 2], [['nope'], 2]])(
    'tandem %j loads no engine and no package but zod', (args, code) => {
      const { status, modules } = modulesLoadedBy(args as string[]);
      expect(status).toBe(code);
      expect(modules).toContain('dist/cli/commands.js');
      expect(modules.filter((m) => isHeavy(m, heavyDist, lightDist))).toEqual([]);
      const packages = new Set(modules.filter((m) => m.startsWith('node_modules/')).map((m) => m.split('/')[1]));
      expect([...packages]).toEqual(['zod']);
    }, 150_000);
});
