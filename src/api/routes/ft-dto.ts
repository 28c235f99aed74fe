/** FT strategy as JSON: the column names of ft_wallets, money and ratios as decimal strings */
import type { FtWallet } from '../../domain/ft-wallet.ts';
import { formatMicros } from '../../domain/money.ts';

const d = (v: bigint | null): string | null => (v === null ? null : formatMicros(v));

export function walletToJson(w: FtWallet) {
  return {
    wallet_id: w.walletId, config_id: w.configId, display_name: w.displayName, description: w.description,
    detailed_description: w.detailedDescription, starting_balance: d(w.startingBalance), use_model: w.useModel,
    model_threshold: d(w.modelThreshold), price_min: d(w.priceMin), price_max: d(w.priceMax), min_edge: d(w.minEdge),
    max_edge: d(w.maxEdge), bet_size: d(w.betSize), bet_allocation_weight: d(w.betAllocationWeight),
    allocation_method: w.allocationMethod, kelly_fraction: d(w.kellyFraction), min_bet: d(w.minBet),
    max_bet: d(w.maxBet), min_trader_resolved_count: w.minTraderResolvedCount,
    min_trader_win_rate: d(w.minTraderWinRate), max_trader_win_rate: d(w.maxTraderWinRate),
    min_conviction: d(w.minConviction), max_conviction: d(w.maxConviction), market_categories: w.marketCategories,
    exclude_market_keywords: w.excludeMarketKeywords, min_original_trade_usd: d(w.minOriginalTradeUsd),
    max_original_trade_usd: d(w.maxOriginalTradeUsd), target_traders: w.targetTraders,
    target_trader_name: w.targetTraderName, trade_live_only: w.tradeLiveOnly, bypass_filters: w.bypassFilters,
    thesis_tier: w.thesisTier, hypothesis: w.hypothesis, dead_market_guard: w.deadMarketGuard,
    dead_market_floor: d(w.deadMarketFloor), dead_market_max_drift_pct: d(w.deadMarketMaxDriftPct),
    start_date: w.startDate.toISOString(), end_date: w.endDate?.toISOString() ?? null, is_active: w.isActive,
  };
}
