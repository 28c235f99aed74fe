/** The bench report: one result per measurement against its PRODUCT §9 target, the machine it ran on, and a readable table */
import { cpus, totalmem } from 'node:os';

export type Comparator = '>=' | '<=';

export interface BenchResult {
  name: string;
  /** null when the measurement was skipped */
  value: number | null;
  unit: string;
  target: number;
  comparator: Comparator;
  /** null when skipped (nothing to compare) */
  pass: boolean | null;
  samples: number;
  detail: Record<string, unknown>;
  /** Why the measurement was not taken */
  skipped?: string;
}

export interface Machine {
  node: string;
  cpus: number;
  cpu_model: string;
  total_memory_mb: number;
}

export interface BenchReport {
  version: 1;
  at: string;
  /** `--quick`: smaller inputs, a check rather than a verdict */
  quick: boolean;
  machine: Machine;
  results: BenchResult[];
}

/** What a measurement module returns; the target and pass are filled in from its spec */
export interface Measured {
  value: number;
  samples: number;
  detail: Record<string, unknown>;
}

/** The last parameter of every measurement: `quick` runs it on a smaller input (`tandem bench --quick`) */
export interface BenchOptions {
  quick?: boolean;
}

export interface BenchSpec {
  name: string;
  unit: string;
  target: number;
  comparator: Comparator;
}

export function machineInfo(): Machine {
  const list = cpus();
  return {
    node: process.version, cpus: list.length, cpu_model: list[0]?.model.trim() ?? 'unknown',
    total_memory_mb: Math.round(totalmem() / 2 ** 20),
  };
}

export const meets = (value: number, target: number, comparator: Comparator): boolean =>
  comparator === '>=' ? value >= target : value <= target;

export function measuredResult(spec: BenchSpec, m: Measured): BenchResult {
  const pass = Number.isFinite(m.value) ? meets(m.value, spec.target, spec.comparator) : false;
  return { ...spec, value: m.value, pass, samples: m.samples, detail: m.detail };
}

export function skippedResult(spec: BenchSpec, reason: string, detail: Record<string, unknown> = {}): BenchResult {
  return { ...spec, value: null, pass: null, samples: 0, detail, skipped: reason };
}

/** The measurement threw: no value, and a failure (it was meant to run) */
export function errorResult(spec: BenchSpec, message: string): BenchResult {
  return { ...spec, value: null, pass: false, samples: 0, detail: { error: message } };
}

export function buildReport(results: BenchResult[], at: Date, quick = false, machine: Machine = machineInfo()): BenchReport {
  return { version: 1, at: at.toISOString(), quick, machine, results };
}

/** The p-th percentile (0–100) by the nearest-rank method; NaN for no samples (NaN samples sort last) */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  return sortedPercentile(Float64Array.from(samples).sort(), p);
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** p50, p95 and p99 of a set of durations, rounded to microseconds */
export function quantiles(samples: readonly number[]): { p50: number; p95: number; p99: number } {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { p50: r(percentile(samples, 50)), p95: r(percentile(samples, 95)), p99: r(percentile(samples, 99)) };
}

/**
 * How far a ratio of two percentiles could move by chance: a 95 % interval of percentile(num, p) / percentile(den, p)
 * by a paired bootstrap. Pairs of samples taken together (num[i], den[i]) are drawn with replacement, `rounds` times,
 * and the 2.5th and 97.5th percentiles of the resampled ratios are returned, rounded to 3 decimals. Pairs, because the
 * two sides were sampled alternately and share the machine's noise at each moment; a fixed seed, so that a run's
 * figures can be computed again from its samples. Null when fewer than MIN_TAIL_SAMPLES lie above the percentile
 */
export function pairedRatioInterval(num: readonly number[], den: readonly number[], p: number,
  rounds = 1000, seed = 1): { low: number; high: number } | null {
  if (num.length !== den.length || num.length === 0) throw new RangeError('pairedRatioInterval: two samples of one length');
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`pairedRatioInterval: ${rounds} rounds`);
  // Too few samples above the percentile (30 pairs at p99: it is their maximum) resample into no useful interval
  if (num.length * (1 - p / 100) < MIN_TAIL_SAMPLES) return null;
  const random = mulberry32(seed);
  const n = num.length;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(random() * n);
      a[i] = num[k]!;
      b[i] = den[k]!;
    }
    const ratio = sortedPercentile(a.sort(), p) / sortedPercentile(b.sort(), p);
    if (Number.isFinite(ratio)) ratios.push(ratio);
  }
  if (ratios.length === 0) return null;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { low: round(percentile(ratios, 2.5)), high: round(percentile(ratios, 97.5)) };
}

/** Samples above the percentile below which pairedRatioInterval gives no interval */
const MIN_TAIL_SAMPLES = 10;

/** percentile() of an already sorted sample */
function sortedPercentile(sorted: Float64Array, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** A small seeded generator of numbers in [0, 1) (mulberry32): resampling that repeats from one seed */
function mulberry32(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value with a sensible number of digits: thousands separated, at most 3 decimals */
export function formatValue(value: number | null): string {
  if (value === null) return '-';
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

const verdict = (r: BenchResult): string =>
  (r.skipped !== undefined ? 'skipped' : r.pass ? 'pass' : r.value === null ? 'ERROR' : 'FAIL');

/** A plain-text table: name, value and unit, target, verdict (and the skip reason) */
export function formatTable(report: BenchReport): string {
  const rows = report.results.map((r) => [
    r.name, `${formatValue(r.value)} ${r.value === null ? '' : r.unit}`.trim(), `${r.comparator} ${formatValue(r.target)} ${r.unit}`,
    verdict(r), r.skipped ?? (typeof r.detail.error === 'string' ? r.detail.error.slice(0, 80) : ''),
  ]);
  const header = ['measurement', 'value', 'target', 'result', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** One line: how many passed, failed and were skipped */
export function summaryLine(report: BenchReport): string {
  const count = (v: string) => report.results.filter((r) => verdict(r) === v).length;
  const failed = count('FAIL') + count('ERROR');
  return `${count('pass')} passed, ${failed} failed${count('ERROR') ? ` (${count('ERROR')} with errors)` : ''}, ${count('skipped')} skipped`;
}
