/**
 * Per-user wallets in an LT test world: a user who links a wallet (its private key sealed by `secretBox`) and launches
 * a strategy on the world's FT wallet trading through it, and executor deps whose Venues registry opens each linked
 * wallet as its own simulated account on the world's exchange, funded with $1,000
 */
import { randomBytes } from 'node:crypto';
import { generatePrivateKey } from 'viem/accounts';
import { expect } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import type { LtExecutorDeps } from '../../src/engine/lt-executor.ts';
import { createLtStrategy, launchLtStrategy } from '../../src/engine/lt-strategies.ts';
import { linkWallet } from '../../src/engine/user-wallets.ts';
import { silentLog } from '../../src/log.ts';
import { COLLATERAL } from '../../src/sim/exchange/exchange.ts';
import { createSimulatedVenue } from '../../src/sim/exchange/simulated-venue.ts';
import { createSecretBox } from '../../src/store/secret-box.ts';
import { createUser } from '../../src/store/user-store.ts';
import { createVenueRegistry, type VenueRegistry } from '../../src/venues/venue-registry.ts';
import { SIGNER, type LtWorld } from './lt-world.ts';

/** Seals the linked wallets' secrets (one key per test file) */
export const secretBox = createSecretBox(randomBytes(32));

/** The simulated account a linked wallet trades on (as the composition root names it) */
export const accountOf = (address: string): string => `wallet:${address}`;

export interface Trader { userId: string; address: string; strategyId: string }

/** A new user who links a wallet with a private key and launches a $1,000 strategy on FT_COPY_ALL trading through it */
export async function linkedTrader(w: LtWorld, name: string): Promise<Trader> {
  const db = w.ft.t.db;
  const clock = w.ft.clock;
  const { user } = await createUser(db, name);
  const linked = await linkWallet({ db, clock, secrets: secretBox }, user.userId, { private_key: generatePrivateKey(), label: name });
  if (!linked.ok) throw new Error(JSON.stringify(linked.error));
  const address = linked.value.address;
  const created = await createLtStrategy({ db, clock }, user.userId, { ft_wallet_id: 'FT_COPY_ALL', starting_capital: '1000', wallet_address: address });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const launched = await launchLtStrategy({ db, clock, operatorWallet: SIGNER }, user.userId, created.value.strategyId);
  if (!launched.ok) throw new Error(JSON.stringify(launched.error));
  return { userId: user.userId, address, strategyId: created.value.strategyId };
}

/**
 * The world's executor deps with a Venues registry: each linked wallet its own simulated account, funded with $1,000
 * when opened, from its key decrypted from the store; the operator's venue for wallets nobody linked. `opened` lists
 * the wallets opened, in order
 */
export function walletDeps(w: LtWorld): { deps: LtExecutorDeps; registry: VenueRegistry; opened: string[] } {
  const opened: string[] = [];
  const registry = createVenueRegistry({ db: w.ft.t.db, secrets: secretBox, operator: w.venue, log: silentLog,
    open: async (wallet, secrets) => {
      expect(secrets.privateKey).toMatch(/^0x[0-9a-f]{64}$/); // decrypted from the store
      opened.push(wallet.address);
      w.exchange.credit(accountOf(wallet.address), COLLATERAL, usdc('1000'));
      return createSimulatedVenue({ exchange: w.exchange, account: accountOf(wallet.address), clock: w.ft.clock, sleep: async () => undefined });
    } });
  return { deps: { ...w.deps, venues: registry }, registry, opened };
}
