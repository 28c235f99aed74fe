/** The LT order tracker: one pass books new fills, reads each open order's venue status once, declares lost orders on evidence, and cancels orders past their TTL */
import { isTerminal } from '../domain/lt-order.ts';
import { formatMicros } from '../domain/money.ts';
import type { Db, Sql } from '../store/db.ts';
import { loadOrder, ordersByVenueIds, trackedOrdersPage, updateOrder, type LiveOrder } from '../store/lt-order-store.ts';
import { bookedFillKeys, fillKey } from '../store/lt-fill-store.ts';
import { insertLtAudit } from '../store/lt-strategy-store.ts';
import { storedFillCursor, storeFillCursor } from '../store/fill-cursor-store.ts';
import type { CancelOutcome, Venue, Venues, VenueFill, VenueOrderReport } from './venue-port.ts';
import { everyVenue, orderVenues } from './lt-wallet-venue.ts';
import { acceptOrder, bookFill, observeFill, transition, withLockedOrder, type BookedFill } from './lt-fills.ts';
import type { LtHooks } from './lt-hooks.ts';
import { settlePending, STALE_PENDING_MS } from './lt-pending.ts';
import { logOrderStep, orderLog } from './lt-trace.ts';
import type { Clock, Log, Metrics, StrategyShare } from './ports.ts';

export interface LtTrackerDeps {
  db: Db;
  venue: Venue;
  /** Per-wallet venues: each order is read and cancelled at its strategy's wallet's, fills read from each */
  venues?: Venues;
  clock: Clock;
  /** Test-only injection points (crash tests); production never sets it */
  hooks?: LtHooks;
  /** The strategies this worker holds the lease of: only their orders are polled (fills are booked whoever's) */
  share?: StrategyShare;
  /**
   * How far apart two counted not-founds must be (default LOST_SPACING_MS). Only runs that compress time set it: the
   * torture run and the fault bench, whose back-to-back rounds stand for sync cycles minutes apart
   */
  lostSpacingMs?: number;
  /** Where each order's fills and state changes are logged under its signal's trace id; absent: not logged */
  log?: Log;
  /** Where fill latencies are reported; absent: nowhere */
  metrics?: Metrics;
}

export interface SyncReport {
  polled: number;
  fillsBooked: number;
  /** Fills of venue orders that are not ours (another client on the same wallet) */
  foreignFills: number;
  lost: number;
  reopened: number;
  cancelsSent: number;
  finished: number;
  errors: { orderId?: string; error: string }[];
}

/**
 * Positive not-found answers before an order with no fill is declared lost (INV-13: "repeated positive not-found
 * responses spaced over time"): two, at least LOST_SPACING_MS apart, in different passes. Two meet PRODUCT §9's
 * "every order converges to the venue's state within two sync cycles"; `lost` is not final (a later fill reopens it)
 */
export const LOST_AFTER = 2;
/** A not-found sooner than this after the last counted one is not new evidence (a submit still in flight may appear) */
export const LOST_SPACING_MS = 5_000;
const PAGE = 200;

/**
 * The fill cursor, per process and venue: it only saves reading old fills again. Fills are idempotent by (order_id,
 * fill_id), so a cursor that is behind (a concurrent pass, a restart) re-books nothing. A venue with a fillCursorKey
 * also has it stored (venue_fill_cursors) after each read whose fills were all booked, and a new process starts from
 * there instead of the account's whole history; any other venue's first read in a process starts from the beginning
 */
const cursors = new WeakMap<Venue, string | null>();

interface Pass {
  deps: LtTrackerDeps;
  report: SyncReport;
  /** Venues whose fills this pass has read again from the start */
  rescanned: Set<Venue>;
  venueOf: (order: { userId: string; strategyId: string }) => Promise<Venue>;
}

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** One pass over the non-terminal live orders; each is polled at most once (INV-16) */
const newPass = (deps: LtTrackerDeps): Pass => ({
  deps, rescanned: new Set(), venueOf: orderVenues(deps),
  report: { polled: 0, fillsBooked: 0, foreignFills: 0, lost: 0, reopened: 0, cancelsSent: 0, finished: 0, errors: [] },
});

