/**
 * The store floor of `replay_throughput`: what writing a replay's stored rows costs on its own, with nothing else a
 * replay does. After a timed replay, the rows of the tables it bulk-loads (source trades, paper orders, closes,
 * dispositions) are read back and written again, the way the replay's writer sends them (src/store/bulk-rows.ts: COPY
 * on PGlite, INSERT … unnest on PostgreSQL), into copies of those tables: once bare (the columns only: no key, index,
 * trigger or foreign key), once with only each table's primary key. Only the statements are timed (on PostgreSQL that
 * includes node-postgres encoding the column arrays, as in the replay). No replay that stores those rows through SQL
 * takes less than the bare figure, nor, keeping its primary keys in place during the load (as the replay does: they
 * decide what is new), less than the second;
 * docs/decisions/0003-replay-store-floor.md compares them with the time the target allows
 */
import type { Db, Sql } from '../store/db.ts';
import { toCsv, unnestInsert, type BulkColumn, type BulkType } from '../store/bulk-rows.ts';
import { BULK_TABLES } from '../replay/replay.ts';

/** The tables a replay bulk-loads, in the order it fills them */
const TABLES = BULK_TABLES;

const TYPES: Record<string, BulkType> = {
  text: 'text', uuid: 'uuid', numeric: 'numeric', integer: 'int', bigint: 'bigint', 'timestamp with time zone': 'timestamptz',
};

const REPEATS = 2;

export interface StoreFloor {
  /** Rows written, by table */
  rows: Record<string, number>;
  /** ms to write every row into the bare copies, and into copies with their primary keys, each in one transaction (the faster of two) */
  bare_ms: number;
  primary_keys_ms: number;
  /** primary_keys_ms by table */
  primary_keys_ms_by_table: Record<string, number>;
}

interface TableRows {
  table: string;
  columns: BulkColumn[];
  rows: string[][];
}

async function readTable(db: Db, table: string): Promise<TableRows> {
  const cols = await db.query<{ name: string; type: string }>(`SELECT column_name AS name, data_type AS type
    FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, [table]);
  const columns = cols.map((c) => {
    const type = TYPES[c.type];
    if (!type) throw new Error(`store floor: ${table}.${c.name} has type ${c.type}, which the bulk writer does not take`);
    return { name: c.name, type };
  });
  const read = await db.query<Record<string, string | null>>(
    `SELECT ${columns.map((c) => `${c.name}::text AS ${c.name}`).join(', ')} FROM ${table}`);
  return { table, columns, rows: read.map((r) => columns.map((c) => r[c.name] ?? null) as string[]) };
}

/** Copies of the tables (prefixed floor_), with their primary keys when `keys`; dropped after `fn`, made or not */
async function withCopies<T>(db: Db, keys: boolean, fn: () => Promise<T>): Promise<T> {
  try {
    for (const t of TABLES) {
      await db.exec(`CREATE TABLE floor_${t} (LIKE ${t})`);
      if (!keys) continue;
      const [pk] = await db.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = $1::regclass AND contype = 'p'`, [t]);
      if (pk) await db.exec(`ALTER TABLE floor_${t} ADD ${pk.def}`);
    }
    return await fn();
  } finally {
    await db.exec(TABLES.map((t) => `DROP TABLE IF EXISTS floor_${t};`).join(' '));
  }
}

/**
 * The ms the database takes to store each table's rows, all in one transaction, the statements built before the clock
 * starts (the CSV text on PGlite, the column arrays on PostgreSQL): the writer's JavaScript is not in the floor
 */
function timedWrite(db: Db, tables: TableRows[], keys: boolean): Promise<Record<string, number>> {
  return withCopies(db, keys, () => db.transaction(async (tx: Sql) => {
    const ms: Record<string, number> = {};
    for (const t of tables) {
      const table = `floor_${t.table}`;
      const csv = tx.copyCsv ? toCsv(t.rows, t.columns.length) : null;
      const insert = csv === null ? unnestInsert(table, t.columns, t.rows) : null;
      const t0 = performance.now();
      if (csv !== null) await tx.copyCsv!(table, t.columns.map((c) => c.name), csv);
      else await tx.query(insert!.text, insert!.params);
      ms[t.table] = performance.now() - t0;
      // Every row is in its copy: the figure is for the whole store
      const [c] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      if (c!.n !== t.rows.length) throw new Error(`store floor: ${table} holds ${c!.n} rows of ${t.rows.length}`);
    }
    return ms;
  }));
}

const total = (ms: Record<string, number>): number => Object.values(ms).reduce((a, b) => a + b, 0);

/** The store floor of the replay whose rows `db` holds (its tables are only read; the copies are dropped) */
export async function measureStoreFloor(db: Db): Promise<StoreFloor> {
  const tables: TableRows[] = [];
  for (const t of TABLES) tables.push(await readTable(db, t));
  // A floor is the best case: each write twice, in turn, the faster kept (the first write into a fresh copy can pay for
  // growing the database's files, which the replay paid once already)
  let bare: Record<string, number> | null = null;
  let keyed: Record<string, number> | null = null;
  for (let i = 0; i < REPEATS; i++) {
    const b = await timedWrite(db, tables, false);
    if (bare === null || total(b) < total(bare)) bare = b;
    const k = await timedWrite(db, tables, true);
    if (keyed === null || total(k) < total(keyed)) keyed = k;
  }
  const round = (ms: Record<string, number>) => Object.fromEntries(Object.entries(ms).map(([t, v]) => [t, Math.round(v)]));
  return { rows: Object.fromEntries(tables.map((t) => [t.table, t.rows.length])), bare_ms: Math.round(total(bare!)),
    primary_keys_ms: Math.round(total(keyed!)), primary_keys_ms_by_table: round(keyed!) };
}
