/**
 * The composition root's venues and chains (with src/main.ts): which Venue and Chain back each wallet, the process's
 * own (the environment's key, or the simulated account) and each linked user wallet's, and their preflight gates
 */
import type { Config } from './config.ts';
import type { LtStrategy } from './domain/lt-strategy.ts';
import { parseMicros } from './domain/money.ts';
import type { Chain } from './engine/chain-port.ts';
import type { Clock, Log } from './engine/ports.ts';
import { createVenueGate, type VenueGate } from './engine/venue-gate.ts';
import { VenueSetupError, type Venue } from './engine/venue-port.ts';
import { createWalletGates, type WalletGates } from './engine/wallet-gates.ts';
import { SimExchange } from './sim/exchange/exchange.ts';
import type { Exchange } from './sim/exchange/exchange-types.ts';
import { createSimulatedChain } from './sim/exchange/sim-chain.ts';
import { createSimulatedVenue } from './sim/exchange/simulated-venue.ts';
import type { Db } from './store/db.ts';
import type { SecretBox } from './store/secret-box.ts';
import { bookCachedVenue } from './venues/book-cache-venue.ts';
import { createVenueRegistry, type VenueRegistry } from './venues/venue-registry.ts';
import { createWalletChains, type WalletChains } from './venues/wallet-chains.ts';

/** Polymarket's adapters, loaded on first use (never on the simulated venue: they take seconds to load) */
const polymarket = () => import('./venues/polymarket/adapters.ts');

/** Tandem's account on the simulated exchange */
export const SIM_VENUE_ACCOUNT = 'tandem';

/**
 * The venue live orders go to: the simulated venue on the world's exchange (or an empty exchange of its
 * own), or Polymarket through the real adapter with keys from configuration (never logged)
 */
export async function venueFor(config: Config, clock: Clock, log: Log, exchange: Exchange | null): Promise<Venue> {
  if (config.venue.kind === 'polymarket') {
    const v = config.venue;
    if (!v.privateKey) throw new VenueSetupError('no_private_key', v.keyProblem ?? 'no private key', true);
    const { createPolymarketVenue } = await polymarket();
    const venue = await createPolymarketVenue({
      host: v.clobUrl, wsHost: v.wsUrl, privateKey: v.privateKey, signatureType: v.signatureType, log, clock,
      ...(v.creds ? { creds: v.creds } : {}), ...(v.funder ? { funder: v.funder } : {}),
    });
    return bookCachedVenue(venue, { wsBase: v.wsUrl, staleMs: v.bookStaleMs ?? 0, clock, log });
  }
  const sim = exchange ?? new SimExchange(clock);
  sim.credit(SIM_VENUE_ACCOUNT, 'USDC', parseMicros(config.venue.fundUsdc));
  return createSimulatedVenue({ exchange: sim, account: SIM_VENUE_ACCOUNT, clock });
}

/**
 * The venue behind its preflight gate (src/engine/venue-gate.ts): built in the background and retried, so start-up
 * never fails for the venue's sake; `onConnected` runs recovery before it may trade
 */
export async function venueGateFor(config: Config, deps: { db: Db; clock: Clock; log: Log }, exchange: Exchange | null,
  onConnected: (venue: Venue) => Promise<void>, owns: (s: LtStrategy) => boolean): Promise<VenueGate> {
  const v = config.venue;
  return createVenueGate({
    ...deps, name: v.kind === 'polymarket' ? 'polymarket' : 'simulated', onConnected, owns,
    signerAddress: v.kind === 'polymarket' ? (await polymarket()).signerAddressOf(v.privateKey) : null,
    connect: () => venueFor(config, deps.clock, deps.log, exchange),
  });
}

/**
 * Each linked wallet's venue, opened on first use: with VENUE=polymarket a Polymarket venue signing with the wallet's
 * own key (a wallet without one cannot trade), with VENUE=simulated its own account on the shared exchange, funded
 * once with SIM_VENUE_FUND. Strategies whose wallet nobody linked trade through `operator` (the environment's wallet)
 */
export function walletVenuesFor(config: Config, deps: { db: Db; secrets: SecretBox | null; operator: Venue; clock: Clock;
  log: Log; exchange: Exchange | null }): VenueRegistry {
  const v = config.venue;
  const funded = new Set<string>();
  return createVenueRegistry({ db: deps.db, secrets: deps.secrets, operator: deps.operator, log: deps.log,
    open: async (wallet, secrets) => {
      if (v.kind === 'polymarket') {
        if (!secrets.privateKey) return null;
        const { createPolymarketVenue } = await polymarket();
        const venue = await createPolymarketVenue({ host: v.clobUrl, wsHost: v.wsUrl, privateKey: secrets.privateKey,
          signatureType: wallet.signatureType, log: deps.log, clock: deps.clock,
          ...(secrets.creds ? { creds: secrets.creds } : {}), ...(wallet.funder ? { funder: wallet.funder as `0x${string}` } : {}) });
        return bookCachedVenue(venue, { wsBase: v.wsUrl, staleMs: v.bookStaleMs ?? 0, clock: deps.clock, log: deps.log });
      }
      if (!deps.exchange) return null; // no simulated exchange in this process (a CLI command)
      const account = `wallet:${wallet.address}`;
      if (!funded.has(account)) deps.exchange.credit(account, 'USDC', parseMicros(v.fundUsdc));
      funded.add(account);
      return createSimulatedVenue({ exchange: deps.exchange, account, clock: deps.clock });
    } });
}

