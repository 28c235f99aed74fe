/**
 * LT re-applies the FT filters it holds (the launch snapshot, or FT's current filters with sync_ft_changes on)
 * to a signal FT took, with the shared evaluator's rules and the facts FT recorded when it took the trade.
 * Re-run exactly: test window, target traders, live-only, price band, the trader minima and maxima (win rate,
 * edge, resolved count, conviction as FT computed them), categories and keywords, original trade size, and the
 * model gate on FT's recorded score. Not re-run: cash, sizing and zero size (LT's own sizing and risk)
 */
import { derive, filterReason, modelGate, type Derived, type SkipReason } from './evaluate.ts';
import type { FtWallet } from './ft-wallet.ts';
import type { Market } from './market.ts';
import { formatMicros, type Ratio } from './money.ts';
import type { SourceTrade } from './trade.ts';

/** A signal as FT took it: the source trade, the market as FT saw it, and the facts FT recorded */
export interface TakenSignal {
  trade: SourceTrade;
  /** `closed` and `endTime` as at the trade (see takenMarket); question, tags and game start as stored */
  market: Market;
  facts: Pick<Derived, 'winRate' | 'conviction' | 'resolvedCount'>;
  /** The score FT fetched; null when it fetched none (its own rules did not need one) or the scorer had none */
  modelProbability: Ratio | null;
}

export interface FilterMiss {
  rule: `ft_filter:${SkipReason}`;
  limit: string;
  observed: string;
}

/**
 * The market as it was when the trade happened: closed only if it closed by the trade time, and the end time
 * FT recorded on its order (the market's current end time when FT recorded none)
 */
export function takenMarket(now: Market, tradeTime: Date, endTimeAtTake: Date | null): Market {
  const closed = now.closed && now.closedTime !== null && now.closedTime.getTime() <= tradeTime.getTime();
  return { ...now, closed, endTime: endTimeAtTake ?? now.endTime };
}

/** The first FT filter `w` holds that the taken signal fails, with its limit and observed value; null when all pass */
export function refilter(w: FtWallet, s: TakenSignal): FilterMiss | null {
  const d: Derived = { ...derive(s.trade, null), ...s.facts };
  d.edge = d.winRate === null ? null : ((d.winRate - d.entryPrice) as Ratio);
  const reason = filterReason(s.trade, w, s.market, d) ?? modelGate(w, s.modelProbability);
  return reason === null ? null : { rule: `ft_filter:${reason}`, ...detail(reason, w, s, d) };
}

const m = (v: bigint | null): string => (v === null ? 'null' : formatMicros(v));
const range = (lo: bigint | null, hi: bigint | null): string => `[${m(lo)}, ${m(hi)}]`;

function detail(reason: SkipReason, w: FtWallet, s: TakenSignal, d: Derived): { limit: string; observed: string } {
  const t = s.trade;
  const at = (x: Date | null) => x?.toISOString() ?? 'null';
  switch (reason) {
    case 'outside_test_window': return { limit: `[${at(w.startDate)}, ${at(w.endDate)}]`, observed: at(t.time) };
    case 'not_target_trader': return { limit: `${w.targetTraders.length} target traders`, observed: t.trader };
    case 'market_resolved': return { limit: 'open market', observed: `closed ${at(s.market.closedTime)}` };
    case 'after_market_end': return { limit: `before ${at(s.market.endTime)}`, observed: at(t.time) };
    case 'no_game_start_time': return { limit: 'a game start time', observed: 'null' };
    case 'pre_game': return { limit: `from ${at(s.market.gameStartTime)}`, observed: at(t.time) };
    case 'price_out_of_range': return { limit: range(w.priceMin, w.priceMax), observed: m(t.price) };
    case 'low_win_rate': return { limit: `>= ${m(w.minTraderWinRate)}`, observed: m(d.winRate) };
    case 'high_win_rate': return { limit: `<= ${m(w.maxTraderWinRate)}`, observed: m(d.winRate) };
    case 'insufficient_edge': return { limit: `>= ${m(w.minEdge)}`, observed: m(d.edge) };
    case 'high_edge': return { limit: `<= ${m(w.maxEdge)}`, observed: m(d.edge) };
    case 'low_trade_count': return { limit: `>= ${w.minTraderResolvedCount}`, observed: String(d.resolvedCount) };
    case 'low_conviction': return { limit: `>= ${m(w.minConviction)}`, observed: m(d.conviction) };
    case 'high_conviction': return { limit: `<= ${m(w.maxConviction)}`, observed: m(d.conviction) };
    case 'wrong_category': return { limit: (w.marketCategories ?? []).join('|'), observed: s.market.question };
    case 'excluded_category': return { limit: `not ${(w.excludeMarketKeywords ?? []).join('|')}`, observed: s.market.question };
    case 'trade_too_small': return { limit: `>= ${m(w.minOriginalTradeUsd)}`, observed: m(t.usd) };
    case 'trade_too_large': return { limit: `<= ${m(w.maxOriginalTradeUsd)}`, observed: m(t.usd) };
    case 'low_ml_score': return { limit: `>= ${m(w.modelThreshold)}`, observed: m(s.modelProbability) };
    case 'ml_unavailable': return { limit: `a score >= ${m(w.modelThreshold)}`, observed: 'no score recorded by FT' };
    default: return { limit: 'the trader statistic the rule needs', observed: 'none recorded' }; // no_trader_stats
  }
}
