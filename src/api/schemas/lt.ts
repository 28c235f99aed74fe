/**
 * LT strategy bodies: the settings (request, each with its description, default and range, README "LT strategy
 * settings"), the strategy, its capital, the kill switch, cancel reports and the audit. The request schemas check
 * types; the engine (src/engine/lt-strategies.ts) checks values and answers per field (`issues` with `path`)
 */
import { z } from '@hono/zod-openapi';
import { Iso, JsonObject, NextCursor, text, Usd } from './common.ts';
import { FtWallet } from './ft.ts';

const DAY = 86_400;
const decimalIn = (description: string, range: string, dflt?: string | null) => z.union([z.string(), z.number()])
  .openapi({ description: `${description}. ${range}`, ...(dflt === undefined ? {} : { default: dflt }) });
const money = (description: string, dflt: string | null, nullable = true) =>
  decimalIn(`${description}${nullable ? '; null: no limit' : ''}`, 'USDC, a decimal in [0, 1000000000] with at most 6 decimals', dflt);
const int = (description: string, min: number, max: number, dflt: number | null) => z.number()
  .openapi({ type: 'integer', description: `${description}. Whole number in [${min}, ${max}]`, minimum: min, maximum: max, default: dflt });
/** `int` where null is a value (no limit, no expiry, another mode): the document says so (`type: [integer, null]`) */
const intOrNull = (description: string, min: number, max: number, dflt: number | null) => z.number().nullable()
  .openapi({ type: ['integer', 'null'], description: `${description}. Whole number in [${min}, ${max}]`, minimum: min, maximum: max, default: dflt });
/** One of `values`: the engine checks which (its message names them), the schema documents them */
const oneOf = <T extends string>(values: readonly [T, ...T[]], dflt: T, description: string) =>
  text().openapi({ type: 'string', enum: [...values], default: dflt, description });

export const TOLERANCE_DOC = 'Tolerance: `tolerance_mode` fixed_pct (default: expected slippage within `slippage_tolerance_pct` % of the '
  + 'signal price), ticks (`tolerance_ticks`, 1–100 whole ticks) or spread (`tolerance_spread_multiple` k in (0, 100], k × best ask − '
  + 'best bid); the dynamic modes are capped by `slippage_tolerance_pct`, which must be sent (above 0) when a dynamic mode is chosen, '
  + 'and a one-sided or crossed book falls back to the cap. A mode\'s parameter is null under the other modes';
const SETTINGS_DOC = '(lt_strategies columns; README "LT strategy settings"; each setting\'s description gives its range and default). '
  + 'Values are checked per field: a 400 lists each refused field in `issues` with its `path`';
export const settingsBodyDoc = (what: string) => `${what} ${SETTINGS_DOC}. ${TOLERANCE_DOC}`;

/** Every setting of an LT strategy, as operator input */
export const LT_SETTINGS = {
  mode: oneOf(['live', 'shadow'], 'live',
    'live: real orders at the venue; shadow: the same decisions priced against the real books by the shadow venue, nothing sent'),
  starting_capital: decimalIn('The capital the strategy starts with (required at create; after launch use deposit/withdraw)',
    'USDC above 0, at most 1000000000, at most 6 decimals'),
  slippage_tolerance_pct: decimalIn('Worst price accepted, in percent of the trader\'s price (fixed_pct), and the cap of the ticks and spread modes',
    'Percent in [0, 100], at most 4 decimals', '0.5'),
  order_type: oneOf(['GTC', 'GTD', 'FOK', 'FAK'], 'GTC',
    'GTC rests until filled or cancelled; GTD until order_ttl_seconds (> 60); FOK fills fully at once or not at all; FAK fills what it can at once and cancels the rest'),
  order_ttl_seconds: intOrNull('Seconds a resting order lives before it is cancelled (GTD: required, above 60; FOK/FAK: must be null); null: no expiry', 1, 30 * DAY, null),
  min_order_usd: money('Smallest order sent; smaller signals are skipped (not above max_order_usd)', '1'),
  max_order_usd: money('Largest order sent; larger signals are cut to it', '100'),
  max_position_per_market_usd: money('Most cost held in one market', null),
  max_total_exposure_usd: money('Most cost held over all open positions', null),
  daily_budget_usd: money('Most bought per UTC day', null),
  max_daily_loss_usd: money('Realized loss per UTC day after which entries stop for the day', null),
  max_drawdown_pct: decimalIn('Drawdown from the peak equity at which the strategy pauses; null: no limit', 'Percent in (0, 100], at most 4 decimals', null).nullable(),
  max_signal_age_seconds: intOrNull('Signals older than this (from the trader\'s fill) are skipped; null: no limit', 1, 30 * DAY, 300),
  latency_alert_ms: intOrNull('Order latency (signal to venue acknowledgement) above which an alert fires; null: no alert', 1, 3_600_000, 2000),
  cooldown_seconds: int('Seconds settled proceeds wait before they can be spent again', 0, 30 * DAY, 0),
  sync_ft_changes: z.boolean().openapi({ default: false,
    description: 'true: the FT strategy\'s current filters apply when a signal is decided; false: the filters as at the first launch (README "LT strategy settings")' }),
  wallet_address: text().nullable().openapi({ default: null, pattern: '^0x[0-9a-fA-F]{40}$',
    description: 'The wallet the strategy trades through (one of your linked wallets, or the operator wallet); null: the operator wallet' }),
  tolerance_mode: oneOf(['fixed_pct', 'ticks', 'spread'], 'fixed_pct',
    'How far from the trader\'s price an order may go: fixed_pct (slippage_tolerance_pct % of the price), ticks (tolerance_ticks ticks) or spread (tolerance_spread_multiple × the spread); the dynamic modes are capped by slippage_tolerance_pct, which must be sent (above 0) when one is chosen. A mode\'s parameter is null under the other modes; a one-sided or crossed book falls back to the cap'),
  tolerance_ticks: intOrNull('ticks mode: N whole ticks; null under the other modes', 1, 100, null),
  tolerance_spread_multiple: decimalIn('spread mode: k × (best ask − best bid); null under the other modes', 'A decimal in (0, 100], at most 4 decimals', null).nullable(),
};

