/**
 * Statements sent to PostgreSQL together, in one network write, so that a transaction's opening and closing cost no
 * round trips of their own (docs/decisions/0002-fewer-round-trips-to-the-post.md): BEGIN, statements whose rows are
 * not wanted (a lock to take), then the statement whose rows are returned, then COMMIT, closed by one Sync.
 *
 * node-postgres sends one query and waits for its ReadyForQuery before the next. This is one query to it: it writes
 * each statement's Parse/Bind/Execute in the extended protocol, and hands the client's messages for the returned
 * statement to a pg Query (pg/lib/query.js), dropping the others' (their CommandComplete and rows). The server runs the
 * messages one after the other: a statement's snapshot is taken when its turn comes, after the statements before it
 * finished (a lock taken by one is held when the next reads). After an error it skips the rest up to the Sync, so a
 * statement that fails is never followed by the COMMIT sent with it: the transaction is left aborted, for the caller
 * to roll back as after any failed statement. A dead connection fails the write as it would have failed BEGIN alone.
 *
 * Statements before the returned one are unnamed (parsed each time: keep them small). The returned statement is
 * framed only if it is unnamed or already prepared on this connection: pg tracks one statement per query as parsed,
 * and credits it on any ParseComplete, so a first use goes out on its own (`canFrame`)
 */
import { createRequire } from 'node:module';
import pg from 'pg';

/** pg's own conversion of a parameter to its wire text (Dates, arrays, JSON), as a Query binds it */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(v: unknown): string | Buffer | null };

export interface Statement {
  text: string;
  values?: unknown[] | undefined;
}

export interface Frame {
  begin: boolean;
  /** Run first, their rows discarded */
  before: readonly Statement[];
  commit: boolean;
}

/** What pg's Connection and Query offer beyond @types/pg (pg/lib/connection.js, query.js) */
interface Connection {
  parse(query: { text: string; name?: string | undefined }): void;
  bind(config: { statement?: string | undefined; values?: unknown[] }): void;
  describe(config: { type: 'P'; name: string }): void;
  execute(config: { portal?: string }): void;
  sync(): void;
  parsedStatements: Record<string, string | undefined>;
  stream: { cork?: () => void; uncork?: () => void };
}
interface PgQuery {
  handleRowDescription(msg: unknown): void;
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: Connection): void;
  handleEmptyQuery(connection: Connection): void;
  handleError(error: Error, connection: Connection): void;
  handleReadyForQuery(connection: Connection): void;
  handlePortalSuspended(connection: Connection): void;
  handleCopyInResponse(connection: Connection): void;
  handleCopyData(msg: unknown, connection: Connection): void;
  _result: unknown;
}

const connectionOf = (client: pg.PoolClient): Connection => (client as unknown as { connection: Connection }).connection;

/** Whether `config` may go out framed on `client`: unnamed, or named and already prepared on its connection */
export function canFrame(client: pg.PoolClient, config: pg.QueryConfig): boolean {
  return config.name === undefined || connectionOf(client).parsedStatements[config.name] === config.text;
}

/** `config`'s rows, sent framed as `frame` says (check `canFrame` first) */
export function framedQuery<T>(client: pg.PoolClient, config: pg.QueryConfig, frame: Frame): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | undefined, result: unknown): void => (error ? reject(error) : resolve((result as { rows: T[] }).rows));
    const query = new pg.Query(config, done) as unknown as PgQuery;
    void client.query(new Framed(config, frame, query) as unknown as pg.QueryConfig);
  });
}

const control = (text: string): Statement => ({ text });

class Framed {
  /** Statements whose CommandComplete came: the returned one is number `target` */
  private completed = 0;
  private readonly target: number;
  private readonly statements: Statement[];

  constructor(private readonly config: pg.QueryConfig, frame: Frame, private readonly query: PgQuery) {
    const before = [...(frame.begin ? [control('BEGIN')] : []), ...frame.before];
    this.target = before.length;
    this.statements = [...before, { text: config.text, values: config.values }, ...(frame.commit ? [control('COMMIT')] : [])];
  }

