/**
 * Keeps the gap's read model (migration 0018) up to date for one strategy: per FT order since launch (a unit) what its
 * legs add to the summary (gap-summary-store.ts unitsQuery), and those units summed per token. Triggers append a unit
 * to lt_gap_dirty on every write it is computed from; a refresh recomputes the dirty units, taking their old rows out
 * of the sums and adding the new ones, in one transaction under the strategy's advisory lock. So a read costs what
 * changed since the last one, not every order.
 *
 * A strategy's units are built whole the first time it is read, and again when its launch or book (live or shadow)
 * differs from the one they were built for. The build is safe against concurrent writers without blocking them: it
 * first commits the state row (not ready), so every write that commits later marks its unit dirty, then waits for the
 * transactions that were running when that row committed (they might have missed it), and only then reads.
 */
import { totalGap } from '../domain/metrics/index.ts';
import type { Usdc } from '../domain/money.ts';
import type { Db, Sql } from './db.ts';
import { horizons } from './gap-store.ts';
import { NONE, picoAtMarks, SUMMED_COLUMNS, unitsQuery, type GapSummary, type Row } from './gap-summary-store.ts';
import { micros } from './rows.ts';

/** The advisory lock class of a strategy's gap model (the two-key form: apart from the one-key locks) */
const GAP_LOCK_CLASS = 4243;
const LOCK = 'SELECT pg_advisory_xact_lock($1, hashtext($2::text || \'/\' || $3::text))';

interface Status {
  launched_at: Date | null;
  shadow: boolean;
  built_at: Date | null;
  built_shadow: boolean | null;
  ready: boolean | null;
  dirty: boolean;
}

const STATUS = `SELECT s.launched_at, s.mode = 'shadow' AS shadow, g.launched_at AS built_at, g.shadow AS built_shadow, g.ready,
    EXISTS (SELECT 1 FROM lt_gap_dirty d WHERE d.user_id = $1 AND d.strategy_id = $2) AS dirty
  FROM lt_strategies s LEFT JOIN lt_gap_state g ON g.user_id = s.user_id AND g.strategy_id = s.strategy_id
  WHERE s.user_id = $1 AND s.strategy_id = $2`;

async function status(sql: Sql, userId: string, strategyId: string): Promise<Status> {
  const [s] = await sql.query<Status>(STATUS, [userId, strategyId]);
  if (!s) throw new Error(`no LT strategy ${strategyId}`);
  return s;
}

/** Whether the built units are of the strategy's current launch and book */
const current = (s: Status): boolean =>
  s.built_at !== null && s.launched_at !== null && new Date(s.built_at).getTime() === new Date(s.launched_at).getTime()
  && s.built_shadow === s.shadow;

/** Adds (sign 1) or takes out (sign −1) a set of unit rows `u` to the per-token sums */
const addToSums = (sign: 1 | -1) => `INSERT INTO lt_gap_sums AS s (user_id, strategy_id, token, ${SUMMED_COLUMNS.join(', ')})
  SELECT $1, $2, token, ${SUMMED_COLUMNS.map((c) => `${sign} * sum(${c})`).join(', ')} FROM u GROUP BY token ORDER BY token
  ON CONFLICT (user_id, strategy_id, token) DO UPDATE SET ${SUMMED_COLUMNS.map((c) => `${c} = s.${c} + EXCLUDED.${c}`).join(', ')}`;

const UNIT_COLUMNS = `user_id, strategy_id, ft_order_id, token, ${SUMMED_COLUMNS.join(', ')}`;
const insertUnits = (only: boolean) => `WITH u AS (INSERT INTO lt_gap_units (${UNIT_COLUMNS})
  SELECT $1, $2, q.* FROM (${unitsQuery(only)}) q RETURNING *) ${addToSums(1)}`;
const DELETE_UNITS = `WITH u AS (DELETE FROM lt_gap_units WHERE user_id = $1 AND strategy_id = $2 AND ft_order_id = ANY ($3::uuid[])
  RETURNING *) ${addToSums(-1)}`;

/**
 * Brings the strategy's gap model up to date with every committed write; returns its launch (null: not launched, no
 * model). Cheap when nothing changed: one read
 */
export async function refreshGapModel(db: Db, userId: string, strategyId: string): Promise<Date | null> {
  const s = await status(db, userId, strategyId);
  if (s.launched_at === null) return null;
  if (!current(s)) {
    await startBuild(db, userId, strategyId, s);
    await waitForRunningWriters(db);
  } else if (s.ready && !s.dirty) return new Date(s.launched_at);
  await db.transaction(async (tx) => {
    await tx.query(LOCK, [GAP_LOCK_CLASS, userId, strategyId]);
    const now = await status(tx, userId, strategyId);
    if (current(now) && !now.ready) await build(tx, userId, strategyId);
    else if (current(now)) await recompute(tx, userId, strategyId);
  });
  return new Date(s.launched_at);
}

