/** LT strategy commands (create, launch, pause, resume, stop, mode, settings, deposit, withdraw, kill switch), each audited in its own transaction, and the reads built on the ledger */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { applyEntry, balancesFromSums, equityOf, isConserved, lockedOf } from '../domain/ledger.ts';
import type { LtMode, LtStrategy } from '../domain/lt-strategy.ts';
import { divRound, exactDecimalText, formatMicros, parseMicros, type Ratio, type Usdc } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { equityAtMark } from '../domain/metrics/gap.ts';
import { drawdownOf } from '../domain/risk.ts';
import { isDb, type Db, type Sql } from '../store/db.ts';
import {
  getKillSwitch, getLtStrategy, insertLtAudit, insertLtStrategy,
  lockLtStrategy, markLaunched, setKillSwitch, updateLtStrategy,
  encodeFtConfig, type KillSwitch,
} from '../store/lt-strategy-store.ts';
import { appendEntries, ledgerRefAmount, ledgerSums } from '../store/ledger-store.ts';
import { getWallet } from '../store/wallet-store.ts';
import { openPositions } from '../store/position-store.ts';
import { keptMarkedEquity } from '../store/position-model.ts';
import type { Clock } from './ports.ts';
import { TOLERANCE_DEFAULTS, TOLERANCE_FIELDS, toleranceIssues } from './lt-tolerance-settings.ts';
import { walletRefusal } from './wallet-refusal.ts';
import { strategiesHeldAt } from '../store/user-wallet-store.ts';

export interface LtDeps {
  db: Db;
  clock: Clock;
  /**
   * The wallet a live strategy may trade through without a linked wallet of its owner (wallet-refusal.ts): undefined
   * accepts any address (one shared simulated account), an address only that one (the env key's), null none
   */
  operatorWallet?: string | null;
}
export interface LtError {
  kind: 'not_found' | 'conflict' | 'invalid';
  message: string;
  issues?: unknown[];
}
export type LtResult<T> = Result<T, LtError>;
const fail = (kind: LtError['kind'], message: string, issues?: unknown[]) => err<LtError>({ kind, message, ...(issues ? { issues } : {}) });

// ---- Settings: operator input in the column names of lt_strategies. Every one is read by the executor
// (order_type, order_ttl_seconds, slippage with its tolerance mode, the limits via checkRisk, max_signal_age_seconds,
// wallet_address: must equal the signing wallet, checked by the executor), the order tracker
// (order_ttl_seconds: the scheduled cancel), settlement (cooldown_seconds), the alerts (latency_alert_ms)
// or ftConfigForStrategy (sync_ft_changes). Anything else is refused (INV-31).

const MAX_MONEY = parseMicros('1000000000');
const decimal = (label: string, maxDp: number) => z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = exactDecimalText(v);
  if (text === null || text.startsWith('-')) {
    ctx.addIssue({ code: 'custom', message: `${label} must be a non-negative decimal number` });
    return z.NEVER;
  }
  if ((text.split('.')[1]?.length ?? 0) > maxDp) {
    ctx.addIssue({ code: 'custom', message: `${label}: at most ${maxDp} decimals` });
    return z.NEVER;
  }
  return parseMicros(text);
});
const money = (label: string) => decimal(label, 6)
  .refine((m) => m <= MAX_MONEY, `${label} must be at most 1000000000`).transform((m) => m as Usdc);
/** Percent columns are NUMERIC(8,4): four decimals keep percent → fraction exact */
const pct = (label: string, zeroOk: boolean) => decimal(label, 4)
  .refine((m) => (zeroOk ? m >= 0n : m > 0n) && m <= 100_000000n, `${label} must be in ${zeroOk ? '[0' : '(0'}, 100]`);
const int = (label: string, min: number, max: number) => z.number().int(`${label} must be an integer`)
  .min(min, `${label} must be at least ${min}`).max(max, `${label} must be at most ${max}`);
const DAY = 86_400;

