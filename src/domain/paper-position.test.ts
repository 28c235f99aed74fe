// @backend-independent
import { describe, expect, it } from 'vitest';
import { price, shares, usdc } from './money.ts';
import { cashOf, closeFraction, closePart, openPaper, settle, type OpenPart } from './paper-position.ts';

const open = (s: string, cost: string): OpenPart => ({ shares: shares(s), cost: usdc(cost) });

describe('openPaper: shares = cost / entry price, rounded down', () => {
  it.each([
    ['10', '0.4', '25'], // exact
    ['1', '0.3', '3.333333'], // 3.3333333… → down
    ['1.20', '0.47141', '2.545554'], // 2.5455548… → down
    ['1', '0.9999', '1.0001'], // 1.00010001… → down
    ['0.5', '0.000002', '250000'],
  ])('$%s at %s → %s shares', (cost, entry, expected) => {
    expect(openPaper(usdc(cost), price(entry))).toEqual(open(expected, cost));
  });
});

describe('closeFraction: close the fraction the trader sold, at the sell price', () => {
  it.each([
    // 40 of 100 → 40% of 25 = 10 shares; basis 10 × 10/25 = 4; proceeds 10 × 0.6 = 6; pnl +2
    ['40 of 100 at 0.60', open('25', '10'), '40', '100', '0.6', { shares: '10', proceeds: '6', costBasis: '4', pnl: '2', full: false }],
    // same fraction at a loss: proceeds 10 × 0.3 = 3; pnl −1
    ['40 of 100 at 0.30', open('25', '10'), '40', '100', '0.3', { shares: '10', proceeds: '3', costBasis: '4', pnl: '-1', full: false }],
    // 1 of 3 → 3.333333/3 = 1.111111 shares; basis 1 × 1.111111/3.333333 = 0.33333333… → 0.333333;
    // proceeds 1.111111 × 0.5 = 0.5555555 → down 0.555555; pnl 0.222222
    ['1 of 3 at 0.50', open('3.333333', '1'), '1', '3', '0.5', { shares: '1.111111', proceeds: '0.555555', costBasis: '0.333333', pnl: '0.222222', full: false }],
    // all of it: 25 × 0.6 = 15; pnl 5
    ['100 of 100', open('25', '10'), '100', '100', '0.6', { shares: '25', proceeds: '15', costBasis: '10', pnl: '5', full: true }],
    ['150 of 100 (more than held)', open('25', '10'), '150', '100', '0.6', { shares: '25', proceeds: '15', costBasis: '10', pnl: '5', full: true }],
    ['5 of 0 held (holdings unknown)', open('25', '10'), '5', '0', '0.6', { shares: '25', proceeds: '15', costBasis: '10', pnl: '5', full: true }],
    // 0.000001 of 100 → 25 × 0.00000001 = 0.00000025 → down to 0 shares: nothing closes
    ['a dust sell closes nothing', open('25', '10'), '0.000001', '100', '0.6', { shares: '0', proceeds: '0', costBasis: '0', pnl: '0', full: false }],
  ])('%s', (_name, part, sold, held, at, expected) => {
    expect(closeFraction(part, shares(sold), shares(held), price(at))).toEqual({
      shares: shares(expected.shares), proceeds: usdc(expected.proceeds), costBasis: usdc(expected.costBasis),
      pnl: usdc(expected.pnl), full: expected.full,
    });
  });
});

describe('closePart', () => {
  it('a portion above the open shares closes exactly what is open', () => {
    // 30 > 25: closes 25 at 0.8 = 20, basis the whole 10
    expect(closePart(open('25', '10'), shares('30'), 800_000n)).toEqual({
      shares: shares('25'), proceeds: usdc('20'), costBasis: usdc('10'), pnl: usdc('10'), full: true,
    });
  });

  it('pro-rata basis rounds half-even: 0.666667 × 1.111111/2.222222 = 0.3333335 → 0.333334', () => {
    expect(closePart(open('2.222222', '0.666667'), shares('1.111111'), 500_000n).costBasis).toBe(usdc('0.333334'));
  });
});

