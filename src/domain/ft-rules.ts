/**
 * The FT rules, compiled. A strategy's filters are compiled once (CompiledStrategy: thresholds as bigints, the
 * target traders as a set, each keyword list as one pattern in the set's table) and a trade's values once per trade
 * (PreparedTrade: entry price, edge, conviction, times in ms); `verdict` then decides one (trade, strategy) pair
 * with comparisons only. On a rejection, and on a FIXED take, it allocates nothing: the answer is a number (a
 * SKIP_REASONS index, TAKE or NEEDS_SCORE) and a take's bet is written into a caller's `BetOut`. A take of any other
 * method calls the shared sizeBet, as LT does (INV-8), whose bigint arithmetic allocates.
 * The rules and their order are ft-original 2.8; evaluate.ts builds the Evaluation objects from a verdict
 */
import { needsScore, type FtWallet } from './ft-wallet.ts';
import { anyKeywordPattern } from './keywords.ts';
import type { Market } from './market.ts';
import { divMicro, divRound, minMicro, type Price, type Ratio, type Usdc } from './money.ts';
import { fixedBet, sizeBet, sizingNeeds } from './sizing.ts';
import type { SourceTrade } from './trade.ts';

/** Paper fills pay the trader's price plus 0.3% (the original's measured copy slippage) */
export const FT_SLIPPAGE_BPS = 30n;
const SLIPPED = 10_000n + FT_SLIPPAGE_BPS;
const MAX_ENTRY_PRICE = 999900n as Price; // 0.9999

/** Statistics Tandem computed for a trader from resolved history it has seen or imported */
export interface TraderStats {
  /** Wins / resolved BUY trades in the window; null when none resolved */
  winRate: Ratio | null;
  resolvedCount: number;
  /** Mean USD value of the trader's trades in the window; null when none seen */
  avgTradeUsd: Usdc | null;
}

