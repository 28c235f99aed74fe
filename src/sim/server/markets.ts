/** Simulator markets: the seeded default binary markets, markets from a JSON spec, and book seeding by the market-maker account */
import { SCALE, type Price, type Ratio, type Shares } from '../../domain/money.ts';
import type { Exchange, PlaceResult, SimMarket } from '../exchange/exchange-types.ts';
import { Prng } from './prng.ts';
import { addressFrom, hashId, microsOf, tokenIdFrom } from './util.ts';

/** The account that rests the simulator's own liquidity */
export const MARKET_MAKER = addressFrom('tandem-sim-market-maker');

export interface MarketSpec {
  question: string;
  slug?: string;
  conditionId?: string;
  outcomes?: [string, string];
  tokenIds?: [string, string];
  /** Decimal text, default "0.01" */
  tickSize?: string;
  /** Shares, default "5" */
  minSize?: string;
  negRisk?: boolean;
  /** Taker fee rate (decimal text, default "0") and exponent (default 1) */
  feeRate?: string;
  feeExponent?: number;
  /** ISO time, default 30 days after `now` */
  endDate?: string;
}

const TICKS = [100_000n, 10_000n, 1_000n, 100n];

/** Builds a SimMarket from a spec; throws with a readable message on bad input */
export function marketFromSpec(spec: MarketSpec, now: Date): SimMarket {
  if (typeof spec.question !== 'string' || spec.question.trim() === '') throw new Error('question is required');
  const slug = spec.slug ?? spec.question.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  const conditionId = (spec.conditionId ?? hashId(`condition:${slug}`)).toLowerCase();
  if (!/^0x[0-9a-f]{64}$/.test(conditionId)) throw new Error('conditionId must be 0x + 64 hex digits');
  const outcomes = spec.outcomes ?? ['Yes', 'No'];
  const tokenIds = spec.tokenIds ?? [tokenIdFrom(`${conditionId}:0`), tokenIdFrom(`${conditionId}:1`)];
  if (tokenIds.some((t) => !/^\d+$/.test(t))) throw new Error('tokenIds must be decimal strings');
  const tick = microsOf(spec.tickSize ?? '0.01');
  if (tick === null || !TICKS.includes(tick)) throw new Error('tickSize must be 0.1, 0.01, 0.001 or 0.0001');
  const minSize = microsOf(spec.minSize ?? '5');
  const feeRate = microsOf(spec.feeRate ?? '0');
  if (minSize === null || feeRate === null) throw new Error('minSize and feeRate must be decimals');
  const end = spec.endDate ? new Date(spec.endDate) : new Date(now.getTime() + 30 * 86_400_000);
  if (Number.isNaN(end.getTime())) throw new Error('endDate must be an ISO time');
  return {
    conditionId, question: spec.question, slug,
    tokens: [{ tokenId: tokenIds[0], outcome: outcomes[0] }, { tokenId: tokenIds[1], outcome: outcomes[1] }],
    tickSize: tick, minSize: minSize as Shares, negRisk: spec.negRisk === true,
    fee: { rate: feeRate as Ratio, exponent: spec.feeExponent ?? 1 }, acceptingOrders: true, endTime: end, closed: false, payouts: null,
  };
}

export type Level = [bigint, bigint];

/** Parses `[[price, size], …]` (numbers or decimal strings) */
export function parseLevels(raw: unknown): Level[] | null {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return null;
  const out: Level[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || item.length !== 2) return null;
    const p = microsOf(item[0]);
    const s = microsOf(item[1]);
    if (p === null || s === null || p <= 0n || p >= SCALE || s <= 0n) return null;
    out.push([p, s]);
  }
  return out;
}

const mmCounters = new WeakMap<Exchange, number>();

/** Rests GTC orders for the market-maker account, crediting it first with the USDC and shares they need */
export function seedBook(exchange: Exchange, tokenId: string, bids: Level[], asks: Level[]): PlaceResult[] {
  const cash = bids.reduce((sum, [p, s]) => sum + (p * s + SCALE - 1n) / SCALE, 0n);
  const shares = asks.reduce((sum, [, s]) => sum + s, 0n);
  if (cash > 0n) exchange.credit(MARKET_MAKER, 'USDC', cash);
  if (shares > 0n) exchange.credit(MARKET_MAKER, tokenId, shares);
  const place = (side: 'BUY' | 'SELL', [p, s]: Level): PlaceResult => {
    const n = (mmCounters.get(exchange) ?? 0) + 1;
    mmCounters.set(exchange, n);
    return exchange.place({
      orderId: hashId(`mm-order:${n}`), account: MARKET_MAKER, tokenId, side,
      price: p as Price, size: s as Shares, orderType: 'GTC',
    });
  };
  return [...bids.map((l) => place('BUY', l)), ...asks.map((l) => place('SELL', l))];
}

const DEFAULTS: MarketSpec[] = [
  { question: 'Will the simulated rover reach the crater rim by Friday?', slug: 'sim-rover-crater-rim' },
  { question: 'Will the simulated city council pass the bike-lane bill?', slug: 'sim-bike-lane-bill' },
  { question: 'Will simulated BTC close above 100k this week?', slug: 'sim-btc-above-100k', tickSize: '0.001', feeRate: '0.072' },
];

/** Adds the default markets (seeded mid prices and five levels a side, Yes and mirrored No books) */
export function addDefaultMarkets(exchange: Exchange, seed: number, now: Date): SimMarket[] {
  const prng = new Prng(seed);
  const added: SimMarket[] = [];
  for (const spec of DEFAULTS) {
    const market = marketFromSpec(spec, now);
    exchange.addMarket(market);
    const tick = market.tickSize;
    const ticks = SCALE / tick;
    const mid = (BigInt(prng.int(Number(ticks / 4n), Number((ticks * 3n) / 4n))) * tick);
    const step = tick * (tick >= 10_000n ? 1n : 5n);
    const size = () => BigInt(prng.int(20, 400)) * SCALE;
    const yesBids: Level[] = [1, 2, 3, 4, 5].map((i) => [mid - step * BigInt(i), size()]);
    const yesAsks: Level[] = [1, 2, 3, 4, 5].map((i) => [mid + step * BigInt(i), size()]);
    const [yes, no] = market.tokens;
    seedBook(exchange, yes!.tokenId, yesBids, yesAsks);
    seedBook(exchange, no!.tokenId, yesAsks.map(([p, s]) => [SCALE - p, s]), yesBids.map(([p, s]) => [SCALE - p, s]));
    added.push(market);
  }
  return added;
}
