/** A live (LT) strategy: the FT wallet it mirrors, its capital and execution settings, and its limits */
import type { Ratio, Usdc } from './money.ts';
import type { RiskLimits } from './risk.ts';
import type { OrderType } from './lt-order.ts';

export type LtMode = 'live' | 'shadow';

export interface LtStrategy {
  userId: string;
  /** 'LT_' + the FT wallet id */
  strategyId: string;
  ftWalletId: string;
  mode: LtMode;
  isActive: boolean;
  isPaused: boolean;
  pauseReason: string | null;
  /** Set once when the strategy first goes live; signals before it never execute */
  launchedAt: Date | null;
  startingCapital: Usdc;
  /** Expected slippage above this rejects the signal; 0.5 means 0.5 % */
  slippageTolerancePct: Ratio;
  orderType: OrderType;
  orderTtlSeconds: number | null;
  limits: RiskLimits;
  maxSignalAgeSeconds: number | null;
  latencyAlertMs: number | null;
  cooldownSeconds: number;
  syncFtChanges: boolean;
  walletAddress: string | null;
  peakEquity: Usdc;
}

export const ltStrategyId = (ftWalletId: string): string => `LT_${ftWalletId}`;

/** A strategy sends new orders only when active, launched, not paused, and the user's kill switch is off */
export const canOpenOrders = (s: LtStrategy, killSwitch: boolean): boolean =>
  s.isActive && s.launchedAt !== null && !s.isPaused && !killSwitch;
