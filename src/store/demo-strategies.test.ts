// @backend-independent
import { describe, expect, it } from 'vitest';
import { parseFtWallet, type FtWallet } from '../domain/ft-wallet.ts';
import { ratio, usdc } from '../domain/money.ts';
import { DEMO_STRATEGIES } from './demo-strategies.ts';

const NOW = new Date('2026-03-01T00:00:00Z');
const parsed = new Map(DEMO_STRATEGIES.map((s) => [s.wallet_id, parseFtWallet(s, NOW)]));
const get = (id: string): FtWallet => {
  const w = parsed.get(id);
  if (!w) throw new Error(`no demo strategy ${id}`);
  return w;
};

describe('DEMO_STRATEGIES', () => {
  it('parses every entry, with unique ids, 86 in all', () => {
    for (const s of DEMO_STRATEGIES) expect(() => parseFtWallet(s, new Date()), s.wallet_id).not.toThrow();
    expect(parsed.size).toBe(DEMO_STRATEGIES.length);
    expect(DEMO_STRATEGIES.length).toBe(86);
  });

  it('gives every entry a description, a thesis tier, $1000 and no dates', () => {
    for (const s of DEMO_STRATEGIES) {
      const w = get(s.wallet_id);
      expect(w.description, s.wallet_id).not.toBe('');
      expect(w.thesisTier, s.wallet_id).not.toBeNull();
      expect(w.startingBalance).toBe(1000_000000n);
      expect(s.start_date).toBeUndefined();
      expect(s.end_date).toBeUndefined();
    }
  });

  it('FT_SHARP_SHOOTER: every column of an ML=Y Kelly row', () => {
    expect(get('FT_SHARP_SHOOTER')).toMatchObject({
      useModel: true, modelThreshold: 550000n, minTraderWinRate: null, priceMin: 100000n, priceMax: 700000n,
      minEdge: 100000n, minTraderResolvedCount: 50, minConviction: 1_500000n, allocationMethod: 'KELLY',
      kellyFraction: 500000n, minBet: 2_000000n, maxBet: 50_000000n, betSize: 5_000000n, thesisTier: 'SPECIAL',
    });
  });

  it('ML=N with thr: the threshold becomes the minimum trader win rate', () => {
    expect(get('FT_T1_PURE_WR')).toMatchObject({
      useModel: false, modelThreshold: null, minTraderWinRate: ratio('0.65'), minTraderResolvedCount: 50,
      allocationMethod: 'FIXED', minBet: usdc('0.5'), maxBet: usdc('5'), betSize: usdc('1.20'), thesisTier: 'T1_SINGLE',
    });
    expect(get('FT_LIVE_WR_ONLY')).toMatchObject({ useModel: false, modelThreshold: null, minTraderWinRate: ratio('0.60') });
    // ML=N without thr: no win-rate floor at all
    expect(get('FT_FAVORITE_GRINDER')).toMatchObject({ useModel: false, modelThreshold: null, minTraderWinRate: null });
  });

  it('keeps a negative min_edge', () => {
    expect(get('FT_T5_NEG_EDGE').minEdge).toBe(-100000n);
  });

  it('maps categories from the shared keyword lists', () => {
    expect(get('FT_T3_SPORTS').marketCategories).toEqual(['SPORTS', 'NBA', 'NFL', 'MLB', 'NHL', 'SOCCER', 'TENNIS', 'MMA']);
    expect(get('FT_T3_SPORTS')).toMatchObject({ minConviction: ratio('1.5'), kellyFraction: ratio('0.25'), maxBet: usdc('8') });
    expect(get('FT_ML_CTX_NO_CRYPTO').marketCategories).toHaveLength(13);
    expect(get('FT_ML_CTX_NO_CRYPTO').marketCategories).toEqual(get('FT_LEARNINGS_NO_CRYPTO').marketCategories);
    expect(get('FT_TOP_7D_ML55_NO_CRYPTO').marketCategories).toContain('tech');
  });

  it('sets trade_live_only on the live family and FT_ML_CTX_LIVE only', () => {
    const liveIds = [...parsed.values()].filter((w) => w.tradeLiveOnly).map((w) => w.walletId);
    expect(liveIds).toHaveLength(11);
    expect(liveIds).toContain('FT_ML_CTX_LIVE');
    for (const id of liveIds.filter((i) => i !== 'FT_ML_CTX_LIVE')) expect(id.startsWith('FT_LIVE_')).toBe(true);
    expect(get('FT_LIVE_SHARP_SHOOTER')).toMatchObject({
      useModel: true, modelThreshold: 550000n, minBet: 15_000000n, maxBet: 75_000000n, kellyFraction: 400000n,
      thesisTier: 'LIVE',
    });
  });

  it('maps the JSON maxima and win-rate ranges', () => {
    expect(get('FT_T5_LOW_WR').maxTraderWinRate).toBe(500000n);
    expect(get('FT_T5_LOW_CONV').maxConviction).toBe(500000n);
    expect(get('CURSOR_SWEET_SPOT')).toMatchObject({
      useModel: true, modelThreshold: 550000n, minTraderWinRate: 550000n, maxTraderWinRate: 650000n,
      allocationMethod: 'CONVICTION', minBet: usdc('10'), maxBet: usdc('40'), thesisTier: 'CURSOR_ALPHA',
    });
  });

  it('honours the original trade USD bounds the original ignored (B8)', () => {
    expect(get('FT_S_WHALE')).toMatchObject({ minOriginalTradeUsd: usdc('100'), maxOriginalTradeUsd: null });
    expect(get('FT_S_MICRO')).toMatchObject({ minOriginalTradeUsd: null, maxOriginalTradeUsd: usdc('10') });
  });

  it('rotation: shared band, empty targets, bet_size 8 except the Kelly one', () => {
    expect(get('FT_TOP_7D_FIXED')).toMatchObject({
      priceMin: 100000n, priceMax: 800000n, minEdge: 0n, minTraderResolvedCount: 10, targetTraders: [],
      allocationMethod: 'FIXED', betSize: usdc('8'), minBet: usdc('8'), maxBet: usdc('8'), thesisTier: 'ROTATION',
    });
    expect(get('FT_TOP_DAILY_ML60_KELLY')).toMatchObject({ betSize: usdc('1.2'), allocationMethod: 'KELLY', maxBet: usdc('8') });
  });

  it('ML sweep and context rows', () => {
    expect(get('FT_ML_SWEEP_70')).toMatchObject({
      useModel: true, modelThreshold: 700000n, minTraderResolvedCount: 10, allocationMethod: 'CONVICTION', maxBet: usdc('15'),
    });
    expect(get('FT_ML_CTX_AB_FIXED')).toMatchObject({
      modelThreshold: 600000n, priceMin: 200000n, priceMax: 400000n, minEdge: 50000n, allocationMethod: 'FIXED',
      minBet: usdc('1'), maxBet: usdc('10'), minTraderResolvedCount: 30,
    });
    expect(get('FT_ML_CTX_ML_SCALED').allocationMethod).toBe('ML_SCALED');
    expect(get('FT_S_KELLY_AGG').kellyFraction).toBe(1_000000n);
    expect(get('CURSOR_FAV_SCALPER').betSize).toBe(usdc('5'));
  });

  it('TRADER_FEATHER bypasses the filters for its one trader', () => {
    expect(get('TRADER_FEATHER')).toMatchObject({
      bypassFilters: true, targetTraders: ['0x113d4c0b5a6702ab045ea2cba7c3f71d51fc3ce8'], useModel: false,
      allocationMethod: 'FIXED', betSize: usdc('1.20'), minBet: usdc('0.5'), maxBet: usdc('10'),
    });
  });
});
