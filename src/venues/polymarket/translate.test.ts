// @backend-independent
/** Table tests of the Polymarket translations on the recorded fixtures under ../shared/data/polymarket */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../../test/support/shared.ts';
import { takerFee } from '../../domain/fees.ts';
import type { Ratio, Shares } from '../../domain/money.ts';
import { fillsFromTrade, type OurIdentity } from './fills.ts';
import {
  BalanceRead, BookRead, CancelReply, ErrorBody, FeeRateRead, OrderRead, OrdersPage, PostOrderReply, TradeRead, TradesPage,
  WireOrder, WsUserMessage,
} from './schemas.ts';
import {
  marketInfoFromCompact, marketInfoFromFull, toBookSnapshot, toCancelOutcome, toCollateral, toOrderReport, toShareBalance,
  toSubmitOutcome,
} from './translate.ts';
import { orderStatusOf, timeOf, tradeStatusOf, unitsOf } from './wire.ts';

const DATA = sharedPath('data/polymarket');
const load = (path: string): unknown => JSON.parse(readFileSync(join(DATA, path), 'utf8'));
const filesUnder = (dir: string): string[] => readdirSync(join(DATA, dir)).flatMap((name) => {
  const full = join(DATA, dir, name);
  return statSync(full).isDirectory() ? filesUnder(relative(DATA, full)) : [relative(DATA, full)];
});
const ids = (...orderIds: string[]): OurIdentity => ({ isOurOrder: (id) => orderIds.includes(id.toLowerCase()) });
const noFees = () => null;

/** Every recorded CLOB payload and the schema the adapter reads it with */
const CLOB_SCHEMAS: Record<string, { safeParse(v: unknown): { success: boolean } } | 'not read'> = {
  'nautilus_py_ws_messages_trades.json': TradeRead,
  'nautilus_rs_clob_fee_rate_response_nonzero.json': FeeRateRead,
  'nautilus_rs_clob_fee_rate_response_zero.json': FeeRateRead,
  'nautilus_rs_http_balance_allowance_collateral.json': BalanceRead,
  'nautilus_rs_http_balance_allowance_no_allowance.json': BalanceRead,
  'nautilus_rs_http_cancel_response_ok.json': CancelReply,
  'nautilus_rs_http_cancel_response_failed.json': CancelReply,
  'nautilus_rs_http_batch_cancel_response.json': CancelReply,
  'nautilus_rs_http_order_response_error_500.json': ErrorBody,
  'nautilus_rs_http_order_response_failed.json': PostOrderReply,
  'nautilus_rs_http_order_response_ok.json': PostOrderReply,
  'nautilus_rs_http_open_order.json': OrderRead,
  'nautilus_rs_http_open_orders_page.json': OrdersPage,
  'nautilus_rs_http_signed_order.json': WireOrder,
  'nautilus_rs_http_trade_report.json': TradeRead,
  'nautilus_rs_http_trades_page.json': TradesPage,
  'nautilus_rs_ws_user_trade_msg.json': WsUserMessage,
  'nautilus_rs_ws_user_order_fok_killed.json': OrderRead,
  'nautilus_rs_ws_user_order_matched.json': OrderRead,
  // A Data API /positions reply: positions are the portfolio's business, not the venue adapter's
  'nautilus_rs_data_api_positions_response.json': 'not read',
};

describe('recorded payloads parse', () => {
  it.each(filesUnder('clob'))('clob: %s', (path) => {
    const schema = CLOB_SCHEMAS[path.split('/').pop()!];
    expect(schema, `no schema mapped for ${path}`).toBeDefined();
    if (schema !== 'not read') expect(schema!.safeParse(load(path)).success).toBe(true);
  });

  const userMessages = filesUnder('ws').filter((p) => /user_trade|order_(placement|cancel)/.test(p));
  it('finds the six recorded user-channel messages', () => expect(userMessages).toHaveLength(6));
  it.each(userMessages)('ws: %s', (path) => expect(WsUserMessage.safeParse(load(path)).success).toBe(true));
  it.each(filesUnder('books'))('books: %s', (path) => expect(BookRead.safeParse(load(path)).success).toBe(true));
});

