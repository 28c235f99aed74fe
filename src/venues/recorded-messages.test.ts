// @backend-independent
/**
 * Every recorded Polymarket message in the shared corpus (ws/, clob/, books/) parses: market-channel messages with
 * src/feeds/market-channel.ts, user-channel and CLOB REST payloads with polymarket/schemas.ts, and the two kinds neither covers
 * (RTDS price frames, Data API positions) with minimal shape checks written here
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sharedPath } from '../../test/support/shared.ts';
import { parseMicros } from '../domain/money.ts';
import { BookState, parseMarketMessages } from '../feeds/market-channel.ts';
import * as Poly from './polymarket/schemas.ts';

const ROOT = sharedPath('data/polymarket');
const DIRS = ['ws/nautilus', 'ws/nautilus_synthetic_shape_only', 'clob/nautilus', 'clob/nautilus_synthetic_shape_only',
  'books/nautilus'];

/** RTDS frames (`@polymarket/real-time-data-client`): not a CLOB payload, so schemas.ts has no schema for them */
const RtdsFrame = z.object({
  topic: z.string().min(1), type: z.string().min(1), timestamp: z.number().int(),
  payload: z.object({ symbol: z.string().min(1) }).loose(),
});
/** Data API `/positions` items (spec 5): only the fields Tandem would read */
const DataApiPositions = z.array(z.object({
  proxyWallet: z.string().regex(/^0x[0-9a-fA-F]{40}$/), asset: z.string().min(1), conditionId: z.string().startsWith('0x'),
  size: z.number(), avgPrice: z.number(), outcome: z.string(), outcomeIndex: z.number().int(),
}).loose());

type Kind = { market: number } | { schema: z.ZodType; name: string };
const market = (count = 1): Kind => ({ market: count });
const schema = (name: keyof typeof Poly | 'RtdsFrame' | 'DataApiPositions'): Kind => {
  const local: Record<string, z.ZodType> = { RtdsFrame, DataApiPositions };
  return { schema: local[name] ?? (Poly[name as keyof typeof Poly] as z.ZodType), name };
};

