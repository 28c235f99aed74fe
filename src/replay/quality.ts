/**
 * The replay report's `quality` and `gap` sections of one LT strategy, from the one metrics module (through the
 * same store queries the API uses). Ratios and percents are JSON numbers converted from exact decimals, money is
 * decimal strings with 6 places (so the gap's parts add up to its total exactly); a figure without samples is null
 */
import { formatStrategyQuality } from '../domain/metrics/strategy-quality.ts';
import { formatMicros } from '../domain/money.ts';
import { formatGap, qualityOfStrategy } from '../store/comparison-store.ts';
import type { Db } from '../store/db.ts';
import { strategyGap } from '../store/gap-store.ts';

export interface ReplayQuality {
  fill_rate: number | null;
  signal_slippage_pct_median: number | null;
  order_latency_ms_p50: number | null;
  quality_score_mean: number | null;
  /** Everything the API's quality summary has, in its own form */
  detail: ReturnType<typeof formatStrategyQuality>;
}

export interface ReplayGap extends ReturnType<typeof formatGap> {
  /** Signal legs in the decomposition: LT's decided signals plus FT exits of positions LT never opened */
  signals: number;
  not_mirrored: number;
  pending: number;
}

const num = (v: bigint | null | undefined, dp = 6): number | null => (v === null || v === undefined ? null : Number(formatMicros(v, dp)));

export async function qualityAndGap(db: Db, userId: string, strategyId: string): Promise<{ quality: ReplayQuality; gap: ReplayGap }> {
  const q = await qualityOfStrategy(db, userId, strategyId);
  const g = await strategyGap(db, userId, strategyId);
  return {
    quality: {
      fill_rate: num(q.fillRate), signal_slippage_pct_median: num(q.signalSlippagePct?.median, 4),
      order_latency_ms_p50: q.orderLatencyMs === null ? null : Number(q.orderLatencyMs.p50),
      quality_score_mean: q.qualityScore === null ? null : Number(formatMicros(q.qualityScore.mean * 10_000n, 2)),
      detail: formatStrategyQuality(q),
    },
    gap: { ...formatGap(g.total), signals: g.legs.length,
      not_mirrored: g.legs.filter((l) => l.disposition === 'not_mirrored').length, pending: g.pending },
  };
}
