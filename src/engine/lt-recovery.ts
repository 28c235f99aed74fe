/**
 * Recovery on start, before any trading: orders a crash left `pending` are settled one way or the other,
 * open orders and fills are reconciled with the venue, and anything the venue shows that Tandem cannot
 * explain pauses every live strategy with a reason, until an operator resumes it
 */
import type { Db } from '../store/db.ts';
import { insertLtAudit, listLaunchedStrategies, updateLtStrategy } from '../store/lt-strategy-store.ts';
import { knownVenueOrderIds } from '../store/order-lookup-store.ts';
import type { VenueOrderReport } from './venue-port.ts';
import { everyVenue, type WalletVenueDeps } from './lt-wallet-venue.ts';
import { settlePending } from './lt-pending.ts';
import { syncLtOrders, type LtTrackerDeps, type SyncReport } from './lt-tracker.ts';
import type { Clock } from './ports.ts';

export interface RecoveryReport {
  /** Prepared (so possibly sent) before the crash: now `unknown`, resolved by reading the venue */
  pendingSent: number;
  /** Never prepared, so never sent: released */
  pendingUnsent: number;
  sync: SyncReport;
  /** Venue orders on our account that no row of `orders` explains */
  unexplained: string[];
  paused: number;
}

/** `deps.hooks` (tests only) reaches the tracker's injection points during the recovery sync */
export async function recoverLt(deps: LtTrackerDeps): Promise<RecoveryReport> {
  const now = deps.clock.now();
  // The process stopped before the venue call, or before its answer was stored
  const { pendingSent, pendingUnsent } = await settlePending(deps.db, now, 'recovered after a restart', undefined, deps.log);
  const sync = await syncLtOrders(deps);
  const unexplained = await unexplainedVenueOrders(deps);
  const paused = unexplained.length > 0 ? await pauseAll(deps, `recovery: ${unexplained.length} venue order(s) Tandem cannot explain`, unexplained) : 0;
  return { pendingSent, pendingUnsent, sync, unexplained, paused };
}

/** Open orders on any wallet's venue account that no row of `orders` explains */
export async function unexplainedVenueOrders(deps: WalletVenueDeps): Promise<string[]> {
  const open: VenueOrderReport[] = [];
  for (const { venue } of await everyVenue(deps)) open.push(...(await venue.openOrders()));
  if (open.length === 0) return [];
  const ids = open.map((o) => o.venueOrderId);
  const known = await knownVenueOrderIds(deps.db, ids);
  return ids.filter((id) => !known.has(id));
}

async function pauseAll(deps: { db: Db; clock: Clock }, reason: string, ids: string[]): Promise<number> {
  const now = deps.clock.now();
  const strategies = (await listLaunchedStrategies(deps.db)).filter((s) => s.mode === 'live');
  for (const s of strategies) {
    await deps.db.transaction(async (tx) => {
      await updateLtStrategy(tx, s.userId, s.strategyId, { is_paused: true, pause_reason: reason }, now);
      await insertLtAudit(tx, s.userId, s.strategyId, 'pause', { reason, automatic: true, venue_orders: ids }, now);
    });
  }
  return strategies.length;
}

