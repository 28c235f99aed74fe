/**
 * The layer rules of docs/architecture.md as data, and the checker that lists every import breaking one.
 * Patterns are repository paths: `src/domain/**` is everything under src/domain, `*` stays within one segment.
 * Test files (`*.test.ts`, everything under test/) are exempt.
 */
import { fileCycles, isTestFile, type Edge } from './import-graph.ts';

/** Which imports of the files matching `from` (minus `except`) are allowed */
export interface ImportRule {
  kind: 'imports';
  name: string;
  description: string;
  from: string[];
  except?: string[];
  /** When set, repository files imported must match one of these */
  allow?: string[];
  /** Repository files that must not be imported */
  forbid?: string[];
  /** When set, packages and node built-ins imported must be one of these */
  packages?: string[];
  /** Packages that must not be imported */
  forbidPackages?: string[];
}

/** No file-level import cycles (type-only imports count) */
export interface AcyclicRule {
  kind: 'acyclic';
  name: string;
  description: string;
}

export type LayerRule = ImportRule | AcyclicRule;

export interface Violation {
  rule: LayerRule;
  edge: Edge;
}

const ADAPTERS = ['src/venues/**', 'src/feeds/**', 'src/sim/**', 'src/api/**', 'src/jobs/**', 'src/alerts/**',
  'src/cli/**', 'src/bench/**', 'src/replay/**', 'src/rehearse/**', 'src/torture/**', 'src/metrics/**', 'src/main.ts', 'src/main-venues.ts',
  'src/config.ts'];

export const LAYER_RULES: readonly LayerRule[] = [
  {
    kind: 'imports', name: 'domain-is-pure', description: 'src/domain imports only src/domain and zod',
    from: ['src/domain/**'], allow: ['src/domain/**'], packages: ['zod'],
  },
  {
    kind: 'imports', name: 'engine-imports-no-adapter', description: 'src/engine imports no adapter (only domain, store, engine)',
    from: ['src/engine/**'], forbid: ADAPTERS,
  },
  {
    kind: 'imports', name: 'store-imports-store-and-domain', description: 'src/store imports only src/store and src/domain',
    from: ['src/store/**'], allow: ['src/store/**', 'src/domain/**'],
  },
  {
    kind: 'imports', name: 'sim-is-private',
    description: 'only src/sim, src/main.ts (and src/main-venues.ts), src/cli, src/replay, src/rehearse, src/bench, src/torture and tests import src/sim',
    from: ['src/**'], except: ['src/sim/**', 'src/main.ts', 'src/main-venues.ts', 'src/cli/**', 'src/replay/**', 'src/rehearse/**', 'src/bench/**', 'src/torture/**'],
    forbid: ['src/sim/**'],
  },
  {
    kind: 'imports', name: 'prometheus-in-metrics', description: 'only src/metrics (the Metrics port\'s adapter) imports prom-client',
    from: ['src/**'], except: ['src/metrics/**'], forbidPackages: ['prom-client'],
  },
  { kind: 'acyclic', name: 'no-import-cycles', description: 'no file-level import cycles (type-only imports count)' },
];

const escapeRegex = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

function patternRegex(pattern: string): RegExp {
  const segment = (s: string): string => (s === '**' ? '.*' : s.split('*').map(escapeRegex).join('[^/]*'));
  return new RegExp(`^${pattern.split('/').map(segment).join('/')}$`);
}

export const matches = (path: string, patterns: readonly string[]): boolean =>
  patterns.some((p) => patternRegex(p).test(path));

function breaks(rule: ImportRule, edge: Edge): boolean {
  if (!matches(edge.from, rule.from) || matches(edge.from, rule.except ?? [])) return false;
  if (edge.external) {
    return (rule.packages !== undefined && !rule.packages.includes(edge.to)) || (rule.forbidPackages ?? []).includes(edge.to);
  }
  if (rule.allow !== undefined && !matches(edge.to, rule.allow)) return true;
  return matches(edge.to, rule.forbid ?? []);
}

/** Edges between files of one import cycle (or a file importing itself) */
function cycleEdges(edges: readonly Edge[]): Edge[] {
  const componentOf = new Map<string, number>();
  fileCycles(edges).forEach((cycle, i) => cycle.forEach((file) => componentOf.set(file, i)));
  return edges.filter((e) => !e.external && componentOf.has(e.from) && componentOf.get(e.from) === componentOf.get(e.to));
}

/** Every import of a non-test file that breaks a rule, with that rule, in rule order */
export function violations(edges: readonly Edge[], rules: readonly LayerRule[] = LAYER_RULES): Violation[] {
  const checked = edges.filter((e) => !isTestFile(e.from));
  return rules.flatMap((rule) => {
    const broken = rule.kind === 'acyclic' ? cycleEdges(checked) : checked.filter((e) => breaks(rule, e));
    return broken.map((edge) => ({ rule, edge }));
  });
}

/** One line per violation: `src/store/x.ts:3 → src/venues/venue.ts  [rule: description]` */
export const formatViolation = ({ rule, edge }: Violation): string =>
  `${edge.from}:${edge.line} → ${edge.to}${edge.typeOnly ? ' (type)' : ''}  [${rule.name}: ${rule.description}]`;
