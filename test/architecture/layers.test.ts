// @backend-independent
/** The layer rules: each one proven on synthetic imports, then the repository's own graph checked against all of them */
import { describe, expect, it } from 'vitest';
import { loadGraph, type Edge } from './import-graph.ts';
import { formatViolation, LAYER_RULES, violations } from './layers.ts';

const edge = (from: string, to: string, typeOnly = false): Edge => {
  const external = !to.startsWith('src/') && !to.startsWith('test/');
  return { from, to, specifier: to, line: 1, typeOnly, external, resolved: true };
};

/** `from → to` of every violation of the named rule */
const broken = (rule: string, edges: Edge[]): string[] =>
  violations(edges).filter((v) => v.rule.name === rule).map((v) => `${v.edge.from} → ${v.edge.to}`);

describe('domain-is-pure', () => {
  it('reports a domain file importing outside the domain, a node built-in or a package other than zod', () => {
    const edges = [edge('src/domain/x.ts', 'src/store/db.ts'), edge('src/domain/x.ts', 'src/engine/ports.ts', true),
      edge('src/domain/metrics/y.ts', 'node:fs'), edge('src/domain/x.ts', 'crypto'), edge('src/domain/x.ts', 'viem')];
    expect(broken('domain-is-pure', edges)).toEqual(edges.map((e) => `${e.from} → ${e.to}`));
  });

  it('allows the domain, zod, and anything in domain tests', () => {
    const edges = [edge('src/domain/x.ts', 'src/domain/money.ts'), edge('src/domain/metrics/y.ts', 'src/domain/money.ts'),
      edge('src/domain/x.ts', 'zod'), edge('src/domain/x.test.ts', 'src/store/db.ts'), edge('src/domain/x.test.ts', 'vitest')];
    expect(broken('domain-is-pure', edges)).toEqual([]);
  });
});

describe('engine-imports-no-adapter', () => {
  const adapters = ['src/venues/venue.ts', 'src/feeds/data-api-record.ts', 'src/sim/exchange/fees.ts', 'src/api/app.ts',
    'src/jobs/scheduler.ts', 'src/alerts/webhook.ts', 'src/cli/commands.ts', 'src/bench/report.ts', 'src/replay/replay.ts',
    'src/metrics/prometheus.ts', 'src/main.ts', 'src/config.ts'];

  it('reports an engine file importing any adapter, type-only included', () => {
    const edges = adapters.map((to, i) => edge('src/engine/lt-submit.ts', to, i % 2 === 0));
    expect(broken('engine-imports-no-adapter', edges)).toEqual(adapters.map((to) => `src/engine/lt-submit.ts → ${to}`));
  });

  it('allows the engine, the store, the domain and packages', () => {
    const edges = ['src/engine/ports.ts', 'src/store/db.ts', 'src/domain/money.ts', 'node:crypto', 'croner']
      .map((to) => edge('src/engine/ft-engine.ts', to));
    expect(broken('engine-imports-no-adapter', edges)).toEqual([]);
  });
});

describe('store-imports-store-and-domain', () => {
  it('reports a store file importing a venue, the engine or an adapter', () => {
    const edges = [edge('src/store/lt-order-store.ts', 'src/venues/venue.ts', true),
      edge('src/store/x.ts', 'src/engine/ports.ts'), edge('src/store/x.ts', 'src/config.ts')];
    expect(broken('store-imports-store-and-domain', edges)).toEqual(edges.map((e) => `${e.from} → ${e.to}`));
  });

  it('allows the store, the domain and packages', () => {
    const edges = [edge('src/store/x.ts', 'src/store/db.ts'), edge('src/store/migrations/m.ts', 'src/domain/money.ts'),
      edge('src/store/db.ts', 'pg'), edge('src/store/db.ts', '@electric-sql/pglite')];
    expect(broken('store-imports-store-and-domain', edges)).toEqual([]);
  });
});

