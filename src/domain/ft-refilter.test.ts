// @backend-independent
import { describe, expect, it } from 'vitest';
import { derive, evaluate, type TraderStats } from './evaluate.ts';
import { refilter, takenMarket, type TakenSignal } from './ft-refilter.ts';
import { parseFtWallet, type FtWallet, type FtWalletInputJson } from './ft-wallet.ts';
import type { Market } from './market.ts';
import { price, ratio, shares, usdc, type Ratio } from './money.ts';
import type { SourceTrade } from './trade.ts';

const NOW = new Date('2026-02-01T00:00:00Z');
const TRADER = `0x${'a'.repeat(40)}`;
const TIME = new Date('2026-02-01T12:00:00Z');
const wallet = (input: Partial<FtWalletInputJson> = {}): FtWallet =>
  parseFtWallet({ wallet_id: 'FT_TEST', start_date: '2026-01-01T00:00:00Z', use_model: false, ...input }, NOW);
const trade: SourceTrade = {
  key: `${TRADER}-0xtx`, trader: TRADER, side: 'BUY', asset: 'tok-yes', conditionId: '0xc1', size: shares('100'),
  price: price('0.47'), usd: usdc('47'), time: TIME, title: 'Lakers vs. Celtics', slug: 'lakers-celtics',
  eventSlug: 'nba-lal-bos', outcome: 'Yes', outcomeIndex: 0, transactionHash: '0xtx',
};
const market: Market = {
  conditionId: '0xc1', question: 'Lakers vs. Celtics', slug: 'lakers-celtics', eventSlug: 'nba-lal-bos',
  outcomes: ['Yes', 'No'], tokenIds: ['tok-yes', 'tok-no'], tags: ['NBA'], tickSize: 10_000n, minSize: 5_000_000n,
  negRisk: false, closed: false, acceptingOrders: true, endTime: new Date('2026-03-01T00:00:00Z'),
  gameStartTime: new Date('2026-02-01T10:00:00Z'), closedTime: null, resolutionStatus: null, outcomePrices: null,
};
/** WR 0.60, 50 resolved, average $40: edge 0.12859, conviction 1.175 */
const stats: TraderStats = { winRate: ratio('0.6'), resolvedCount: 50, avgTradeUsd: usdc('40') };

const taken = (score: Ratio | null = null): TakenSignal => {
  const d = derive(trade, stats);
  return { trade, market, facts: { winRate: d.winRate, conviction: d.conviction, resolvedCount: d.resolvedCount }, modelProbability: score };
};

describe('refilter: the evaluator\'s filters on the facts FT recorded', () => {
  it.each<[string, Partial<FtWalletInputJson>]>([
    ['no filters', {}],
    ['price band', { price_min: '0.5' }],
    ['win rate', { min_trader_win_rate: '0.65' }],
    ['max win rate', { max_trader_win_rate: '0.55' }],
    ['edge', { min_edge: '0.2' }],
    ['max edge', { max_edge: '0.1' }],
    ['resolved count', { min_trader_resolved_count: 60 }],
    ['conviction', { min_conviction: '2' }],
    ['max conviction', { max_conviction: '1' }],
    ['category', { market_categories: ['election'] }],
    ['excluded keyword', { exclude_market_keywords: ['celtics'] }],
    ['trade size', { min_original_trade_usd: '50' }],
    ['max trade size', { max_original_trade_usd: '40' }],
    ['test window', { end_date: '2026-02-01T11:00:00Z' }],
    ['target traders', { target_traders: [`0x${'b'.repeat(40)}`] }],
    ['live only', { trade_live_only: true, min_trader_resolved_count: null }],
    ['model gate', { use_model: true, model_threshold: '0.7' }],
  ])('agrees with evaluate on %s', (_name, input) => {
    const w = wallet(input);
    const ev = evaluate(trade, w, market, stats, ratio('0.65'), usdc('100'));
    const miss = refilter(w, taken(ratio('0.65')));
    expect(miss?.rule ?? null).toBe(ev.kind === 'skip' ? `ft_filter:${ev.reason}` : null);
  });

  it('names the limit and the observed value', () => {
    expect(refilter(wallet({ min_trader_win_rate: '0.65' }), taken())).toEqual(
      { rule: 'ft_filter:low_win_rate', limit: '>= 0.650000', observed: '0.600000' });
    expect(refilter(wallet({ min_edge: '0.2' }), taken())).toEqual(
      { rule: 'ft_filter:insufficient_edge', limit: '>= 0.200000', observed: '0.128590' });
  });

  it('a model gate FT did not need has no recorded score: unavailable, never read as 0.5', () => {
    expect(refilter(wallet({ use_model: true, model_threshold: '0.4' }), taken(null))).toEqual(
      { rule: 'ft_filter:ml_unavailable', limit: 'a score >= 0.400000', observed: 'no score recorded by FT' });
  });
});

describe('takenMarket: the market as at the trade', () => {
  it('is closed only if it closed by the trade time, with the end time FT recorded', () => {
    const later = { ...market, closed: true, closedTime: new Date('2026-02-02T00:00:00Z') };
    expect(takenMarket(later, TIME, null)).toMatchObject({ closed: false, endTime: market.endTime });
    const before = { ...market, closed: true, closedTime: new Date('2026-02-01T11:00:00Z') };
    expect(takenMarket(before, TIME, new Date('2026-02-05T00:00:00Z'))).toMatchObject(
      { closed: true, endTime: new Date('2026-02-05T00:00:00Z') });
  });
});
