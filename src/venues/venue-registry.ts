/**
 * The Venues registry: one venue per linked wallet, opened lazily from its decrypted secrets by `open` (the
 * composition root decides what a wallet's venue is: Polymarket with its key, or a simulated account), and the
 * operator's venue (the environment's key, or the shared simulated account) for strategies whose wallet nobody linked
 */
import type { Log } from '../engine/ports.ts';
import type { Venue, Venues, WalletVenue } from '../engine/venue-port.ts';
import type { Sql } from '../store/db.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { perLinkedWallet, type WalletOpener } from './per-wallet.ts';

/** Opens a linked wallet's venue; null when the wallet cannot trade (e.g. no private key to sign with) */
export type WalletVenueOpener = WalletOpener<Venue>;

export interface VenueRegistryOptions {
  db: Sql;
  secrets: SecretBox | null;
  operator: Venue;
  open: WalletVenueOpener;
  log: Log;
}

export interface VenueRegistry extends Venues {
  /** Closes every wallet venue it opened (the operator's is its owner's to close) */
  close(): Promise<void>;
}

export function createVenueRegistry(o: VenueRegistryOptions): VenueRegistry {
  // A venue replaced by a new link of its wallet is closed, as is every one at close
  const venues = perLinkedWallet<Venue>({ db: o.db, secrets: o.secrets, open: o.open, log: o.log, what: 'wallet venue',
    release: (v) => v.close() });
  return {
    async forWallet(userId, address) {
      const w = address === null ? null : await venues.linked(address);
      if (!w) return o.operator;
      if (w.userId !== userId) throw new Error(`wallet ${w.address} is linked by another user: this strategy cannot trade through it`);
      const v = await venues.of(w);
      if (!v) throw new Error(`wallet ${w.address} cannot trade: no private key linked to sign orders`);
      return v;
    },
    async all() {
      const out: WalletVenue[] = [{ wallet: null, venue: o.operator }];
      for (const w of await venues.wallets()) {
        const v = await venues.of(w).catch(() => null);
        if (v) out.push({ wallet: w.address, venue: v });
      }
      return out;
    },
    close: () => venues.close(),
  };
}