  // Read by the client: the statement's name and text (recorded as parsed on a ParseComplete, which only ever confirms
  // what canFrame found) and the result that takes the client's type parsers
  get name(): string | undefined {
    return this.config.name;
  }
  get text(): string {
    return this.config.text;
  }
  get _result(): unknown {
    return this.query._result;
  }

  submit(connection: Connection): Error | null {
    let values: (string | Buffer | null)[][];
    try {
      values = this.statements.map((s) => (s.values ?? []).map(prepareValue)); // before anything is written
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    connection.stream.cork?.();
    try {
      this.statements.forEach((s, i) => {
        const returned = i === this.target;
        const name = returned ? this.config.name : undefined;
        if (name === undefined) connection.parse({ text: s.text });
        connection.bind({ statement: name, values: values[i]! });
        if (returned) connection.describe({ type: 'P', name: '' });
        connection.execute({});
      });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  private get returning(): boolean {
    return this.completed === this.target;
  }

  handleCommandComplete(msg: unknown, connection: Connection): void {
    if (this.returning) this.query.handleCommandComplete(msg, connection);
    this.completed += 1;
  }
  handleRowDescription(msg: unknown): void {
    if (this.returning) this.query.handleRowDescription(msg);
  }
  handleDataRow(msg: unknown): void {
    if (this.returning) this.query.handleDataRow(msg);
  }
  handleEmptyQuery(connection: Connection): void {
    if (this.returning) this.query.handleEmptyQuery(connection);
    this.completed += 1;
  }
  handleError(error: Error, connection: Connection): void {
    this.query.handleError(error, connection);
  }
  handleReadyForQuery(connection: Connection): void {
    this.query.handleReadyForQuery(connection);
  }
  // Never sent here (no row limit, no COPY): as pg's Query answers them
  handlePortalSuspended(connection: Connection): void {
    this.query.handlePortalSuspended(connection);
  }
  handleCopyInResponse(connection: Connection): void {
    this.query.handleCopyInResponse(connection);
  }
  handleCopyData(msg: unknown, connection: Connection): void {
    this.query.handleCopyData(msg, connection);
  }
}

// ---- A PostgreSQL transaction's statements (src/store/db.ts's transaction)

/**
 * A transaction's progress: BEGIN sent (with its first statement), COMMIT sent (with its last, from the moment it is
 * sent), a statement failed. After a failure nothing more runs in it: on the server it is aborted anyway, and a
 * failure on the client may have kept BEGIN from going out, so that a statement after it would run outside any
 * transaction
 */
export interface TxState {
  begun: boolean;
  committed: boolean;
  failed?: boolean;
}

/** COMMIT, refused when the server answers it with ROLLBACK (the transaction had failed): as PGlite's transaction does */
export async function commit(client: pg.PoolClient): Promise<void> {
  const done = await client.query('COMMIT');
  if (done.command === 'ROLLBACK') throw Object.assign(new Error('the transaction had failed and was rolled back, not committed'), { code: '25P02' });
}

/**
 * One statement of a transaction, with what goes out beside it: BEGIN before the first, `before`, and COMMIT after the
 * last (`commit`), in one write when pg-framed can; one by one on a statement's first use on the connection
 */
export async function transactionQuery<T>(client: pg.PoolClient, tx: TxState, config: pg.QueryConfig,
  options?: { before?: readonly Statement[]; commit?: boolean }): Promise<T[]> {
  const frame = { begin: !tx.begun, before: options?.before ?? [], commit: options?.commit === true };
  tx.begun = true; // from here on a failure leaves a transaction to roll back (or none, if BEGIN never arrived)
  if (!frame.begin && frame.before.length === 0 && !frame.commit) return (await client.query(config)).rows as T[];
  // Nothing may follow a statement sent with COMMIT, from the moment it is sent (not only once answered)
  if (frame.commit) tx.committed = true;
  if (canFrame(client, config)) return framedQuery<T>(client, config, frame);
  if (frame.begin) await client.query('BEGIN');
  for (const b of frame.before) await client.query(b.text, b.values);
  const rows = (await client.query(config)).rows as T[];
  if (frame.commit) await commit(client);
  return rows;
}
