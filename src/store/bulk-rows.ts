/**
 * New rows into a table in one statement, for writers that know every row is new (a replay's fresh database): COPY …
 * FROM a CSV blob where the database takes one (PGlite, `Sql.copyCsv`), else INSERT … SELECT FROM unnest of one array
 * per column. Either way a row that breaks a constraint fails the statement: nothing is skipped.
 *
 * Why COPY: on PGlite most of a multi-row INSERT's time is the server parsing its array parameters. Measured on a
 * 15,000-trade replay's paper orders replayed alone (9,226 rows, triggers off in both): the unnest insert 380 ms, the
 * same rows by COPY 230 ms, 60 of them building the CSV; inside a whole replay, docs/replay.md ("Storage"). Columns left
 * out take their defaults, as they do in an INSERT
 */
import type { Sql } from './db.ts';

export type BulkType = 'text' | 'uuid' | 'numeric' | 'timestamptz' | 'int';

export interface BulkColumn {
  name: string;
  type: BulkType;
}

/** A value as the column's text (numeric, timestamp and uuid values too) or a number; null is NULL */
export type BulkValue = string | number | null;

/** One CSV field: NULL is an empty unquoted field; text is always quoted, so an empty string stays one */
function csvField(v: BulkValue): string {
  if (v === null) return '';
  if ((v as unknown) === undefined) throw new Error('bulk rows: a value is undefined (NULL is null)');
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`bulk rows: ${v} is not a number a column can hold`);
    return String(v);
  }
  return `"${v.includes('"') ? v.replaceAll('"', '""') : v}"`;
}

/** Every row holds a value per column: a short row would store NULLs by INSERT and fail by COPY */
function checkWidths(rows: readonly (readonly BulkValue[])[], width: number): void {
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.length !== width) throw new Error(`bulk rows: row ${i} has ${rows[i]!.length} values for ${width} columns`);
  }
}

/** The rows as CSV (RFC 4180, as PostgreSQL's COPY … WITH (FORMAT csv) reads it) */
export function toCsv(rows: readonly (readonly BulkValue[])[], width: number): string {
  checkWidths(rows, width);
  const lines: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    let line = csvField(row[0]!);
    for (let k = 1; k < width; k++) line += `,${csvField(row[k]!)}`;
    lines[i] = line;
  }
  return lines.join('\n');
}

/**
 * Inserts `rows` (each a value per column, in `columns` order) into `table`. The table's and the columns' names go into
 * the statement as they are: the callers' constants only, never input
 */
export async function insertRows(sql: Sql, table: string, columns: readonly BulkColumn[],
  rows: readonly (readonly BulkValue[])[]): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => c.name);
  if (sql.copyCsv) return sql.copyCsv(table, names, toCsv(rows, columns.length));
  checkWidths(rows, columns.length);
  if (rows.some((r) => r.includes(undefined as unknown as BulkValue))) throw new Error('bulk rows: a value is undefined (NULL is null)');
  await sql.query(`INSERT INTO ${table} (${names.join(', ')})
    SELECT * FROM unnest(${columns.map((c, k) => `$${k + 1}::${c.type}[]`).join(', ')})`,
  columns.map((_, k) => rows.map((r) => r[k])));
}
