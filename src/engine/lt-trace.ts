/**
 * One trace id per LT signal, followed in the logs from the signal's source trade to its last fill. It is derived,
 * never stored: the SHA-256 (first 32 hex digits, a W3C trace-id's size) of the signal's key, the intent's client
 * order id `user:strategy:ft order:leg`, which is unique per signal and the same in every process and after a
 * restart, so a worker that takes a strategy over, or a recovery, logs under the id the signal started with
 */
import { createHash } from 'node:crypto';
import { childLog, silentLog } from '../log.ts';
import { formatMicros } from '../domain/money.ts';
import type { LiveOrder } from '../store/lt-order-store.ts';
import type { BookedFill } from './lt-fills.ts';
import type { Log } from './ports.ts';

/** What identifies one signal of one LT strategy: an FT order's entry, or one of its exits */
export interface SignalKey {
  userId: string;
  strategyId: string;
  ftOrderId: string;
  leg: string;
}

/** The intent's idempotency key at the venue (orders.client_order_id) */
export const clientOrderIdOf = (k: SignalKey): string => `${k.userId}:${k.strategyId}:${k.ftOrderId}:${k.leg}`;

/** The signal's trace id: `printf '%s' "$client_order_id" | sha256sum | cut -c1-32` */
export const traceIdOf = (k: SignalKey): string => createHash('sha256').update(clientOrderIdOf(k)).digest('hex').slice(0, 32);

/** A log whose lines carry the signal's trace id and key (no log: lines go nowhere) */
export function signalLog(log: Log | undefined, k: SignalKey): Log {
  if (!log) return silentLog;
  return childLog(log, { trace_id: traceIdOf(k), strategy: k.strategyId, ft_order: k.ftOrderId, leg: k.leg });
}

/** An order's log: its signal's, with the order's ids */
export const orderLog = (log: Log | undefined, o: LiveOrder): Log =>
  (log ? childLog(signalLog(log, o), { order: o.orderId, venue_order: o.venueOrderId }) : silentLog);

/**
 * Logs, after its transaction committed, what one step did to an order: each fill it booked, then its status when
 * that changed (`before`: the order as read under the lock)
 */
export function logOrderStep(log: Log | undefined, before: LiveOrder, after: LiveOrder, fills: readonly BookedFill[] = [],
  extra: Record<string, unknown> = {}): void {
  if (!log) return;
  const l = orderLog(log, after);
  for (const { fill, order } of fills) {
    l.info('lt order fill', { fill: fill.fillId, price: formatMicros(fill.price), shares: formatMicros(fill.size), role: fill.role,
      filled: formatMicros(order.filled), size: formatMicros(order.size), status: order.status });
  }
  if (after.status !== before.status) {
    const fields = { from: before.status, status: after.status, filled: formatMicros(after.filled), ...extra };
    if (after.status === 'lost' || after.status === 'unknown') l.warn(`lt order ${after.status}`, fields);
    else l.info(`lt order ${after.status}`, fields);
  }
}
