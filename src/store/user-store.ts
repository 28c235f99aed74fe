/** Users and their API tokens; only a SHA-256 hash of each token is stored */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from './db.ts';

/** An operator runs the global jobs and reads the system-wide views; a plain user sees only their own work */
export type Role = 'user' | 'operator';

export interface User {
  userId: string;
  name: string;
  role: Role;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Creates a user and returns its token; the token is shown once and cannot be read back */
export async function createUser(sql: Sql, name: string, role: Role = 'user'): Promise<{ user: User; token: string }> {
  const token = `tdm_${randomBytes(24).toString('base64url')}`;
  const userId = randomUUID();
  await sql.query('INSERT INTO users (user_id, name, token_hash, role) VALUES ($1, $2, $3, $4)',
    [userId, name, hashToken(token), role]);
  return { user: { userId, name, role }, token };
}

type Row = { user_id: string; name: string; role: Role };
const fromRow = (r: Row): User => ({ userId: r.user_id, name: r.name, role: r.role });

export async function userByToken(sql: Sql, token: string): Promise<User | null> {
  return (await userAndSnapshotByToken(sql, token))?.user ?? null;
}

/**
 * The token's user and, read in the same statement, the database snapshot (`pg_current_snapshot()`: which transactions
 * had committed): the API's kept reads compare it with their answers' (src/api/read-cache.ts), one statement per request
 */
export async function userAndSnapshotByToken(sql: Sql, token: string): Promise<{ user: User; snapshot: string } | null> {
  const [row] = await sql.query<Row & { snapshot: string }>(
    'SELECT user_id, name, role, pg_current_snapshot()::text AS snapshot FROM users WHERE token_hash = $1', [hashToken(token)]);
  return row ? { user: fromRow(row), snapshot: row.snapshot } : null;
}

export async function countUsers(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return row?.n ?? 0;
}

export async function userByName(sql: Sql, name: string): Promise<User | null> {
  const [row] = await sql.query<Row>('SELECT user_id, name, role FROM users WHERE name = $1', [name]);
  return row ? fromRow(row) : null;
}