/** Each file and what must read it; a file missing here fails the coverage test */
const FILES: Record<string, Kind> = {
  'ws/nautilus/nautilus_py_ws_messages_last_trade_price.json': market(),
  'ws/nautilus/nautilus_py_ws_messages_price_change.json': market(),
  'ws/nautilus/nautilus_py_ws_messages_price_change_v2.json': market(),
  'ws/nautilus/nautilus_py_ws_messages_tick_size_change.json': market(),
  'ws/nautilus/nautilus_rs_ws_market_best_bid_ask_msg.json': market(),
  'ws/nautilus/nautilus_rs_ws_market_new_market_msg.json': market(),
  'ws/nautilus/nautilus_rs_ws_market_resolved_msg.json': market(),
  'ws/nautilus/nautilus_rs_ws_market_price_change_crossing_burst.json': market(51),
  'ws/nautilus/nautilus_py_ws_messages_order_cancel.json': schema('WsUserMessage'),
  'ws/nautilus/nautilus_py_ws_messages_order_placement.json': schema('WsUserMessage'),
  'ws/nautilus/nautilus_py_ws_messages_user_trade1.json': schema('WsUserMessage'),
  'ws/nautilus/nautilus_py_ws_messages_user_trade2.json': schema('WsUserMessage'),
  'ws/nautilus/nautilus_py_ws_messages_user_trade3.json': schema('WsUserMessage'),
  'ws/nautilus/nautilus_py_ws_messages_user_trade4.json': schema('WsUserMessage'),
  'ws/nautilus/nautilus_rs_rtds_crypto_prices_subscribe.json': schema('RtdsFrame'),
  'ws/nautilus/nautilus_rs_rtds_crypto_prices_update.json': schema('RtdsFrame'),
  'ws/nautilus/nautilus_rs_rtds_equity_prices_subscribe.json': schema('RtdsFrame'),
  'ws/nautilus/nautilus_rs_rtds_equity_prices_update.json': schema('RtdsFrame'),
  'ws/nautilus_synthetic_shape_only/nautilus_rs_ws_book_snapshot.json': market(),
  'ws/nautilus_synthetic_shape_only/nautilus_rs_ws_last_trade.json': market(),
  'ws/nautilus_synthetic_shape_only/nautilus_rs_ws_market_book_msg.json': market(),
  'ws/nautilus_synthetic_shape_only/nautilus_rs_ws_market_last_trade_msg.json': market(),
  'ws/nautilus_synthetic_shape_only/nautilus_rs_ws_market_price_change_msg.json': market(),
  'ws/nautilus_synthetic_shape_only/nautilus_rs_ws_market_tick_size_msg.json': market(),
  'ws/nautilus_synthetic_shape_only/nautilus_rs_ws_quotes.json': market(),
  'ws/nautilus_synthetic_shape_only/nautilus_rs_ws_tick_size_change.json': market(),
  'clob/nautilus/nautilus_py_ws_messages_trades.json': schema('TradeRead'),
  'clob/nautilus/nautilus_rs_clob_fee_rate_response_nonzero.json': schema('FeeRateRead'),
  'clob/nautilus/nautilus_rs_clob_fee_rate_response_zero.json': schema('FeeRateRead'),
  'clob/nautilus/nautilus_rs_http_balance_allowance_collateral.json': schema('BalanceRead'),
  'clob/nautilus/nautilus_rs_http_balance_allowance_no_allowance.json': schema('BalanceRead'),
  'clob/nautilus/nautilus_rs_http_cancel_response_failed.json': schema('CancelReply'),
  'clob/nautilus/nautilus_rs_http_cancel_response_ok.json': schema('CancelReply'),
  'clob/nautilus/nautilus_rs_http_order_response_error_500.json': schema('ErrorBody'),
  'clob/nautilus/nautilus_rs_http_order_response_failed.json': schema('PostOrderReply'),
  'clob/nautilus_synthetic_shape_only/nautilus_rs_data_api_positions_response.json': schema('DataApiPositions'),
  'clob/nautilus_synthetic_shape_only/nautilus_rs_http_batch_cancel_response.json': schema('CancelReply'),
  'clob/nautilus_synthetic_shape_only/nautilus_rs_http_open_order.json': schema('OrderRead'),
  'clob/nautilus_synthetic_shape_only/nautilus_rs_http_open_orders_page.json': schema('OrdersPage'),
  'clob/nautilus_synthetic_shape_only/nautilus_rs_http_order_response_ok.json': schema('PostOrderReply'),
  'clob/nautilus_synthetic_shape_only/nautilus_rs_http_signed_order.json': schema('WireOrder'),
  'clob/nautilus_synthetic_shape_only/nautilus_rs_http_trade_report.json': schema('TradeRead'),
  'clob/nautilus_synthetic_shape_only/nautilus_rs_http_trades_page.json': schema('TradesPage'),
  'clob/nautilus_synthetic_shape_only/nautilus_rs_ws_user_order_fok_killed.json': schema('WsUserMessage'),
  // a user-channel order update without `event_type` (shape-only fixture): read as the order it describes
  'clob/nautilus_synthetic_shape_only/nautilus_rs_ws_user_order_matched.json': schema('OrderRead'),
  'clob/nautilus_synthetic_shape_only/nautilus_rs_ws_user_trade_msg.json': schema('WsUserMessage'),
  'books/nautilus/nautilus_py_http_responses_book.json': market(),
  'books/nautilus/nautilus_py_ws_messages_book.json': market(),
};

const read = (file: string): unknown => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

describe('the recorded message corpus', () => {
  it('every file is listed with its parser', () => {
    const present = DIRS.flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.json')).map((f) => `${d}/${f}`));
    expect(present.sort()).toEqual(Object.keys(FILES).sort());
  });

  for (const [file, kind] of Object.entries(FILES)) {
    if ('market' in kind) {
      it(`${file}: ${kind.market} market-channel message(s), applied to a book state`, () => {
        const { messages, errors } = parseMarketMessages(read(file));
        expect(errors).toEqual([]);
        expect(messages).toHaveLength(kind.market);
        const state = new BookState();
        for (const m of messages) state.apply(m);
      });
    } else {
      it(`${file}: ${kind.name}`, () => {
        const parsed = kind.schema.safeParse(read(file));
        expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
      });
    }
  }

  it('user-channel, CLOB and RTDS payloads are not taken for market-channel messages', () => {
    for (const [file, kind] of Object.entries(FILES)) {
      if ('market' in kind) continue;
      expect(parseMarketMessages(read(file)).messages, file).toEqual([]);
    }
  });

  it('real book snapshots send levels best LAST and parse to exact decimals', () => {
    for (const file of ['books/nautilus/nautilus_py_http_responses_book.json', 'books/nautilus/nautilus_py_ws_messages_book.json']) {
      const raw = read(file) as { asset_id: string; bids: { price: string; size: string }[]; asks: { price: string; size: string }[] };
      const state = new BookState();
      for (const m of parseMarketMessages(raw).messages) state.apply(m);
      const book = state.book(raw.asset_id)!;
      const levels = book.levels();
      expect(levels.bids.map((l) => l.price)).toEqual([...raw.bids].reverse().map((l) => parseMicros(l.price)));
      expect(levels.asks.map((l) => l.price)).toEqual([...raw.asks].reverse().map((l) => parseMicros(l.price)));
      expect(book.crossed()).toBe(false);
    }
  });
});