describe('two partial closes then settlement conserve cost and shares', () => {
  it.each([
    {
      name: 'round numbers',
      start: open('25', '10'),
      // 1st: 40 of 100 → 10 shares, basis 4 → left 15 / 6
      // 2nd: 30 of 60 → 7.5 shares, basis 3 → left 7.5 / 3; settle at 1 → proceeds 7.5, pnl 4.5
      sells: [['40', '100', '0.6'], ['30', '60', '0.7']] as const,
      payout: 1_000_000n,
      closes: [['10', '4', '6'], ['7.5', '3', '5.25'], ['7.5', '3', '7.5']],
    },
    {
      name: 'rounded thirds',
      start: open('3.333333', '1'),
      // 1st: 1 of 3 → 1.111111 shares, basis 0.333333 → left 2.222222 / 0.666667
      // 2nd: 1 of 2 → 1.111111 shares, basis 0.3333335 → half-even 0.333334 → left 1.111111 / 0.333333
      // settle at 0 → proceeds 0, basis 0.333333
      sells: [['1', '3', '0.5'], ['1', '2', '0.5']] as const,
      payout: 0n,
      closes: [['1.111111', '0.333333', '0.555555'], ['1.111111', '0.333334', '0.555555'], ['1.111111', '0.333333', '0']],
    },
  ])('$name', ({ start, sells, payout, closes }) => {
    let part = start;
    const results = [];
    for (const [sold, held, at] of sells) {
      const close = closeFraction(part, shares(sold), shares(held), price(at));
      expect(close.full).toBe(false);
      results.push(close);
      part = { shares: shares('0') + part.shares - close.shares, cost: usdc('0') + part.cost - close.costBasis } as OpenPart;
    }
    results.push(settle(part, payout));
    expect(results.map((c) => [c.shares, c.costBasis, c.proceeds]))
      .toEqual(closes.map(([s, basis, proceeds]) => [shares(s!), usdc(basis!), usdc(proceeds!)]));
    expect(results.reduce((sum, c) => sum + c.costBasis, 0n)).toBe(start.cost);
    expect(results.reduce((sum, c) => sum + c.shares, 0n)).toBe(start.shares);
  });
});

describe('settle', () => {
  it.each([
    // 25 shares bought for $10 (entry 0.40)
    ['payout 1 → WON, pnl = shares − cost', 1_000_000n, 'WON', '25', '15'],
    ['payout 0 → LOST, pnl = −cost', 0n, 'LOST', '0', '-10'],
    ['payout 0.5 → VOID (50-50)', 500_000n, 'VOID', '12.5', '2.5'],
    ['payout 0.3 → VOID (fractional)', 300_000n, 'VOID', '7.5', '-2.5'],
  ] as const)('%s', (_name, payout, outcome, proceeds, pnl) => {
    expect(settle(open('25', '10'), payout)).toEqual({
      shares: shares('25'), proceeds: usdc(proceeds), costBasis: usdc('10'), pnl: usdc(pnl), full: true, outcome,
    });
  });

  it('WON pnl matches the spec formula sz × (1 − ep) / ep: $1.20 at 0.47141', () => {
    // shares 2.545554 (rounded down); pnl = 2.545554 − 1.20 = 1.345554
    const part = openPaper(usdc('1.20'), price('0.47141'));
    expect(settle(part, 1_000_000n).pnl).toBe(usdc('1.345554'));
  });

  it('rounds proceeds down on a fractional payout: 3.333333 × 0.5 = 1.6666665 → 1.666666', () => {
    expect(settle(open('3.333333', '1'), 500_000n)).toMatchObject({ proceeds: usdc('1.666666'), pnl: usdc('0.666666') });
  });
});

describe('cashOf = starting + realized − open cost', () => {
  it.each([
    ['1000', '0', '0', '1000'],
    ['1000', '15', '30', '985'],
    ['1000', '-25.5', '10.25', '964.25'],
    ['100', '-100', '1', '-1'], // can go negative; never topped up
  ])('starting %s, realized %s, open %s → %s', (starting, realized, openCost, expected) => {
    expect(cashOf(usdc(starting), usdc(realized), usdc(openCost))).toBe(usdc(expected));
  });
});
