/**
 * The dashboard's read models kept with the writes (migration 0018): for one strategy, per unit (an FT order for the
 * gap, an LT order for the quality) what it adds to a summary, and those units summed. Triggers append a unit to
 * lt_read_dirty on every write it is computed from (one trigger function for every table); a refresh recomputes the
 * dirty units, taking their old rows out of the sums and adding the new ones, in one transaction under the strategy's
 * advisory lock for that model. So a read costs what changed since the last one, not every order.
 *
 * A model is built whole the first time it is read, and again when its basis (what it was computed for: the launch,
 * the book) differs from the strategy's. The build is safe against concurrent writers without blocking them: it first
 * commits the state row (not ready), so every write that commits later marks its unit dirty, then waits for the
 * transactions that were running when that row committed (they might have missed it), and only then reads.
 *
 * lt_read_dirty has no key: every write appends a row, so a write committed after a refresh's snapshot leaves a row
 * that refresh did not see (and did not delete), and the next refresh recomputes its unit from data that includes it
 */
import type { Db, Sql } from './db.ts';
import { noteDerivedWrite } from './derived-writes.ts';

/** One kept model: how to compute its units for a strategy and fold them into its sums */
export interface ReadModel {
  name: string;
  /** What the model is computed for (null: the strategy has no such model yet, e.g. not launched) */
  basis(s: { launched_at: Date | null; shadow: boolean }): string | null;
  /** Removes the strategy's units and sums */
  clear(tx: Sql, userId: string, strategyId: string): Promise<void>;
  /** Computes every unit of the strategy and adds them to the (cleared) sums */
  buildAll(tx: Sql, userId: string, strategyId: string): Promise<void>;
  /** Recomputes these units: their old rows out of the sums, the new ones in */
  recompute(tx: Sql, userId: string, strategyId: string, units: string[]): Promise<void>;
}

/** The advisory lock class of the read models (the two-key form: apart from the one-key locks) */
const READ_MODEL_LOCK_CLASS = 4243;
const LOCK = 'SELECT pg_advisory_xact_lock($1, hashtext($2::text || \'/\' || $3::text || \'/\' || $4::text))';

interface Status {
  launched_at: Date | null;
  shadow: boolean;
  basis: string | null;
  ready: boolean | null;
  dirty: boolean;
}

const STATUS = `SELECT s.launched_at, s.mode = 'shadow' AS shadow, g.basis, g.ready,
    EXISTS (SELECT 1 FROM lt_read_dirty d WHERE d.model = $3 AND d.user_id = $1 AND d.strategy_id = $2) AS dirty
  FROM lt_strategies s LEFT JOIN lt_read_state g ON g.model = $3 AND g.user_id = s.user_id AND g.strategy_id = s.strategy_id
  WHERE s.user_id = $1 AND s.strategy_id = $2`;

async function status(sql: Sql, model: ReadModel, userId: string, strategyId: string): Promise<Status & { wanted: string | null }> {
  const [s] = await sql.query<Status>(STATUS, [userId, strategyId, model.name]);
  if (!s) throw new Error(`no LT strategy ${strategyId}`);
  return { ...s, wanted: model.basis(s) };
}

/** Takes the strategy's lock of this model until the transaction ends (a refresh of it waits meanwhile) */
export const lockReadModel = (tx: Sql, model: ReadModel, userId: string, strategyId: string) =>
  tx.query(LOCK, [READ_MODEL_LOCK_CLASS, model.name, userId, strategyId]);
const lock = lockReadModel;

/**
 * Brings the strategy's model up to date with every committed write. Cheap when nothing changed: one read. False when
 * the strategy has no such model (its basis is null). A strategy whose launch or book changes while its model is being
 * built is built again for the new basis (a few times at most, then the read fails and says why)
 */
export async function refreshReadModel(db: Db, model: ReadModel, userId: string, strategyId: string): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const done = await refreshOnce(db, model, userId, strategyId);
    if (done !== 'basis changed') return done;
  }
  throw new Error(`the ${model.name} read model of ${strategyId}: its basis kept changing while it was built`);
}

async function refreshOnce(db: Db, model: ReadModel, userId: string, strategyId: string): Promise<boolean | 'basis changed'> {
  const s = await status(db, model, userId, strategyId);
  if (s.wanted === null) return false;
  if (s.basis !== s.wanted) await startBuild(db, model, userId, strategyId, s.wanted);
  if (s.basis !== s.wanted || !s.ready) await waitForRunningWriters(db); // (not ready: a build that did not finish)
  else if (!s.dirty) return true;
  return db.transaction(async (tx) => {
    await lock(tx, model, userId, strategyId);
    const now = await status(tx, model, userId, strategyId);
    if (now.basis !== s.wanted || now.wanted !== s.wanted) return 'basis changed' as const;
    if (!now.ready) await build(tx, model, userId, strategyId);
    else await recompute(tx, model, userId, strategyId);
    await noteDerivedWrite(db, tx);
    return true;
  });
}

/** Replaces the state with one of the wanted basis, not ready; clears the units and sums of the old one */
async function startBuild(db: Db, model: ReadModel, userId: string, strategyId: string, basis: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lock(tx, model, userId, strategyId);
    await tx.query(`INSERT INTO lt_read_state (model, user_id, strategy_id, basis, ready) VALUES ($1, $2, $3, $4, false)
      ON CONFLICT (model, user_id, strategy_id) DO UPDATE SET basis = EXCLUDED.basis, ready = false`,
    [model.name, userId, strategyId, basis]);
    await model.clear(tx, userId, strategyId);
    await noteDerivedWrite(db, tx);
  });
}

