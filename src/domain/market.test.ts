// @backend-independent
import { describe, expect, it } from 'vitest';
import { InvariantError } from './errors.ts';
import { payoutFor, resolutionOf, type Market } from './market.ts';
import { parseMicros } from './money.ts';

const CLOSED_AT = new Date('2026-02-02T03:00:00Z');

const market = (over: Partial<Market> = {}): Market => ({
  conditionId: '0xc1', question: 'Lakers vs. Celtics', slug: 'lakers-celtics', eventSlug: null,
  outcomes: ['Yes', 'No'], tokenIds: ['tok-yes', 'tok-no'], tags: [], tickSize: null, minSize: null,
  negRisk: false, closed: true, acceptingOrders: false, endTime: null, gameStartTime: null,
  closedTime: CLOSED_AT, resolutionStatus: 'resolved', outcomePrices: null, ...over,
});

const prices = (...texts: string[]): bigint[] => texts.map((t) => parseMicros(t));

describe('resolutionOf', () => {
  it('an open market is open, whatever its prices', () => {
    expect(resolutionOf(market({ closed: false, outcomePrices: prices('1', '0') }))).toEqual({ kind: 'open' });
  });

  it.each([
    ['["1","0"]: Yes wins', market({ outcomePrices: prices('1', '0') }), [1_000_000n, 0n], 'Yes'],
    ['["0","1"]: No wins', market({ outcomePrices: prices('0', '1') }), [0n, 1_000_000n], 'No'],
    ['["0.5","0.5"]: 50-50, no winner', market({ outcomePrices: prices('0.5', '0.5') }), [500_000n, 500_000n], null],
    ['["0.3","0.7"]: scalar, no winner', market({ outcomePrices: prices('0.3', '0.7') }), [300_000n, 700_000n], null],
    ['three outcomes, the last wins', market({ outcomes: ['A', 'B', 'C'], tokenIds: ['a', 'b', 'c'], outcomePrices: prices('0', '0', '1') }),
      [0n, 0n, 1_000_000n], 'C'],
    ['status null counts as resolved', market({ resolutionStatus: null, outcomePrices: prices('1', '0') }), [1_000_000n, 0n], 'Yes'],
    ['status "Resolved" in any case', market({ resolutionStatus: 'Resolved', outcomePrices: prices('1', '0') }), [1_000_000n, 0n], 'Yes'],
  ])('%s → final', (_name, m, payouts, winner) => {
    expect(resolutionOf(m)).toEqual({ kind: 'final', payouts, winner, resolvedAt: CLOSED_AT });
  });

  it('resolvedAt is null when the closing time is unknown', () => {
    expect(resolutionOf(market({ closedTime: null, outcomePrices: prices('0', '1') })))
      .toEqual({ kind: 'final', payouts: [0n, 1_000_000n], winner: 'No', resolvedAt: null });
  });

  it.each([
    ['["0","0"]', market({ outcomePrices: prices('0', '0') }), 'outcome prices do not sum to 1'],
    ['["0.6","0.3"]', market({ outcomePrices: prices('0.6', '0.3') }), 'outcome prices do not sum to 1'],
    ['["0.999999","0"] (not 0.99 / 0.01 thresholds)', market({ outcomePrices: prices('0.999999', '0') }), 'outcome prices do not sum to 1'],
    ['["1","0.000001"]', market({ outcomePrices: prices('1', '0.000001') }), 'outcome prices do not sum to 1'],
    ['["1.5","-0.5"] (sums to 1)', market({ outcomePrices: prices('1.5', '-0.5') }), 'outcome price outside [0, 1]'],
    ['no prices', market({ outcomePrices: null }), 'no outcome prices'],
    ['empty prices', market({ outcomePrices: [] }), 'no outcome prices'],
    ['one price for two outcomes', market({ outcomePrices: prices('1') }), 'no outcome prices'],
    ['UMA "proposed"', market({ resolutionStatus: 'proposed', outcomePrices: prices('1', '0') }), 'resolution status proposed'],
    ['UMA "disputed"', market({ resolutionStatus: 'disputed', outcomePrices: prices('1', '0') }), 'resolution status disputed'],
    ['UMA "Proposed" (lower-cased)', market({ resolutionStatus: 'Proposed', outcomePrices: prices('0', '1') }), 'resolution status proposed'],
  ])('%s → pending', (_name, m, why) => {
    expect(resolutionOf(m)).toEqual({ kind: 'pending', why });
  });
});

describe('payoutFor', () => {
  const m = market({ outcomePrices: prices('1', '0') });
  const payouts = [1_000_000n, 0n];

  it.each([
    ['token tok-yes', 'tok-yes', 'Yes', 1_000_000n],
    ['token tok-no', 'tok-no', 'No', 0n],
    // the token id wins over a contradicting label
    ['token tok-no labelled "Yes"', 'tok-no', 'Yes', 0n],
    ['token tok-yes labelled "No"', 'tok-yes', 'No', 1_000_000n],
    // unknown token: the label, case-insensitive
    ['unknown token, label "yes"', 'tok-?', 'yes', 1_000_000n],
    ['unknown token, label "NO"', 'tok-?', 'NO', 0n],
  ])('%s → %s', (_name, asset, label, expected) => {
    expect(payoutFor(m, payouts, asset, label)).toBe(expected);
  });

  it('a 50-50 market pays 0.5 on either side', () => {
    expect(payoutFor(m, [500_000n, 500_000n], 'tok-no', 'No')).toBe(500_000n);
  });

  it.each([
    ['unknown token and label', 'tok-?', 'Maybe'],
    ['empty token and label', '', ''],
    ['label with extra blanks', 'tok-?', ' Yes'],
  ])('throws InvariantError for %s', (_name, asset, label) => {
    expect(() => payoutFor(m, payouts, asset, label)).toThrow(InvariantError);
    expect(() => payoutFor(m, payouts, asset, label)).toThrow(/market 0xc1: no outcome for token/);
  });

  it('throws when the matched index has no payout', () => {
    expect(() => payoutFor(m, [1_000_000n], 'tok-no', 'No')).toThrow(InvariantError);
  });
});