const FIELDS = {
  mode: z.enum(['live', 'shadow']),
  starting_capital: money('starting_capital').refine((m) => m > 0n, 'starting_capital must be above 0'),
  slippage_tolerance_pct: pct('slippage_tolerance_pct', true),
  order_type: z.enum(['GTC', 'GTD', 'FOK', 'FAK']),
  order_ttl_seconds: int('order_ttl_seconds', 1, 30 * DAY).nullable(),
  min_order_usd: money('min_order_usd').nullable(),
  max_order_usd: money('max_order_usd').nullable(),
  max_position_per_market_usd: money('max_position_per_market_usd').nullable(),
  max_total_exposure_usd: money('max_total_exposure_usd').nullable(),
  daily_budget_usd: money('daily_budget_usd').nullable(),
  max_daily_loss_usd: money('max_daily_loss_usd').nullable(),
  max_drawdown_pct: pct('max_drawdown_pct', false).nullable(),
  max_signal_age_seconds: int('max_signal_age_seconds', 1, 30 * DAY).nullable(),
  latency_alert_ms: int('latency_alert_ms', 1, 3_600_000).nullable(),
  cooldown_seconds: int('cooldown_seconds', 0, 30 * DAY),
  sync_ft_changes: z.boolean(),
  wallet_address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'wallet_address must be 0x + 40 hex digits')
    .transform((a) => a.toLowerCase()).nullable(),
  ...TOLERANCE_FIELDS,
};
export type LtSettings = { [K in keyof typeof FIELDS]: z.output<(typeof FIELDS)[K]> };
type Field = keyof LtSettings;

/** The column defaults of the schema; starting_capital has none and is required */
const DEFAULTS: Omit<LtSettings, 'starting_capital'> = {
  mode: 'live', slippage_tolerance_pct: 500000n, order_type: 'GTC', order_ttl_seconds: null,
  min_order_usd: 1_000000n as Usdc, max_order_usd: 100_000000n as Usdc, max_position_per_market_usd: null,
  max_total_exposure_usd: null, daily_budget_usd: null, max_daily_loss_usd: null, max_drawdown_pct: null,
  max_signal_age_seconds: 300, latency_alert_ms: 2000, cooldown_seconds: 0, sync_ft_changes: false, wallet_address: null,
  ...TOLERANCE_DEFAULTS,
};

const CreateInput = z.object({ ft_wallet_id: z.string().min(1).max(100), ...FIELDS }).partial()
  .required({ ft_wallet_id: true, starting_capital: true }).strict();
const PatchInput = z.object(FIELDS).partial().strict();
const MoneyMove = z.object({
  amount: money('amount').refine((m) => m > 0n, 'amount must be above 0'),
  /** Idempotency key: a replay with the same key and amount books nothing; with another amount it is a conflict */
  ref: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'ref: 1–100 of A-Z a-z 0-9 _ . : -').optional(),
}).strict();

/** Rules across fields, checked on the merged settings; each refuses a combination that would do nothing or be unsatisfiable */
function crossIssues(s: LtSettings): { path: string[]; message: string }[] {
  const out: { path: string[]; message: string }[] = [];
  if (s.min_order_usd !== null && s.max_order_usd !== null && s.min_order_usd > s.max_order_usd) {
    out.push({ path: ['min_order_usd'], message: 'min_order_usd > max_order_usd' });
  }
  if (s.order_type === 'GTD' && (s.order_ttl_seconds === null || s.order_ttl_seconds <= 60)) {
    out.push({ path: ['order_ttl_seconds'], message: 'GTD needs order_ttl_seconds above 60 (the venue refuses expiries under a minute)' });
  }
  if ((s.order_type === 'FOK' || s.order_type === 'FAK') && s.order_ttl_seconds !== null) {
    out.push({ path: ['order_ttl_seconds'], message: `order_ttl_seconds does nothing for ${s.order_type} orders, which never rest` });
  }
  return out;
}

function parse<T>(schema: z.ZodType<T>, input: unknown): LtResult<T> {
  const parsed = schema.safeParse(input);
  return parsed.success ? ok(parsed.data) : fail('invalid', 'invalid settings', parsed.error.issues);
}