describe('toSubmitOutcome', () => {
  const cases: [number | null, unknown, string][] = [
    [400, { error: 'not enough balance / allowance' }, 'insufficient_balance'],
    [200, load('clob/nautilus/nautilus_rs_http_order_response_failed.json'), 'insufficient_balance'],
    [400, { error: "order couldn't be fully filled. FOK orders are fully filled or killed.", orderID: '0xab' }, 'fok_unfilled'],
    [400, { error: 'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.' }, 'fak_unfilled'],
    [400, { error: 'order 0x9f1e is invalid. Size (1.73) lower than the minimum: 5' }, 'min_size'],
    [400, { error: 'invalid amount for a marketable BUY order ($0.7), min size: $1' }, 'min_notional'],
    [400, { error: 'order is invalid. Price breaks minimum tick size rules', code: 'INVALID_ORDER_MIN_TICK_SIZE' }, 'tick_size'],
    [400, { error: 'invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals' }, 'precision'],
    [400, { error: 'Size 29.4117647 has 7 decimal places. Maximum lot size is 2' }, 'precision'],
    [400, { error: "order is invalid. Duplicated. Same order has already been placed, can't be placed again" }, 'unknown'],
    [400, { error: 'invalid expiration' }, 'expiration'],
    [400, { error: 'the market is not yet ready to process new orders', code: 'MARKET_NOT_READY' }, 'market_closed'],
    [400, { error: 'invalid post-only order: order crosses book' }, 'invalid_order'],
    [400, { error: 'invalid order version, please use the latest clob-client' }, 'invalid_order'],
    [400, { error: 'maker address not allowed, please use the deposit wallet flow' }, 'auth'],
    [400, { error: 'the order signer address has to be the address of the API KEY' }, 'auth'],
    [400, { error: 'could not run the execution' }, 'unknown'],
    [400, { error: 'market 0xbd31 is closed' }, 'market_closed'],
    [400, { error: 'market 0xbd31 is not accepting orders' }, 'market_closed'],
    [400, { error: 'the order owner has to be the owner of the API KEY' }, 'auth'],
    [400, { error: 'Invalid token id' }, 'invalid_order'],
    [400, { error: 'invalid signature' }, 'invalid_order'],
    [400, { error: 'something nobody has seen' }, 'other'],
    [401, { error: 'Unauthorized/Invalid api key' }, 'auth'],
    [403, '<!DOCTYPE html><html><title>Attention Required! | Cloudflare</title></html>', 'other'],
    [429, { error: 'Too Many Requests' }, 'other'],
    [503, { error: 'Trading is currently cancel-only. New orders are not accepted, but cancels are allowed.' }, 'cancel_only'],
    [503, { error: 'Trading is currently disabled. Check polymarket.com for updates' }, 'cancel_only'],
    [500, load('clob/nautilus/nautilus_rs_http_order_response_error_500.json'), 'unknown'],
    [502, '<html>Bad gateway</html>', 'unknown'],
    [200, 'OK', 'unknown'],
    [null, null, 'unknown'],
  ];
  it.each(cases)('HTTP %s %j → %s', (status, body, expected) => {
    const outcome = toSubmitOutcome(status, body);
    expect(outcome.kind === 'rejected' ? outcome.reason : outcome.kind).toBe(expected);
    if (outcome.kind === 'rejected') expect(outcome.text.length).toBeGreaterThan(0);
  });

  it('accepts with the venue status, lower-casing the id', () => {
    const body = { success: true, errorMsg: '', orderID: '0xAB', status: 'matched', makingAmount: '4.9152', takingAmount: '5.12', tradeIDs: ['t1'] };
    expect(toSubmitOutcome(200, body)).toEqual({ kind: 'accepted', venueOrderId: '0xab', status: 'matched', fills: [] });
    expect(toSubmitOutcome(200, { ...body, status: 'delayed' })).toMatchObject({ status: 'delayed' });
    expect(toSubmitOutcome(200, { ...body, status: 'ORDER_STATUS_UNMATCHED' })).toMatchObject({ status: 'unmatched' });
  });

  it('reads a reply without a status (nautilus_rs_http_order_response_ok.json) as live', () => {
    const outcome = toSubmitOutcome(200, load('clob/nautilus_synthetic_shape_only/nautilus_rs_http_order_response_ok.json'));
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'live' });
  });
});