export const LtCreateInput = z.object({
  ft_wallet_id: text({ min: 1, max: 100 }).openapi({ description: 'The FT strategy whose signals it mirrors' }),
  ...LT_SETTINGS,
}).partial().required({ ft_wallet_id: true, starting_capital: true }).strict().openapi('LtCreateInput');
export const LtSettingsPatch = z.object(LT_SETTINGS).partial().strict().openapi('LtSettingsPatch');

export const MoneyMove = z.object({
  amount: decimalIn('How much', 'USDC above 0, at most 1000000000, at most 6 decimals'),
  ref: text({ max: 100 }).optional().openapi({ pattern: '^[A-Za-z0-9_.:-]{1,100}$',
    description: 'Idempotency key (1–100 of A-Z a-z 0-9 _ . : -): a replay with the same ref and amount books nothing '
      + '(200, booked: false); the same ref with another amount is refused (409)' }),
}).strict().openapi('MoneyMove');
export const PauseInput = z.object({
  reason: text({ max: 500 }).optional().openapi({ description: 'Why (shown as pause_reason); default "paused by operator"' }),
}).strict().openapi('PauseInput');
export const KillSwitchInput = z.object({
  engaged: z.boolean().openapi({ description: 'true: no strategy of yours sends an order and your resting orders are cancelled; false: released' }),
  reason: text({ max: 500 }).nullable().optional().openapi({ description: 'Why (recorded in the audit)' }),
}).strict().openapi('KillSwitchInput');

// ---- Responses

const nullableUsd = Usd.nullable();
const setting = <T extends z.ZodType>(s: T, description: string) => s.openapi({ description });
export const LtStrategy = z.looseObject({
  strategy_id: z.string(),
  ft_wallet_id: z.string(),
  mode: z.enum(['live', 'shadow']),
  starting_capital: Usd,
  slippage_tolerance_pct: setting(z.string(), 'Percent'),
  order_type: z.enum(['GTC', 'GTD', 'FOK', 'FAK']),
  order_ttl_seconds: z.number().int().nullable(),
  min_order_usd: nullableUsd, max_order_usd: nullableUsd, max_position_per_market_usd: nullableUsd,
  max_total_exposure_usd: nullableUsd, daily_budget_usd: nullableUsd, max_daily_loss_usd: nullableUsd,
  max_drawdown_pct: setting(z.string().nullable(), 'Percent'),
  max_signal_age_seconds: z.number().int().nullable(),
  latency_alert_ms: z.number().int().nullable(),
  cooldown_seconds: z.number().int(),
  sync_ft_changes: z.boolean(),
  wallet_address: z.string().nullable(),
  tolerance_mode: z.enum(['fixed_pct', 'ticks', 'spread']),
  tolerance_ticks: z.number().int().nullable(),
  tolerance_spread_multiple: z.string().nullable(),
  is_active: z.boolean(),
  is_paused: z.boolean(),
  pause_reason: z.string().nullable(),
  launched_at: Iso.nullable(),
  peak_equity: Usd,
}).openapi('LtStrategy', { description: 'An LT strategy: its settings (see LtCreateInput) and state' });

