/** `tandem lt-cancel`: cancels a user's resting live orders (or one strategy's) at the venue, and prints what happened */
import { cancelStrategyOrders, cancelUserOrders, type CancelReport } from '../engine/lt-operator.ts';
import type { LtTrackerDeps } from '../engine/lt-tracker.ts';
import { userByName } from '../store/user-store.ts';

export interface LtCancelArgs {
  user: string;
  strategy?: string;
}

/** Exit code and the lines to print: 0 when every order was cancelled, 1 when one was not, 2 for an unknown user or strategy */
export async function ltCancel(deps: LtTrackerDeps, args: LtCancelArgs): Promise<{ code: number; out: string }> {
  const user = await userByName(deps.db, args.user);
  if (!user) return { code: 2, out: `no user ${args.user}` };
  let report: CancelReport;
  if (args.strategy) {
    const r = await cancelStrategyOrders(deps, user.userId, args.strategy);
    if (!r.ok) return { code: 2, out: `${args.user} has no strategy ${args.strategy}` };
    report = r.value;
  } else {
    report = await cancelUserOrders(deps, user.userId);
  }
  const out = JSON.stringify({ cancelled: report.cancelled, not_cancelled: report.notCancelled,
    fills_booked: report.fillsBooked, finished: report.finished, errors: report.errors }, null, 2);
  return { code: report.notCancelled.length > 0 ? 1 : 0, out };
}
