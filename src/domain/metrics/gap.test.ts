// @backend-independent
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../errors.ts';
import { price, SCALE, shares, usdc, type Price, type Shares, type Usdc } from '../money.ts';
import { Prng } from '../prng.ts';
import { apportion, delayTiming, equityAtMark, GAP_PARTS, legGap, legGapPico, totalGap, type GapLegInput, type LegGap, type PicoGap } from './gap.ts';

/*
 * Why the five parts add up to L − F exactly (s = ±1, pico-units, fees f = feeUsdc + feeShares·P_end):
 *   delay + execution = −s·q·(M − P_ft) − s·(C − q·M)                 = s·q·P_ft − s·C
 *   + opportunity     = … − s·(Q − q)·(P_end − P_ft)                  = s·q·P_end − s·C − s·Q·P_end + s·Q·P_ft
 *   + sizing          = … + s·((Q − Q_ft)·P_end − Q·P_ft + C_ft)      = s·(q·P_end − C) − s·(Q_ft·P_end − C_ft)
 *   + fees            = … − f                                          = L − F
 * M, Q and P_ft cancel: they only say where the total is attributed, never what it is.
 */

const u = (text: string): Usdc => usdc(text);
const partsOf = (g: LegGap): bigint[] => GAP_PARTS.map((p) => g[p]);
const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

