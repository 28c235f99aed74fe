/** LT strategies (lt_strategies): read them as domain values; lifecycle writes live beside the reads */
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Ratio, Usdc } from '../domain/money.ts';
import type { OrderType } from '../venues/venue.ts';
import type { Sql } from './db.ts';
import { dateOrNull, micros, microsOrNull } from './rows.ts';

export const LT_COLUMNS = `user_id, strategy_id, ft_wallet_id, mode, is_active, is_paused, pause_reason, launched_at,
  starting_capital, slippage_tolerance_pct, order_type, order_ttl_seconds, min_order_usd, max_order_usd,
  max_position_per_market_usd, max_total_exposure_usd, daily_budget_usd, max_daily_loss_usd, max_drawdown_pct,
  max_signal_age_seconds, latency_alert_ms, cooldown_seconds, sync_ft_changes, wallet_address, peak_equity`;

/** max_drawdown_pct is stored in percent (10 = 10 %); the domain works with a fraction (0.1) */
const pctToFraction = (v: unknown): Ratio | null => {
  const m = microsOrNull(v);
  return m === null ? null : ((m / 100n) as Ratio);
};
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function ltStrategyFromRow(r: Record<string, unknown>): LtStrategy {
  const u = (k: string) => microsOrNull(r[k]) as Usdc | null;
  return {
    userId: r.user_id as string, strategyId: r.strategy_id as string, ftWalletId: r.ft_wallet_id as string,
    mode: r.mode as LtStrategy['mode'], isActive: r.is_active as boolean, isPaused: r.is_paused as boolean,
    pauseReason: (r.pause_reason as string) ?? null, launchedAt: dateOrNull(r.launched_at),
    startingCapital: micros(r.starting_capital) as Usdc, slippageTolerancePct: micros(r.slippage_tolerance_pct) as Ratio,
    orderType: r.order_type as OrderType, orderTtlSeconds: num(r.order_ttl_seconds),
    limits: {
      minOrderUsd: u('min_order_usd'), maxOrderUsd: u('max_order_usd'),
      maxPositionPerMarketUsd: u('max_position_per_market_usd'), maxTotalExposureUsd: u('max_total_exposure_usd'),
      dailyBudgetUsd: u('daily_budget_usd'), maxDailyLossUsd: u('max_daily_loss_usd'),
      maxDrawdown: pctToFraction(r.max_drawdown_pct),
    },
    maxSignalAgeSeconds: num(r.max_signal_age_seconds), latencyAlertMs: num(r.latency_alert_ms),
    cooldownSeconds: Number(r.cooldown_seconds), syncFtChanges: r.sync_ft_changes as boolean,
    walletAddress: (r.wallet_address as string) ?? null, peakEquity: micros(r.peak_equity) as Usdc,
  };
}

export async function getLtStrategy(sql: Sql, userId: string, strategyId: string): Promise<LtStrategy | null> {
  const rows = await sql.query(`SELECT ${LT_COLUMNS} FROM lt_strategies WHERE user_id = $1 AND strategy_id = $2`,
    [userId, strategyId]);
  return rows[0] ? ltStrategyFromRow(rows[0]) : null;
}

/** Launched, active strategies of every user (paused ones included: their exits and cancels still run) */
export async function listLaunchedStrategies(sql: Sql): Promise<LtStrategy[]> {
  const rows = await sql.query(`SELECT ${LT_COLUMNS} FROM lt_strategies
    WHERE is_active AND launched_at IS NOT NULL ORDER BY user_id, strategy_id`);
  return rows.map(ltStrategyFromRow);
}

export async function isKillSwitchEngaged(sql: Sql, userId: string): Promise<boolean> {
  const rows = await sql.query<{ engaged: boolean }>('SELECT engaged FROM lt_kill_switch WHERE user_id = $1', [userId]);
  return rows[0]?.engaged ?? false;
}
