// @backend-independent
import { describe, expect, it } from 'vitest';
import { evaluate, paperEntryPrice, SKIP_REASONS, type ScoreArg, type SkipReason, type TraderStats } from './evaluate.ts';
import { parseFtWallet, type FtWallet, type FtWalletInputJson } from './ft-wallet.ts';
import type { Market } from './market.ts';
import { price, ratio, shares, usdc, type Usdc } from './money.ts';
import type { SourceTrade } from './trade.ts';

const NOW = new Date('2026-02-01T00:00:00Z');
const TRADER = `0x${'a'.repeat(40)}`;
const OTHER = `0x${'b'.repeat(40)}`;

/** Defaults: FIXED $1.20, min_bet 0.50, max_bet 10, min_edge 0, min count 30, price band [0, 1], no model gate */
const wallet = (input: Partial<FtWalletInputJson> = {}): FtWallet =>
  parseFtWallet({ wallet_id: 'FT_TEST', start_date: '2026-01-01T00:00:00Z', ...input }, NOW);

/** 100 shares at 0.47: $47 */
const trade = (over: Partial<SourceTrade> = {}): SourceTrade => ({
  key: `${TRADER}-0xtx`, trader: TRADER, side: 'BUY', asset: 'tok-yes', conditionId: '0xc1',
  size: shares('100'), price: price('0.47'), usd: usdc('47'), time: new Date('2026-02-01T12:00:00Z'),
  title: 'Lakers vs. Celtics', slug: 'lakers-celtics', eventSlug: 'nba-lal-bos', outcome: 'Yes', outcomeIndex: 0,
  transactionHash: '0xtx', ...over,
});

const market = (over: Partial<Market> = {}): Market => ({
  conditionId: '0xc1', question: 'Lakers vs. Celtics', slug: 'lakers-celtics', eventSlug: 'nba-lal-bos',
  outcomes: ['Yes', 'No'], tokenIds: ['tok-yes', 'tok-no'], tags: [], tickSize: 10_000n, minSize: 5_000_000n,
  negRisk: false, closed: false, acceptingOrders: true, endTime: new Date('2026-03-01T00:00:00Z'),
  gameStartTime: new Date('2026-02-01T10:00:00Z'), closedTime: null, resolutionStatus: null, outcomePrices: null,
  ...over,
});

/**
 * WR 0.60, 50 resolved, average $40. With the base trade: entry 0.47 × 1.003 = 0.47141,
 * edge = 0.60 − 0.47141 = 0.12859, conviction = 47 / 40 = 1.175
 */
const stats = (over: Partial<TraderStats> = {}): TraderStats => ({
  winRate: ratio('0.6'), resolvedCount: 50, avgTradeUsd: usdc('40'), ...over,
});

const CASH = usdc('100');

interface Case {
  w?: Partial<FtWalletInputJson>;
  t?: Partial<SourceTrade>;
  m?: Partial<Market> | null;
  s?: Partial<TraderStats> | null;
  score?: ScoreArg;
  cash?: Usdc;
}

const run = (c: Case) => evaluate(
  trade(c.t), wallet(c.w), c.m === null ? null : market(c.m), c.s === null ? null : stats(c.s), c.score, c.cash ?? CASH,
);

const BASE_TAKE = {
  kind: 'take', bet: usdc('1.20'), entryPrice: price('0.47141'), edge: ratio('0.12859'), conviction: ratio('1.175'),
  winRate: ratio('0.6'), resolvedCount: 50, modelProbability: null,
};

describe('evaluate: the base case', () => {
  it('takes the base trade at $1.20 and entry 0.47141', () => {
    expect(run({})).toEqual(BASE_TAKE);
  });
});

