/** LT strategies (lt_strategies): read them as domain values; lifecycle writes, audit, kill switch and the peak equity beside the reads */
import { randomBytes } from 'node:crypto';
import { InvariantError } from '../domain/errors.ts';
import type { FtWallet } from '../domain/ft-wallet.ts';
import { ltStrategyId, type LtMode, type LtStrategy } from '../domain/lt-strategy.ts';
import { formatMicros, parseMicros, type Ratio, type Usdc } from '../domain/money.ts';
import type { OrderType } from '../domain/lt-order.ts';
import type { ToleranceMode } from '../domain/tolerance.ts';
import type { Sql } from './db.ts';
import { dateOrNull, dec, micros, microsOrNull } from './rows.ts';
import { isoKey, pageParams, type Keyed, type PageRequest } from './page.ts';
import { intentLedgerFromRow, intentLedgerSelect, type IntentLedger, type IntentLedgerRow } from './ledger-store.ts';

export const LT_COLUMNS = `user_id, strategy_id, ft_wallet_id, mode, is_active, is_paused, pause_reason, launched_at,
  starting_capital, slippage_tolerance_pct, order_type, order_ttl_seconds, min_order_usd, max_order_usd,
  max_position_per_market_usd, max_total_exposure_usd, daily_budget_usd, max_daily_loss_usd, max_drawdown_pct,
  max_signal_age_seconds, latency_alert_ms, cooldown_seconds, sync_ft_changes, wallet_address, peak_equity,
  tolerance_mode, tolerance_ticks, tolerance_spread_multiple`;

/** max_drawdown_pct is stored in percent (10 = 10 %); the domain works with a fraction (0.1) */
const pctToFraction = (v: unknown): Ratio | null => {
  const m = microsOrNull(v);
  return m === null ? null : ((m / 100n) as Ratio);
};
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function ltStrategyFromRow(r: Record<string, unknown>): LtStrategy {
  const u = (k: string) => microsOrNull(r[k]) as Usdc | null;
  return {
    userId: r.user_id as string, strategyId: r.strategy_id as string, ftWalletId: r.ft_wallet_id as string,
    mode: r.mode as LtStrategy['mode'], isActive: r.is_active as boolean, isPaused: r.is_paused as boolean,
    pauseReason: (r.pause_reason as string) ?? null, launchedAt: dateOrNull(r.launched_at),
    startingCapital: micros(r.starting_capital) as Usdc, slippageTolerancePct: micros(r.slippage_tolerance_pct) as Ratio,
    toleranceMode: r.tolerance_mode as ToleranceMode, toleranceTicks: num(r.tolerance_ticks),
    toleranceSpreadMultiple: microsOrNull(r.tolerance_spread_multiple),
    orderType: r.order_type as OrderType, orderTtlSeconds: num(r.order_ttl_seconds),
    limits: {
      minOrderUsd: u('min_order_usd'), maxOrderUsd: u('max_order_usd'),
      maxPositionPerMarketUsd: u('max_position_per_market_usd'), maxTotalExposureUsd: u('max_total_exposure_usd'),
      dailyBudgetUsd: u('daily_budget_usd'), maxDailyLossUsd: u('max_daily_loss_usd'),
      maxDrawdown: pctToFraction(r.max_drawdown_pct),
    },
    maxSignalAgeSeconds: num(r.max_signal_age_seconds), latencyAlertMs: num(r.latency_alert_ms),
    cooldownSeconds: Number(r.cooldown_seconds), syncFtChanges: r.sync_ft_changes as boolean,
    walletAddress: (r.wallet_address as string) ?? null, peakEquity: micros(r.peak_equity) as Usdc,
  };
}

export async function getLtStrategy(sql: Sql, userId: string, strategyId: string): Promise<LtStrategy | null> {
  const rows = await sql.query(`SELECT ${LT_COLUMNS} FROM lt_strategies WHERE user_id = $1 AND strategy_id = $2`,
    [userId, strategyId]);
  return rows[0] ? ltStrategyFromRow(rows[0]) : null;
}

