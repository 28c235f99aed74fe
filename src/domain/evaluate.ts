/**
 * The one FT evaluator: decides whether a strategy copies a source trade, and with how much. The batch
 * sync, the stream path, replay and LT all call it, so paper and live can never disagree on a signal.
 * The rules are compiled (ft-rules.ts): a hot loop compiles its strategies once (compileRules), prepares each
 * trade once (prepareTrade) and asks `verdict` per pair; `evaluate` is the same for one pair, as an Evaluation
 */
import type { FtWallet } from './ft-wallet.ts';
import type { Market } from './market.ts';
import type { Price, Ratio, Usdc } from './money.ts';
import {
  compileRules, derive, filterCode, gateCode, NEEDS_SCORE, PASS, prepareTrade, PreparedTrade, SKIP_REASONS, verdict,
  type Derived, type ScoreArg, type SkipReason, type TraderStats,
} from './ft-rules.ts';
import type { SourceTrade } from './trade.ts';

export {
  derive, FT_SLIPPAGE_BPS, paperEntryPrice, SKIP_REASONS,
  type Derived, type ScoreArg, type SkipReason, type TraderStats,
} from './ft-rules.ts';

export interface Take {
  kind: 'take';
  bet: Usdc;
  entryPrice: Price;
  edge: Ratio | null;
  conviction: Ratio | null;
  winRate: Ratio | null;
  resolvedCount: number;
  modelProbability: Ratio | null;
}

export type Evaluation =
  | Take
  | { kind: 'skip'; reason: SkipReason }
  /** The rules reached the model gate without a score: fetch one and evaluate again */
  | { kind: 'needs_score' };

/**
 * Applies the strategy's rules in the original order (ft-original 2.8); the first failing rule is the
 * skip reason. `cash` is the strategy's available cash (starting + realized − open cost)
 */
export function evaluate(
  trade: SourceTrade, wallet: FtWallet, market: Market | null, stats: TraderStats | null,
  score: ScoreArg, cash: Usdc,
): Evaluation {
  const rules = compileRules([wallet]);
  const t = prepareTrade(rules, trade, market, stats);
  const out = { bet: 0n as Usdc };
  return evaluationOf(verdict(t, rules.strategies[0]!, score, cash, out), t, out.bet, score);
}

/** A verdict as an Evaluation (`bet` is the BetOut a TAKE verdict wrote) */
export function evaluationOf(code: number, t: PreparedTrade, bet: Usdc, score: ScoreArg): Evaluation {
  if (code === NEEDS_SCORE) return { kind: 'needs_score' };
  if (code >= 0) return { kind: 'skip', reason: SKIP_REASONS[code]! };
  return takeOf(t, bet, score ?? null);
}

export function takeOf(t: PreparedTrade, bet: Usdc, modelProbability: Ratio | null): Take {
  return {
    kind: 'take', bet, modelProbability, entryPrice: t.entryPrice, winRate: t.winRate, edge: t.edge,
    conviction: t.conviction, resolvedCount: t.resolvedCount,
  };
}

/** Every rule before the cash check, the model gate and sizing, on the given derived values; null when all pass */
export function filterReason(trade: SourceTrade, w: FtWallet, market: Market | null, d: Derived): SkipReason | null {
  const rules = compileRules([w]);
  const code = filterCode(new PreparedTrade(rules, trade, market, d), rules.strategies[0]!);
  return code === PASS ? null : SKIP_REASONS[code]!;
}

/** The model gate (`use_model` with a `model_threshold`): a missing score rejects, never read as 0.5 */
export function modelGate(w: FtWallet, score: Ratio | null): SkipReason | null {
  const code = gateCode(compileRules([w]).strategies[0]!, score);
  return code === PASS ? null : SKIP_REASONS[code]!;
}
