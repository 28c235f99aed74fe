/**
 * Each linked wallet's chain, for redeeming its winnings from the wallet that holds them: built on first use from the
 * wallet's decrypted secrets by `open` (the composition root decides what a wallet's chain is: Polygon with its key,
 * or its account on the simulated exchange), one per wallet. A wallet unlinked and linked again is built again
 */
import type { Chain, WalletChains } from '../engine/chain-port.ts';
import type { Log } from '../engine/ports.ts';
import type { Sql } from '../store/db.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { perLinkedWallet, type WalletOpener } from './per-wallet.ts';
export type { WalletChains };

/** Builds a linked wallet's chain; null when this process cannot (e.g. no private key to sign with) */
export type WalletChainOpener = WalletOpener<Chain>;

export function createWalletChains(o: { db: Sql; secrets: SecretBox | null; open: WalletChainOpener; log: Log }): WalletChains {
  const chains = perLinkedWallet<Chain>({ db: o.db, secrets: o.secrets, open: o.open, log: o.log, what: 'wallet chain' });
  return async (address) => {
    const w = await chains.linked(address);
    return w ? chains.of(w) : null;
  };
}
