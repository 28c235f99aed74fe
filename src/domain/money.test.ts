// @backend-independent
import { describe, expect, it } from 'vitest';
import { InvariantError } from './errors.ts';
import {
  costOf, decimalPlaces, decimalText, divMicro, exactDecimalText, divRound, formatMicros, mulMicro, parseMicros, price, proceedsOf, ratio,
  roundToCents, shares, sharesFor, usdc, type Rounding,
} from './money.ts';

describe('parseMicros', () => {
  it.each([
    ['0', 0n],
    ['1', 1_000_000n],
    ['1.5', 1_500_000n], // 1.5 × 10^6
    ['0.000001', 1n], // the smallest unit
    ['123.456789', 123_456_789n],
    ['-0.25', -250_000n],
    ['-0.000001', -1n],
    ['  2.50  ', 2_500_000n], // surrounding blanks are trimmed
    ['007.10', 7_100_000n],
    ['1000000000', 1_000_000_000_000_000n],
  ])('%j → %s micros', (text, expected) => {
    expect(parseMicros(text)).toBe(expected);
  });

  it.each([
    ['1.1234567'], // 7 decimals
    ['0.0000001'], // below one micro: refused rather than silently rounded to 0
    ['-2.0000005'],
  ])('refuses %j (more than 6 decimals) without a rounding', (text) => {
    expect(() => parseMicros(text)).toThrow(InvariantError);
    expect(() => parseMicros(text)).toThrow(/more than 6 decimals/);
  });

  it.each([
    // 1.1234567 = 1123456.7 micros
    ['1.1234567', 'down', 1_123_456n],
    ['1.1234567', 'up', 1_123_457n],
    ['1.1234567', 'half_up', 1_123_457n],
    ['1.1234567', 'half_even', 1_123_457n],
    // 0.0000005 = 0.5 micros: exact half
    ['0.0000005', 'half_up', 1n],
    ['0.0000005', 'half_even', 0n], // 0 is even
    ['0.0000015', 'half_even', 2n], // 1.5 → 2 (even)
    ['0.0000025', 'half_even', 2n], // 2.5 → 2 (even)
    ['0.00000149999', 'half_up', 1n], // 1.49999 → 1
    ['-0.0000015', 'half_even', -2n], // symmetric: −1.5 → −2
  ] as const)('%j with %s → %s', (text, rounding, expected) => {
    expect(parseMicros(text, rounding)).toBe(expected);
  });

  it.each([
    ['1e5'], ['1E-3'], ['NaN'], ['Infinity'], [''], ['   '], ['.5'], ['5.'], ['+1'], ['1,5'], ['0x10'], ['1 000'], ['--1'],
  ])('refuses %j', (text) => {
    expect(() => parseMicros(text)).toThrow(InvariantError);
    expect(() => parseMicros(text, 'half_even')).toThrow(InvariantError);
  });
});

describe('formatMicros', () => {
  it.each([
    [0n, 6, '0.000000'],
    [1n, 6, '0.000001'],
    [1_500_000n, 6, '1.500000'],
    [-1n, 6, '-0.000001'],
    [-250_000n, 6, '-0.250000'],
    [123_456_789n, 2, '123.46'], // 12345.6789 cents → 12346
    [1_005_000n, 2, '1.00'], // 100.5 cents, half-even → 100
    [1_015_000n, 2, '1.02'], // 101.5 cents, half-even → 102
    [-1_005_000n, 2, '-1.00'], // −100.5 → −100 (even)
    [-4_000n, 2, '0.00'], // −0.4 cents rounds to 0, printed without a minus sign
    [2_500_000n, 0, '2'], // 2.5 → 2 (even)
    [3_500_000n, 0, '4'], // 3.5 → 4 (even)
    [1_234_567n, 3, '1.235'], // 1234.567 → 1235
  ])('%s micros at %i dp → %j', (micros, dp, expected) => {
    expect(formatMicros(micros, dp)).toBe(expected);
  });

  it.each([0n, 1n, -1n, 999_999n, 1_000_000n, 47_141n, -123_456_789n, 10n ** 18n + 7n])(
    'parseMicros(formatMicros(%s)) round-trips', (micros) => {
      expect(parseMicros(formatMicros(micros))).toBe(micros);
    });

  it.each(['0.000000', '0.471410', '-3.141593', '1000000.000001'])('formatMicros(parseMicros(%j)) round-trips', (text) => {
    expect(formatMicros(parseMicros(text))).toBe(text);
  });
});