describe('legGap: worked examples', () => {
  it('a BUY partly filled late and above the signal, resolved YES', () => {
    // FT: 100 @ 0.50 for 50. LT: 80 of 100 filled for 80·0.52 = 41.6, fee 0.20 USDC, arrival mid 0.51. P_end = 1
    // L = (80·1 − 41.6) − 0.2 = 38.2; F = 100·1 − 50 = 50; total = −11.8
    // delay −80·(0.51 − 0.50) = −0.8; execution −(41.6 − 80·0.51) = −0.8; fees −0.2
    // opportunity −(100 − 80)·(1 − 0.50) = −10; sizing (100 − 100)·1 − (100·0.50 − 50) = 0
    // −0.8 − 0.8 − 0.2 − 10 + 0 = −11.8 ✓
    const g = legGap({
      side: 'BUY',
      ft: { shares: shares('100'), price: price('0.50'), cash: u('50') },
      lt: { intendedShares: shares('100'), filledShares: shares('80'), cash: u('41.6'), feeUsdc: u('0.2'), feeShares: shares('0'), arrivalMid: price('0.51') },
      horizonPrice: SCALE,
    });
    expect(g).toEqual({
      delay: u('-0.8'), execution: u('-0.8'), fees: u('-0.2'), opportunity: u('-10'), sizing: 0n,
      ltPnl: u('38.2'), ftPnl: u('50'), total: u('-11.8'),
    });
  });

  it('a SELL sized smaller, below the signal, with a fee in shares, marked at 0.60', () => {
    // s = −1. FT: sells 50 @ 0.70 for 35. LT: sells 40 of 40 for 40·0.68 = 27.2, fee 0.5 shares, arrival mid 0.69
    // L = −(40·0.6 − 27.2) − 0.5·0.6 = 3.2 − 0.3 = 2.9; F = −(50·0.6 − 35) = 5; total = −2.1
    // delay +40·(0.69 − 0.70) = −0.4; execution +(27.2 − 40·0.69) = −0.4; fees −0.3
    // opportunity +(40 − 40)·(0.6 − 0.7) = 0; sizing −((40 − 50)·0.6 − (40·0.7 − 35)) = −(−6 + 7) = −1
    // −0.4 − 0.4 − 0.3 + 0 − 1 = −2.1 ✓
    const g = legGap({
      side: 'SELL',
      ft: { shares: shares('50'), price: price('0.70'), cash: u('35') },
      lt: { intendedShares: shares('40'), filledShares: shares('40'), cash: u('27.2'), feeUsdc: u('0'), feeShares: shares('0.5'), arrivalMid: price('0.69') },
      horizonPrice: 600_000n,
    });
    expect(g).toEqual({
      delay: u('-0.4'), execution: u('-0.4'), fees: u('-0.3'), opportunity: 0n, sizing: u('-1'),
      ltPnl: u('2.9'), ftPnl: u('5'), total: u('-2.1'),
    });
  });

  it('a skipped BUY that resolved NO: skipping saved the whole stake', () => {
    // FT: 10 @ 0.40 for 4; LT skipped (Q = 10, q = 0, C = 0, M = P_ft). P_end = 0
    // L = 0; F = 10·0 − 4 = −4; total = +4; opportunity −(10 − 0)·(0 − 0.40) = +4; sizing 0 − (10·0.40 − 4) = 0
    const g = legGap({ side: 'BUY', ft: { shares: shares('10'), price: price('0.40'), cash: u('4') }, lt: null, horizonPrice: 0n });
    expect(g).toEqual({ delay: 0n, execution: 0n, fees: 0n, opportunity: u('4'), sizing: 0n, ltPnl: 0n, ftPnl: u('-4'), total: u('4') });
  });

  it('without an arrival mid the whole price difference is execution, none of it delay', () => {
    // M = P_ft = 0.50: delay 0; execution −(41.6 − 80·0.50) = −1.6 (= the −0.8 − 0.8 above)
    const g = legGap({
      side: 'BUY',
      ft: { shares: shares('100'), price: price('0.50'), cash: u('50') },
      lt: { intendedShares: shares('100'), filledShares: shares('80'), cash: u('41.6'), feeUsdc: u('0.2'), feeShares: shares('0'), arrivalMid: null },
      horizonPrice: SCALE,
    });
    expect([g.delay, g.execution, g.total]).toEqual([0n, u('-1.6'), u('-11.8')]);
  });

  it('sub-micro figures: parts are apportioned so they add up to the rounded total', () => {
    // In micro-units: Q_ft = 3, P_ft = 0.333333, C_ft = 1; Q = 3, q = 1, C = 1, fee 1 share, M = 0.5, P_end = 0.75
    // pico: L = (1·750 000 − 1 000 000) − 1·750 000 = −1 000 000 → ltPnl −1
    //       F = 3·750 000 − 1 000 000 = 1 250 000 → 1.25 → ftPnl 1 (half-even not needed); total = −2
    // delay −1·(500 000 − 333 333) = −166 667; execution −(1 000 000 − 500 000) = −500 000; fees −750 000
    // opportunity −2·(750 000 − 333 333) = −833 334; sizing 0 − (999 999 − 1 000 000) = +1
    // Σ = −2 250 000 = L − F ✓. Floors −1, −1, −1, −1, 0 (Σ −4), remainders 833 333, 500 000, 250 000, 166 666, 1;
    // 2 micros missing → delay and execution (the two largest remainders) → 0, 0, −1, −1, 0
    const input: GapLegInput = {
      side: 'BUY',
      ft: { shares: 3n as Shares, price: 333_333n as Price, cash: 1n as Usdc },
      lt: { intendedShares: 3n as Shares, filledShares: 1n as Shares, cash: 1n as Usdc, feeUsdc: 0n as Usdc, feeShares: 1n as Shares, arrivalMid: 500_000n as Price },
      horizonPrice: 750_000n,
    };
    expect(legGapPico(input)).toEqual({
      lt: -1_000_000n, ft: 1_250_000n,
      parts: { delay: -166_667n, execution: -500_000n, fees: -750_000n, opportunity: -833_334n, sizing: 1n },
    });
    expect(legGap(input)).toEqual({ delay: 0n, execution: 0n, fees: -1n, opportunity: -1n, sizing: 0n, ltPnl: -1n, ftPnl: 1n, total: -2n });
  });

  it('refuses a horizon price outside [0, 1]', () => {
    const input: GapLegInput = { side: 'BUY', ft: { shares: shares('1'), price: price('0.5'), cash: u('0.5') }, lt: null, horizonPrice: SCALE + 1n };
    expect(() => legGap(input)).toThrow(InvariantError);
    expect(() => legGap({ ...input, horizonPrice: -1n })).toThrow(InvariantError);
  });
});

