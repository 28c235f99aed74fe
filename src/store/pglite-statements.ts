/**
 * PGlite queries through named prepared statements. PGlite's own `query` parses, plans and describes every statement
 * anew, in five calls into its WebAssembly backend. Here each distinct statement text is parsed and described once (a
 * named statement of the session); then each query is one call: bind, execute and sync in one protocol message. The
 * parameters are serialized by the types the server inferred for them, and the rows parsed by the described columns'
 * types, with the PGlite instance's own serializers and parsers, so a query returns what PGlite's `query` returns.
 * PostgreSQL re-plans a named statement when a table it reads changes; DDL (CREATE, ALTER, DROP, DO, CALL, COMMENT)
 * and every `exec` (migrations) drop every cached statement, since a statement's columns may change with the schema;
 * other statements that are not a plain SELECT, INSERT, UPDATE, DELETE or WITH (SET, LISTEN, …) run unnamed. At most
 * MAX_STATEMENTS are kept, the least recently used closed first
 */
import type { PGlite } from '@electric-sql/pglite';
import { serialize } from 'pg-protocol';
import { isCacheable, mayChangeSchema } from './statement-kinds.ts';
import type { BackendMessage, DataRowMessage, ParameterDescriptionMessage, RowDescriptionMessage } from 'pg-protocol/dist/messages.js';

/** Statements kept per PGlite (each holds its parse tree and plans in the backend's memory) */
export const MAX_STATEMENTS = 200;

interface Statement {
  name: string;
  paramTypes: number[];
  fields: { name: string; type: number }[];
}

export class PgliteStatements {
  private statements = new Map<string, Statement>();
  /** Statements to close with the next message (evicted, or dropped after a schema change) */
  private closing: string[] = [];
  private seq = 0;

  constructor(private pg: PGlite) {}

  /**
   * One query. `plain` runs a statement unnamed (PGlite's `query`: the database's, or the open transaction's);
   * `inTransaction`: called from inside `pg.transaction`, which already holds the transaction lock
   */
  query<T>(text: string, params: readonly unknown[], plain: PlainQuery, inTransaction: boolean): Promise<T[]> {
    if (!isCacheable(text)) {
      if (mayChangeSchema(text)) this.reset();
      return plain<T>(text, [...params]);
    }
    const run = () => this.pg.runExclusive(() => this.run<T>(text, params));
    return inTransaction ? run() : this.outside(run);
  }

  /** Drops every statement (their columns may have changed): after migrations and other schema changes */
  reset(): void {
    for (const s of this.statements.values()) this.closing.push(s.name);
    this.statements.clear();
  }

  /** Outside a transaction: wait for any open transaction, like PGlite's `query`, and write a data directory to disk after */
  private async outside<T>(fn: () => Promise<T>): Promise<T> {
    const out = await this.pg._runExclusiveTransaction(fn);
    await this.pg.syncToFs();
    return out;
  }

  private async run<T>(text: string, params: readonly unknown[]): Promise<T[]> {
    const s = this.recent(text) ?? await this.prepare(text);
    const values = params.map((v, i) => (v === null || v === undefined ? null : serializer(this.pg, s.paramTypes[i])(v)));
    const messages = await this.send([serialize.bind({ statement: s.name, values }), serialize.execute({}), serialize.sync()], s.name);
    return rowsOf<T>(messages, s.fields, this.pg.parsers);
  }

  /** The statement for `text`, made the most recently used */
  private recent(text: string): Statement | undefined {
    const s = this.statements.get(text);
    if (s) {
      this.statements.delete(text);
      this.statements.set(text, s);
    }
    return s;
  }

  private async prepare(text: string): Promise<Statement> {
    while (this.statements.size >= MAX_STATEMENTS) {
      const [oldest, s] = this.statements.entries().next().value!;
      this.statements.delete(oldest);
      this.closing.push(s.name);
    }
    const name = `tandem_${++this.seq}`;
    const messages = await this.send([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]);
    const params = messages.find((m): m is ParameterDescriptionMessage => m.name === 'parameterDescription');
    const row = messages.find((m): m is RowDescriptionMessage => m.name === 'rowDescription');
    const s: Statement = { name, paramTypes: params?.dataTypeIDs ?? [],
      fields: (row?.fields ?? []).map((f) => ({ name: f.name, type: f.dataTypeID })) };
    this.statements.set(text, s);
    return s;
  }

  /**
   * One call into the backend: the statements to close first, then `parts`. `using`: the statement `parts` binds,
   * closed with the next call instead if a reset came between its lookup and this call (a schema change waits for the
   * lock this call holds, so it is still valid now)
   */
  private send(parts: Uint8Array[], using?: string): Promise<BackendMessage[]> {
    const names = this.closing.splice(0);
    if (using !== undefined && names.includes(using)) this.closing.push(using);
    const close = names.filter((name) => name !== using).map((name) => serialize.close({ type: 'S', name }));
    return this.pg.execProtocolStream(concat([...close, ...parts]), { syncToFs: false });
  }
}

type Serializer = (v: unknown) => string;
export type PlainQuery = <T>(text: string, params: unknown[]) => Promise<T[]>;

function serializer(pg: PGlite, type: number | undefined): Serializer {
  const own = type === undefined ? undefined : (pg.serializers[type] as Serializer | undefined);
  return own ?? ((v: unknown) => String(v));
}

function rowsOf<T>(messages: BackendMessage[], fields: Statement['fields'], parsers: PGlite['parsers']): T[] {
  const rows: T[] = [];
  for (const m of messages) {
    if (m.name !== 'dataRow') continue;
    const row: Record<string, unknown> = {};
    const values = (m as DataRowMessage).fields;
    for (let i = 0; i < fields.length; i++) {
      const v = values[i] ?? null;
      const f = fields[i]!;
      const parse = parsers[f.type];
      row[f.name] = v === null ? null : parse ? parse(v, f.type) : v;
    }
    rows.push(row as T);
  }
  return rows;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
