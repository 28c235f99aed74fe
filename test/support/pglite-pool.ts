/**
 * Reuse of in-memory PGlite databases between the tests of one process (npm test runs each pass's files in one).
 * Starting a PGlite from the migrated copy costs about 1.3 CPU seconds (the WASM Postgres boots each time), most of a
 * store or scenario test's time on PGlite. A test's close() hands its database back here instead: it is reset to the
 * migrated state (DISCARD ALL, every table that a fresh copy has empty truncated, statistics dropped) and reused only if its catalog and
 * seeded rows then match a fresh copy's exactly; anything else (a test that changed the schema, left a transaction
 * open, or wrote a migrated table) closes it, as before. The handle a test holds is dead after close(), as a closed
 * PGlite is, so a late query never reaches the next test.
 */
import type { Db, PgliteDb } from '../../src/store/db.ts';

const MAX_IDLE = 2;
const idle: PgliteDb[] = [];

interface Baseline {
  /** Tables that a fresh copy has rows in: never truncated, their rows are part of the fingerprint */
  seeded: string[];
  fingerprint: string;
}
let baseline: Promise<Baseline> | null = null;

const TABLES = `SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables
  WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`;

/** The schema (every relation, column, constraint, trigger, function, type, setting) and the seeded tables' rows */
async function fingerprint(db: Db, seeded: string[]): Promise<string> {
  const rows = seeded.map((t) => `UNION ALL SELECT 'row:${t}:' || r::text FROM ${t} r`).join('\n');
  const [r] = await db.query<{ f: string }>(`SELECT md5(string_agg(x, '|' ORDER BY x)) AS f FROM (
    SELECT 'ns:' || nspname AS x FROM pg_namespace WHERE nspname !~ '^pg_(toast_)?temp_'
    UNION ALL SELECT 'rel:' || n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' || c.relpersistence::text
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_'
    UNION ALL SELECT 'col:' || a.attrelid::regclass::text || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod)
        || ':' || a.attnotnull || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL SELECT 'con:' || conrelid::regclass::text || '.' || conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint
      WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    UNION ALL SELECT 'idx:' || indexrelid::regclass::text || ':' || pg_get_indexdef(indexrelid) FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace)
    UNION ALL SELECT 'trg:' || tgrelid::regclass::text || '.' || tgname || ':' || tgenabled::text FROM pg_trigger
    UNION ALL SELECT 'fn:' || p.oid::regprocedure::text || ':' || md5(coalesce(p.prosrc, '')) FROM pg_proc p
      WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    UNION ALL SELECT 'type:' || t.oid::regtype::text FROM pg_type t
      WHERE t.typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace)
    UNION ALL SELECT 'seq:' || format('%I.%I', schemaname, sequencename) || ':' || coalesce(last_value::text, '') FROM pg_sequences
    UNION ALL SELECT 'role:' || rolname || ':' || rolsuper FROM pg_roles
    UNION ALL SELECT 'ext:' || extname || ':' || extversion FROM pg_extension
    UNION ALL SELECT 'set:' || setdatabase || ':' || setrole || ':' || array_to_string(setconfig, ',') FROM pg_db_role_setting
    UNION ALL SELECT 'db:' || datname FROM pg_database
    ${rows}
  ) s`);
  return r!.f;
}

async function nonEmpty(db: Db, tables: string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const probe = tables.map((t) => `SELECT '${t.replaceAll("'", "''")}' AS t WHERE EXISTS (SELECT 1 FROM ${t})`).join(' UNION ALL ');
  return (await db.query<{ t: string }>(probe)).map((r) => r.t);
}

/** Records what a fresh copy looks like; call on the first database of a file, before any test uses it */
export function noteFreshCopy(db: Db): Promise<void> {
  baseline ??= (async () => {
    const tables = (await db.query<{ t: string }>(TABLES)).map((r) => r.t);
    const seeded = await nonEmpty(db, tables);
    return { seeded, fingerprint: await fingerprint(db, seeded) };
  })();
  return baseline.then(() => undefined);
}

const counts = { reused: 0, recycled: 0, discarded: 0 };
/** How often this process's tests got a database back, and closes that recycled or discarded one (for the pool's own test) */
export const poolCounts = (): Readonly<typeof counts> => ({ ...counts });

/** Closes the idle databases (a test of the pool's own that counts what happens next) */
export async function drainIdle(): Promise<void> {
  for (let db = idle.pop(); db; db = idle.pop()) await db.close();
}

/** A database a previous test handed back, reset to the migrated state; or none */
export function takeIdle(): PgliteDb | undefined {
  const db = idle.pop();
  if (db) counts.reused += 1;
  return db;
}

async function recycle(db: PgliteDb): Promise<void> {
  try {
    const base = await baseline!;
    await db.exec('DISCARD ALL'); // session settings, LISTENs, prepared statements, temporary tables
    const tables = (await db.query<{ t: string }>(TABLES)).map((r) => r.t).filter((t) => !base.seeded.includes(t));
    const dirty = await nonEmpty(db, tables);
    // The ledger refuses TRUNCATE by trigger (append-only, 0010): a test database is emptied with triggers off
    if (dirty.length > 0) {
      await db.exec(`SET session_replication_role = replica; TRUNCATE ${dirty.join(', ')} RESTART IDENTITY CASCADE;
        RESET session_replication_role`);
    }
    // Statistics a test gathered (ANALYZE) outlive TRUNCATE: the next test's planner would use them, which a fresh copy
    // (never analyzed) has none of
    await db.exec(`DELETE FROM pg_statistic WHERE starelid IN (SELECT oid FROM pg_class
      WHERE relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace))`);
    if (idle.length < MAX_IDLE && (await fingerprint(db, base.seeded)) === base.fingerprint) {
      idle.push(db);
      counts.recycled += 1;
      return;
    }
  } catch {
    // not reusable (an open transaction, a broken connection): closed below
  }
  counts.discarded += 1;
  await db.close();
}

/** The test's handle on `inner`: the same interface, closed for good by close(), which hands `inner` back */
export function leased(inner: PgliteDb): Db {
  let closed = false;
  const pending = new Set<Promise<unknown>>();
  const unsubscribes = new Set<() => Promise<void>>();
  const track = <T>(run: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new Error('the test database is closed'));
    const p = run();
    pending.add(p);
    const done = () => void pending.delete(p);
    p.then(done, done);
    return p;
  };
  return {
    kind: inner.kind,
    query: (text, params, options) => track(() => inner.query(text, params, options)),
    exec: (text) => track(() => inner.exec(text)),
    copyCsv: (table, columns, csv) => track(() => inner.copyCsv(table, columns, csv)),
    transaction: (fn) => track(() => inner.transaction(fn)),
    listen: (channel, onMessage) => track(async () => {
      const unsubscribe = await inner.listen(channel, (payload) => { if (!closed) onMessage(payload); });
      const once = async () => {
        if (!unsubscribes.delete(once)) return;
        await unsubscribe();
      };
      unsubscribes.add(once);
      return async () => { if (!closed) await once(); };
    }),
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...pending]);
      await Promise.allSettled([...unsubscribes].map((u) => u()));
      await recycle(inner);
    },
  };
}
