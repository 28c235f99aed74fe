/**
 * Post-order analysis: the slippage the estimate expected against the slippage we got, per (market,
 * order type). A group is flagged when the estimate is wrong consistently (enough samples, a large mean
 * error, and most errors on the same side), i.e. when the book-walk estimate needs a correction there
 */
import { InvariantError } from '../errors.ts';
import { divRound, type Ratio } from '../money.ts';
import { rateOf } from './stats.ts';

export interface SlippageSample { conditionId: string; orderType: string; expectedPct: bigint; actualPct: bigint }
export interface SlippageGroup {
  conditionId: string; orderType: string; n: number;
  expectedMean: bigint; actualMean: bigint; errorMean: bigint; sameSignShare: Ratio; flagged: boolean;
}
export interface SlippageOptions { minSamples?: number; errorThresholdPct?: bigint; sameSignShare?: Ratio }

export const SLIPPAGE_MIN_SAMPLES = 5;
/** 0.25 % in micro-percent */
export const SLIPPAGE_ERROR_THRESHOLD_PCT = 250_000n;
/** 0.8 */
export const SLIPPAGE_SAME_SIGN_SHARE = 800_000n as Ratio;

const sign = (x: bigint): number => (x > 0n ? 1 : x < 0n ? -1 : 0);
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function groupOf(samples: readonly SlippageSample[], opts: Required<SlippageOptions>): SlippageGroup {
  const n = samples.length;
  const first = samples[0]!;
  const mean = (values: bigint[]): bigint => divRound(values.reduce((a, b) => a + b, 0n), BigInt(n), 'half_even');
  const errors = samples.map((x) => x.actualPct - x.expectedPct);
  const errorMean = mean(errors);
  const sameSign = errors.filter((e) => sign(e) === sign(errorMean)).length;
  const sameSignShare = rateOf(sameSign, n)!;
  return {
    conditionId: first.conditionId,
    orderType: first.orderType,
    n,
    expectedMean: mean(samples.map((x) => x.expectedPct)),
    actualMean: mean(samples.map((x) => x.actualPct)),
    errorMean,
    sameSignShare,
    flagged: n >= opts.minSamples && abs(errorMean) > opts.errorThresholdPct && sameSignShare >= opts.sameSignShare,
  };
}

/** One group per (conditionId, orderType), sorted by conditionId then orderType (code-unit order) */
export function analyseSlippage(samples: readonly SlippageSample[], opts: SlippageOptions = {}): SlippageGroup[] {
  const options: Required<SlippageOptions> = {
    minSamples: opts.minSamples ?? SLIPPAGE_MIN_SAMPLES,
    errorThresholdPct: opts.errorThresholdPct ?? SLIPPAGE_ERROR_THRESHOLD_PCT,
    sameSignShare: opts.sameSignShare ?? SLIPPAGE_SAME_SIGN_SHARE,
  };
  if (!Number.isInteger(options.minSamples) || options.minSamples < 1) {
    throw new InvariantError(`minSamples must be a positive integer: ${options.minSamples}`);
  }
  const groups = new Map<string, SlippageSample[]>();
  for (const sample of samples) {
    const key = JSON.stringify([sample.conditionId, sample.orderType]);
    const list = groups.get(key);
    if (list) list.push(sample);
    else groups.set(key, [sample]);
  }
  return [...groups.values()]
    .map((list) => groupOf(list, options))
    .sort((a, b) => byCodeUnits(a.conditionId, b.conditionId) || byCodeUnits(a.orderType, b.orderType));
}
