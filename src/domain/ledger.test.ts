// @backend-independent
import { describe, expect, it } from 'vitest';
import { InvariantError } from './errors.ts';
import { applyEntry, equityOf, foldLedger, isConserved, lockedOf, ZERO_BALANCES, type LedgerEntry } from './ledger.ts';
import { usdc } from './money.ts';

const e = (kind: LedgerEntry['kind'], amount: string, costBasis?: string): LedgerEntry =>
  ({ kind, amount: usdc(amount), ...(costBasis ? { costBasis: usdc(costBasis) } : {}) });

describe('ledger fold', () => {
  // Deposit 100; reserve 11 for 20 shares at 0.55; fill 20 at 0.52 (cost 10.40); release the 0.60 left;
  // sell 10 for 6.00 (basis 5.20); fee 0.05; settle the other 10 at 1 (basis 5.20); redeem
  const life: [LedgerEntry, { available: string; locked: string; cooldown: string; realized: string }][] = [
    [e('deposit', '100'), { available: '100', locked: '0', cooldown: '0', realized: '0' }],
    [e('reserve', '11'), { available: '89', locked: '11', cooldown: '0', realized: '0' }],
    [e('buy_fill', '10.40'), { available: '89', locked: '11', cooldown: '0', realized: '0' }],
    [e('release', '0.60'), { available: '89.6', locked: '10.4', cooldown: '0', realized: '0' }],
    [e('sell_fill', '6', '5.20'), { available: '95.6', locked: '5.2', cooldown: '0', realized: '0.8' }],
    [e('fee', '0.05'), { available: '95.55', locked: '5.2', cooldown: '0', realized: '0.75' }],
    [e('settlement', '10', '5.20'), { available: '95.55', locked: '0', cooldown: '10', realized: '5.55' }],
    [e('redemption', '10'), { available: '105.55', locked: '0', cooldown: '0', realized: '5.55' }],
  ];

  it.each(life.map(([entry, want], i) => [i, entry.kind, want] as const))('step %i (%s) keeps the identity', (i, _k, want) => {
    const b = foldLedger(life.slice(0, i + 1).map(([entry]) => entry));
    expect({ available: b.available, locked: lockedOf(b), cooldown: b.cooldown, realized: b.realizedPnl }).toEqual({
      available: usdc(want.available), locked: usdc(want.locked), cooldown: usdc(want.cooldown), realized: usdc(want.realized),
    });
    expect(isConserved(b)).toBe(true);
    expect(equityOf(b)).toBe(usdc('100') + b.realizedPnl);
  });

  it.each([
    ['reserving more than is available', [e('deposit', '5'), e('reserve', '6')]],
    ['releasing more than is reserved', [e('deposit', '5'), e('reserve', '2'), e('release', '3')]],
    ['filling more than is reserved', [e('deposit', '5'), e('reserve', '2'), e('buy_fill', '2.01')]],
    ['redeeming more than settled', [e('deposit', '5'), e('redemption', '1')]],
  ])('refuses %s instead of clipping', (_name, entries) => {
    expect(() => foldLedger(entries)).toThrow(InvariantError);
  });

  it('refuses a negative amount', () => {
    expect(() => applyEntry(ZERO_BALANCES, { kind: 'deposit', amount: usdc('-1') })).toThrow(InvariantError);
  });

  it('lets equity grow past the initial capital (no cap on profits)', () => {
    const b = foldLedger([e('deposit', '100'), e('reserve', '50'), e('buy_fill', '50'), e('sell_fill', '80', '50')]);
    expect(equityOf(b)).toBe(usdc('130'));
  });
});
