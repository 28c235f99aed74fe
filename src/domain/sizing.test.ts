// @backend-independent
import { describe, expect, it } from 'vitest';
import { parseFtWallet, type FtWalletInputJson } from './ft-wallet.ts';
import { price, ratio, usdc } from './money.ts';
import {
  baseBet, confidenceScore, kellyAmount, mlScaledMultiplier, sizeBet, whaleComposite, type SizingInput,
  type SizingOutcome,
} from './sizing.ts';

const NOW = new Date('2026-02-01T00:00:00Z');

/** No bounds unless a row sets them, so each method's own amount shows */
const wallet = (input: Partial<FtWalletInputJson>) =>
  parseFtWallet({ wallet_id: 'FT_SIZE', min_bet: null, max_bet: null, ...input }, NOW);

/** The evaluate base case: p 0.47, entry 0.47141, edge 0.12859, WR 0.60, conviction 1.175, m 0.55, cash $100 */
const input = (over: Partial<SizingInput> = {}): SizingInput => ({
  price: price('0.47'), edge: ratio('0.12859'), winRate: ratio('0.6'), conviction: ratio('1.175'),
  modelProbability: ratio('0.55'), bankroll: usdc('100'), ...over,
});

type W = Partial<FtWalletInputJson>;
type Row = [string, W, Partial<SizingInput>, string];

const sized = (text: string): SizingOutcome => ({ kind: 'sized', bet: usdc(text) });
const check = (w: W, i: Partial<SizingInput>, expected: string) =>
  expect(sizeBet(wallet(w), input(i))).toEqual(sized(expected));

describe('FIXED: base = bet_size × bet_allocation_weight', () => {
  it.each<Row>([
    ['1.20 × 1', { bet_size: '1.2' }, {}, '1.20'],
    ['2 × 1.5', { bet_size: 2, bet_allocation_weight: '1.5' }, {}, '3.00'],
    // 1.2 × 0.333333 = 0.3999996 → 0.400000 (micro, half-even) → $0.40
    ['1.2 × 0.333333', { bet_size: '1.2', bet_allocation_weight: '0.333333' }, {}, '0.40'],
    ['1.234567 → cents', { bet_size: '1.234567' }, {}, '1.23'],
    ['1.245 → half-up to 1.25', { bet_size: '1.245' }, {}, '1.25'],
    ['0.004 → 0.00', { bet_size: '0.004' }, {}, '0.00'],
    ['0.30 lifted to min_bet 0.50', { bet_size: '0.3', min_bet: '0.5' }, {}, '0.50'],
    ['20 cut to max_bet 10', { bet_size: 20, max_bet: 10 }, {}, '10.00'],
    ['0.30 with min_bet null stays', { bet_size: '0.3' }, {}, '0.30'],
    ['20 with max_bet null stays', { bet_size: 20 }, {}, '20.00'],
    // clamp first, then cents: 0.30 → 0.505 → 50.5 cents → 51
    ['0.30 lifted to min_bet 0.505, then rounded', { bet_size: '0.3', min_bet: '0.505' }, {}, '0.51'],
    ['weight 0', { bet_size: 5, bet_allocation_weight: 0 }, {}, '0.00'],
  ])('%s → $%s', (_name, w, i, expected) => check(w, i, expected));

  it('needs no statistics', () => {
    expect(sizeBet(wallet({ bet_size: '1.2' }), input({ edge: null, winRate: null, conviction: null, modelProbability: null })))
      .toEqual(sized('1.20'));
  });

  it('baseBet rounds half-even to the micro: 0.000001 × 0.5 = 0.0000005 → 0', () => {
    expect(baseBet(wallet({ bet_size: '0.000001', bet_allocation_weight: '0.5' }))).toBe(0n);
    expect(baseBet(wallet({ bet_size: '0.000003', bet_allocation_weight: '0.5' }))).toBe(2n); // 1.5 → 2
  });
});

