// @backend-independent
/** Gamma market parsing against recorded Gamma fixtures and hand-made quirks */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../test/support/shared.ts';
import { resolutionOf, type Market } from '../domain/market.ts';
import { parseGammaMarket, parseGammaMarkets, parseGammaTime } from './gamma-market.ts';

const markets = (name: string): string => sharedPath('data/polymarket/markets', name);
const fixture = (name: string): unknown => JSON.parse(readFileSync(markets(`nautilus/${name}`), 'utf8'));

function parsed(raw: unknown): Market {
  const r = parseGammaMarket(raw);
  if (!r.ok) throw new Error(r.detail);
  return r.market;
}

describe('parseGammaMarket on recorded fixtures', () => {
  it('closed binary, accepting orders true: prices, times, ticks', () => {
    const m = parsed(fixture('nautilus_rs_gamma_market_closed_binary_accepting_true.json'));
    expect(m.conditionId).toBe('0xd57eed0d44f5b8ca54925d8d6ff440b146b3e6e071da18136ee3ee572d34479e');
    expect(m.question).toBe('Russia x Ukraine ceasefire by end of 2027?');
    expect(m.outcomes).toEqual(['Yes', 'No']);
    expect(m.tokenIds).toHaveLength(2);
    expect(m.tokenIds[0]).toBe('22978793223071892222859460592277435458011604214087068523744633723809814935807');
    expect(m.outcomePrices).toEqual([1_000000n, 0n]);
    expect(m.closed).toBe(true);
    expect(m.acceptingOrders).toBe(true);
    expect(m.tickSize).toBe(10_000n);
    expect(m.minSize).toBe(5_000000n);
    expect(m.closedTime).toEqual(new Date('2026-05-09T02:07:01Z'));
    expect(m.gameStartTime).toEqual(new Date('2026-05-08T20:00:00Z'));
    expect(m.endTime).toEqual(new Date('2027-12-31T00:00:00Z'));
    expect(m.resolutionStatus).toBeNull();
    expect(m.tags).toEqual([]);
    expect(resolutionOf(m)).toMatchObject({ kind: 'final', winner: 'Yes' });
  });

  it('closed binary, accepting orders false: resolved, No won', () => {
    const m = parsed(fixture('nautilus_rs_gamma_market_closed_binary_accepting_false.json'));
    expect(m.closed).toBe(true);
    expect(m.acceptingOrders).toBe(false);
    expect(m.outcomePrices).toEqual([0n, 1_000000n]);
    expect(m.tickSize).toBe(1_000n);
    expect(m.resolutionStatus).toBe('resolved');
    expect(m.closedTime).toEqual(new Date('2026-03-19T23:20:15Z'));
    expect(resolutionOf(m)).toEqual({
      kind: 'final', payouts: [0n, 1_000000n], winner: 'No', resolvedAt: new Date('2026-03-19T23:20:15Z'),
    });
  });

  it('legacy scalar: long prices round half-even to micro-units and still sum to one', () => {
    const m = parsed(fixture('nautilus_rs_gamma_market_closed_nonbinary_legacy.json'));
    expect(m.outcomes).toEqual(['Long', 'Short']);
    expect(m.outcomePrices).toEqual([584331n, 415669n]);
    expect(m.tickSize).toBeNull();
    expect(m.minSize).toBeNull();
    expect(resolutionOf(m)).toMatchObject({ kind: 'final', winner: null });
  });

  it('legacy zero-zero prices parse but are never final', () => {
    const m = parsed(fixture('nautilus_rs_gamma_market_closed_zero_zero_legacy.json'));
    expect(m.outcomePrices).toEqual([0n, 0n]);
    expect(m.closed).toBe(true);
    expect(resolutionOf(m).kind).toBe('pending');
  });

  it('a market with nested events takes its event slug', () => {
    const m = parsed(fixture('nautilus_rs_gamma_market.json'));
    expect(m.conditionId).toBe('0x78443f961b9a65869dcb39359de9960165c7e5cbad0904eac7f29cd77872a63b');
    expect(m.eventSlug).toBe('btc-updown-5m-1773307200');
    expect(m.closed).toBe(false);
    expect(m.outcomePrices).toEqual([505_000n, 495_000n]);
    expect(resolutionOf(m)).toEqual({ kind: 'open' });
  });

  it('a slug lookup with clobTokenIds as a real array and no outcomes', () => {
    const m = parsed(fixture('nautilus_py_http_responses_market_slug.json'));
    expect(m.tokenIds).toHaveLength(2);
    expect(m.outcomes).toEqual([]);
    expect(m.outcomePrices).toBeNull();
    expect(m.acceptingOrders).toBeNull();
  });

  it('sports and crypto fixtures parse', () => {
    for (const name of [
      'nautilus_rs_gamma_market_sports_market_map_handicap.json',
      'nautilus_rs_gamma_market_sports_market_money_line.json',
      'nautilus_rs_gamma_market_crypto_twap.json',
    ]) {
      const m = parsed(fixture(name));
      expect(m.outcomes.length).toBe(m.tokenIds.length);
    }
  });
});

