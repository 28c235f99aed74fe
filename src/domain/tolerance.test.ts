// @backend-independent
/** The slippage tolerance modes, worked by hand on a 0.01-tick market */
import { describe, expect, it } from 'vitest';
import { price, ratio, type Price } from './money.ts';
import { allowanceFor, checkSlippage, decideTolerance, limitPriceFor, spreadOf, toleranceOf, type Quote, type TolerancePolicy } from './tolerance.ts';

const TICK = 10_000n; // 0.01
/** slippage_tolerance_pct text (percent) in micro-percent */
const pct = (text: string) => ratio(text) as bigint;
const fixed = (p: string): TolerancePolicy => ({ mode: 'fixed_pct', pct: pct(p), ticks: null, spreadMultiple: null });
const ticks = (n: bigint, cap: string): TolerancePolicy => ({ mode: 'ticks', pct: pct(cap), ticks: n, spreadMultiple: null });
const spread = (k: string, cap: string): TolerancePolicy => ({ mode: 'spread', pct: pct(cap), ticks: null, spreadMultiple: ratio(k) });
const quote = (bid: string | null, ask: string | null, tick = TICK): Quote =>
  ({ tick, bestBid: bid === null ? null : price(bid), bestAsk: ask === null ? null : price(ask) });
const P = (t: string): Price => price(t);

