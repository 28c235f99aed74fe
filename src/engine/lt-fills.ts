/**
 * Booking venue facts on live orders: fills, acceptances, rejections and terminal states, each once, under the
 * strategy lock. The rule is the domain's (src/domain/booking.ts): load the order's facts, decide, write once
 */
import { bookFill as decideFill, checkFill, decideEvent, EMPTY_ORDER_LEDGER, eventNeedsLedger, type LedgerDraft } from '../domain/booking.ts';
import { InvariantError } from '../domain/errors.ts';
import { equityOf } from '../domain/ledger.ts';
import { isTerminal, type LtOrderState, type OrderEvent } from '../domain/lt-order.ts';
import type { Db, Sql } from '../store/db.ts';
import { appendEntries, balancesOf, orderLedgerOf, type LedgerWrite } from '../store/ledger-store.ts';
import { loadOrder, orderOwnerOf, writeOrderState, type LiveOrder, type OrderPatch } from '../store/lt-order-store.ts';
import { insertFill, positionOf } from '../store/lt-fill-store.ts';
import { lockLtStrategy, raisePeakEquity } from '../store/lt-strategy-store.ts';
import { recordQuality } from '../store/quality-store.ts';
import type { Metrics } from './ports.ts';
import type { SubmitOutcome, VenueFill } from './venue-port.ts';

/**
 * Runs `fn` in one transaction holding the order's strategy lock (the executor's and the lifecycle commands'
 * lock), with the order read after the lock: every write to one strategy's orders and ledger is serialized
 */
export async function withLockedOrder<T>(db: Db, orderId: string, fn: (tx: Sql, order: LiveOrder) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const owner = await orderOwnerOf(tx, orderId);
    if (!owner) throw new InvariantError(`no live order ${orderId}`);
    await lockLtStrategy(tx, owner.userId, owner.strategyId);
    return fn(tx, await loadOrder(tx, orderId));
  });
}

const entry = (o: LiveOrder, now: Date, d: LedgerDraft): LedgerWrite =>
  ({ userId: o.userId, strategyId: o.strategyId, book: o.book, orderId: o.orderId, createdAt: now, ...d });

/** Writes one decision: its ledger rows, the order's next state with the facts in `patch`, and its quality row */
async function write(tx: Sql, order: LiveOrder, next: LtOrderState, ledger: readonly LedgerDraft[], now: Date,
  patch: OrderPatch): Promise<LiveOrder> {
  await appendEntries(tx, ledger.map((d) => entry(order, now, d)));
  await writeOrderState(tx, order, next, { ...patch, ...(isTerminal(next.status) ? { terminalAt: now } : {}) });
  await recordQuality(tx, order.orderId, now);
  return { ...order, status: next.status, filled: next.filled };
}

/**
 * Moves the order through the domain state machine and persists it: a lost order showing signs of life reserves
 * its open remainder again, and a terminal state (or lost) releases the unused reservation, in the same transaction
 */
export async function transition(tx: Sql, order: LiveOrder, event: OrderEvent, now: Date, patch: OrderPatch = {}): Promise<LiveOrder> {
  const led = eventNeedsLedger(order, event) ? await orderLedgerOf(tx, order.orderId) : EMPTY_ORDER_LEDGER;
  const decided = decideEvent(order, led, event);
  return write(tx, order, decided.next, decided.ledger, now, patch);
}

/** The venue knows the order: pending/unknown/lost become open; a terminal order ignores a stale report */
export async function acceptOrder(tx: Sql, order: LiveOrder, now: Date): Promise<LiveOrder> {
  if (isTerminal(order.status)) return order;
  return transition(tx, order, { type: 'accepted' }, now, { ackedAt: now, notFoundCount: 0 });
}

/**
 * Books one of our fill legs exactly once, in the caller's transaction. The fill row (primary key (order, fill))
 * is the gate: a fill booked before books nothing. Then the domain decides the ledger rows and the order event
 * (`fill`, or `late_fill` on an order that already ended), written together. Failed trades move nothing
 */
export async function bookFill(tx: Sql, order: LiveOrder, fill: VenueFill, now: Date): Promise<{ order: LiveOrder; booked: boolean }> {
  if (fill.status === 'failed') return { order, booked: false };
  checkFill(order, fill);
  // A SELL sells from what the position held before this fill
  const position = order.side === 'SELL' ? await positionOf(tx, order.userId, order.strategyId, order.ftOrderId) : null;
  const fresh = await insertFill(tx, {
    orderId: order.orderId, fillId: fill.fillId, price: fill.price, size: fill.size, feeAsset: fill.fee.asset,
    feeAmount: fill.fee.amount, role: fill.role, venueStatus: fill.status, filledAt: fill.time, bookedAt: now,
  });
  if (!fresh) return { order, booked: false };
  const booking = decideFill(order, await orderLedgerOf(tx, order.orderId), position, fill);
  const updated = await write(tx, order, booking.next, booking.ledger, now, { firstFillAt: fill.time, lastFillAt: fill.time });
  // A sale realizes P&L: the high-water mark may rise
  if (order.side === 'SELL') await raisePeak(tx, updated);
  return { order: updated, booked: true };
}

/** Raises the strategy's peak equity to its book's equity now (never lowers it) */
export async function raisePeak(tx: Sql, o: { userId: string; strategyId: string; book: LiveOrder['book'] }): Promise<void> {
  await raisePeakEquity(tx, o.userId, o.strategyId, o.book, equityOf(await balancesOf(tx, o.userId, o.strategyId, o.book)));
}

/** A fill one step booked, with the order as that fill left it */
export interface BookedFill {
  fill: VenueFill;
  order: LiveOrder;
}

/**
 * Records what `submit` answered, in one transaction: acceptance with its immediate fills, a rejection, or unknown.
 * `booked` receives the fills it books (for the caller to log once the transaction committed)
 */
export async function recordSubmitOutcome(db: Db, orderId: string, outcome: SubmitOutcome, now: Date,
  booked: BookedFill[] = []): Promise<LiveOrder> {
  return withLockedOrder(db, orderId, async (tx, order) => {
    booked.length = 0; // a retried transaction starts again
    if (outcome.kind === 'accepted') {
      let current = await acceptOrder(tx, order, now);
      for (const fill of outcome.fills) {
        if (fill.venueOrderId !== order.venueOrderId) continue;
        const result = await bookFill(tx, current, fill, now);
        current = result.order;
        if (result.booked) booked.push({ fill, order: current });
      }
      // The venue already ended it (a shadow order's unfilled rest): it ends here, not at the tracker
      if (outcome.status === 'cancelled' && !isTerminal(current.status)) return transition(tx, current, { type: 'cancelled' }, now);
      return current;
    }
    if (outcome.kind === 'rejected') {
      if (isTerminal(order.status)) return order;
      return transition(tx, order, { type: 'rejected' }, now,
        { ackedAt: now, rejectReason: outcome.reason, rejectText: outcome.text.slice(0, 1000) });
    }
    // Unknown: the cash stays reserved until the venue's state is read back (INV-12)
    return order.status === 'pending' ? transition(tx, order, { type: 'ambiguous' }, now) : order;
  });
}

/** A fill booked on `order`: its latency from our submit, labelled by book (live or shadow) */
export function observeFill(metrics: Metrics, order: LiveOrder, fill: VenueFill): void {
  if (order.submittedAt) metrics.observe('fill_latency', Math.max(0, fill.time.getTime() - order.submittedAt.getTime()), { book: order.book });
}
