/**
 * The alerts job: reads what the alert rules need (execution quality, LT strategy settings, job runs, feed health,
 * ledger balances, the venue's collateral and share balances), fires each raised alert through the store (once per
 * condition and cool-down), then hands the undelivered ones to the notifier (the webhook). Delivery is a port: the
 * engine never speaks HTTP
 */
import { Cron } from 'croner';
import {
  DEFAULT_RATE_TARGETS, DEFAULT_SLIPPAGE_CONSECUTIVE, feedSilenceAlerts, FINISHED_STATUSES, jobLivenessAlerts, latencyAlerts,
  ledgerDriftAlerts, positionAlerts, rateAlerts, reconciliationAlerts, recoveryAlerts, slippageAlerts, walletAlerts, type Alert,
  type FeedState, type LedgerCheck, type PositionCheck, type RateTargets, type TokenReconciliation,
  type WalletCheck,
} from '../domain/alert-rules.ts';
import type { Balances } from '../domain/ledger.ts';
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Shares, Usdc } from '../domain/money.ts';
import { alertSamples, fireAlert, launchedStrategyRefs, strategyKey } from '../store/alert-store.ts';
import { readOneSnapshot, type Db, type Sql } from '../store/db.ts';
import { lastSuccessfulRuns } from '../store/job-store.ts';
import { balancesOf, type Book } from '../store/ledger-store.ts';
import { listLaunchedStrategies } from '../store/lt-strategy-store.ts';
import { heldByToken, inWalletScope, type TokenHeld, type WalletScope } from '../store/position-store.ts';
import { listAllUserWallets } from '../store/user-wallet-store.ts';
import { micros } from '../store/rows.ts';
import type { Venue, WalletVenue } from './venue-port.ts';
import type { Clock, Log } from './ports.ts';

export interface DeliveryReport {
  delivered: number;
  /** Failed this time, tried again at the next run */
  retrying: number;
  /** Failed for the last time */
  failed: number;
}

/** Where alerts go once stored (the webhook) */
export interface AlertNotifier {
  deliverPending(): Promise<DeliveryReport>;
}

export interface AlertSettings {
  cooldownMs: number;
  /** An order slower than its strategy's threshold keeps the latency condition true this long */
  latencyLookbackMs: number;
  feedSilenceMs: number;
  rates: RateTargets;
  slippageConsecutive: number;
  /** At most this many outcome tokens' venue balances are read per run (the share reconciliation rotates through them) */
  positionReadsPerRun: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  cooldownMs: 900_000, latencyLookbackMs: 900_000, feedSilenceMs: 1_800_000, rates: DEFAULT_RATE_TARGETS,
  slippageConsecutive: DEFAULT_SLIPPAGE_CONSECUTIVE, positionReadsPerRun: 50,
};

/** A scheduled job the monitor watches, with its cadence */
export interface WatchedJob {
  name: string;
  intervalMs: number;
}

export type BalancesReader = (sql: Sql, userId: string, strategyId: string, book: Book) => Promise<Balances>;

export interface AlertMonitorDeps {
  db: Db;
  clock: Clock;
  log: Log;
  settings: AlertSettings;
  jobs: readonly WatchedJob[];
  /** When the scheduler started: a job gets 2× its interval from then */
  startedAt: Date;
  feeds?: { snapshot(): readonly FeedState[] } | null;
  /** null: no webhook configured; alerts are stored with delivery 'disabled' */
  notifier: AlertNotifier | null;
  /** How balances are read (default: the ledger aggregate) */
  balances?: BalancesReader;
  /**
   * The venue account the live strategies share: its spendable collateral and its share balances; absent: no wallet
   * or position check
   */
  wallet?: Pick<Venue, 'availableCollateral' | 'tokenBalance'> | null;
  /**
   * Per-wallet reconciliation: every wallet's venue (the operator's with wallet null). Each is checked against the
   * strategies that trade through it, the operator's against those whose wallet nobody linked; replaces `wallet`
   */
  wallets?: () => Promise<WalletVenue[]>;
}

export type Account = Pick<Venue, 'availableCollateral' | 'tokenBalance'>;

export interface AlertCheckReport {
  raised: number;
  fired: number;
  suppressed: number;
  delivery: DeliveryReport | null;
}

/** The longest gap between consecutive runs of a cron expression over its next runs after `from` */
export function cronIntervalMs(expression: string, from: Date, runs = 8): number {
  const next = new Cron(expression, { paused: true }).nextRuns(runs, from);
  let gap = 0;
  for (let k = 1; k < next.length; k++) gap = Math.max(gap, next[k]!.getTime() - next[k - 1]!.getTime());
  if (gap <= 0) throw new Error(`cron ${expression} does not repeat`);
  return gap;
}

