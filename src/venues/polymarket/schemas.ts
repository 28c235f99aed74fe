/** Zod schemas for every Polymarket CLOB payload the adapter reads: REST replies, user-channel messages, market params */
import { z } from 'zod';

/** Numbers arrive as JSON numbers or strings depending on endpoint and era; both are read as decimal text later */
const numeric = z.union([z.string(), z.number()]);
const optText = z.string().nullish();
const optNumeric = numeric.nullish();

/** POST /order success or failure body (docs 4.2; nautilus_rs_http_order_response_failed.json has `orderID: null`) */
export const PostOrderReply = z.object({
  success: z.boolean().nullish(),
  errorMsg: optText,
  orderID: optText,
  status: optText,
  makingAmount: optNumeric,
  takingAmount: optNumeric,
  transactionsHashes: z.array(z.string()).nullish(),
  tradeIDs: z.array(z.string()).nullish(),
});
export type PostOrderReply = z.infer<typeof PostOrderReply>;

/** Any non-2xx JSON body: `error` is usually a string but the client merges whole bodies into it */
export const ErrorBody = z.object({
  error: z.unknown(),
  code: optText,
  errorCode: optText,
  errorMsg: optText,
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** GET /data/order/{id}, /data/orders items and the user-channel order message share these fields */
export const OrderRead = z.object({
  id: z.string(),
  status: z.string(),
  owner: optText,
  maker_address: optText,
  market: optText,
  asset_id: z.string(),
  side: z.string(),
  original_size: optNumeric,
  size_matched: optNumeric,
  price: numeric,
  associate_trades: z.array(z.string()).nullish(),
  outcome: optText,
  created_at: optNumeric,
  expiration: optNumeric,
  order_type: optText,
});
export type OrderRead = z.infer<typeof OrderRead>;

/** GET /data/orders page; END cursor is `LTE=` */
export const OrdersPage = z.object({
  data: z.array(OrderRead),
  next_cursor: optText,
  limit: optNumeric,
  count: optNumeric,
});
export type OrdersPage = z.infer<typeof OrdersPage>;

export const MakerOrder = z.object({
  order_id: z.string(),
  owner: optText,
  maker_address: optText,
  matched_amount: numeric,
  price: numeric,
  fee_rate_bps: optNumeric,
  asset_id: optText,
  outcome: optText,
  /** Only newer rows say; nautilus_py_ws_messages_user_trade1.json omits it */
  side: optText,
});
export type MakerOrder = z.infer<typeof MakerOrder>;

/** GET /data/trades item; the user-channel trade message has the same fields plus event_type/type */
export const TradeRead = z.object({
  id: z.string(),
  taker_order_id: z.string(),
  market: optText,
  asset_id: z.string(),
  side: z.string(),
  size: numeric,
  fee_rate_bps: optNumeric,
  price: numeric,
  status: z.string(),
  match_time: numeric,
  last_update: optNumeric,
  outcome: optText,
  owner: optText,
  trade_owner: optText,
  maker_address: optText,
  transaction_hash: optText,
  trader_side: optText,
  maker_orders: z.array(MakerOrder).nullish(),
});
export type TradeRead = z.infer<typeof TradeRead>;

export const TradesPage = z.object({
  data: z.array(TradeRead),
  next_cursor: optText,
  limit: optNumeric,
  count: optNumeric,
});
export type TradesPage = z.infer<typeof TradesPage>;

const Level = z.object({ price: numeric, size: numeric });

/** GET /book and the WS `book` event: levels worst-first (best is the last element) */
export const BookRead = z.object({
  market: optText,
  asset_id: z.string(),
  timestamp: optNumeric,
  hash: optText,
  bids: z.array(Level),
  asks: z.array(Level),
  min_order_size: optNumeric,
  tick_size: optNumeric,
  neg_risk: z.boolean().nullish(),
  last_trade_price: optNumeric,
});
export type BookRead = z.infer<typeof BookRead>;

/** GET /balance-allowance: V2 `allowances` map, V1 `allowance`, and balance as base units or a decimal */
export const BalanceRead = z.object({
  balance: numeric,
  allowance: optNumeric,
  allowances: z.record(z.string(), numeric).nullish(),
});
export type BalanceRead = z.infer<typeof BalanceRead>;

/** DELETE /order and friends: HTTP 200 even when nothing was cancelled */
export const CancelReply = z.object({
  canceled: z.array(z.string()).nullish(),
  not_canceled: z.record(z.string(), z.unknown()).nullish(),
});
export type CancelReply = z.infer<typeof CancelReply>;

/** User channel `order` event (PLACEMENT / UPDATE / CANCELLATION) */
export const WsOrderMessage = OrderRead.extend({
  event_type: z.literal('order'),
  type: z.string(),
  timestamp: optNumeric,
});
export type WsOrderMessage = z.infer<typeof WsOrderMessage>;

/** User channel `trade` event, repeated for each status change MATCHED → MINED → CONFIRMED (or FAILED) */
export const WsTradeMessage = TradeRead.extend({
  event_type: z.literal('trade'),
  type: optText,
  timestamp: optNumeric,
});
export type WsTradeMessage = z.infer<typeof WsTradeMessage>;

export const WsUserMessage = z.discriminatedUnion('event_type', [WsOrderMessage, WsTradeMessage]);
export type WsUserMessage = z.infer<typeof WsUserMessage>;

/** GET /clob-markets/{conditionId}: the V2 compact market form (field names from the client's MarketDetails) */
export const ClobMarketCompact = z.object({
  c: z.string(),
  t: z.array(z.object({ t: z.string(), o: z.string().nullish() })),
  mts: numeric,
  nr: z.boolean().nullish(),
  fd: z.object({ r: optNumeric, e: optNumeric, to: z.boolean().nullish() }).nullish(),
  mbf: optNumeric,
  tbf: optNumeric,
  ao: z.boolean().nullish(),
  mos: optNumeric,
  sd: optNumeric,
});
export type ClobMarketCompact = z.infer<typeof ClobMarketCompact>;

/** GET /markets/{conditionId}: the full CLOB market (fixture nautilus_rs_clob_market_closed_binary_accepting_true.json) */
export const ClobMarketFull = z.object({
  condition_id: z.string(),
  active: z.boolean().nullish(),
  closed: z.boolean().nullish(),
  accepting_orders: z.boolean().nullish(),
  minimum_order_size: optNumeric,
  minimum_tick_size: optNumeric,
  neg_risk: z.boolean().nullish(),
  taker_base_fee: optNumeric,
  tokens: z.array(z.object({ token_id: z.string(), outcome: optText })),
});
export type ClobMarketFull = z.infer<typeof ClobMarketFull>;

/** GET /markets-by-token/{tokenId} */
export const MarketByToken = z.object({ condition_id: z.string() });

/** GET /tick-size, /neg-risk, /fee-rate, /version */
export const TickSizeRead = z.object({ minimum_tick_size: numeric });
export const NegRiskRead = z.object({ neg_risk: z.boolean() });
export const FeeRateRead = z.object({ base_fee: numeric });
export const VersionRead = z.object({ version: z.number().int().nullish() });

/** POST /auth/api-key and GET /auth/derive-api-key */
export const ApiKeyRaw = z.object({ apiKey: z.string().min(1), secret: z.string().min(1), passphrase: z.string().min(1) });

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/);
const uintText = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => String(v));

/** A signed V2 order as the wire carries it (salt as a JSON number; nautilus_rs_http_signed_order.json) */
export const WireOrder = z.object({
  salt: uintText,
  maker: hex,
  signer: hex,
  tokenId: uintText,
  makerAmount: uintText,
  takerAmount: uintText,
  side: z.enum(['BUY', 'SELL']),
  signatureType: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  timestamp: uintText,
  expiration: uintText,
  metadata: hex,
  builder: hex,
  signature: hex,
});
export type WireOrder = z.infer<typeof WireOrder>;