describe('tolerance modes', () => {
  it('fixed_pct is today\'s rule: 0.5 % at 0.20 leaves the limit at 0.20, and a one-tick move is 5 % (skipped)', () => {
    const a = allowanceFor(fixed('0.5'), 'BUY', P('0.20'), quote('0.19', '0.21'));
    expect(a).toEqual({ limit: P('0.20'), distance: null, allowed: ratio('0.005'), basis: 'fixed_pct' });
    expect(a.limit).toBe(limitPriceFor('BUY', P('0.20'), toleranceOf(pct('0.5')), TICK));
    expect(checkSlippage(a, 'BUY', P('0.20'), P('0.21'))).toEqual({ ok: false, slippage: ratio('0.05') });
    expect(checkSlippage(a, 'BUY', P('0.20'), P('0.201'))).toEqual({ ok: true, slippage: ratio('0.005') });
  });

  it('ticks 1 at 0.20 with a 10 % cap: one tick (0.01) = 5 %, limit 0.21; 0.21 passes, 0.210001 does not', () => {
    const a = allowanceFor(ticks(1n, '10'), 'BUY', P('0.20'), quote('0.19', '0.21'));
    expect(a).toEqual({ limit: P('0.21'), distance: 10_000n, allowed: ratio('0.05'), basis: 'ticks' });
    expect(checkSlippage(a, 'BUY', P('0.20'), P('0.21')).ok).toBe(true);
    expect(checkSlippage(a, 'BUY', P('0.20'), P('0.210001')).ok).toBe(false);
  });

  it('ticks 1 at 0.20 with a 0.5 % cap: the cap binds, exactly the fixed_pct rule at 0.5 %', () => {
    const a = allowanceFor(ticks(1n, '0.5'), 'BUY', P('0.20'), quote('0.19', '0.21'));
    expect(a).toEqual({ limit: P('0.20'), distance: null, allowed: ratio('0.005'), basis: 'cap' });
    expect(checkSlippage(a, 'BUY', P('0.20'), P('0.21')).ok).toBe(false);
  });

  it('a distance equal to the cap is within it; one tick more and the cap binds', () => {
    // SELL at 0.20: 2 ticks = 0.02 = 10 % exactly, limit 0.18; 3 ticks = 15 % > 10 %: limit 0.20 × 0.9 = 0.18
    expect(allowanceFor(ticks(2n, '10'), 'SELL', P('0.20'), quote(null, null)))
      .toEqual({ limit: P('0.18'), distance: 20_000n, allowed: ratio('0.1'), basis: 'ticks' });
    expect(allowanceFor(ticks(3n, '10'), 'SELL', P('0.20'), quote(null, null)))
      .toEqual({ limit: P('0.18'), distance: null, allowed: ratio('0.1'), basis: 'cap' });
  });

  it('compares the cap exactly: one tick at 0.30 is 3.3333… %, above a 3.3333 % cap and within 3.3334 %', () => {
    expect(allowanceFor(ticks(1n, '3.3333'), 'BUY', P('0.30'), quote(null, null)).basis).toBe('cap');
    expect(allowanceFor(ticks(1n, '3.3334'), 'BUY', P('0.30'), quote(null, null)))
      .toEqual({ limit: P('0.31'), distance: 10_000n, allowed: ratio('0.033333'), basis: 'ticks' });
  });

  it('rounds an off-grid signal towards it: BUY 0.205 + 1 tick → 0.21, SELL 0.205 − 1 tick → 0.20', () => {
    expect(allowanceFor(ticks(1n, '10'), 'BUY', P('0.205'), quote(null, null)))
      .toEqual({ limit: P('0.21'), distance: 10_000n, allowed: ratio('0.04878'), basis: 'ticks' }); // 0.01/0.205 = 0.0487804…
    expect(allowanceFor(ticks(1n, '10'), 'SELL', P('0.205'), quote(null, null)).limit).toBe(P('0.20'));
  });

  it('clamps into the venue range in our favour: BUY 0.995 + 1 tick → 0.99', () => {
    expect(allowanceFor(ticks(1n, '10'), 'BUY', P('0.995'), quote(null, null)).limit).toBe(P('0.99'));
    expect(allowanceFor(ticks(0n, '10'), 'BUY', P('0.004'), quote(null, null)).limit).toBeNull(); // 0.004 → tick 0.01 would pay more
  });

  it('spread 1 × (0.21 − 0.19) at 0.20 with a 20 % cap: 0.02 = 10 %, limit 0.22', () => {
    expect(allowanceFor(spread('1', '20'), 'BUY', P('0.20'), quote('0.19', '0.21')))
      .toEqual({ limit: P('0.22'), distance: 20_000n, allowed: ratio('0.1'), basis: 'spread' });
  });

  it('spread 0.5 × 0.03 = 0.015: limit rounds down to 0.21, while a VWAP of 0.215 is still within 0.015', () => {
    const a = allowanceFor(spread('0.5', '20'), 'BUY', P('0.20'), quote('0.19', '0.22'));
    expect(a).toEqual({ limit: P('0.21'), distance: 15_000n, allowed: ratio('0.075'), basis: 'spread' });
    expect(checkSlippage(a, 'BUY', P('0.20'), P('0.215')).ok).toBe(true);
    expect(checkSlippage(a, 'BUY', P('0.20'), P('0.215001')).ok).toBe(false);
  });

  it.each([
    ['one-sided (no bid)', null, '0.21'],
    ['one-sided (no ask)', '0.19', null],
    ['empty', null, null],
    ['crossed', '0.22', '0.21'],
    ['locked', '0.21', '0.21'],
  ] as const)('a %s book gives no spread: the cap rules (the fixed_pct rule at the percentage)', (_n, bid, ask) => {
    expect(spreadOf(quote(bid, ask))).toBeNull();
    expect(allowanceFor(spread('1', '2'), 'BUY', P('0.50'), quote(bid, ask)))
      .toEqual({ limit: P('0.51'), distance: null, allowed: ratio('0.02'), basis: 'cap_no_spread' });
  });

  it('decides a recorded signal: ordered, skipped for slippage, or no price on the grid', () => {
    const q = quote('0.19', '0.21');
    expect(decideTolerance(ticks(1n, '10'), 'BUY', P('0.20'), q, P('0.21'))).toMatchObject({ kind: 'ok', slippage: ratio('0.05') });
    expect(decideTolerance(fixed('0.5'), 'BUY', P('0.20'), q, P('0.21'))).toMatchObject({ kind: 'slippage', slippage: ratio('0.05') });
    expect(decideTolerance(fixed('0.5'), 'BUY', P('0.20'), q, null)).toMatchObject({ kind: 'ok', slippage: null });
    expect(decideTolerance(fixed('0'), 'SELL', P('0.999'), q, P('0.99'))).toMatchObject({ kind: 'price_range' });
  });

  it('refuses a policy without its parameter or with a negative value', () => {
    expect(() => allowanceFor({ ...ticks(1n, '1'), ticks: null }, 'BUY', P('0.5'), quote(null, null))).toThrow(/ticks/);
    expect(() => allowanceFor(ticks(-1n, '1'), 'BUY', P('0.5'), quote(null, null))).toThrow(/ticks/);
    expect(() => allowanceFor(spread('0', '1'), 'BUY', P('0.5'), quote('0.4', '0.6'))).toThrow(/multiple/);
    expect(() => allowanceFor(fixed('-1'), 'BUY', P('0.5'), quote(null, null))).toThrow(/negative/);
  });
});
