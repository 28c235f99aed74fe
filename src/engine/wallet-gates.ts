/**
 * One preflight gate (src/engine/venue-gate.ts) per linked wallet, beside the process wallet's: each checks that the
 * wallet's venue opens (its key, its API credentials), its collateral against the capital and cash of the live
 * strategies trading through it, and its allowances; at start, on the gate's cadence, and before an executor run whose
 * live strategies on that wallet changed. A gate is created for each wallet linked and dropped when it is unlinked (a
 * wallet linked again is a new gate). The executor holds each linked wallet's strategies by its gate alone; each
 * change of a wallet's state is recorded for its owner (src/store/wallet-venue-store.ts). The wallet's venue is not
 * the gate's: whoever opens it (the venue registry) closes it
 */
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Db } from '../store/db.ts';
import { listAllUserWallets, type UserWallet } from '../store/user-wallet-store.ts';
import { latestWalletVenueStates, recordWalletVenueState } from '../store/wallet-venue-store.ts';
import type { Clock, Log } from './ports.ts';
import { createVenueGate, type VenueGate, type VenueHealth } from './venue-gate.ts';
import type { Venue } from './venue-port.ts';

export interface WalletGatesOptions {
  db: Db;
  clock: Clock;
  log: Log;
  /** The venue's kind, the start of each gate's name (`polymarket 0xabc…`) */
  venueName: string;
  /** Opens (or returns the opened) venue of a wallet; throws when it cannot (a VenueSetupError names why) */
  connect: (wallet: UserWallet) => Promise<Venue>;
  /** Before a wallet's venue may trade: recovery has run (it reads every wallet's venue); a throw is retried */
  onConnected?: (venue: Venue) => Promise<void>;
  checkEveryMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How often the linked wallets are re-read between executor runs, for links and unlinks (default 15 s) */
  refreshEveryMs?: number;
}

type StrategyWallet = Pick<LtStrategy, 'userId' | 'walletAddress'>;

export interface WalletGates {
  /** Re-reads the linked wallets: a gate for each new link (started once the set is), an unlinked wallet's stopped */
  refresh(): Promise<void>;
  /** Whether a linked wallet's gate holds this strategy (its owner linked its wallet_address) */
  holds(s: StrategyWallet): boolean;
  /** The venue state of a user's linked wallet; null when that user has no gate for it (yet) */
  health(userId: string, address: string): VenueHealth | null;
  /**
   * Before an executor run: the linked wallets re-read, then each gate holding one of `strategies` asked for its state
   * (a fresh check when its live strategies changed). Returns the state each strategy is held by: null for one no
   * linked wallet's gate holds (the process wallet's)
   */
  forRun(strategies: readonly LtStrategy[]): Promise<(s: StrategyWallet) => VenueHealth | null>;
  /** Starts every gate and the refresh loop */
  start(): void;
  /** Stops the loop and every gate (their venues stay open: the registry closes them) */
  stop(): Promise<void>;
}

const keyOf = (userId: string, address: string | null): string => `${userId}/${(address ?? '').toLowerCase()}`;

export function createWalletGates(o: WalletGatesOptions): WalletGates {
  const gates = new Map<string, { linkedAt: number; gate: VenueGate }>();
  const stopping = new Set<Promise<void>>();
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let refreshing: Promise<void> | null = null;

  const gateOf = (w: UserWallet): VenueGate => createVenueGate({
    name: `${o.venueName} ${w.address}`, signerAddress: w.hasPrivateKey ? w.address : null, db: o.db, clock: o.clock, log: o.log,
    connect: () => o.connect(w), closesVenue: false, owns: (s) => keyOf(s.userId, s.walletAddress) === keyOf(w.userId, w.address),
    onChange: (h) => recordWalletVenueState(o.db, w.userId, w.address, { state: h.state, reasons: h.reasons, checkedAt: h.checkedAt ?? o.clock.now() }),
    ...(o.onConnected ? { onConnected: o.onConnected } : {}),
    ...(o.checkEveryMs !== undefined ? { checkEveryMs: o.checkEveryMs } : {}),
    ...(o.retryMinMs !== undefined ? { retryMinMs: o.retryMinMs } : {}),
    ...(o.retryMaxMs !== undefined ? { retryMaxMs: o.retryMaxMs } : {}),
  });
  /** Stopped in the background: a check under way (a slow venue) does not hold up the caller */
  const drop = (gate: VenueGate): void => {
    const p = gate.stop().catch(() => undefined).finally(() => stopping.delete(p));
    stopping.add(p);
  };
  const sync = async (): Promise<void> => {
    const linked = await listAllUserWallets(o.db);
    if (stopped) return;
    const seen = new Set<string>();
    for (const w of linked) {
      const key = keyOf(w.userId, w.address);
      seen.add(key);
      const known = gates.get(key);
      if (known?.linkedAt === w.linkedAt.getTime()) continue;
      if (known) drop(known.gate);
      const gate = gateOf(w);
      gates.set(key, { linkedAt: w.linkedAt.getTime(), gate });
      if (started) gate.start();
    }
    for (const [key, g] of gates) {
      if (seen.has(key)) continue;
      gates.delete(key);
      drop(g.gate);
    }
  };
  const refresh = (): Promise<void> => {
    refreshing ??= sync().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };
  const healthOf = (s: StrategyWallet): VenueHealth | null => gates.get(keyOf(s.userId, s.walletAddress))?.gate.health() ?? null;
  return {
    refresh,
    holds: (s) => gates.has(keyOf(s.userId, s.walletAddress)),
    health: (userId, address) => healthOf({ userId, walletAddress: address }),
    async forRun(strategies) {
      await refresh();
      const held = new Set(strategies.map((s) => keyOf(s.userId, s.walletAddress)));
      await Promise.all([...gates].filter(([key]) => held.has(key)).map(([, g]) => g.gate.forRun(strategies)));
      return healthOf;
    },
    start() {
      if (started || stopped) return;
      started = true;
      for (const { gate } of gates.values()) gate.start();
      timer = setInterval(() => void refresh().catch((e: unknown) =>
        o.log.error('linked wallets not re-read', { error: e instanceof Error ? e.message : String(e) })), o.refreshEveryMs ?? 15_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      stopped = true;
      await refreshing?.catch(() => undefined);
      for (const { gate } of gates.values()) drop(gate);
      gates.clear();
      await Promise.all([...stopping]);
    },
  };
}

/** A wallet's venue state as its owner sees it: never a secret (reasons are worded for an operator) */
export interface WalletVenueState {
  state: string;
  reasons: { code: string; message: string }[];
  /** When the check that found it ran; null before the first */
  checkedAt: Date | null;
}

const UNCHECKED: WalletVenueState = {
  state: 'off', reasons: [{ code: 'not_checked', message: 'the wallet\'s venue has not been checked yet' }], checkedAt: null,
};

/**
 * The venue state of each of a user's wallets: its running gate's (`live`, in the process that trades), or else the
 * last one a running Tandem recorded for this link (a process without the gates: the CLI); unchecked otherwise
 */
export async function walletVenueStates(db: Db, userId: string,
  live?: ((userId: string, address: string) => VenueHealth | null) | null): Promise<(address: string) => WalletVenueState> {
  const recorded = await latestWalletVenueStates(db, userId);
  return (address) => {
    const a = address.toLowerCase();
    const h = live?.(userId, a) ?? null;
    if (h && h.checkedAt !== null) return { state: h.state, reasons: h.reasons, checkedAt: h.checkedAt };
    return recorded.get(a) ?? UNCHECKED;
  };
}