describe('evaluate: one row per skip reason', () => {
  const rows: [SkipReason, Case][] = [
    ['not_buy', { t: { side: 'SELL' } }],
    ['outside_test_window', { t: { time: new Date('2025-12-31T23:59:59Z') } }], // before start_date
    ['not_target_trader', { w: { target_traders: [OTHER] } }],
    ['market_not_found', { m: null }],
    ['market_resolved', { m: { closed: true } }],
    ['after_market_end', { m: { endTime: new Date('2026-02-01T12:00:00Z') } }], // trade time == end: too late
    ['no_game_start_time', { w: { trade_live_only: true }, m: { gameStartTime: null } }],
    ['pre_game', { w: { trade_live_only: true }, m: { gameStartTime: new Date('2026-02-01T12:00:01Z') } }],
    ['price_out_of_range', { w: { price_max: '0.469999' } }], // raw 0.47 > 0.469999
    ['no_trader_stats', { s: null }], // min_edge 0 needs an edge
    ['low_win_rate', { w: { min_trader_win_rate: '0.600001' } }],
    ['insufficient_edge', { w: { min_edge: '0.12860' } }], // edge 0.12859 < 0.12860
    ['low_trade_count', { s: { resolvedCount: 29 } }], // default floor 30
    ['low_conviction', { w: { min_conviction: '1.175001' } }],
    ['high_win_rate', { w: { max_trader_win_rate: '0.599999' } }],
    ['high_edge', { w: { max_edge: '0.12858' } }],
    ['high_conviction', { w: { max_conviction: '1.174999' } }],
    ['wrong_category', { w: { market_categories: ['Politics'] } }],
    ['excluded_category', { w: { exclude_market_keywords: ['Celtics'] } }],
    ['trade_too_small', { w: { min_original_trade_usd: '47.000001' } }], // $47 < $47.000001
    ['trade_too_large', { w: { max_original_trade_usd: '46.999999' } }],
    ['ml_unavailable', { w: { model_threshold: '0.55' }, score: null }],
    ['low_ml_score', { w: { model_threshold: '0.55' }, score: ratio('0.549999') }],
    ['zero_size', { w: { max_bet: 0, min_bet: null } }],
    ['insufficient_cash', { cash: usdc('0') }],
  ];

  it('covers every reason in SKIP_REASONS exactly once', () => {
    expect(rows.map(([reason]) => reason)).toEqual([...SKIP_REASONS]);
  });

  it.each(rows)('%s', (reason, c) => {
    expect(run(c)).toEqual({ kind: 'skip', reason });
  });
});

describe('paperEntryPrice: price × 1.003, rounded up to a micro, capped at 0.9999', () => {
  it.each([
    ['0.47', '0.47141'], // 470000 × 1.003 = 471410 exactly
    ['0.123457', '0.123828'], // 123827.371 → up
    ['0.000001', '0.000002'], // 1.003 → up
    ['0.9969', '0.999891'], // 999890.7 → up, below the cap
    ['0.996909', '0.9999'], // 999899.727 → 999900, exactly the cap
    ['0.997', '0.9999'], // 999991 → capped
    ['0.999', '0.9999'], // 1001997 → capped
  ])('%s → %s', (raw, expected) => {
    expect(paperEntryPrice(price(raw))).toBe(price(expected));
  });

  it('evaluate stores the capped entry and derives edge from it', () => {
    // price 0.999: entry 0.9999, edge = 0.60 − 0.9999 = −0.3999; min_edge off so the trade is taken
    expect(run({ t: { price: price('0.999'), usd: usdc('99.9') }, w: { min_edge: null } })).toMatchObject({
      kind: 'take', entryPrice: price('0.9999'), edge: ratio('-0.3999'),
    });
  });
});

describe('evaluate: the earlier rule wins', () => {
  it.each([
    ['not_buy before market_not_found', { t: { side: 'SELL' }, m: null }, 'not_buy'],
    ['price_out_of_range before low_win_rate', { w: { price_max: '0.4', min_trader_win_rate: '0.9' } }, 'price_out_of_range'],
    ['insufficient_edge before low_trade_count', { w: { min_edge: '0.2' }, s: { resolvedCount: 1 } }, 'insufficient_edge'],
    ['low_trade_count before wrong_category', { w: { market_categories: ['Politics'] }, s: { resolvedCount: 29 } }, 'low_trade_count'],
    ['trade_too_small before low_ml_score', { w: { min_original_trade_usd: 100, model_threshold: '0.9' }, score: ratio('0.1') }, 'trade_too_small'],
    ['insufficient_cash before needs_score (no model call without cash)', { w: { model_threshold: '0.55' }, cash: usdc('0') }, 'insufficient_cash'],
  ] as [string, Case, SkipReason][])('%s', (_name, c, reason) => {
    expect(run(c)).toEqual({ kind: 'skip', reason });
  });
});

