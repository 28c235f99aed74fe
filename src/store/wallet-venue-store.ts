/**
 * A linked wallet's venue state as the running Tandem found it, written at each change (state or reasons) into its
 * owner's audit trail (lt_audit, command `wallet_venue`), so a process without the gates (the CLI) can show it. Only
 * what preflight reports: the state, the reasons (worded for an operator, never a secret) and when the check ran
 */
import type { Sql } from './db.ts';
import { insertLtAudit } from './lt-strategy-store.ts';

export const WALLET_VENUE_COMMAND = 'wallet_venue';

export interface RecordedVenueState {
  state: string;
  reasons: { code: string; message: string }[];
  /** When the check that found this state ran */
  checkedAt: Date;
}

export const recordWalletVenueState = (sql: Sql, userId: string, address: string, s: RecordedVenueState): Promise<void> =>
  insertLtAudit(sql, userId, null, WALLET_VENUE_COMMAND, {
    address, state: s.state, reasons: s.reasons.map((r) => ({ code: r.code, message: r.message })), checked_at: s.checkedAt.toISOString(),
  }, s.checkedAt);

/** The latest recorded state of each of the user's wallets, since it was linked (an earlier link's states do not count) */
export async function latestWalletVenueStates(sql: Sql, userId: string): Promise<Map<string, RecordedVenueState>> {
  const rows = await sql.query<{ address: string; detail: Record<string, unknown>; at: string | Date }>(
    `SELECT DISTINCT ON (w.address) w.address, a.detail, a.at FROM lt_audit a
     JOIN user_wallets w ON w.user_id = a.user_id AND w.address = a.detail->>'address'
     WHERE a.user_id = $1 AND a.command = $2 AND a.strategy_id IS NULL AND a.at >= w.linked_at
     ORDER BY w.address, a.at DESC, a.audit_id DESC`, [userId, WALLET_VENUE_COMMAND]);
  const out = new Map<string, RecordedVenueState>();
  for (const r of rows) {
    const reasons = Array.isArray(r.detail.reasons) ? (r.detail.reasons as { code: string; message: string }[]) : [];
    out.set(r.address, { state: String(r.detail.state), reasons, checkedAt: new Date(r.at) });
  }
  return out;
}
