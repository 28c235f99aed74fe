/** One database interface over embedded PGlite (default) and a PostgreSQL server (DATABASE_URL) */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, copyFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, types } from '@electric-sql/pglite';
import pg from 'pg';
import { acquireDirLock, type DirLock } from './dir-lock.ts';
import { migrationsHash } from './migration-files.ts';
import { PgliteStatements } from './pglite-statements.ts';
import { growFilesGeometrically } from './pglite-memfs.ts';
import { commit, transactionQuery, type TxState } from './pg-framed.ts';
import { PgStatementNames } from './pg-statements.ts';

/** Something that runs SQL: the database itself or an open transaction */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs several statements with no parameters (migrations) */
  exec(text: string): Promise<void>;
  /**
   * PGlite only: COPY `table` (`columns`) from `csv` (FORMAT csv), columns left out taking their defaults. Used through
   * bulk-rows.ts `insertRows`, which falls back to an INSERT where this is absent
   */
  copyCsv?(table: string, columns: readonly string[], csv: string): Promise<void>;
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

/**
 * Inside a transaction only. On PostgreSQL, what these name goes out in the same network write as the statement
 * (src/store/pg-framed.ts); on PGlite, in-process, one after the other
 */
export interface QueryOptions {
  /**
   * Small statements to run first, their rows discarded: e.g. a lock the statement must read under. Each runs on its
   * own snapshot, taken once the one before it has finished
   */
  before?: readonly { text: string; values?: unknown[] }[];
  /** The transaction's last statement: COMMIT goes out with it, and nothing may follow it in the transaction */
  commit?: boolean;
}

/** The database itself, not an open transaction (whose `tx` has no `transaction`) */
export const isDb = (sql: Sql): sql is Db => typeof (sql as Partial<Db>).transaction === 'function';

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; 'memory://' for an in-memory database */
  dataDir?: string | undefined;
  /** PostgreSQL over TLS, the server's certificate verified against this CA (PEM; DATABASE_SSL_CA_FILE) */
  ca?: string | null | undefined;
}

export async function openDb(options: OpenOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.ca ? { ca: options.ca } : null);
  return openPglite(options.dataDir ?? 'memory://');
}

// Same JS types from both drivers: NUMERIC and INT8 as strings, TIMESTAMPTZ as Date
const PGLITE_PARSERS = { [types.INT8]: (v: string) => v, [types.NUMERIC]: (v: string) => v };

/** PGlite, plus `dump()` of its data directory (a backup that `loadDataDir` can start from) */
export interface PgliteDb extends Db {
  dump(): Promise<Blob>;
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
}

/**
 * PostgreSQL's buffer cache in a PGlite data directory. PGlite allocates it inside its WebAssembly memory, which never
 * shrinks, and the files are in the OS's page cache anyway: initdb's 128MB would be a quarter of the service's
 * memory budget (docs: PRODUCT §9, RSS ≤ 512 MB). memory:// databases keep PostgreSQL's default
 */
export const PGLITE_SHARED_BUFFERS = '32MB';

/**
 * A memory:// database's files live in Emscripten's MEMFS, which grew a file by copying it into a buffer an eighth
 * larger (above 1 MB; pglite-memfs.ts now grows it by up to its size, at most 64 MiB a step). PostgreSQL fills each new 16 MB WAL segment with zeros, one 8 kB write at a time, so every
 * segment a long replay starts cost ~100 MB of copying and the garbage it left (measured on 15,000 trades: 98 MB in 13
 * copies, and the replay 840 → 570 ms). With wal_init_zero off PostgreSQL writes only the segment's last byte, which
 * MEMFS allocates at once. On disk the default stays: zero-filling allocates the space before WAL needs it
 */
export const PGLITE_MEMORY_SETTINGS = ['-c', 'wal_init_zero=off'];

export interface PgliteOptions {
  loadDataDir?: Blob;
  /** PostgreSQL's shared_buffers; default PGLITE_SHARED_BUFFERS for a data directory, PostgreSQL's for memory:// */
  sharedBuffers?: string;
}