describe('evaluate: the model gate', () => {
  const gate = { model_threshold: '0.55' };
  it.each([
    ['gate, score not fetched', { w: gate }],
    ['ML_SCALED sizing, score not fetched', { w: { allocation_method: 'ML_SCALED' } }],
    ['WHALE sizing, score not fetched', { w: { allocation_method: 'WHALE' } }],
  ] as [string, Case][])('needs_score: %s', (_name, c) => {
    expect(run(c)).toEqual({ kind: 'needs_score' });
  });

  it('does not ask for a score when use_model is off and sizing is FIXED', () => {
    expect(run({ w: { use_model: false, model_threshold: '0.55' } })).toEqual(BASE_TAKE);
  });

  it.each([
    // bug B6: a missing score was treated as 0.5, which passed every gate at ≤ 0.50
    ['null at threshold 0.55', { w: gate, score: null }, 'ml_unavailable'],
    ['null at threshold 0.50', { w: { model_threshold: '0.5' }, score: null }, 'ml_unavailable'],
    ['null at threshold 0', { w: { model_threshold: 0 }, score: null }, 'ml_unavailable'],
    ['null with ML_SCALED sizing', { w: { allocation_method: 'ML_SCALED' }, score: null }, 'ml_unavailable'],
    // 0 is a real score (the original's truthiness check treated it as missing)
    ['exactly 0', { w: gate, score: ratio('0') }, 'low_ml_score'],
    ['just below', { w: gate, score: ratio('0.549999') }, 'low_ml_score'],
  ] as [string, Case, SkipReason][])('score %s → %s', (_name, c, reason) => {
    expect(run(c)).toEqual({ kind: 'skip', reason });
  });

  it.each([
    ['exactly the threshold', '0.55', '0.55'],
    ['0 passes a threshold of 0', '0', '0'],
    ['above', '0.55', '0.9'],
  ])('score %s passes', (_name, threshold, score) => {
    expect(run({ w: { model_threshold: threshold }, score: ratio(score) }))
      .toEqual({ ...BASE_TAKE, modelProbability: ratio(score) });
  });

  it('ML_SCALED sizes with the score: m = 0.70 → 1.4 × $1.20 = $1.68', () => {
    expect(run({ w: { allocation_method: 'ML_SCALED' }, score: ratio('0.7') }))
      .toMatchObject({ kind: 'take', bet: usdc('1.68'), modelProbability: ratio('0.7') });
  });
});

describe('evaluate: 0 means zero, null means off, absent means default', () => {
  it.each([
    // min count 0: a trader with nothing resolved passes
    ['min_trader_resolved_count 0, 0 resolved', { w: { min_trader_resolved_count: 0 }, s: { resolvedCount: 0 } },
      { kind: 'take', resolvedCount: 0 }],
    // absent min count is 30: 30 passes
    ['default count floor, 30 resolved', { s: { resolvedCount: 30 } }, { kind: 'take', resolvedCount: 30 }],
    // min_bet 0: $0.30 stays $0.30 (the original's || would lift it to the $0.50 default)
    ['min_bet 0, bet_size 0.30', { w: { bet_size: '0.3', min_bet: 0 } }, { kind: 'take', bet: usdc('0.30') }],
    ['default min_bet, bet_size 0.30', { w: { bet_size: '0.3' } }, { kind: 'take', bet: usdc('0.50') }],
    // kelly_fraction 0 → amount 0 → lifted to min_bet $0.50, not Kelly at 0.25 (100 × 0.12859/0.53 × 0.25 = $6.07)
    ['kelly_fraction 0', { w: { allocation_method: 'KELLY', kelly_fraction: 0 } }, { kind: 'take', bet: usdc('0.50') }],
    ['kelly_fraction absent (0.25)', { w: { allocation_method: 'KELLY' } }, { kind: 'take', bet: usdc('6.07') }],
    // null filters are off: no stats at all pass with min_edge and the count floor off
    ['min_edge null, count null, no stats', { w: { min_edge: null, min_trader_resolved_count: null }, s: null },
      { kind: 'take', edge: null, winRate: null, conviction: null, resolvedCount: 0 }],
    // price band off: 0.000001 passes with price_min null (0.000001 × 1.003 → 0.000002)
    ['price_min null', { w: { price_min: null }, t: { price: price('0.000001'), usd: usdc('0.0001') } },
      { kind: 'take', entryPrice: price('0.000002') }],
  ] as [string, Case, object][])('%s', (_name, c, expected) => {
    expect(run(c)).toMatchObject(expected);
  });

  it.each([
    ['max_bet 0 with min_bet null', { w: { max_bet: 0, min_bet: null } }, 'zero_size'],
    ['kelly_fraction 0 with min_bet null', { w: { allocation_method: 'KELLY', kelly_fraction: 0, min_bet: null } }, 'zero_size'],
    ['min_bet 0 and a negative Kelly amount', {
      w: { allocation_method: 'KELLY', min_bet: 0, min_edge: null }, s: { winRate: ratio('0.4') },
    }, 'zero_size'],
    ['absent count floor (30), 29 resolved', { s: { resolvedCount: 29 } }, 'low_trade_count'],
    ['min_edge null only: the count floor still needs stats', { w: { min_edge: null }, s: null }, 'low_trade_count'],
    ['min_edge 0 is a filter: edge −0.000001 fails', { s: { winRate: ratio('0.471409') } }, 'insufficient_edge'],
    ['price_min 0.5 is on', { w: { price_min: '0.5' } }, 'price_out_of_range'],
  ] as [string, Case, SkipReason][])('%s → %s', (_name, c, reason) => {
    expect(run(c)).toEqual({ kind: 'skip', reason });
  });
});