/**
 * Each linked wallet's chain, built on first use, where its winnings are redeemed: with VENUE=polymarket Polygon with
 * the wallet's own key, signature type and funder (no usable key: null, its winnings are alerted to redeem by hand),
 * with VENUE=simulated its account on the shared exchange (the one its simulated venue trades on)
 */
export function walletChainsFor(config: Config, deps: { db: Db; secrets: SecretBox | null; log: Log;
  exchange: Exchange | null }): WalletChains {
  const v = config.venue;
  return createWalletChains({ db: deps.db, secrets: deps.secrets, log: deps.log, open: async (wallet, secrets) => {
    if (v.kind === 'polymarket') {
      if (!secrets.privateKey || (await polymarket()).signerAddressOf(secrets.privateKey) === null) return null;
      return polygonChainOf(v, { privateKey: secrets.privateKey, signatureType: wallet.signatureType, funder: wallet.funder ?? null });
    }
    return deps.exchange ? createSimulatedChain({ exchange: deps.exchange, account: `wallet:${wallet.address}` }) : null;
  } });
}

/**
 * Where the live book's winnings are redeemed: the simulated chain on the simulated venue's exchange, or Polygon with
 * the venue's key (POLYGON_RPC_URL; a proxy/Safe wallet through the relayer when configured; otherwise, or with no RPC
 * URL, each redemption is alerted to do by hand).
 * No key: nothing trades, and nothing is redeemed
 */
export async function chainFor(config: Config, simExchange: Exchange | null): Promise<Chain | undefined> {
  if (config.venue.kind === 'polymarket') {
    const v = config.venue;
    // No usable key (unset, or not a valid secp256k1 key): nothing trades and nothing is redeemed; never built from it
    if (v.privateKey === null || (await polymarket()).signerAddressOf(v.privateKey) === null) return undefined;
    return polygonChainOf(v, { privateKey: v.privateKey, signatureType: v.signatureType, funder: v.funder });
  }
  return simExchange ? createSimulatedChain({ exchange: simExchange, account: SIM_VENUE_ACCOUNT }) : undefined;
}

/**
 * Each linked wallet's preflight gate (src/engine/wallet-gates.ts) over its venue from the registry (which closes it).
 * With VENUE=polymarket a wallet linked without a private key cannot sign: no retry mends that. Recovery, which reads
 * every wallet's venue, runs once the process's venue is connected: a wallet's check waits for the process gate's check
 * under way (so the first run after start does not find it off for that), and until recovery has run it is not ready
 */
export function walletGatesFor(config: Config, deps: { db: Db; clock: Clock; log: Log }, venues: () => VenueRegistry,
  processConnected: () => Promise<boolean>): WalletGates {
  const polymarket = config.venue.kind === 'polymarket';
  return createWalletGates({ ...deps, venueName: polymarket ? 'polymarket' : 'simulated',
    connect: async (w) => {
      if (polymarket && !w.hasPrivateKey) {
        throw new VenueSetupError('no_private_key', `wallet ${w.address} was linked without a private key: it cannot sign orders`, true);
      }
      return venues().forWallet(w.userId, w.address);
    },
    onConnected: async () => {
      if (!(await processConnected())) throw new Error('not yet: recovery runs once the process\'s own venue is connected');
    } });
}

/**
 * A wallet's chain on Polygon: an EOA signs its redemptions with its key; a proxy or Safe wallet goes through
 * Polymarket's relayer with its owner key when the relayer is configured (POLYMARKET_RELAYER_URL and the builder
 * credentials), otherwise its chain says it cannot redeem and each redemption is alerted to do by hand
 */
async function polygonChainOf(v: Extract<Config['venue'], { kind: 'polymarket' }>, w: { privateKey: `0x${string}`;
  signatureType: 0 | 1 | 2 | 3; funder: string | null }): Promise<Chain> {
  const { createPolygonChain, createRelayerChain } = await polymarket();
  if (v.relayer && (w.signatureType === 1 || w.signatureType === 2)) {
    return createRelayerChain({ relayerUrl: v.relayer.url, builder: v.relayer.builder, rpcUrl: v.polygonRpcUrl ?? null,
      privateKey: w.privateKey, signatureType: w.signatureType, funder: w.funder });
  }
  return createPolygonChain({ rpcUrl: v.polygonRpcUrl ?? null, privateKey: w.privateKey, signatureType: w.signatureType,
    ...(w.funder ? { funder: w.funder } : {}) });
}
