/**
 * The import graph of src/: every import, re-export and dynamic import of every .ts file, resolved to
 * repository paths (packages and node built-ins stay bare specifiers), with its file and folder cycles and
 * the line count of each top-level folder. Read from the source text, so it needs no compiler API.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { posix } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ImportRef {
  specifier: string;
  line: number;
  typeOnly: boolean;
  /** An `import()` expression: the module is loaded when that code runs, not with the importing module */
  dynamic?: true;
}

export interface Edge extends ImportRef {
  /** Repository path of the importing file, e.g. `src/engine/ft-engine.ts` */
  from: string;
  /** Repository path of the imported file, or the bare specifier of a package (`zod`, `node:fs`) */
  to: string;
  external: boolean;
  /** False when a relative specifier names no existing file */
  resolved: boolean;
}

export interface Graph {
  files: string[];
  lines: ReadonlyMap<string, number>;
  edges: Edge[];
}

interface Token {
  kind: 'id' | 'str' | 'num' | 'punct';
  value: string;
  line: number;
}

const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void',
  'throw', 'instanceof', 'yield', 'await']);

export const isTestFile = (path: string): boolean => path.endsWith('.test.ts') || path.startsWith('test/');

/** Index just past the quoted string that starts at `start` */
function skipString(src: string, start: number): number {
  const quote = src[start];
  let i = start + 1;
  while (i < src.length && src[i] !== quote && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Index just past the template literal that starts at `start`, nested `${…}` (with strings and templates) included */
function skipTemplate(src: string, start: number): number {
  let i = start + 1;
  while (i < src.length && src[i] !== '`') {
    if (src[i] === '\\') i += 2;
    else if (src[i] === '$' && src[i + 1] === '{') i = skipBraces(src, i + 1);
    else i += 1;
  }
  return i + 1;
}

function skipBraces(src: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < src.length) {
    const c = src[i];
    if (c === '\'' || c === '"') { i = skipString(src, i); continue; }
    if (c === '`') { i = skipTemplate(src, i); continue; }
    if (c === '{') depth += 1;
    if (c === '}' && --depth === 0) return i + 1;
    i += 1;
  }
  return i;
}

function skipRegex(src: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < src.length && src[i] !== '\n') {
    const c = src[i];
    if (c === '\\') { i += 2; continue; }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) break;
    i += 1;
  }
  i += 1;
  while (i < src.length && /[a-z]/i.test(src[i] ?? '')) i += 1;
  return i;
}

function regexCanStart(prev: Token | undefined): boolean {
  if (prev === undefined) return true;
  if (prev.kind === 'punct') return ![')', ']', '}'].includes(prev.value);
  return prev.kind === 'id' && REGEX_AFTER_WORDS.has(prev.value);
}

const countNewlines = (src: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i += 1) if (src[i] === '\n') n += 1;
  return n;
};

/** Identifiers, string literals, numbers and punctuation; comments, templates and regex literals are skipped */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    const start = i;
    if (/\s/.test(c)) i += 1;
    else if (src.startsWith('//', i)) i = src.indexOf('\n', i) === -1 ? src.length : src.indexOf('\n', i);
    else if (src.startsWith('/*', i)) i = src.indexOf('*/', i + 2) === -1 ? src.length : src.indexOf('*/', i + 2) + 2;
    else if (c === '\'' || c === '"') {
      i = skipString(src, i);
      out.push({ kind: 'str', value: src.slice(start + 1, i - 1), line });
    } else if (c === '`') i = skipTemplate(src, i);
    else if (c === '/' && regexCanStart(out.at(-1))) i = skipRegex(src, i);
    else if (/[A-Za-z_$0-9]/.test(c)) {
      const word = /[0-9]/.test(c) ? /[A-Za-z_$0-9.]/ : /[A-Za-z_$0-9]/;
      while (i < src.length && word.test(src[i] ?? '')) i += 1;
      out.push({ kind: /[0-9]/.test(c) ? 'num' : 'id', value: src.slice(start, i), line });
    } else {
      i += 1;
      out.push({ kind: 'punct', value: c, line });
    }
    line += countNewlines(src, start, i);
  }
  return out;
}