export async function syncLtOrders(deps: LtTrackerDeps): Promise<SyncReport> {
  const pass = newPass(deps);
  // An intent whose prepared order or submit answer could not be stored (the database was away) is settled here,
  // so a running process converges once the database is back, as a restarted one does
  const now = deps.clock.now();
  try {
    await settlePending(deps.db, now, 'its submit was not recorded', new Date(now.getTime() - STALE_PENDING_MS), deps.log);
  } catch (e) {
    pass.report.errors.push({ error: `pending: ${errorText(e)}` });
  }
  for (const { venue } of await everyVenue(deps)) {
    try {
      await pullFills(pass, venue, false);
    } catch (e) {
      pass.report.errors.push({ error: `fills: ${errorText(e)}` });
    }
  }
  let after: string | null = null;
  for (;;) {
    const page = await trackedOrdersPage(deps.db, after, PAGE);
    for (const order of deps.share ? await deps.share.among(page) : page) {
      try {
        await syncOne(pass, order);
      } catch (e) {
        pass.report.errors.push({ orderId: order.orderId, error: errorText(e) });
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.orderId;
  }
  return pass.report;
}

/** Reads fills since the cursor (this process's, else the stored one, else from the start) page by page and books each of ours once */
async function pullFills(pass: Pass, venue: Venue, fromStart: boolean): Promise<void> {
  const key = venue.fillCursorKey;
  let cursor = fromStart ? null : cursors.has(venue) ? cursors.get(venue)! : key ? await storedFillCursor(pass.deps.db, key) : null;
  for (;;) {
    const page = await venue.fillsSince(cursor);
    const allBooked = await bookFills(pass, page.fills);
    cursors.set(venue, page.cursor);
    // Not past a fill that failed to book: a new process reads it again (this one's order status read rescans for it)
    if (key && allBooked && page.cursor !== cursor) await storeFillCursor(pass.deps.db, key, page.cursor, pass.deps.clock.now());
    if (page.fills.length === 0 || page.cursor === cursor) return;
    cursor = page.cursor;
  }
}

/**
 * Books each of our orders' new fills, in one transaction per order under its strategy's lock. The fills booked already
 * (and FAILED ones, which book nothing) are told apart first in one read, so a page read again (a restart reads every
 * fill from the start) costs that read, not a transaction per order it names. False when a fill could not be booked
 */
async function bookFills(pass: Pass, fills: VenueFill[]): Promise<boolean> {
  const byOrder = new Map<string, VenueFill[]>();
  for (const f of fills) byOrder.set(f.venueOrderId, [...(byOrder.get(f.venueOrderId) ?? []), f]);
  const orders = await ordersByVenueIds(pass.deps.db, [...byOrder.keys()]);
  const ours = new Set(orders.map((o) => o.venueOrderId));
  for (const [id, list] of byOrder) if (!ours.has(id)) pass.report.foreignFills += list.length;
  const known = await bookedFillKeys(pass.deps.db, orders.map((o) => o.orderId), fills.map((f) => f.fillId));
  const fresh = new Map(orders.map((o) => [o.orderId, (byOrder.get(o.venueOrderId!) ?? [])
    .filter((f) => f.status !== 'failed' && !known.has(fillKey(o.orderId, f.fillId)))]));
  if ([...fresh.values()].some((list) => list.length > 0)) await pass.deps.hooks?.at('after_fill');
  let allBooked = true;
  for (const order of orders) {
    const list = fresh.get(order.orderId)!;
    if (list.length === 0) continue;
    try {
      const step = await withLockedOrder(pass.deps.db, order.orderId, async (tx, before) => {
        const booked: BookedFill[] = [];
        let current = before;
        for (const fill of list) {
          const result = await bookFill(tx, current, fill, pass.deps.clock.now());
          current = result.order;
          if (result.booked) booked.push({ fill, order: current });
        }
        return { before, after: current, booked };
      });
      pass.report.fillsBooked += step.booked.length;
      if (step.before.status === 'lost' && step.after.status !== 'lost') pass.report.reopened += 1;
      logOrderStep(pass.deps.log, step.before, step.after, step.booked);
      if (pass.deps.metrics) for (const b of step.booked) observeFill(pass.deps.metrics, b.order, b.fill);
    } catch (e) {
      // One order's refused fill must not hold back the others; its status read rescans the fills later
      pass.report.errors.push({ orderId: order.orderId, error: `fill: ${errorText(e)}` });
      allBooked = false;
    }
  }
  return allBooked;
}

async function syncOne(pass: Pass, order: LiveOrder): Promise<void> {
  if (!order.venueOrderId) return; // never prepared: nothing at the venue to read (recovery's case)
  pass.report.polled += 1;
  const read = await (await pass.venueOf(order)).orderStatus(order.venueOrderId);
  // An error (auth, 429, timeout) is no evidence either way: it never counts as not found (INV-13)
  if (read.kind === 'error') {
    pass.report.errors.push({ orderId: order.orderId, error: `status: ${read.detail}` });
    return;
  }
  if (read.kind === 'not_found') return notFound(pass, order);
  return found(pass, order, read.order, true);
}

/**
 * A positive not-found: counted once per pass and at most once per LOST_SPACING_MS (last_checked_at of an order with
 * a count is its last counted not-found: a found read resets the count); lost after LOST_AFTER, only if nothing ever filled
 */
async function notFound(pass: Pass, order: LiveOrder): Promise<void> {
  const now = pass.deps.clock.now();
  const spacing = pass.deps.lostSpacingMs ?? LOST_SPACING_MS;
  const step = await withLockedOrder(pass.deps.db, order.orderId, async (tx, o) => {
    const countable = (o.status === 'unknown' || o.status === 'open') && o.filled === 0n;
    if (!countable) return void await updateOrder(tx, o, { lastCheckedAt: now });
    if (o.notFoundCount > 0 && o.lastCheckedAt && now.getTime() - o.lastCheckedAt.getTime() < spacing) return;
    const count = o.notFoundCount + 1;
    if (count < LOST_AFTER) return void await updateOrder(tx, o, { notFoundCount: count, lastCheckedAt: now });
    return { before: o, after: await transition(tx, o, { type: 'lost' }, now, { notFoundCount: count, lastCheckedAt: now }) };
  });
  if (!step) return;
  pass.report.lost += 1;
  logOrderStep(pass.deps.log, step.before, step.after);
}

/**
 * The venue has the order. Fills the report shows but we have not booked are read again first (once per pass,
 * from the start); a cancelled or expired order releases its remainder only once every fill is booked
 */
async function found(pass: Pass, order: LiveOrder, report: VenueOrderReport, mayCancel: boolean): Promise<void> {
  const venue = await pass.venueOf(order);
  if (report.sizeMatched > order.filled && !pass.rescanned.has(venue)) {
    pass.rescanned.add(venue);
    await pullFills(pass, venue, true);
  }
  const now = pass.deps.clock.now();
  const step = await withLockedOrder(pass.deps.db, order.orderId, async (tx, o) =>
    ({ before: o, after: await applyFound(pass, tx, o, report, now) }));
  logOrderStep(pass.deps.log, step.before, step.after);
  const current = step.after;
  if (mayCancel && report.status === 'live' && pastTtl(current, now)) await cancelResting(pass, current);
}

/** Under the order's lock: the venue knows it (it reopens), and an ended order with every fill booked ends here */
async function applyFound(pass: Pass, tx: Sql, o: LiveOrder, report: VenueOrderReport, now: Date): Promise<LiveOrder> {
  if (isTerminal(o.status)) return o;
  let next = o;
  if (o.status === 'unknown' || o.status === 'lost') {
    next = await acceptOrder(tx, o, now);
    if (o.status === 'lost') pass.report.reopened += 1;
  }
  // A market (spend-sized) FAK/FOK BUY can be matched in full yet hold a little less than the shares asked:
  // the venue will fill nothing more, so it ends like a cancelled order once its fills are booked
  const spentOut = report.status === 'matched' && next.filled < next.size;
  const ended = report.status === 'cancelled' || report.status === 'expired' || spentOut;
  if (ended && next.filled >= report.sizeMatched) {
    pass.report.finished += 1;
    return transition(tx, next, { type: report.status === 'expired' ? 'expired' : 'cancelled' }, now, { lastCheckedAt: now });
  }
  await updateOrder(tx, next, { lastCheckedAt: now, notFoundCount: 0 });
  return next;
}

/** A resting order past order_ttl_seconds (counted from its submit) gets a cancel (INV-9) */
function pastTtl(o: LiveOrder, now: Date): boolean {
  if (isTerminal(o.status) || o.ttlSeconds === null) return false;
  const since = o.submittedAt ?? o.ackedAt ?? o.intentAt;
  return now.getTime() - since.getTime() >= o.ttlSeconds * 1000;
}

/**
 * Cancels, and after an acknowledged cancel re-reads the fills and the order's final state before anything is
 * released (INV-15). That confirmation read is part of the cancel, not a second poll of the pass
 */
async function cancelResting(pass: Pass, order: LiveOrder): Promise<CancelOutcome> {
  const { db, clock } = pass.deps;
  const venue = await pass.venueOf(order);
  await withLockedOrder(db, order.orderId, (tx, o) => updateOrder(tx, o, { cancelRequestedAt: clock.now() }));
  pass.report.cancelsSent += 1;
  const log = orderLog(pass.deps.log, order);
  log.info('lt order cancel sent', { status: order.status, filled: formatMicros(order.filled) });
  const outcome = await venue.cancel(order.venueOrderId!);
  log.info('lt order cancel answered', { outcome: outcome.kind, ...(outcome.kind === 'cancelled' ? {} : { reason: notCancelledReason(outcome) }) });
  if (outcome.kind !== 'cancelled') return outcome; // matched meanwhile, or no answer: the next pass reads the status
  await pullFills(pass, venue, false);
  const read = await venue.orderStatus(order.venueOrderId!);
  if (read.kind === 'found') await found(pass, await loadOrder(db, order.orderId), read.order, false);
  return outcome;
}

export interface CancelScope {
  userId: string;
  strategyId?: string;
  /** Why the cancel ran (journaled): the operator's command, `stop` or the kill switch */
  cause?: 'operator' | 'stop' | 'kill_switch';
}

export interface CancelReport extends SyncReport {
  /** Orders the venue acknowledged as cancelled */
  cancelled: string[];
  /** Orders the venue did not cancel (already matched, or no answer), with its reason */
  notCancelled: { orderId: string; reason: string }[];
}

/**
 * The operator's "cancel open orders" for one user (or one strategy): every resting live order gets a cancel,
 * and each acknowledged cancel re-reads fills before its remainder is released, as for a TTL cancel
 */
export async function cancelOpenLtOrders(deps: LtTrackerDeps, scope: CancelScope): Promise<CancelReport> {
  const pass = newPass(deps);
  const report: CancelReport = { ...pass.report, cancelled: [], notCancelled: [] };
  pass.report = report;
  let after: string | null = null;
  for (;;) {
    const page = await trackedOrdersPage(deps.db, after, PAGE, { userId: scope.userId, strategyId: scope.strategyId });
    for (const order of page) {
      if (!order.venueOrderId || order.status === 'lost') continue;
      try {
        const outcome = await cancelResting(pass, order);
        if (outcome.kind === 'cancelled') report.cancelled.push(order.orderId);
        else report.notCancelled.push({ orderId: order.orderId, reason: notCancelledReason(outcome) });
      } catch (e) {
        report.notCancelled.push({ orderId: order.orderId, reason: errorText(e) });
        report.errors.push({ orderId: order.orderId, error: errorText(e) });
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.orderId;
  }
  await journalCancel(deps, scope, report);
  return report;
}

const notCancelledReason = (o: Exclude<CancelOutcome, { kind: 'cancelled' }>): string =>
  (o.kind === 'unknown' ? `no answer: ${o.detail}` : o.reason);

/** The operator's cancel is a domain command like the others, so it is journaled in lt_audit (INV-20) */
async function journalCancel(deps: LtTrackerDeps, scope: CancelScope, r: CancelReport): Promise<void> {
  await insertLtAudit(deps.db, scope.userId, scope.strategyId ?? null, 'cancel_open_orders', {
    cause: scope.cause ?? 'operator', orders: [...r.cancelled, ...r.notCancelled.map((n) => n.orderId)],
    cancelled: r.cancelled, not_cancelled: r.notCancelled, cancels_sent: r.cancelsSent, fills_booked: r.fillsBooked,
    finished: r.finished, errors: r.errors,
  }, deps.clock.now());
}

/** Forgets this process's fill cursor for a venue: the next pass reads from the stored one (fillCursorKey) or from the start, booking none twice */
export const resetFillCursor = (venue: Venue): void => void cursors.delete(venue);
