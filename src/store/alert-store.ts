/**
 * lt_alerts: one row per firing, deduplicated per condition with a cool-down, and an outbox for the webhook.
 * Firing is serialized per dedupe key with a transaction-scoped advisory lock, so two checkers racing on the same
 * condition fire it once. Also what the alerts job reads of the strategies and their execution quality
 */
import { randomUUID } from 'node:crypto';
import type { Alert, AlertKind, AlertOrder, AlertSeverity } from '../domain/alert-rules.ts';
import { QUALITY_SAMPLE_COLUMNS, qualitySampleOf } from './comparison-store.ts';
import type { Db, Sql } from './db.ts';
import { isoKey, pageParams, type Keyed, type PageRequest } from './page.ts';

/** Namespace of the two-key advisory locks taken here (two-key locks never collide with one-key ones) */
const ALERT_LOCK_CLASS = 4242;

export type Delivery = 'pending' | 'delivered' | 'failed' | 'disabled';

export type FireResult = { fired: true; alertId: string } | { fired: false; alertId: string };

export interface FireOptions {
  /** false when no webhook is configured: the row is stored with delivery 'disabled' */
  deliver?: boolean;
}

/**
 * Fires `alert` unless the same dedupe key fired within `cooldownMs` before `now`; then that firing's `suppressed`
 * count and `last_seen_at` go up instead
 */
export async function fireAlert(db: Db, alert: Alert, now: Date, cooldownMs: number, options: FireOptions = {}): Promise<FireResult> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ALERT_LOCK_CLASS, alert.dedupeKey]);
    const [recent] = await tx.query<{ alert_id: string }>(
      `SELECT alert_id FROM lt_alerts WHERE dedupe_key = $1 AND fired_at > $2 ORDER BY fired_at DESC LIMIT 1`,
      [alert.dedupeKey, new Date(now.getTime() - cooldownMs).toISOString()]);
    if (recent) {
      await tx.query(`UPDATE lt_alerts SET suppressed = suppressed + 1, last_seen_at = GREATEST(last_seen_at, $2)
        WHERE alert_id = $1`, [recent.alert_id, now.toISOString()]);
      return { fired: false, alertId: recent.alert_id };
    }
    const alertId = randomUUID();
    await tx.query(
      `INSERT INTO lt_alerts (alert_id, user_id, strategy_id, kind, dedupe_key, severity, message, detail, fired_at,
         last_seen_at, delivery)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $9, $10)`,
      [alertId, alert.userId, alert.strategyId, alert.kind, alert.dedupeKey, alert.severity, alert.message,
        JSON.stringify(alert.detail), now.toISOString(), options.deliver === false ? 'disabled' : 'pending']);
    return { fired: true, alertId };
  });
}

export interface AlertRow {
  alertId: string;
  userId: string | null;
  strategyId: string | null;
  kind: AlertKind;
  dedupeKey: string;
  severity: AlertSeverity;
  message: string;
  detail: Record<string, unknown>;
  firedAt: Date;
  suppressed: number;
  lastSeenAt: Date;
  delivery: Delivery;
  attempts: number;
  deliveredAt: Date | null;
  lastError: string | null;
}

const COLUMNS = `alert_id, user_id, strategy_id, kind, dedupe_key, severity, message, detail, fired_at, suppressed,
  last_seen_at, delivery, attempts, delivered_at, last_error`;

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string));

function alertFromRow(r: Record<string, unknown>): AlertRow {
  return {
    alertId: r.alert_id as string, userId: (r.user_id as string | null) ?? null, strategyId: (r.strategy_id as string | null) ?? null,
    kind: r.kind as AlertKind, dedupeKey: r.dedupe_key as string, severity: r.severity as AlertSeverity,
    message: r.message as string, detail: (r.detail ?? {}) as Record<string, unknown>, firedAt: date(r.fired_at),
    suppressed: Number(r.suppressed), lastSeenAt: date(r.last_seen_at), delivery: r.delivery as Delivery,
    attempts: Number(r.attempts), deliveredAt: r.delivered_at ? date(r.delivered_at) : null,
    lastError: (r.last_error as string | null) ?? null,
  };
}

/** The user's alerts and the system alerts (user_id NULL), newest first */
export async function listAlerts(sql: Sql, userId: string, limit: number): Promise<AlertRow[]> {
  const rows = await sql.query(`SELECT ${COLUMNS} FROM lt_alerts WHERE user_id = $1 OR user_id IS NULL
    ORDER BY fired_at DESC, alert_id LIMIT $2`, [userId, limit]);
  return rows.map(alertFromRow);
}

/** A page of the user's alerts and the system alerts, newest first (sort key: fired_at, alert_id) */
export async function alertsPage(sql: Sql, userId: string, page: PageRequest): Promise<Keyed<AlertRow>[]> {
  const rows = await sql.query(`SELECT ${COLUMNS}, ${isoKey('fired_at')} AS k_at FROM lt_alerts
    WHERE (user_id = $1 OR user_id IS NULL) AND ($2::timestamptz IS NULL OR (fired_at, alert_id) < ($2::timestamptz, $3::uuid))
    ORDER BY fired_at DESC, alert_id DESC LIMIT $4`, [userId, ...pageParams(page, 2)]);
  return rows.map((r) => ({ row: alertFromRow(r), key: [r.k_at as string, r.alert_id as string] }));
}

