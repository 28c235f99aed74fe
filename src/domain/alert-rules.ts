/**
 * Alert rules: one pure function per condition, from plain data to the alerts to raise. No I/O, no clock (the
 * caller passes `now`). Percentages are micro-percent bigints (0.5 % = 500_000n), ratios micro-ratios
 * (95 % = 950_000n), money micro-USDC; latencies are whole milliseconds. Each alert carries a dedupe key that
 * names its condition, so the store fires it once per cool-down
 */
import { equityOf, lockedOf, type Balances } from './ledger.ts';
import { divRound, formatMicros, SCALE, type Ratio, type Usdc } from './money.ts';

export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertKind =
  | 'order_latency' | 'slippage' | 'fill_rate' | 'rejection_rate' | 'feed_silent' | 'job_missed' | 'ledger_drift'
  | 'reconciliation';

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

/** One LT order's execution-quality row, as the rules need it */
export interface OrderSample {
  orderId: string;
  status: string;
  /** When the signal was taken (or the row computed, when the signal time is unknown) */
  at: Date;
  orderLatencyMs: number | null;
  /** Signed, positive is worse; null when nothing filled */
  signalSlippagePct: bigint | null;
  fillRate: Ratio;
}

/** Statuses after which an order's fill rate no longer changes */
export const TERMINAL_STATUSES: readonly string[] = ['filled', 'cancelled', 'expired', 'rejected', 'lost'];

/** Display form of a micro-unit value: the exact decimal without trailing zeros */
export const microText = (v: bigint): string => formatMicros(v).replace(/\.?0+$/, '');

const SAMPLE_IDS = 10;
const sample = (orders: readonly OrderSample[]) => orders.slice(0, SAMPLE_IDS).map((o) => o.orderId);
const ref = (s: StrategyRef) => ({ userId: s.userId, strategyId: s.strategyId });

/**
 * Order latency above the strategy's `latency_alert_ms` (none when unset), for orders whose signal is after `since`:
 * a slow order keeps the condition true until `since` passes it (with a look-back equal to the cool-down, one slow
 * order fires once)
 */
export function latencyAlerts(s: StrategyRef & { latencyAlertMs: number | null }, orders: readonly OrderSample[],
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
 * Signal slippage above the strategy's tolerance on each of the last `consecutive` filled orders (orders with a
 * fill, newest first); one order within tolerance clears the condition
 */
export function slippageAlerts(s: StrategyRef & { slippageTolerancePct: bigint }, orders: readonly OrderSample[],
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
  /** Mean fill rate below this (micro-percent) alerts */
  minFillRatePct: bigint;
  /** Share of rejected orders above this (micro-percent) alerts */
  maxRejectionRatePct: bigint;
}

export const DEFAULT_RATE_TARGETS: RateTargets = {
  window: 20, minSamples: 5, minFillRatePct: 95_000_000n, maxRejectionRatePct: 5_000_000n,
};

/** Σ fill rate × 100 / n, half-even, in micro-percent */
export const meanFillRatePct = (orders: readonly OrderSample[]): bigint =>
  divRound(orders.reduce((sum, o) => sum + o.fillRate, 0n) * 100n, BigInt(orders.length), 'half_even');

/** count × 100 / n, half-even, in micro-percent */
export const sharePct = (count: number, n: number): bigint => divRound(BigInt(count) * 100n * SCALE, BigInt(n), 'half_even');

/**
 * Over the newest `window` finished orders (newest first): the mean fill rate of those the venue accepted below
 * target, and the share the venue rejected above target, each with at least `minSamples` orders behind it
 */
