/**
 * Time series and distributions for the dashboard's charts, pure: cumulative P&L points from per-bucket sums,
 * downsampling to a bounded number of points, time buckets of a readable width, fixed-edge histograms and the
 * capped fill rate of a bucket. docs/dashboard-api.md defines what each chart shows
 */
import { divRound, SCALE, type Ratio } from '../money.ts';

export interface Point { t: Date; v: bigint }

/**
 * At most `max` points (max ≥ 2) of a step series: the first point, then per equal time bucket the last point in it,
 * so the value at each kept time is exact and the last point is always the series' last. Unchanged when already short
 */
export function downsample(points: readonly Point[], max: number): Point[] {
  if (max < 2) throw new RangeError('downsample keeps at least 2 points');
  if (points.length <= max) return [...points];
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const span = last.t.getTime() - first.t.getTime();
  const buckets = max - 1;
  const kept = new Map<number, Point>();
  for (const p of points.slice(1)) {
    const k = span === 0 ? buckets - 1 : Math.min(buckets - 1, Math.floor(((p.t.getTime() - first.t.getTime()) * buckets) / span));
    kept.set(k, p); // the last point of the bucket wins
  }
  return [first, ...[...kept.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p)];
}

/** Readable bucket widths, smallest first */
export const BUCKET_WIDTHS_MS = [
  60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000,
  7 * 86_400_000, 30 * 86_400_000,
] as const;

/**
 * The smallest readable width that covers [from, to] in at most `maxBuckets` buckets aligned to the width (bucket k
 * starts at k · width since the Unix epoch); past the largest readable width, a whole number of days
 */
export function bucketWidthMs(from: Date, to: Date, maxBuckets: number, widths: readonly number[] = BUCKET_WIDTHS_MS): number {
  const a = from.getTime();
  const b = Math.max(a, to.getTime());
  const count = (w: number) => Math.floor(b / w) - Math.floor(a / w) + 1;
  for (const w of widths) if (count(w) <= maxBuckets) return w;
  let days = 31;
  while (count(days * 86_400_000) > maxBuckets) days *= 2;
  return days * 86_400_000;
}

/** The equity series' bucket widths: seconds first, so a young strategy's legs seconds apart stay apart */
export const EQUITY_WIDTHS_MS: readonly number[] = [1000, 5000, 15_000, 30_000, ...BUCKET_WIDTHS_MS];

export interface EquitySeries { ft: Point[]; lt: Point[] }

/** What the legs of one time bucket k (its legs' times t with ⌊t / width⌋ = k) add to FT's and LT's P&L, in pico-USDC */
export interface EquityBucket { k: number; ft: bigint; lt: bigint }

/**
 * FT's and LT's cumulative P&L since `start` from per-bucket sums: the first point (start, 0), then one point per
 * bucket that changed the side's P&L, at the bucket's end (or `now`, when that is earlier), valued at every leg up to
 * it: the exact pico sum rounded once (half even), so the last point is the total's own rounding
 */
export function bucketedEquity(start: Date, now: Date, widthMs: number, buckets: readonly EquityBucket[]): EquitySeries {
  const side = (of: (b: EquityBucket) => bigint): Point[] => {
    const out: Point[] = [{ t: start, v: 0n }];
    let pico = 0n;
    for (const b of [...buckets].sort((x, y) => x.k - y.k)) {
      if (of(b) === 0n) continue;
      pico += of(b);
      const t = new Date(Math.max(start.getTime(), Math.min((b.k + 1) * widthMs, now.getTime())));
      const v = divRound(pico, SCALE, 'half_even');
      const last = out[out.length - 1]!;
      if (out.length > 1 && last.t.getTime() === t.getTime()) last.v = v;
      else out.push({ t, v });
    }
    return out;
  };
  return { ft: side((b) => b.ft), lt: side((b) => b.lt) };
}

/** Filled / intended over the bucket's finished orders, never above 1 (a better price is not more than filled); null with none */
export function cappedFillRate(filled: bigint, intended: bigint): Ratio | null {
  if (intended <= 0n) return null;
  const r = divRound(filled * SCALE, intended, 'half_even');
  return (r > SCALE ? SCALE : r) as Ratio;
}

export interface HistogramBucket { lo: bigint | null; hi: bigint | null; count: number }

/**
 * Buckets of a histogram with ascending `edges` e₀ < … < eₙ₋₁: index 0 is (−∞, e₀), index i is [eᵢ₋₁, eᵢ), index n is
 * [eₙ₋₁, +∞) — the indices of SQL's width_bucket(value, edges). Every bucket is listed, empty ones with count 0
 */
export function histogram(edges: readonly bigint[], counts: ReadonlyMap<number, number>): HistogramBucket[] {
  for (let i = 1; i < edges.length; i += 1) if (edges[i]! <= edges[i - 1]!) throw new RangeError('histogram edges must ascend');
  const out: HistogramBucket[] = [];
  for (let i = 0; i <= edges.length; i += 1) {
    out.push({ lo: i === 0 ? null : edges[i - 1]!, hi: i === edges.length ? null : edges[i]!, count: counts.get(i) ?? 0 });
  }
  return out;
}

/** The histogram index of `value` (the same as SQL's width_bucket(value, edges)) */
export function bucketIndex(value: bigint, edges: readonly bigint[]): number {
  let i = 0;
  while (i < edges.length && value >= edges[i]!) i += 1;
  return i;
}

const m = (whole: number): bigint => BigInt(whole) * SCALE;
/** Signal slippage edges in micro-percent: −2 % … 5 % */
export const SLIPPAGE_PCT_EDGES: readonly bigint[] = [-m(2), -m(1), -m(1) / 2n, -m(1) / 4n, 0n, m(1) / 4n, m(1) / 2n, m(1), m(2), m(5)];
/** Signal slippage edges in micro-ticks: −2 … 10 ticks */
export const SLIPPAGE_TICK_EDGES: readonly bigint[] = [-m(2), -m(1), 0n, m(1), m(2), m(3), m(5), m(10)];
/** Order latency edges in whole milliseconds */
export const LATENCY_MS_EDGES: readonly bigint[] = [100n, 250n, 500n, 1000n, 2000n, 5000n, 10_000n, 30_000n];
