/**
 * `tandem replay --books`: recorded CLOB /book snapshots parsed exactly (the two real nautilus recordings), bad ones
 * rejected by reason, and the market maker's rule: the latest snapshot at or before the clock, re-quoted when it
 * changes even without a trade, the model before a token's first snapshot and for tokens without any
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Market } from '../../src/domain/market.ts';
import { formatMicros, type Price } from '../../src/domain/money.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { UnparsedLine } from '../../src/feeds/data-api-record.ts';
import {
  BookTimeline, loadRecordedBooks, parseRecordedBook, readBookDir, snapshotOrders, tokensOf, type RecordedBook,
} from '../../src/replay/books.ts';
import { startLtReplay } from '../../src/replay/lt.ts';
import { sharedPath } from '../support/shared.ts';
import { backendName, openTestDb } from '../support/test-db.ts';

const NAUTILUS = sharedPath('data/polymarket/books/nautilus');
const HTTP_FILE = join(NAUTILUS, 'nautilus_py_http_responses_book.json');
const WS_FILE = join(NAUTILUS, 'nautilus_py_ws_messages_book.json');
const HTTP_TOKEN = '23360939988679364027624185518382759743328544433592111535569478055890815567848';
const HTTP_MARKET = '0x1a4f04c2e6c000d9fc524eb12e7333217411a226c34745af140f195c0227cd5f';
const WS_TOKEN = '48331043336612883890938759509493159234755048973500640148014422747788308965732';
const WS_MARKET = '0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917';

const market = (conditionId: string, tokenIds: string[], tick: bigint): Market => ({
  conditionId, question: conditionId, slug: '', eventSlug: null, outcomes: ['Yes', 'No'], tokenIds, tags: [],
  tickSize: tick, minSize: 5_000000n, negRisk: false, closed: false, acceptingOrders: true, endTime: null,
  gameStartTime: null, closedTime: null, resolutionStatus: null, outcomePrices: null,
});
const MARKETS = [
  market(HTTP_MARKET, [HTTP_TOKEN, 'http-no'], 10_000n),
  market(WS_MARKET, [WS_TOKEN, 'ws-no'], 1_000n),
];
const TOKENS = tokensOf(MARKETS);

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tandem-books-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const text = (l: { price: bigint; size: bigint }) => `${formatMicros(l.price)}@${formatMicros(l.size, 2)}`;

describe('parsing the real nautilus recordings', () => {
  it('reads the HTTP /book response exactly, in micro-units', async () => {
    const items = await readBookDir(NAUTILUS);
    expect(items.map((i) => i.where)).toEqual([HTTP_FILE, WS_FILE]);
    const r = parseRecordedBook(items[0]!.value, TOKENS);
    expect(r.ok).toBe(true);
    const book = (r as { book: RecordedBook }).book;
    expect(book).toMatchObject({ tokenId: HTTP_TOKEN, conditionId: HTTP_MARKET, time: 1728799418260 });
    expect(book.bids.map(text)).toEqual(['0.010000@1000.00', '0.060000@200.00', '0.080000@120.00', '0.090000@294.00', '0.100000@125.00']);
    expect(book.asks).toHaveLength(7);
    expect(book.asks.find((l) => l.price === 380_000n)!.size).toBe(192_300000n);
    // The maker's orders: best first on each side
    const orders = snapshotOrders(book, 5_000000n);
    expect(orders[0]).toEqual({ side: 'BUY', price: 100_000n, size: 125_000000n });
    expect(orders.find((o) => o.side === 'SELL')).toEqual({ side: 'SELL', price: 140_000n, size: 705_000000n });
  });

  it('reads the WebSocket book message (event_type "book") with its 76 bids and 86 asks', async () => {
    const [, ws] = await readBookDir(NAUTILUS);
    const r = parseRecordedBook(ws!.value, TOKENS);
    expect(r.ok).toBe(true);
    const book = (r as { book: RecordedBook }).book;
    expect([book.bids.length, book.asks.length]).toEqual([76, 86]);
    const orders = snapshotOrders(book, 5_000000n);
    const bids = orders.filter((o) => o.side === 'BUY');
    const asks = orders.filter((o) => o.side === 'SELL');
    expect([text(bids[0]!), text(asks[0]!)]).toEqual(['0.511000@1304.72', '0.514000@20230.87']);
    expect(text(asks.at(-1)!)).toBe('0.999000@10500100.00');
    expect(text(bids.at(-1)!)).toBe('0.001000@9000023.58');
    const loaded = loadRecordedBooks(await readBookDir(NAUTILUS), MARKETS);
    expect(loaded.accepted).toBe(2);
    expect(loaded.rejected).toEqual({});
    expect([...loaded.byToken.keys()]).toEqual([HTTP_TOKEN, WS_TOKEN].sort());
  });

  it('the same snapshots for markets it does not know are rejected as unknown tokens', async () => {
    const loaded = loadRecordedBooks(await readBookDir(NAUTILUS), [market('0xabc', ['1', '2'], 10_000n)]);
    expect(loaded).toMatchObject({ accepted: 0, rejected: { book_unknown_token: 2 } });
  });
});

const BASE = {
  market: HTTP_MARKET, asset_id: HTTP_TOKEN, timestamp: '1728799418260', hash: 'x',
  bids: [{ price: '0.40', size: '100' }], asks: [{ price: '0.45', size: '50.5' }],
};
const withLevel = (side: 'bids' | 'asks', level: unknown) => ({ ...BASE, [side]: [level] });
const without = (key: string) => Object.fromEntries(Object.entries(BASE).filter(([k]) => k !== key));

describe('rejecting bad snapshots by reason', () => {
  const cases: [string, unknown, string | null][] = [
    ['a valid book', BASE, null],
    ['a WebSocket book message', { ...BASE, event_type: 'book' }, null],
    ['a numeric timestamp and numeric level fields', { ...BASE, timestamp: 1728799418260, bids: [{ price: 0.4, size: 10 }] }, null],
    ['an empty side', { ...BASE, asks: [] }, null],
    ['a line that is not JSON', new UnparsedLine('{"asset_id": '), 'book_bad_json'],
    ['a string', 'book', 'book_not_an_object'],
    ['an array inside an array', [BASE], 'book_not_an_object'],
    ['a price_change message', { ...BASE, event_type: 'price_change' }, 'book_not_a_book'],
    ['no asset_id', without('asset_id'), 'book_missing_field'],
    ['no market', without('market'), 'book_missing_field'],
    ['no timestamp', without('timestamp'), 'book_missing_field'],
    ['no bids', without('bids'), 'book_missing_field'],
    ['asks not a list', { ...BASE, asks: {} }, 'book_missing_field'],
    ['a level without size', withLevel('bids', { price: '0.4' }), 'book_missing_field'],
    ['a level that is a number', withLevel('asks', 0.45), 'book_missing_field'],
    ['a timestamp in ISO form', { ...BASE, timestamp: '2024-10-13T06:03:38Z' }, 'book_bad_timestamp'],
    ['a negative timestamp', { ...BASE, timestamp: -5 }, 'book_bad_timestamp'],
    ['a price of 1', withLevel('asks', { price: '1', size: '5' }), 'book_bad_price'],
    ['a price of 0', withLevel('bids', { price: '0', size: '5' }), 'book_bad_price'],
    ['a price above 1', withLevel('asks', { price: '1.2', size: '5' }), 'book_bad_price'],
    ['a negative price', withLevel('bids', { price: '-0.1', size: '5' }), 'book_bad_price'],
    ['a price in exponent form', withLevel('bids', { price: '4e-1', size: '5' }), 'book_bad_price'],
    ['a price of more than 6 decimals', withLevel('bids', { price: '0.4000001', size: '5' }), 'book_bad_price'],
    ['a price off the tick', withLevel('bids', { price: '0.405', size: '5' }), 'book_off_tick'],
    ['a size of 0', withLevel('asks', { price: '0.45', size: '0' }), 'book_bad_size'],
    ['a negative size', withLevel('asks', { price: '0.45', size: '-3' }), 'book_bad_size'],
    ['a size that is not a number', withLevel('asks', { price: '0.45', size: 'lots' }), 'book_bad_size'],
    ['a size of more than 6 decimals', withLevel('asks', { price: '0.45', size: '1.0000001' }), 'book_bad_size'],
    ['a crossed book', { ...BASE, bids: [{ price: '0.46', size: '5' }] }, 'book_crossed'],
    ['a locked book', { ...BASE, bids: [{ price: '0.45', size: '5' }] }, 'book_crossed'],
    ['a token of no market', { ...BASE, asset_id: '123' }, 'book_unknown_token'],
    ['a numeric asset id', { ...BASE, asset_id: 123 }, 'book_unknown_token'],
    ['another market for the token', { ...BASE, market: WS_MARKET }, 'book_market_mismatch'],
  ];
  it.each(cases)('%s', (_name, raw, reason) => {
    const r = parseRecordedBook(raw, TOKENS);
    expect(r.ok ? null : r.reason).toBe(reason);
  });

  it('counts every reason over a directory, keeps the first of two snapshots at one time, and never stops', async () => {
    const dir = tmp();
    const lines = [BASE, { ...BASE, timestamp: '1728799418261' }, { ...BASE, asks: [{ price: '0.5', size: '1' }] },
      { ...BASE, asset_id: '7' }].map((x) => JSON.stringify(x));
    writeFileSync(join(dir, 'a.jsonl'), `${lines.join('\n')}\nnot json\n\n`);
    writeFileSync(join(dir, 'b.json'), `[\n${JSON.stringify(withLevel('bids', { price: '1', size: '5' }))}\n]`);
    writeFileSync(join(dir, 'c-broken.json'), '{\n  "asset_id": "1",\n  "bids": [\n');
    writeFileSync(join(dir, 'd.json.gz'), gzipSync(JSON.stringify({ ...BASE, timestamp: '1728799418262' })));
    writeFileSync(join(dir, '.hidden.json'), 'ignored');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'x.json'), 'ignored');
    const loaded = loadRecordedBooks(await readBookDir(dir), MARKETS);
    expect(loaded.rejected).toEqual({ book_duplicate: 1, book_unknown_token: 1, book_bad_json: 2, book_bad_price: 1 });
    expect(loaded.accepted).toBe(3);
    const books = loaded.byToken.get(HTTP_TOKEN)!;
    expect(books.map((b) => b.time)).toEqual([1728799418260, 1728799418261, 1728799418262]);
    expect(books[0]!.asks[0]!.price).toBe(450_000n); // the first of the two at …260, not the later 0.5 one
  });
});

describe('the maker rule', () => {
  const snap = (time: number, bids: [string, string][], asks: [string, string][]): Record<string, unknown> => ({
    market: HTTP_MARKET, asset_id: HTTP_TOKEN, timestamp: String(time),
    bids: bids.map(([price, size]) => ({ price, size })), asks: asks.map(([price, size]) => ({ price, size })),
  });
  const items = [
    snap(3000, [['0.20', '50']], [['0.30', '60']]),
    snap(1000, [['0.40', '100'], ['0.39', '2'], ['0.40', '20.555']], [['0.45', '7.999']]),
  ].map((value) => ({ where: 'test', value }));
  const { byToken } = loadRecordedBooks(items, MARKETS);

  it('the timeline names a token when its current snapshot changes, and only then', () => {
    const t = new BookTimeline(byToken);
    expect([t.advance(999), t.current(HTTP_TOKEN)]).toEqual([[], null]);
    expect(t.advance(1000)).toEqual([HTTP_TOKEN]);
    expect(t.current(HTTP_TOKEN)!.time).toBe(1000);
    expect(t.advance(2999)).toEqual([]);
    expect(t.advance(10_000)).toEqual([HTTP_TOKEN]);
    expect(t.current(HTTP_TOKEN)!.time).toBe(3000);
  });

  it(`quotes the model, then the snapshot even without a trade, never the model over it (${backendName})`, async () => {
    const t = await openTestDb();
    try {
      const clock = new ManualClock(new Date(0));
      const lt = await startLtReplay(t.db, clock, MARKETS, 5, [], byToken);
      const book = (token: string) => {
        const b = lt.book(token);
        return { bids: b.bids.map(text), asks: b.asks.map(text) };
      };
      const trade = async (time: number, tokenId: string, price: bigint, side: 'BUY' | 'SELL') => {
        await lt.addTrades([{ key: `k${time}`, tokenId, price: price as Price, side, time }]);
        await lt.runBefore(time + 1);
      };
      await trade(500, HTTP_TOKEN, 500_000n, 'SELL');
      // The model: a SELL at 0.50 hit the bid, so the bid is at 0.50, then one tick apart
      expect(book(HTTP_TOKEN).bids.map((l) => l.split('@')[0])).toEqual(['0.500000', '0.490000', '0.480000']);
      await trade(1500, WS_TOKEN, 300_000n, 'BUY'); // the snapshot token did not trade
      // Same-price levels summed and cut to the lot; sizes below 5 raised to 5
      expect(book(HTTP_TOKEN)).toEqual({ bids: ['0.400000@120.55', '0.390000@5.00'], asks: ['0.450000@7.99'] });
      await trade(2000, HTTP_TOKEN, 900_000n, 'BUY');
      expect(book(HTTP_TOKEN)).toEqual({ bids: ['0.400000@120.55', '0.390000@5.00'], asks: ['0.450000@7.99'] });
      // The other outcome has no snapshot: the model of the mirror trade, a SELL at 1 − 0.9
      expect(book('http-no').bids[0]!.split('@')[0]).toBe('0.100000');
      // A snapshot becomes current at its own time, between trades, even on a token that does not trade
      await lt.addTrades([{ key: 'k3500', tokenId: WS_TOKEN, price: 300_000n as Price, side: 'BUY', time: 3500 }]);
      await lt.runBefore(3200);
      expect(book(HTTP_TOKEN)).toEqual({ bids: ['0.200000@50.00'], asks: ['0.300000@60.00'] });
      expect(clock.now().getTime()).toBe(3000);
      expect(lt.errors).toEqual([]);
    } finally {
      await t.close();
    }
  }, 60_000);
});
