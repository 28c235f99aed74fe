// @backend-independent
/** Recorded-file trade source, Gamma market files and the in-memory market source */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../../test/support/shared.ts';
import { resolutionOf } from '../domain/market.ts';
import { createFileTradeSource, createStaticMarketSource, loadGammaMarketsFile } from './file-sources.ts';

const data = (rel: string): string => sharedPath('data/polymarket', rel);
const NOBEL = data('trades/data_api_trades_nobel-peace-prize-winner-2025.jsonl');
const BTC = data('markets/gamma_btc-updown-5m_resolved_2026-06-08.jsonl.gz');
const NAUTILUS = (name: string): string => data(`markets/nautilus/${name}`);

const dir = mkdtempSync(join(tmpdir(), 'tandem-feeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const temp = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const trade = (hash: string): Record<string, unknown> => ({
  proxyWallet: '0xabc', side: 'BUY', asset: '123', conditionId: '0xdef', size: 10, price: 0.42, timestamp: 1760000000,
  transactionHash: hash,
});

describe('createFileTradeSource', () => {
  it('returns every Nobel record once, then nothing', async () => {
    const source = createFileTradeSource(NOBEL);
    const first = await source.fetchTrades([]);
    expect(first.trades).toHaveLength(1500);
    expect(first.refused).toEqual([]);
    expect(first.errors).toEqual([]);
    const second = await source.fetchTrades([{ address: '0xabc', targeted: false, since: null }]);
    expect(second).toEqual({ trades: [], refused: [], errors: [], requests: 0 });
  });

  it('refuses a line that is not JSON as bad_json and skips blank lines', async () => {
    const path = temp('bad.jsonl', `${JSON.stringify(trade('0x1'))}\n\n{not json\n   \n${JSON.stringify(trade('0x2'))}\n`);
    const { trades, refused } = await createFileTradeSource(path).fetchTrades([]);
    expect(trades.map((t) => t.transactionHash)).toEqual(['0x1', '0x2']);
    expect(refused).toEqual([{ reason: 'bad_json', detail: '{not json' }]);
  });

  it('reads a JSON array file and a gzipped JSONL file', async () => {
    const array = temp('trades.json', JSON.stringify([trade('0x1'), trade('0x2'), trade('0x3')], null, 2));
    expect((await createFileTradeSource(array).fetchTrades([])).trades).toHaveLength(3);
    const gz = temp('trades.jsonl.gz', gzipSync(`${JSON.stringify(trade('0x1'))}\n${JSON.stringify(trade('0x2'))}\n`));
    expect((await createFileTradeSource(gz).fetchTrades([])).trades).toHaveLength(2);
  });

  it('reports a missing file instead of throwing', async () => {
    const source = createFileTradeSource(join(dir, 'absent.jsonl'));
    const res = await source.fetchTrades([]);
    expect(res).toMatchObject({ trades: [], refused: [] });
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0]!.trader).toBeNull();
  });
});

describe('loadGammaMarketsFile', () => {
  it('loads the gzipped btc file whose lines wrap markets in `raw`', async () => {
    const { markets, errors } = await loadGammaMarketsFile(BTC);
    expect(errors).toEqual([]);
    expect(markets).toHaveLength(292);
    expect(markets.every((m) => resolutionOf(m).kind === 'final')).toBe(true);
  });

  it('loads pretty-printed single markets and events', async () => {
    const one = await loadGammaMarketsFile(NAUTILUS('nautilus_rs_gamma_market_closed_binary_accepting_true.json'));
    expect(one.markets.map((m) => m.closed)).toEqual([true]);
    const event = await loadGammaMarketsFile(NAUTILUS('nautilus_py_http_responses_event.json'));
    expect(event.markets).toHaveLength(3);
    expect(event.markets[0]!.eventSlug).toBe('highest-temperature-in-nyc-on-january-26');
  });

  it('reports bad lines and bad markets with their line numbers, keeping the rest', async () => {
    const good = { conditionId: '0xAB', question: 'Q?', outcomes: '["Yes","No"]', outcomePrices: '["0","1"]', closed: true };
    const path = temp(
      'markets.jsonl',
      [JSON.stringify(good), 'oops', JSON.stringify({ raw: { ...good, conditionId: '0xcd' } }), JSON.stringify({ question: 'x' })].join('\n'),
    );
    const { markets, errors } = await loadGammaMarketsFile(path);
    expect(markets.map((m) => m.conditionId)).toEqual(['0xab', '0xcd']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/markets\.jsonl:2: not JSON/);
    expect(errors[1]).toMatch(/markets\.jsonl:4: bad conditionId/);
  });

  it('reports an unreadable file', async () => {
    const res = await loadGammaMarketsFile(join(dir, 'nope.json'));
    expect(res.markets).toEqual([]);
    expect(res.errors).toHaveLength(1);
  });
});

describe('createStaticMarketSource', () => {
  it('returns the requested markets it has, and setMarket replaces one', async () => {
    const { markets } = await loadGammaMarketsFile(NAUTILUS('nautilus_rs_gamma_market_closed_binary_accepting_false.json'));
    const market = markets[0]!;
    const source = createStaticMarketSource([market]);
    const res = await source.getMarkets([market.conditionId.toUpperCase().replace('0X', '0x'), '0xunknown']);
    expect(res).toEqual({ markets: [market], errors: [] });
    source.setMarket({ ...market, closed: false });
    expect((await source.getMarkets([market.conditionId])).markets[0]!.closed).toBe(false);
    source.setMarket({ ...market, conditionId: '0xfeed' });
    expect((await source.getMarkets(['0xFEED'])).markets).toHaveLength(1);
  });
});
