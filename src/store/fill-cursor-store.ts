/** The tracker's fill cursor per venue account, kept across processes (migration 0024) */
import type { Sql } from './db.ts';

/** The cursor stored for `venueKey`, or null: none yet (the first read starts from the account's beginning) */
export async function storedFillCursor(sql: Sql, venueKey: string): Promise<string | null> {
  const [r] = await sql.query<{ cursor: string }>('SELECT cursor FROM venue_fill_cursors WHERE venue_key = $1', [venueKey]);
  return r?.cursor ?? null;
}

/** Stores where the last complete read ended (the last writer wins: any stored cursor had its fills booked first) */
export async function storeFillCursor(sql: Sql, venueKey: string, cursor: string, at: Date): Promise<void> {
  await sql.query(`INSERT INTO venue_fill_cursors (venue_key, cursor, updated_at) VALUES ($1, $2, $3)
    ON CONFLICT (venue_key) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at`, [venueKey, cursor, at.toISOString()]);
}