/** The settings of a stored strategy, in input form (max_drawdown back in percent) */
export function settingsOf(s: LtStrategy): LtSettings {
  const l = s.limits;
  return {
    mode: s.mode, starting_capital: s.startingCapital, slippage_tolerance_pct: s.slippageTolerancePct,
    order_type: s.orderType, order_ttl_seconds: s.orderTtlSeconds, min_order_usd: l.minOrderUsd, max_order_usd: l.maxOrderUsd,
    max_position_per_market_usd: l.maxPositionPerMarketUsd, max_total_exposure_usd: l.maxTotalExposureUsd,
    daily_budget_usd: l.dailyBudgetUsd, max_daily_loss_usd: l.maxDailyLossUsd,
    max_drawdown_pct: l.maxDrawdown === null ? null : l.maxDrawdown * 100n, max_signal_age_seconds: s.maxSignalAgeSeconds,
    latency_alert_ms: s.latencyAlertMs, cooldown_seconds: s.cooldownSeconds, sync_ft_changes: s.syncFtChanges,
    wallet_address: s.walletAddress, tolerance_mode: s.toleranceMode, tolerance_ticks: s.toleranceTicks,
    tolerance_spread_multiple: s.toleranceSpreadMultiple,
  };
}

/** Database form: NUMERIC as decimal text */
const columns = (s: Partial<LtSettings>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'bigint' ? formatMicros(v) : v]));
const shown = (v: unknown): unknown => (typeof v === 'bigint' ? formatMicros(v) : v);

// ---- Commands

type Outcome<T> = LtResult<{ value: T; detail: Record<string, unknown> }>;
const done = <T>(value: T, detail: Record<string, unknown> = {}): Outcome<T> => ok({ value, detail });

/** Runs one command on a locked strategy of the user, and audits it in the same transaction when it succeeds */
async function command<T>(deps: LtDeps, userId: string, strategyId: string, name: string,
  fn: (tx: Sql, s: LtStrategy, now: Date) => Promise<Outcome<T>>): Promise<LtResult<T>> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const s = await lockLtStrategy(tx, userId, strategyId);
    if (!s) return fail('not_found', strategyId);
    const r = await fn(tx, s, now);
    if (!r.ok) return r;
    await insertLtAudit(tx, userId, strategyId, name, r.value.detail, now);
    return ok(r.value.value);
  });
}

export async function createLtStrategy(deps: LtDeps, userId: string, input: unknown): Promise<LtResult<LtStrategy>> {
  const parsed = parse(CreateInput, input);
  if (!parsed.ok) return parsed;
  const { ft_wallet_id: ftWalletId, ...given } = parsed.value;
  const settings = { ...DEFAULTS, ...given } as LtSettings;
  const issues = [...crossIssues(settings), ...toleranceIssues(settings, given, null)];
  if (issues.length) return fail('invalid', 'invalid settings', issues);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    // Another user's FT strategy answers as an unknown one: a user mirrors only the catalogue and their own
    if (!(await getWallet(tx, ftWalletId, userId))) return fail('not_found', `no FT wallet ${ftWalletId}`);
    const row = { ...columns(settings), peak_equity: formatMicros(settings.starting_capital) };
    const s = await insertLtStrategy(tx, userId, ftWalletId, row, now);
    if (!s) return fail('conflict', `you already have a strategy for ${ftWalletId}`);
    await insertLtAudit(tx, userId, s.strategyId, 'create', { settings: Object.fromEntries(
      Object.entries(settings).map(([k, v]) => [k, shown(v)])) }, now);
    return ok(s);
  });
}

/**
 * Goes live: active, `launched_at` on the first launch only, and the `deposit` of starting_capital into
 * the mode's book (once per book). The first launch also stores the FT wallet's configuration in its
 * audit record: the snapshot that ftConfigForStrategy serves while sync_ft_changes is off
 */
