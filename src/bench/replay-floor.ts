/**
 * The store floor of `replay_throughput`: what writing a replay's stored rows costs on its own, with nothing else a
 * replay does. After a timed replay, the rows of the tables it bulk-loads (source trades, paper orders, closes,
 * dispositions) are read back and written again, the way the replay's writer sends them (src/store/bulk-rows.ts: COPY
 * on PGlite, INSERT … unnest on PostgreSQL), into copies of those tables: once bare (the columns only: no key, index,
 * trigger or foreign key), once with only each table's primary key. Only the statements are timed (on PostgreSQL that
 * includes node-postgres encoding the column arrays, as in the replay). No replay that stores those rows through SQL
 * takes less than the bare figure, nor, with its primary keys in place, less than the second;
 * docs/decisions/0003-replay-store-floor.md compares them with the time the target allows
 */
import type { Db, Sql } from '../store/db.ts';
import { toCsv, unnestInsert, type BulkColumn, type BulkType } from '../store/bulk-rows.ts';

/** The tables a replay bulk-loads (BULK_TABLES in src/replay/replay.ts), in the order it fills them */
const TABLES = ['source_trades', 'ft_orders', 'ft_closes', 'ft_dispositions'] as const;

const TYPES: Record<string, BulkType> = {
  text: 'text', uuid: 'uuid', numeric: 'numeric', integer: 'int', 'timestamp with time zone': 'timestamptz',
};

const REPEATS = 2;

export interface StoreFloor {
  /** Rows written, by table */
  rows: Record<string, number>;
  /** ms to write every row into the bare copies, and into copies with their primary keys, each in one transaction (the faster of two) */
  bare_ms: number;
  primary_keys_ms: number;
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

/** Copies of the tables (prefixed floor_), with their primary keys when `keys`; returns how to drop them */
async function copies(db: Db, keys: boolean): Promise<() => Promise<void>> {
  for (const t of TABLES) {
    await db.exec(`CREATE TABLE floor_${t} (LIKE ${t})`);
    if (!keys) continue;
    const [pk] = await db.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype = 'p'`, [t]);
    if (pk) await db.exec(`ALTER TABLE floor_${t} ADD ${pk.def}`);
  }
  return () => db.exec(TABLES.map((t) => `DROP TABLE floor_${t};`).join(' '));
}

/**
 * The ms the database takes to store every row in one transaction, the statements built before the clock starts (the
 * CSV text on PGlite, the column arrays on PostgreSQL): the writer's JavaScript is not in the floor
 */
async function timedWrite(db: Db, tables: TableRows[], keys: boolean): Promise<number> {
  const drop = await copies(db, keys);
  try {
    return await db.transaction(async (tx: Sql) => {
      const writes = tables.map((t) => {
        const table = `floor_${t.table}`;
        if (tx.copyCsv) {
          const csv = toCsv(t.rows, t.columns.length);
          return () => tx.copyCsv!(table, t.columns.map((c) => c.name), csv);
        }
        const insert = unnestInsert(table, t.columns, t.rows);
        return () => tx.query(insert.text, insert.params).then(() => undefined);
      });
      const t0 = performance.now();
      for (const write of writes) await write();
      const ms = performance.now() - t0;
      // Every row is in its copy: the figure is for the whole store
      for (const t of tables) {
        const [c] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM floor_${t.table}`);
        if (c!.n !== t.rows.length) throw new Error(`store floor: floor_${t.table} holds ${c!.n} rows of ${t.rows.length}`);
      }
      return ms;
    });
  } finally {
    await drop();
  }
}

/** The store floor of the replay whose rows `db` holds (its tables are only read; the copies are dropped) */
export async function measureStoreFloor(db: Db): Promise<StoreFloor> {
  const tables: TableRows[] = [];
  for (const t of TABLES) tables.push(await readTable(db, t));
  // A floor is the best case: each write twice, in turn, the faster kept (the first write into a fresh copy can pay for
  // growing the database's files, which the replay paid once already)
  let bare = Number.POSITIVE_INFINITY;
  let keyed = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPEATS; i++) {
    bare = Math.min(bare, await timedWrite(db, tables, false));
    keyed = Math.min(keyed, await timedWrite(db, tables, true));
  }
  return { rows: Object.fromEntries(tables.map((t) => [t.table, t.rows.length])), bare_ms: Math.round(bare),
    primary_keys_ms: Math.round(keyed) };
}