describe('KELLY: bankroll × edge / (1 − p) × kelly_fraction', () => {
  const K = { allocation_method: 'KELLY' } as const;
  it.each<Row>([
    // 100 × 0.12859 / 0.53 × 0.25 = 24.262264… × 0.25 = 6.065566 → $6.07
    ['base case', K, {}, '6.07'],
    ['base case, capped at max_bet 5', { ...K, max_bet: 5 }, {}, '5.00'],
    // 1000 × 0.1 / 0.5 × 0.25 = 50
    ['B 1000, e 0.1, p 0.5', K, { bankroll: usdc('1000'), edge: ratio('0.1'), price: price('0.5') }, '50.00'],
    ['B 1000, e 0.1, p 0.5, max_bet 10', { ...K, max_bet: 10 }, { bankroll: usdc('1000'), edge: ratio('0.1'), price: price('0.5') }, '10.00'],
    // kelly_fraction 1: 10 × 0.2 / 0.4 = 5
    ['full Kelly, B 10, e 0.2, p 0.6', { ...K, kelly_fraction: 1 }, { bankroll: usdc('10'), edge: ratio('0.2'), price: price('0.6') }, '5.00'],
    // p ≥ 0.99: min_bet, whatever the edge
    ['p 0.99 → min_bet', { ...K, min_bet: '0.5' }, { price: price('0.99'), edge: ratio('0.5') }, '0.50'],
    ['p 0.995, min_bet null → 0', K, { price: price('0.995'), edge: ratio('0.5') }, '0.00'],
    // p 0.989999 is below the guard: 100 × 0.01 / 0.010001 × 0.25 = 24.9975002 → 24.997500 → 2499.75 cents → $25.00
    ['p 0.989999 uses the formula', K, { price: price('0.989999'), edge: ratio('0.01') }, '25.00'],
    // negative edge: 100 × −0.07141 / 0.53 × 0.25 = −3.368396 → lifted to min_bet
    ['negative edge → min_bet 0.50', { ...K, min_bet: '0.5' }, { edge: ratio('-0.07141') }, '0.50'],
    ['negative edge, min_bet null → −3.37 (evaluate skips it)', K, { edge: ratio('-0.07141') }, '-3.37'],
    // kelly_fraction 0 is zero, not the original's 0.25 fallback
    ['kelly_fraction 0 → min_bet', { ...K, kelly_fraction: 0, min_bet: '0.5' }, {}, '0.50'],
    ['kelly_fraction 0, min_bet null', { ...K, kelly_fraction: 0 }, {}, '0.00'],
    ['bankroll 0', K, { bankroll: usdc('0') }, '0.00'],
  ])('%s → $%s', (_name, w, i, expected) => check(w, i, expected));

  it('kellyAmount keeps micro precision before the cents rounding: 6.065566', () => {
    expect(kellyAmount(wallet(K), price('0.47'), ratio('0.12859'), usdc('100'))).toBe(usdc('6.065566'));
  });

  it('kellyAmount with p ≥ 0.99 returns min_bet unrounded', () => {
    expect(kellyAmount(wallet({ ...K, min_bet: '0.505' }), price('0.999'), ratio('0.1'), usdc('100'))).toBe(usdc('0.505'));
  });
});

describe('EDGE_SCALED: base × (1 + 5e)', () => {
  const E = { allocation_method: 'EDGE_SCALED' } as const;
  it.each<Row>([
    // 1.2 × (1 + 5 × 0.12859) = 1.2 × 1.64295 = 1.97154
    ['base 1.20, e 0.12859', { ...E, bet_size: '1.2' }, {}, '1.97'],
    ['base 1.20, e 0', { ...E, bet_size: '1.2' }, { edge: ratio('0') }, '1.20'],
    // 10 × 1.5 = 15 → max_bet 10
    ['base 10, e 0.1, max_bet 10', { ...E, bet_size: 10, max_bet: 10 }, { edge: ratio('0.1') }, '10.00'],
    // 10 × (1 − 1.5) = −5 → min_bet
    ['base 10, e −0.3 → min_bet', { ...E, bet_size: 10, min_bet: '0.5' }, { edge: ratio('-0.3') }, '0.50'],
    // 1 × 1.005 = 1.005: an exact half cent rounds up
    ['base 1, e 0.001', { ...E, bet_size: 1 }, { edge: ratio('0.001') }, '1.01'],
  ])('%s → $%s', (_name, w, i, expected) => check(w, i, expected));
});

describe('TIERED: 2× from e 0.15, 1.5× from 0.10, 1× from 0.05, else 0.5× (base 2)', () => {
  it.each([
    ['0.5', '4.00'], ['0.15', '4.00'], ['0.149999', '3.00'], ['0.10', '3.00'], ['0.099999', '2.00'],
    ['0.05', '2.00'], ['0.049999', '1.00'], ['0', '1.00'], ['-0.2', '1.00'],
  ])('e %s → $%s', (e, expected) => check({ allocation_method: 'TIERED', bet_size: 2 }, { edge: ratio(e) }, expected));

  it('clamps: 0.5 × 2 = 1 lifted to min_bet 1.50', () =>
    check({ allocation_method: 'TIERED', bet_size: 2, min_bet: '1.5' }, { edge: ratio('0') }, '1.50'));
});

