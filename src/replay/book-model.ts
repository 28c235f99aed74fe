/**
 * The replay's book model: the book the seeded market maker quotes for a token without a current recorded snapshot
 * (books.ts has the snapshot rule), re-quoted at every trade on the token, at the trade's own time.
 *
 * A Data API trade is a taker's fill, so it printed at the touch: a BUY at p took the ask at p, a SELL at p hit the
 * bid at p. After the last trade (p, side) on a token the model quotes
 *   - the touch at p rounded to the market's tick: best ask = p after a BUY, best bid = p after a SELL (the level the
 *     taker traded at still has size: what was taken is back at each re-quote, as makers re-post);
 *   - the other side one spread away: spread = k ticks, k drawn from SPREAD_TICKS[tick][band], the quantiles of the
 *     recorded spreads for that tick size and price band (band `tail`: the touch below 0.10 or above 0.90, else
 *     `body`); a draw picks one of the ten deciles' midpoints (5 %, 15 %, …, 95 %) uniformly;
 *   - LEVELS levels per side, one tick apart, outward from each best price; levels outside [tick, 1 − tick] left out;
 *   - level k's size: a notional (USDC) drawn uniformly from [DEPTH_USD[k].p25, DEPTH_USD[k].p75], the interquartile
 *     range of the recorded books' level-k notional, divided by the level price, rounded down to the lot (0.01
 *     share), at least the market's minimum size.
 * The other outcome of a two-outcome market that did not trade itself is quoted as the mirror: the trade (p, BUY)
 * on one token is (1 − p, SELL) on the other. Draws come from the replay's seeded PRNG, so a run is reproducible.
 *
 * Calibration: the constants below are what `calibrateBookModel` (book-calibration.ts) fits to the recorded books in
 * ../shared/data/polymarket (top-of-book quotes of 693 markets over a week, a 5-minute BBO series with its tick size,
 * and the full-depth CLOB / WebSocket book snapshots); test/scenarios/replay-book-calibration.test.ts prints the fit
 * and checks these constants against it. The recorded spreads come mostly from thinly traded markets, so the model's
 * spread is wider than a busy market's; the touch at the trade price does not depend on it
 */
import { divRound, SCALE, type Price, type Shares } from '../domain/money.ts';
import { LOT } from '../domain/order-amounts.ts';
import type { Prng } from '../domain/prng.ts';
import type { MakerLevel } from './books.ts';

export const LEVELS = 3;
export type TickClass = '0.01' | '0.001';
export type PriceBand = 'body' | 'tail';

/** Spread in ticks at the deciles' midpoints (5 %, 15 %, …, 95 %) of the recorded quotes, by tick and band */
export const SPREAD_TICKS: Record<TickClass, Record<PriceBand, readonly number[]>> = {
  '0.01': { body: [1, 1, 1, 2, 5, 8, 17, 27, 41, 48], tail: [1, 1, 1, 1, 1, 2, 3, 4, 7, 13] },
  '0.001': { body: [5, 5, 5, 5, 201, 245, 290, 425, 495, 500], tail: [1, 1, 1, 1, 1, 2, 3, 6, 10, 158] },
};

/** Interquartile range of a level's notional in USDC, level 0 = the best price, in the recorded full-depth books */
export const DEPTH_USD: readonly { p25: number; p75: number }[] = [
  { p25: 40, p75: 1500 }, { p25: 26, p75: 6553 }, { p25: 73, p75: 753 },
];

export const tickClassOf = (tick: bigint): TickClass => (tick < 10_000n ? '0.001' : '0.01');
export const bandOf = (p: bigint): PriceBand => (p < 100_000n || p > 900_000n ? 'tail' : 'body');

const roundToTick = (p: bigint, tick: bigint): bigint => divRound(p, tick, 'half_even') * tick;

/** One spread draw, in ticks */
export function drawSpreadTicks(tick: bigint, touch: bigint, prng: Prng): bigint {
  const table = SPREAD_TICKS[tickClassOf(tick)][bandOf(touch)];
  return BigInt(table[Math.min(table.length - 1, Math.floor(prng.next() * table.length))]!);
}

/** The model's book after the last trade (p, side) on a token: see the header */
export function modelOrders(p: bigint, side: 'BUY' | 'SELL', tick: bigint, minSize: bigint, prng: Prng): MakerLevel[] {
  const touch = roundToTick(p, tick);
  const spread = drawSpreadTicks(tick, touch, prng) * tick;
  const bestAsk = side === 'BUY' ? touch : touch + spread;
  const bestBid = side === 'BUY' ? touch - spread : touch;
  const out: MakerLevel[] = [];
  for (const s of ['BUY', 'SELL'] as const) {
    for (let k = 0; k < LEVELS; k++) {
      const at = s === 'BUY' ? bestBid - BigInt(k) * tick : bestAsk + BigInt(k) * tick;
      const d = DEPTH_USD[k]!;
      const notional = BigInt(Math.floor(prng.between(d.p25, d.p75) * 1e6)); // micro-USDC; drawn in or out of range
      if (at < tick || at > SCALE - tick) continue;
      const size = (divRound(notional * SCALE, at, 'down') / LOT) * LOT;
      out.push({ side: s, price: at as Price, size: (size < minSize ? minSize : size) as Shares });
    }
  }
  return out;
}
