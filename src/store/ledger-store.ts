/**
 * The LT capital ledger in SQL, and the only module whose SQL reads or writes `ledger_entries` (besides the per-order
 * view lt_order_facts of migration 0004, and migration 0010's trigger that keeps `ledger_sums`; the intent's statements
 * embed intentLedgerSelect and reserveInsertSql from here): idempotent appends
 * keyed by (strategy, book, kind, ref), and every
 * balance as one fold (src/domain/ledger.ts, src/domain/booking.ts) of per-kind sums
 */
import { randomUUID } from 'node:crypto';
import { orderLedgerFromSums, type OrderLedger } from '../domain/booking.ts';
import { InvariantError } from '../domain/errors.ts';
import { balancesFromSums, type Balances, type LedgerKind, type LedgerSums } from '../domain/ledger.ts';
import type { LtMode } from '../domain/lt-strategy.ts';
import type { Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { dec, decOrNull, micros } from './rows.ts';

export type { OrderLedger };

export type Book = LtMode;

/** One ledger row to write; `ref` names the transition, so the same transition is booked once */
export interface LedgerWrite {
  userId: string;
  strategyId: string;
  book: Book;
  kind: LedgerKind;
  amount: Usdc;
  costBasis?: Usdc | null;
  orderId?: string | null;
  ref: string;
  availableAt?: Date | null;
  createdAt: Date;
}

const keyOf = (user: string, strategy: string, book: string, kind: string, ref: string) =>
  `${user}|${strategy}|${book}|${kind}|${ref}`;

/**
 * Appends entries with ON CONFLICT DO NOTHING on (user, strategy, book, kind, ref) and returns the ones that
 * were new: a replay, or a racing writer, books nothing and learns so
 */
export async function appendEntries(tx: Sql, entries: readonly LedgerWrite[]): Promise<LedgerWrite[]> {
  for (const e of entries) {
    if (e.amount < 0n || (e.costBasis ?? 0n) < 0n) throw new InvariantError(`ledger ${e.kind} ${e.ref}: negative amount`);
  }
  if (entries.length === 0) return [];
  const col = <T,>(f: (e: LedgerWrite) => T) => entries.map(f);
  const rows = await tx.query<{ user_id: string; strategy_id: string; book: string; kind: string; ref: string }>(
    `INSERT INTO ledger_entries (entry_id, user_id, strategy_id, book, kind, amount, cost_basis, order_id, ref,
       available_at, created_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::numeric[],
       $8::uuid[], $9::text[], $10::timestamptz[], $11::timestamptz[])
     ON CONFLICT (user_id, strategy_id, book, kind, ref) DO NOTHING
     RETURNING user_id, strategy_id, book, kind, ref`,
    [col(() => randomUUID()), col((e) => e.userId), col((e) => e.strategyId), col((e) => e.book), col((e) => e.kind),
      col((e) => dec(e.amount)), col((e) => decOrNull(e.costBasis ?? null)), col((e) => e.orderId ?? null),
      col((e) => e.ref), col((e) => e.availableAt?.toISOString() ?? null), col((e) => e.createdAt.toISOString())]);
  const fresh = new Set(rows.map((r) => keyOf(r.user_id, r.strategy_id, r.book, r.kind, r.ref)));
  return entries.filter((e) => fresh.has(keyOf(e.userId, e.strategyId, e.book, e.kind, e.ref)));
}

type SumRow = { kind: LedgerKind; amount: string; basis: string };
const sumsOf = (rows: readonly SumRow[]): LedgerSums => {
  const sums: LedgerSums = {};
  for (const r of rows) sums[r.kind] = { amount: micros(r.amount) as Usdc, costBasis: micros(r.basis) as Usdc };
  return sums;
};

/**
 * Per kind: the sum of amounts and of cost bases, for one strategy's book (kinds never booked are absent). Read from
 * ledger_sums, which migration 0010's trigger keeps in the transaction of every append: a read of a few rows, not a
 * scan of the book's entries
 */
export async function ledgerSums(sql: Sql, userId: string, strategyId: string, book: LtMode): Promise<LedgerSums> {
  return sumsOf(await sql.query<SumRow>(`SELECT kind, amount::text AS amount, cost_basis::text AS basis
    FROM ledger_sums WHERE user_id = $1 AND strategy_id = $2 AND book = $3 AND entries > 0`, [userId, strategyId, book]));
}

/** The same sums recomputed from every entry: the reference the read model is tested against */
export async function ledgerSumsRecomputed(sql: Sql, userId: string, strategyId: string, book: LtMode): Promise<LedgerSums> {
  return sumsOf(await sql.query<SumRow>(`SELECT kind, sum(amount)::text AS amount, COALESCE(sum(cost_basis), 0)::text AS basis
    FROM ledger_entries WHERE user_id = $1 AND strategy_id = $2 AND book = $3 GROUP BY kind`, [userId, strategyId, book]));
}

/** True when (strategy, book, kind, ref) was booked: the transition it names happened */
export async function hasLedgerRef(sql: Sql, userId: string, strategyId: string, book: LtMode, kind: LedgerKind,
  ref: string): Promise<boolean> {
  const rows = await sql.query(`SELECT 1 FROM ledger_entries WHERE user_id = $1 AND strategy_id = $2 AND book = $3
    AND kind = $4 AND ref = $5`, [userId, strategyId, book, kind, ref]);
  return rows.length > 0;
}

/** The amount booked under (strategy, book, kind, ref), or null when nothing was: what a replayed request is compared with */
export async function ledgerRefAmount(sql: Sql, userId: string, strategyId: string, book: LtMode, kind: LedgerKind,
  ref: string): Promise<Usdc | null> {
  const rows = await sql.query<{ amount: string }>(`SELECT amount::text AS amount FROM ledger_entries WHERE user_id = $1
    AND strategy_id = $2 AND book = $3 AND kind = $4 AND ref = $5`, [userId, strategyId, book, kind, ref]);
  return rows[0] ? micros(rows[0].amount) as Usdc : null;
}

/** The balances of one strategy's book: one aggregate over all of its entries (never a truncated read) */
export async function balancesOf(sql: Sql, userId: string, strategyId: string, book: Book): Promise<Balances> {
  return balancesFromSums(await ledgerSums(sql, userId, strategyId, book));
}

/** The parts of the risk snapshot that are not balances */
export interface RiskTotals {
  /** Cost of shares held + cash reserved for resting orders, in one market */
  marketExposure: Usdc;
  /** Filled + resting notional of BUY orders whose intent is from today (UTC); a rejected order nets to 0 */
  committedToday: Usdc;
  /** Realized P&L booked today: sells and settlements minus their cost basis, minus fees */
  realizedToday: Usdc;
}

/** Midnight UTC of the day `now` falls in */
export const utcDayStart = (now: Date): Date => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/** A strategy book's entries with their orders' market, side and intent time, over SQL expressions for user, strategy and book */
const bookEntries = (user: string, strategy: string, book: string): string => `WITH e AS (
       SELECT e.kind, e.amount, e.cost_basis, e.created_at, o.condition_id, o.side, o.intent_at
       FROM ledger_entries e LEFT JOIN orders o ON o.order_id = e.order_id
       WHERE e.user_id = ${user} AND e.strategy_id = ${strategy} AND e.book = ${book})`;

/** The risk totals over every entry of bookEntries (the reference the kept sums are held to) */
const RECOMPUTED_RISK_COLUMNS = `coalesce(sum(CASE e.kind WHEN 'reserve' THEN e.amount WHEN 'release' THEN -e.amount
         WHEN 'sell_fill' THEN -e.cost_basis WHEN 'settlement' THEN -e.cost_basis ELSE 0 END)
         FILTER (WHERE e.condition_id = $4), 0)::text AS market,
       coalesce(sum(CASE e.kind WHEN 'reserve' THEN e.amount WHEN 'release' THEN -e.amount ELSE 0 END)
         FILTER (WHERE e.side = 'BUY' AND e.intent_at >= $5), 0)::text AS committed,
       coalesce(sum(CASE WHEN e.kind IN ('sell_fill', 'settlement') THEN e.amount - e.cost_basis
         WHEN e.kind = 'fee' THEN -e.amount ELSE 0 END) FILTER (WHERE e.created_at >= $5), 0)::text AS realized`;

/**
 * The risk totals from the sums kept with the ledger (migration 0022: per market, and per UTC day), over SQL
 * expressions for the strategy book, the market's condition id and the UTC day's start
 */
const riskColumns = (p: IntentLedgerParams): string => {
  const book = `user_id = ${p.user} AND strategy_id = ${p.strategy} AND book = ${p.book}`;
  const since = `day >= ((${p.day})::timestamptz AT TIME ZONE 'UTC')::date`;
  return `(SELECT coalesce(sum(exposure), 0) FROM ledger_market_sums WHERE ${book} AND condition_id = ${p.condition})::text AS market,
       (SELECT coalesce(sum(committed), 0) FROM ledger_day_sums WHERE ${book} AND ${since})::text AS committed,
       (SELECT coalesce(sum(realized), 0) FROM ledger_day_sums WHERE ${book} AND ${since})::text AS realized`;
};

interface RiskRow { market: string; committed: string; realized: string }

const riskTotalsFrom = (r: RiskRow | undefined): RiskTotals => ({
  marketExposure: micros(r?.market ?? '0') as Usdc,
  committedToday: micros(r?.committed ?? '0') as Usdc,
  realizedToday: micros(r?.realized ?? '0') as Usdc,
});

export async function riskTotalsOf(sql: Sql, userId: string, strategyId: string, book: Book, conditionId: string,
  now: Date): Promise<RiskTotals> {
  const [r] = await sql.query<RiskRow>(`SELECT ${riskColumns({ user: '$1', strategy: '$2', book: '$3', condition: '$4', day: '$5' })}`,
    [userId, strategyId, book, conditionId, utcDayStart(now).toISOString()]);
  return riskTotalsFrom(r);
}

/** riskTotalsOf recomputed from every entry of the book: the reference the kept sums are tested against */
export async function riskTotalsRecomputed(sql: Sql, userId: string, strategyId: string, book: Book, conditionId: string,
  now: Date): Promise<RiskTotals> {
  const [r] = await sql.query<RiskRow>(`${bookEntries('$1', '$2', '$3')} SELECT ${RECOMPUTED_RISK_COLUMNS} FROM e`,
    [userId, strategyId, book, conditionId, utcDayStart(now).toISOString()]);
  return riskTotalsFrom(r);
}

/** SQL expressions (parameters or columns) the intent's ledger read is written over */
export interface IntentLedgerParams { user: string; strategy: string; book: string; condition: string; day: string }

/**
 * balancesOf and riskTotalsOf as one SELECT (from the sums kept with the ledger: ledger_sums, ledger_market_sums and
 * ledger_day_sums, a few rows whatever the book's size): one row, read inside the statement that reads the strategy under
 * its lock (lockForIntent)
 */
export const intentLedgerSelect = (p: IntentLedgerParams): string => `SELECT
       (SELECT json_agg(k) FROM (SELECT kind, amount::text AS amount, cost_basis::text AS basis FROM ledger_sums
         WHERE user_id = ${p.user} AND strategy_id = ${p.strategy} AND book = ${p.book} AND entries > 0) k) AS sums,
       ${riskColumns(p)}`;

export type IntentLedgerRow = RiskRow & { sums: SumRow[] | null };
export interface IntentLedger { balances: Balances; totals: RiskTotals }

export const intentLedgerFromRow = (r: IntentLedgerRow | undefined): IntentLedger =>
  ({ balances: balancesFromSums(sumsOf(r?.sums ?? [])), totals: riskTotalsFrom(r) });

/**
 * An intent's reservation, as the body of a data-modifying CTE in the statement that writes the intent
 * (insertOrderedIntent): one 'reserve' entry per row of `from`, over SQL expressions; booked once per ref as appendEntries does
 */
export const reserveInsertSql = (v: { entryId: string; user: string; strategy: string; book: string; amount: string;
  orderId: string; ref: string; createdAt: string }, from: string): string => `INSERT INTO ledger_entries (entry_id, user_id, strategy_id,
       book, kind, amount, order_id, ref, created_at)
     SELECT ${v.entryId}, ${v.user}, ${v.strategy}, ${v.book}, 'reserve', ${v.amount}, ${v.orderId}, ${v.ref},
       ${v.createdAt} FROM ${from}
     ON CONFLICT (user_id, strategy_id, book, kind, ref) DO NOTHING RETURNING ref`;

/** What the ledger says about one order: the domain's fold of its per-kind sums */
export async function orderLedgerOf(sql: Sql, orderId: string): Promise<OrderLedger> {
  const rows = await sql.query<SumRow & { reopens: number }>(`SELECT kind, sum(amount)::text AS amount,
      COALESCE(sum(cost_basis), 0)::text AS basis, count(*) FILTER (WHERE kind = 'reserve' AND ref LIKE 'reopen:%')::int AS reopens
    FROM ledger_entries WHERE order_id = $1 GROUP BY kind`, [orderId]);
  return orderLedgerFromSums(sumsOf(rows), rows.reduce((n, r) => n + r.reopens, 0));
}

/** A position's cost basis (Σ BUY fill cost − Σ cost basis sold or settled) over its orders, and whether it settled */
export async function positionCostOf(sql: Sql, orderIds: readonly string[]): Promise<{ cost: Usdc; settled: boolean }> {
  if (orderIds.length === 0) return { cost: 0n as Usdc, settled: false };
  const [r] = await sql.query<{ cost: string; settled: boolean }>(`SELECT
      coalesce(sum(CASE WHEN kind = 'buy_fill' THEN amount ELSE -cost_basis END), 0)::text AS cost,
      coalesce(bool_or(kind = 'settlement'), false) AS settled
    FROM ledger_entries WHERE order_id = ANY($1::uuid[]) AND kind IN ('buy_fill', 'sell_fill', 'settlement')`, [[...orderIds]]);
  return { cost: micros(r?.cost ?? '0') as Usdc, settled: r?.settled === true };
}

/**
 * Appends rows chosen by a query (bulk fixtures: the bench's million-order history). `select` yields, in order,
 * entry_id, user_id, strategy_id, book, kind, amount, order_id, ref, created_at; a ref booked before is skipped
 */
export async function appendEntriesSelected(tx: Sql, select: string, params: unknown[]): Promise<void> {
  await tx.query(`INSERT INTO ledger_entries (entry_id, user_id, strategy_id, book, kind, amount, order_id, ref, created_at)
    ${select} ON CONFLICT (user_id, strategy_id, book, kind, ref) DO NOTHING`, params);
}

/** A settlement whose cooldown is over and that has no redemption yet */
export interface DueSettlement {
  entryId: string;
  userId: string;
  strategyId: string;
  book: Book;
  orderId: string;
  amount: Usdc;
}

/**
 * One page of due settlements of one book after `afterEntryId`, in entry-id order (the caller loops pages). The live
 * book's are redeemed on chain instead (lt_redemptions): only the shadow book's are due by the clock alone
 */
export async function dueSettlements(sql: Sql, now: Date, afterEntryId: string | null, limit: number,
  book: Book = 'shadow'): Promise<DueSettlement[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT s.entry_id, s.user_id, s.strategy_id, s.book, s.order_id, s.amount::text AS amount FROM ledger_entries s
     WHERE s.kind = 'settlement' AND s.book = $4 AND s.available_at <= $1 AND ($2::uuid IS NULL OR s.entry_id > $2::uuid)
       AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.user_id = s.user_id AND r.strategy_id = s.strategy_id
         AND r.book = s.book AND r.kind = 'redemption' AND r.ref = 'redeem:' || s.order_id)
     ORDER BY s.entry_id LIMIT $3`, [now.toISOString(), afterEntryId, limit, book]);
  return rows.map((r) => ({
    entryId: r.entry_id as string, userId: r.user_id as string, strategyId: r.strategy_id as string,
    book: r.book as Book, orderId: r.order_id as string, amount: micros(r.amount) as Usdc,
  }));
}

/** Redemptions of winnings booked on the live books (a losing position redeems nothing): how many, and the USDC made available */
export async function redemptionTotals(sql: Sql): Promise<{ count: number; amount: Usdc }> {
  const [r] = await sql.query<{ n: number; usdc: string }>(
    `SELECT count(*)::int AS n, coalesce(sum(amount), 0)::text AS usdc FROM ledger_entries WHERE kind = 'redemption' AND book = 'live' AND amount > 0`);
  return { count: Number(r!.n), amount: micros(r!.usdc) as Usdc };
}