describe('parseGammaMarkets', () => {
  it('an event with nested markets lends them its slug and tags', () => {
    const events = fixture('nautilus_rs_gamma_event.json') as Array<{ slug: string; markets: unknown[] }>;
    const { markets, errors } = parseGammaMarkets(events);
    expect(errors).toEqual([]);
    expect(markets).toHaveLength(events[0]!.markets.length);
    expect(markets.every((m) => m.eventSlug === events[0]!.slug)).toBe(true);
    expect(markets[0]!.tags).toContain('Politics');
  });

  it('a single event object, a list of events, a single market, an array of markets', () => {
    expect(parseGammaMarkets(fixture('nautilus_py_http_responses_event.json')).markets).toHaveLength(3);
    expect(parseGammaMarkets(fixture('nautilus_py_http_responses_events_list.json')).markets).toHaveLength(3);
    const one = fixture('nautilus_rs_gamma_market_closed_binary_accepting_true.json');
    expect(parseGammaMarkets(one).markets).toHaveLength(1);
    const two = parseGammaMarkets([one, fixture('nautilus_rs_gamma_market_closed_binary_accepting_false.json')]);
    expect(two.markets.map((m) => m.closed)).toEqual([true, true]);
  });

  it('reports bad items and keeps the good ones', () => {
    const good = fixture('nautilus_rs_gamma_market_closed_binary_accepting_true.json');
    const r = parseGammaMarkets([good, { question: 'no id' }, 42]);
    expect(r.markets).toHaveLength(1);
    expect(r.errors).toHaveLength(2);
  });
});

describe('Gamma quirks', () => {
  const base = { conditionId: '0xABCDEF', question: 'Q?', slug: 'q' };

  it('lower-cases the condition id and takes V2 positionIds', () => {
    const m = parsed({ ...base, outcomes: ['Yes', 'No'], positionIds: ['11', '22'], version: 'v2' });
    expect(m.conditionId).toBe('0xabcdef');
    expect(m.tokenIds).toEqual(['11', '22']);
  });

  it('turns tag objects into labels and keeps string tags', () => {
    expect(parsed({ ...base, tags: [{ label: 'Politics', slug: 'politics' }, { slug: 'elections' }] }).tags).toEqual([
      'Politics', 'elections',
    ]);
    expect(parsed({ ...base, tags: ['Crypto', 'Bitcoin'] }).tags).toEqual(['Crypto', 'Bitcoin']);
  });

  it('rounds prices with more than 6 decimals half-even and leaves prices above 1 alone', () => {
    expect(parsed({ ...base, outcomes: '["A","B"]', outcomePrices: '["0.0000005","0.9999995"]' }).outcomePrices).toEqual([
      0n, 1_000000n,
    ]);
    expect(parsed({ ...base, outcomes: '["A","B"]', outcomePrices: [99, 1] }).outcomePrices).toEqual([99_000000n, 1_000000n]);
  });

  it('refuses malformed encoded lists and misaligned outcomes', () => {
    expect(parseGammaMarket({ ...base, outcomes: '["Yes", "No"' }).ok).toBe(false);
    expect(parseGammaMarket({ ...base, outcomes: '["Yes","No"]', clobTokenIds: '["1"]' }).ok).toBe(false);
    expect(parseGammaMarket({ ...base, outcomes: '["Yes","No"]', outcomePrices: '["x","1"]' }).ok).toBe(false);
    expect(parseGammaMarket({ ...base, conditionId: 'abc' }).ok).toBe(false);
  });

  it('reads Postgres-style and ISO times as UTC', () => {
    expect(parseGammaTime('2026-05-09 02:07:01+00')).toEqual(new Date('2026-05-09T02:07:01Z'));
    expect(parseGammaTime('2024-03-07 20:44:01.258+00')).toEqual(new Date('2024-03-07T20:44:01.258Z'));
    expect(parseGammaTime('2026-05-09 02:07:01')).toEqual(new Date('2026-05-09T02:07:01Z'));
    expect(parseGammaTime('2026-05-09 04:07:01+0200')).toEqual(new Date('2026-05-09T02:07:01Z'));
    expect(parseGammaTime('2026-04-01T18:24:05.41Z')).toEqual(new Date('2026-04-01T18:24:05.410Z'));
    expect(parseGammaTime('2027-12-31')).toEqual(new Date('2027-12-31T00:00:00Z'));
    expect(parseGammaTime('soon')).toBeNull();
    expect(parseGammaTime(null)).toBeNull();
  });
});

describe('recorded btc up/down 5m markets', () => {
  const lines = gunzipSync(readFileSync(markets('gamma_btc-updown-5m_resolved_2026-06-08.jsonl.gz')))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { condition_id: string; outcome_prices: string[]; raw: unknown });

  it('all 292 parse, are final, and the winner matches the recorded outcome prices', () => {
    expect(lines).toHaveLength(292);
    for (const line of lines) {
      const m = parsed(line.raw);
      expect(m.conditionId).toBe(line.condition_id.toLowerCase());
      const res = resolutionOf(m);
      if (res.kind !== 'final') throw new Error(`${m.conditionId}: ${res.kind}`);
      const winnerIndex = line.outcome_prices.indexOf('1');
      expect(res.winner).toBe(m.outcomes[winnerIndex]);
      expect(res.resolvedAt).toBeInstanceOf(Date);
    }
  });
});
