/**
 * The reference FT evaluator: the straightforward rules as they stood before they were compiled (main f970e68,
 * src/domain/evaluate.ts), kept as the specification the compiled evaluator (src/domain/ft-rules.ts) is tested
 * against. Every rule is re-read from the wallet and every keyword re-tested per call; do not optimise it
 */
import type { Evaluation, ScoreArg, SkipReason, TraderStats } from '../../src/domain/evaluate.ts';
import type { FtWallet } from '../../src/domain/ft-wallet.ts';
import { needsScore } from '../../src/domain/ft-wallet.ts';
import type { Market } from '../../src/domain/market.ts';
import { divMicro, divRound, minMicro, type Price, type Ratio, type Usdc } from '../../src/domain/money.ts';
import { sizeBet } from '../../src/domain/sizing.ts';
import type { SourceTrade } from '../../src/domain/trade.ts';

/** Keyword matching as it stood (src/domain/keywords.ts at f970e68): one pattern per keyword */
function matchesKeyword(text: string, keyword: string): boolean {
  const escaped = keyword.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu').test(text);
}

const FT_SLIPPAGE_BPS = 30n;
const MAX_ENTRY_PRICE = 999900n as Price; // 0.9999

/** The trader's price × (1 + 0.3%), rounded up and capped at 0.9999 */
function paperEntryPrice(tradePrice: Price): Price {
  const slipped = divRound(tradePrice * (10_000n + FT_SLIPPAGE_BPS), 10_000n, 'up') as Price;
  return minMicro(slipped, MAX_ENTRY_PRICE);
}

/** What the evaluator derives from a trade and the trader's statistics; no strategy setting enters it */
interface Derived {
  entryPrice: Price;
  winRate: Ratio | null;
  edge: Ratio | null;
  conviction: Ratio | null;
  resolvedCount: number;
}

export function referenceDerive(trade: SourceTrade, stats: TraderStats | null): Derived {
  const entryPrice = paperEntryPrice(trade.price);
  const winRate = stats?.winRate ?? null;
  const avg = stats?.avgTradeUsd ?? null;
  return {
    entryPrice,
    winRate,
    edge: winRate === null ? null : ((winRate - entryPrice) as Ratio),
    conviction: avg === null || avg <= 0n ? null : (divMicro(trade.usd, avg) as Ratio),
    resolvedCount: stats?.resolvedCount ?? 0,
  };
}

/**
 * Applies the strategy's rules in the original order (ft-original 2.8); the first failing rule is the
 * skip reason. `cash` is the strategy's available cash (starting + realized − open cost)
 */
export function referenceEvaluate(
  trade: SourceTrade, wallet: FtWallet, market: Market | null, stats: TraderStats | null,
  score: ScoreArg, cash: Usdc,
): Evaluation {
  const d = referenceDerive(trade, stats);
  const reason = referenceFilterReason(trade, wallet, market, d);
  if (reason) return skip(reason);
  if (cash <= 0n) return skip('insufficient_cash'); // before the model call, so no score is wasted
  if (needsScore(wallet) && score === undefined) return { kind: 'needs_score' };
  const m = score ?? null;
  const gate = referenceModelGate(wallet, m);
  if (gate) return skip(gate);
  const sized = sizeBet(wallet, {
    price: trade.price, edge: d.edge, winRate: d.winRate, conviction: d.conviction, modelProbability: m, bankroll: cash,
  });
  if (sized.kind === 'missing') return skip(sized.input === 'model_probability' ? 'ml_unavailable' : 'no_trader_stats');
  if (sized.bet <= 0n) return skip('zero_size');
  if (sized.bet > cash) return skip('insufficient_cash');
  return { kind: 'take', bet: sized.bet, modelProbability: m, ...d };
}

const skip = (reason: SkipReason): Evaluation => ({ kind: 'skip', reason });

/** Every rule before the cash check, the model gate and sizing, in the evaluator's order; null when all pass */
export function referenceFilterReason(trade: SourceTrade, w: FtWallet, market: Market | null, d: Derived): SkipReason | null {
  return entryRules(trade, w, market) ?? traderRules(w, d) ?? marketRules(trade, w, market!);
}