export const LtCapital = z.looseObject({
  book: z.enum(['live', 'shadow']).openapi({ description: 'The book the figures are of (the strategy\'s mode)' }),
  available: setting(Usd, 'Cash free to order with'),
  reserved: setting(Usd, 'Cash held by open BUY orders'),
  position_cost: setting(Usd, 'Cost of the shares held'),
  locked: setting(Usd, 'reserved + position_cost'),
  cooldown: setting(Usd, 'Settled proceeds waiting out cooldown_seconds'),
  realized_pnl: Usd, fees: Usd, net_deposits: setting(Usd, 'Starting capital plus deposits minus withdrawals'),
  starting_capital: setting(Usd, 'The strategy\'s starting capital setting (deposited at launch, not at creation)'),
  funded: setting(z.boolean(), 'Whether the book holds any ledger entry yet (the launch deposit is booked at launch)'),
  capital: setting(Usd, 'The capital to show: starting_capital before the book is funded, net_deposits after'),
  capital_basis: setting(z.enum(['starting_capital', 'net_deposits']), 'Which figure `capital` is (see funded)'),
  equity: setting(Usd, 'Cash + open positions at the gap\'s mark = book_equity + unrealized_pnl'),
  book_equity: setting(Usd, 'available + locked + cooldown: positions at cost (the drawdown breaker\'s figure)'),
  unrealized_pnl: setting(Usd, 'Σ open positions\' value at the mark − cost (an unmarked position counts at cost)'),
  unmarked_positions: setting(z.number().int(), 'Open positions with no mark, counted at cost'),
  pnl: setting(Usd, 'equity − net_deposits; 0 before the book is funded'),
  peak_equity: setting(Usd, 'The risk engine\'s high-water mark of book_equity'),
  drawdown: setting(z.string().nullable(), 'From the peak, a ratio 0..1; null before launch'),
  conserved: setting(z.boolean(), 'available + locked + cooldown = net deposits + realized, and no bucket below zero'),
}).openapi('LtCapital');

export const KillSwitch = z.looseObject({
  engaged: z.boolean(), reason: z.string().nullable(), set_at: Iso.nullable(),
}).openapi('KillSwitch');

export const CancelReport = z.looseObject({
  cancelled: z.array(z.string()).openapi({ description: 'Order ids the venue acknowledged as cancelled' }),
  not_cancelled: z.array(z.object({ order_id: z.string(), reason: z.string() }))
    .openapi({ description: 'Orders the venue did not cancel (already matched, or no answer), with the reason' }),
  fills_booked: z.number().int(), finished: z.number().int(),
  errors: z.array(z.looseObject({ orderId: z.string().optional(), error: z.string() })),
}).openapi('CancelReport');

export const LtStrategyItem = z.looseObject({ strategy: LtStrategy, capital: LtCapital }).openapi('LtStrategyItem');
export const LtStrategyPage = z.object({
  strategies: z.array(LtStrategyItem), kill_switch: KillSwitch, next_cursor: NextCursor,
}).openapi('LtStrategyPage');
export const LtStrategyStopped = LtStrategyItem.extend({ cancel: CancelReport }).openapi('LtStrategyStopped');
export const LtMoneyMoved = z.looseObject({
  booked: z.boolean().openapi({ description: 'false: a replayed ref, nothing booked' }), ref: z.string(), capital: LtCapital,
}).openapi('LtMoneyMoved');
export const KillSwitchSet = KillSwitch.extend({ cancel: CancelReport.optional()
  .openapi({ description: 'When engaged: the cancel of your resting orders' }) }).openapi('KillSwitchSet');

export const LtAudit = z.object({
  audit_id: z.string(), strategy_id: z.string().nullable(), command: z.string(),
  detail: JsonObject, at: Iso,
}).openapi('LtAudit');
export const LtAuditPage = z.object({ audit: z.array(LtAudit), next_cursor: NextCursor }).openapi('LtAuditPage');
export const LtStrategyDetail = LtStrategyItem.extend({
  ft_config: FtWallet.openapi({ description: 'The FT configuration in force for this strategy (README "LT strategy settings")' }),
  ft_sync: z.looseObject({ sync_ft_changes: z.boolean(), applied: z.array(z.string()), held: z.array(z.string()) })
    .openapi({ description: 'Which FT settings changed since launch apply (applied) and which are held back (held)' }),
  kill_switch: KillSwitch,
}).openapi('LtStrategyDetail');