export const SKIP_REASONS = [
  'not_buy', 'outside_test_window', 'not_target_trader', 'market_not_found', 'market_resolved',
  'after_market_end', 'no_game_start_time', 'pre_game', 'price_out_of_range', 'no_trader_stats',
  'low_win_rate', 'insufficient_edge', 'low_trade_count', 'low_conviction', 'high_win_rate', 'high_edge',
  'high_conviction', 'wrong_category', 'excluded_category', 'trade_too_small', 'trade_too_large',
  'ml_unavailable', 'low_ml_score', 'zero_size', 'insufficient_cash',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Score argument: a probability, null when the scorer has none, undefined when not fetched yet */
export type ScoreArg = Ratio | null | undefined;

/** The trader's price × (1 + 0.3%), rounded up and capped at 0.9999 */
export function paperEntryPrice(tradePrice: Price): Price {
  const slipped = divRound(tradePrice * SLIPPED, 10_000n, 'up') as Price;
  return minMicro(slipped, MAX_ENTRY_PRICE);
}

/** What the evaluator derives from a trade and the trader's statistics; no strategy setting enters it */
export interface Derived {
  entryPrice: Price;
  winRate: Ratio | null;
  edge: Ratio | null;
  conviction: Ratio | null;
  resolvedCount: number;
}

export function derive(trade: SourceTrade, stats: TraderStats | null): Derived {
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

/** A verdict: an index into SKIP_REASONS, or one of these */
export const TAKE = -1;
export const NEEDS_SCORE = -2;
/** filterCode: every filter passed */
export const PASS = -3;

const code = (reason: SkipReason): number => SKIP_REASONS.indexOf(reason);
const NOT_BUY = code('not_buy');
const OUTSIDE_TEST_WINDOW = code('outside_test_window');
const NOT_TARGET_TRADER = code('not_target_trader');
const MARKET_NOT_FOUND = code('market_not_found');
const MARKET_RESOLVED = code('market_resolved');
const AFTER_MARKET_END = code('after_market_end');
const NO_GAME_START_TIME = code('no_game_start_time');
const PRE_GAME = code('pre_game');
const PRICE_OUT_OF_RANGE = code('price_out_of_range');
const NO_TRADER_STATS = code('no_trader_stats');
const LOW_WIN_RATE = code('low_win_rate');
const INSUFFICIENT_EDGE = code('insufficient_edge');
const LOW_TRADE_COUNT = code('low_trade_count');
const LOW_CONVICTION = code('low_conviction');
const HIGH_WIN_RATE = code('high_win_rate');
const HIGH_EDGE = code('high_edge');
const HIGH_CONVICTION = code('high_conviction');
const WRONG_CATEGORY = code('wrong_category');
const EXCLUDED_CATEGORY = code('excluded_category');
const TRADE_TOO_SMALL = code('trade_too_small');
const TRADE_TOO_LARGE = code('trade_too_large');
const ML_UNAVAILABLE = code('ml_unavailable');
const LOW_ML_SCORE = code('low_ml_score');
const ZERO_SIZE = code('zero_size');
const INSUFFICIENT_CASH = code('insufficient_cash');

/** CompiledStrategy.categories and .excluded when the list is off */
const NO_LIST = -1;

/** Where a take's bet is written (one per caller, reused: a verdict allocates no result) */
export interface BetOut { bet: Usdc }

/** One strategy's rules, compiled: a null limit is off, exactly as in FtWallet */
export class CompiledStrategy {
  readonly startMs: number;
  /** +Infinity without an end date: no trade time is after it */
  readonly endMs: number;
  readonly targets: ReadonlySet<string> | null;
  readonly bypass: boolean;
  readonly liveOnly: boolean;
  readonly priceMin: bigint | null;
  readonly priceMax: bigint | null;
  readonly minWinRate: Ratio | null;
  readonly minEdge: Ratio | null;
  readonly minCount: number | null;
  /** Set only when above 0 (min_conviction 0 needs no average) */
  readonly minConviction: Ratio | null;
  readonly maxWinRate: Ratio | null;
  readonly maxEdge: Ratio | null;
  readonly maxConviction: Ratio | null;
  /** Keyword-list ids into the set's patterns; NO_LIST when the list is off or empty */
  readonly categories: number;
  readonly excluded: number;
  readonly minUsd: Usdc | null;
  readonly maxUsd: Usdc | null;
  readonly needsScore: boolean;
  /** The model gate's threshold; null when the gate is off */
  readonly gate: Ratio | null;
  /** FIXED's bet, computed once; null for the methods sized per trade */
  readonly fixedBet: Usdc | null;
  readonly needModel: boolean;
  readonly needEdge: boolean;
  readonly needConviction: boolean;
  readonly needWinRate: boolean;

  constructor(readonly wallet: FtWallet, listId: (keywords: string[]) => number) {
    const w = wallet;
    this.startMs = w.startDate.getTime();
    this.endMs = w.endDate === null ? Infinity : w.endDate.getTime();
    this.targets = w.targetTraders.length > 0 ? new Set(w.targetTraders) : null;
    this.bypass = w.bypassFilters;
    this.liveOnly = w.tradeLiveOnly;
    this.priceMin = w.priceMin;
    this.priceMax = w.priceMax;
    this.minWinRate = w.minTraderWinRate;
    this.minEdge = w.minEdge;
    this.minCount = w.minTraderResolvedCount;
    this.minConviction = w.minConviction !== null && w.minConviction > 0n ? w.minConviction : null;
    this.maxWinRate = w.maxTraderWinRate;
    this.maxEdge = w.maxEdge;
    this.maxConviction = w.maxConviction;
    const id = (list: string[] | null) => (list === null || list.length === 0 ? NO_LIST : listId(list));
    this.categories = id(w.marketCategories);
    this.excluded = id(w.excludeMarketKeywords);
    this.minUsd = w.minOriginalTradeUsd;
    this.maxUsd = w.maxOriginalTradeUsd;
    this.needsScore = needsScore(w);
    this.gate = w.useModel ? w.modelThreshold : null;
    this.fixedBet = w.allocationMethod === 'FIXED' ? fixedBet(w) : null;
    const needs = sizingNeeds(w.allocationMethod);
    this.needModel = needs.model;
    this.needEdge = needs.edge;
    this.needConviction = needs.conviction;
    this.needWinRate = needs.winRate;
  }
}

/**
 * A set of strategies compiled together, sharing one table of keyword-list patterns: one pattern per distinct list
 * (anyKeywordPattern), so a trade is tested once per list, however many strategies hold it
 */
export interface CompiledRules {
  readonly strategies: readonly CompiledStrategy[];
  readonly patterns: readonly RegExp[];
}

export function compileRules(wallets: readonly FtWallet[]): CompiledRules {
  const ids = new Map<string, number>();
  const patterns: RegExp[] = [];
  const listId = (keywords: string[]): number => {
    const key = JSON.stringify(keywords);
    let id = ids.get(key);
    if (id === undefined) {
      id = patterns.push(anyKeywordPattern(keywords)) - 1;
      ids.set(key, id);
    }
    return id;
  };
  return { strategies: wallets.map((w) => new CompiledStrategy(w, listId)), patterns };
}


/** A trade's values, computed once for every strategy of a CompiledRules */
export class PreparedTrade {
  readonly isBuy: boolean;
  readonly timeMs: number;
  readonly trader: string;
  readonly price: Price;
  readonly usd: Usdc;
  readonly hasMarket: boolean;
  readonly closed: boolean;
  /** +Infinity when the market has no end time */
  readonly marketEndMs: number;
  readonly hasGameStart: boolean;
  readonly gameStartMs: number;
  readonly entryPrice: Price;
  readonly winRate: Ratio | null;
  readonly edge: Ratio | null;
  readonly conviction: Ratio | null;
  readonly resolvedCount: number;
  /** Per list id: 0 not tested yet, 1 matches, 2 does not (each list is tested at most once per trade) */
  private matches: Int8Array | null = null;
  private haystack: string | null = null;

  constructor(readonly rules: CompiledRules, readonly trade: SourceTrade, readonly market: Market | null, d: Derived) {
    this.isBuy = trade.side === 'BUY';
    this.timeMs = trade.time.getTime();
    this.trader = trade.trader;
    this.price = trade.price;
    this.usd = trade.usd;
    this.hasMarket = market !== null;
    this.closed = market?.closed ?? false;
    this.marketEndMs = market?.endTime?.getTime() ?? Infinity;
    this.hasGameStart = (market?.gameStartTime ?? null) !== null;
    this.gameStartMs = market?.gameStartTime?.getTime() ?? NaN;
    this.entryPrice = d.entryPrice;
    this.winRate = d.winRate;
    this.edge = d.edge;
    this.conviction = d.conviction;
    this.resolvedCount = d.resolvedCount;
  }

  /** Whether a keyword of list `id` matches the market question, the trade title or a tag (whole words, any case) */
  matchesList(id: number): boolean {
    // Allocated on the first list test: most trades stop at an earlier rule for every strategy
    const matches = (this.matches ??= new Int8Array(this.rules.patterns.length));
    let m = matches[id]!;
    if (m === 0) {
      this.haystack ??= `${this.market!.question} ${this.trade.title} ${this.market!.tags.join(' ')}`;
      m = this.rules.patterns[id]!.test(this.haystack) ? 1 : 2;
      matches[id] = m;
    }
    return m === 1;
  }
}

export function prepareTrade(rules: CompiledRules, trade: SourceTrade, market: Market | null, stats: TraderStats | null): PreparedTrade {
  return new PreparedTrade(rules, trade, market, derive(trade, stats));
}

/**
 * The verdict on one (trade, strategy) pair: the first failing rule's SKIP_REASONS index, NEEDS_SCORE when the
 * rules reached the model gate without a score (fetch one and ask again), or TAKE with the bet in `out`.
 * `cash` is the strategy's available cash (starting + realized − open cost)
 */
export function verdict(t: PreparedTrade, s: CompiledStrategy, score: ScoreArg, cash: Usdc, out: BetOut): number {
  const filtered = filterCode(t, s);
  if (filtered !== PASS) return filtered;
  if (cash <= 0n) return INSUFFICIENT_CASH; // before the model call, so no score is wasted
  if (s.needsScore && score === undefined) return NEEDS_SCORE;
  const m = score ?? null;
  const gated = gateCode(s, m);
  if (gated !== PASS) return gated;
  return sizeCode(t, s, m, cash, out);
}

/** Every rule before the cash check, the model gate and sizing, in the evaluator's order; PASS when all pass */
export function filterCode(t: PreparedTrade, s: CompiledStrategy): number {
  const entry = entryCode(t, s);
  if (entry !== PASS) return entry;
  // A bypass_filters strategy (the original's TRADER_ wallets) skips the minimums, as the original did
  const minimum = s.bypass ? PASS : minimumCode(t, s);
  if (minimum !== PASS) return minimum;
  const maximum = maximumCode(t, s);
  return maximum !== PASS ? maximum : marketCode(t, s);
}

/** The model gate (`use_model` with a `model_threshold`): a missing score rejects, never read as 0.5 */
export function gateCode(s: CompiledStrategy, m: Ratio | null): number {
  if (s.gate === null) return PASS;
  if (m === null) return ML_UNAVAILABLE;
  return m < s.gate ? LOW_ML_SCORE : PASS;
}

function entryCode(t: PreparedTrade, s: CompiledStrategy): number {
  if (!t.isBuy) return NOT_BUY; // only a BUY opens a position; a SELL is an exit signal
  if (t.timeMs < s.startMs || t.timeMs > s.endMs) return OUTSIDE_TEST_WINDOW;
  if (s.targets !== null && !s.targets.has(t.trader)) return NOT_TARGET_TRADER;
  if (!t.hasMarket) return MARKET_NOT_FOUND;
  if (!s.bypass && t.closed) return MARKET_RESOLVED;
  if (!s.bypass && t.timeMs >= t.marketEndMs) return AFTER_MARKET_END;
  if (s.liveOnly) {
    if (!t.hasGameStart) return NO_GAME_START_TIME;
    if (t.timeMs < t.gameStartMs) return PRE_GAME;
  }
  if (s.priceMin !== null && t.price < s.priceMin) return PRICE_OUT_OF_RANGE;
  if (s.priceMax !== null && t.price > s.priceMax) return PRICE_OUT_OF_RANGE;
  return PASS;
}

/** Win rate, edge, count and conviction minimums; a trader without the statistic a rule needs fails it */
function minimumCode(t: PreparedTrade, s: CompiledStrategy): number {
  if (s.minWinRate !== null) {
    if (t.winRate === null) return NO_TRADER_STATS;
    if (t.winRate < s.minWinRate) return LOW_WIN_RATE;
  }
  if (s.minEdge !== null) {
    if (t.edge === null) return NO_TRADER_STATS;
    if (t.edge < s.minEdge) return INSUFFICIENT_EDGE;
  }
  if (s.minCount !== null && t.resolvedCount < s.minCount) return LOW_TRADE_COUNT;
  if (s.minConviction !== null) {
    if (t.conviction === null) return NO_TRADER_STATS;
    if (t.conviction < s.minConviction) return LOW_CONVICTION;
  }
  return PASS;
}

function maximumCode(t: PreparedTrade, s: CompiledStrategy): number {
  if (s.maxWinRate !== null) {
    if (t.winRate === null) return NO_TRADER_STATS;
    if (t.winRate > s.maxWinRate) return HIGH_WIN_RATE;
  }
  if (s.maxEdge !== null) {
    if (t.edge === null) return NO_TRADER_STATS;
    if (t.edge > s.maxEdge) return HIGH_EDGE;
  }
  if (s.maxConviction !== null) {
    if (t.conviction === null) return NO_TRADER_STATS;
    if (t.conviction > s.maxConviction) return HIGH_CONVICTION;
  }
  return PASS;
}

/** Category keywords and original trade size (in USD: the original compared shares, bug B8) */
function marketCode(t: PreparedTrade, s: CompiledStrategy): number {
  if (s.categories !== NO_LIST && !t.matchesList(s.categories)) return WRONG_CATEGORY;
  if (s.excluded !== NO_LIST && t.matchesList(s.excluded)) return EXCLUDED_CATEGORY;
  if (s.minUsd !== null && t.usd < s.minUsd) return TRADE_TOO_SMALL;
  if (s.maxUsd !== null && t.usd > s.maxUsd) return TRADE_TOO_LARGE;
  return PASS;
}

/** Sizing, then zero size and cash; the inputs a method needs are checked here so a missing one allocates nothing */
function sizeCode(t: PreparedTrade, s: CompiledStrategy, m: Ratio | null, cash: Usdc, out: BetOut): number {
  let bet = s.fixedBet;
  if (bet === null) {
    if (s.needModel && m === null) return ML_UNAVAILABLE;
    if ((s.needEdge && t.edge === null) || (s.needConviction && t.conviction === null)
      || (s.needWinRate && t.winRate === null)) return NO_TRADER_STATS;
    const sized = sizeBet(s.wallet, {
      price: t.price, edge: t.edge, winRate: t.winRate, conviction: t.conviction, modelProbability: m, bankroll: cash,
    });
    if (sized.kind === 'missing') return sized.input === 'model_probability' ? ML_UNAVAILABLE : NO_TRADER_STATS;
    bet = sized.bet;
  }
  if (bet <= 0n) return ZERO_SIZE;
  if (bet > cash) return INSUFFICIENT_CASH;
  out.bet = bet;
  return TAKE;
}
