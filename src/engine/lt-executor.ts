/** The LT executor: every launched strategy's pending FT signals, oldest first, each decided once and, when ordered, sent after its intent commits */
import { mapLimit } from '../domain/concurrency.ts';
import type { FtWallet } from '../domain/ft-wallet.ts';
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Db } from '../store/db.ts';
import { launchedPass, type SignalPage } from '../store/lt-signal-store.ts';
import { strategyLeaseKey } from '../store/lease-store.ts';
import type { BookSnapshot, MarketInfo, Venue, Venues } from './venue-port.ts';
import { entryBlock, type VenueGate, type VenueHealth } from './venue-gate.ts';
import type { WalletGates } from './wallet-gates.ts';
import { withStrategyVenue } from './lt-wallet-venue.ts';
import { decideSignal, type Verdict } from './lt-intent.ts';
import { firstSignalPage, openSignalWindow, pendingSignals, signalAge, windowKey, type Signal, type SignalWindow } from './lt-signals.ts';
import { keptFtConfig } from './lt-ft-config.ts';
import { submitIntent, venueOf, type Submission } from './lt-submit.ts';
import type { LtHooks } from './lt-hooks.ts';
import { signalLog } from './lt-trace.ts';
import { formatMicros } from '../domain/money.ts';
import type { Clock, Log, Metrics, StrategyShare } from './ports.ts';

export interface LtExecutorDeps {
  db: Db;
  venue: Venue;
  /** Where shadow strategies' orders go (src/venues/shadow-venue.ts): it reads `venue`'s books and sends it nothing */
  shadowVenue: Venue;
  clock: Clock;
  /** The address that signs live orders; when set, a live strategy's wallet_address must equal it */
  signerAddress?: string | null;
  /** Per-wallet venues: each strategy trades through its wallet's (then `venue` and `signerAddress` are its) */
  venues?: Venues;
  /** The strategies this worker holds the lease of (workers on PostgreSQL); absent: every one */
  share?: StrategyShare;
  /** Strategies run at once (default 1: one after the other, as replays need for a reproducible order at the book) */
  strategyConcurrency?: number;
  /** Signals one strategy may decide per run, so a busy strategy cannot starve the others (INV-4) */
  signalBudget?: number;
  /** Rows per signal page (tests use small pages to cross page boundaries) */
  signalPageSize?: number;
  /** Test-only injection points (crash tests); production never sets it */
  hooks?: LtHooks;
  /**
   * The venue's preflight gate: while it is not ready no live entry is sent (each is skipped as venue_not_ready), and
   * while it is off no order at all (exits wait for it). Absent: the venue is taken as ready
   */
  gate?: Pick<VenueGate, 'forRun'> | null;
  /**
   * Each linked wallet's gate (src/engine/wallet-gates.ts): a strategy trading through a linked wallet is held by its
   * wallet's gate alone, as `gate` holds the process wallet's. Absent: the process gate holds them while it is off
   */
  walletGates?: Pick<WalletGates, 'forRun'> | null;
  /** Where each signal's path is logged under its trace id (src/engine/lt-trace.ts); absent: not logged */
  log?: Log;
  /** Where skips, rejections and latencies are reported; absent: nowhere */
  metrics?: Metrics;
}

export interface LtExecuteScope {
  userId?: string;
  strategyId?: string;
  /** Only the signals of this source trade (a replay acts on each trade's signals at its time + latency) */
  sourceTradeId?: string;
}

export interface LtLatency {
  userId: string;
  strategyId: string;
  orderId: string;
  /** submit − FT signal */
  latencyMs: number;
  /** Above the strategy's latency_alert_ms */
  alert: boolean;
}

export interface LtExecuteReport {
  strategies: number;
  signals: number;
  ordered: number;
  skipped: number;
  expired: number;
  duplicates: number;
  deferred: number;
  submissions: Submission[];
  latencies: LtLatency[];
  skips: { userId: string; strategyId: string; ftOrderId: string; leg: string; kind: string; rule: string; limit: string; observed: string }[];
  errors: { userId: string; strategyId: string; ftOrderId?: string; leg?: string; error: string }[];
}