const isId = (t: Token | undefined, value: string): boolean => t?.kind === 'id' && t.value === value;
const isPunct = (t: Token | undefined, value: string): boolean => t?.kind === 'punct' && t.value === value;

/** Index of the string after `from` that ends an import/export clause starting at `i`, or -1 */
function fromClauseEnd(tokens: Token[], i: number): number {
  for (let j = i; j < tokens.length; j += 1) {
    const t = tokens[j];
    if (isId(t, 'from') && tokens[j + 1]?.kind === 'str') return j + 1;
    const inClause = t?.kind === 'id' || ['{', '}', ',', '*'].includes(t?.value ?? '');
    if (!inClause) return -1;
  }
  return -1;
}

function importAt(tokens: Token[], i: number): ImportRef | null {
  const next = tokens[i + 1];
  const ref = (str: Token | undefined, typeOnly: boolean): ImportRef | null =>
    str?.kind === 'str' ? { specifier: str.value, line: tokens[i]?.line ?? 0, typeOnly } : null;
  if (isPunct(next, '(')) {
    const typeQuery = isId(tokens[i - 1], 'typeof');
    const found = ref(tokens[i + 2], typeQuery);
    return found && !typeQuery ? { ...found, dynamic: true } : found;
  }
  if (next?.kind === 'str') return ref(next, false);
  if (isPunct(next, '.')) return null;
  const typeOnly = isId(next, 'type') && !isId(tokens[i + 2], 'from') && !isPunct(tokens[i + 2], ',');
  const end = fromClauseEnd(tokens, i + 1);
  return end === -1 ? null : ref(tokens[end], typeOnly);
}

function exportAt(tokens: Token[], i: number): ImportRef | null {
  const typeOnly = isId(tokens[i + 1], 'type');
  const first = tokens[i + (typeOnly ? 2 : 1)];
  if (!isPunct(first, '{') && !isPunct(first, '*')) return null;
  const end = fromClauseEnd(tokens, i + 1);
  const str = tokens[end];
  return end === -1 || str === undefined ? null : { specifier: str.value, line: tokens[i]?.line ?? 0, typeOnly };
}

/** Every module specifier a source file names: imports, `import type`, re-exports, side-effect and dynamic imports */
export function importsOf(src: string): ImportRef[] {
  const tokens = tokenize(src);
  const refs: ImportRef[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'id' || isPunct(tokens[i - 1], '.')) return;
    const ref = t.value === 'import' ? importAt(tokens, i) : t.value === 'export' ? exportAt(tokens, i) : null;
    if (ref !== null) refs.push(ref);
  });
  return refs;
}

const isFile = (abs: string): boolean => existsSync(abs) && statSync(abs).isFile();

/** The repository path a relative specifier names (`.ts`, `.js` → `.ts`, and `/index.ts` tried), or null when none exists */
export function resolveSpecifier(from: string, specifier: string, root = REPO_ROOT): string | null {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => isFile(posix.join(root, c))) ?? null;
}

function edgeOf(from: string, ref: ImportRef, root: string): Edge {
  if (!ref.specifier.startsWith('.')) return { ...ref, from, to: ref.specifier, external: true, resolved: true };
  const to = resolveSpecifier(from, ref.specifier, root);
  const fallback = posix.normalize(posix.join(posix.dirname(from), ref.specifier));
  return { ...ref, from, to: to ?? fallback, external: false, resolved: to !== null };
}

