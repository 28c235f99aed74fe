// @backend-independent
/** LT pricing (limits, book walks, slippage, sizes) and the ledger's closed-form balances against the domain fold */
import { describe, expect, it } from 'vitest';
import { foldLedger, isConserved, type LedgerEntry } from '../domain/ledger.ts';
import { price, ratio, shares, usdc, type Usdc } from '../domain/money.ts';
import { Prng } from '../domain/prng.ts';
import { balancesFromSums, type LedgerSums } from '../domain/ledger.ts';
import { viewOf, walkBook } from '../domain/book.ts';
import { entryShares, exitShares, limitPriceFor, pctText, slippageOf, toleranceOf } from './lt-pricing.ts';

const level = (p: string, size: string) => ({ price: price(p), size: shares(size) });
const TICK = 10_000n;

describe('LT pricing', () => {
  it('reads the best bid and ask by price, never by array position (INV-34)', () => {
    const view = viewOf({ bids: [level('0.40', '5'), level('0.45', '5')], asks: [level('0.60', '5'), level('0.55', '5')] });
    expect([view.bestBid, view.bestAsk, view.mid]).toEqual([price('0.45'), price('0.55'), price('0.5')]);
  });

  it.each([
    ['BUY', '0.5', '0.5', '0.50'], // 0.5025 rounds down to the tick: never wider than the tolerance
    ['BUY', '0.5', '2', '0.51'],
    ['SELL', '0.5', '0.5', '0.50'], // 0.4975 rounds up
    ['SELL', '0.5', '2', '0.49'],
    ['BUY', '0.995', '1', '0.99'], // clamped into the venue's range, in our favour
  ] as const)('%s limit from %s at %s %% is %s', (side, signal, pct, want) => {
    expect(limitPriceFor(side, price(signal), toleranceOf(ratio(pct)), TICK)).toBe(price(want));
  });

  it('refuses a limit that clamping would push past the tolerance', () => {
    expect(limitPriceFor('BUY', price('0.004'), ratio('0'), TICK)).toBeNull();
    expect(limitPriceFor('SELL', price('0.999'), ratio('0'), TICK)).toBeNull();
  });

  it('walks asks for a BUY: VWAP of the size, rounded against us, stopping at a limit', () => {
    const view = viewOf({ bids: [], asks: [level('0.51', '10'), level('0.50', '10')] });
    expect(walkBook(view, 'BUY', shares('15'))).toMatchObject({ filled: shares('15'), vwap: price('0.503334') });
    expect(walkBook(view, 'BUY', shares('15'), price('0.50'))).toMatchObject({ filled: shares('10'), vwap: price('0.5') });
    expect(walkBook(viewOf({ bids: [], asks: [] }), 'BUY', shares('1')).vwap).toBeNull();
  });

  it('signs slippage so that positive is worse, and prints percent', () => {
    expect(slippageOf('BUY', price('0.5'), price('0.52'))).toBe(ratio('0.04'));
    expect(slippageOf('SELL', price('0.5'), price('0.52'))).toBe(ratio('-0.04'));
    expect(pctText(ratio('0.04'))).toBe('4.0000');
    expect(pctText(ratio('-0.000123'))).toBe('-0.0123');
  });

  it('sizes a BUY with the LT clamps: max cuts, min raises to a reachable lot, otherwise rounds down', () => {
    expect(entryShares(usdc('10'), price('0.3'), usdc('1'), usdc('100'))).toBe(shares('33.33'));
    expect(entryShares(usdc('10'), price('0.5'), null, usdc('5'))).toBe(shares('10'));
    expect(entryShares(usdc('0.5'), price('0.3'), usdc('1'), null)).toBe(shares('3.34')); // 3.34 × 0.3 ≥ 1
  });

  it('sells the fraction f of what is sellable, never more, on the 2-decimal lot', () => {
    expect(exitShares(shares('20'), shares('40'), shares('100'))).toBe(shares('8'));
    expect(exitShares(shares('20'), shares('150'), shares('100'))).toBe(shares('20'));
    expect(exitShares(shares('0.009'), shares('1'), shares('1'))).toBe(0n);
  });
});

describe('ledger balances from per-kind sums', () => {
  /** A random valid life: deposits, reservations, partial fills, releases, sales, fees, settlements, redemptions */
  function randomLife(rng: Prng): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    let b = foldLedger([]);
    const push = (e: LedgerEntry) => {
      b = foldLedger([e], b);
      out.push(e);
    };
    const u = (max: bigint) => (BigInt(rng.int(0, 1_000_000)) * max) / 1_000_000n as Usdc;
    push({ kind: 'deposit', amount: usdc('1000') });
    for (let i = 0; i < 60; i++) {
      const pick = rng.int(0, 7);
      if (pick === 0) push({ kind: 'reserve', amount: u(b.available) });
      else if (pick === 1) push({ kind: 'buy_fill', amount: u(b.reserved) });
      else if (pick === 2) push({ kind: 'release', amount: u(b.reserved) });
      else if (pick === 3) push({ kind: 'sell_fill', amount: u(usdc('50')), costBasis: u(b.positionCost) });
      else if (pick === 4) push({ kind: 'fee', amount: u(b.available < 100_000n ? b.available : 100_000n as Usdc) });
      else if (pick === 5) push({ kind: 'settlement', amount: u(usdc('50')), costBasis: u(b.positionCost) });
      else if (pick === 6) push({ kind: 'redemption', amount: u(b.cooldown) });
      else push({ kind: 'withdrawal', amount: u(b.available) });
    }
    return out;
  }

  it('equals the row-by-row fold of the domain for 200 random lives, and conserves', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const life = randomLife(new Prng(seed));
      const totals: LedgerSums = {};
      for (const e of life) {
        const t = (totals[e.kind] ??= { amount: 0n, costBasis: 0n });
        t.amount += e.amount;
        t.costBasis += e.costBasis ?? 0n;
      }
      const summed = balancesFromSums(totals);
      expect(summed).toEqual(foldLedger(life));
      expect(isConserved(summed)).toBe(true);
    }
  });

  it('refuses sums that leave a bucket below zero', () => {
    expect(() => balancesFromSums({ deposit: { amount: 5n, costBasis: 0n }, reserve: { amount: 6n, costBasis: 0n } })).toThrow();
  });
});
