/**
 * One value per linked wallet (its venue, its chain), opened on first use from the wallet's decrypted secrets and kept
 * for that link: a wallet unlinked and linked again (new credentials) is opened again, and a failed open is tried
 * again the next time the wallet is asked for
 */
import type { Log } from '../engine/ports.ts';
import type { Sql } from '../store/db.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { listAllUserWallets, openWalletSecrets, type UserWallet, type WalletSecrets } from '../store/user-wallet-store.ts';

/** Opens a linked wallet's value; null when this process cannot (e.g. no private key to sign with) */
export type WalletOpener<T> = (wallet: UserWallet, secrets: WalletSecrets) => Promise<T | null>;

export interface PerWalletOptions<T> {
  db: Sql;
  secrets: SecretBox | null;
  open: WalletOpener<T>;
  log: Log;
  /** What is opened, named in the log line of a failed open (e.g. 'wallet venue') */
  what: string;
  /** Releases a value a new link replaced, or every value at `close` (none by default) */
  release?: (value: T) => Promise<void>;
}

export interface PerWallet<T> {
  /** Every linked wallet */
  wallets(): Promise<UserWallet[]>;
  /** The wallet linked at this address (in any case), or null when nobody linked it */
  linked(address: string): Promise<UserWallet | null>;
  /** The wallet's value for its current link, opened on first use */
  of(wallet: UserWallet): Promise<T | null>;
  /** Forgets every value opened, releasing each */
  close(): Promise<void>;
}

export function perLinkedWallet<T>(o: PerWalletOptions<T>): PerWallet<T> {
  /** By address, with the link it was opened for */
  const opened = new Map<string, { linkedAt: number; value: Promise<T | null> }>();
  const release = (v: T | null): Promise<void> => (v !== null && o.release ? o.release(v) : Promise.resolve());
  return {
    wallets: () => listAllUserWallets(o.db),
    linked: async (address) => (await listAllUserWallets(o.db)).find((w) => w.address === address.toLowerCase()) ?? null,
    of(w) {
      const known = opened.get(w.address);
      if (known && known.linkedAt === w.linkedAt.getTime()) return known.value;
      if (known) void known.value.then(release).catch(() => undefined);
      const value = openWalletSecrets(o.db, o.secrets, w.userId, w.address).then((s) => o.open(w, s));
      // Logged without the error's detail, which is the adapter's and may carry what it was opened with
      value.catch(() => {
        if (opened.get(w.address)?.value === value) opened.delete(w.address);
        o.log.error(`${o.what} failed to open`, { address: w.address });
      });
      opened.set(w.address, { linkedAt: w.linkedAt.getTime(), value });
      return value;
    },
    async close() {
      const all = await Promise.all([...opened.values()].map((v) => v.value.catch(() => null)));
      opened.clear();
      for (const v of all) await release(v);
    },
  };
}
