/**
 * The "source trades" feed behind the Data API, Gamma extras and RTDS: trades published through `publish`, plus the
 * exchange fills of accounts marked as source traders
 */
import { divRound, SCALE } from '../../domain/money.ts';
import type { OrderSide } from '../../engine/venue-port.ts';
import type { SimMarket, SimTrade } from '../exchange/exchange-types.ts';
import type { SimState } from './state.ts';
import { hashId, microsOf, num, unixSeconds } from './util.ts';
import { opposite, outcomeOf } from './wire.ts';

/** A Data-API-shaped trade to publish; only wallet, asset, side, size and price are required */
export interface SourceTradeInput {
  proxyWallet: string;
  asset: string;
  side: OrderSide;
  size: number | string;
  price: number | string;
  conditionId?: string;
  /** Unix seconds (default: now) */
  timestamp?: number;
  transactionHash?: string;
  title?: string;
  slug?: string;
  eventSlug?: string;
  icon?: string;
  outcome?: string;
  outcomeIndex?: number;
  name?: string;
  pseudonym?: string;
  bio?: string;
  profileImage?: string;
}

export interface SourceRow {
  proxyWallet: string;
  side: OrderSide;
  asset: string;
  conditionId: string;
  size: bigint;
  price: bigint;
  timestamp: number;
  title: string;
  slug: string;
  icon: string;
  eventSlug: string;
  outcome: string;
  outcomeIndex: number;
  name: string;
  pseudonym: string;
  bio: string;
  profileImage: string;
  transactionHash: string;
  taker: boolean;
}

export interface Profile {
  name?: string;
  pseudonym?: string;
}

/** The Data API `/trades` item of a row: numbers as JSON numbers, timestamp in seconds */
export function tradeJson(r: SourceRow): Record<string, unknown> {
  return {
    proxyWallet: r.proxyWallet, side: r.side, asset: r.asset, conditionId: r.conditionId, size: num(r.size), price: num(r.price),
    timestamp: r.timestamp, title: r.title, slug: r.slug, icon: r.icon, eventSlug: r.eventSlug, outcome: r.outcome,
    outcomeIndex: r.outcomeIndex, name: r.name, pseudonym: r.pseudonym, bio: r.bio, profileImage: r.profileImage,
    profileImageOptimized: r.profileImage, transactionHash: r.transactionHash,
  };
}

export const usdcOf = (r: SourceRow): bigint => divRound(r.size * r.price, SCALE, 'half_even');

export class SourceFeed {
  readonly rows: SourceRow[] = [];
  private readonly traders = new Map<string, Profile>();
  private readonly seenTrades = new Set<string>();
  private readonly listeners = new Set<(row: SourceRow) => void>();
  private counter = 0;
  readonly gammaOverrides = new Map<string, Record<string, unknown>>();
  readonly resolvedAt = new Map<string, Date>();

  constructor(private readonly state: SimState) {
    state.on((event) => {
      if (event.type === 'trade') this.fromExchange(event.trade);
      if (event.type === 'resolved' && !this.resolvedAt.has(event.market.conditionId)) {
        this.resolvedAt.set(event.market.conditionId, state.clock.now());
      }
    });
  }

  /** Exchange fills of this account (taker or maker) become Data API rows and RTDS frames from now on */
  markSourceTrader(address: string, profile: Profile = {}): void {
    this.traders.set(address.toLowerCase(), profile);
  }

  isSourceTrader(address: string): boolean {
    return this.traders.has(address.toLowerCase());
  }