const DEFAULT_BUDGET = 500;
const ROUNDS = 3;

const emptyReport = (): LtExecuteReport => ({
  strategies: 0, signals: 0, ordered: 0, skipped: 0, expired: 0, duplicates: 0, deferred: 0, submissions: [], latencies: [],
  skips: [], errors: [],
});

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** A strategy's window and first signal page, asked for before the pass read the launched strategies */
interface EarlyWalk {
  window: SignalWindow;
  first: Promise<SignalPage>;
}

/** The strategies the last pass on a database ran, in the order it ran them */
const lastRan = new WeakMap<object, LtStrategy[]>();

const inScope = (scope: LtExecuteScope) => (s: LtStrategy): boolean =>
  (scope.userId === undefined || s.userId === scope.userId) && (scope.strategyId === undefined || s.strategyId === scope.strategyId);

/**
 * The first signal pages of the strategies this pass will likely run first (the last pass's, in scope, as many as run
 * at once), asked for beside the launched strategies: on PostgreSQL on other connections, so the list costs the signal
 * no round trip of its own. A page depends only on its strategy's identity, FT wallet and launch (windowKey); it is used
 * only for a strategy the fresh list holds with the same key among those it runs at once, and everything else about
 * the strategy is the list's
 */
function walkEarly(deps: LtExecutorDeps, scope: LtExecuteScope): Map<string, EarlyWalk> {
  const early = new Map<string, EarlyWalk>();
  const likely = (lastRan.get(deps.db) ?? []).filter(inScope(scope)).slice(0, deps.strategyConcurrency ?? 1);
  for (const s of likely) {
    const window = openSignalWindow(deps.db, s, scope.sourceTradeId ?? null);
    const first = firstSignalPage(deps.db, s, { pageSize: deps.signalPageSize, sourceTradeId: scope.sourceTradeId, window });
    first.catch(() => undefined); // a strategy that runs awaits it (and reports its error); one that does not, never
    early.set(windowKey(s), { window, first });
  }
  return early;
}

/**
 * One executor run over every launched, active strategy (optionally one user's, or one strategy). Paused
 * strategies and an engaged kill switch skip new entries inside the intent transaction; exits still go
 */
export async function executeLt(deps: LtExecutorDeps, scope: LtExecuteScope = {}): Promise<LtExecuteReport> {
  const report = emptyReport();
  const early = walkEarly(deps, scope);
  try {
    await runPass(deps, scope, early, report);
  } finally {
    // A page asked for early that no strategy of the pass used ends before the pass does, whatever happened
    await Promise.allSettled([...early.values()].map((e) => e.first));
  }
  return report;
}

async function runPass(deps: LtExecutorDeps, scope: LtExecuteScope, early: Map<string, EarlyWalk>, report: LtExecuteReport): Promise<void> {
  const { strategies: launched, ftConfigVersions } = await launchedPass(deps.db);
  const strategies = (deps.share ? await deps.share.among(launched) : launched).filter(inScope(scope));
  lastRan.set(deps.db, strategies);
  const concurrency = deps.strategyConcurrency ?? 1;
  // An early page is used only by a strategy that runs at once, as the page would have been read then: one that waits
  // its turn behind others' venue calls reads its own
  const first = new Set(strategies.slice(0, concurrency));
  // The wallet gates first: they re-read the linked wallets, which decides what the process gate checks for
  const linked = deps.walletGates ? await deps.walletGates.forRun(strategies) : null;
  const health = deps.gate ? await deps.gate.forRun(strategies) : null;
  // Strategies are independent (each its own ledger, lock and signals): a few run at once, so one's venue calls do not
  // hold up the next one's signal. Replays keep 1, so that their orders meet a shared book in a reproducible order
  await mapLimit(strategies, concurrency, async (s) => {
    report.strategies += 1;
    try {
      const held = linked?.(s) ?? null;
      // A linked wallet's venue that is off is neither opened nor read this run (it may not open at all)
      const own = held?.state === 'off' ? deps : await withStrategyVenue(deps, s);
      await runStrategy(own, s, report, held ?? healthFor(s, own.venue === deps.venue, health, linked !== null),
        { sourceTradeId: scope.sourceTradeId, early: first.has(s) ? early.get(windowKey(s)) : undefined,
          ftConfigVersion: ftConfigVersions.get(strategyLeaseKey(s)) });
    } catch (e) {
      report.errors.push({ userId: s.userId, strategyId: s.strategyId, error: errorText(e) });
    }
  });
}

