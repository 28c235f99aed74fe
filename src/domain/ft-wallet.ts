/** An FT (paper) strategy: its filters and sizing rule, validated from operator input */
import { z } from 'zod';
import { decimalPlaces, exactDecimalText, parseMicros, type Ratio, type Usdc } from './money.ts';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from './text.ts';

export const ALLOCATION_METHODS = [
  'FIXED', 'KELLY', 'EDGE_SCALED', 'TIERED', 'CONFIDENCE', 'CONVICTION', 'ML_SCALED', 'WHALE',
] as const;
export type AllocationMethod = (typeof ALLOCATION_METHODS)[number];

/**
 * A strategy's configuration. A null filter is off; `0` means zero. Money is micro-USDC, ratios and
 * prices are millionths (`priceMin`/`priceMax` may be exactly 0 or 1 since the band is inclusive)
 */
export interface FtWallet {
  walletId: string;
  configId: string;
  displayName: string;
  description: string;
  detailedDescription: string;
  startingBalance: Usdc;
  useModel: boolean;
  /** Minimum model probability; the ML gate runs when `useModel` and this is set */
  modelThreshold: Ratio | null;
  priceMin: bigint | null;
  priceMax: bigint | null;
  minEdge: Ratio | null;
  maxEdge: Ratio | null;
  betSize: Usdc;
  betAllocationWeight: Ratio;
  allocationMethod: AllocationMethod;
  kellyFraction: Ratio;
  minBet: Usdc | null;
  maxBet: Usdc | null;
  minTraderResolvedCount: number | null;
  minTraderWinRate: Ratio | null;
  maxTraderWinRate: Ratio | null;
  minConviction: Ratio | null;
  maxConviction: Ratio | null;
  marketCategories: string[] | null;
  excludeMarketKeywords: string[] | null;
  minOriginalTradeUsd: Usdc | null;
  maxOriginalTradeUsd: Usdc | null;
  /** Only these traders' trades pass; empty means every followed trader */
  targetTraders: string[];
  targetTraderName: string | null;
  tradeLiveOnly: boolean;
  /**
   * Mirror the target traders past the minimum trader rules and on closed or ended markets, as the
   * original's `TRADER_` wallets did; price band, maxima, categories and live-only still apply
   */
  bypassFilters: boolean;
  thesisTier: string | null;
  hypothesis: string | null;
  deadMarketGuard: boolean;
  deadMarketFloor: bigint;
  deadMarketMaxDriftPct: bigint;
  startDate: Date;
  endDate: Date | null;
  isActive: boolean;
}

/** A decimal as its NUMERIC(_, 6) column stores it: a value with more decimals is refused, never rounded */
const num = (label: string) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const text = exactDecimalText(value);
    if (text === null) {
      ctx.addIssue({ code: 'custom', message: `${label} must be a decimal number` });
      return z.NEVER;
    }
    if (decimalPlaces(text) > 6) {
      ctx.addIssue({ code: 'custom', message: `${label}: at most 6 decimals (${text} has more than is stored)` });
      return z.NEVER;
    }
    return parseMicros(text, 'half_even'); // exact: only trailing zeros past 6 decimals are dropped
  });
const within = (label: string, low: string, high: string) =>
  num(label).refine((m) => m >= parseMicros(low) && m <= parseMicros(high), `${label} must be in [${low}, ${high}]`);
const money = (label: string) => within(label, '0', '1000000000').transform((m) => m as Usdc);
const unitRatio = (label: string) => within(label, '0', '1').transform((m) => m as Ratio);
/** Text as PostgreSQL can store it: no NUL, no unpaired surrogate (src/domain/text.ts) */
const text = (max: number) => z.string().max(max).refine(isStorableText, `text ${UNSTORABLE_TEXT_MESSAGE}`);
const keywords = z.array(text(100).pipe(z.string().trim().min(1))).max(200);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'trader address must be 0x + 40 hex digits')
  .transform((a) => a.toLowerCase());
const date = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'invalid date' });
    return z.NEVER;
  }
  return d;
});

/**
 * Operator input in the column names of `ft_wallets`. An absent field takes its default, an explicit
 * null turns a filter off (settings that are not filters refuse null), and `0` means zero
 */
