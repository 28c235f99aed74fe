/**
 * Live intents left `pending`: by a crash (recovery on start) or by a database outage in a running process (the
 * tracker, once they are stale). One prepared, so maybe sent, becomes `unknown` and is read back from the venue; one
 * never prepared was never sent and is released. Safe against a submit still under way: it takes the strategy lock
 * the submit path takes to mark an order prepared, and a submit's answer recorded later still applies (INV-18)
 */
import type { Db } from '../store/db.ts';
import { pendingLiveOrderIds } from '../store/order-lookup-store.ts';
import { transition, withLockedOrder } from './lt-fills.ts';
import { logOrderStep } from './lt-trace.ts';
import type { Log } from './ports.ts';

/** A pending intent older than this is stale: no submit of a running process takes that long */
export const STALE_PENDING_MS = 2 * 60_000;

export interface PendingReport {
  /** Prepared (so possibly sent): now `unknown`, resolved by reading the venue */
  pendingSent: number;
  /** Never prepared, so never sent: released */
  pendingUnsent: number;
}

/**
 * Settles the pending live intents (those whose intent is before `before` when given); each settled one is logged
 * under its signal's trace id when `log` is given
 */
export async function settlePending(db: Db, now: Date, why: string, before?: Date, log?: Log): Promise<PendingReport> {
  const report: PendingReport = { pendingSent: 0, pendingUnsent: 0 };
  for (const orderId of await pendingLiveOrderIds(db, before)) {
    const step = await withLockedOrder(db, orderId, async (tx, order) => {
      if (order.status !== 'pending') return null;
      // Read under the lock: an intent prepared after the list above was read may already be at the venue
      if (order.venueOrderId !== null) {
        return { before: order, after: await transition(tx, order, { type: 'ambiguous' }, now, { rejectText: `${why}: the submit outcome is unknown` }) };
      }
      // A terminal transition releases the reservation
      return { before: order, after: await transition(tx, order, { type: 'rejected' }, now, { rejectReason: 'not_sent', rejectText: `never sent: ${why}` }) };
    });
    if (!step) continue;
    if (step.before.venueOrderId !== null) report.pendingSent += 1;
    else report.pendingUnsent += 1;
    logOrderStep(log, step.before, step.after, [], { why });
  }
  return report;
}
