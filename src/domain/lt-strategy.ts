/** A live (LT) strategy: the FT wallet it mirrors, its capital and execution settings, and its limits */
import type { Ratio, Usdc } from './money.ts';
import type { RiskLimits } from './risk.ts';
import type { OrderType } from './lt-order.ts';
import type { TolerancePolicy, ToleranceMode } from './tolerance.ts';

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
  /** Expected slippage above this rejects the signal; 0.5 means 0.5 %. The cap of the dynamic tolerance modes */
  slippageTolerancePct: Ratio;
  /** How the tolerance is set (src/domain/tolerance.ts); the parameter of the mode chosen is set, the other null */
  toleranceMode: ToleranceMode;
  toleranceTicks: number | null;
  /** k of the spread mode, in micro-units */
  toleranceSpreadMultiple: bigint | null;
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

/** The strategy's tolerance as the domain's policy */
export const tolerancePolicyOf = (s: LtStrategy): TolerancePolicy => ({
  mode: s.toleranceMode, pct: s.slippageTolerancePct,
  ticks: s.toleranceTicks === null ? null : BigInt(s.toleranceTicks), spreadMultiple: s.toleranceSpreadMultiple,
});