export const launchLtStrategy = (deps: LtDeps, userId: string, strategyId: string) =>
  command(deps, userId, strategyId, 'launch', async (tx, s, now) => {
    if (s.isActive) return fail('conflict', 'already active');
    if (s.isPaused) return fail('conflict', 'paused: resume it before launching');
    if (s.mode === 'live' && s.walletAddress === null) return fail('conflict', 'a live strategy needs wallet_address (the signing wallet)');
    const refused = s.mode === 'live' ? await walletRefusal(tx, s.userId, s.walletAddress!, deps.operatorWallet) : null;
    if (refused) return fail('conflict', refused);
    const first = s.launchedAt === null;
    const ft = first ? await getWallet(tx, s.ftWalletId, s.userId) : null;
    const updated = await markLaunched(tx, s.userId, s.strategyId, now);
    const booked = (await appendEntries(tx, [{ userId: s.userId, strategyId: s.strategyId, book: s.mode, kind: 'deposit',
      amount: s.startingCapital, ref: 'deposit:launch', createdAt: now }])).length === 1;
    return done(updated, { first_launch: first, book: s.mode, deposit_booked: booked,
      ...(ft ? { ft_config: encodeFtConfig(ft) } : {}) });
  });

/**
 * Stops new orders; cancels and exits still run. A pause is only ever lifted by `resume` (manual reset
 * policy, INV-30): it survives stop and relaunch
 */
export const pauseLtStrategy = (deps: LtDeps, userId: string, strategyId: string, reason: string) =>
  command(deps, userId, strategyId, 'pause', async (tx, s, now) => done(
    await updateLtStrategy(tx, s.userId, s.strategyId, { is_paused: true, pause_reason: reason }, now),
    { reason, previous_reason: s.pauseReason }));

export const resumeLtStrategy = (deps: LtDeps, userId: string, strategyId: string) =>
  command(deps, userId, strategyId, 'resume', async (tx, s, now) => {
    if (!s.isPaused) return fail('conflict', 'not paused');
    return done(await updateLtStrategy(tx, s.userId, s.strategyId, { is_paused: false, pause_reason: null }, now),
      { cleared_reason: s.pauseReason });
  });

/**
 * Inactive: no new signals are taken; orders already sent keep being tracked, filled and settled. The state
 * change only: the operator's stop (stopAndCancel, lt-operator.ts) then cancels the resting orders
 */
export const stopLtStrategy = (deps: LtDeps, userId: string, strategyId: string) =>
  command(deps, userId, strategyId, 'stop', async (tx, s, now) => {
    if (!s.isActive) return fail('conflict', 'not active');
    return done(await updateLtStrategy(tx, s.userId, s.strategyId, { is_active: false }, now));
  });

export const updateLtSettings = (deps: LtDeps, userId: string, strategyId: string, patch: unknown) =>
  changeSettings(deps, userId, strategyId, 'settings', patch);

/** Live or shadow; only while not active, since each mode books into its own ledger */
export const setLtMode = (deps: LtDeps, userId: string, strategyId: string, mode: LtMode) =>
  changeSettings(deps, userId, strategyId, 'mode', { mode });

async function changeSettings(deps: LtDeps, userId: string, strategyId: string, name: string,
  patchInput: unknown): Promise<LtResult<LtStrategy>> {
  const parsed = parse(PatchInput, patchInput);
  if (!parsed.ok) return parsed;
  const patch = parsed.value as Partial<LtSettings>;
  if (Object.keys(patch).length === 0) return fail('invalid', 'no settings given');
  return command(deps, userId, strategyId, name, async (tx, s, now) => {
    const before = settingsOf(s);
    const after = { ...before, ...patch };
    const issues = [...crossIssues(after), ...toleranceIssues(after, patch, s.toleranceMode)];
    if (issues.length) return fail('invalid', 'invalid settings', issues);
    const changed = (Object.keys(patch) as Field[]).filter((k) => shown(before[k]) !== shown(after[k]));
    if (changed.includes('mode') && s.isActive) return fail('conflict', 'stop the strategy before switching mode');
    // Its resting orders are at its wallet's venue, and launch checks the wallet is the owner's
    if (changed.includes('wallet_address') && s.isActive) return fail('conflict', 'stop the strategy before changing its wallet_address');
    if (changed.includes('wallet_address') && s.walletAddress !== null
      && (await strategiesHeldAt(tx, s.walletAddress, s.userId)).includes(s.strategyId)) {
      return fail('conflict', 'the strategy still has orders, positions or winnings to redeem at its wallet: wallet_address cannot change yet');
    }
    if (changed.includes('starting_capital') && s.launchedAt !== null) {
      return fail('conflict', 'starting_capital cannot change after launch: use deposit or withdraw');
    }
    const values = columns(Object.fromEntries(changed.map((k) => [k, after[k]])));
    // The high-water mark belongs to a book: a new capital or another book starts it afresh
    if (changed.includes('starting_capital')) values.peak_equity = formatMicros(after.starting_capital);
    if (changed.includes('mode')) values.peak_equity = formatMicros(await bookPeak(tx, s, after.mode));
    const updated = await updateLtStrategy(tx, s.userId, s.strategyId, values, now);
    return done(updated, { changes: Object.fromEntries(changed.map((k) => [k, { from: shown(before[k]), to: shown(after[k]) }])) });
  });
}

