/** Users and their API tokens; only a SHA-256 hash of each token is stored */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from './db.ts';

export interface User {
  userId: string;
  name: string;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Creates a user and returns its token; the token is shown once and cannot be read back */
export async function createUser(sql: Sql, name: string): Promise<{ user: User; token: string }> {
  const token = `tdm_${randomBytes(24).toString('base64url')}`;
  const userId = randomUUID();
  await sql.query('INSERT INTO users (user_id, name, token_hash) VALUES ($1, $2, $3)', [userId, name, hashToken(token)]);
  return { user: { userId, name }, token };
}

export async function userByToken(sql: Sql, token: string): Promise<User | null> {
  const [row] = await sql.query<{ user_id: string; name: string }>(
    'SELECT user_id, name FROM users WHERE token_hash = $1', [hashToken(token)]);
  return row ? { userId: row.user_id, name: row.name } : null;
}

export async function countUsers(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return row?.n ?? 0;
}

export async function userByName(sql: Sql, name: string): Promise<User | null> {
  const [row] = await sql.query<{ user_id: string; name: string }>('SELECT user_id, name FROM users WHERE name = $1', [name]);
  return row ? { userId: row.user_id, name: row.name } : null;
}
