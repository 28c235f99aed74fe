/** One database interface over embedded PGlite (default) and a PostgreSQL server (DATABASE_URL) */
import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import pg from 'pg';
import { acquireDirLock, type DirLock } from './dir-lock.ts';

/** Something that runs SQL: the database itself or an open transaction */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs several statements with no parameters (migrations) */
  exec(text: string): Promise<void>;
}

export interface Db extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction. Inside it, use only the `tx` given: PGlite has a single connection,
   * so a query on the outer Db would wait for the transaction forever
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on a channel; returns the unsubscribe function */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; 'memory://' for an in-memory database */
  dataDir?: string | undefined;
}

export async function openDb(options: OpenOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(options.dataDir ?? 'memory://');
}

// Same JS types from both drivers: NUMERIC and INT8 as strings, TIMESTAMPTZ as Date
const PGLITE_PARSERS = { [types.INT8]: (v: string) => v, [types.NUMERIC]: (v: string) => v };

/** PGlite, plus `dump()` of its data directory (a backup that `loadDataDir` can start from) */
export interface PgliteDb extends Db {
  dump(): Promise<Blob>;
}

export async function openPglite(dataDir: string, options: { loadDataDir?: Blob } = {}): Promise<PgliteDb> {
  let lock: DirLock | null = null;
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    lock = acquireDirLock(dataDir);
  }
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir, { parsers: PGLITE_PARSERS, ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const sql = (q: Pick<PGlite, 'query' | 'exec'>): Sql => ({
    query: async <T,>(text: string, params?: unknown[]) => (await q.query<T>(text, params)).rows,
    exec: async (text: string) => void (await q.exec(text)),
  });
  return {
    kind: 'pglite',
    ...sql(client),
    transaction: (fn) => client.transaction((tx) => fn(sql(tx))),
    listen: async (channel, onMessage) => {
      const unsub = await client.listen(channel, onMessage);
      return async () => unsub();
    },
    close: async () => {
      await client.close();
      lock?.release();
    },
    dump: async () => {
      const dump = await client.dumpDataDir('none');
      return dump instanceof Blob ? dump : new Blob([dump]);
    },
  };
}

export async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead
  await pool.query('select 1');
  const sql = (q: pg.Pool | pg.PoolClient): Sql => ({
    query: async <T,>(text: string, params?: unknown[]) => (await q.query(text, params)).rows as T[],
    exec: async (text: string) => void (await q.query(text)),
  });
  return {
    kind: 'postgres',
    ...sql(pool),
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(sql(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    listen: async (channel, onMessage) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      client.on('notification', (n) => n.channel === channel && onMessage(n.payload ?? ''));
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return async () => void (await client.end());
    },
    close: () => pool.end(),
  };
}

/** Makes the open transaction read one snapshot throughout; must come before its first query */
export async function readOneSnapshot(tx: Sql): Promise<void> {
  await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
}

/** The server's version string, e.g. "15.20" or "18.6" */
export async function serverVersion(db: Sql): Promise<string> {
  const [row] = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  return (row?.v ?? 'unknown').split(' ')[0]!;
}