const NOT_CHECKED = (s: LtStrategy): VenueHealth => ({ name: `wallet ${s.walletAddress ?? ''}`, state: 'off',
  reasons: [{ code: 'not_checked', message: 'the wallet\'s venue has not been checked yet' }], checkedAt: null });

/**
 * The state a strategy no linked wallet's gate holds is held by: the process gate's for the process's own venue.
 * Without wallet gates, a linked wallet's strategy is held by the process gate only while it is off (fills are read
 * only while the process's venue is connected); with them, one no gate holds yet (linked since) waits for its check
 */
function healthFor(s: LtStrategy, onProcessVenue: boolean, processHealth: VenueHealth | null, walletGates: boolean): VenueHealth | null {
  if (onProcessVenue) return processHealth;
  if (walletGates) return NOT_CHECKED(s);
  return processHealth?.state === 'off' ? processHealth : null;
}

/**
 * Walks the pending signals in pages. An entry ordered in this walk can make its exits eligible, so the walk
 * repeats (a few rounds at most) while entries get ordered
 */
async function runStrategy(deps: LtExecutorDeps, s: LtStrategy, report: LtExecuteReport, health: VenueHealth | null,
  pass: { sourceTradeId?: string | undefined; early: EarlyWalk | undefined; ftConfigVersion: string | undefined }): Promise<void> {
  const sourceTradeId = pass.sourceTradeId;
  const window = pass.early?.window ?? openSignalWindow(deps.db, s, sourceTradeId ?? null);
  // The FT configuration: as kept while its version stands (keptFtConfig), else read while the first page of signals
  // is (on PostgreSQL, on another connection at once; an early page may have been read already). Awaited by the first
  // entry's intent once it holds the lock (its filters and sizing come after the guards), so a read is off the signal's
  // path; with no signal, before the walk ends, so that a failure to read it is still reported
  const walletRead = keptFtConfig(deps.db, s, pass.ftConfigVersion);
  walletRead.catch(() => undefined);
  let budget = deps.signalBudget ?? DEFAULT_BUDGET;
  for (let round = 0; round < ROUNDS; round++) {
    let newEntries = 0;
    const first = round === 0 ? pass.early?.first : undefined;
    for await (const signal of pendingSignals(deps.db, s, { pageSize: deps.signalPageSize, sourceTradeId, window, first })) {
      if (budget-- <= 0) return;
      const verdict = await handleSignal(deps, s, { wallet: walletRead, version: pass.ftConfigVersion }, signal, report, health);
      if (verdict?.kind === 'ordered' && signal.kind === 'entry') newEntries += 1;
      // Another run deciding it meanwhile may have made exits eligible that this walk did not read: kept in the window
      if (verdict === null || verdict.kind === 'deferred' || verdict.kind === 'duplicate') window.stillPending(signal);
    }
    // A round that ordered no entry made no exit eligible: every pending signal has been read
    if (newEntries === 0) {
      await walletRead;
      return window.completed();
    }
  }
}