describe('wire normalization', () => {
  it.each([
    ['LIVE', 'live'], ['ORDER_STATUS_LIVE', 'live'], ['matched', 'matched'], ['ORDER_STATUS_MATCHED', 'matched'],
    ['CANCELED', 'cancelled'], ['ORDER_STATUS_CANCELED', 'cancelled'], ['ORDER_STATUS_CANCELED_MARKET_RESOLVED', 'cancelled'],
    ["CANCELED_order couldn't be fully filled. FOK orders are fully filled or killed.", 'cancelled'],
    ['EXPIRED', 'expired'], ['DELAYED', 'delayed'], ['UNMATCHED', 'live'], ['bogus', null],
  ])('order status %s → %s', (raw, expected) => expect(orderStatusOf(raw)).toBe(expected));

  it.each([['MATCHED', 'matched'], ['MINED', 'mined'], ['CONFIRMED', 'confirmed'], ['RETRYING', 'matched'], ['FAILED', 'failed']])(
    'trade status %s → %s', (raw, expected) => expect(tradeStatusOf(raw)).toBe(expected),
  );

  it.each([
    [['100.0000', '25.0000'], undefined, 'decimal'], [['100000000', '25000000'], undefined, 'base'], [['5', '0'], undefined, 'decimal'],
    [['5000000', '0'], 5_000_000n, 'base'], [['5', '0'], 5_000_000n, 'decimal'], [['1000000', '0'], undefined, 'base'], [[null, ''], undefined, 'decimal'],
  ] as const)('sizes %j (sent %s) are %s', (values, known, expected) => expect(unitsOf([...values], known)).toBe(expected));

  it.each([
    ['1725868859', '2024-09-09T08:00:59.000Z'], ['1725868885871', '2024-09-09T08:01:25.871Z'], [1703875200, '2023-12-29T18:40:00.000Z'],
    ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z'],
  ])('time %s → %s', (raw, iso) => expect(timeOf(raw)?.toISOString()).toBe(iso));
  it('reads an empty time as absent', () => expect(timeOf('')).toBeNull());
});

describe('order reports', () => {
  it('reads decimals with trailing zeros (nautilus_rs_http_open_order.json)', () => {
    const r = toOrderReport(load('clob/nautilus_synthetic_shape_only/nautilus_rs_http_open_order.json'));
    expect(r).toMatchObject({ side: 'BUY', price: 500_000n, originalSize: 100_000_000n, sizeMatched: 25_000_000n, status: 'live', orderType: 'GTC' });
    expect(r.createdAt.toISOString()).toBe('2023-12-29T18:40:00.000Z');
  });

  it('reads the open orders page', () => {
    const page = OrdersPage.parse(load('clob/nautilus_synthetic_shape_only/nautilus_rs_http_open_orders_page.json'));
    const reports = page.data.map((o) => toOrderReport(o));
    expect(reports.map((r) => [r.side, r.orderType, r.sizeMatched])).toEqual([['BUY', 'GTC', 0n], ['SELL', 'GTD', 50_000_000n]]);
    expect(page.next_cursor).toBe('LTE=');
  });

  it('reads base-unit sizes when they match what we sent', () => {
    const raw = { id: '0xA', status: 'ORDER_STATUS_LIVE', asset_id: '1', side: 'BUY', original_size: '100000000', size_matched: '0', price: '0.5' };
    expect(toOrderReport(raw, { knownSize: 100_000_000n })).toMatchObject({ venueOrderId: '0xa', originalSize: 100_000_000n, status: 'live' });
  });

  it('reads a cancelled GTD past its expiration as expired, unless we cancelled it', () => {
    const raw = { id: '0xb', status: 'CANCELED', asset_id: '1', side: 'BUY', original_size: '10', size_matched: '0', price: '0.4', order_type: 'GTD', expiration: '1800000000' };
    const after = new Date(1_800_000_000_000);
    expect(toOrderReport(raw, { now: after }).status).toBe('expired');
    expect(toOrderReport(raw, { now: after, cancelledByUs: true }).status).toBe('cancelled');
    expect(toOrderReport(raw, { now: new Date(1_799_999_999_000) }).status).toBe('cancelled');
  });

  it.each([
    ['ws/nautilus/nautilus_py_ws_messages_order_placement.json', 'live', 'BUY', 0n, '2024-09-09T00:42:00.000Z'],
    ['ws/nautilus/nautilus_py_ws_messages_order_cancel.json', 'cancelled', 'SELL', 5_000_000n, '2024-09-09T00:29:01.000Z'],
    ['clob/nautilus_synthetic_shape_only/nautilus_rs_ws_user_order_matched.json', 'matched', 'BUY', 100_000_000n, '2023-12-29T18:40:00.000Z'],
    ['clob/nautilus_synthetic_shape_only/nautilus_rs_ws_user_order_fok_killed.json', 'cancelled', 'BUY', 0n, '1970-01-01T00:00:00.000Z'],
  ])('reads %s', (path, status, side, matched, created) => {
    const r = toOrderReport(load(path));
    expect([r.status, r.side, r.sizeMatched, r.createdAt.toISOString()]).toEqual([status, side, matched, created]);
  });
});

