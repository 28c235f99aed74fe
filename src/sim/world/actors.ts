/** The world's actors on the exchange: a market maker quoting around each mid, and source traders taking its quotes */
import { divRound, SCALE, sharesFor, type Price, type Shares, type Usdc } from '../../domain/money.ts';
import type { Exchange, SimTrade } from '../exchange/exchange-types.ts';
import type { WorldMarket, WorldTrader } from './model.ts';
import type { Prng } from '../../domain/prng.ts';

/** The exchange's share lot (2 decimals) and the $1 minimum of a marketable BUY */
const LOT = 10_000n;
const ONE_DOLLAR = SCALE;

export interface ActorContext {
  exchange: Exchange;
  rng: Prng;
  /** The market maker's account */
  maker: string;
  nextOrderId(): string;
}

export interface QuoteOptions {
  /** Price levels per side and token */
  levels: number;
  /** Shares per level are drawn between these (whole shares) */
  minShares: number;
  maxShares: number;
}

export const DEFAULT_QUOTES: QuoteOptions = { levels: 3, minShares: 400, maxShares: 2500 };

/** Resting market-maker orders per market, so a re-quote cancels exactly its own */
export class MakerQuotes {
  private readonly live = new Map<string, string[]>();
  /** The mid each market was last quoted at; a market whose quotes were hit is forgotten here */
  private readonly quotedAt = new Map<string, bigint>();

  /** Marks a market's quotes as used, so the next `requote` refreshes them even if the mid did not move */
  touched(conditionId: string): void {
    this.quotedAt.delete(conditionId);
  }

  /**
   * Cancels the maker's quotes in `m` and quotes `levels` bids and asks a tick apart around the mid, on both tokens;
   * nothing happens when the mid has not moved and nobody traded since the last quote
   */
  requote(ctx: ActorContext, m: WorldMarket, o: QuoteOptions = DEFAULT_QUOTES): void {
    if (this.quotedAt.get(m.sim.conditionId) === m.mid) return;
    this.withdraw(ctx, m);
    this.quotedAt.set(m.sim.conditionId, m.mid);
    const tick = m.sim.tickSize;
    const ids: string[] = [];
    m.sim.tokens.forEach((token, i) => {
      const mid = i === 0 ? m.mid : SCALE - m.mid;
      for (let k = 0; k < o.levels; k += 1) {
        const bid = mid - tick * BigInt(k + 1);
        const ask = mid + tick * BigInt(k + 1);
        for (const [side, price] of [['BUY', bid], ['SELL', ask]] as const) {
          if (price < tick || price > SCALE - tick) continue;
          const size = BigInt(ctx.rng.int(o.minShares, o.maxShares)) * SCALE;
          const orderId = ctx.nextOrderId();
          const placed = ctx.exchange.place({ orderId, account: ctx.maker, tokenId: token.tokenId, side,
            price: price as Price, size: size as Shares, orderType: 'GTC' });
          if (placed.ok && placed.order.status === 'live') ids.push(orderId);
        }
      }
    });
    this.live.set(m.sim.conditionId, ids);
  }

  withdraw(ctx: ActorContext, m: WorldMarket): void {
    for (const id of this.live.get(m.sim.conditionId) ?? []) ctx.exchange.cancel(ctx.maker, id);
    this.live.delete(m.sim.conditionId);
    this.quotedAt.delete(m.sim.conditionId);
  }
}

/** A trade size in USDC: log-normal around the trader's typical size (mean ≈ typical), in whole cents */
function drawUsd(rng: Prng, t: WorldTrader): Usdc {
  const factor = Math.exp(0.8 * rng.normal() - 0.32);
  const cents = Math.max(200, Math.round((Number(t.typicalUsd) / 10_000) * factor));
  return (BigInt(cents) * 10_000n) as Usdc;
}

const floorLot = (shares: bigint): bigint => (shares / LOT) * LOT;
const ceilLot = (shares: bigint): bigint => divRound(shares, LOT, 'up') * LOT;

/**
 * One action of a trader in a market: usually a BUY of the outcome it believes in (the winner with probability
 * 0.5 + skill), sometimes a partial SELL of what it holds. Takes the best quote with a FAK order
 */
export function traderAct(ctx: ActorContext, t: WorldTrader, m: WorldMarket): SimTrade[] {
  const held = m.sim.tokens.map((token) => ctx.exchange.balance(t.address, token.tokenId).available);
  const holding = held.findIndex((h) => h >= m.sim.minSize);
  if (holding >= 0 && ctx.rng.chance(t.sellShare)) return sell(ctx, t, m, holding, held[holding]!);
  const pickWinner = ctx.rng.chance(Math.min(0.98, Math.max(0.02, 0.5 + t.skill)));
  const index = pickWinner === m.yesWins ? 0 : 1;
  return buy(ctx, t, m, index);
}

function buy(ctx: ActorContext, t: WorldTrader, m: WorldMarket, index: number): SimTrade[] {
  const token = m.sim.tokens[index]!;
  const ask = ctx.exchange.book(token.tokenId).asks[0];
  if (!ask) return [];
  const usd = drawUsd(ctx.rng, t);
  const minimum = [m.sim.minSize, ceilLot(divRound(ONE_DOLLAR * SCALE, ask.price, 'up'))].reduce((a, b) => (a > b ? a : b));
  const wanted = floorLot(sharesFor(usd, ask.price));
  const size = (wanted > minimum ? wanted : minimum) as Shares;
  const placed = ctx.exchange.place({ orderId: ctx.nextOrderId(), account: t.address, tokenId: token.tokenId, side: 'BUY',
    price: ask.price, size, orderType: 'FAK' });
  return placed.ok ? placed.trades : [];
}

function sell(ctx: ActorContext, t: WorldTrader, m: WorldMarket, index: number, held: bigint): SimTrade[] {
  const token = m.sim.tokens[index]!;
  const bid = ctx.exchange.book(token.tokenId).bids[0];
  if (!bid) return [];
  const fraction = BigInt(ctx.rng.int(25, 100));
  let size = floorLot((held * fraction) / 100n);
  if (size < m.sim.minSize) size = floorLot(held);
  if (size < m.sim.minSize) return [];
  const placed = ctx.exchange.place({ orderId: ctx.nextOrderId(), account: t.address, tokenId: token.tokenId, side: 'SELL',
    price: bid.price, size: size as Shares, orderType: 'FAK' });
  return placed.ok ? placed.trades : [];
}