describe('CONVICTION: base × clamp(c, 0.5, 3) (base 2)', () => {
  it.each<Row>([
    ['c 1.175', {}, { conviction: ratio('1.175') }, '2.35'],
    ['c 1', {}, { conviction: ratio('1') }, '2.00'],
    ['c 0.2 → 0.5×', {}, { conviction: ratio('0.2') }, '1.00'],
    ['c 0.5', {}, { conviction: ratio('0.5') }, '1.00'],
    ['c 3', {}, { conviction: ratio('3') }, '6.00'],
    ['c 5 → 3×', {}, { conviction: ratio('5') }, '6.00'],
    ['c 3, max_bet 5', { max_bet: 5 }, { conviction: ratio('3') }, '5.00'],
  ])('%s → $%s', (_name, w, i, expected) => check({ allocation_method: 'CONVICTION', bet_size: 2, ...w }, i, expected));
});

describe('ML_SCALED: base × clamp(1 + 2(m − 0.5), 0.5, 2), fixing B7', () => {
  it.each([
    ['0.55', '1.1'], ['0.7', '1.4'], ['0.5', '1'], ['0.75', '1.5'], ['1', '2'], ['0.25', '0.5'], ['0.2', '0.5'], ['0', '0.5'],
    ['0.999', '1.998'], ['0.6', '1.2'],
  ])('m %s → %s×', (m, multiplier) => {
    expect(mlScaledMultiplier(ratio(m))).toBe(ratio(multiplier));
  });

  it.each<Row>([
    // the original's clamp(m, 0.5, 2) gave 0.55× and 0.70×: $1.10 and $1.40 on base 2
    ['m 0.55, base 2 → 1.1×', {}, { modelProbability: ratio('0.55') }, '2.20'],
    ['m 0.70, base 2 → 1.4×', {}, { modelProbability: ratio('0.7') }, '2.80'],
    ['m 0.2, base 2 → 0.5×', {}, { modelProbability: ratio('0.2') }, '1.00'],
    ['m 1, base 2 → 2×', {}, { modelProbability: ratio('1') }, '4.00'],
    ['m 0.999, base 2 → 1.998× = 3.996', {}, { modelProbability: ratio('0.999') }, '4.00'],
    ['m 0.55, base 1.20 → 1.32', { bet_size: '1.2' }, { modelProbability: ratio('0.55') }, '1.32'],
    ['m 1, base 10, max_bet 10', { bet_size: 10, max_bet: 10 }, { modelProbability: ratio('1') }, '10.00'],
  ])('%s → $%s', (_name, w, i, expected) => check({ allocation_method: 'ML_SCALED', bet_size: 2, ...w }, i, expected));
});

describe('CONFIDENCE: base × (0.5 + 1.5 × score), each score part clamped to [0, 1]', () => {
  it.each([
    // 0.4 × (0.1/0.2) + 0.3 × (1.25/2.5) + 0.3 × (0.15/0.3) = 0.2 + 0.15 + 0.15
    ['0.1', '1.75', '0.65', '0.5'],
    // every part negative → 0 (the original gave 0.4 × −0.5 + 0.3 × −0.08 + 0.3 × −0.333… = −0.324)
    ['-0.1', '0.3', '0.4', '0'],
    // every part above 1 → 1
    ['0.3', '4', '0.9', '1'],
    // 0 + 0.3 × 1 + 0.3 × 0.5
    ['-0.05', '3', '0.65', '0.45'],
    // 0.4 × 0.25 + 0.3 × 0.2 + 0.3 × 0.2
    ['0.05', '1', '0.56', '0.22'],
  ])('e %s, c %s, wr %s → score %s', (e, c, wr, expected) => {
    expect(confidenceScore(ratio(e), ratio(c), ratio(wr))).toBe(ratio(expected));
  });

  it.each<Row>([
    ['score 0.5 → 1.25 × 2', {}, { edge: ratio('0.1'), conviction: ratio('1.75'), winRate: ratio('0.65') }, '2.50'],
    // clamped at 0: 0.5 × 2 = 1 (the original: (0.5 − 1.5 × 0.324) × 2 = $0.03)
    ['negative parts → 0.5 × 2', {}, { edge: ratio('-0.1'), conviction: ratio('0.3'), winRate: ratio('0.4') }, '1.00'],
    ['score 1 → 2 × 2', {}, { edge: ratio('0.3'), conviction: ratio('4'), winRate: ratio('0.9') }, '4.00'],
    ['score 0.45 → 1.175 × 2', {}, { edge: ratio('-0.05'), conviction: ratio('3'), winRate: ratio('0.65') }, '2.35'],
    // 0.5 + 1.5 × 0.22 = 0.83; × 1.2 = 0.996 → $1.00
    ['score 0.22, base 1.20', { bet_size: '1.2' }, { edge: ratio('0.05'), conviction: ratio('1'), winRate: ratio('0.56') }, '1.00'],
    ['score 1, max_bet 3', { max_bet: 3 }, { edge: ratio('0.3'), conviction: ratio('4'), winRate: ratio('0.9') }, '3.00'],
  ])('%s → $%s', (_name, w, i, expected) => check({ allocation_method: 'CONFIDENCE', bet_size: 2, ...w }, i, expected));
});

