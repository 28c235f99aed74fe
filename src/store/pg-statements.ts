/**
 * PostgreSQL queries as named prepared statements (node-postgres' `name`): each connection parses a statement text once,
 * then binds and executes it, and the server may keep a generic plan for it. The name is the text's hash and a
 * generation: DDL run through this database and every `exec` (migrations) start a new generation, so a statement
 * whose columns may have changed is parsed again under a new name on every connection. The pool closes idle
 * connections (and their statements) after a few seconds. Only plain reads and writes are named (isCacheable), and at
 * most MAX_NAMED distinct texts per generation; the others run unnamed, as before
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { isCacheable, mayChangeSchema } from './statement-kinds.ts';

export const MAX_NAMED = 200;

export class PgStatementNames {
  private names = new Map<string, string>();
  private generation = 0;

  /** The query to send for `text` with `values` */
  config(text: string, values: unknown[] | undefined): pg.QueryConfig {
    if (!isCacheable(text)) {
      if (mayChangeSchema(text)) this.schemaMayChange();
      return { text, values };
    }
    let name = this.names.get(text);
    if (name === undefined) {
      if (this.names.size >= MAX_NAMED) return { text, values };
      name = `tandem_${this.generation}_${createHash('sha1').update(text).digest('base64url')}`;
      this.names.set(text, name);
    }
    return { name, text, values };
  }

  schemaMayChange(): void {
    this.generation += 1;
    this.names.clear();
  }
}