  /** Called for every new row (the RTDS endpoint listens here) */
  onRow(listener: (row: SourceRow) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Extra or replacement Gamma fields for a market (e.g. `{eventSlug, icon, endDate}`), merged over the derived object */
  upsertGammaMarket(conditionId: string, fields: Record<string, unknown>): void {
    const id = conditionId.toLowerCase();
    this.gammaOverrides.set(id, { ...this.gammaOverrides.get(id), ...fields });
  }

  /** Publishes a source trade: fills market fields from the exchange, stores it and pushes it to RTDS; returns the row */
  publish(input: SourceTradeInput): SourceRow {
    const size = microsOf(input.size);
    const price = microsOf(input.price);
    if (size === null || price === null || size <= 0n || price <= 0n || price >= SCALE) throw new Error('size and price must be decimals, 0 < price < 1');
    if (input.side !== 'BUY' && input.side !== 'SELL') throw new Error('side must be BUY or SELL');
    const market = this.state.exchange.marketByToken(input.asset);
    const index = market ? market.tokens.findIndex((t) => t.tokenId === input.asset) : -1;
    const wallet = input.proxyWallet.toLowerCase();
    const profile = this.traders.get(wallet) ?? {};
    this.counter += 1;
    const row: SourceRow = {
      proxyWallet: wallet, side: input.side, asset: input.asset, conditionId: input.conditionId ?? market?.conditionId ?? '',
      size, price, timestamp: input.timestamp ?? unixSeconds(this.state.clock.now()),
      title: input.title ?? market?.question ?? '', slug: input.slug ?? market?.slug ?? '', icon: input.icon ?? '',
      eventSlug: input.eventSlug ?? String(this.gammaOverrides.get(market?.conditionId ?? '')?.eventSlug ?? market?.slug ?? ''),
      outcome: input.outcome ?? outcomeOf(market, input.asset), outcomeIndex: input.outcomeIndex ?? Math.max(index, 0),
      name: input.name ?? profile.name ?? '', pseudonym: input.pseudonym ?? profile.pseudonym ?? '', bio: input.bio ?? '',
      profileImage: input.profileImage ?? '', taker: true,
      transactionHash: input.transactionHash ?? hashId(`source:${wallet}:${input.asset}:${this.counter}:${size}:${price}`),
    };
    this.add(row);
    return row;
  }

  private add(row: SourceRow): void {
    this.rows.push(row);
    for (const listener of this.listeners) {
      try {
        listener(row);
      } catch {
        // one socket's failure is its own
      }
    }
  }

  private fromExchange(trade: SimTrade): void {
    if (this.seenTrades.has(trade.tradeId)) return;
    this.seenTrades.add(trade.tradeId);
    const base = { asset: trade.tokenId, conditionId: trade.conditionId, transactionHash: trade.transactionHash, timestamp: unixSeconds(trade.matchTime) };
    if (this.isSourceTrader(trade.takerAccount)) {
      this.publish({ ...base, proxyWallet: trade.takerAccount, side: trade.side, size: fmt(trade.size), price: fmt(trade.price) });
    }
    for (const m of trade.makers) {
      if (!this.isSourceTrader(m.account)) continue;
      const row = this.publish({ ...base, proxyWallet: m.account, side: opposite(trade.side), size: fmt(m.size), price: fmt(m.price) });
      row.taker = false;
    }
  }

  /** Open positions per (wallet, asset) from the rows: net size, average buy price, totals */
  positions(wallet: string): Position[] {
    const byAsset = new Map<string, Position>();
    for (const r of this.rows) {
      if (r.proxyWallet !== wallet.toLowerCase()) continue;
      const p = byAsset.get(r.asset) ?? { row: r, size: 0n, bought: 0n, cost: 0n, realized: 0n };
      if (r.side === 'BUY') {
        p.size += r.size;
        p.bought += r.size;
        p.cost += r.size * r.price;
      } else {
        const avg = p.bought > 0n ? p.cost / p.bought : 0n;
        p.realized += divRound(r.size * (r.price - avg), SCALE, 'half_even');
        p.size -= r.size;
      }
      byAsset.set(r.asset, p);
    }
    return [...byAsset.values()];
  }

  market(conditionId: string): SimMarket | null {
    return this.state.exchange.market(conditionId);
  }
}

export interface Position {
  row: SourceRow;
  size: bigint;
  bought: bigint;
  /** Σ size × price of buys, in micro² units */
  cost: bigint;
  realized: bigint;
}

const fmt = (micros: bigint): string => {
  const whole = micros / SCALE;
  const frac = (micros % SCALE).toString().padStart(6, '0');
  return `${whole}.${frac}`;
};
