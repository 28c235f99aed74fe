/** FT strategy bodies: the configuration (request: FtWalletInput of src/domain/ft-wallet.ts, documented), summaries and paper orders */
import { z } from '@hono/zod-openapi';
import { FtWalletInput } from '../../domain/ft-wallet.ts';
import { formatMicros } from '../../domain/money.ts';
import { Iso, JsonValue, NextCursor, SafeText, Usd } from './common.ts';

const DESCRIPTIONS: Record<string, string> = {
  wallet_id: 'Strategy id: FT_ then upper-case letters, digits and _ (from the path on PUT)',
  config_id: 'Configuration id (default: wallet_id without FT_)',
  display_name: 'Name shown (default: wallet_id)',
  description: 'One line on what it does',
  detailed_description: 'Longer description',
  starting_balance: 'Paper capital, USDC',
  use_model: 'Score trades with the model (the ML gate runs when model_threshold is set too)',
  model_threshold: 'Minimum model probability 0..1; null: no ML gate',
  price_min: 'Lowest entry price taken, 0..1 inclusive; null: no floor',
  price_max: 'Highest entry price taken, 0..1 inclusive; null: no ceiling',
  min_edge: 'Minimum edge (-1..1); null: off',
  max_edge: 'Maximum edge (-1..1); null: off',
  bet_size: 'Base bet, USDC',
  bet_allocation_weight: 'Multiplier of the bet, 0..100',
  allocation_method: 'Sizing rule',
  kelly_fraction: 'Fraction of Kelly for KELLY sizing, 0..1',
  min_bet: 'Smallest bet, USDC; null: none',
  max_bet: 'Largest bet, USDC; null: none',
  min_trader_resolved_count: 'Trader must have this many resolved trades; null: off',
  min_trader_win_rate: 'Trader win rate floor 0..1; null: off',
  max_trader_win_rate: 'Trader win rate ceiling 0..1; null: off',
  min_conviction: 'Trade size over the trader\'s average, floor (0..1000); null: off',
  max_conviction: 'Trade size over the trader\'s average, ceiling (0..1000); null: off',
  market_categories: 'Only markets in these categories; null: all',
  exclude_market_keywords: 'Skip markets whose title has one of these; null: none',
  min_original_trade_usd: 'The trader\'s trade at least this, USDC; null: off',
  max_original_trade_usd: 'The trader\'s trade at most this, USDC; null: off',
  target_traders: 'Only these traders (0x addresses); empty: every followed trader',
  target_trader_name: 'Name of the target trader, shown',
  trade_live_only: 'Only markets whose game has started',
  bypass_filters: 'Mirror target_traders past the trader minima and on closed markets (needs target_traders)',
  thesis_tier: 'Free label',
  hypothesis: 'What the strategy tests',
  dead_market_guard: 'Skip markets whose price has drifted to the edges',
  dead_market_floor: 'Dead-market price floor 0..1',
  dead_market_max_drift_pct: 'Dead-market drift limit, percent 0..100',
  start_date: 'First trade time taken (ISO; default now)',
  end_date: 'Last trade time taken (ISO); null: open-ended',
  is_active: 'Takes trades',
  bet_structures: 'Unsupported: null only',
  wr_source: 'Only GLOBAL',
  trader_pool: 'Unsupported: null only',
};
const DECIMAL_FIELDS = new Set(['starting_balance', 'model_threshold', 'price_min', 'price_max', 'min_edge', 'max_edge', 'bet_size',
  'bet_allocation_weight', 'kelly_fraction', 'min_bet', 'max_bet', 'min_trader_win_rate', 'max_trader_win_rate', 'min_conviction',
  'max_conviction', 'min_original_trade_usd', 'max_original_trade_usd', 'dead_market_floor', 'dead_market_max_drift_pct']);

/** The defaults FtWalletInput fills in, as JSON (decimals as strings) */
const defaults: Record<string, unknown> = Object.fromEntries(Object.entries(FtWalletInput.parse({ wallet_id: 'FT_X' }))
  .filter(([k]) => k !== 'wallet_id').map(([k, v]) => [k, typeof v === 'bigint' ? formatMicros(v) : v]));

/** FtWalletInput's fields with their descriptions and JSON defaults: the request schema of the OpenAPI document */
function documented(omit: readonly string[]) {
  const shape = Object.fromEntries(Object.entries(FtWalletInput.shape).filter(([k]) => !omit.includes(k)).map(([k, s]) => {
    const meta = { description: `${DESCRIPTIONS[k] ?? k}${DECIMAL_FIELDS.has(k) ? ' (a decimal, as a string or number)' : ''}`,
      ...(k in defaults ? { default: defaults[k] } : {}) };
    return [k, (s as z.ZodType).meta(meta)]; // zod's own metadata: FtWalletInput may be built before @hono/zod-openapi adds .openapi()
  }));
  return z.object(shape).strict();
}
export const FtWalletCreate = documented([]).openapi('FtWalletInput', {
  description: 'An FT strategy\'s configuration (ft_wallets columns). Absent: the default; null turns a filter off; 0 means zero' });
