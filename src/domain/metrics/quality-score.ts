/**
 * The composite execution-quality score 0–100: a versioned weighting of slippage against the strategy's
 * tolerance, fill rate and order latency against its threshold. The components are always returned
 * beside the score. Weights and formulas of a version never change: a new weighting is a new version
 */
import { divRound, formatMicros, SCALE, type Ratio } from '../money.ts';
import { wholeMs } from './stats.ts';

export const QUALITY_SCORE_VERSION = 'q1';

export interface ScoreComponent { name: 'slippage' | 'fill' | 'latency'; weight: Ratio; value: Ratio | null }
export interface QualityScore { version: string; score: bigint | null; components: ScoreComponent[] }

/** q1 weights (they add up to 1) */
export const QUALITY_WEIGHTS_Q1 = {
  slippage: 400_000n as Ratio,
  fill: 350_000n as Ratio,
  latency: 250_000n as Ratio,
} as const;

const clampUnit = (micros: bigint): Ratio => (micros < 0n ? 0n : micros > SCALE ? SCALE : micros) as Ratio;

/** 1 − min(1, max(0, slip)/tolerance); with no tolerance (≤ 0): 1 when slip ≤ 0, else 0 */
export function slippageComponent(slipPct: bigint, tolerancePct: bigint): Ratio {
  if (tolerancePct <= 0n) return (slipPct <= 0n ? SCALE : 0n) as Ratio;
  const worse = slipPct > 0n ? slipPct : 0n;
  return clampUnit(SCALE - divRound(worse * SCALE, tolerancePct, 'half_even'));
}

/** min(1, fillRate), floored at 0 */
export const fillComponent = (fillRate: Ratio): Ratio => clampUnit(fillRate);

/** 1 when latency ≤ T, else max(0, 2 − latency/T); with T ≤ 0: 1 when latency ≤ T, else 0 */
export function latencyComponent(latencyMs: number, thresholdMs: number): Ratio {
  const latency = wholeMs(latencyMs);
  const threshold = wholeMs(thresholdMs);
  if (latency <= threshold) return SCALE as Ratio;
  if (threshold <= 0n) return 0n as Ratio;
  return clampUnit(2n * SCALE - divRound(latency * SCALE, threshold, 'half_even'));
}

/**
 * score × 100 (two decimals: 87.50 → 8750n) = 100 × Σ w·v / Σ w over the components present, half-even;
 * each component value is first rounded to a micro, so the shown components reproduce the score
 */
export function weightedScore(components: readonly ScoreComponent[]): bigint | null {
  let weights = 0n;
  let weighted = 0n;
  for (const c of components) {
    if (c.value === null) continue;
    weights += c.weight;
    weighted += c.weight * c.value;
  }
  if (weights === 0n) return null;
  return divRound(10_000n * weighted, weights * SCALE, 'half_even');
}

export function qualityScore(c: {
  signalSlippagePct: bigint | null; fillRate: Ratio; orderLatencyMs: number | null;
  slippageTolerancePct: bigint; latencyThresholdMs: number | null;
}): QualityScore {
  const w = QUALITY_WEIGHTS_Q1;
  const components: ScoreComponent[] = [
    {
      name: 'slippage', weight: w.slippage,
      value: c.signalSlippagePct === null ? null : slippageComponent(c.signalSlippagePct, c.slippageTolerancePct),
    },
    { name: 'fill', weight: w.fill, value: fillComponent(c.fillRate) },
    {
      name: 'latency', weight: w.latency,
      value: c.orderLatencyMs === null || c.latencyThresholdMs === null
        ? null
        : latencyComponent(c.orderLatencyMs, c.latencyThresholdMs),
    },
  ];
  return { version: QUALITY_SCORE_VERSION, score: weightedScore(components), components };
}

/** A score × 100 as a decimal with two places: 8750n → "87.50" */
export const formatScoreValue = (score: bigint): string => formatMicros(score * 10_000n, 2);

export interface FormattedScore {
  version: string;
  score: string | null;
  components: { name: ScoreComponent['name']; weight: string; value: string | null }[];
}

/** Display form: score "87.50", weights "0.40", component values "0.875000"; null stays null */
export function formatScore(q: QualityScore): FormattedScore {
  return {
    version: q.version,
    score: q.score === null ? null : formatScoreValue(q.score),
    components: q.components.map((c) => ({
      name: c.name,
      weight: formatMicros(c.weight, 2),
      value: c.value === null ? null : formatMicros(c.value, 6),
    })),
  };
}