/** Launched, active strategies of every user (paused ones included: their exits and cancels still run) */
export async function listLaunchedStrategies(sql: Sql): Promise<LtStrategy[]> {
  return (await sql.query(launchedSql())).map(ltStrategyFromRow);
}

/** The launched, active strategies in (user, id) order, each row with the columns `extra` (SQL) first when given */
export const launchedSql = (extra = ''): string => `SELECT ${extra ? `${extra}, ` : ''}${LT_COLUMNS} FROM lt_strategies
  WHERE is_active AND launched_at IS NOT NULL ORDER BY user_id, strategy_id`;

/** Every strategy launched at least once (stopped ones too: their dashboard still reads them), in (user, id) order */
export async function readModelStrategies(sql: Sql): Promise<{ userId: string; strategyId: string }[]> {
  const rows = await sql.query<{ user_id: string; strategy_id: string }>(
    'SELECT user_id, strategy_id FROM lt_strategies WHERE launched_at IS NOT NULL ORDER BY user_id, strategy_id');
  return rows.map((r) => ({ userId: r.user_id, strategyId: r.strategy_id }));
}

export async function isKillSwitchEngaged(sql: Sql, userId: string): Promise<boolean> {
  const rows = await sql.query<{ engaged: boolean }>('SELECT engaged FROM lt_kill_switch WHERE user_id = $1', [userId]);
  return rows[0]?.engaged ?? false;
}

// ---- Writes (the lifecycle commands in src/engine/lt-strategies.ts call these inside one transaction)

/** The columns an operator command may set; anything else is refused before SQL is built */
const WRITABLE = new Set([
  'mode', 'is_active', 'is_paused', 'pause_reason', 'starting_capital', 'slippage_tolerance_pct', 'order_type',
  'order_ttl_seconds', 'min_order_usd', 'max_order_usd', 'max_position_per_market_usd', 'max_total_exposure_usd',
  'daily_budget_usd', 'max_daily_loss_usd', 'max_drawdown_pct', 'max_signal_age_seconds', 'latency_alert_ms',
  'cooldown_seconds', 'sync_ft_changes', 'wallet_address', 'peak_equity',
  'tolerance_mode', 'tolerance_ticks', 'tolerance_spread_multiple',
]);

function writable(values: Record<string, unknown>): [string[], unknown[]] {
  const cols = Object.keys(values);
  for (const c of cols) if (!WRITABLE.has(c)) throw new InvariantError(`lt_strategies.${c} is not writable`);
  return [cols, cols.map((c) => values[c])];
}

/** Inserts a strategy; null when the user already has one for this FT wallet (nothing is overwritten) */
export async function insertLtStrategy(sql: Sql, userId: string, ftWalletId: string,
  values: Record<string, unknown>, at: Date): Promise<LtStrategy | null> {
  const [cols, params] = writable(values);
  const marks = cols.map((_, i) => `$${i + 5}`).join(', ');
  const rows = await sql.query(`INSERT INTO lt_strategies (user_id, strategy_id, ft_wallet_id, created_at, updated_at, ${cols.join(', ')})
    VALUES ($1, $2, $3, $4, $4, ${marks}) ON CONFLICT DO NOTHING RETURNING ${LT_COLUMNS}`,
  [userId, ltStrategyId(ftWalletId), ftWalletId, at, ...params]);
  return rows[0] ? ltStrategyFromRow(rows[0]) : null;
}

/** Sets the given columns (values already in database form: NUMERIC as decimal text) */
export async function updateLtStrategy(sql: Sql, userId: string, strategyId: string,
  values: Record<string, unknown>, at: Date): Promise<LtStrategy> {
  const [cols, params] = writable(values);
  const sets = cols.map((c, i) => `${c} = $${i + 4}`).join(', ');
  const rows = await sql.query(`UPDATE lt_strategies SET ${sets}${sets ? ',' : ''} updated_at = $3
    WHERE user_id = $1 AND strategy_id = $2 RETURNING ${LT_COLUMNS}`, [userId, strategyId, at, ...params]);
  if (!rows[0]) throw new InvariantError(`no strategy ${strategyId} to update`);
  return ltStrategyFromRow(rows[0]);
}

