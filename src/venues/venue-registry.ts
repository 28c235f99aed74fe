/**
 * The Venues registry: one venue per linked wallet, opened lazily from its decrypted secrets by `open` (the
 * composition root decides what a wallet's venue is: Polymarket with its key, or a simulated account), and the
 * operator's venue (the environment's key, or the shared simulated account) for strategies whose wallet nobody linked
 */
import type { Log } from '../engine/ports.ts';
import type { Venue, Venues, WalletVenue } from '../engine/venue-port.ts';
import type { Sql } from '../store/db.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { listAllUserWallets, openWalletSecrets, type UserWallet, type WalletSecrets } from '../store/user-wallet-store.ts';

/** Opens a linked wallet's venue; null when the wallet cannot trade (e.g. no private key to sign with) */
export type WalletVenueOpener = (wallet: UserWallet, secrets: WalletSecrets) => Promise<Venue | null>;

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
  /** By address, with the link it was opened for: a wallet unlinked and linked again (new credentials) is opened again */
  const opened = new Map<string, { linkedAt: number; venue: Promise<Venue | null> }>();
  const venueOf = (w: UserWallet): Promise<Venue | null> => {
    const known = opened.get(w.address);
    if (known && known.linkedAt === w.linkedAt.getTime()) return known.venue;
    if (known) void known.venue.then((v) => v?.close()).catch(() => undefined);
    const venue = openWalletSecrets(o.db, o.secrets, w.userId, w.address).then((s) => o.open(w, s));
    // A failed open is tried again next time (and logged without the error's detail, which is the adapter's)
    venue.catch(() => {
      if (opened.get(w.address)?.venue === venue) opened.delete(w.address);
      o.log.error('wallet venue failed to open', { address: w.address });
    });
    opened.set(w.address, { linkedAt: w.linkedAt.getTime(), venue });
    return venue;
  };
  const linked = async (address: string): Promise<UserWallet | null> =>
    (await listAllUserWallets(o.db)).find((w) => w.address === address.toLowerCase()) ?? null;
  return {
    async forWallet(userId, address) {
      const w = address === null ? null : await linked(address);
      if (!w) return o.operator;
      if (w.userId !== userId) throw new Error(`wallet ${w.address} is linked by another user: this strategy cannot trade through it`);
      const v = await venueOf(w);
      if (!v) throw new Error(`wallet ${w.address} cannot trade: no private key linked to sign orders`);
      return v;
    },
    async all() {
      const out: WalletVenue[] = [{ wallet: null, venue: o.operator }];
      for (const w of await listAllUserWallets(o.db)) {
        const v = await venueOf(w).catch(() => null);
        if (v) out.push({ wallet: w.address, venue: v });
      }
      return out;
    },
    async close() {
      const all = await Promise.all([...opened.values()].map((v) => v.venue.catch(() => null)));
      opened.clear();
      for (const v of all) await v?.close();
    },
  };
}
