/**
 * lt_redemptions: redemption on chain as tracked state, one row per settled winning position of the live book
 * (migration 0007). The rows of one market redeemed together share a transaction hash. Ledger entries are written
 * by the ledger store; the engine books the `redemption` entries in the transaction that marks rows redeemed
 */
import type { Shares, Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { dec, micros } from './rows.ts';

export type RedemptionState = 'redeemable' | 'redeeming' | 'redeemed' | 'failed';

export interface NewRedemption {
  orderId: string;
  userId: string;
  strategyId: string;
  conditionId: string;
  tokenId: string;
  outcomeIndex: number;
  negRisk: boolean;
  shares: Shares;
  amount: Usdc;
  /** Not submitted before (the settlement's cooldown end) */
  notBefore: Date;
  now: Date;
}

export interface Redemption extends Omit<NewRedemption, 'notBefore' | 'now'> {
  state: RedemptionState;
  wallet: string | null;
  txHash: string | null;
  txPayload: unknown;
  attempts: number;
  submittedAt: Date | null;
  nextAttemptAt: Date;
  confirmedAt: Date | null;
  collateralIn: Usdc | null;
  lastError: string | null;
}

const COLUMNS = `order_id, user_id, strategy_id, condition_id, token_id, outcome_index, neg_risk, shares::text AS shares,
  amount::text AS amount, state, wallet, tx_hash, tx_payload, attempts, submitted_at, next_attempt_at, confirmed_at,
  collateral_in::text AS collateral_in, last_error`;

const dateOf = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

function redemptionOf(r: Record<string, unknown>): Redemption {
  return {
    orderId: r.order_id as string, userId: r.user_id as string, strategyId: r.strategy_id as string,
    conditionId: r.condition_id as string, tokenId: r.token_id as string, outcomeIndex: Number(r.outcome_index),
    negRisk: r.neg_risk as boolean, shares: micros(r.shares) as Shares, amount: micros(r.amount) as Usdc,
    state: r.state as RedemptionState, wallet: (r.wallet as string | null) ?? null, txHash: (r.tx_hash as string | null) ?? null,
    txPayload: r.tx_payload ?? null, attempts: Number(r.attempts), submittedAt: dateOf(r.submitted_at),
    nextAttemptAt: dateOf(r.next_attempt_at)!, confirmedAt: dateOf(r.confirmed_at),
    collateralIn: r.collateral_in === null || r.collateral_in === undefined ? null : (micros(r.collateral_in) as Usdc),
    lastError: (r.last_error as string | null) ?? null,
  };
}

/** Tracks a settled winning position once (in the settlement's transaction); false when it was tracked before */
export async function enrollRedemption(tx: Sql, r: NewRedemption): Promise<boolean> {
  const rows = await tx.query(`INSERT INTO lt_redemptions (order_id, user_id, strategy_id, condition_id, token_id,
      outcome_index, neg_risk, shares, amount, state, next_attempt_at, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'redeemable', $10, $11, $11)
    ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
  [r.orderId, r.userId, r.strategyId, r.conditionId, r.tokenId, r.outcomeIndex, r.negRisk, dec(r.shares), dec(r.amount),
    r.notBefore.toISOString(), r.now.toISOString()]);
  return rows.length > 0;
}

/** The user's linked wallet the row's strategy trades through (null: the process's own) */
const LINKED_WALLET = `(SELECT w.address FROM lt_strategies s JOIN user_wallets w ON w.user_id = s.user_id
    AND w.address = lower(s.wallet_address) WHERE s.user_id = r.user_id AND s.strategy_id = r.strategy_id) AS linked_wallet`;

/** A row with the user's linked wallet its strategy trades through (null: the process's own) */
export interface DueRedemption extends Redemption {
  linkedWallet: string | null;
  /** The market's question, when the market is known (named in the alert to redeem by hand) */
  market?: string | null;
}

/** The market's question, for alerts */
const MARKET = `(SELECT nullif(m.question, '') FROM markets m WHERE m.condition_id = r.condition_id) AS market`;

const dueOf = (r: Record<string, unknown>): DueRedemption => ({ ...redemptionOf(r),
  linkedWallet: (r.linked_wallet as string | null) ?? null, market: (r.market as string | null) ?? null });

/**
 * Rows to (re)submit: redeemable or failed, due by `now`, oldest first. A market where a live order is still open
 * (its fills not all booked, so a position of it may not be settled yet) waits: the conditional-tokens contract
 * redeems the wallet's whole balance, so every position of the market must be tracked before one transaction pays them
 */
export async function dueRedemptions(sql: Sql, now: Date, limit: number): Promise<DueRedemption[]> {
  const rows = await sql.query<Record<string, unknown>>(`SELECT ${COLUMNS}, ${LINKED_WALLET}, ${MARKET}
    FROM lt_redemptions r
    WHERE state IN ('redeemable', 'failed') AND next_attempt_at <= $1
      AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.condition_id = r.condition_id AND NOT o.is_shadow
        AND o.status IN ('pending', 'unknown', 'open', 'partially_filled'))
    ORDER BY next_attempt_at, order_id LIMIT $2`,
  [now.toISOString(), limit]);
  return rows.map(dueOf);
}

/** Rows whose transaction was recorded and not yet confirmed or failed, with their strategy's linked wallet */
export async function inFlightRedemptions(sql: Sql): Promise<DueRedemption[]> {
  const rows = await sql.query<Record<string, unknown>>(`SELECT ${COLUMNS}, ${LINKED_WALLET}, ${MARKET} FROM lt_redemptions r
    WHERE state = 'redeeming' ORDER BY tx_hash, order_id`);
  return rows.map(dueOf);
}

/** One strategy's (or every) redemption rows, for reports and tests */
export async function redemptionsOf(sql: Sql, filter: { userId?: string; strategyId?: string } = {}): Promise<Redemption[]> {
  const rows = await sql.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM lt_redemptions
    WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR strategy_id = $2) ORDER BY created_at, order_id`,
  [filter.userId ?? null, filter.strategyId ?? null]);
  return rows.map(redemptionOf);
}

