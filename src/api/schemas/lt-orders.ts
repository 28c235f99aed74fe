/** The request and response bodies of the LT orders routes (issue 11's contract), as OpenAPI components */
import { z } from '@hono/zod-openapi';
import { DISPLAY_STATUSES } from '../../domain/metrics/execution.ts';
import { LT_ORDER_STATUSES } from '../../domain/lt-order.ts';
import { NextCursor, pageQuery } from './common.ts';

const d = (description: string) => ({ description });
const Decimal = (description: string) => z.string().regex(/^-?\d+(\.\d+)?$/).openapi(d(description));
const Usd = (description: string) => Decimal(`${description} (USDC, 6 decimals)`);
const Time = (description: string) => z.string().openapi({ description, format: 'date-time' });
const Side = z.enum(['BUY', 'SELL']);
const DisplayStatus = z.enum(DISPLAY_STATUSES).openapi({ description: 'pending: not submitted yet; open: at the venue '
  + 'and may still fill (or its answer awaited); filled: status filled, or ended with a fill rate of 99.5 % or more; '
  + 'partially_filled: ended (cancelled, expired, lost) with some fill below that (an FAK 99 % filled); cancelled: '
  + 'ended with no fill; rejected: refused by the venue (docs/metrics.md)' });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const OrderIdParam = z.object({ id: z.string().regex(UUID).openapi({ description: 'The order id (orders.order_id)',
  param: { name: 'id', in: 'path' } }) });

/** The list's filters beside `limit` and `cursor` (the sort key: signal time and order id, as every list's cursor) */
export const OrderListQuery = pageQuery(['time', 'uuid']).extend({
  strategy_id: z.string().regex(/^LT_[A-Za-z0-9_-]{1,100}$/).optional().openapi(d('Only this LT strategy\'s orders')),
  status: DisplayStatus.optional(),
  side: Side.optional().openapi(d('Only BUY or only SELL orders')),
  from: z.string().datetime({ offset: true }).optional().openapi(d('Signal time from (inclusive), ISO-8601')),
  to: z.string().datetime({ offset: true }).optional().openapi(d('Signal time to (exclusive), ISO-8601')),
});

export const OrderRow = z.object({
  order_id: z.string().openapi(d('The order id')),
  strategy_id: z.string().openapi(d('The LT strategy that placed it')),
  ft_order_id: z.string().openapi(d('The FT paper order it mirrors')),
  trace_id: z.string().openapi(d('Its signal\'s trace id: every log line of the signal\'s path carries it as `trace_id` (docs/logs.md)')),
  signal_at: Time('When FT signalled (the sort key; the intent time for orders without one)'),
  submitted_at: Time('When it was sent to the venue').nullable(),
  market: z.object({
    condition_id: z.string(), question: z.string().nullable().openapi(d('The market question')),
    outcome: z.string().nullable().openapi(d('The outcome the token pays on')), token_id: z.string(),
  }).openapi(d('The market and outcome token')),
  side: Side,
  order_type: z.string().openapi(d('GTC, GTD, FOK or FAK')),
  status: z.enum(LT_ORDER_STATUSES).openapi(d('The stored order status')),
  display_status: DisplayStatus,
  requested_shares: Decimal('The order size in shares').nullable(),
  requested_usd: Usd('A BUY\'s USD size from the signal; null for a SELL (sized in shares)').nullable(),
  filled_shares: Decimal('Shares filled'),
  filled_usd: Usd('USD of the fill legs (BUY cost, SELL proceeds)'),
  avg_price: Decimal('VWAP of the fill legs').nullable(),
  signal_price: Decimal('The trader\'s price'),
  limit_price: Decimal('The order\'s limit price').nullable(),
  fill_rate: Decimal('0..1: USD for a USD-sized BUY, shares otherwise; null with no sample').nullable(),
  signal_slippage_pct: Decimal('(VWAP − signal)/signal in percent, positive = worse for us').nullable(),
  slippage_ticks: Decimal('(VWAP − signal)/tick, positive = worse for us').nullable(),
  slippage_cents: Decimal('(VWAP − signal) × 100, positive = worse for us').nullable(),
  order_latency_ms: z.number().int().nullable().openapi(d('Signal → submit, milliseconds')),
  fees_usd: Usd('Fees of the fill legs (a fee in shares valued at its leg\'s price)'),
  quality_score: Decimal('The execution quality score 0–100').nullable(),
}).openapi('OrderRow');

