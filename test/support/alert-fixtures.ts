/** Alert test fixtures: LT orders with chosen execution-quality metrics, written straight into the tables the rules read */
import { randomUUID } from 'node:crypto';
import type { Sql } from '../../src/store/db.ts';
import { upsertMarkets } from '../../src/store/market-store.ts';
import { CID, market, YES } from './ft-world.ts';

export interface QualityFixture {
  at: Date;
  status?: string;
  latencyMs?: number | null;
  /** Percent, e.g. '2' = 2 %; null when nothing filled */
  slippagePct?: string | null;
  /** Filled / intended shares, 0..1 (default 1 when filled, else 0) */
  fillRate?: string;
  /** Intended shares (default 20), at a limit and signal price of 0.5 */
  size?: string;
  /** The order reached the venue (has a submit time); default true */
  submitted?: boolean;
  rejectReason?: string | null;
  shadow?: boolean;
}

export const ensureMarket = (sql: Sql) => upsertMarkets(sql, [market()], 'test');

/** One LT order of the strategy with its lt_execution_quality row */
export async function addQualityOrder(sql: Sql, userId: string, strategyId: string, q: QualityFixture): Promise<string> {
  const orderId = randomUUID();
  const status = q.status ?? 'filled';
  const fillRate = q.fillRate ?? (status === 'filled' ? '1' : '0');
  const size = q.size ?? '20';
  const submittedAt = q.submitted === false ? null : q.at.toISOString();
  await sql.query(`INSERT INTO orders (order_id, venue, client_order_id, token_id, condition_id, side, order_type, limit_price,
      size, status, reject_reason, is_shadow, intent_at, signal_at, submitted_at, lt_user_id, lt_strategy_id)
    VALUES ($1, 'simulated', $2, $3, $4, 'BUY', 'GTC', 0.5, $5, $6, $7, $8, $9, $9, $10, $11, $12)`,
  [orderId, `c-${orderId}`, YES, CID, size, status, q.rejectReason ?? null, q.shadow ?? false, q.at.toISOString(), submittedAt,
    userId, strategyId]);
  await sql.query(`INSERT INTO lt_execution_quality (order_id, user_id, strategy_id, condition_id, token_id, side, order_type,
      is_shadow, signal_price, intended_shares, filled_shares, intended_usd, filled_usd, fees_usd, fill_rate, fill_rate_usd,
      partial_fill_count, signal_slippage_pct, order_latency_ms, quality_version, quality_components, signal_at, submitted_at,
      computed_at)
    VALUES ($1, $2, $3, $4, $5, 'BUY', 'GTC', $6, 0.5, $11::numeric, $11::numeric * $7::numeric, $11::numeric * 0.5,
      $11::numeric * 0.5 * $7::numeric, 0, $7, $7, 0, $8, $9, 'q1', '[]', $10, $12, $10)`,
  [orderId, userId, strategyId, CID, YES, q.shadow ?? false, fillRate, q.slippagePct ?? null,
    q.latencyMs ?? null, q.at.toISOString(), size, submittedAt]);
  return orderId;
}