/**
 * Records a signed transaction for rows before it is sent: each row still due moves to redeeming with the hash, one
 * more attempt. Returns the rows moved; fewer than asked means another run took some, and the caller sends nothing
 */
export async function markRedeeming(tx: Sql, orderIds: readonly string[], t: { wallet: string; txHash: string;
  payload: unknown; now: Date }): Promise<number> {
  const rows = await tx.query(`UPDATE lt_redemptions SET state = 'redeeming', wallet = $2, tx_hash = $3, tx_payload = $4::jsonb,
      attempts = attempts + 1, submitted_at = $5, updated_at = $5, last_error = NULL
    WHERE order_id = ANY($1::uuid[]) AND state IN ('redeemable', 'failed') RETURNING order_id`,
  [[...orderIds], t.wallet, t.txHash, JSON.stringify(t.payload), t.now.toISOString()]);
  return rows.length;
}

/** The rows of a confirmed transaction become redeemed; returns them (for their ledger entries), none when done before */
export async function markRedeemed(tx: Sql, txHash: string, collateralIn: Usdc, now: Date): Promise<Redemption[]> {
  const rows = await tx.query<Record<string, unknown>>(`UPDATE lt_redemptions SET state = 'redeemed', confirmed_at = $2,
      collateral_in = $3, updated_at = $2 WHERE tx_hash = $1 AND state = 'redeeming' RETURNING ${COLUMNS}`,
  [txHash, now.toISOString(), dec(collateralIn)]);
  return rows.map(redemptionOf);
}

/** The rows of a failed transaction wait for `retryAt`; returns how many moved */
export async function markRedeemFailed(tx: Sql, txHash: string, error: string, retryAt: Date, now: Date): Promise<number> {
  const rows = await tx.query(`UPDATE lt_redemptions SET state = 'failed', last_error = $2, next_attempt_at = $3,
      updated_at = $4 WHERE tx_hash = $1 AND state = 'redeeming' RETURNING order_id`,
  [txHash, error, retryAt.toISOString(), now.toISOString()]);
  return rows.length;
}

/**
 * Marks `orderIds` redeemed by an earlier confirmed transaction of the same market and wallet when what it paid beyond
 * the rows it booked covers them (the conditional-tokens contract redeemed the wallet's whole balance, these
 * positions' shares included). Serialized per market and wallet; returns the rows marked (none when not covered)
 */
export async function markCoveredRedeemed(tx: Sql, wallet: string, conditionId: string, orderIds: readonly string[],
  now: Date): Promise<Redemption[]> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`redeem:${wallet}:${conditionId}`]);
  const [r] = await tx.query<{ paid: string; booked: string; tx_hash: string | null; need: string }>(`SELECT
      (SELECT coalesce(sum(c), 0) FROM (SELECT DISTINCT tx_hash, collateral_in AS c FROM lt_redemptions
        WHERE state = 'redeemed' AND wallet = $1 AND condition_id = $2) t)::text AS paid,
      (SELECT coalesce(sum(amount), 0) FROM lt_redemptions WHERE state = 'redeemed' AND wallet = $1 AND condition_id = $2)::text AS booked,
      (SELECT tx_hash FROM lt_redemptions WHERE state = 'redeemed' AND wallet = $1 AND condition_id = $2
        ORDER BY confirmed_at DESC, tx_hash LIMIT 1) AS tx_hash,
      (SELECT coalesce(sum(amount), 0) FROM lt_redemptions WHERE order_id = ANY($3::uuid[])
        AND state IN ('redeemable', 'failed'))::text AS need`, [wallet, conditionId, [...orderIds]]);
  if (!r || r.tx_hash === null || micros(r.paid) - micros(r.booked) < micros(r.need) || micros(r.need) === 0n) return [];
  const rows = await tx.query<Record<string, unknown>>(`UPDATE lt_redemptions u SET state = 'redeemed', wallet = $2,
      tx_hash = $3, confirmed_at = $4, updated_at = $4, last_error = NULL,
      collateral_in = (SELECT collateral_in FROM lt_redemptions p WHERE p.tx_hash = $3 AND p.state = 'redeemed' LIMIT 1)
    WHERE order_id = ANY($1::uuid[]) AND state IN ('redeemable', 'failed') RETURNING ${COLUMNS}`,
  [[...orderIds], wallet, r.tx_hash, now.toISOString()]);
  return rows.map(redemptionOf);
}

/** Redemptions of the live books not finished yet (redeemable, or sent and not confirmed) */
export async function redemptionsPending(sql: Sql): Promise<number> {
  const [r] = await sql.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM lt_redemptions WHERE state IN ('redeemable', 'redeeming')");
  return Number(r!.n);
}