export async function openPglite(dataDir: string, options: PgliteOptions = {}): Promise<PgliteDb> {
  let lock: DirLock | null = null;
  const onDisk = !dataDir.startsWith('memory://');
  if (onDisk) {
    mkdirSync(dataDir, { recursive: true });
    lock = acquireDirLock(dataDir);
  }
  let client: PGlite;
  try {
    if (onDisk && !options.loadDataDir && !existsSync(join(dataDir, 'PG_VERSION'))) await createCluster(dataDir);
    const sharedBuffers = options.sharedBuffers ?? (onDisk ? PGLITE_SHARED_BUFFERS : undefined);
    client = await PGlite.create(dataDir, {
      parsers: PGLITE_PARSERS, ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      startParams: [...PGlite.defaultStartParams, ...(sharedBuffers ? ['-c', `shared_buffers=${sharedBuffers}`] : []),
        ...(onDisk ? [] : PGLITE_MEMORY_SETTINGS)],
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  // In memory, files grow without a copy of the whole file per growth (pglite-memfs.ts)
  if (!onDisk) growFilesGeometrically(client);
  const statements = new PgliteStatements(client);
  const sql = (q: Pick<PGlite, 'query' | 'exec'>, inTransaction: boolean): Sql & Pick<PgliteDb, 'copyCsv'> => {
    const plain = async <T,>(text: string, params: unknown[]) => (await q.query<T>(text, params)).rows;
    let committed = false;
    return {
      query: async <T,>(text: string, params?: unknown[], options?: QueryOptions) => {
        checkOptions(options, inTransaction, { begun: true, committed });
        for (const b of options?.before ?? []) await statements.query(b.text, b.values ?? [], plain, inTransaction);
        const rows = await statements.query<T>(text, params ?? [], plain, inTransaction);
        if (options?.commit) {
          // Committed here, as on PostgreSQL: PGlite's own COMMIT (or ROLLBACK) at the end then finds no transaction
          committed = true;
          await plain('COMMIT', []);
        }
        return rows;
      },
      exec: async (text: string) => {
        checkOptions(undefined, inTransaction, { begun: true, committed });
        statements.reset(); // migrations: a statement's columns may change
        await q.exec(text);
      },
      copyCsv: async (table: string, columns: readonly string[], csv: string) => {
        checkOptions(undefined, inTransaction, { begun: true, committed });
        await q.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
      },
    };
  };
  return {
    kind: 'pglite',
    ...sql(client, false),
    transaction: (fn) => client.transaction((tx) => fn(sql(tx, true))),
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

const INITDB_TIMEOUT_MS = 120_000;

/**
 * The cluster `npm run build` makes (scripts/build.mjs): initdb's, with every migration applied (`migrate` finds nothing
 * to do), for the installed PGlite and these migrations. The same path from src/store and from dist/store
 */
const TEMPLATE = fileURLToPath(new URL('../../dist/pglite-template/', import.meta.url));

/** The installed PGlite's version */
export function pgliteVersion(): string {
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  return (JSON.parse(readFileSync(join(entry, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** True when the build's template was made by the installed PGlite, with the migrations this code applies */
function templateFits(template: string): boolean {
  try {
    const made = JSON.parse(readFileSync(join(template, 'template.json'), 'utf8')) as { pglite?: string; migrations?: string };
    return made.pglite === pgliteVersion() && made.migrations === migrationsHash();
  } catch {
    return false;
  }
}

/** The directories and files under `dir` (relative paths, parents first), but for those of its own named in `skip` */
function treeOf(dir: string, skip: readonly string[], rel = '', out = { dirs: [] as string[], files: [] as string[] }) {
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = join(rel, e.name);
    if (rel === '' && skip.includes(e.name)) continue;
    if (e.isDirectory()) {
      out.dirs.push(path);
      treeOf(dir, skip, path, out);
    } else out.files.push(path);
  }
  return out;
}

/**
 * A new cluster in `dataDir`: a copy of the build's template when it fits the installed PGlite and the migrations
 * (PG_VERSION last, so an interrupted copy is made again at the next start), else initdb in a child process.
 * The template's thousand-odd files are copied side by side (libuv's threads), not one after another
 */
export async function createCluster(dataDir: string, template = TEMPLATE): Promise<'template' | 'initdb'> {
  if (!templateFits(template)) {
    await initdbApart(dataDir);
    return 'initdb';
  }
  const { dirs, files } = treeOf(template, ['template.json', 'PG_VERSION']);
  for (const d of dirs) mkdirSync(join(dataDir, d), { recursive: true, mode: statSync(join(template, d)).mode });
  await Promise.all(files.map(async (f) => {
    await copyFile(join(template, f), join(dataDir, f));
    await chmod(join(dataDir, f), (await stat(join(template, f))).mode); // the template's modes (as cpSync), not the umask's
  }));
  cpSync(join(template, 'PG_VERSION'), join(dataDir, 'PG_VERSION'));
  return 'template';
}

/**
 * Creates a new PGlite cluster in `dataDir` in a short-lived child process. In process, PGlite runs initdb in a second
 * instance whose WebAssembly memory and in-memory copy of the new cluster (about 400 MB together) stay reachable for
 * a while after it closes; a child gives all of it back when it exits
 */
async function initdbApart(dataDir: string): Promise<void> {
  const code = 'const { PGlite } = await import(process.argv[1]); const db = await PGlite.create(process.argv[2]); await db.close();';
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, import.meta.resolve('@electric-sql/pglite'), dataDir],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), INITDB_TIMEOUT_MS);
  const status = await new Promise<number | string>((done, fail) => {
    child.once('error', fail);
    child.once('exit', (exit, signal) => done(signal ?? exit ?? 1));
  }).finally(() => clearTimeout(timer));
  if (status !== 0) throw new Error(`PGlite could not create the database in ${dataDir} (${status}): ${stderr.trim()}`);
}

/** Connections a PostgreSQL Db keeps at most */
export const POSTGRES_POOL_SIZE = 10;

/** PostgreSQL's refusal of a prepared statement whose result columns changed since it was prepared (SQLSTATE 0A000) */
export const isStalePlan = (e: unknown): boolean => (e as { code?: string } | null)?.code === '0A000'
  && /cached plan must not change result type/.test((e as Error).message);

/** TLS to PostgreSQL: the server's certificate must chain to `ca` (and match its host name) */
export interface PgTls { ca: string }

const sslOf = (tls: PgTls | null) => (tls ? { ssl: { ca: tls.ca, rejectUnauthorized: true } } : {});

export async function openPostgres(url: string, tls: PgTls | null = null): Promise<Db> {
  // A server that stops answering fails a connection attempt in bounded time instead of at the OS's TCP timeout
  const pool = new pg.Pool({ connectionString: url, max: POSTGRES_POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true, ...sslOf(tls) });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead
  await pool.query('select 1');
  const names = new PgStatementNames();
  const sql = (q: pg.Pool | pg.PoolClient, tx: TxState | null): Sql => ({
    query: async <T,>(text: string, params?: unknown[], options?: QueryOptions) => {
      const inTransaction = tx !== null;
      try {
        checkOptions(options, inTransaction, tx);
        if (tx) return await transactionQuery<T>(q as pg.PoolClient, tx, names.config(text, params), options);
        return (await q.query(names.config(text, params))).rows as T[];
      } catch (error) {
        if (tx) tx.failed = true;
        // Another connection changed a table a named statement reads: PostgreSQL refuses it before running it. New
        // names for every statement; outside a transaction the query is sent again, in one it fails with the transaction
        if (!isStalePlan(error)) throw error;
        names.schemaMayChange();
        if (inTransaction) throw error;
        return (await q.query(names.config(text, params))).rows as T[];
      }
    },
    exec: async (text: string) => {
      names.schemaMayChange(); // migrations: a statement's columns may change
      checkOptions(undefined, tx !== null, tx);
      try {
        if (tx && !tx.begun) {
          tx.begun = true;
          await q.query('BEGIN');
        }
        await q.query(text);
      } catch (error) {
        if (tx) tx.failed = true;
        throw error;
      }
    },
  });
  return {
    kind: 'postgres',
    ...sql(pool, null),
    transaction: async (fn) => {
      const client = await pool.connect();
      // Checked out, the client has no pool listener: a connection lost between two statements would be an uncaught
      // 'error' event (the process dies). It fails the next statement instead, and a broken client leaves the pool
      const ignore = (): void => undefined;
      client.on('error', ignore);
      let broken: Error | undefined;
      // BEGIN goes out with the transaction's first statement (transactionQuery): no round trip of its own. A
      // transaction that ran no statement has nothing to commit or roll back, one whose last statement committed it none
      const tx: TxState = { begun: false, committed: false, failed: false };
      try {
        const result = await fn(sql(client, tx));
        if (tx.begun && !tx.committed) await commit(client);
        return result;
      } catch (error) {
        // Also after a COMMIT that failed (the server has then rolled back, and ROLLBACK only warns)
        if (tx.begun) await client.query('ROLLBACK').catch((e: unknown) => { broken = e instanceof Error ? e : new Error(String(e)); });
        throw error;
      } finally {
        client.off('error', ignore);
        client.release(broken);
      }
    },
    listen: (channel, onMessage) => listenPostgres(url, tls, channel, onMessage),
    close: () => pool.end(),
  };
}

/** Refuses what QueryOptions and the transaction's state do not allow (both backends) */
function checkOptions(options: QueryOptions | undefined, inTransaction: boolean, tx: TxState | null): void {
  if (tx?.committed) throw new Error('a statement after the one that committed its transaction');
  if (tx?.failed) throw new Error('a statement after one that failed in its transaction: roll it back');
  if (!inTransaction && (options?.before?.length || options?.commit)) throw new Error('statements framed together need a transaction');
}

const CONNECT_TIMEOUT_MS = 10_000;
/** How long a lost LISTEN connection waits before it connects again */
export const RELISTEN_MS = 500;

/**
 * LISTEN on a connection of its own, made again (and LISTEN issued again) whenever it is lost: without that, a
 * database restart would end notifications for good, and the lost connection's 'error' event would kill the
 * process. Notifications sent while it is down are lost (NOTIFY is not queued): listeners also poll
 */
async function listenPostgres(url: string, tls: PgTls | null, channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>> {
  let stopped = false;
  let current: pg.Client | null = null;
  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true, ...sslOf(tls) });
    client.on('error', () => undefined); // 'end' follows, and reconnects
    client.on('notification', (n) => n.channel === channel && onMessage(n.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    current = client;
    client.once('end', () => {
      if (current === client) current = null;
      if (!stopped) retry();
    });
  };
  const retry = (): void => {
    setTimeout(() => {
      if (!stopped) connect().catch(retry);
    }, RELISTEN_MS).unref();
  };
  await connect();
  return async () => {
    stopped = true;
    await current?.end();
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