describe('fills from trades', () => {
  it('takes the taker leg at the makers VWAP, complementary makers included (user_trade1)', () => {
    const fills = fillsFromTrade(load('ws/nautilus/nautilus_py_ws_messages_user_trade1.json'), ids('0x3ad09f225ebe141dfbdb3824f31cb457e8e0301ca4e0a06311e543f5328b9dea'), noFees);
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ fillId: '83b5c849-620e-4c23-b63b-2e779c04a6e7', side: 'BUY', price: 518_000n, size: 1_096_870_000n, role: 'taker', status: 'mined' });
    expect(fills[0]!.time.toISOString()).toBe('2024-09-09T08:00:59.000Z');
  });

  it('gives a complementary maker its own token and side (user_trade1, the No maker)', () => {
    const fills = fillsFromTrade(load('ws/nautilus/nautilus_py_ws_messages_user_trade1.json'), ids('0x3b67d584e1e7ad29b06bda373449638898aa87f0c9fd52a34bdbfb1325a6c184'), noFees);
    expect(fills).toEqual([expect.objectContaining({
      fillId: '83b5c849-620e-4c23-b63b-2e779c04a6e7:0x3b67d584e1e7ad29b06bda373449638898aa87f0c9fd52a34bdbfb1325a6c184',
      tokenId: '48331043336612883890938759509493159234755048973500640148014422747788308965732', side: 'BUY', price: 482_000n, size: 10_000_000n, role: 'maker',
    })]);
  });

  it('takes a maker leg at its own price with the stated side (user_trade3)', () => {
    const fills = fillsFromTrade(load('ws/nautilus/nautilus_py_ws_messages_user_trade3.json'), ids('0x3ad09f225ebe141dfbdb3824f31cb457e8e0301ca4e0a06311e543f5328b9dea'), noFees);
    expect(fills).toEqual([expect.objectContaining({ side: 'BUY', price: 513_000n, size: 5_000_000n, role: 'maker', status: 'confirmed', fee: { asset: 'shares', amount: 0n } })]);
  });

  it('finds two maker orders of ours by maker address (user_trade4)', () => {
    const us: OurIdentity = { isOurOrder: () => false, makerAddress: '0xa3d82ed56f4c68d2328fb8c29e568ba2caf7d7c8' };
    const fills = fillsFromTrade(load('ws/nautilus/nautilus_py_ws_messages_user_trade4.json'), us, noFees);
    expect(fills.map((f) => [f.venueOrderId.slice(0, 6), f.side, f.price, f.size])).toEqual([['0x3ad0', 'BUY', 400_000n, 5_000_000n], ['0x67b5', 'BUY', 300_000n, 5_000_000n]]);
  });

  it('charges the taker fee from the market schedule, in shares on a BUY (user_trade2)', () => {
    const fees = () => ({ rate: 72_000n as Ratio, exponent: 1 });
    const [fill] = fillsFromTrade(load('ws/nautilus/nautilus_py_ws_messages_user_trade2.json'), ids('0x5b605a0e8e40f3402d3cb3bc19edad6733ed23fbc079d2a09ee399c3487ace81'), fees);
    // 5 × 0.072 × 0.52 × 0.48 = 0.0898560
    expect(fill).toMatchObject({ price: 520_000n, size: 5_000_000n, fee: { asset: 'shares', amount: 89_856n }, status: 'matched' });
  });

  it('reads the recorded CLOB trade and the synthetic pages', () => {
    const [a] = fillsFromTrade(load('clob/nautilus/nautilus_py_ws_messages_trades.json'), ids('0x4505aada9831d06078a005c8ec96396a78c8f06035bf763b40fc16d27a250043'), noFees);
    expect(a).toMatchObject({ price: 489_000n, size: 5_000_000n, status: 'confirmed', role: 'taker' });
    const page = TradesPage.parse(load('clob/nautilus_synthetic_shape_only/nautilus_rs_http_trades_page.json'));
    const taker: OurIdentity = { isOurOrder: () => false, owner: '00000000-0000-0000-0000-000000000001' };
    const [b] = fillsFromTrade(page.data[0], taker, noFees);
    expect(b).toMatchObject({ fillId: 'trade-0x001', price: 500_000n, size: 10_000_000n, status: 'mined' });
    expect(b!.time.toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });

  it('rounds the fee up and charges nothing without a rate', () => {
    expect(takerFee(1n as Shares, 500_000n as never, { rate: 72_000n as Ratio, exponent: 1 })).toBe(1n);
    expect(takerFee(5_000_000n as Shares, 500_000n as never, { rate: 0n as Ratio, exponent: 1 })).toBe(0n);
  });
});