function listTsFiles(root: string, dir: string): string[] {
  return readdirSync(posix.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listTsFiles(root, path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The graph of every .ts file under src/ (test files only when asked) */
export function loadGraph(options: { includeTests: boolean; root?: string }): Graph {
  const root = options.root ?? REPO_ROOT;
  const files = listTsFiles(root, 'src').filter((f) => options.includeTests || !isTestFile(f)).sort();
  const lines = new Map<string, number>();
  const edges = files.flatMap((file) => {
    const src = readFileSync(posix.join(root, file), 'utf8');
    lines.set(file, src.split('\n').length - (src.endsWith('\n') ? 1 : 0));
    return importsOf(src).map((ref) => edgeOf(file, ref, root));
  });
  return { files, lines, edges };
}

/** Strongly connected components (Tarjan) of a directed graph given as node → successors */
export function stronglyConnected(adjacency: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of adjacency.get(v) ?? []) {
      if (!index.has(w)) visit(w);
      if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      component.push(w);
    }
    out.push(component.sort());
  };
  for (const v of adjacency.keys()) if (!index.has(v)) visit(v);
  return out;
}

function adjacencyOf(pairs: readonly (readonly [string, string])[]): Map<string, string[]> {
  const adjacency = new Map<string, string[]>();
  for (const [from, to] of pairs) {
    if (!adjacency.has(to)) adjacency.set(to, []);
    const next = adjacency.get(from) ?? [];
    if (!next.includes(to)) next.push(to);
    adjacency.set(from, next);
  }
  return adjacency;
}

/** Cycles between files: components of more than one file, plus files that import themselves */
export function fileCycles(edges: readonly Edge[]): string[][] {
  const internal = edges.filter((e) => !e.external);
  const selfImports = [...new Set(internal.filter((e) => e.from === e.to).map((e) => e.from))].map((f) => [f]);
  const components = stronglyConnected(adjacencyOf(internal.map((e) => [e.from, e.to] as const)));
  return [...components.filter((c) => c.length > 1), ...selfImports].sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/** The unit a path belongs to: the first folder under src/ (`engine`), or the file itself for top-level files (`main.ts`) */
export function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] !== 'src') return parts[0] ?? path;
  return parts[1] ?? path;
}

/** Cycles between top-level folders of src/ */
export function folderCycles(edges: readonly Edge[]): string[][] {
  const pairs = edges.filter((e) => !e.external && e.to.startsWith('src/') && folderOf(e.from) !== folderOf(e.to))
    .map((e) => [folderOf(e.from), folderOf(e.to)] as const);
  return stronglyConnected(adjacencyOf(pairs)).filter((c) => c.length > 1);
}

export interface LineCounts {
  byFolder: Map<string, number>;
  total: number;
  largest: { folder: string; lines: number; share: number };
}

/** Lines of the non-test .ts files per top-level unit of src/, and the largest unit's share of them */
export function lineCounts(graph: Graph): LineCounts {
  const byFolder = new Map<string, number>();
  for (const [file, n] of graph.lines) {
    if (!isTestFile(file)) byFolder.set(folderOf(file), (byFolder.get(folderOf(file)) ?? 0) + n);
  }
  const total = [...byFolder.values()].reduce((a, b) => a + b, 0);
  const [folder, lines] = [...byFolder].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  return { byFolder, total, largest: { folder, lines, share: total === 0 ? 0 : lines / total } };
}

export interface TwoWay {
  units: [string, string];
  /** Imports from the first unit into the second, and back */
  counts: [number, number];
}

/** Pairs of top-level units of src/ that import each other directly: the short folder cycles */
export function twoWayFolders(edges: readonly Edge[]): TwoWay[] {
  const count = new Map<string, number>();
  for (const e of edges) {
    if (e.external || !e.to.startsWith('src/') || folderOf(e.from) === folderOf(e.to)) continue;
    const key = `${folderOf(e.from)}\n${folderOf(e.to)}`;
    count.set(key, (count.get(key) ?? 0) + 1);
  }
  return [...count].flatMap(([key, n]) => {
    const [a = '', b = ''] = key.split('\n');
    const back = count.get(`${b}\n${a}`);
    return a < b && back !== undefined ? [{ units: [a, b] as [string, string], counts: [n, back] as [number, number] }] : [];
  }).sort((x, y) => x.units.join().localeCompare(y.units.join()));
}