describe('WHALE: base × (0.5 + composite), 0.5–1.5× (B7: the original claimed 2×)', () => {
  it.each([
    // 0.35 × 0.5 + 0.30 × 0.5 + 0.25 × 0.5 + 0.10 × 0.5
    ['0.75', '1.75', '0.65', '0.1', '0.5'],
    // all parts at 1: 0.35 + 0.30 + 0.25 + 0.10
    ['1', '3', '0.8', '0.2', '1'],
    ['1', '10', '1', '1', '1'],
    ['0.4', '0.4', '0.4', '-0.1', '0'],
    // 0.35 × 0.1 + 0.30 × 0.27 + 0.25 × 0.333333 + 0.10 × 0.64295
    // = 0.035 + 0.081 + 0.083333 (0.08333325, half-even) + 0.064295 = 0.263628
    ['0.55', '1.175', '0.6', '0.12859', '0.263628'],
    // a negative edge part is clamped at 0 (the original had no lower clamp: 0.9 − 0.1 = 0.8)
    ['1', '3', '0.8', '-0.2', '0.9'],
  ])('m %s, c %s, wr %s, e %s → composite %s', (m, c, wr, e, expected) => {
    expect(whaleComposite(ratio(m), ratio(e), ratio(c), ratio(wr))).toBe(ratio(expected));
  });

  it.each<Row>([
    ['composite 1 → 1.5 × 2', {}, { modelProbability: ratio('1'), conviction: ratio('3'), winRate: ratio('0.8'), edge: ratio('0.2') }, '3.00'],
    ['composite 0 → 0.5 × 2', {}, { modelProbability: ratio('0.4'), conviction: ratio('0.4'), winRate: ratio('0.4'), edge: ratio('-0.1') }, '1.00'],
    ['composite 0.5 → 1 × 2', {}, { modelProbability: ratio('0.75'), conviction: ratio('1.75'), winRate: ratio('0.65'), edge: ratio('0.1') }, '2.00'],
    // 2 × 0.763628 = 1.527256
    ['base case → 0.763628 × 2', {}, {}, '1.53'],
    ['negative edge clamped → 1.4 × 2', {}, { modelProbability: ratio('1'), conviction: ratio('3'), winRate: ratio('0.8'), edge: ratio('-0.2') }, '2.80'],
    ['composite 1, max_bet 2.5', { max_bet: '2.5' }, { modelProbability: ratio('1'), conviction: ratio('3'), winRate: ratio('0.8'), edge: ratio('0.2') }, '2.50'],
  ])('%s → $%s', (_name, w, i, expected) => check({ allocation_method: 'WHALE', bet_size: 2, ...w }, i, expected));
});

describe('missing inputs', () => {
  it.each([
    ['KELLY', { edge: null }, 'trader_stats'],
    ['EDGE_SCALED', { edge: null }, 'trader_stats'],
    ['TIERED', { edge: null }, 'trader_stats'],
    ['CONVICTION', { conviction: null }, 'trader_stats'],
    ['CONFIDENCE', { edge: null }, 'trader_stats'],
    ['CONFIDENCE', { conviction: null }, 'trader_stats'],
    ['CONFIDENCE', { winRate: null }, 'trader_stats'],
    ['ML_SCALED', { modelProbability: null }, 'model_probability'],
    ['WHALE', { modelProbability: null }, 'model_probability'],
    ['WHALE', { winRate: null }, 'trader_stats'],
    ['WHALE', { conviction: null }, 'trader_stats'],
    // the model probability is checked first
    ['WHALE', { modelProbability: null, edge: null, winRate: null, conviction: null }, 'model_probability'],
  ] as [FtWalletInputJson['allocation_method'], Partial<SizingInput>, string][])('%s with %j → missing %s', (method, i, missing) => {
    expect(sizeBet(wallet({ allocation_method: method, min_bet: '0.5' }), input(i))).toEqual({ kind: 'missing', input: missing });
  });

  it.each([
    ['EDGE_SCALED', { conviction: null, winRate: null, modelProbability: null }, '1.97'],
    ['CONVICTION', { edge: null, winRate: null, modelProbability: null }, '1.41'], // 1.2 × 1.175 = 1.41
    ['ML_SCALED', { edge: null, winRate: null, conviction: null }, '1.32'],
  ] as [FtWalletInputJson['allocation_method'], Partial<SizingInput>, string][])('%s needs only its own input', (method, i, expected) => {
    check({ allocation_method: method, bet_size: '1.2' }, i, expected);
  });
});