/**
 * Waits until every transaction running now has ended: one that wrote before the state row was visible to it did not
 * mark its unit, so the build must read after it committed (as CREATE INDEX CONCURRENTLY waits). Only this database's
 * (RUNNING_WRITERS), and not those holding a read-model lock: they write only read models (a build by the read-models
 * job may run for minutes), and the build after this waits for their lock anyway. Bounded: a transaction of this service lasts well under the bound; past it
 * the read fails and says which transactions it waited for
 */
async function waitForRunningWriters(sql: Sql): Promise<void> {
  const [r] = await sql.query<{ xids: string[] }>(RUNNING_WRITERS, [READ_MODEL_LOCK_CLASS]);
  const deadline = Date.now() + 60_000;
  for (let pending = r!.xids; pending.length > 0;) {
    if (Date.now() > deadline) throw new Error(`the read model's build waited 60 s for transactions ${pending.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const rows = await sql.query<{ x: string }>(
      'SELECT x FROM unnest($1::text[]) x WHERE pg_xact_status(x::xid8) = \'in progress\'', [pending]);
    pending = rows.map((row) => row.x);
  }
}

/**
 * The transactions running now (xid8) of sessions on this database (a snapshot lists the whole cluster's: another
 * database's cannot write here) that hold no read-model lock (two-key advisory locks: the class is classid, objsubid
 * 2). A backend's xid is the low 32 bits of its xid8. The service's sessions share one role, so each sees the others'
 */
const RUNNING_WRITERS = `SELECT coalesce(array_agg(x::text), '{}') AS xids FROM pg_snapshot_xip(pg_current_snapshot()) x
  WHERE EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = current_database()
    AND a.backend_xid::text::bigint = x::text::bigint % 4294967296
    AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.classid = $1::int::oid
      AND l.objsubid = 2 AND l.granted))`;

const DROP_DIRTY = 'DELETE FROM lt_read_dirty WHERE model = $1 AND user_id = $2 AND strategy_id = $3';

/** Every unit computed afresh (the dirty marks so far are in what it reads) */
async function build(tx: Sql, model: ReadModel, userId: string, strategyId: string): Promise<void> {
  await tx.query(DROP_DIRTY, [model.name, userId, strategyId]);
  await model.clear(tx, userId, strategyId);
  await model.buildAll(tx, userId, strategyId);
  await tx.query('UPDATE lt_read_state SET ready = true WHERE model = $1 AND user_id = $2 AND strategy_id = $3',
    [model.name, userId, strategyId]);
}

/** The dirty units (those marked by writes this transaction can see) recomputed */
async function recompute(tx: Sql, model: ReadModel, userId: string, strategyId: string): Promise<void> {
  const rows = await tx.query<{ unit: string }>(`${DROP_DIRTY} RETURNING unit`, [model.name, userId, strategyId]);
  if (rows.length > 0) await model.recompute(tx, userId, strategyId, [...new Set(rows.map((r) => r.unit))].sort());
}

/** A model whose units are rows of one table, summed into another (every model here) */
export interface UnitModelSpec {
  name: string;
  basis: ReadModel['basis'];
  /** The units' table, its key column (a uuid) and the columns unitsQuery returns, in its order */
  units: { table: string; key: string; columns: string };
  sumsTable: string;
  /** The units of $1, $2: all, or with `only` those whose key is in $3::uuid[] */
  unitsQuery(only: boolean): string;
  /** An INSERT adding (sign 1) or taking out (sign −1) the unit rows `u` to the sums */
  addToSums(sign: 1 | -1): string;
}

/** The ReadModel of a UnitModelSpec: units inserted with their sums added; recomputed as old rows out, new rows in */
export function unitModel(spec: UnitModelSpec): ReadModel {
  const { table, key, columns } = spec.units;
  const insert = (only: boolean) => `WITH u AS (INSERT INTO ${table} (user_id, strategy_id, ${columns})
    SELECT $1, $2, q.* FROM (${spec.unitsQuery(only)}) q RETURNING *) ${spec.addToSums(1)}`;
  const remove = () => `WITH u AS (DELETE FROM ${table} WHERE user_id = $1 AND strategy_id = $2 AND ${key} = ANY ($3::uuid[])
    RETURNING *) ${spec.addToSums(-1)}`;
  return {
    name: spec.name,
    basis: spec.basis,
    async clear(tx, userId, strategyId) {
      for (const t of [table, spec.sumsTable]) await tx.query(`DELETE FROM ${t} WHERE user_id = $1 AND strategy_id = $2`, [userId, strategyId]);
    },
    async buildAll(tx, userId, strategyId) {
      await tx.query(insert(false), [userId, strategyId]);
    },
    async recompute(tx, userId, strategyId, units) {
      await tx.query(remove(), [userId, strategyId, units]);
      await tx.query(insert(true), [userId, strategyId, units]);
    },
  };
}

/**
 * Models kept as one: the first's name and basis (so the same dirty marks, lock and state), every part cleared, built
 * and recomputed in turn
 */
export function alongside(first: ReadModel, ...rest: ReadModel[]): ReadModel {
  const parts = [first, ...rest];
  return {
    name: first.name,
    basis: first.basis,
    async clear(tx, userId, strategyId) { for (const p of parts) await p.clear(tx, userId, strategyId); },
    async buildAll(tx, userId, strategyId) { for (const p of parts) await p.buildAll(tx, userId, strategyId); },
    async recompute(tx, userId, strategyId, units) { for (const p of parts) await p.recompute(tx, userId, strategyId, units); },
  };
}
