/** How a world market's Yes mid moves: a seeded random walk that drifts toward the known winner, or a recorded BBO path */
import { readFileSync } from 'node:fs';
import { decimalText, divRound, parseMicros, SCALE } from '../../domain/money.ts';
import type { Prng } from '../../domain/prng.ts';

/** A market's price process; `midAt` is called with the market's life fraction, non-decreasing, in [0, 1] */
export interface PricePath {
  readonly kind: 'walk' | 'recorded';
  /** The Yes mid in micro-units on the tick grid, inside [2 ticks, 1 − 2 ticks] */
  midAt(progress: number): bigint;
}

/** Rounds a probability to the tick grid at once (the only float-to-money step), keeping two ticks from each edge */
export function toTicks(probability: number, tick: bigint): bigint {
  const ticks = Number(SCALE / tick);
  const n = Math.min(ticks - 2, Math.max(2, Math.round(probability * ticks)));
  return BigInt(n) * tick;
}

/** Rounds an exact micro-unit price to the tick grid, keeping two ticks from each edge */
export function snapToTicks(micros: bigint, tick: bigint): bigint {
  const n = divRound(micros, tick, 'half_even');
  const max = SCALE / tick - 2n;
  return (n < 2n ? 2n : n > max ? max : n) * tick;
}

export interface WalkOptions {
  /** Volatility of the logit over the market's whole life */
  sigma: number;
  /** Logit drift toward the winner over the whole life; information arrives as the close nears */
  drift: number;
}

export const DEFAULT_WALK: WalkOptions = { sigma: 1.1, drift: 2.4 };

/** A random walk in logit space whose drift toward the winner grows with the market's age */
export function randomWalk(rng: Prng, startMid: number, yesWins: boolean, tick: bigint, o: WalkOptions = DEFAULT_WALK): PricePath {
  let x = Math.log(startMid / (1 - startMid));
  let at = 0;
  const direction = yesWins ? 1 : -1;
  return {
    kind: 'walk',
    midAt(progress) {
      const dt = Math.max(0, Math.min(1, progress) - at);
      if (dt > 0) {
        const age = (at + Math.min(1, progress)) / 2;
        x += o.sigma * Math.sqrt(dt) * rng.normal() + o.drift * 2 * age * dt * direction;
        at = Math.min(1, progress);
      }
      return toTicks(1 / (1 + Math.exp(-x)), tick);
    },
  };
}

export interface BboPoint {
  time: Date;
  bid: bigint | null;
  ask: bigint | null;
}

export interface RecordedBbo {
  points: BboPoint[];
  /** True when Yes won, false when it lost, null when the file does not say */
  yesWon: boolean | null;
  question: string | null;
  eventSlug: string | null;
}

const priceOrNull = (v: unknown): bigint | null => {
  const text = decimalText(v);
  if (text === null) return null;
  const p = parseMicros(text, 'half_even');
  return p > 0n && p < SCALE ? p : null;
};

/** Reads a BBO JSONL file (`timestamp, best_bid, best_ask`, optional `settlement_value`, `question`); empty sides are null */
export function loadRecordedBbo(file: string): RecordedBbo {
  const points: BboPoint[] = [];
  let settlement: unknown = null;
  let question: string | null = null;
  let eventSlug: string | null = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as Record<string, unknown>;
    const time = new Date(String(row.timestamp).replace(' ', 'T'));
    if (Number.isNaN(time.getTime())) throw new Error(`${file}: bad timestamp ${String(row.timestamp)}`);
    const bid = priceOrNull(row.best_bid);
    const ask = priceOrNull(row.best_ask);
    if (bid !== null || ask !== null) points.push({ time, bid, ask });
    settlement = row.settlement_value ?? settlement;
    question = typeof row.question === 'string' ? row.question : question;
    eventSlug = typeof row.event_slug === 'string' ? row.event_slug : eventSlug;
  }
  if (points.length === 0) throw new Error(`${file}: no prices`);
  points.sort((a, b) => a.time.getTime() - b.time.getTime());
  const yesWon = settlement === null ? null : Number(settlement) >= 0.5;
  return { points, yesWon, question, eventSlug };
}

/** The recorded mid at a life fraction: the file's time span is stretched over the market's life */
export function recordedPath(bbo: RecordedBbo, tick: bigint): PricePath {
  const first = bbo.points[0]!.time.getTime();
  const span = Math.max(1, bbo.points[bbo.points.length - 1]!.time.getTime() - first);
  let index = 0;
  return {
    kind: 'recorded',
    midAt(progress) {
      const t = first + Math.min(1, Math.max(0, progress)) * span;
      while (index + 1 < bbo.points.length && bbo.points[index + 1]!.time.getTime() <= t) index += 1;
      const { bid, ask } = bbo.points[index]!;
      const mid = bid !== null && ask !== null ? (bid + ask) / 2n : (bid ?? ask)!;
      return snapToTicks(mid, tick);
    },
  };
}
