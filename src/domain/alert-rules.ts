/**
 * Alert rules: one pure function per condition, from plain data to the alerts to raise. No I/O, no clock (the
 * caller passes `now`). Percentages are micro-percent bigints (0.5 % = 500_000n), ratios micro-ratios
 * (95 % = 950_000n), money micro-USDC; latencies are whole milliseconds. Each alert carries a dedupe key that
 * names its condition, so the store fires it once per cool-down. No rule defines a KPI of its own: each compares a
 * figure of the metrics module (src/domain/metrics, docs/metrics.md) with its threshold
 */
import { equityOf, lockedOf, type Balances } from './ledger.ts';
import { formatMicros, type Ratio, type Shares, type Usdc } from './money.ts';
import { formatStrategyQuality, strategyQuality, type OrderSample } from './metrics/strategy-quality.ts';

export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertKind =
  | 'order_latency' | 'slippage' | 'fill_rate' | 'rejection_rate' | 'feed_silent' | 'job_missed' | 'ledger_drift'
  | 'reconciliation' | 'redemption';

export interface Alert {
  kind: AlertKind;
  /** Names the condition: the same key within the cool-down is one alert */
  dedupeKey: string;
  severity: AlertSeverity;
  message: string;
  /** JSON-safe facts behind the message (decimals as strings) */
  detail: Record<string, unknown>;
  /** null for system alerts (feeds, scheduler, venue reconciliation), which every operator sees */
  userId: string | null;
  strategyId: string | null;
}

export interface StrategyRef {
  userId: string;
  strategyId: string;
}

/**
 * One LT order's stored execution-quality row: the metrics module's OrderSample (its per-order figures, as the API
 * reads them) with the order's id and time
 */
export interface AlertOrder extends OrderSample {
  orderId: string;
  /** When the signal was taken (or the row computed, when the signal time is unknown) */
  at: Date;
}

/**
 * The statuses the metrics module counts as finished (strategy-quality.ts: an order whose fills no longer change;
 * a `lost` order may still be found again). alert-rules.test.ts checks this list against the module
 */
export const FINISHED_STATUSES: readonly string[] = ['filled', 'cancelled', 'expired', 'rejected'];

/** Display form of a micro-unit value: the exact decimal without trailing zeros */
export const microText = (v: bigint): string => formatMicros(v).replace(/\.?0+$/, '');

const SAMPLE_IDS = 10;
const sample = (orders: readonly AlertOrder[]) => orders.slice(0, SAMPLE_IDS).map((o) => o.orderId);
const ref = (s: StrategyRef) => ({ userId: s.userId, strategyId: s.strategyId });

/**
 * Order latency (the stored per-order `orderLatencyMs`: submit − signal) above the strategy's `latency_alert_ms`
 * (none when unset), for orders whose signal is after `since`:
 * a slow order keeps the condition true until `since` passes it (with a look-back equal to the cool-down, one slow
 * order fires once)
 */
export function latencyAlerts(s: StrategyRef & { latencyAlertMs: number | null }, orders: readonly AlertOrder[],
  since: Date): Alert[] {
  const limit = s.latencyAlertMs;
  if (limit === null) return [];
  const slow = orders.filter((o) => o.at > since && o.orderLatencyMs !== null && o.orderLatencyMs > limit);
  if (slow.length === 0) return [];
  const worst = Math.max(...slow.map((o) => o.orderLatencyMs!));
  return [{
    kind: 'order_latency', dedupeKey: `latency:${s.userId}:${s.strategyId}`, severity: 'warning', ...ref(s),
    message: `${s.strategyId}: ${slow.length} order(s) took longer than ${limit} ms to reach the venue (worst ${worst} ms)`,
    detail: { threshold_ms: limit, worst_ms: worst, count: slow.length, since: since.toISOString(), order_ids: sample(slow) },
  }];
}

export const DEFAULT_SLIPPAGE_CONSECUTIVE = 3;

/**
 * Signal slippage (the stored per-order `signalSlippagePct`) above the strategy's tolerance on each of the last
 * `consecutive` filled orders (orders with a fill, newest first); one order within tolerance clears the condition
 */