/** Undelivered alerts, oldest first */
export async function pendingAlerts(sql: Sql, limit: number): Promise<AlertRow[]> {
  const rows = await sql.query(`SELECT ${COLUMNS} FROM lt_alerts WHERE delivery = 'pending'
    ORDER BY fired_at, alert_id LIMIT $1`, [limit]);
  return rows.map(alertFromRow);
}

/**
 * Counts one delivery attempt, only if nobody else counted it since `seenAttempts` was read: the claim that lets
 * one deliverer (of several processes) send a given attempt. Returns false when another one did
 */
export async function claimAttempt(sql: Sql, alertId: string, seenAttempts: number): Promise<boolean> {
  const rows = await sql.query(`UPDATE lt_alerts SET attempts = attempts + 1
    WHERE alert_id = $1 AND delivery = 'pending' AND attempts = $2 RETURNING alert_id`, [alertId, seenAttempts]);
  return rows.length === 1;
}

export async function markDelivered(sql: Sql, alertId: string, at: Date): Promise<void> {
  await sql.query(`UPDATE lt_alerts SET delivery = 'delivered', delivered_at = $2, last_error = NULL
    WHERE alert_id = $1 AND delivery = 'pending'`, [alertId, at.toISOString()]);
}

/** Records a failed attempt; the alert stays pending for the next run, or becomes `failed` when `final` */
export async function markAttemptFailed(sql: Sql, alertId: string, error: string, final: boolean): Promise<void> {
  await sql.query(`UPDATE lt_alerts SET last_error = $2, delivery = CASE WHEN $3::boolean THEN 'failed' ELSE delivery END
    WHERE alert_id = $1 AND delivery = 'pending'`, [alertId, error.slice(0, 1000), final]);
}

/** Every launched strategy, stopped ones too (their cash is still in the wallet), in (user, strategy) order */
export async function launchedStrategyRefs(sql: Sql): Promise<{ userId: string; strategyId: string; walletAddress: string | null }[]> {
  const rows = await sql.query<{ user_id: string; strategy_id: string; wallet_address: string | null }>(
    'SELECT user_id, strategy_id, wallet_address FROM lt_strategies WHERE launched_at IS NOT NULL ORDER BY user_id, strategy_id');
  return rows.map((r) => ({ userId: r.user_id, strategyId: r.strategy_id, walletAddress: r.wallet_address }));
}

/** Which execution-quality rows an alert rule reads */
export type AlertSampleFilter =
  /** Rows with an order latency whose signal (or computation) is after `since` */
  | { kind: 'latency_since'; since: Date }
  /** Rows with a signal slippage (filled orders) */
  | { kind: 'slipped' }
  /** Rows in one of these statuses */
  | { kind: 'status_in'; statuses: readonly string[] };

/** The filter's row condition (a constant, never user input) and its parameters, numbered from $2 */
function whereOf(f: AlertSampleFilter): { where: string; params: unknown[] } {
  switch (f.kind) {
    case 'latency_since':
      return {
        where: 'q.order_latency_ms IS NOT NULL AND coalesce(q.signal_at, q.computed_at) > $2', params: [f.since.toISOString()],
      };
    case 'slipped':
      return { where: 'q.signal_slippage_pct IS NOT NULL', params: [] };
    case 'status_in':
      return { where: 'qo.status = ANY($2::text[])', params: [f.statuses] };
  }
}

/** The key of a strategy in alertSamples' map */
export const strategyKey = (userId: string, strategyId: string): string => `${userId}|${strategyId}`;

/**
 * Per active launched strategy (by strategyKey), its newest `limit` live (not shadow) execution-quality rows matching
 * `filter`, newest first, each read into the metrics module's OrderSample by the mapping the API uses (qualitySampleOf)
 */
export async function alertSamples(sql: Sql, filter: AlertSampleFilter, limit: number): Promise<Map<string, AlertOrder[]>> {
  const { where, params } = whereOf(filter);
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT s.user_id, s.strategy_id, q.order_id, q.at, ${QUALITY_SAMPLE_COLUMNS}
     FROM lt_strategies s CROSS JOIN LATERAL (
       SELECT q.*, coalesce(q.signal_at, q.computed_at) AS at FROM lt_execution_quality q
       JOIN orders qo ON qo.order_id = q.order_id
       WHERE q.user_id = s.user_id AND q.strategy_id = s.strategy_id AND NOT q.is_shadow AND ${where}
       ORDER BY coalesce(q.signal_at, q.computed_at) DESC, q.order_id DESC LIMIT $1) q
     JOIN orders o ON o.order_id = q.order_id
     WHERE s.is_active AND s.launched_at IS NOT NULL
     ORDER BY s.user_id, s.strategy_id, q.at DESC, q.order_id DESC`, [limit, ...params]);
  const out = new Map<string, AlertOrder[]>();
  for (const r of rows) {
    const key = strategyKey(r.user_id as string, r.strategy_id as string);
    const list = out.get(key) ?? [];
    list.push({ ...qualitySampleOf(r), orderId: r.order_id as string, at: new Date(r.at as string) });
    out.set(key, list);
  }
  return out;
}