/** The peak a book restarts from: its equity, or the starting capital its launch deposit will bring */
async function bookPeak(sql: Sql, s: LtStrategy, book: LtMode): Promise<Usdc> {
  const sums = await ledgerSums(sql, s.userId, s.strategyId, book);
  return Object.keys(sums).length === 0 ? s.startingCapital : equityOf(balancesFromSums(sums));
}

export interface CapitalMove {
  booked: boolean;
  ref: string;
  capital: LtCapital;
}

/**
 * The high-water mark after a deposit or withdrawal: scaled by the flow (peak × after / before), so the
 * drawdown fraction is the same before and after. Taking money out is no loss and putting money in hides
 * none; with no equity left, a deposit starts the mark afresh
 */
function movedPeak(peak: Usdc, before: Usdc, after: Usdc): Usdc {
  const high = peak > before ? peak : before;
  return (before <= 0n ? after : divRound(high * after, before, 'up')) as Usdc;
}

/** Adds cash to a launched strategy's current book */
export const depositLtCapital = (deps: LtDeps, userId: string, strategyId: string, input: unknown) =>
  moveCapital(deps, userId, strategyId, 'deposit', input);

/** Takes cash out, at most the available cash (reserved, held and cooling-down money stays) */
export const withdrawLtCapital = (deps: LtDeps, userId: string, strategyId: string, input: unknown) =>
  moveCapital(deps, userId, strategyId, 'withdrawal', input);

async function moveCapital(deps: LtDeps, userId: string, strategyId: string, kind: 'deposit' | 'withdrawal',
  input: unknown): Promise<LtResult<CapitalMove>> {
  const parsed = parse(MoneyMove, input);
  if (!parsed.ok) return parsed;
  const { amount } = parsed.value;
  const ref = `${kind}:op:${parsed.value.ref ?? randomUUID()}`;
  return command<CapitalMove>(deps, userId, strategyId, kind, async (tx, s, now) => {
    if (s.launchedAt === null) return fail('conflict', 'not launched: change starting_capital instead');
    const book = s.mode;
    const booked = await ledgerRefAmount(tx, s.userId, s.strategyId, book, kind, ref);
    if (booked !== null && booked !== amount) {
      return fail('conflict', `ref ${parsed.value.ref} was used for a ${kind} of ${formatMicros(booked)}: a replay must send the same amount`);
    }
    if (booked !== null) {
      return done({ booked: false, ref, capital: await capitalOf(tx, s) }, { amount: formatMicros(amount), ref, book, replay: true });
    }
    const before = balancesFromSums(await ledgerSums(tx, s.userId, s.strategyId, book));
    if (kind === 'withdrawal' && amount > before.available) {
      return fail('conflict', `withdrawal of ${formatMicros(amount)} exceeds available cash ${formatMicros(before.available)}`);
    }
    const after = applyEntry(before, { kind, amount }); // the domain fold: throws if a bucket went negative
    await appendEntries(tx, [{ userId: s.userId, strategyId: s.strategyId, book, kind, amount, ref, createdAt: now }]);
    const peak = movedPeak(s.peakEquity, equityOf(before), equityOf(after));
    const updated = await updateLtStrategy(tx, s.userId, s.strategyId, { peak_equity: formatMicros(peak) }, now);
    return done({ booked: true, ref, capital: await capitalOf(tx, updated) },
      { amount: formatMicros(amount), ref, book, available_before: formatMicros(before.available),
        available_after: formatMicros(after.available) });
  });
}

