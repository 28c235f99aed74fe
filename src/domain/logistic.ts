/** A logistic scoring model over a few trade features; the probability is not money, so floats are fine here */
import { z } from 'zod';
import { formatMicros, parseMicros, type Ratio } from './money.ts';

export const LogisticCoefficients = z.object({
  intercept: z.number().finite(),
  price: z.number().finite().default(0),
  win_rate: z.number().finite().default(0),
  log_resolved_count: z.number().finite().default(0),
  log_conviction: z.number().finite().default(0),
}).strict();
export type LogisticCoefficients = z.infer<typeof LogisticCoefficients>;

/**
 * Defaults after the original's poly_predictor_v11 main terms (ft-original section 3): intercept −2.60,
 * entry price +2.22, and the three win-rate weights summed (1.51 + 0.65 + 0.67). Like the original it is
 * mostly a favourites filter: a trader at 55% needs price ≳ 0.56 for p ≥ 0.55
 */
export const DEFAULT_LOGISTIC: LogisticCoefficients = {
  intercept: -2.6, price: 2.22, win_rate: 2.83, log_resolved_count: 0, log_conviction: 0,
};

export interface LogisticFeatures {
  price: Ratio;
  winRate: Ratio | null;
  resolvedCount: number | null;
  conviction: Ratio | null;
}

const toFloat = (m: bigint): number => Number(formatMicros(m));

/** The model probability, or null when a feature with a non-zero weight is missing */
export function logisticScore(c: LogisticCoefficients, f: LogisticFeatures): Ratio | null {
  if (c.win_rate !== 0 && f.winRate === null) return null;
  if (c.log_resolved_count !== 0 && f.resolvedCount === null) return null;
  if (c.log_conviction !== 0 && (f.conviction === null || f.conviction <= 0n)) return null;
  let logit = c.intercept + c.price * toFloat(f.price);
  if (f.winRate !== null) logit += c.win_rate * toFloat(f.winRate);
  if (f.resolvedCount !== null) logit += c.log_resolved_count * Math.log1p(f.resolvedCount);
  if (f.conviction !== null && f.conviction > 0n) logit += c.log_conviction * Math.log(toFloat(f.conviction));
  const clamped = Math.max(-20, Math.min(20, logit));
  return parseMicros((1 / (1 + Math.exp(-clamped))).toFixed(6)) as Ratio;
}