describe('evaluate: a trader without the statistic a rule needs fails it', () => {
  const open = { min_edge: null, min_trader_resolved_count: null };
  it.each([
    ['min win rate, no stats', { w: { ...open, min_trader_win_rate: '0.5' }, s: null }],
    ['min edge, win rate null', { s: { winRate: null } }],
    ['min conviction, no average', { w: { min_conviction: '0.5' }, s: { avgTradeUsd: null } }],
    ['min conviction, average 0', { w: { min_conviction: '0.5' }, s: { avgTradeUsd: usdc('0') } }],
    ['max win rate, no stats', { w: { ...open, max_trader_win_rate: '0.9' }, s: null }],
    ['max edge, no stats', { w: { ...open, max_edge: '0.5' }, s: null }],
    ['max conviction, no average', { w: { max_conviction: '5' }, s: { avgTradeUsd: null } }],
    ['KELLY sizing, no stats', { w: { ...open, allocation_method: 'KELLY' }, s: null }],
  ] as [string, Case][])('%s → no_trader_stats', (_name, c) => {
    expect(run(c)).toEqual({ kind: 'skip', reason: 'no_trader_stats' });
  });

  it('min_conviction 0 (the default) needs no average', () => {
    expect(run({ s: { avgTradeUsd: null } })).toMatchObject({ kind: 'take', conviction: null });
  });
});

describe('evaluate: category keywords are case-insensitive whole words', () => {
  const title = (text: string): Case => ({ t: { title: text }, m: { question: text, tags: [] } });
  it.each([
    ['NBA', 'NBA Finals', 'take'],
    ['nba', 'NBA Finals', 'take'],
    ['NBA', 'Will the nba-finals go to 7?', 'take'],
    ['NBA', 'snbar', 'wrong_category'],
    ['NBA', 'NBAFinals', 'wrong_category'],
    ['world cup', 'FIFA World  Cup winner', 'take'],
    ['Politics', 'NBA Finals', 'wrong_category'],
  ])('category %j vs %j → %s', (keyword, text, expected) => {
    const result = run({ ...title(text), w: { market_categories: [keyword] } });
    expect(result.kind === 'take' ? 'take' : result).toEqual(expected === 'take' ? 'take' : { kind: 'skip', reason: expected });
  });

  it.each([
    ['tag', { m: { tags: ['Sports', 'NBA'] } }],
    ['market question', { m: { question: 'NBA: Lakers vs. Celtics' } }],
    ['trade title', { t: { title: 'NBA: Lakers vs. Celtics' } }],
  ] as [string, Case][])('matches on the %s', (_where, c) => {
    expect(run({ ...c, w: { market_categories: ['nba'] } })).toMatchObject({ kind: 'take' });
  });

  it.each([
    ['nba', 'NBA Finals', 'excluded_category'],
    ['crypto', 'Cryptocurrency index', 'take'], // whole word only
  ])('exclude %j vs %j → %s', (keyword, text, expected) => {
    const result = run({ ...title(text), w: { exclude_market_keywords: [keyword] } });
    expect(result.kind === 'take' ? 'take' : result).toEqual(expected === 'take' ? 'take' : { kind: 'skip', reason: expected });
  });
});

