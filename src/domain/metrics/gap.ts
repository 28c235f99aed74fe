/**
 * The FT–LT gap of one signal leg, by implementation-shortfall accounting (peers-and-tca.md §4):
 * LT P&L − FT P&L at the horizon = delay + execution + fees + opportunity + sizing, exactly.
 * Computed in pico-units (micro-shares × micro-price; a micro-USDC amount × 10⁶), then rounded to
 * micro-USDC so that the rounded parts still add up to the rounded total
 */
import { InvariantError } from '../errors.ts';
import { divRound, SCALE, type Price, type Shares, type Usdc } from '../money.ts';
import type { Side } from '../trade.ts';
import { sideSign } from './execution.ts';

export interface GapLegInput {
  side: Side;
  ft: { shares: Shares; price: Price; cash: Usdc };
  lt: { intendedShares: Shares; filledShares: Shares; cash: Usdc; feeUsdc: Usdc; feeShares: Shares; arrivalMid: Price | null } | null;
  horizonPrice: bigint;
}
export interface GapParts { delay: Usdc; execution: Usdc; fees: Usdc; opportunity: Usdc; sizing: Usdc }
export interface LegGap extends GapParts { ltPnl: Usdc; ftPnl: Usdc; total: Usdc }

/** The order in which parts are listed, and in which rounding ties are broken */
export const GAP_PARTS = ['delay', 'execution', 'fees', 'opportunity', 'sizing'] as const;
export type GapPart = (typeof GAP_PARTS)[number];

/** The exact figures of one leg in pico-USDC (10⁻¹²) */
export interface PicoGap { lt: bigint; ft: bigint; parts: Record<GapPart, bigint> }

/** L, F and the five parts in pico-USDC, unrounded: Σ parts === L − F exactly */
export function legGapPico(input: GapLegInput): PicoGap {
  const s = sideSign(input.side);
  const end = input.horizonPrice;
  if (end < 0n || end > SCALE) throw new InvariantError(`horizon price outside [0, 1]: ${end}`);
  const { shares: qFt, price: pFt } = input.ft;
  const cFt = input.ft.cash * SCALE;
  const lt = input.lt;
  const bigQ = lt === null ? qFt : lt.intendedShares;
  const q = lt === null ? 0n : lt.filledShares;
  const c = lt === null ? 0n : lt.cash * SCALE;
  const feeCost = lt === null ? 0n : lt.feeUsdc * SCALE + lt.feeShares * end;
  const m = lt?.arrivalMid ?? pFt;
  return {
    lt: s * (q * end - c) - feeCost,
    ft: s * (qFt * end - cFt),
    parts: {
      delay: -s * q * (m - pFt),
      execution: -s * (c - q * m),
      fees: -feeCost,
      opportunity: -s * (bigQ - q) * (end - pFt),
      sizing: s * ((bigQ - qFt) * end - (bigQ * pFt - cFt)),
    },
  };
}

/**
 * Rounds pico parts to micros so they add up to `total` exactly: each toward −∞, then the missing
 * micros go one by one to the largest remainders (ties in GAP_PARTS order); a surplus (possible only
 * when both P&Ls round at an exact half) is taken back from the smallest remainders, ties from the last
 */
export function apportion(parts: Record<GapPart, bigint>, total: bigint): GapParts {
  const floors = GAP_PARTS.map((name) => divRound(parts[name], SCALE, 'down'));
  const remainders = GAP_PARTS.map((name, i) => parts[name] - floors[i]! * SCALE);
  let missing = total - floors.reduce((a, b) => a + b, 0n);
  const byRemainder = GAP_PARTS.map((_, i) => i).sort((a, b) => {
    const d = remainders[b]! - remainders[a]!;
    return d > 0n ? 1 : d < 0n ? -1 : a - b;
  });
  for (let k = 0; missing > 0n; k += 1, missing -= 1n) floors[byRemainder[k % 5]!]! += 1n;
  for (let k = 0; missing < 0n; k += 1, missing += 1n) floors[byRemainder[4 - (k % 5)]!]! -= 1n;
  const [delay, execution, fees, opportunity, sizing] = floors as [Usdc, Usdc, Usdc, Usdc, Usdc];
  return { delay, execution, fees, opportunity, sizing };
}

