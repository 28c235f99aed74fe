/**
 * Sample statistics for the metrics module: summaries (mean, median, nearest-rank percentiles) of exact
 * bigint samples, rates of counts, and their display form. No sample gives `null`, never a zero
 */
import { InvariantError } from '../errors.ts';
import { divRound, formatMicros, SCALE, type Ratio } from '../money.ts';

export interface Summary { n: number; mean: bigint; median: bigint; p50: bigint; p95: bigint; p99: bigint; min: bigint; max: bigint }

const compare = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Nearest-rank percentile of an ascending, non-empty list: sorted[ceil(q·n/100) − 1] (q in 1..100) */
export function nearestRank(sorted: readonly bigint[], q: number): bigint {
  if (sorted.length === 0) throw new InvariantError('percentile of no sample');
  if (!Number.isInteger(q) || q <= 0 || q > 100) throw new InvariantError(`percentile out of (0, 100]: ${q}`);
  const rank = Math.ceil((q * sorted.length) / 100); // q and n are small integers: exact in a double
  return sorted[Math.max(1, rank) - 1]!;
}

/** Median of an ascending, non-empty list: the middle one, or the half-even mean of the two middles */
export function medianOf(sorted: readonly bigint[]): bigint {
  const n = sorted.length;
  if (n === 0) throw new InvariantError('median of no sample');
  const upper = sorted[Math.floor(n / 2)]!;
  if (n % 2 === 1) return upper;
  return divRound(sorted[n / 2 - 1]! + upper, 2n, 'half_even');
}

/** n, mean (half-even), median, p50/p95/p99 (nearest rank), min and max; null when there is no sample */
export function summarize(samples: readonly bigint[]): Summary | null {
  const n = samples.length;
  if (n === 0) return null;
  const sorted = [...samples].sort(compare);
  const sum = sorted.reduce((acc, x) => acc + x, 0n);
  return {
    n,
    mean: divRound(sum, BigInt(n), 'half_even'),
    median: medianOf(sorted),
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
    min: sorted[0]!,
    max: sorted[n - 1]!,
  };
}

/** Whole milliseconds of a latency sample (Math.round); a non-finite sample is a bug */
export function wholeMs(ms: number): bigint {
  if (!Number.isFinite(ms)) throw new InvariantError(`latency is not a finite number: ${ms}`);
  return BigInt(Math.round(ms));
}

/** The same summary over millisecond samples, each rounded to a whole millisecond first */
export function summarizeMs(samples: readonly number[]): Summary | null {
  return summarize(samples.map(wholeMs));
}

function checkCount(name: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvariantError(`${name} is not a count: ${value}`);
  return BigInt(value);
}

/** part / whole as a Ratio (half-even); null when whole = 0 (no sample) */
export function rateOf(part: number, whole: number): Ratio | null {
  const p = checkCount('part', part);
  const w = checkCount('whole', whole);
  if (w === 0n) return null;
  return divRound(p * SCALE, w, 'half_even') as Ratio;
}

/** Each reason's count / whole; {} when whole = 0 */
export function ratesByReason(counts: Readonly<Record<string, number>>, whole: number): Record<string, Ratio> {
  const out: Record<string, Ratio> = {};
  if (checkCount('whole', whole) === 0n) return out;
  for (const [reason, count] of Object.entries(counts)) out[reason] = rateOf(count, whole)!;
  return out;
}

const FIELDS = ['mean', 'median', 'p50', 'p95', 'p99', 'min', 'max'] as const;

/** A summary of micro-unit values for display: each value a decimal string with `dp` places, n a number */
export function formatSummary(s: Summary | null, dp: number): Record<string, string | number> | null {
  if (s === null) return null;
  const out: Record<string, string | number> = { n: s.n };
  for (const field of FIELDS) out[field] = formatMicros(s[field], dp);
  return out;
}

/** A summary of whole-millisecond values for display: every field a plain number */
export function formatSummaryMs(s: Summary | null): Record<string, number> | null {
  if (s === null) return null;
  const out: Record<string, number> = { n: s.n };
  for (const field of FIELDS) out[field] = Number(s[field]);
  return out;
}