/** The model gate (`use_model` with a `model_threshold`): a missing score rejects, never read as 0.5 */
export function referenceModelGate(w: FtWallet, score: Ratio | null): SkipReason | null {
  if (!w.useModel || w.modelThreshold === null) return null;
  if (score === null) return 'ml_unavailable';
  return score < w.modelThreshold ? 'low_ml_score' : null;
}

function entryRules(trade: SourceTrade, w: FtWallet, market: Market | null): SkipReason | null {
  if (trade.side !== 'BUY') return 'not_buy'; // only a BUY opens a position; a SELL is an exit signal
  if (trade.time < w.startDate || (w.endDate !== null && trade.time > w.endDate)) return 'outside_test_window';
  if (w.targetTraders.length > 0 && !w.targetTraders.includes(trade.trader)) return 'not_target_trader';
  if (!market) return 'market_not_found';
  if (!w.bypassFilters && market.closed) return 'market_resolved';
  if (!w.bypassFilters && market.endTime !== null && trade.time >= market.endTime) return 'after_market_end';
  if (w.tradeLiveOnly) {
    if (market.gameStartTime === null) return 'no_game_start_time';
    if (trade.time < market.gameStartTime) return 'pre_game';
  }
  if (w.priceMin !== null && trade.price < w.priceMin) return 'price_out_of_range';
  if (w.priceMax !== null && trade.price > w.priceMax) return 'price_out_of_range';
  return null;
}

/**
 * Win rate, edge, count and conviction rules; a trader without the statistic a rule needs fails it.
 * A `bypass_filters` strategy (the original's TRADER_ wallets) skips the minimums, as the original did
 */
function traderRules(w: FtWallet, d: Derived): SkipReason | null {
  return (w.bypassFilters ? null : minimumRules(w, d)) ?? maximumRules(w, d);
}

function minimumRules(w: FtWallet, d: Derived): SkipReason | null {
  if (w.minTraderWinRate !== null) {
    if (d.winRate === null) return 'no_trader_stats';
    if (d.winRate < w.minTraderWinRate) return 'low_win_rate';
  }
  if (w.minEdge !== null) {
    if (d.edge === null) return 'no_trader_stats';
    if (d.edge < w.minEdge) return 'insufficient_edge';
  }
  if (w.minTraderResolvedCount !== null && d.resolvedCount < w.minTraderResolvedCount) return 'low_trade_count';
  if (w.minConviction !== null && w.minConviction > 0n) {
    if (d.conviction === null) return 'no_trader_stats';
    if (d.conviction < w.minConviction) return 'low_conviction';
  }
  return null;
}

function maximumRules(w: FtWallet, d: Derived): SkipReason | null {
  if (w.maxTraderWinRate !== null) {
    if (d.winRate === null) return 'no_trader_stats';
    if (d.winRate > w.maxTraderWinRate) return 'high_win_rate';
  }
  if (w.maxEdge !== null) {
    if (d.edge === null) return 'no_trader_stats';
    if (d.edge > w.maxEdge) return 'high_edge';
  }
  if (w.maxConviction !== null) {
    if (d.conviction === null) return 'no_trader_stats';
    if (d.conviction > w.maxConviction) return 'high_conviction';
  }
  return null;
}

/** Category keywords and original trade size (in USD: the original compared shares, bug B8) */
function marketRules(trade: SourceTrade, w: FtWallet, market: Market): SkipReason | null {
  const haystack = `${market.question} ${trade.title} ${market.tags.join(' ')}`;
  if (w.marketCategories !== null && w.marketCategories.length > 0
    && !w.marketCategories.some((k) => matchesKeyword(haystack, k))) return 'wrong_category';
  if (w.excludeMarketKeywords?.some((k) => matchesKeyword(haystack, k))) return 'excluded_category';
  if (w.minOriginalTradeUsd !== null && trade.usd < w.minOriginalTradeUsd) return 'trade_too_small';
  if (w.maxOriginalTradeUsd !== null && trade.usd > w.maxOriginalTradeUsd) return 'trade_too_large';
  return null;
}

