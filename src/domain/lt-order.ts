/**
 * The live order state machine: one transition table, one way to change an order. `unknown` and `lost`
 * are real states; only a venue-confirmed terminal state ends an order, and a fill reopens a lost one
 */
import { InvariantError } from './errors.ts';
import type { Shares } from './money.ts';

export type OrderSide = 'BUY' | 'SELL';

/** GTC rests until cancelled; GTD until its expiry; FOK fills entirely now or not at all; FAK fills what it can now */
export type OrderType = 'GTC' | 'GTD' | 'FOK' | 'FAK';

export const LT_ORDER_STATUSES = [
  'pending', 'unknown', 'open', 'partially_filled', 'filled', 'cancelled', 'expired', 'rejected', 'lost',
] as const;
export type LtOrderStatus = (typeof LT_ORDER_STATUSES)[number];

export const TERMINAL: ReadonlySet<LtOrderStatus> = new Set(['filled', 'cancelled', 'expired', 'rejected']);
/**
 * The statuses of an order that may still trade or change (`lost` included: a fill reopens it). The partial index
 * `orders_open` (migration 0002) is over the same list, so that `status IN` these can use it (test: not-terminal.test.ts)
 */
export const NOT_TERMINAL: readonly LtOrderStatus[] = LT_ORDER_STATUSES.filter((s) => !TERMINAL.has(s));

export type OrderEvent =
  /** The venue accepted the order (it may already have matched) */
  | { type: 'accepted' }
  /** A definitive "no" from the venue; nothing was placed */
  | { type: 'rejected' }
  /** The submit outcome is ambiguous (timeout, 5xx, dropped response) */
  | { type: 'ambiguous' }
  | { type: 'fill'; size: Shares }
  /** A fill reported after the order ended: the shares and cash are real, the status stays terminal */
  | { type: 'late_fill'; size: Shares }
  | { type: 'cancelled' }
  | { type: 'expired' }
  /** Enough positive not-found answers, spaced in time, with no fill seen */
  | { type: 'lost' };

export interface LtOrderState {
  status: LtOrderStatus;
  size: Shares;
  filled: Shares;
}

type Next = Partial<Record<OrderEvent['type'], LtOrderStatus>>;
const NEXT: Record<LtOrderStatus, Next> = {
  pending: { accepted: 'open', rejected: 'rejected', ambiguous: 'unknown', fill: 'partially_filled', cancelled: 'cancelled', expired: 'expired' },
  unknown: { accepted: 'open', rejected: 'rejected', fill: 'partially_filled', cancelled: 'cancelled', expired: 'expired', lost: 'lost' },
  open: { fill: 'partially_filled', cancelled: 'cancelled', expired: 'expired', accepted: 'open', lost: 'lost' },
  partially_filled: { fill: 'partially_filled', cancelled: 'cancelled', expired: 'expired', accepted: 'partially_filled' },
  // A lost order reopens on any evidence: a fill, or the venue reporting it
  lost: { fill: 'partially_filled', accepted: 'open', cancelled: 'cancelled', expired: 'expired' },
  filled: { late_fill: 'filled' },
  cancelled: { late_fill: 'cancelled' },
  expired: { late_fill: 'expired' },
  rejected: { late_fill: 'rejected' },
};

/** Applies an event; an event a state does not allow is a bug (or a venue contradiction) and throws */
export function applyOrderEvent(order: LtOrderState, event: OrderEvent): LtOrderState {
  const status = NEXT[order.status][event.type];
  if (!status) throw new InvariantError(`order ${order.status}: ${event.type} is not allowed`);
  if (event.type !== 'fill' && event.type !== 'late_fill') {
    return { ...order, status: status === 'open' && order.filled > 0n ? 'partially_filled' : status };
  }
  const filled = (order.filled + event.size) as Shares;
  if (event.size <= 0n) throw new InvariantError('a fill must have a positive size');
  if (filled > order.size) throw new InvariantError(`order overfilled: ${filled} > ${order.size}`);
  if (event.type === 'late_fill') return { ...order, filled };
  return { ...order, filled, status: filled === order.size ? 'filled' : status };
}

/** True if the event would change nothing (used to make replays of venue updates idempotent) */
export const isTerminal = (status: LtOrderStatus): boolean => TERMINAL.has(status);