describe('divRound', () => {
  // numerator / divisor, then each mode: down = floor, up = ceiling, half_up = nearest with halves toward
  // +∞, half_even = nearest with halves to the even neighbour
  it.each([
    // 7/2 = 3.5
    [7n, 2n, { down: 3n, up: 4n, half_up: 4n, half_even: 4n }],
    // 5/2 = 2.5
    [5n, 2n, { down: 2n, up: 3n, half_up: 3n, half_even: 2n }],
    // −7/2 = −3.5: floor −4, ceiling −3; −4 is even
    [-7n, 2n, { down: -4n, up: -3n, half_up: -3n, half_even: -4n }],
    // −5/2 = −2.5: floor −3, ceiling −2; −2 is even
    [-5n, 2n, { down: -3n, up: -2n, half_up: -2n, half_even: -2n }],
    // 10/3 = 3.33…
    [10n, 3n, { down: 3n, up: 4n, half_up: 3n, half_even: 3n }],
    // 11/3 = 3.67…
    [11n, 3n, { down: 3n, up: 4n, half_up: 4n, half_even: 4n }],
    // −10/3 = −3.33…
    [-10n, 3n, { down: -4n, up: -3n, half_up: -3n, half_even: -3n }],
    // −11/3 = −3.67…
    [-11n, 3n, { down: -4n, up: -3n, half_up: -4n, half_even: -4n }],
    // exact quotients are never moved
    [6n, 3n, { down: 2n, up: 2n, half_up: 2n, half_even: 2n }],
    [-6n, 3n, { down: -2n, up: -2n, half_up: -2n, half_even: -2n }],
    [0n, 5n, { down: 0n, up: 0n, half_up: 0n, half_even: 0n }],
    // −1/2 = −0.5: floor −1, ceiling 0
    [-1n, 2n, { down: -1n, up: 0n, half_up: 0n, half_even: 0n }],
  ])('%s / %s', (numerator, divisor, expected) => {
    for (const mode of ['down', 'up', 'half_up', 'half_even'] as const) {
      expect([mode, divRound(numerator, divisor, mode)]).toEqual([mode, expected[mode]]);
    }
  });

  it.each([0n, -1n, -10n])('refuses divisor %s', (divisor) => {
    expect(() => divRound(10n, divisor, 'down')).toThrow(InvariantError);
  });
});

describe('costOf / proceedsOf / sharesFor', () => {
  it.each([
    // shares × price, exact: 100 × 0.47 = 47
    ['100', '0.47', '47', '47'],
    // 2.000001 × 0.47 = 0.94000047: cost rounds up to 0.940001, proceeds down to 0.940000
    ['2.000001', '0.47', '0.940001', '0.94'],
    // 0.000001 × 0.5 = 0.0000005: cost 0.000001, proceeds 0
    ['0.000001', '0.5', '0.000001', '0'],
    // 3 × 0.333333 = 0.999999 exactly
    ['3', '0.333333', '0.999999', '0.999999'],
  ])('%s shares at %s: cost %s, proceeds %s', (size, at, cost, proceeds) => {
    expect(costOf(shares(size), price(at))).toBe(usdc(cost));
    expect(proceedsOf(shares(size), price(at))).toBe(usdc(proceeds));
  });

  it('proceedsOf accepts a payout of exactly 1 (a winning share)', () => {
    // 2.5 shares × 1 = 2.5
    expect(proceedsOf(shares('2.5'), 1_000_000n)).toBe(usdc('2.5'));
  });

  it.each([
    ['10', '0.4', '25'], // 10 / 0.4 = 25 exactly
    ['1', '0.3', '3.333333'], // 3.3333333… → down
    ['1.20', '0.47141', '2.545554'], // 1.2 / 0.47141 = 2.5455548… → down
    ['1', '0.999999', '1.000001'], // 1.000001000001… → down
    ['0.000001', '0.7', '0.000001'], // 1.428… micro-shares → 1
  ])('sharesFor(%s USDC at %s) = %s, rounded down', (amount, at, expected) => {
    expect(sharesFor(usdc(amount), price(at))).toBe(shares(expected));
  });
});

describe('price', () => {
  it.each(['0', '1', '1.000001', '-0.1', '2', '-0'])('refuses %j (outside (0, 1))', (text) => {
    expect(() => price(text)).toThrow(InvariantError);
  });

  it.each([
    ['0.000001', 1n],
    ['0.5', 500_000n],
    ['0.999999', 999_999n],
  ])('accepts %j', (text, micros) => {
    expect(price(text)).toBe(micros);
  });

  it('refuses a price that only rounds onto 1', () => {
    // 0.9999995 half-even → 999999.5 → 1000000 (even) = 1
    expect(() => price('0.9999995', 'half_even')).toThrow(InvariantError);
    // rounded down it stays inside
    expect(price('0.9999995', 'down')).toBe(999_999n);
  });
});