/** Activates; `launched_at` is written only the first time and never moves afterwards */
export async function markLaunched(sql: Sql, userId: string, strategyId: string, at: Date): Promise<LtStrategy> {
  const rows = await sql.query(`UPDATE lt_strategies SET is_active = true, launched_at = COALESCE(launched_at, $3),
    updated_at = $3 WHERE user_id = $1 AND strategy_id = $2 RETURNING ${LT_COLUMNS}`, [userId, strategyId, at]);
  if (!rows[0]) throw new InvariantError(`no strategy ${strategyId} to launch`);
  return ltStrategyFromRow(rows[0]);
}

/**
 * Serializes every capital write of one strategy: a transaction-scoped advisory lock on (user, strategy),
 * then the row itself. The executor takes the same advisory lock (same key) around its intent transaction
 */
export async function lockLtStrategy(sql: Sql, userId: string, strategyId: string): Promise<LtStrategy | null> {
  await sql.query(`SELECT pg_advisory_xact_lock(${LT_LOCK_KEY_SQL})`, [userId, strategyId]);
  const rows = await sql.query(`SELECT ${LT_COLUMNS} FROM lt_strategies WHERE user_id = $1 AND strategy_id = $2 FOR UPDATE`,
    [userId, strategyId]);
  return rows[0] ? ltStrategyFromRow(rows[0]) : null;
}
/** What the intent transaction reads under the strategy lock */
export interface IntentGuards {
  strategy: LtStrategy;
  killSwitchEngaged: boolean;
  /** The signal leg's disposition when it was decided before */
  disposition: 'ordered' | 'skipped' | 'expired' | null;
  /** The strategy book's balances and risk totals, when asked for (an entry's) */
  ledger: IntentLedger | null;
  /** The FT strategy's configuration version (migration 0025) under the lock */
  ftConfigVersion: string | null;
}

/**
 * lockLtStrategy for the executor's intent: the advisory lock, then in one statement the strategy row, the owner's
 * kill switch, the signal leg's disposition and, given `ledgerFor` (an entry's market and day), the ledger of the
 * strategy's book (intentLedgerSelect: read after the lock, so none of them is older than it). The lock is a statement
 * of its own, sent with the read (QueryOptions.before): the read's snapshot is taken once the lock is held
 */
export async function lockForIntent(sql: Sql, userId: string, strategyId: string, ftOrderId: string,
  leg: string, ledgerFor: { conditionId: string; dayStart: Date } | null = null): Promise<IntentGuards | null> {
  const lock = { text: `SELECT pg_advisory_xact_lock(${LT_LOCK_KEY_SQL})`, values: [userId, strategyId] };
  const ledger = intentLedgerSelect({ user: 's.user_id', strategy: 's.strategy_id', book: 's.mode', condition: '$6', day: '$7::timestamptz' });
  const [r] = await sql.query<Record<string, unknown>>(`SELECT ${LT_COLUMNS},
      coalesce((SELECT k.engaged FROM lt_kill_switch k WHERE k.user_id = $1), false) AS kill_switch_engaged,
      (SELECT d.disposition FROM lt_dispositions d WHERE d.user_id = $1 AND d.strategy_id = $2 AND d.ft_order_id = $3
        AND d.leg = $4) AS prior_disposition,
      CASE WHEN $5::boolean THEN (SELECT row_to_json(l) FROM (${ledger}) l) END AS ledger,
      (SELECT w.config_version::text FROM ft_wallets w WHERE w.wallet_id = s.ft_wallet_id) AS ft_config_version
    FROM lt_strategies s WHERE user_id = $1 AND strategy_id = $2 FOR UPDATE`,
  [userId, strategyId, ftOrderId, leg, ledgerFor !== null, ledgerFor?.conditionId ?? null, ledgerFor?.dayStart.toISOString() ?? null],
  { before: [lock] });
  if (!r) return null;
  return { strategy: ltStrategyFromRow(r), killSwitchEngaged: r.kill_switch_engaged as boolean,
    disposition: (r.prior_disposition as IntentGuards['disposition']) ?? null,
    ledger: r.ledger ? intentLedgerFromRow(r.ledger as IntentLedgerRow) : null,
    ftConfigVersion: (r.ft_config_version as string | null) ?? null };
}

