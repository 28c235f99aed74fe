/**
 * Architecture figures of src/ (non-test files): file and folder import cycles, imports that break a layer rule
 * (test/architecture/layers.ts) by rule, and the largest top-level folder's share of the lines.
 * Usage: node --import tsx scripts/arch-stats.ts [--json]
 */
import { fileCycles, folderCycles, lineCounts, loadGraph, twoWayFolders, type TwoWay } from '../test/architecture/import-graph.ts';
import { formatViolation, LAYER_RULES, violations } from '../test/architecture/layers.ts';

interface Stats {
  fileCycles: { count: number; cycles: string[][] };
  folderCycles: { count: number; cycles: string[][]; twoWay: TwoWay[] };
  layerViolations: { total: number; byRule: Record<string, number>; list: string[] };
  lines: { total: number; byFolder: Record<string, number>; largest: { folder: string; lines: number; share: number } };
}

function collect(): Stats {
  const graph = loadGraph({ includeTests: false });
  const files = fileCycles(graph.edges);
  const folders = folderCycles(graph.edges);
  const found = violations(graph.edges, LAYER_RULES);
  const byRule = Object.fromEntries(LAYER_RULES.map((r) => [r.name, found.filter((v) => v.rule === r).length]));
  const counts = lineCounts(graph);
  return {
    fileCycles: { count: files.length, cycles: files },
    folderCycles: { count: folders.length, cycles: folders, twoWay: twoWayFolders(graph.edges) },
    layerViolations: { total: found.length, byRule, list: found.map(formatViolation) },
    lines: { total: counts.total, byFolder: Object.fromEntries([...counts.byFolder].sort((a, b) => b[1] - a[1])),
      largest: counts.largest },
  };
}

function print(stats: Stats): void {
  const out: string[] = [`File-level import cycles: ${stats.fileCycles.count}`];
  for (const c of stats.fileCycles.cycles) out.push(`  ${c.length} files: ${c.join(', ')}`);
  out.push(`Folder-level import cycles: ${stats.folderCycles.count}`);
  for (const c of stats.folderCycles.cycles) out.push(`  ${c.length} units: ${c.join(', ')}`);
  const pairs = stats.folderCycles.twoWay.map(({ units: [a, b], counts: [ab, ba] }) => `${a} ⇄ ${b} (${ab}/${ba})`);
  out.push(`  folders importing each other directly (imports each way): ${pairs.join(', ') || 'none'}`);
  out.push(`Imports that break a layer rule: ${stats.layerViolations.total}`);
  for (const [rule, n] of Object.entries(stats.layerViolations.byRule)) out.push(`  ${rule}: ${n}`);
  for (const line of stats.layerViolations.list) out.push(`    ${line}`);
  const { folder, lines, share } = stats.lines.largest;
  out.push(`Non-test lines of src/: ${stats.lines.total}; largest top-level folder: ${folder}, ${lines} lines `
    + `(${(share * 100).toFixed(1)}%)`);
  for (const [unit, n] of Object.entries(stats.lines.byFolder)) out.push(`  ${unit}: ${n}`);
  console.log(out.join('\n'));
}

const stats = collect();
if (process.argv.includes('--json')) console.log(JSON.stringify(stats, null, 2));
else print(stats);