export const OrderList = z.object({
  orders: z.array(OrderRow).openapi(d('Newest signal first')),
  next_cursor: NextCursor,
}).openapi('OrderList');

const Gap = {
  lt_pnl_usd: Usd('LT P&L at the horizon'), ft_pnl_usd: Usd('FT P&L at the horizon'), total_usd: Usd('LT − FT'),
  delay_usd: Usd('Part of the gap from the delay'), execution_usd: Usd('From execution'), fees_usd: Usd('From fees'),
  opportunity_usd: Usd('From signals not mirrored'), sizing_usd: Usd('From sizing'),
};
const Ms = (description: string) => z.number().int().nullable().openapi(d(description));

export const OrderGapLeg = z.object({
  ft_order_id: z.string(), at: Time('When FT took the leg'), leg: z.string().openapi(d('entry, or exit:<close id>')),
  side: Side, condition_id: z.string(), token_id: z.string(),
  question: z.string().nullable().openapi(d('The market\'s question (else FT\'s title of it)')),
  outcome: z.string().nullable().openapi(d('The outcome the token pays on')),
  disposition: z.enum(['ordered', 'skipped', 'expired', 'not_mirrored']), rule: z.string().nullable(),
  horizon_price: Decimal('The price both legs are marked at'),
  horizon: z.enum(['payout', 'mark', 'last_trade', 'entry']).openapi(d('Where the horizon price comes from')),
  ...Gap,
  timing: z.object({
    source_trade_at: Time('The trader\'s fill').nullable(), detected_at: Time('Tandem received it').nullable(),
    signal_at: Time('FT signalled').nullable(), submitted_at: Time('LT submitted').nullable(),
    detection_ms: Ms('trade → detection'), signal_ms: Ms('detection → signal'), submit_ms: Ms('signal → submit'),
    total_ms: Ms('trade → submit'),
  }).nullable(),
}).openapi('OrderGapLeg');

export const OrderDetail = z.object({
  order: OrderRow,
  signal: z.object({
    ft_order_id: z.string(), ft_wallet_id: z.string().openapi(d('The FT strategy')),
    trader: z.string().openapi(d('The copied trader\'s wallet')),
    source_trade: z.object({
      trade_id: z.string(), tx_hash: z.string().nullable(), price: Decimal('The trader\'s price'),
      size: Decimal('The trader\'s shares'), side: Side, at: Time('The trader\'s fill time'),
    }).nullable(),
    ft_price: Decimal('FT\'s paper price for this leg (entry price, or the exit\'s price)'),
    ft_size_usd: Usd('FT\'s paper cash for this leg (cost, or exit proceeds)').nullable(),
    ft_shares: Decimal('FT\'s paper shares for this leg').nullable(),
  }),
  intent: z.object({
    at: Time('When the intent was written'), best_bid: Decimal('Best bid at intent').nullable(),
    best_ask: Decimal('Best ask at intent').nullable(), mid: Decimal('Mid at intent').nullable(),
    tick_size: Decimal('The market tick').nullable(),
    expected_slippage_pct: Decimal('The expected VWAP against the signal, percent, positive = worse').nullable(),
    limit_price: Decimal('The limit').nullable(), size_shares: Decimal('The size in shares').nullable(),
    size_usd: Usd('A BUY\'s USD size').nullable(),
  }).nullable(),
  fills: z.array(z.object({
    fill_id: z.string(), at: Time('The venue\'s fill time'), price: Decimal('Fill price'), shares: Decimal('Shares'),
    usd: Usd('Cost (BUY) or proceeds (SELL) as the ledger books it'), fee_usd: Usd('The fee'),
    role: z.enum(['taker', 'maker']).nullable(),
  })).openapi(d('Every fill leg, oldest first; they add up to the order\'s filled figures')),
  fees_usd: Usd('Σ fees of the legs'),
  quality: z.object({
    score: Decimal('0–100').nullable(), version: z.string().nullable().openapi(d('The weighting version')),
    components: z.array(z.object({ name: z.string(), value: Decimal('The component 0..1').nullable(), weight: Decimal('Its weight') })),
  }),
  gap_leg: OrderGapLeg.nullable(),
  audit: z.array(z.object({
    at: Time('When'), event: z.string().openapi(d('intent, submitted, acknowledged, fill, cancel_requested, the final '
      + 'status, lost, or the operator command (e.g. cancel_open_orders)')),
    detail: z.string().nullable(),
  })).openapi(d('The order\'s transitions and the operator commands that touched it, oldest first')),
}).openapi('OrderDetail');