describe('delayTiming', () => {
  const t = (ms: number) => new Date(Date.parse('2026-03-01T12:00:00Z') + ms);
  it('splits trade → submit into detection, signal and submit', () => {
    expect(delayTiming({ sourceTradeAt: t(0), detectedAt: t(120), signalAt: t(180), submittedAt: t(420) }))
      .toEqual({ detectionMs: 120, signalMs: 60, submitMs: 240, totalMs: 420 });
  });
  it('a span with an unknown end is null; the total needs only the trade and the submit', () => {
    expect(delayTiming({ sourceTradeAt: t(0), detectedAt: null, signalAt: t(60_000), submittedAt: null }))
      .toEqual({ detectionMs: null, signalMs: null, submitMs: null, totalMs: null });
    expect(delayTiming({ sourceTradeAt: t(0), detectedAt: null, signalAt: t(900), submittedAt: t(1000) }))
      .toEqual({ detectionMs: null, signalMs: null, submitMs: 100, totalMs: 1000 });
  });
});

describe('apportion', () => {
  // pico parts 1.4, 1.3, −0.6, 2.3, 0 micros (Σ 4.4); floors 1, 1, −1, 2, 0 (Σ 3); remainders .4 .3 .4 .3 0
  const parts = { delay: 1_400_000n, execution: 1_300_000n, fees: -600_000n, opportunity: 2_300_000n, sizing: 0n };

  it('hands missing micros to the largest remainders, ties in part order', () => {
    // total 4: one missing → .4 tie between delay and fees → delay: 2, 1, −1, 2, 0
    expect(apportion(parts, 4n)).toEqual({ delay: 2n, execution: 1n, fees: -1n, opportunity: 2n, sizing: 0n });
    // total 5: two missing → delay, fees: 2, 1, 0, 2, 0
    expect(apportion(parts, 5n)).toEqual({ delay: 2n, execution: 1n, fees: 0n, opportunity: 2n, sizing: 0n });
    // total 3: nothing missing, the floors
    expect(apportion(parts, 3n)).toEqual({ delay: 1n, execution: 1n, fees: -1n, opportunity: 2n, sizing: 0n });
  });

  it('takes a surplus back from the smallest remainder', () => {
    // total 2: one too many → sizing (remainder 0): 1, 1, −1, 2, −1
    expect(apportion(parts, 2n)).toEqual({ delay: 1n, execution: 1n, fees: -1n, opportunity: 2n, sizing: -1n });
  });

  it('both P&Ls at an exact half can round apart from the exact parts', () => {
    // L = 1.5 µ → 2, F = 0.5 µ → 0 (half-even): total 2 while L − F = 1; the extra micro goes to delay (ties)
    expect(apportion({ delay: 1_000_000n, execution: 0n, fees: 0n, opportunity: 0n, sizing: 0n }, 2n))
      .toEqual({ delay: 2n, execution: 0n, fees: 0n, opportunity: 0n, sizing: 0n });
  });
});

const pico = (lt: bigint, ft: bigint, parts: bigint[]): PicoGap =>
  ({ lt, ft, parts: Object.fromEntries(GAP_PARTS.map((p, i) => [p, parts[i]!])) as PicoGap['parts'] });

describe('totalGap: the exact sum of the legs, rounded once', () => {
  it('adds every figure exactly (pico), then rounds like one leg; the sums still add up', () => {
    // a: L 10, F 7 → −1 − 2 − 3 + 4 + 5 = 3; b: L 0, F 10 → 1 + 0 − 1 − 10 + 0 = −10 (micros, exact)
    const a = pico(10_000_000n, 7_000_000n, [-1_000_000n, -2_000_000n, -3_000_000n, 4_000_000n, 5_000_000n]);
    const b = pico(0n, 10_000_000n, [1_000_000n, 0n, -1_000_000n, -10_000_000n, 0n]);
    const s = totalGap([a, b]);
    expect(s).toEqual({ delay: 0n, execution: -2n, fees: -4n, opportunity: -6n, sizing: 5n, ltPnl: 10n, ftPnl: 17n, total: -7n });
    expect(sum(partsOf(s))).toBe(s.total);
  });

  it('is not the sum of rounded legs: two half micros are one micro, not two rounded-to-even zeros', () => {
    const half = pico(500_000n, 0n, [500_000n, 0n, 0n, 0n, 0n]);
    expect(totalGap([half]).ltPnl).toBe(0n); // each leg alone rounds half-even to 0
    expect(totalGap([half, half])).toEqual({ delay: 1n, execution: 0n, fees: 0n, opportunity: 0n, sizing: 0n, ltPnl: 1n, ftPnl: 0n, total: 1n });
  });

  it('no leg is all zeros', () => {
    expect(totalGap([])).toEqual({ delay: 0n, execution: 0n, fees: 0n, opportunity: 0n, sizing: 0n, ltPnl: 0n, ftPnl: 0n, total: 0n });
  });
});

