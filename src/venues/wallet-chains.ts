/**
 * Each linked wallet's chain, for redeeming its winnings from the wallet that holds them: built on first use from the
 * wallet's decrypted secrets by `open` (the composition root decides what a wallet's chain is: Polygon with its key,
 * or its account on the simulated exchange), one per wallet. A wallet unlinked and linked again is built again
 */
import type { Chain, WalletChains } from '../engine/chain-port.ts';
import type { Log } from '../engine/ports.ts';
import type { Sql } from '../store/db.ts';
import type { SecretBox } from '../store/secret-box.ts';
export type { WalletChains };
import { listAllUserWallets, openWalletSecrets, type UserWallet, type WalletSecrets } from '../store/user-wallet-store.ts';

/** Builds a linked wallet's chain; null when this process cannot (e.g. no private key to sign with) */
export type WalletChainOpener = (wallet: UserWallet, secrets: WalletSecrets) => Promise<Chain | null>;

export function createWalletChains(o: { db: Sql; secrets: SecretBox | null; open: WalletChainOpener; log: Log }): WalletChains {
  const built = new Map<string, { linkedAt: number; chain: Promise<Chain | null> }>();
  return async (address) => {
    const w = (await listAllUserWallets(o.db)).find((x) => x.address === address.toLowerCase());
    if (!w) return null;
    const known = built.get(w.address);
    if (known && known.linkedAt === w.linkedAt.getTime()) return known.chain;
    const chain = openWalletSecrets(o.db, o.secrets, w.userId, w.address).then((s) => o.open(w, s));
    // A failed build is tried again next time (logged without the error's detail, which may be the adapter's)
    chain.catch(() => {
      if (built.get(w.address)?.chain === chain) built.delete(w.address);
      o.log.error('wallet chain failed to open', { address: w.address });
    });
    built.set(w.address, { linkedAt: w.linkedAt.getTime(), chain });
    return chain;
  };
}