export function slippageAlerts(s: StrategyRef & { slippageTolerancePct: bigint }, orders: readonly AlertOrder[],
  consecutive = DEFAULT_SLIPPAGE_CONSECUTIVE): Alert[] {
  const filled = orders.filter((o) => o.signalSlippagePct !== null).slice(0, consecutive);
  if (consecutive < 1 || filled.length < consecutive) return [];
  if (!filled.every((o) => o.signalSlippagePct! > s.slippageTolerancePct)) return [];
  const values = filled.map((o) => microText(o.signalSlippagePct!));
  return [{
    kind: 'slippage', dedupeKey: `slippage:${s.userId}:${s.strategyId}`, severity: 'warning', ...ref(s),
    message: `${s.strategyId}: signal slippage above ${microText(s.slippageTolerancePct)} % on the last ${consecutive} `
      + `filled orders (${values.map((v) => `${v} %`).join(', ')})`,
    detail: { tolerance_pct: microText(s.slippageTolerancePct), consecutive, slippage_pct: values, order_ids: sample(filled) },
  }];
}

export interface RateTargets {
  /** How many of the newest finished orders make the window */
  window: number;
  /** Fewer samples than this say nothing */
  minSamples: number;
  /** The module's quantity fill rate below this (micro-percent) alerts */
  minFillRatePct: bigint;
  /** The module's rejection rate above this (micro-percent) alerts */
  maxRejectionRatePct: bigint;
}

export const DEFAULT_RATE_TARGETS: RateTargets = {
  window: 20, minSamples: 5, minFillRatePct: 95_000_000n, maxRejectionRatePct: 5_000_000n,
};

/** A Ratio (1.0 = 1_000_000n) as micro-percent (100 % = 100_000_000n): exact, the figure the API shows × 100 */
const pctOf = (r: Ratio): bigint => r * 100n;

/**
 * Over the window, the newest `window` finished orders (newest first), the metrics module's aggregate
 * `strategyQuality(window, {})`, exactly as the API and the dashboard compute it:
 * - `fill_rate` when its fill rate (each order in its request's unit, weighted by requested USD; rejected ones
 *   included) is below `minFillRatePct`, with at least `minSamples` finished orders;
 * - `rejection_rate` when its rejection rate (rejected / orders sent to the venue) is above `maxRejectionRatePct`,
 *   with at least `minSamples` orders of the window sent to the venue.
 * Both compare the module's rounded ratio (the figure shown) with the target, exactly: on target raises nothing
 */
export function rateAlerts(s: StrategyRef, orders: readonly AlertOrder[], t: RateTargets = DEFAULT_RATE_TARGETS): Alert[] {
  const window = orders.filter((o) => FINISHED_STATUSES.includes(o.status)).slice(0, t.window);
  const q = strategyQuality(window, {});
  const shown = formatStrategyQuality(q);
  const out: Alert[] = [];
  if (q.finished >= t.minSamples && q.fillRate !== null && pctOf(q.fillRate) < t.minFillRatePct) {
    const rate = microText(pctOf(q.fillRate));
    out.push({
      kind: 'fill_rate', dedupeKey: `fill_rate:${s.userId}:${s.strategyId}`, severity: 'warning', ...ref(s),
      message: `${s.strategyId}: fill rate ${rate} % (each order in its request's unit, weighted by its USD) over the last `
        + `${q.finished} finished orders, below ${microText(t.minFillRatePct)} %`,
      detail: { fill_rate_pct: rate, fill_rate: shown.fill_rate, quantity_fill_rate: shown.quantity_fill_rate, target_pct: microText(t.minFillRatePct),
        samples: q.finished },
    });
  }
  const sent = window.filter((o) => o.submitted);
  if (sent.length >= t.minSamples && q.rejectionRate !== null && pctOf(q.rejectionRate) > t.maxRejectionRatePct) {
    const rate = microText(pctOf(q.rejectionRate));
    const rejected = sent.filter((o) => o.status === 'rejected');
    out.push({
      kind: 'rejection_rate', dedupeKey: `rejection_rate:${s.userId}:${s.strategyId}`, severity: 'warning', ...ref(s),
      message: `${s.strategyId}: rejection rate ${rate} % over the last ${sent.length} orders sent to the venue `
        + `(${rejected.length} rejected), above ${microText(t.maxRejectionRatePct)} %`,
      detail: { rejection_rate_pct: rate, rejection_rate: shown.rejection_rate, target_pct: microText(t.maxRejectionRatePct),
        rejected: rejected.length, samples: sent.length, rejections_by_reason: shown.rejections_by_reason,
        order_ids: sample(rejected) },
    });
  }
  return out;
}