export const FtWalletReplace = documented(['wallet_id', 'start_date']).extend({
  wallet_id: SafeText.optional().openapi({ description: 'Ignored: the id is the path\'s' }),
  start_date: z.union([z.string(), z.date()]).optional().openapi({ type: 'string', description: 'Default: the stored start date' }),
}).strict().openapi('FtWalletReplace', { description: 'The whole configuration (absent fields take their defaults, not the stored values)' });

const ratio = z.string().nullable().openapi({ description: 'A ratio 0..1 as a decimal string' });
export const FtWallet = z.looseObject({
  wallet_id: z.string(), config_id: z.string(), display_name: z.string(), description: z.string(), detailed_description: z.string(),
  starting_balance: Usd.nullable(), use_model: z.boolean(), model_threshold: ratio, price_min: z.string().nullable(),
  price_max: z.string().nullable(), min_edge: ratio, max_edge: ratio, bet_size: Usd.nullable(), bet_allocation_weight: z.string().nullable(),
  allocation_method: z.string(), kelly_fraction: ratio, min_bet: Usd.nullable(), max_bet: Usd.nullable(),
  min_trader_resolved_count: z.number().int().nullable(), min_trader_win_rate: ratio, max_trader_win_rate: ratio,
  min_conviction: z.string().nullable(), max_conviction: z.string().nullable(), market_categories: z.array(z.string()).nullable(),
  exclude_market_keywords: z.array(z.string()).nullable(), min_original_trade_usd: Usd.nullable(), max_original_trade_usd: Usd.nullable(),
  target_traders: z.array(z.string()), target_trader_name: z.string().nullable(), trade_live_only: z.boolean(),
  bypass_filters: z.boolean(), thesis_tier: z.string().nullable(), hypothesis: z.string().nullable(), dead_market_guard: z.boolean(),
  dead_market_floor: z.string().nullable(), dead_market_max_drift_pct: z.string().nullable(), start_date: Iso, end_date: Iso.nullable(),
  is_active: z.boolean(),
}).openapi('FtWallet', { description: 'An FT strategy\'s configuration (see FtWalletInput)' });

export const FtSummary = z.looseObject({
  wallet_id: z.string(), display_name: z.string(), is_active: z.boolean(), starting_balance: Usd, cash: Usd,
  realized_pnl: Usd, open_exposure: z.string().openapi({ description: 'Cost of the open paper positions, USDC' }),
  orders: z.number().int(), open: z.number().int(), won: z.number().int(), lost: z.number().int(), sold: z.number().int(),
  void: z.number().int(), win_rate: ratio.openapi({ description: 'won / (won + lost); null before any resolved order' }),
}).openapi('FtSummary');
export const Counts = z.record(z.string(), z.number().int()).openapi('Counts', { description: 'Count by reason' });
export const FtWalletPage = z.object({ wallets: z.array(FtSummary), next_cursor: NextCursor }).openapi('FtWalletPage');
export const FtWalletDetail = z.object({ wallet: FtWallet, summary: FtSummary.optional(), skipped: Counts }).openapi('FtWalletDetail');
export const FtWalletOne = z.object({ wallet: FtWallet }).openapi('FtWalletOne');

export const FtOrder = z.looseObject({
  order_id: z.string(), condition_id: z.string(), asset: z.string().openapi({ description: 'Token id' }),
  token_label: z.string().nullable(), market_title: z.string().nullable(), trader_address: z.string(),
  trader_price: z.string(), entry_price: z.string(), size: Usd, shares: z.string(), open_shares: z.string(),
  model_probability: z.string().nullable(), outcome: z.string().openapi({ description: 'OPEN, WON, LOST, SOLD or VOID' }),
  winning_label: z.string().nullable(), pnl: Usd.nullable(), exit_price: z.string().nullable(), close_reason: z.string().nullable(),
  order_time: Iso, resolved_time: Iso.nullable(),
}).openapi('FtOrder');
export const FtOrderPage = z.object({ orders: z.array(FtOrder), next_cursor: NextCursor }).openapi('FtOrderPage');
export const InputRejects = z.object({ rejected: Counts }).openapi('InputRejects');

export const JobNow = z.object({
  ran: z.boolean().openapi({ description: 'false: it was already running' }),
  report: JsonValue.optional().openapi({ description: 'What the run did (its shape is the job\'s)' }),
  reason: z.string().optional().openapi({ description: 'Why it did not run' }),
}).openapi('JobNow');
