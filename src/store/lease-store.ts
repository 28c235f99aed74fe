/**
 * Worker leases on PostgreSQL: each live strategy ('<user_id>/<strategy_id>') and the global jobs ('global') are one
 * row with an owner and an expiry. A worker's round, in one transaction: beat its heartbeat, renew what it owns, give
 * back what it holds above its fair share (the live strategies over the live workers, rounded up), then claim unowned or
 * expired rows up to that share with FOR UPDATE SKIP LOCKED (two workers never wait on, nor take, the same row)
 */
import type { Db, Sql } from './db.ts';

export const GLOBAL_LEASE = 'global';

export const strategyLeaseKey = (s: { userId: string; strategyId: string }): string => `${s.userId}/${s.strategyId}`;

export interface LeaseRound {
  /** The strategy keys this worker holds after the round (only those among the keys given) */
  held: string[];
  global: boolean;
  claimed: string[];
  released: string[];
  liveWorkers: number;
  share: number;
}

const at = (now: Date, ms = 0) => new Date(now.getTime() + ms).toISOString();

/** One round for `workerId` over the live strategies `keys` at `now`; every lease it holds then lasts until now + leaseMs */
export async function leaseRound(db: Db, workerId: string, keys: readonly string[], now: Date, leaseMs: number): Promise<LeaseRound> {
  return db.transaction(async (tx) => {
    const until = at(now, leaseMs);
    await tx.query(`INSERT INTO workers (worker_id, started_at, seen_at, expires_at) VALUES ($1, $2, $2, $3)
      ON CONFLICT (worker_id) DO UPDATE SET seen_at = $2, expires_at = $3`, [workerId, at(now), until]);
    await tx.query(`INSERT INTO strategy_leases (lease_key, scope)
      SELECT k, CASE WHEN k = $2 THEN 'global' ELSE 'strategy' END FROM unnest($1::text[] || ARRAY[$2::text]) AS u(k)
      ON CONFLICT (lease_key) DO NOTHING`, [keys, GLOBAL_LEASE]);
    await tx.query(`UPDATE strategy_leases SET renewed_at = $2, expires_at = $3 WHERE owner = $1`, [workerId, at(now), until]);
    // A strategy no longer live is given back (its row stays; it is counted by no one)
    const gone = await tx.query<{ lease_key: string }>(`UPDATE strategy_leases SET owner = NULL, expires_at = NULL
      WHERE owner = $1 AND scope = 'strategy' AND NOT (lease_key = ANY($2::text[])) RETURNING lease_key`, [workerId, keys]);
    const [{ n: liveWorkers }] = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM workers WHERE expires_at > $1', [at(now)]) as [{ n: number }];
    const share = Math.ceil(keys.length / Math.max(1, liveWorkers));
    const mine = await ownedAmong(tx, workerId, keys);
    const released = [...gone.map((r) => r.lease_key), ...await releaseExcess(tx, workerId, mine, share)];
    const claimed = await claim(tx, workerId, keys, share - Math.min(mine.length, share), now, until);
    const global = await claimGlobal(tx, workerId, now, until);
    return { held: await ownedAmong(tx, workerId, keys), global, claimed, released, liveWorkers, share };
  });
}

async function ownedAmong(tx: Sql, workerId: string, keys: readonly string[]): Promise<string[]> {
  const rows = await tx.query<{ lease_key: string }>(`SELECT lease_key FROM strategy_leases
    WHERE owner = $1 AND lease_key = ANY($2::text[]) ORDER BY lease_key`, [workerId, keys]);
  return rows.map((r) => r.lease_key);
}

/** Above its share (another worker joined), a worker gives back its last keys for the newcomer to claim */
async function releaseExcess(tx: Sql, workerId: string, mine: string[], share: number): Promise<string[]> {
  const excess = mine.slice(share);
  if (excess.length === 0) return [];
  await tx.query(`UPDATE strategy_leases SET owner = NULL, expires_at = NULL WHERE owner = $1 AND lease_key = ANY($2::text[])`,
    [workerId, excess]);
  return excess;
}

async function claim(tx: Sql, workerId: string, keys: readonly string[], want: number, now: Date, until: string): Promise<string[]> {
  if (want <= 0) return [];
  const free = await tx.query<{ lease_key: string }>(`SELECT lease_key FROM strategy_leases
    WHERE lease_key = ANY($1::text[]) AND (owner IS NULL OR expires_at IS NULL OR expires_at <= $2)
    ORDER BY lease_key LIMIT $3 FOR UPDATE SKIP LOCKED`, [keys, at(now), want]);
  const got = free.map((r) => r.lease_key);
  if (got.length > 0) {
    await tx.query(`UPDATE strategy_leases SET owner = $1, acquired_at = $3, renewed_at = $3, expires_at = $4
      WHERE lease_key = ANY($2::text[])`, [workerId, got, at(now), until]);
  }
  return got;
}

/** The global jobs' lease: kept by its owner (renewed above), taken when unowned or expired */
async function claimGlobal(tx: Sql, workerId: string, now: Date, until: string): Promise<boolean> {
  const free = await tx.query<{ owner: string | null }>(`SELECT owner FROM strategy_leases WHERE lease_key = $1
    AND (owner = $2 OR owner IS NULL OR expires_at IS NULL OR expires_at <= $3) FOR UPDATE SKIP LOCKED`,
  [GLOBAL_LEASE, workerId, at(now)]);
  if (free.length === 0) return false;
  if (free[0]!.owner !== workerId) {
    await tx.query(`UPDATE strategy_leases SET owner = $2, acquired_at = $3, renewed_at = $3, expires_at = $4 WHERE lease_key = $1`,
      [GLOBAL_LEASE, workerId, at(now), until]);
  }
  return true;
}

/** A stopping worker gives back every lease it holds and leaves the live workers; returns the keys it gave back */
export async function releaseLeases(db: Db, workerId: string): Promise<string[]> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ lease_key: string }>(`UPDATE strategy_leases SET owner = NULL, expires_at = NULL
      WHERE owner = $1 RETURNING lease_key`, [workerId]);
    await tx.query('DELETE FROM workers WHERE worker_id = $1', [workerId]);
    return rows.map((r) => r.lease_key).sort();
  });
}

export interface LeaseRow {
  leaseKey: string;
  owner: string | null;
  expiresAt: Date | null;
}

/** Every lease row, by key (operators, /api/health, tests) */
export async function listLeases(sql: Sql): Promise<LeaseRow[]> {
  const rows = await sql.query<{ lease_key: string; owner: string | null; expires_at: Date | string | null }>(
    'SELECT lease_key, owner, expires_at FROM strategy_leases ORDER BY lease_key');
  return rows.map((r) => ({ leaseKey: r.lease_key, owner: r.owner, expiresAt: r.expires_at === null ? null : new Date(r.expires_at) }));
}
