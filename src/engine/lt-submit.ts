/**
 * After the intent commits: prepare, persist and submit an order and record the answer. One path for every order;
 * only the venue differs by the order's book: the real one for live orders, the shadow venue for shadow orders
 */
import { formatMicros } from '../domain/money.ts';
import type { Db } from '../store/db.ts';
import { markPrepared, type LiveOrder } from '../store/lt-order-store.ts';
import type { OrderRequest, PreparedOrder, SubmitOutcome, Venue } from './venue-port.ts';
import { observeFill, recordSubmitOutcome, transition, withLockedOrder, type BookedFill } from './lt-fills.ts';
import type { LtHooks } from './lt-hooks.ts';
import { logOrderStep, orderLog } from './lt-trace.ts';
import type { Clock, Log, Metrics } from './ports.ts';

export interface LtVenueDeps {
  db: Db;
  venue: Venue;
  /** Where shadow orders go: a Venue that reads the real one's books and sends it nothing (src/venues/shadow-venue.ts) */
  shadowVenue: Venue;
  clock: Clock;
  /** Test-only injection points (crash tests); production never sets it */
  hooks?: LtHooks;
  /** Where each order's steps are logged under its signal's trace id (src/engine/lt-trace.ts); absent: not logged */
  log?: Log;
  /** Where submit, fill and trade → submit latencies and venue rejections are reported; absent: nowhere */
  metrics?: Metrics;
}

/** The venue an order goes to, chosen by its book */
export const venueOf = (deps: Pick<LtVenueDeps, 'venue' | 'shadowVenue'>, order: Pick<LiveOrder, 'isShadow'>): Venue =>
  (order.isShadow ? deps.shadowVenue : deps.venue);

export interface Submission {
  orderId: string;
  /** What happened: the venue's answer, `shadow` for any answer of the shadow venue, or not sent (refused before the venue, or sent by another caller) */
  outcome: SubmitOutcome['kind'] | 'shadow' | 'not_sent';
  status: LiveOrder['status'];
  /** Order latency: submit − FT signal */
  latencyMs: number | null;
}

export const requestOf = (o: LiveOrder): OrderRequest => ({
  clientOrderId: o.clientOrderId, tokenId: o.tokenId, side: o.side, price: o.limitPrice, size: o.size,
  orderType: o.orderType, ...(o.expiresAt ? { expiresAt: o.expiresAt } : {}),
});

const latency = (o: LiveOrder, at: Date): number | null => (o.signalAt ? at.getTime() - o.signalAt.getTime() : null);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 1000);

/** Refused before it reached the venue (nothing was sent): rejected, and the reservation goes back */
async function refuseLocally(deps: LtVenueDeps, order: LiveOrder, reason: string, text: string): Promise<Submission> {
  const now = deps.clock.now();
  const done = await withLockedOrder(deps.db, order.orderId, (tx, o) => (o.status === 'pending'
    ? transition(tx, o, { type: 'rejected' }, now, { rejectReason: reason, rejectText: text }) : Promise.resolve(o)));
  orderLog(deps.log, done).warn('lt order refused before the venue', { reason, text, status: done.status });
  deps.metrics?.increment('lt_rejection', { stage: 'local', reason });
  return { orderId: order.orderId, outcome: 'not_sent', status: done.status, latencyMs: null };
}

/** The venue's answer (labelled by book: a shadow order's is the shadow venue's): an acceptance's latency from the intent, the trader's fill → our submit, or a rejection's reason */
function observeSubmit(metrics: Metrics, order: LiveOrder, outcome: SubmitOutcome, submittedAt: Date, answeredAt: Date): void {
  const book = { book: order.book };
  if (order.sourceTradeAt) metrics.observe('trade_to_submit_latency', submittedAt.getTime() - order.sourceTradeAt.getTime(), book);
  if (outcome.kind === 'accepted') metrics.observe('submit_latency', answeredAt.getTime() - order.intentAt.getTime(), book);
  if (outcome.kind === 'rejected') metrics.increment('lt_rejection', { stage: 'venue', reason: outcome.reason });
}

/**
 * Sends one committed intent. The prepared order (its venue id is known before sending) and the submit time
 * are stored first, so an ambiguous answer or a crash leaves an order the tracker can look up. A submit
 * that throws is unknown, never rejected. `signing`: the order's prepare, started while its intent committed
 */
export async function submitIntent(deps: LtVenueDeps, order: LiveOrder, signing?: Promise<PreparedOrder>): Promise<Submission> {
  const venue = venueOf(deps, order);
  let prepared: PreparedOrder;
  try {
    prepared = await (signing ?? venue.prepare(requestOf(order)));
  } catch (e) {
    return refuseLocally(deps, order, 'prepare', message(e));
  }
  if (prepared.price !== order.limitPrice || prepared.size !== order.size) {
    // The market's rules changed since the intent: the reservation no longer matches what would be sent
    return refuseLocally(deps, order, 'prepare', `prepared ${prepared.size}@${prepared.price} differs from the intent`);
  }
  const at = deps.clock.now();
  // Under the strategy lock, so recovery never decides on a pending intent while it is being marked sent (INV-18):
  // one statement that takes the lock itself
  const marked = await markPrepared(deps.db, order, prepared.venueOrderId, prepared.payload, at);
  const log = orderLog(deps.log, { ...order, venueOrderId: prepared.venueOrderId });
  if (!marked) {
    log.info('lt order not sent: another caller has it', { status: order.status });
    return { orderId: order.orderId, outcome: 'not_sent', status: order.status, latencyMs: null };
  }
  log.info('lt order signed', { side: order.side, price: formatMicros(prepared.price), size: formatMicros(prepared.size), shadow: order.isShadow });
  let outcome: SubmitOutcome;
  try {
    outcome = await venue.submit(prepared);
  } catch (e) {
    outcome = { kind: 'unknown', detail: message(e) };
  }
  await deps.hooks?.at('after_submit');
  const answeredAt = deps.clock.now();
  const booked: BookedFill[] = [];
  const recorded = await recordSubmitOutcome(deps.db, order.orderId, outcome, answeredAt, booked);
  if (deps.metrics) {
    observeSubmit(deps.metrics, order, outcome, at, answeredAt);
    for (const b of booked) observeFill(deps.metrics, b.order, b.fill);
  }
  const kind = order.isShadow ? 'shadow' : outcome.kind;
  log.info('lt order submitted', { outcome: outcome.kind, status: recorded.status, latency_ms: latency(order, at),
    ...(outcome.kind === 'rejected' ? { reason: outcome.reason, text: outcome.text } : {}),
    ...(outcome.kind === 'unknown' ? { detail: outcome.detail } : {}) });
  logOrderStep(deps.log, { ...order, venueOrderId: prepared.venueOrderId }, recorded, booked);
  return { orderId: order.orderId, outcome: kind, status: recorded.status, latencyMs: latency(order, at) };
}