export const FtWalletInput = z.object({
  wallet_id: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'wallet_id: upper-case letters, digits and _'),
  config_id: text(64).optional(),
  display_name: text(200).optional(),
  description: text(2000).default(''),
  detailed_description: text(20000).default(''),
  starting_balance: money('starting_balance').default(1000_000000n as Usdc),
  use_model: z.boolean().default(true),
  model_threshold: unitRatio('model_threshold').nullable().default(null),
  price_min: within('price_min', '0', '1').nullable().default(0n),
  price_max: within('price_max', '0', '1').nullable().default(1_000000n),
  min_edge: within('min_edge', '-1', '1').transform((m) => m as Ratio).nullable().default(0n as Ratio),
  max_edge: within('max_edge', '-1', '1').transform((m) => m as Ratio).nullable().default(null),
  bet_size: money('bet_size').default(1_200000n as Usdc),
  bet_allocation_weight: within('bet_allocation_weight', '0', '100').transform((m) => m as Ratio)
    .default(1_000000n as Ratio),
  allocation_method: z.enum(ALLOCATION_METHODS).default('FIXED'),
  kelly_fraction: within('kelly_fraction', '0', '1').transform((m) => m as Ratio).default(250000n as Ratio),
  min_bet: money('min_bet').nullable().default(500000n as Usdc),
  max_bet: money('max_bet').nullable().default(10_000000n as Usdc),
  min_trader_resolved_count: z.number().int().min(0).max(1_000_000).nullable().default(30),
  min_trader_win_rate: unitRatio('min_trader_win_rate').nullable().default(null),
  max_trader_win_rate: unitRatio('max_trader_win_rate').nullable().default(null),
  min_conviction: within('min_conviction', '0', '1000').transform((m) => m as Ratio).nullable().default(0n as Ratio),
  max_conviction: within('max_conviction', '0', '1000').transform((m) => m as Ratio).nullable().default(null),
  market_categories: keywords.nullable().default(null),
  exclude_market_keywords: keywords.nullable().default(null),
  min_original_trade_usd: money('min_original_trade_usd').nullable().default(null),
  max_original_trade_usd: money('max_original_trade_usd').nullable().default(null),
  target_traders: z.array(address).max(1000).default([]),
  target_trader_name: text(200).nullable().default(null),
  trade_live_only: z.boolean().default(false),
  bypass_filters: z.boolean().default(false),
  thesis_tier: text(64).nullable().default(null),
  hypothesis: text(2000).nullable().default(null),
  dead_market_guard: z.boolean().default(true),
  dead_market_floor: within('dead_market_floor', '0', '1').default(40000n),
  dead_market_max_drift_pct: within('dead_market_max_drift_pct', '0', '100').default(80_000000n),
  start_date: date.optional(),
  end_date: date.nullable().default(null),
  is_active: z.boolean().default(true),
  // Kept for fidelity with the original schema; refused because nothing could honour them
  bet_structures: z.null({ message: 'bet_structures is not supported: markets carry no bet structure' }).optional(),
  wr_source: z.literal('GLOBAL', { message: "wr_source: only 'GLOBAL' win rates are computed" }).optional(),
  trader_pool: z.null({ message: 'trader_pool is not supported' }).optional(),
}).strict()
  .refine((w) => w.price_min === null || w.price_max === null || w.price_min <= w.price_max, 'price_min > price_max')
  .refine((w) => w.min_bet === null || w.max_bet === null || w.min_bet <= w.max_bet, 'min_bet > max_bet')
  .refine((w) => !w.bypass_filters || w.target_traders.length > 0, 'bypass_filters needs target_traders')
  .refine((w) => !w.end_date || !w.start_date || w.start_date < w.end_date, 'start_date must be before end_date');

export type FtWalletInputJson = z.input<typeof FtWalletInput>;

/** Validates operator input into an FtWallet; `now` is the default start date */
export function parseFtWallet(input: unknown, now: Date): FtWallet {
  const w = FtWalletInput.parse(input);
  return {
    walletId: w.wallet_id,
    configId: w.config_id ?? w.wallet_id.replace(/^FT_/, ''),
    displayName: w.display_name ?? w.wallet_id,
    description: w.description,
    detailedDescription: w.detailed_description,
    startingBalance: w.starting_balance,
    useModel: w.use_model,
    modelThreshold: w.model_threshold,
    priceMin: w.price_min,
    priceMax: w.price_max,
    minEdge: w.min_edge,
    maxEdge: w.max_edge,
    betSize: w.bet_size,
    betAllocationWeight: w.bet_allocation_weight,
    allocationMethod: w.allocation_method,
    kellyFraction: w.kelly_fraction,
    minBet: w.min_bet,
    maxBet: w.max_bet,
    minTraderResolvedCount: w.min_trader_resolved_count,
    minTraderWinRate: w.min_trader_win_rate,
    maxTraderWinRate: w.max_trader_win_rate,
    minConviction: w.min_conviction,
    maxConviction: w.max_conviction,
    marketCategories: w.market_categories,
    excludeMarketKeywords: w.exclude_market_keywords,
    minOriginalTradeUsd: w.min_original_trade_usd,
    maxOriginalTradeUsd: w.max_original_trade_usd,
    targetTraders: w.target_traders,
    targetTraderName: w.target_trader_name,
    tradeLiveOnly: w.trade_live_only,
    bypassFilters: w.bypass_filters,
    thesisTier: w.thesis_tier,
    hypothesis: w.hypothesis,
    deadMarketGuard: w.dead_market_guard,
    deadMarketFloor: w.dead_market_floor,
    deadMarketMaxDriftPct: w.dead_market_max_drift_pct,
    startDate: w.start_date ?? now,
    endDate: w.end_date,
    isActive: w.is_active,
  };
}

/** True when the wallet's rules need a model score (the ML gate, or an ML-driven sizing method) */
export const needsScore = (w: FtWallet): boolean =>
  (w.useModel && w.modelThreshold !== null) || w.allocationMethod === 'ML_SCALED' || w.allocationMethod === 'WHALE';