/** A feed's health, as its source reports it */
export interface FeedState {
  feed: string;
  connected: boolean;
  connectedAt: Date | null;
  lastMessageAt: Date | null;
  /**
   * A feed judged by data arriving (a stream that should always carry data, e.g. RTDS): silent from the later of this
   * time (when it was started) and its last message, connected or not, so a broken stream alerts as a silent one
   */
  watchedSince?: Date | null;
  /** This feed's own silence threshold, in place of the rule's */
  silenceMs?: number;
}

/**
 * A connected feed with no message for more than `silenceMs` (counted from the later of connect and last message);
 * a watched feed, connected or not, with no message for more than its threshold (from the later of its start and its
 * last message)
 */
export function feedSilenceAlerts(feeds: readonly FeedState[], now: Date, silenceMs: number): Alert[] {
  const out: Alert[] = [];
  for (const f of feeds) {
    const watched = f.watchedSince != null;
    if (!f.connected && !watched) continue;
    const from = watched ? f.watchedSince : f.connectedAt;
    const heard = Math.max(from?.getTime() ?? -Infinity, f.lastMessageAt?.getTime() ?? -Infinity);
    const threshold = f.silenceMs ?? silenceMs;
    if (!Number.isFinite(heard) || now.getTime() - heard <= threshold) continue;
    const silentMs = now.getTime() - heard;
    const state = f.connected ? 'connected but silent' : 'disconnected and silent';
    out.push({
      kind: 'feed_silent', dedupeKey: `feed:${f.feed}`, severity: 'warning', userId: null, strategyId: null,
      message: `feed ${f.feed} is ${state} for ${Math.floor(silentMs / 1000)} s (threshold ${Math.floor(threshold / 1000)} s)`,
      detail: { feed: f.feed, silent_ms: silentMs, threshold_ms: threshold, last_message_at: f.lastMessageAt?.toISOString() ?? null,
        connected: f.connected },
    });
  }
  return out;
}

/** A scheduled job: its cadence, its last successful run, and since when it has been scheduled */
export interface JobLiveness {
  job: string;
  intervalMs: number;
  lastOkAt: Date | null;
  /** When the scheduler started: a job is given 2× its interval from then before it counts as missed */
  scheduledSince: Date;
}

/** No successful run within 2× the job's interval */
export function jobLivenessAlerts(jobs: readonly JobLiveness[], now: Date): Alert[] {
  const out: Alert[] = [];
  for (const j of jobs) {
    const from = Math.max(j.lastOkAt?.getTime() ?? -Infinity, j.scheduledSince.getTime());
    const late = now.getTime() - from;
    if (late <= 2 * j.intervalMs) continue;
    out.push({
      kind: 'job_missed', dedupeKey: `job:${j.job}`, severity: 'critical', userId: null, strategyId: null,
      message: `job ${j.job}: no successful run for ${Math.floor(late / 1000)} s (expected every ${Math.floor(j.intervalMs / 1000)} s)`,
      detail: { job: j.job, interval_ms: j.intervalMs, last_ok_at: j.lastOkAt?.toISOString() ?? null, late_ms: late },
    });
  }
  return out;
}

/** $0.01: a drift up to this is rounding, beyond it a broken invariant */
export const LEDGER_TOLERANCE = 10_000n as Usdc;