export function rateAlerts(s: StrategyRef, orders: readonly OrderSample[], t: RateTargets = DEFAULT_RATE_TARGETS): Alert[] {
  const window = orders.filter((o) => TERMINAL_STATUSES.includes(o.status)).slice(0, t.window);
  const accepted = window.filter((o) => o.status !== 'rejected');
  const out: Alert[] = [];
  if (accepted.length >= t.minSamples) {
    const rate = meanFillRatePct(accepted);
    if (rate < t.minFillRatePct) {
      out.push({
        kind: 'fill_rate', dedupeKey: `fill_rate:${s.userId}:${s.strategyId}`, severity: 'warning', ...ref(s),
        message: `${s.strategyId}: fill rate ${microText(rate)} % over the last ${accepted.length} orders, below ${microText(t.minFillRatePct)} %`,
        detail: { fill_rate_pct: microText(rate), target_pct: microText(t.minFillRatePct), samples: accepted.length },
      });
    }
  }
  const rejected = window.filter((o) => o.status === 'rejected');
  if (window.length >= t.minSamples) {
    const rate = sharePct(rejected.length, window.length);
    if (rate > t.maxRejectionRatePct) {
      out.push({
        kind: 'rejection_rate', dedupeKey: `rejection_rate:${s.userId}:${s.strategyId}`, severity: 'warning', ...ref(s),
        message: `${s.strategyId}: the venue rejected ${rejected.length} of the last ${window.length} orders `
          + `(${microText(rate)} %, above ${microText(t.maxRejectionRatePct)} %)`,
        detail: { rejection_rate_pct: microText(rate), target_pct: microText(t.maxRejectionRatePct), rejected: rejected.length,
          samples: window.length, order_ids: sample(rejected) },
      });
    }
  }
  return out;
}

/** A feed's health, as its source reports it */
export interface FeedState {
  feed: string;
  connected: boolean;
  connectedAt: Date | null;
  lastMessageAt: Date | null;
}

/** A connected feed with no message for more than `silenceMs` (counted from the later of connect and last message) */
export function feedSilenceAlerts(feeds: readonly FeedState[], now: Date, silenceMs: number): Alert[] {
  const out: Alert[] = [];
  for (const f of feeds) {
    if (!f.connected) continue;
    const heard = Math.max(f.connectedAt?.getTime() ?? -Infinity, f.lastMessageAt?.getTime() ?? -Infinity);
    if (!Number.isFinite(heard) || now.getTime() - heard <= silenceMs) continue;
    const silentMs = now.getTime() - heard;
    out.push({
      kind: 'feed_silent', dedupeKey: `feed:${f.feed}`, severity: 'warning', userId: null, strategyId: null,
      message: `feed ${f.feed} is connected but silent for ${Math.floor(silentMs / 1000)} s (threshold ${Math.floor(silenceMs / 1000)} s)`,
      detail: { feed: f.feed, silent_ms: silentMs, threshold_ms: silenceMs, last_message_at: f.lastMessageAt?.toISOString() ?? null },
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

/** One strategy book's balances, or why they could not be computed, and Σ realized P&L of its orders */
export interface LedgerCheck extends StrategyRef {
  book: 'live' | 'shadow';
  balances: Balances | null;
  /** Set when the balances could not be folded (a bucket below zero) */
  error?: string | null;
  /** Σ realized P&L booked on the book's orders, to cross-check the ledger's */
  ordersRealized?: Usdc | null;
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** available + locked + cooldown − (net deposits + realized), the identity's drift (0 when conserved) */
export const ledgerDrift = (b: Balances): Usdc => (equityOf(b) - b.netDeposits - b.realizedPnl) as Usdc;

/** Drift of the identity, or of realized P&L against the orders', above $0.01; or balances that cannot be folded */
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
  if (c.ordersRealized !== undefined && c.ordersRealized !== null) {
    const gap = c.balances.realizedPnl - c.ordersRealized;
    if (abs(gap) > LEDGER_TOLERANCE) out.push(`ledger realized P&L differs from its orders' by $${microText(gap)}`);
  }
  return out;
}

function ledgerDetail(c: LedgerCheck): Record<string, unknown> {
  if (!c.balances) return { error: c.error ?? null };
  const b = c.balances;
  return {
    available: microText(b.available), locked: microText(lockedOf(b)), cooldown: microText(b.cooldown),
    net_deposits: microText(b.netDeposits), realized_pnl: microText(b.realizedPnl), drift: microText(ledgerDrift(b)),
    orders_realized: c.ordersRealized === undefined || c.ordersRealized === null ? null : microText(c.ordersRealized),
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
