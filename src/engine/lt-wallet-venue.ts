/**
 * Which venue a strategy's live orders go through: with a `venues` registry, its wallet's (each linked wallet has
 * one, the operator's is the fallback); without one, the single `venue` every strategy shares (replay, bench, tests)
 */
import type { Db } from '../store/db.ts';
import { getLtStrategy } from '../store/lt-strategy-store.ts';
import type { Venue, Venues, WalletVenue } from './venue-port.ts';

export interface WalletVenueDeps {
  db: Db;
  venue: Venue;
  /** Per-wallet venues; absent: `venue` for every strategy */
  venues?: Venues;
}

/** The venue of a strategy's wallet */
export const strategyVenue = (deps: WalletVenueDeps, s: { userId: string; walletAddress: string | null }): Promise<Venue> =>
  (deps.venues ? deps.venues.forWallet(s.userId, s.walletAddress) : Promise.resolve(deps.venue));

/**
 * The deps of one strategy's run: its wallet's venue, whose signer (when it signs) the strategy's wallet_address
 * must match. Without a registry, the deps as they are
 */
export async function withStrategyVenue<D extends WalletVenueDeps & { signerAddress?: string | null }>(deps: D,
  s: { userId: string; walletAddress: string | null }): Promise<D> {
  if (!deps.venues) return deps;
  const venue = await deps.venues.forWallet(s.userId, s.walletAddress);
  return { ...deps, venue, signerAddress: venue.signerAddress };
}

/** Every venue orders may rest on */
export const everyVenue = async (deps: WalletVenueDeps): Promise<WalletVenue[]> =>
  (deps.venues ? deps.venues.all() : [{ wallet: null, venue: deps.venue }]);

/** Resolves an order's venue through its strategy's wallet, each strategy looked up once per resolver */
export function orderVenues(deps: WalletVenueDeps): (order: { userId: string; strategyId: string }) => Promise<Venue> {
  const cache = new Map<string, Promise<Venue>>();
  return (order) => {
    if (!deps.venues) return Promise.resolve(deps.venue);
    const key = `${order.userId}/${order.strategyId}`;
    let v = cache.get(key);
    if (!v) {
      v = getLtStrategy(deps.db, order.userId, order.strategyId).then((s) => strategyVenue(deps, { userId: order.userId, walletAddress: s?.walletAddress ?? null }));
      cache.set(key, v);
    }
    return v;
  };
}
