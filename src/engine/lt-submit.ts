/** After the intent commits: prepare, persist and submit a live order and record the answer; shadow orders fill against the book instead */
import { isTerminal } from '../domain/lt-order.ts';
import type { Shares, Usdc } from '../domain/money.ts';
import type { Db } from '../store/db.ts';
import { markPrepared, type LiveOrder } from '../store/lt-order-store.ts';
import { takerFee } from '../domain/fees.ts';
import type { MarketInfo, OrderRequest, PreparedOrder, SubmitOutcome, Venue, VenueFill } from './venue-port.ts';
import { bookFill, recordSubmitOutcome, transition, withLockedOrder } from './lt-fills.ts';
import { viewOf, walkBook } from './lt-pricing.ts';
import type { LtHooks } from './lt-hooks.ts';
import type { Clock } from './ports.ts';

export interface LtVenueDeps {
  db: Db;
  venue: Venue;
  clock: Clock;
  /** Test-only injection points (crash tests); production never sets it */
  hooks?: LtHooks;
}

export interface Submission {
  orderId: string;
  /** What happened: the venue's answer, a shadow simulation, or not sent (refused before the venue, or sent by another caller) */
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
  return { orderId: order.orderId, outcome: 'not_sent', status: done.status, latencyMs: null };
}

/**
 * Sends one committed intent. The prepared order (its venue id is known before sending) and the submit time
 * are stored first, so an ambiguous answer or a crash leaves an order the tracker can look up. A submit
 * that throws is unknown, never rejected
 */
export async function submitIntent(deps: LtVenueDeps, order: LiveOrder, market: MarketInfo): Promise<Submission> {
  if (order.isShadow) return simulateShadow(deps, order, market);
  let prepared: PreparedOrder;
  try {
    prepared = await deps.venue.prepare(requestOf(order));
  } catch (e) {
    return refuseLocally(deps, order, 'prepare', message(e));
  }
  if (prepared.price !== order.limitPrice || prepared.size !== order.size) {
    // The market's rules changed since the intent: the reservation no longer matches what would be sent
    return refuseLocally(deps, order, 'prepare', `prepared ${prepared.size}@${prepared.price} differs from the intent`);
  }
  const at = deps.clock.now();
  // Under the strategy lock, so recovery never decides on a pending intent while it is being marked sent (INV-18)
  const marked = await withLockedOrder(deps.db, order.orderId,
    (tx) => markPrepared(tx, order.orderId, prepared.venueOrderId, prepared.payload, at));
  if (!marked) {
    return { orderId: order.orderId, outcome: 'not_sent', status: order.status, latencyMs: null };
  }
  let outcome: SubmitOutcome;
  try {
    outcome = await deps.venue.submit(prepared);
  } catch (e) {
    outcome = { kind: 'unknown', detail: message(e) };
  }
  await deps.hooks?.at('after_submit');
  const recorded = await recordSubmitOutcome(deps.db, order.orderId, outcome, deps.clock.now());
  return { orderId: order.orderId, outcome: outcome.kind, status: recorded.status, latencyMs: latency(order, at) };
}

/** The taker fee of a walk, level by level as the venue charges it: shares on a BUY (capped at the shares), USDC on a SELL */
function shadowFee(order: LiveOrder, market: MarketInfo, levels: { price: bigint; size: bigint }[], filled: Shares): VenueFill['fee'] {
  let fee = 0n;
  for (const l of levels) fee += takerFee(l.size as Shares, l.price as LiveOrder['limitPrice'], market.fee);
  return order.side === 'BUY'
    ? { asset: 'shares', amount: (fee > filled ? filled : fee) as Shares }
    : { asset: 'usdc', amount: fee as Usdc };
}

/**
 * Shadow mode: the same intent, risk and ledger path, but no venue call. The order takes what the current book
 * offers within its limit, at that VWAP with the market's taker fee, in the shadow book; what does not fill at
 * once is cancelled (resting fills are not simulated). FOK fills all or is rejected, FAK rejects an empty fill
 */
async function simulateShadow(deps: LtVenueDeps, order: LiveOrder, market: MarketInfo): Promise<Submission> {
  const walk = walkBook(viewOf(await deps.venue.orderBook(order.tokenId)), order.side, order.size, order.limitPrice);
  const now = deps.clock.now();
  const done = await withLockedOrder(deps.db, order.orderId, async (tx, o) => {
    if (o.status !== 'pending') return o;
    const sent = { submittedAt: now, ackedAt: now };
    const refusal = o.orderType === 'FOK' && walk.filled < o.size ? 'fok_unfilled'
      : o.orderType === 'FAK' && walk.filled === 0n ? 'fak_unfilled' : null;
    if (refusal) return transition(tx, o, { type: 'rejected' }, now, { ...sent, rejectReason: refusal, rejectText: 'shadow' });
    let current = await transition(tx, o, { type: 'accepted' }, now, sent);
    if (walk.filled > 0n && walk.vwap !== null) {
      const fill: VenueFill = {
        fillId: 'shadow', venueOrderId: 'shadow', tokenId: o.tokenId, side: o.side, price: walk.vwap, size: walk.filled,
        fee: shadowFee(o, market, walk.levels, walk.filled), role: 'taker', time: now, status: 'matched',
      };
      current = (await bookFill(tx, current, fill, now)).order;
    }
    return isTerminal(current.status) ? current : transition(tx, current, { type: 'cancelled' }, now);
  });
  return { orderId: order.orderId, outcome: 'shadow', status: done.status, latencyMs: latency(order, now) };
}
