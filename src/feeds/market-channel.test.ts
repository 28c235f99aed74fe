// @backend-independent
/** Book maintenance from market-channel messages, checked against a real 51-message crossing burst */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../test/support/shared.ts';
import { formatMicros, parseMicros } from '../domain/money.ts';
import { BookState, parseMarketMessage, parseMarketMessages, type MarketMessage } from './market-channel.ts';

const BURST = sharedPath('data/polymarket/ws/nautilus/nautilus_rs_ws_market_price_change_crossing_burst.json');
const ASSET = '76670567130917723816490572615540605537878462672464291990940067659127658071111';
const CID = '0x' + 'ab'.repeat(32);

const fmt = (p: bigint | null) => (p === null ? null : formatMicros(p, 3));
const msg = (raw: unknown): MarketMessage => {
  const parsed = parseMarketMessage(raw);
  if (!parsed.ok) throw new Error(parsed.detail);
  return parsed.message;
};
const book = (bids: [string, string][], asks: [string, string][]) => msg({
  event_type: 'book', asset_id: 'A', market: CID, timestamp: '1700000000000', hash: 'h',
  bids: bids.map(([price, size]) => ({ price, size })), asks: asks.map(([price, size]) => ({ price, size })),
});

describe('the recorded crossing burst (book → 49 price_change batches → book)', () => {
  const { messages, errors } = parseMarketMessages(readFileSync(BURST, 'utf8'));

  it('parses all 51 messages', () => {
    expect(errors).toEqual([]);
    expect(messages.map((m) => m.type)).toEqual(['book', ...Array(49).fill('price_change'), 'book']);
  });

  it('reproduces every reported best bid and ask until the book crosses, then the final book exactly', () => {
    const state = new BookState();
    state.apply(messages[0]!);
    let firstCrossed: number | null = null;
    for (let i = 1; i <= 49; i += 1) {
      const m = messages[i]!;
      if (m.type !== 'price_change') throw new Error('expected a price_change');
      // each batch also changes the other token, whose snapshot this replay never saw
      expect(state.apply(m)).toEqual({ applied: 1, ignored: m.changes.length - 1 });
      const ours = state.book(ASSET)!;
      const reported = m.changes.find((c) => c.assetId === ASSET)!;
      if (ours.crossed()) firstCrossed ??= i;
      if (firstCrossed === null) {
        expect([fmt(ours.bestBid()), fmt(ours.bestAsk())], `batch ${i}`)
          .toEqual([fmt(reported.bestBid), fmt(reported.bestAsk)]);
      }
    }
    expect(firstCrossed).toBe(47); // an ask at 0.301 under our 0.311 bid; the venue already reported 0.29
    const final = messages[50]!;
    if (final.type !== 'book') throw new Error('expected a book');
    const levels = state.book(ASSET)!.levels();
    // The wire sends levels best LAST, so our best-first levels reversed are the final message, in order
    expect([...levels.bids].reverse()).toEqual(final.bids);
    expect([...levels.asks].reverse()).toEqual(final.asks);
    expect(state.book(ASSET)!.crossed()).toBe(false);
  });
});