function randomLeg(rng: Prng): GapLegInput {
  const micros = (max: number): bigint => BigInt(rng.int(0, max));
  const priceOf = (): Price => BigInt(rng.int(1, 999_999)) as Price;
  const qFt = micros(50_000_000);
  const pFt = priceOf();
  const ftCash = ((qFt * pFt + BigInt(rng.int(0, 999_999))) / SCALE) as Usdc; // some rounding of the FT cost
  const side = rng.chance(0.5) ? 'BUY' : 'SELL';
  const horizonPrice = rng.chance(0.3) ? (rng.chance(0.5) ? 0n : SCALE) : micros(1_000_000);
  if (rng.chance(0.15)) return { side, ft: { shares: qFt as Shares, price: pFt, cash: ftCash }, lt: null, horizonPrice };
  const intended = micros(60_000_000);
  const filled = BigInt(Math.floor(Number(intended) * rng.next()));
  return {
    side, horizonPrice,
    ft: { shares: qFt as Shares, price: pFt, cash: ftCash },
    lt: {
      intendedShares: intended as Shares, filledShares: filled as Shares,
      cash: ((filled * priceOf()) / SCALE) as Usdc, feeUsdc: micros(rng.chance(0.5) ? 0 : 500_000) as Usdc,
      feeShares: micros(rng.chance(0.5) ? 0 : 50_000) as Shares, arrivalMid: rng.chance(0.2) ? null : priceOf(),
    },
  };
}

describe('legGap: property over random seeded legs', () => {
  it('Σ parts = L − F exactly (pico) and Σ rounded parts = ltPnl − ftPnl exactly (micro), for 5000 legs', () => {
    const rng = new Prng(20_260_301);
    const legs: PicoGap[] = [];
    for (let i = 0; i < 5000; i += 1) {
      const input = randomLeg(rng);
      const pico = legGapPico(input);
      expect(sum(Object.values(pico.parts))).toBe(pico.lt - pico.ft);
      const g = legGap(input);
      expect(g.total).toBe(g.ltPnl - g.ftPnl);
      expect(sum(partsOf(g))).toBe(g.total);
      // each rounded part is within 2 micros of its exact value (floor, plus or minus one micro)
      for (const p of GAP_PARTS) {
        const diff = g[p] * SCALE - pico.parts[p];
        expect(diff > -2n * SCALE && diff < 2n * SCALE).toBe(true);
      }
      legs.push(pico);
    }
    const total = totalGap(legs);
    expect(sum(partsOf(total))).toBe(total.total);
    expect(total.total).toBe(total.ltPnl - total.ftPnl);
  });
});

describe('equityAtMark: cash plus positions at the gap\'s mark (issue 11: equity left out unrealized P&L)', () => {
  it('adds each marked position\'s value − cost to the ledger equity; an unmarked one stays at cost and is counted', () => {
    // ledger: 70 cash + 30 cost of two positions = 100; marked at 40 (cost 20) and unmarked (cost 10)
    expect(equityAtMark(100_000_000n as Usdc, [
      { cost: 20_000_000n as Usdc, value: 40_000_000n as Usdc }, { cost: 10_000_000n as Usdc, value: null },
    ])).toEqual({ equity: 120_000_000n, unrealized: 20_000_000n, unmarked: 1 });
    expect(equityAtMark(50_000_000n as Usdc, [{ cost: 20_000_000n as Usdc, value: 5_000_000n as Usdc }]))
      .toEqual({ equity: 35_000_000n, unrealized: -15_000_000n, unmarked: 0 });
    expect(equityAtMark(7n as Usdc, [])).toEqual({ equity: 7n, unrealized: 0n, unmarked: 0 });
  });
});