describe('prometheus-in-metrics', () => {
  it('reports prom-client imported outside src/metrics (the engine reports through the Metrics port)', () => {
    const edges = [edge('src/engine/lt-submit.ts', 'prom-client'), edge('src/jobs/schedule.ts', 'prom-client'),
      edge('src/api/routes/metrics.ts', 'prom-client', true)];
    expect(broken('prometheus-in-metrics', edges)).toEqual(edges.map((e) => `${e.from} → ${e.to}`));
  });

  it('allows it in src/metrics and in tests', () => {
    const edges = [edge('src/metrics/prometheus.ts', 'prom-client'), edge('src/metrics/prometheus.test.ts', 'prom-client'),
      edge('src/engine/lt-submit.ts', 'croner')];
    expect(broken('prometheus-in-metrics', edges)).toEqual([]);
  });
});

describe('sim-is-private', () => {
  it('reports the simulator imported by the engine, a venue, the api or a top-level file other than main.ts', () => {
    const importers = ['src/engine/lt-submit.ts', 'src/venues/polymarket/fills.ts', 'src/api/app.ts', 'src/config.ts'];
    const edges = importers.map((from) => edge(from, 'src/sim/exchange/fees.ts'));
    expect(broken('sim-is-private', edges)).toEqual(importers.map((from) => `${from} → src/sim/exchange/fees.ts`));
  });

  it('allows the simulator itself, the composition root, the CLI, replay, bench and tests', () => {
    const importers = ['src/sim/server/cli.ts', 'src/main.ts', 'src/cli/commands.ts', 'src/replay/replay-lt.ts',
      'src/bench/signal-rig.ts', 'src/venues/polymarket/polymarket-venue.test.ts', 'test/support/lt-world.ts'];
    expect(broken('sim-is-private', importers.map((from) => edge(from, 'src/sim/world/world.ts')))).toEqual([]);
  });
});

describe('no-import-cycles', () => {
  it('reports every edge of a cycle, type-only imports and self-imports included', () => {
    const edges = [edge('src/cli/commands.ts', 'src/sim/server/cli.ts'), edge('src/sim/server/cli.ts', 'src/cli/commands.ts', true),
      edge('src/engine/a.ts', 'src/engine/b.ts'), edge('src/engine/b.ts', 'src/engine/c.ts'),
      edge('src/engine/c.ts', 'src/engine/a.ts', true), edge('src/store/s.ts', 'src/store/s.ts')];
    expect(broken('no-import-cycles', edges).sort()).toEqual(edges.map((e) => `${e.from} → ${e.to}`).sort());
  });

  it('stays quiet on a graph without cycles, and on imports into a cycle from outside it', () => {
    const edges = [edge('src/engine/a.ts', 'src/engine/b.ts'), edge('src/engine/b.ts', 'src/engine/c.ts'),
      edge('src/engine/a.ts', 'src/engine/c.ts'), edge('src/engine/c.ts', 'src/domain/money.ts'),
      edge('src/main.ts', 'src/engine/a.ts'), edge('src/x.test.ts', 'src/x.test.ts')];
    expect(broken('no-import-cycles', edges)).toEqual([]);
  });
});

it('prints a violation with the file, line, target and the rule it breaks', () => {
  const [v] = violations([{ ...edge('src/store/lt-order-store.ts', 'src/venues/venue.ts', true), line: 5 }]);
  expect(v === undefined ? '' : formatViolation(v)).toBe('src/store/lt-order-store.ts:5 → src/venues/venue.ts (type)  '
    + '[store-imports-store-and-domain: src/store imports only src/store and src/domain]');
});

describe('the repository', () => {
  const graph = loadGraph({ includeTests: false });

  it('is read whole: every relative import names an existing file, and every layer has imports', () => {
    expect(graph.edges.filter((e) => !e.resolved).map((e) => `${e.from}:${e.line} ${e.specifier}`)).toEqual([]);
    for (const layer of ['domain', 'engine', 'store']) {
      expect(graph.edges.filter((e) => e.from.startsWith(`src/${layer}/`)).length).toBeGreaterThan(10);
    }
  });

  it('breaks no layer rule', () => {
    const found = violations(graph.edges, LAYER_RULES).map(formatViolation);
    expect(found).toEqual([]);
  });
});
