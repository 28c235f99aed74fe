/**
 * The transactions of a database that wrote derived data only: the read models' refreshes (read-models.ts,
 * series-read-model.ts), which change no answer, since a kept model equals its from-scratch reference. The API's kept
 * reads (src/api/read-cache.ts) count a snapshot that differs from an answer's only by these as the same data, so a
 * read that brings a model up to date does not void every answer kept. Per database object; the newest MAX_KEPT ids
 * (one forgotten only makes the kept reads compute again)
 */
import type { Sql } from './db.ts';

const MAX_KEPT = 4_096;
const byDb = new WeakMap<object, Set<string>>();

/**
 * Notes the transaction's id, if it has one (it wrote), as a derived write of `db`. Call inside the transaction, after
 * its writes: only derived data may have been written in it
 */
export async function noteDerivedWrite(db: object, tx: Sql): Promise<void> {
  const [r] = await tx.query<{ x: string | null }>('SELECT pg_current_xact_id_if_assigned()::text AS x');
  if (!r?.x) return;
  let xids = byDb.get(db);
  if (!xids) byDb.set(db, (xids = new Set()));
  xids.add(r.x);
  if (xids.size > MAX_KEPT) xids.delete(xids.values().next().value!);
}

/** Whether transaction `xid` of `db` wrote derived data only (false when not known) */
export const isDerivedWrite = (db: object, xid: string): boolean => byDb.get(db)?.has(xid) ?? false;