/** Reads the venue (outside any transaction), decides under the lock, then sends what was ordered */
async function handleSignal(deps: LtExecutorDeps, s: LtStrategy, ft: { wallet: Promise<FtWallet>; version: string | undefined }, signal: Signal,
  report: LtExecuteReport, health: VenueHealth | null): Promise<Verdict | null> {
  report.signals += 1;
  const where = { strategyId: s.strategyId, ftOrderId: signal.ftOrderId, leg: signal.leg };
  const log = signalLog(deps.log, { userId: s.userId, ...where });
  try {
    const now = deps.clock.now();
    const age = signalAge(s, signal, now);
    const expired = age.expired;
    // With the venue off an exit waits (undecided) for it to come back; an entry the gate holds is skipped, recorded
    if (health?.state === 'off' && signal.kind === 'exit' && !expired) return deferred(report);
    log.info('lt signal seen', { source_trade: signal.sourceTradeId, source_trade_at: signal.sourceTradeAt.toISOString(),
      kind: signal.kind, asset_id: signal.tokenId, signal_price: formatMicros(signal.price), age_ms: age.ageMs, mode: s.mode });
    const venueBlock = health && signal.kind === 'entry' ? entryBlock(health, s) : null;
    // The venue's market and book, read before the lock; the FT facts the filters re-check came with the signal
    const venue = expired || venueBlock ? null : await venueView(deps.venue, signal.tokenId);
    const taken = signal.kind === 'entry' && !expired && !venueBlock ? signal.taken : null;
    const verdict = await decideSignal(deps.db, {
      userId: s.userId, strategyId: s.strategyId, signal, wallet: ft.wallet, walletVersion: ft.version, venue,
      signerAddress: deps.signerAddress ?? null, venueBlock,
      taken, prepare: (request) => venueOf(deps, { isShadow: s.mode === 'shadow' }).prepare(request),
    }, now);
    tally(report, s, signal, verdict);
    logVerdict(log, verdict);
    if (verdict.kind === 'skipped' || verdict.kind === 'expired') deps.metrics?.increment('lt_rejection', { stage: verdict.kind, reason: verdict.rule });
    if (verdict.kind === 'ordered') await deps.hooks?.at('after_intent');
    if (verdict.kind === 'ordered' && venue) await send(deps, s, verdict, report);
    return verdict;
  } catch (e) {
    // No disposition is written: the signal is tried again next run, and expires once it is too old
    report.errors.push({ userId: s.userId, ...where, error: errorText(e) });
    log.warn('lt signal failed', { error: errorText(e) });
    return null;
  }
}

/** The decision, once committed: the intent persisted (ordered), the recorded skip, or another run's decision */
function logVerdict(log: Log, v: Verdict): void {
  if (v.kind === 'ordered') {
    const o = v.order;
    log.info('lt signal ordered: intent persisted', { order: o.orderId, client_order: o.clientOrderId, side: o.side,
      order_type: o.orderType, price: formatMicros(o.limitPrice), size: formatMicros(o.size), shadow: o.isShadow });
  } else if (v.kind === 'skipped' || v.kind === 'expired') {
    log.info(`lt signal ${v.kind}`, { rule: v.rule, limit: v.limit, observed: v.observed, ...(v.detail ? { detail: v.detail } : {}) });
  } else if (v.kind === 'duplicate') {
    log.info('lt signal already decided by another run');
  }
}

async function venueView(venue: Venue, tokenId: string): Promise<{ name: string; market: MarketInfo; book: BookSnapshot }> {
  const [market, book] = await Promise.all([venue.marketInfo(tokenId), venue.orderBook(tokenId)]);
  return { name: venue.name, market, book };
}

async function send(deps: LtExecutorDeps, s: LtStrategy, verdict: Extract<Verdict, { kind: 'ordered' }>,
  report: LtExecuteReport): Promise<void> {
  const submission = await submitIntent(deps, verdict.order, verdict.prepared);
  report.submissions.push(submission);
  if (submission.latencyMs !== null) {
    report.latencies.push({
      userId: s.userId, strategyId: s.strategyId, orderId: submission.orderId, latencyMs: submission.latencyMs,
      alert: s.latencyAlertMs !== null && submission.latencyMs > s.latencyAlertMs,
    });
  }
}

function deferred(report: LtExecuteReport): Verdict {
  report.deferred += 1;
  return { kind: 'deferred', why: 'the venue is off' };
}

function tally(report: LtExecuteReport, s: LtStrategy, signal: Signal, v: Verdict): void {
  if (v.kind === 'ordered') report.ordered += 1;
  else if (v.kind === 'duplicate') report.duplicates += 1;
  else if (v.kind === 'deferred') report.deferred += 1;
  else {
    report[v.kind] += 1;
    report.skips.push({ userId: s.userId, strategyId: s.strategyId, ftOrderId: signal.ftOrderId, leg: signal.leg, kind: v.kind, rule: v.rule,
      limit: v.limit, observed: v.observed });
  }
}