/** One run of the alerts job */
export async function checkAlerts(deps: AlertMonitorDeps): Promise<AlertCheckReport> {
  const now = deps.clock.now();
  const alerts = await collectAlerts(deps, now);
  const report = await fireAll(deps, alerts, now);
  return { ...report, delivery: deps.notifier ? await deps.notifier.deliverPending() : null };
}

/** Fires the alerts of the recovery on start (venue orders nobody can explain); the alerts job delivers them */
export async function alertRecovery(deps: Pick<AlertMonitorDeps, 'db' | 'clock' | 'log' | 'settings' | 'notifier'>,
  report: { unexplained: readonly string[]; paused: number }): Promise<number> {
  return (await fireAll(deps, recoveryAlerts(report), deps.clock.now())).fired;
}

async function fireAll(deps: Pick<AlertMonitorDeps, 'db' | 'log' | 'settings' | 'notifier'>, alerts: readonly Alert[], now: Date) {
  let fired = 0;
  for (const alert of alerts) {
    const r = await fireAlert(deps.db, alert, now, deps.settings.cooldownMs, { deliver: deps.notifier !== null });
    if (!r.fired) continue;
    fired += 1;
    deps.log.warn('alert', { alert: r.alertId, kind: alert.kind, severity: alert.severity, message: alert.message });
  }
  return { raised: alerts.length, fired, suppressed: alerts.length - fired };
}

/** Every rule over what the database and the feed registry say now */
export async function collectAlerts(deps: AlertMonitorDeps, now: Date): Promise<Alert[]> {
  const s = deps.settings;
  const strategies = await listLaunchedStrategies(deps.db);
  const since = new Date(now.getTime() - s.latencyLookbackMs);
  const recent = await alertSamples(deps.db, { kind: 'latency_since', since }, 500);
  const filled = await alertSamples(deps.db, { kind: 'slipped' }, s.slippageConsecutive);
  const finished = await alertSamples(deps.db, { kind: 'status_in', statuses: FINISHED_STATUSES }, s.rates.window);
  const out: Alert[] = [];
  for (const st of strategies) {
    const key = strategyKey(st.userId, st.strategyId);
    out.push(...latencyAlerts(st, recent.get(key) ?? [], since));
    out.push(...slippageAlerts(st, filled.get(key) ?? [], s.slippageConsecutive));
    out.push(...rateAlerts(st, finished.get(key) ?? [], s.rates));
  }
  out.push(...reconciliationAlerts(strategies));
  out.push(...ledgerDriftAlerts(await ledgerChecks(deps, strategies)));
  out.push(...jobLivenessAlerts(await jobLiveness(deps), now));
  out.push(...feedSilenceAlerts(deps.feeds?.snapshot() ?? [], now, s.feedSilenceMs));
  out.push(...await reconcileWallets(deps));
  return out;
}

/**
 * Collateral and shares reconciled per wallet account. A linked wallet's alerts are its own condition (dedupe key and
 * message name the wallet) and its owner's; the operator wallet's keep the system-wide key
 */
async function reconcileWallets(deps: AlertMonitorDeps): Promise<Alert[]> {
  if (!deps.wallets) {
    if (!deps.wallet) return [];
    return [...walletAlerts(await walletCheck(deps, deps.wallet, null)), ...positionAlerts(await positionCheck(deps, deps.wallet, null, ''))];
  }
  const linked = await listAllUserWallets(deps.db);
  const out: Alert[] = [];
  for (const { wallet, venue } of await deps.wallets()) {
    const scope: WalletScope = wallet === null ? { except: linked.map((w) => w.address) } : { wallet };
    const raised = [...walletAlerts(await walletCheck(deps, venue, scope)),
      ...positionAlerts(await positionCheck(deps, venue, scope, wallet ?? ''))];
    const owner = linked.find((w) => w.address === wallet)?.userId ?? null;
    out.push(...(wallet === null ? raised : raised.map((a) => ({ ...a, userId: owner, dedupeKey: `${a.dedupeKey}:${wallet}`,
      message: `wallet ${wallet}: ${a.message}`, detail: { ...a.detail, wallet } }))));
  }
  return out;
}

/**
 * Σ available of every launched strategy's live book (stopped ones too: their cash is still in the wallet) against
 * the venue's spendable collateral. A venue that cannot answer skips the check (the tracker reports venue errors)
 */
export async function walletCheck(deps: Pick<AlertMonitorDeps, 'db' | 'log' | 'balances'>, account: Account, scope: WalletScope): Promise<WalletCheck | null> {
  let venueAvailable: Usdc;
  try {
    venueAvailable = await account.availableCollateral();
  } catch (error) {
    deps.log.warn('wallet check skipped', { error: error instanceof Error ? error.message : String(error) });
    return null;
  }
  const read = deps.balances ?? balancesOf;
  const launched = (await launchedStrategyRefs(deps.db)).filter((r) => inWalletScope(scope, r.walletAddress));
  let ledgerAvailable = 0n;
  for (const r of launched) ledgerAvailable += (await read(deps.db, r.userId, r.strategyId, 'live')).available;
  return { ledgerAvailable: ledgerAvailable as Usdc, venueAvailable, strategies: launched.length };
}