/** Replaces the state with one of the current launch and book, not ready (its units and sums go with the old one) */
async function startBuild(db: Db, userId: string, strategyId: string, s: Status): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(LOCK, [GAP_LOCK_CLASS, userId, strategyId]);
    await tx.query('DELETE FROM lt_gap_state WHERE user_id = $1 AND strategy_id = $2', [userId, strategyId]);
    await tx.query('DELETE FROM lt_gap_dirty WHERE user_id = $1 AND strategy_id = $2', [userId, strategyId]);
    await tx.query('INSERT INTO lt_gap_state (user_id, strategy_id, launched_at, shadow, ready) VALUES ($1, $2, $3, $4, false)',
      [userId, strategyId, s.launched_at, s.shadow]);
  });
}

/**
 * Waits until every transaction running now has ended: one that wrote before the state row was visible to it did not
 * mark its unit, so the build must read after it committed (as CREATE INDEX CONCURRENTLY waits). Bounded: a transaction
 * of this service lasts well under the bound; past it the build goes on and the error says why
 */
async function waitForRunningWriters(sql: Sql): Promise<void> {
  const [r] = await sql.query<{ xids: string[] }>(
    'SELECT coalesce(array_agg(x::text), \'{}\') AS xids FROM pg_snapshot_xip(pg_current_snapshot()) x');
  const deadline = Date.now() + 60_000;
  for (let pending = r!.xids; pending.length > 0;) {
    if (Date.now() > deadline) throw new Error(`the gap model's build waited 60 s for transactions ${pending.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const rows = await sql.query<{ x: string }>(
      'SELECT x FROM unnest($1::text[]) x WHERE pg_xact_status(x::xid8) = \'in progress\'', [pending]);
    pending = rows.map((row) => row.x);
  }
}

/** Every unit of the strategy computed afresh (the dirty marks so far are in what it reads) */
async function build(sql: Sql, userId: string, strategyId: string): Promise<void> {
  await sql.query('DELETE FROM lt_gap_dirty WHERE user_id = $1 AND strategy_id = $2', [userId, strategyId]);
  await sql.query('DELETE FROM lt_gap_units WHERE user_id = $1 AND strategy_id = $2', [userId, strategyId]);
  await sql.query('DELETE FROM lt_gap_sums WHERE user_id = $1 AND strategy_id = $2', [userId, strategyId]);
  await sql.query(insertUnits(false), [userId, strategyId]);
  await sql.query('UPDATE lt_gap_state SET ready = true WHERE user_id = $1 AND strategy_id = $2', [userId, strategyId]);
}

/** The dirty units (those marked by writes this transaction can see) recomputed: old rows out of the sums, new ones in */
async function recompute(sql: Sql, userId: string, strategyId: string): Promise<void> {
  const rows = await sql.query<{ ft_order_id: string }>(
    'DELETE FROM lt_gap_dirty WHERE user_id = $1 AND strategy_id = $2 RETURNING ft_order_id', [userId, strategyId]);
  if (rows.length === 0) return;
  const ids = [...new Set(rows.map((r) => r.ft_order_id))].sort();
  await sql.query(DELETE_UNITS, [userId, strategyId, ids]);
  await sql.query(insertUnits(true), [userId, strategyId, ids]);
}

/**
 * The strategy's since-launch gap totals, counts and FT side from the kept per-token sums (brought up to date with the
 * writes first); equal to their reading from strategyGap's legs
 */
export async function gapSummary(sql: Db, userId: string, strategyId: string): Promise<GapSummary> {
  const launchedAt = await refreshGapModel(sql, userId, strategyId);
  if (!launchedAt) return { launchedAt: null, ...NONE };
  const rows = await sql.query<Row>(
    `SELECT token, ${SUMMED_COLUMNS.map((c) => `${c}::text`).join(', ')} FROM lt_gap_sums WHERE user_id = $1 AND strategy_id = $2`,
    [userId, strategyId]);
  const { marks } = await horizons(sql, rows.map((t) => t.token as string));
  const count = (c: string) => rows.reduce((n, r) => n + Number(r[c]), 0);
  const sum = (c: string) => rows.reduce((n, r) => n + micros(r[c]), 0n) as Usdc;
  return {
    launchedAt, total: totalGap(picoAtMarks(rows, marks)), signals: count('signals'), notMirrored: count('not_mirrored'),
    pending: count('pending'),
    ft: { entries: count('entries'), invested: sum('invested'), realized: sum('realized'), won: count('won'), lost: count('lost') },
  };
}