describe('BookState', () => {
  it('keeps exact decimals, best first, whatever the wire order', () => {
    const state = new BookState();
    state.apply(book([['0.48', '500.5'], ['0.5', '200.123456']], [['0.53', '10'], ['0.51', '0.000001']]));
    const b = state.book('A')!;
    expect(b.bestBid()).toBe(parseMicros('0.5'));
    expect(b.bestAsk()).toBe(parseMicros('0.51'));
    expect(b.levels().bids.map((l) => formatMicros(l.size))).toEqual(['200.123456', '500.500000']);
    expect(b.levels().asks.map((l) => formatMicros(l.price, 2))).toEqual(['0.51', '0.53']);
  });

  it('applies current-format changes; size 0 removes a level', () => {
    const state = new BookState();
    state.apply(book([['0.48', '5'], ['0.5', '2']], [['0.51', '1']]));
    state.apply(msg({ event_type: 'price_change', market: CID, timestamp: '1', price_changes: [
      { asset_id: 'A', price: '0.5', size: '0', side: 'BUY', best_bid: '0.48', best_ask: '0.51' },
      { asset_id: 'A', price: '0.52', size: '7', side: 'SELL' },
    ] }));
    const b = state.book('A')!;
    expect(fmt(b.bestBid())).toBe('0.480');
    expect(b.levels().asks.map((l) => [formatMicros(l.price, 2), formatMicros(l.size, 0)])).toEqual([['0.51', '1'], ['0.52', '7']]);
  });

  it('applies both old formats: one change at the top level, and changes[] under one asset', () => {
    const state = new BookState();
    state.apply(book([['0.4', '5']], [['0.6', '5']]));
    state.apply(msg({ event_type: 'price_change', asset_id: 'A', market: CID, price: '0.45', size: '3', side: 'BUY',
      hash: 'x', timestamp: '2' }));
    state.apply(msg({ event_type: 'price_change', asset_id: 'A', market: CID, timestamp: '3', hash: 'y',
      changes: [{ price: '0.6', size: '0', side: 'SELL' }, { price: '0.55', size: '1.5', side: 'sell' }] }));
    const b = state.book('A')!;
    expect([fmt(b.bestBid()), fmt(b.bestAsk())]).toEqual(['0.450', '0.550']);
  });

  it('ignores deltas for an asset it has no snapshot of', () => {
    const state = new BookState();
    const result = state.apply(msg({ event_type: 'price_change', market: CID, price_changes: [
      { asset_id: 'Z', price: '0.5', size: '1', side: 'BUY' }] }));
    expect(result).toEqual({ applied: 0, ignored: 1 });
    expect(state.book('Z')).toBeNull();
  });

  it('tracks tick size and last trade; a resolved market drops its books', () => {
    const state = new BookState();
    state.apply(book([['0.4', '5']], [['0.6', '5']]));
    state.apply(msg({ event_type: 'tick_size_change', asset_id: 'A', market: CID, old_tick_size: '0.01', new_tick_size: '0.001' }));
    state.apply(msg({ event_type: 'last_trade_price', asset_id: 'A', market: CID, price: '0.6', side: 'BUY', size: '5' }));
    expect(state.book('A')!.tickSize).toBe(parseMicros('0.001'));
    expect(fmt(state.book('A')!.lastTradePrice)).toBe('0.600');
    state.apply(msg({ event_type: 'market_resolved', market: CID, assets_ids: ['A', 'B'], winning_asset_id: 'A',
      winning_outcome: 'Yes' }));
    expect(state.book('A')).toBeNull();
  });
});

describe('parseMarketMessage', () => {
  it('refuses more than six decimals instead of rounding, prices outside (0, 1) and unknown events', () => {
    expect(parseMarketMessage({ event_type: 'book', asset_id: 'A', market: CID, bids: [{ price: '0.5', size: '1.0000001' }],
      asks: [] }).ok).toBe(false);
    expect(parseMarketMessage({ event_type: 'book', asset_id: 'A', market: CID, bids: [{ price: '1', size: '1' }],
      asks: [] }).ok).toBe(false);
    expect(parseMarketMessage({ event_type: 'price_change', market: CID, price_changes: [{ asset_id: 'A', price: '0.5',
      size: '1', side: 'HOLD' }] }).ok).toBe(false);
    const unknown = parseMarketMessage({ event_type: 'mystery' });
    expect(unknown.ok ? '' : unknown.detail).toMatch(/unknown market-channel event_type/);
  });

  it('reads a JSON frame with several messages and reports each failure', () => {
    const frame = JSON.stringify([
      { event_type: 'best_bid_ask', asset_id: 'A', market: CID, best_bid: '0.5', best_ask: '0.52', timestamp: '1' },
      { event_type: 'book', asset_id: 'A' },
    ]);
    const { messages, errors } = parseMarketMessages(frame);
    expect(messages).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(parseMarketMessages('{nope').errors[0]).toMatch(/not JSON/);
  });
});