/** The advisory-lock key of a strategy, over parameters $1 = user id, $2 = strategy id */
export const LT_LOCK_KEY_SQL = `hashtextextended($1::text || '/' || $2::text, 0)`;

export async function listUserLtStrategies(sql: Sql, userId: string): Promise<LtStrategy[]> {
  const rows = await sql.query(`SELECT ${LT_COLUMNS} FROM lt_strategies WHERE user_id = $1 ORDER BY strategy_id`, [userId]);
  return rows.map(ltStrategyFromRow);
}

/** A page of the user's strategies by id (sort key: strategy_id) */
export async function ltStrategiesPage(sql: Sql, userId: string, page: PageRequest): Promise<Keyed<LtStrategy>[]> {
  const rows = await sql.query(`SELECT ${LT_COLUMNS} FROM lt_strategies WHERE user_id = $1 AND ($2::text IS NULL OR strategy_id > $2)
    ORDER BY strategy_id LIMIT $3`, [userId, ...pageParams(page, 1)]);
  return rows.map((r) => { const s = ltStrategyFromRow(r); return { row: s, key: [s.strategyId] }; });
}

// ---- Audit

export interface LtAuditRow {
  auditId: string;
  strategyId: string | null;
  command: string;
  detail: Record<string, unknown>;
  at: Date;
}

