/**
 * Acknowledging an alert: an audit row (lt_audit, command `alert_acknowledged`, detail {alert_id}) of the user who
 * read it, so acknowledgements are in the audit trail and need no table of their own. Each user acknowledges for
 * themselves (a system alert is seen by every operator); acknowledging twice keeps the first time
 */
import type { Sql } from './db.ts';
import { insertLtAudit } from './lt-strategy-store.ts';

export const ACK_COMMAND = 'alert_acknowledged';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** When the user acknowledged each of `alertIds` (those not acknowledged are absent) */
export async function alertAcknowledgements(sql: Sql, userId: string, alertIds: readonly string[]): Promise<Map<string, Date>> {
  const ids = alertIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return new Map();
  const rows = await sql.query<{ alert_id: string; at: Date | string }>(
    `SELECT detail->>'alert_id' AS alert_id, MIN(at) AS at FROM lt_audit
     WHERE user_id = $1 AND command = $2 AND detail->>'alert_id' = ANY($3::text[]) GROUP BY detail->>'alert_id'`,
    [userId, ACK_COMMAND, ids]);
  return new Map(rows.map((r) => [r.alert_id, new Date(r.at)]));
}

/** Acknowledges an alert the user can see (theirs or a system alert): when, or null when there is no such alert */
export async function acknowledgeAlert(sql: Sql, userId: string, alertId: string, at: Date): Promise<Date | null> {
  if (!UUID.test(alertId)) return null;
  const seen = await sql.query<{ strategy_id: string | null }>(
    'SELECT strategy_id FROM lt_alerts WHERE alert_id = $1 AND (user_id = $2 OR user_id IS NULL)', [alertId, userId]);
  if (seen.length === 0) return null;
  const before = (await alertAcknowledgements(sql, userId, [alertId])).get(alertId);
  if (before) return before;
  await insertLtAudit(sql, userId, seen[0]!.strategy_id, ACK_COMMAND, { alert_id: alertId }, at);
  return at;
}