describe('decimalText', () => {
  it.each([
    [0.999, '0.999'],
    [100.1, '100.1'], // not 100.09999999999999
    [0.1 + 0.2, '0.30000000000000004'], // the double's shortest round-trip text
    [1e-7, '0.0000001'], // String gives "1e-7"
    [-2.5e-7, '-0.00000025'],
    [1.23456789e-7, '0.000000123457'], // toFixed(12) rounds past 12 places
    [1e-13, '0'], // below 12 places
    [47, '47'],
    [-0, '0'],
    [1e20, '100000000000000000000'],
    ['0.47', '0.47'],
    ['  12.5 ', '12.5'],
  ])('%j → %j', (value, expected) => {
    expect(decimalText(value)).toBe(expected);
  });

  it.each([
    [Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY], ['1e5'], [''], ['abc'], [true], [null],
    [undefined], [{}], [[1]], [1e21], [-1e21], // toFixed writes 1e21 as "1e+21"
  ])('%j → null', (value) => {
    expect(decimalText(value)).toBeNull();
  });

  it('feeds parseMicros: 0.999 → 999000 micros, 1e-7 → refused unless rounded', () => {
    expect(parseMicros(decimalText(0.999)!)).toBe(999_000n);
    expect(() => parseMicros(decimalText(1e-7)!)).toThrow(InvariantError);
    expect(parseMicros(decimalText(1e-7)!, 'half_even')).toBe(0n); // 0.1 micro → 0
  });
});

describe('exactDecimalText', () => {
  it.each([
    [1e-7, '0.0000001'], [-2.5e-7, '-0.00000025'], [1.23456789e-7, '0.000000123456789'], [1e-13, '0.0000000000001'],
    [5e-324, `0.${'0'.repeat(323)}5`], [1e21, '1000000000000000000000'], [1.5e300, `15${'0'.repeat(299)}`], [0.999, '0.999'],
    [0.1 + 0.2, '0.30000000000000004'], [47, '47'], [-0, '0'], ['  12.50 ', '12.50'], ['1.0000001', '1.0000001'],
  ])('%j → %j (never rounded)', (value, expected) => {
    expect(exactDecimalText(value)).toBe(expected);
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], ['1e5'], [''], [true], [null], [{}]])('%j → null', (value) => {
    expect(exactDecimalText(value)).toBeNull();
  });

  it('counts the decimals a value carries past its trailing zeros', () => {
    expect([decimalPlaces('1'), decimalPlaces('1.50'), decimalPlaces('1.0000000'), decimalPlaces('0.0000001'), decimalPlaces('-2.125')])
      .toEqual([0, 1, 0, 7, 3]);
  });
});

describe('mulMicro / divMicro / roundToCents', () => {
  it.each([
    ['1.2', '0.333333', 'half_even', '0.4'], // 0.3999996 → 0.400000
    ['0.000001', '0.5', 'half_even', '0'], // 0.0000005 → 0 (even)
    ['0.000003', '0.5', 'half_even', '0.000002'], // 1.5 micros → 2 (even)
    ['0.000001', '0.5', 'half_up', '0.000001'],
    ['-1.5', '2', 'half_even', '-3'],
  ] as [string, string, Rounding, string][])('mulMicro(%s, %s, %s) = %s', (a, b, mode, expected) => {
    expect(mulMicro(ratio(a), ratio(b), mode)).toBe(ratio(expected));
  });

  it.each([
    ['47', '40', '1.175'], // conviction 47 / 40
    ['1', '3', '0.333333'],
    ['2', '3', '0.666667'],
    ['1', '-4', '-0.25'], // a negative divisor is allowed here
  ])('divMicro(%s, %s) = %s', (a, b, expected) => {
    expect(divMicro(ratio(a), ratio(b))).toBe(ratio(expected));
  });

  it('divMicro refuses zero', () => {
    expect(() => divMicro(1n, 0n)).toThrow(InvariantError);
  });

  it.each([
    ['1.234567', 'half_up', '1.23'],
    ['1.245', 'half_up', '1.25'], // exact half → up
    ['1.245', 'half_even', '1.24'], // exact half → 124 (even)
    ['1.005', 'half_up', '1.01'],
    ['0.004999', 'half_up', '0'],
    ['-3.368396', 'half_up', '-3.37'],
  ] as [string, Rounding, string][])('roundToCents(%s, %s) = %s', (amount, mode, expected) => {
    expect(roundToCents(usdc(amount), mode)).toBe(usdc(expected));
  });
});