let lastMs = 0;
let seq = 0;
/** A UUIDv7: ids sort in insertion order within a process, so audit rows written in the same clock tick keep their order */
export function timeOrderedUuid(): string {
  const now = Date.now();
  if (now > lastMs) [lastMs, seq] = [now, 0];
  else if (++seq > 0xfff) [lastMs, seq] = [lastMs + 1, 0];
  const tail = randomBytes(8);
  tail[0] = (tail[0]! & 0x3f) | 0x80;
  const hex = lastMs.toString(16).padStart(12, '0') + '7' + seq.toString(16).padStart(3, '0') + tail.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function insertLtAudit(sql: Sql, userId: string, strategyId: string | null, command: string,
  detail: Record<string, unknown>, at: Date): Promise<void> {
  await sql.query('INSERT INTO lt_audit (audit_id, user_id, strategy_id, command, detail, at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)',
    [timeOrderedUuid(), userId, strategyId, command, JSON.stringify(detail), at]);
}

/** Newest first; `strategyId` null lists every audit row of the user (user-wide commands included) */
export async function listLtAudit(sql: Sql, userId: string, strategyId: string | null, limit: number): Promise<LtAuditRow[]> {
  const rows = await sql.query<Record<string, unknown>>(`SELECT audit_id, strategy_id, command, detail, at FROM lt_audit
    WHERE user_id = $1 AND ($2::text IS NULL OR strategy_id = $2) ORDER BY at DESC, audit_id DESC LIMIT $3`,
  [userId, strategyId, limit]);
  return rows.map((r) => ({ auditId: r.audit_id as string, strategyId: (r.strategy_id as string) ?? null,
    command: r.command as string, detail: r.detail as Record<string, unknown>, at: new Date(r.at as string) }));
}

/** A page of listLtAudit (sort key: at, audit_id) */
export async function ltAuditPage(sql: Sql, userId: string, strategyId: string | null, page: PageRequest): Promise<Keyed<LtAuditRow>[]> {
  const rows = await sql.query<Record<string, unknown>>(`SELECT audit_id, strategy_id, command, detail, at, ${isoKey('at')} AS k_at
    FROM lt_audit WHERE user_id = $1 AND ($2::text IS NULL OR strategy_id = $2)
      AND ($3::timestamptz IS NULL OR (at, audit_id) < ($3::timestamptz, $4::uuid))
    ORDER BY at DESC, audit_id DESC LIMIT $5`, [userId, strategyId, ...pageParams(page, 2)]);
  return rows.map((r) => ({ row: { auditId: r.audit_id as string, strategyId: (r.strategy_id as string) ?? null,
    command: r.command as string, detail: r.detail as Record<string, unknown>, at: new Date(r.at as string) },
  key: [r.k_at as string, r.audit_id as string] }));
}

/** The FT configuration stored by the first launch (null before launch) */
export async function launchSnapshot(sql: Sql, userId: string, strategyId: string): Promise<FtWallet | null> {
  const rows = await sql.query<{ cfg: Record<string, unknown> }>(`SELECT ${launchSnapshotSql('$1', '$2')} AS cfg`, [userId, strategyId]);
  return launchSnapshotOf(rows[0]?.cfg);
}

/** The launch snapshot's FT configuration (JSON) of the strategy (user, strategy id) the two SQL expressions give */
export const launchSnapshotSql = (user: string, strategy: string): string => `(SELECT a.detail->'ft_config' FROM lt_audit a
  WHERE a.user_id = ${user} AND a.strategy_id = ${strategy} AND a.command = 'launch' AND a.detail->'ft_config' IS NOT NULL
  ORDER BY a.at, a.audit_id LIMIT 1)`;

/** What launchSnapshotSql read, decoded; null when the strategy was never launched */
export const launchSnapshotOf = (cfg: unknown): FtWallet | null => (cfg ? decodeFtConfig(cfg as Record<string, unknown>) : null);

// ---- Kill switch

export interface KillSwitch {
  engaged: boolean;
  reason: string | null;
  setAt: Date | null;
}

export async function getKillSwitch(sql: Sql, userId: string): Promise<KillSwitch> {
  const [r] = await sql.query<Record<string, unknown>>('SELECT engaged, reason, set_at FROM lt_kill_switch WHERE user_id = $1', [userId]);
  return r ? { engaged: r.engaged as boolean, reason: (r.reason as string) ?? null, setAt: dateOrNull(r.set_at) }
    : { engaged: false, reason: null, setAt: null };
}

export async function setKillSwitch(sql: Sql, userId: string, engaged: boolean, reason: string | null, at: Date): Promise<KillSwitch> {
  await sql.query(`INSERT INTO lt_kill_switch (user_id, engaged, reason, set_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (user_id) DO UPDATE SET engaged = EXCLUDED.engaged, reason = EXCLUDED.reason, set_at = EXCLUDED.set_at`,
  [userId, engaged, reason, at]);
  return { engaged, reason, setAt: at };
}

// ---- Peak equity

/**
 * Raises the high-water mark to the book's equity, never lowers it (INV-19). Only the book of the strategy's
 * current mode has a peak: the other book's fills do not move it
 */
export async function raisePeakEquity(tx: Sql, userId: string, strategyId: string, book: LtMode, equity: Usdc): Promise<void> {
  await tx.query(`UPDATE lt_strategies SET peak_equity = GREATEST(peak_equity, $3::numeric)
    WHERE user_id = $1 AND strategy_id = $2 AND mode = $4 AND peak_equity < $3::numeric`,
  [userId, strategyId, dec(equity), book]);
}

// ---- The FT configuration snapshot stored by the first launch

/** FtWallet as JSON with types kept: micro-unit values as {"$micros": "1.200000"}, dates as {"$date": iso} */
export function encodeFtConfig(w: FtWallet): Record<string, unknown> {
  return Object.fromEntries(Object.entries(w).map(([k, v]) => [k,
    typeof v === 'bigint' ? { $micros: formatMicros(v) } : v instanceof Date ? { $date: v.toISOString() } : v]));
}
export function decodeFtConfig(j: Record<string, unknown>): FtWallet {
  return Object.fromEntries(Object.entries(j).map(([k, v]) => {
    const tag = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : null;
    return [k, tag?.$micros !== undefined ? parseMicros(tag.$micros) : tag?.$date !== undefined ? new Date(tag.$date) : v];
  })) as unknown as FtWallet;
}