/** One strategy book's balances, or why they could not be computed */
export interface LedgerCheck extends StrategyRef {
  book: 'live' | 'shadow';
  balances: Balances | null;
  /** Set when the balances could not be folded (a bucket below zero) */
  error?: string | null;
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** available + locked + cooldown − (net deposits + realized), the identity's drift (0 when conserved) */
export const ledgerDrift = (b: Balances): Usdc => (equityOf(b) - b.netDeposits - b.realizedPnl) as Usdc;

/**
 * Real corruption of the ledger: the identity drifting above $0.01, or rows that cannot be folded (a bucket below
 * zero). Per-order figures are derived from the same rows (lt_order_facts), so there is no stored copy to drift
 */
export function ledgerDriftAlerts(checks: readonly LedgerCheck[]): Alert[] {
  const out: Alert[] = [];
  for (const c of checks) {
    const problems = ledgerProblems(c);
    if (problems.length === 0) continue;
    out.push({
      kind: 'ledger_drift', dedupeKey: `ledger:${c.userId}:${c.strategyId}:${c.book}`, severity: 'critical', ...ref(c),
      message: `${c.strategyId} (${c.book}): ${problems.join('; ')}`,
      detail: { book: c.book, ...ledgerDetail(c) },
    });
  }
  return out;
}

function ledgerProblems(c: LedgerCheck): string[] {
  if (c.error) return [`ledger balances cannot be computed: ${c.error}`];
  if (!c.balances) return [];
  const out: string[] = [];
  const drift = ledgerDrift(c.balances);
  if (abs(drift) > LEDGER_TOLERANCE) {
    out.push(`available + locked + cooldown differs from net deposits + realized P&L by $${microText(drift)}`);
  }
  return out;
}

function ledgerDetail(c: LedgerCheck): Record<string, unknown> {
  if (!c.balances) return { error: c.error ?? null };
  const b = c.balances;
  return {
    available: microText(b.available), locked: microText(lockedOf(b)), cooldown: microText(b.cooldown),
    net_deposits: microText(b.netDeposits), realized_pnl: microText(b.realizedPnl), drift: microText(ledgerDrift(b)),
    tolerance: microText(LEDGER_TOLERANCE),
  };
}

/** The prefix lt-recovery gives the pause reason of strategies it paused on a venue mismatch */
export const RECOVERY_PAUSE_PREFIX = 'recovery:';

/** Strategies paused by reconciliation (until an operator resumes them) */
export function reconciliationAlerts(strategies: readonly (StrategyRef & { isPaused: boolean; pauseReason: string | null })[]): Alert[] {
  return strategies
    .filter((s) => s.isPaused && (s.pauseReason ?? '').startsWith(RECOVERY_PAUSE_PREFIX))
    .map((s) => ({
      kind: 'reconciliation' as const, dedupeKey: `reconciliation:${s.userId}:${s.strategyId}`, severity: 'critical' as const,
      ...ref(s), message: `${s.strategyId} is paused: ${s.pauseReason}`, detail: { pause_reason: s.pauseReason },
    }));
}

/** Venue orders the recovery on start could not explain */
export function recoveryAlerts(report: { unexplained: readonly string[]; paused: number }): Alert[] {
  if (report.unexplained.length === 0) return [];
  return [{
    kind: 'reconciliation', dedupeKey: 'reconciliation:venue', severity: 'critical', userId: null, strategyId: null,
    message: `reconciliation: ${report.unexplained.length} venue order(s) Tandem cannot explain; ${report.paused} live strategies paused`,
    detail: { unexplained: report.unexplained.slice(0, 50), unexplained_count: report.unexplained.length, paused: report.paused },
  }];
}

/** What the strategies' ledgers say is spendable in the shared wallet, against what the venue says (INV-22) */
export interface WalletCheck {
  /** Σ available over the live strategies that trade through the wallet */
  ledgerAvailable: Usdc;
  /** The venue's collateral balance minus what our resting BUY orders reserve */
  venueAvailable: Usdc;
  strategies: number;
}

/**
 * The ledgers promise more spendable cash than the wallet holds (beyond the $0.01 tolerance): orders would be
 * refused for balance, or cash went missing. Cooldown and redeemable proceeds are not counted as spendable, so
 * unredeemed winnings in the wallet never hide a shortfall
 */
export function walletAlerts(c: WalletCheck | null): Alert[] {
  if (c === null || !walletShort(c)) return [];
  const short = c.ledgerAvailable - c.venueAvailable;
  return [{
    kind: 'reconciliation', dedupeKey: 'reconciliation:wallet', severity: 'critical', userId: null, strategyId: null,
    message: `reconciliation: ${c.strategies} live strategies count $${microText(c.ledgerAvailable)} available, `
      + `the wallet has $${microText(c.venueAvailable)} (short $${microText(short)})`,
    detail: { ledger_available: microText(c.ledgerAvailable), venue_available: microText(c.venueAvailable),
      short: microText(short), strategies: c.strategies, tolerance: microText(LEDGER_TOLERANCE) },
  }];
}

/** The ledgers count more spendable cash than the wallet has, beyond the $0.01 tolerance */
export const walletShort = (c: WalletCheck): boolean => c.ledgerAvailable > c.venueAvailable + LEDGER_TOLERANCE;

/** 0.01 share: a gap up to this between the ledger's shares and the venue's is rounding */
export const SHARE_TOLERANCE = 10_000n as Shares;

/** One outcome token: what the live strategies hold by their ledgers, and what the venue says the account holds */
export interface TokenReconciliation {
  tokenId: string;
  /** Σ over the live strategies of the shares held (bought net of share fees − sold, unsettled) */
  held: Shares;
  /**
   * Σ unfilled shares of their SELL orders that are not terminal: a fill of those may be at the venue before it is
   * booked, so that much may be missing from the venue without anything being wrong
   */
  offered: Shares;
  /** The venue's balance of the token (shares resting SELLs offer included) */
  venue: Shares;
  strategies: number;
}

/** The tokens checked this run (the monitor reads a bounded number of them per run), out of `held` tokens in all */
export interface PositionCheck {
  tokens: readonly TokenReconciliation[];
  held: number;
}

/** What the ledgers count on the venue for sure: held minus what open SELL orders may have sold unbooked */
export const ledgerFloor = (t: TokenReconciliation): bigint => t.held - t.offered;

/**
 * One token both ways (beyond 0.01 share): `short`, the venue holds less than the ledgers count for sure (the alert's
 * condition); `surplus`, it holds more than they hold at all (a fill the ledger has not booked, or shares from outside)
 */
export function tokenDifference(t: TokenReconciliation): 'ok' | 'short' | 'surplus' {
  if (ledgerFloor(t) > t.venue + SHARE_TOLERANCE) return 'short';
  return t.venue > t.held + SHARE_TOLERANCE ? 'surplus' : 'ok';
}

/**
 * INV-22 for shares: the live strategies' ledgers hold more of a token than the venue account has (beyond 0.01
 * share, after allowing for what open SELL orders offer): sells would be refused, or shares went missing. One alert
 * for all the tokens short, each with the ledger's and the venue's figures
 */
export function positionAlerts(c: PositionCheck | null): Alert[] {
  if (c === null) return [];
  const short = c.tokens.filter((t) => tokenDifference(t) === 'short');
  if (short.length === 0) return [];
  const figure = (t: TokenReconciliation) => `${t.tokenId}: ledger ${microText(t.held)}`
    + `${t.offered > 0n ? ` (${microText(t.offered)} offered by open sells)` : ''}, venue ${microText(t.venue)}`
    + ` (short ${microText(ledgerFloor(t) - t.venue)})`;
  return [{
    kind: 'reconciliation', dedupeKey: 'reconciliation:positions', severity: 'critical', userId: null, strategyId: null,
    message: `reconciliation: the venue account holds fewer shares than the live strategies in ${short.length} of `
      + `${c.tokens.length} token(s) checked: ${short.slice(0, 5).map(figure).join('; ')}`
      + `${short.length > 5 ? `; and ${short.length - 5} more` : ''}`,
    detail: {
      tokens: short.slice(0, 50).map((t) => ({
        token_id: t.tokenId, ledger_held: microText(t.held), offered_by_open_sells: microText(t.offered),
        venue: microText(t.venue), short: microText(ledgerFloor(t) - t.venue), strategies: t.strategies,
      })),
      short_count: short.length, checked: c.tokens.length, held_tokens: c.held, tolerance: microText(SHARE_TOLERANCE),
    },
  }];
}
