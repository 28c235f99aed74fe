/**
 * The operator's safety commands: `stop` and the kill switch change state and are audited in their own
 * transaction, then the scope's resting orders are cancelled at the venue outside it (no venue call under a
 * lock), the cancel journaled as its own `cancel_open_orders` row
 */
import type { LtStrategy } from '../domain/lt-strategy.ts';
import { err, ok } from '../domain/result.ts';
import { getLtStrategy, type KillSwitch } from '../store/lt-strategy-store.ts';
import { engageKillSwitch, stopLtStrategy, type LtResult } from './lt-strategies.ts';
import { cancelOpenLtOrders, type CancelReport, type LtTrackerDeps } from './lt-tracker.ts';

export type { CancelReport } from './lt-tracker.ts';

/** Stops the strategy, then cancels its resting orders (its only) */
export async function stopAndCancel(deps: LtTrackerDeps, userId: string, strategyId: string):
  Promise<LtResult<{ strategy: LtStrategy; cancel: CancelReport }>> {
  const stopped = await stopLtStrategy(deps, userId, strategyId);
  if (!stopped.ok) return stopped;
  const cancel = await cancelOpenLtOrders(deps, { userId, strategyId, cause: 'stop' });
  return ok({ strategy: stopped.value, cancel });
}

/** Engages the user's kill switch, then cancels the resting orders of all the user's strategies */
export async function engageKillSwitchAndCancel(deps: LtTrackerDeps, userId: string, reason: string):
  Promise<{ killSwitch: KillSwitch; cancel: CancelReport }> {
  const killSwitch = await engageKillSwitch(deps, userId, reason);
  const cancel = await cancelOpenLtOrders(deps, { userId, cause: 'kill_switch' });
  return { killSwitch, cancel };
}

/** The operator's cancel of one of the user's strategies' resting orders; not_found when it is not theirs */
export async function cancelStrategyOrders(deps: LtTrackerDeps, userId: string, strategyId: string):
  Promise<LtResult<CancelReport>> {
  if (!(await getLtStrategy(deps.db, userId, strategyId))) return err({ kind: 'not_found', message: strategyId });
  return ok(await cancelOpenLtOrders(deps, { userId, strategyId, cause: 'operator' }));
}

/** The operator's cancel of every resting order of the user */
export const cancelUserOrders = (deps: LtTrackerDeps, userId: string): Promise<CancelReport> =>
  cancelOpenLtOrders(deps, { userId, cause: 'operator' });