/** Pico figures (a leg's, or a sum of legs') in micro-USDC: each P&L rounded half-even once, the parts apportioned */
export function gapOfPico(pico: PicoGap): LegGap {
  const ltPnl = divRound(pico.lt, SCALE, 'half_even') as Usdc;
  const ftPnl = divRound(pico.ft, SCALE, 'half_even') as Usdc;
  const total = (ltPnl - ftPnl) as Usdc;
  return { ...apportion(pico.parts, total), ltPnl, ftPnl, total };
}

export function legGap(input: GapLegInput): LegGap {
  return gapOfPico(legGapPico(input));
}

/** The exact sum of pico figures; all zeros for none */
export function sumPico(legs: readonly PicoGap[]): PicoGap {
  const out: PicoGap = { lt: 0n, ft: 0n, parts: { delay: 0n, execution: 0n, fees: 0n, opportunity: 0n, sizing: 0n } };
  for (const leg of legs) {
    out.lt += leg.lt;
    out.ft += leg.ft;
    for (const p of GAP_PARTS) out.parts[p] += leg.parts[p];
  }
  return out;
}

/**
 * A strategy's gap totals: the exact (pico) sum of its legs' figures, rounded once like one leg, never the sum of the
 * legs' rounded figures (docs/metrics.md); so a read model holding exact sums gives the same totals. All zeros for no leg
 */
export function totalGap(legs: readonly PicoGap[]): LegGap {
  return gapOfPico(sumPico(legs));
}

/** The four times of a signal's path to our order: the trader's fill, our detection of it, FT's signal, our submit */
export interface DelayTimes { sourceTradeAt: Date | null; detectedAt: Date | null; signalAt: Date | null; submittedAt: Date | null }

/**
 * The time side of a leg's delay part: the market moves against M − P_ft while the signal travels from the trader's
 * fill to our order. detection = detected − trade (the feed: RTDS or the poll), signal = signal − detected (FT's
 * evaluation), submit = submitted − signal (LT's pricing and the venue call), total = submitted − trade. A span is
 * null when either end is unknown (no detection time: a trade stored before it was recorded, or read from a file)
 */
export interface DelayTiming { detectionMs: number | null; signalMs: number | null; submitMs: number | null; totalMs: number | null }

const span = (from: Date | null, to: Date | null): number | null => (from === null || to === null ? null : to.getTime() - from.getTime());

export function delayTiming(t: DelayTimes): DelayTiming {
  return {
    detectionMs: span(t.sourceTradeAt, t.detectedAt), signalMs: span(t.detectedAt, t.signalAt),
    submitMs: span(t.signalAt, t.submittedAt), totalMs: span(t.sourceTradeAt, t.submittedAt),
  };
}

/** An open position's cost basis and its value at the gap's horizon mark (null without a mark) */
export interface MarkedPosition { cost: Usdc; value: Usdc | null }
export interface MarkedEquity { equity: Usdc; unrealized: Usdc; unmarked: number }

/**
 * Equity at the gap's mark: the book's cash (available + reserved + cooldown) plus its open positions at the
 * same horizon mark the gap uses (payout once resolved, else the market's outcome price, else the last trade):
 * equity = bookEquity − Σ cost + Σ value = bookEquity + unrealized, where bookEquity (the ledger's) counts
 * positions at cost. A position without any mark counts at cost (adds nothing to unrealized) and is counted in
 * `unmarked`, so the figure says what it could not mark
 */
export function equityAtMark(bookEquity: Usdc, positions: readonly MarkedPosition[]): MarkedEquity {
  let unrealized = 0n;
  let unmarked = 0;
  for (const p of positions) {
    if (p.value === null) unmarked += 1;
    else unrealized += p.value - p.cost;
  }
  return { equity: (bookEquity + unrealized) as Usdc, unrealized: unrealized as Usdc, unmarked };
}
