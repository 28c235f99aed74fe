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

export type BulkType = 'text' | 'uuid' | 'numeric' | 'timestamptz' | 'int' | 'bigint';

export interface BulkColumn {
  name: string;
  type: BulkType;
}

/** A value as the column's text (numeric, timestamp and uuid values too) or a number; null is NULL */
export type BulkValue = string | number | null;

/** One CSV field: NULL is an empty unquoted field; text is always quoted, so an empty string stays one */
function csvField(v: BulkValue): string {
  if (v === null) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`bulk rows: ${v} is not a number a column can hold`);
    return String(v);
  }
  return `"${v.includes('"') ? v.replaceAll('"', '""') : v}"`;
}

/** Every row holds a defined value per column: a short row or an undefined would store NULLs by INSERT and fail by COPY */
function checkRows(rows: readonly (readonly BulkValue[])[], width: number): void {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length !== width) throw new Error(`bulk rows: row ${i} has ${row.length} values for ${width} columns`);
    if (row.includes(undefined as unknown as BulkValue)) throw new Error(`bulk rows: row ${i} has an undefined value (NULL is null)`);
  }
}

/**
 * `INSERT INTO table (columns) SELECT * FROM unnest($1::type[], …)` and its parameters (an array per column), for
 * `suffix` (ON CONFLICT …, RETURNING …) to follow
 */
export function unnestInsert(table: string, columns: readonly BulkColumn[], rows: readonly (readonly BulkValue[])[]):
  { text: string; params: BulkValue[][] } {
  checkRows(rows, columns.length);
  return {
    text: `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')})
      SELECT * FROM unnest(${columns.map((c, k) => `$${k + 1}::${c.type}[]`).join(', ')})`,
    params: columns.map((_, k) => rows.map((r) => r[k]!)),
  };
}

/** The rows as CSV (RFC 4180, as PostgreSQL's COPY … WITH (FORMAT csv) reads it) */
export function toCsv(rows: readonly (readonly BulkValue[])[], width: number): string {
  checkRows(rows, width);
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
  if (sql.copyCsv) return sql.copyCsv(table, columns.map((c) => c.name), toCsv(rows, columns.length));
  const insert = unnestInsert(table, columns, rows);
  await sql.query(insert.text, insert.params);
}