/**
 * While engaged, no strategy of the user sends a new order (the executor reads it in its intent transaction).
 * The operator's engage (engageKillSwitchAndCancel, lt-operator.ts) then cancels the resting orders
 */
export const engageKillSwitch = (deps: LtDeps, userId: string, reason: string) => killSwitch(deps, userId, true, reason);
export const releaseKillSwitch = (deps: LtDeps, userId: string, reason: string | null = null) =>
  killSwitch(deps, userId, false, reason);

async function killSwitch(deps: LtDeps, userId: string, engaged: boolean, reason: string | null): Promise<KillSwitch> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const previous = await getKillSwitch(tx, userId);
    const next = await setKillSwitch(tx, userId, engaged, reason, now);
    await insertLtAudit(tx, userId, null, engaged ? 'kill_switch_engage' : 'kill_switch_release',
      { reason, was_engaged: previous.engaged }, now);
    return next;
  });
}

// ---- Capital: balances are sums of the ledger

export interface LtCapital {
  book: LtMode;
  available: Usdc;
  reserved: Usdc;
  positionCost: Usdc;
  locked: Usdc;
  cooldown: Usdc;
  realized: Usdc;
  fees: Usdc;
  netDeposits: Usdc;
  /** The starting capital, and whether the book holds it yet (its launch deposit is booked at launch, not creation) */
  startingCapital: Usdc; funded: boolean;
  /** The capital to show: net deposits once the book is funded, the starting capital (not yet deposited) before */
  capital: Usdc;
  /** Cash + open positions at the gap's mark (metrics equityAtMark); bookEquity counts positions at cost */
  equity: Usdc; bookEquity: Usdc; unrealized: Usdc; unmarkedPositions: number;
  peak: Usdc;
  /** The risk breaker's: book equity from its peak; null before launch, when there is no equity to draw down */
  drawdown: Ratio | null;
  /** available + locked + cooldown = net deposits + realized, and no bucket below zero */
  conserved: boolean;
}

/** On the database, the open positions come from their kept sums (position-model.ts); in a transaction, from scratch */
async function capitalOf(sql: Sql, s: LtStrategy): Promise<LtCapital> {
  const sums = await ledgerSums(sql, s.userId, s.strategyId, s.mode);
  const bal = balancesFromSums(sums);
  const bookEquity = equityOf(bal);
  const marked = isDb(sql) ? await keptMarkedEquity(sql, s.userId, s.strategyId, bookEquity)
    : equityAtMark(bookEquity, await openPositions(sql, s.userId, s.strategyId, s.mode === 'shadow'));
  const funded = Object.keys(sums).length > 0;
  const nonNegative = [bal.available, bal.reserved, bal.positionCost, bal.cooldown].every((v) => v >= 0n);
  return {
    book: s.mode, available: bal.available, reserved: bal.reserved, positionCost: bal.positionCost, locked: lockedOf(bal),
    cooldown: bal.cooldown, realized: bal.realizedPnl, fees: bal.fees, netDeposits: bal.netDeposits,
    startingCapital: s.startingCapital, funded, capital: funded ? bal.netDeposits : s.startingCapital,
    equity: marked.equity, bookEquity, unrealized: marked.unrealized, unmarkedPositions: marked.unmarked, peak: s.peakEquity,
    drawdown: s.launchedAt === null ? null : drawdownOf(bookEquity, s.peakEquity), conserved: nonNegative && isConserved(bal),
  };
}

/** The capital of one of the user's strategies, in its current mode's book; null when it is not theirs */
export async function ltCapital(sql: Sql, userId: string, strategyId: string): Promise<LtCapital | null> {
  const s = await getLtStrategy(sql, userId, strategyId);
  return s ? capitalOf(sql, s) : null;
}
export { capitalOf as ltCapitalOf };