/**
 * The last token whose venue balance each monitor (its deps object, one per scheduler) read per wallet (by address,
 * '' for the operator's): the next run goes on after it
 */
const positionRotation = new WeakMap<object, Map<string, string>>();

/**
 * The next `limit` tokens in token-id order after `after`, wrapping round to the first: with more tokens held than
 * one run reads, successive runs cover them all in turn
 */
export function rotatingPage<T extends { tokenId: string }>(sorted: readonly T[], after: string | null, limit: number): T[] {
  const start = after === null ? 0 : sorted.findIndex((t) => t.tokenId > after);
  const from = start < 0 ? 0 : start;
  const count = Math.min(Math.max(limit, 0), sorted.length);
  return Array.from({ length: count }, (_, k) => sorted[(from + k) % sorted.length]!);
}

/**
 * INV-22 for shares: per outcome token the launched strategies' live books hold (by the ledger), their Σ held against
 * the venue account's balance of it. At most `positionReadsPerRun` tokens are read from the venue per run, rotating in
 * token-id order (the next run goes on after the last token read), so every token is checked in turn however many
 * there are. Shares open SELL orders offer are allowed for (a fill the venue has and the tracker has not booked yet),
 * and the ledger is read before and after the venue reads, keeping the smaller figure per token, so a fill booked while
 * the venue was being read does not look like missing shares. A venue that cannot answer skips the check with a log
 * line (and the rotation does not move on)
 */
export async function positionCheck(deps: Pick<AlertMonitorDeps, 'db' | 'log' | 'settings'>, account: Account, scope: WalletScope, rotationKey: string):
  Promise<PositionCheck | null> {
  const before = await heldByToken(deps.db, null, scope);
  if (before.length === 0) return null;
  if (!positionRotation.has(deps)) positionRotation.set(deps, new Map());
  const rotation = positionRotation.get(deps)!;
  const page = rotatingPage(before, rotation.get(rotationKey) ?? null, deps.settings.positionReadsPerRun);
  if (page.length === 0) return null;
  const venue = new Map<string, Shares>();
  for (const t of page) {
    try {
      venue.set(t.tokenId, await account.tokenBalance(t.tokenId));
    } catch (error) {
      deps.log.warn('position check skipped', { token: t.tokenId, error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }
  rotation.set(rotationKey, page.at(-1)!.tokenId);
  const after = new Map((await heldByToken(deps.db, page.map((t) => t.tokenId), scope)).map((t) => [t.tokenId, t]));
  const floor = (t: TokenHeld) => t.held - t.offered;
  const tokens = page.map((first): TokenReconciliation => {
    const second = after.get(first.tokenId) ?? { ...first, held: 0n as Shares, offered: 0n as Shares };
    const ledger = floor(second) < floor(first) ? second : first;
    return { tokenId: first.tokenId, held: ledger.held, offered: ledger.offered, venue: venue.get(first.tokenId)!,
      strategies: ledger.strategies };
  });
  return { tokens, held: before.length };
}

/** The last successful run of every watched job */
async function jobLiveness(deps: AlertMonitorDeps) {
  if (deps.jobs.length === 0) return [];
  const lastOk = await lastSuccessfulRuns(deps.db, deps.jobs.map((j) => j.name));
  return deps.jobs.map((j) => ({
    job: j.name, intervalMs: j.intervalMs, lastOkAt: lastOk.get(j.name) ?? null, scheduledSince: deps.startedAt,
  }));
}

const BOOKS: readonly Book[] = ['live', 'shadow'];

/** Both books of every launched strategy: balances and Σ realized P&L of its orders, read in one snapshot */
async function ledgerChecks(deps: AlertMonitorDeps, strategies: readonly LtStrategy[]): Promise<LedgerCheck[]> {
  const read = deps.balances ?? balancesOf;
  const out: LedgerCheck[] = [];
  for (const s of strategies) {
    for (const book of BOOKS) {
      out.push(await deps.db.transaction(async (tx) => {
        await readOneSnapshot(tx);
        const base = { userId: s.userId, strategyId: s.strategyId, book };
        let balances: Balances;
        try {
          balances = await read(tx, s.userId, s.strategyId, book);
        } catch (error) {
          return { ...base, balances: null, error: error instanceof Error ? error.message : String(error) };
        }
        return { ...base, balances };
      }));
    }
  }
  return out;
}