describe('evaluate: original trade size is USD (size × price), not shares (bug B8)', () => {
  it.each([
    // 10 shares at 0.50 = $5: too small for $6 although 10 shares ≥ 6
    ['min 6, 10 shares × 0.50 = $5', { min_original_trade_usd: 6 }, { size: shares('10'), price: price('0.5'), usd: usdc('5') }, 'trade_too_small'],
    // 1000 shares at 0.01 = $10: within a $20 maximum although 1000 shares > 20
    ['max 20, 1000 shares × 0.01 = $10', { max_original_trade_usd: 20 }, { size: shares('1000'), price: price('0.01'), usd: usdc('10') }, 'take'],
    // 5 shares at 0.80 = $4 ≥ $4 (the bound is inclusive) although 5 shares > 4
    ['max 4, 5 shares × 0.80 = $4', { max_original_trade_usd: 4 }, { size: shares('5'), price: price('0.8'), usd: usdc('4') }, 'take'],
    ['min 4, $4 exactly', { min_original_trade_usd: 4 }, { size: shares('5'), price: price('0.8'), usd: usdc('4') }, 'take'],
  ] as [string, Partial<FtWalletInputJson>, Partial<SourceTrade>, string][])('%s → %s', (_name, w, t, expected) => {
    // min_edge off so the price changes do not matter
    const result = run({ w: { ...w, min_edge: null }, t });
    expect(result.kind === 'take' ? 'take' : result).toEqual(expected === 'take' ? 'take' : { kind: 'skip', reason: expected });
  });
});

describe('evaluate: bypass_filters', () => {
  const bypass = { bypass_filters: true, target_traders: [TRADER] };
  it('mirrors the target trader through market and trader rules', () => {
    // closed market past its end, no stats, count floor 30, min win rate → all bypassed
    expect(run({
      w: { ...bypass, min_trader_win_rate: '0.9' },
      m: { closed: true, endTime: new Date('2026-01-15T00:00:00Z') }, s: null,
    })).toEqual({ ...BASE_TAKE, edge: null, conviction: null, winRate: null, resolvedCount: 0 });
  });

  it.each([
    // Like the original's TRADER_ wallets, the price band and the maxima still apply
    ['price outside the band', { w: { ...bypass, price_max: '0.3' } }, 'price_out_of_range'],
    ['another trader', { w: bypass, t: { trader: OTHER } }, 'not_target_trader'],
    ['no market', { w: bypass, m: null }, 'market_not_found'],
    ['a SELL', { w: bypass, t: { side: 'SELL' } }, 'not_buy'],
    ['no cash', { w: bypass, cash: usdc('0') }, 'insufficient_cash'],
  ] as [string, Case, SkipReason][])('still refuses %s', (_name, c, reason) => {
    expect(run(c)).toEqual({ kind: 'skip', reason });
  });

  it('refuses bypass_filters without target traders', () => {
    expect(() => wallet({ bypass_filters: true })).toThrow(/bypass_filters needs target_traders/);
  });
});

describe('evaluate: cash', () => {
  it.each([
    ['cash 0', usdc('0'), 'insufficient_cash'],
    ['cash negative', usdc('-5'), 'insufficient_cash'],
    ['bet $1.20 > cash $1.19', usdc('1.19'), 'insufficient_cash'],
    ['bet $1.20 > cash $1.199999', usdc('1.199999'), 'insufficient_cash'],
  ] as [string, Usdc, SkipReason][])('%s → %s', (_name, cash, reason) => {
    expect(run({ cash })).toEqual({ kind: 'skip', reason });
  });

  it('bankroll equal to the bet is allowed', () => {
    expect(run({ cash: usdc('1.20') })).toEqual(BASE_TAKE);
  });

  it('KELLY sizes from the cash passed in: 50 × 0.12859 / 0.53 × 0.25 = 3.0328 → $3.03', () => {
    expect(run({ w: { allocation_method: 'KELLY' }, cash: usdc('50') })).toMatchObject({ kind: 'take', bet: usdc('3.03') });
  });
});

describe('evaluate: the test window', () => {
  it.each([
    ['at start_date', { t: { time: new Date('2026-01-01T00:00:00Z') } }, 'take'],
    ['after end_date', { w: { end_date: '2026-02-01T11:59:59Z' }, t: {} }, 'outside_test_window'],
    ['at end_date', { w: { end_date: '2026-02-01T12:00:00Z' }, t: {} }, 'take'],
  ] as [string, Case, string][])('%s → %s', (_name, c, expected) => {
    const result = run(c);
    expect(result.kind === 'take' ? 'take' : result).toEqual(expected === 'take' ? 'take' : { kind: 'skip', reason: expected });
  });
});
