// @backend-independent
/**
 * The CLI's command list loads no engine: `tandem --help`, a command's --help and a bad option import only src/cli/main.ts,
 * src/cli/commands.ts and what they import statically, and what a command runs is imported when it runs (`await
 * import`). When every command's modules were loaded for the list, each of those took ~2 s of CPU here (viem, Polymarket's
 * clients, the simulator, the benches), 4–7 s on a loaded machine
 */
import { describe, expect, it } from 'vitest';
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

describe('the CLI command list', () => {
  const loaded = loadedWith(['src/cli/main.ts', 'src/cli/commands.ts']);

  it('loads no package but zod and node built-ins', () => {
    const packages = [...loaded].filter((f) => !f.startsWith('src/') && !f.startsWith('node:'));
    expect(packages).toEqual(['zod']);
  });

  it('loads no engine, database, venue, API, simulator or bench module', () => {
    expect([...loaded].filter((f) => HEAVY.some((h) => f === h || (h.endsWith('/') && f.startsWith(h))))).toEqual([]);
    expect(loaded.has('src/cli/commands.ts')).toBe(true);
    expect(loaded.has('src/cli/replay-command.ts')).toBe(true);
  });
});