describe('books, markets, balances, cancels', () => {
  it('puts the best level first (nautilus_py_http_responses_book.json lists it last)', () => {
    const book = toBookSnapshot(load('books/nautilus/nautilus_py_http_responses_book.json'), new Date(0));
    expect(book.bids.map((l) => l.price)).toEqual([100_000n, 90_000n, 80_000n, 60_000n, 10_000n]);
    expect(book.asks[0]).toEqual({ price: 140_000n, size: 705_000_000n });
    expect(book.time.getTime()).toBe(1728799418260);
  });

  it('reads the deep WS book', () => {
    const book = toBookSnapshot(load('books/nautilus/nautilus_py_ws_messages_book.json'), new Date(0));
    expect([book.bids.length, book.asks.length, book.bids[0]!.price, book.asks[0]!.price]).toEqual([76, 86, 511_000n, 514_000n]);
  });

  it('reads the compact /clob-markets form (spec 2.3 example)', () => {
    const compact = { c: '0xcond', t: [{ t: '7132', o: 'Yes' }, { t: '5211', o: 'No' }], mts: 0.01, nr: false, fd: { r: 0.072, e: 1, to: true }, mbf: 0, tbf: 0, r: null, ao: true, mos: 5, sd: 0, rfqe: false };
    expect(marketInfoFromCompact(compact, '5211')).toEqual({
      tokenId: '5211', conditionId: '0xcond', tickSize: 10_000n, minSize: 5_000_000n, negRisk: false, fee: { rate: 72_000n, exponent: 1 }, acceptingOrders: true,
    });
    expect(() => marketInfoFromCompact(compact, '999')).toThrow(/no token/);
  });

  it('reads a closed full market as not accepting orders', () => {
    const raw = load('markets/nautilus/nautilus_rs_clob_market_closed_binary_accepting_true.json');
    const info = marketInfoFromFull(raw, '22978793223071892222859460592277435458011604214087068523744633723809814935807');
    expect(info).toMatchObject({ tickSize: 10_000n, minSize: 5_000_000n, acceptingOrders: false, negRisk: false });
  });

  it('reads balances as base units, or decimals when written with a dot', () => {
    expect(toCollateral(load('clob/nautilus/nautilus_rs_http_balance_allowance_collateral.json'))).toBe(1_000_000_000n);
    expect(toCollateral(load('clob/nautilus/nautilus_rs_http_balance_allowance_no_allowance.json'))).toBe(250_500_000n);
    // Outcome tokens have 6 decimals too: the same reading gives micro-shares
    expect(toShareBalance({ balance: '19640000', allowances: {} })).toBe(19_640_000n);
    expect(toShareBalance({ balance: '19.64' })).toBe(19_640_000n);
    expect(toShareBalance({ balance: '0' })).toBe(0n);
    expect(() => toShareBalance({ allowances: {} })).toThrow();
  });

  it('reads cancel replies', () => {
    const id = '0xb816482a1234567890abcdef1234567890abcdef1234567890abcdef12345678';
    expect(toCancelOutcome(200, load('clob/nautilus/nautilus_rs_http_cancel_response_ok.json'), id)).toEqual({ kind: 'cancelled' });
    expect(toCancelOutcome(200, load('clob/nautilus/nautilus_rs_http_cancel_response_failed.json'), id))
      .toEqual({ kind: 'not_cancelled', reason: 'already canceled or matched' });
    expect(toCancelOutcome(null, null, id).kind).toBe('unknown');
    expect(toCancelOutcome(503, { error: 'x' }, id).kind).toBe('unknown');
  });
});
