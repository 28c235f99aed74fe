/**
 * `tandem reconcile`: every wallet's venue account against the ledger of the strategies trading through it, once, on
 * demand. The comparisons are the alert monitor's (walletCheck, positionCheck: INV-22) and recovery's (venue orders no
 * order row explains), read over every token at once and reported both ways, per wallet and per strategy. Reads only
 */
import { LEDGER_TOLERANCE, SHARE_TOLERANCE, tokenDifference, walletShort, type TokenReconciliation } from '../domain/alert-rules.ts';
import { formatMicros, type Shares, type Usdc } from '../domain/money.ts';
import type { Db } from '../store/db.ts';
import { launchedStrategyRefs } from '../store/alert-store.ts';
import { balancesOf } from '../store/ledger-store.ts';
import { inWalletScope, openPositions, type WalletScope } from '../store/position-store.ts';
import { listAllUserWallets } from '../store/user-wallet-store.ts';
import { DEFAULT_ALERT_SETTINGS, positionCheck, walletCheck, type Account } from './alert-monitor.ts';
import { unexplainedVenueOrders } from './lt-recovery.ts';
import type { Log } from './ports.ts';
import type { Venue, WalletVenue } from './venue-port.ts';

export interface ReconcileDeps {
  db: Db;
  log: Log;
  /** Every wallet's venue, the operator's (wallet null) first */
  wallets: () => Promise<WalletVenue[]>;
}

const usd = (m: bigint): string => formatMicros(m);

export interface TokenRow {
  token_id: string;
  /** Σ shares the wallet's live strategies hold by the ledger */
  ledger_shares: string;
  /** Of those, offered by open SELL orders (may have sold at the venue, not booked yet) */
  offered_shares: string;
  venue_shares: string;
  /** venue − ledger */
  diff_shares: string;
  status: 'ok' | 'short' | 'surplus';
  strategies: string[];
}

export interface StrategyRow {
  user_id: string;
  strategy_id: string;
  wallet: string;
  available_usdc: string;
  reserved_usdc: string;
  /** Shares per token by this strategy's ledger */
  tokens: Record<string, string>;
  ok: boolean;
}

export interface WalletRow {
  /** The linked wallet's address; 'operator' for the environment's wallet (every address nobody linked) */
  wallet: string;
  collateral: { ledger_available_usdc: string; venue_available_usdc: string; diff_usdc: string; ok: boolean } | null;
  tokens: TokenRow[];
  unexplained_open_orders: string[];
  /** Why the venue could not be read (then the wallet is not reconciled) */
  error: string | null;
  ok: boolean;
}

export interface ReconcileReport {
  /** 'ok': everything reconciles; 'differs': a difference found; 'failed': a venue could not be read */
  outcome: 'ok' | 'differs' | 'failed';
  tolerance: { usdc: string; shares: string };
  wallets: WalletRow[];
  strategies: StrategyRow[];
}

/** The venue's reads, recording the first that fails (the monitor's checks log and skip; here that fails the run) */
function recording(venue: Venue, failures: string[]): Account {
  const note = (error: unknown): never => {
    failures.push(error instanceof Error ? error.message : String(error));
    throw error;
  };
  return {
    availableCollateral: () => venue.availableCollateral().catch(note),
    tokenBalance: (t) => venue.tokenBalance(t).catch(note),
  };
}

function tokenRow(t: TokenReconciliation, holders: Map<string, string[]>): TokenRow {
  return { token_id: t.tokenId, ledger_shares: usd(t.held), offered_shares: usd(t.offered), venue_shares: usd(t.venue),
    diff_shares: usd(t.venue - t.held), status: tokenDifference(t), strategies: holders.get(t.tokenId) ?? [] };
}

/** The strategies trading through one wallet, with their live balances and shares per token */
async function strategyRows(db: Db, scope: WalletScope, wallet: string): Promise<StrategyRow[]> {
  const rows: StrategyRow[] = [];
  for (const r of (await launchedStrategyRefs(db)).filter((s) => inWalletScope(scope, s.walletAddress))) {
    const b = await balancesOf(db, r.userId, r.strategyId, 'live');
    const tokens: Record<string, bigint> = {};
    for (const p of await openPositions(db, r.userId, r.strategyId, false)) tokens[p.tokenId] = (tokens[p.tokenId] ?? 0n) + p.shares;
    rows.push({ user_id: r.userId, strategy_id: r.strategyId, wallet, available_usdc: usd(b.available),
      reserved_usdc: usd(b.reserved), tokens: Object.fromEntries(Object.entries(tokens).map(([k, v]) => [k, usd(v)])), ok: true });
  }
  return rows;
}

/** One wallet's account against its strategies' ledgers */
async function reconcileWallet(deps: ReconcileDeps, w: WalletVenue, scope: WalletScope) {
  const name = w.wallet ?? 'operator';
  const failures: string[] = [];
  const account = recording(w.venue, failures);
  const strategies = await strategyRows(deps.db, scope, name);
  const holders = new Map<string, string[]>();
  for (const s of strategies) for (const t of Object.keys(s.tokens)) holders.set(t, [...(holders.get(t) ?? []), `${s.user_id}/${s.strategy_id}`]);
  const cash = await walletCheck(deps, account, scope);
  const settings = { ...DEFAULT_ALERT_SETTINGS, positionReadsPerRun: Number.MAX_SAFE_INTEGER };
  const positions = failures.length === 0 ? await positionCheck({ ...deps, settings }, account, scope, name) : null;
  const unexplained = failures.length === 0
    ? await unexplainedVenueOrders({ db: deps.db, venue: w.venue }).catch((e: unknown) => (failures.push(String(e)), [])) : [];
  const tokens = (positions?.tokens ?? []).map((t) => tokenRow(t, holders));
  const collateral = cash === null ? null : { ledger_available_usdc: usd(cash.ledgerAvailable),
    venue_available_usdc: usd(cash.venueAvailable), diff_usdc: usd(cash.venueAvailable - cash.ledgerAvailable), ok: !walletShort(cash) };
  const differing = new Set(tokens.filter((t) => t.status !== 'ok').flatMap((t) => t.strategies));
  for (const s of strategies) s.ok = !differing.has(`${s.user_id}/${s.strategy_id}`) && collateral?.ok !== false;
  const error = failures[0] ?? null;
  const ok = error === null && collateral?.ok !== false && tokens.every((t) => t.status === 'ok') && unexplained.length === 0;
  const row: WalletRow = { wallet: name, collateral, tokens, unexplained_open_orders: unexplained, error, ok };
  return { row, strategies };
}

/** Every wallet reconciled; a venue that cannot be read makes the outcome 'failed' (the others are still reported) */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const linked = (await listAllUserWallets(deps.db)).map((w) => w.address);
  const wallets: WalletRow[] = [];
  const strategies: StrategyRow[] = [];
  for (const w of await deps.wallets()) {
    const scope: WalletScope = w.wallet === null ? { except: linked } : { wallet: w.wallet };
    const r = await reconcileWallet(deps, w, scope);
    wallets.push(r.row);
    strategies.push(...r.strategies);
  }
  const outcome = wallets.some((w) => w.error !== null) ? 'failed' : wallets.every((w) => w.ok) ? 'ok' : 'differs';
  return { outcome, tolerance: { usdc: usd(LEDGER_TOLERANCE as Usdc), shares: usd(SHARE_TOLERANCE as Shares) }, wallets, strategies };
}
