/** Booking venue facts on live orders: fills, acceptances, rejections and terminal states, each once, under the strategy lock */
import { InvariantError } from '../domain/errors.ts';
import { slippagePct } from '../domain/metrics/index.ts';
import { applyOrderEvent, isTerminal, type LtOrderState, type OrderEvent } from '../domain/lt-order.ts';
import { costOf, divRound, proceedsOf, SCALE, type Price, type Shares, type Usdc } from '../domain/money.ts';
import type { Db, Sql } from '../store/db.ts';
import { appendEntries, orderLedgerOf, raisePeakEquity, type LedgerWrite } from '../store/ledger-store.ts';
import {
  fillTotals, insertFill, loadOrder, positionOf, settleLtOutcome, updateLtMetrics, updateOrder, type LiveOrder, type OrderPatch,
} from '../store/lt-order-store.ts';
import { lockLtStrategy } from '../store/lt-strategy-store.ts';
import { recordQuality } from '../store/quality-store.ts';
import type { SubmitOutcome, VenueFill } from './venue-port.ts';

/**
 * Runs `fn` in one transaction holding the order's strategy lock (the executor's and the lifecycle commands'
 * lock), with the order read after the lock: every write to one strategy's orders and ledger is serialized
 */
export async function withLockedOrder<T>(db: Db, orderId: string, fn: (tx: Sql, order: LiveOrder) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const [owner] = await tx.query<{ u: string; s: string }>(
      'SELECT lt_user_id AS u, lt_strategy_id AS s FROM orders WHERE order_id = $1', [orderId]);
    if (!owner) throw new InvariantError(`no live order ${orderId}`);
    await lockLtStrategy(tx, owner.u, owner.s);
    return fn(tx, await loadOrder(tx, orderId));
  });
}

const entry = (o: LiveOrder, now: Date, e: Omit<LedgerWrite, 'userId' | 'strategyId' | 'book' | 'orderId' | 'createdAt'>): LedgerWrite =>
  ({ userId: o.userId, strategyId: o.strategyId, book: o.book, orderId: o.orderId, createdAt: now, ...e });

/** The cash still reserved for an order goes back to available: once per reservation generation */
export async function releaseRemainder(tx: Sql, order: LiveOrder, now: Date): Promise<Usdc> {
  const led = await orderLedgerOf(tx, order.orderId);
  if (led.reserved < 0n) throw new InvariantError(`order ${order.orderId}: reservation below zero`);
  if (led.reserved === 0n) return 0n as Usdc;
  const ref = led.reopens === 0 ? `release:${order.orderId}` : `release:${order.orderId}:${led.reopens}`;
  await appendEntries(tx, [entry(order, now, { kind: 'release', amount: led.reserved, ref })]);
  return led.reserved;
}

/** A lost order showed signs of life: reserve again what its open remainder can cost at the limit */
async function reReserve(tx: Sql, order: LiveOrder, now: Date): Promise<void> {
  if (order.side !== 'BUY') return;
  const led = await orderLedgerOf(tx, order.orderId);
  const target = costOf(order.size, order.limitPrice) - led.buyCost;
  const top = target - led.reserved;
  if (top > 0n) {
    await appendEntries(tx, [entry(order, now, { kind: 'reserve', amount: top as Usdc, ref: `reopen:${order.orderId}:${led.reopens + 1}` })]);
  }
}

const stateOf = (o: LiveOrder): LtOrderState => ({ status: o.status, size: o.size, filled: o.filled });

/**
 * Moves the order through the domain state machine and persists it; a terminal state (or lost) releases the
 * unused reservation in the same transaction
 */
export async function transition(tx: Sql, order: LiveOrder, event: OrderEvent, now: Date,
  patch: OrderPatch = {}, state: LtOrderState = stateOf(order)): Promise<LiveOrder> {
  if (order.status === 'lost' && event.type !== 'lost') await reReserve(tx, order, now);
  const next = applyOrderEvent(state, event);
  const terminal = isTerminal(next.status);
  await updateOrder(tx, order, { ...patch, status: next.status, filled: next.filled, ...(terminal ? { terminalAt: now } : {}) });
  const updated: LiveOrder = { ...order, status: next.status, filled: next.filled };
  if (terminal || next.status === 'lost') await releaseRemainder(tx, updated, now);
  if (terminal) await refreshMetrics(tx, updated);
  await recordQuality(tx, order.orderId, now);
  return updated;
}

/** The venue knows the order: pending/unknown/lost become open; a terminal order ignores a stale report */
export async function acceptOrder(tx: Sql, order: LiveOrder, now: Date): Promise<LiveOrder> {
  if (isTerminal(order.status)) return order;
  return transition(tx, order, { type: 'accepted' }, now, { ackedAt: now, notFoundCount: 0 });
}

/** Books the ledger side of one fill; returns false when the fill was booked before (by PK (order, fill)) */
async function bookFillLedger(tx: Sql, order: LiveOrder, fill: VenueFill, now: Date): Promise<boolean> {
  const position = order.side === 'SELL' ? await positionOf(tx, order.userId, order.strategyId, order.ftOrderId) : null;
  const fresh = await insertFill(tx, {
    orderId: order.orderId, fillId: fill.fillId, price: fill.price, size: fill.size, feeAsset: fill.fee.asset,
    feeAmount: fill.fee.amount, role: fill.role, venueStatus: fill.status, filledAt: fill.time, bookedAt: now,
  });
  if (!fresh) return false;
  const ref = `fill:${order.orderId}:${fill.fillId}`;
  if (order.side === 'BUY') {
    const cost = costOf(fill.size, fill.price);
    const led = await orderLedgerOf(tx, order.orderId);
    // Fills at or under the limit never need more than the reservation; a fill on an order already
    // released (a late report after a terminal state) takes the cash it really spent from available
    const topUp = cost - led.reserved;
    const entries: LedgerWrite[] = topUp > 0n
      ? [entry(order, now, { kind: 'reserve', amount: topUp as Usdc, ref: `topup:${order.orderId}:${fill.fillId}` })] : [];
    await appendEntries(tx, [...entries, entry(order, now, { kind: 'buy_fill', amount: cost, ref })]);
    return true;
  }
  if (!position || fill.size > position.shares) {
    throw new InvariantError(`sell fill ${fill.fillId} of ${fill.size} exceeds the ${position?.shares ?? 0n} shares held`);
  }
  const basis = fill.size === position.shares ? position.cost
    : (divRound(position.cost * fill.size, position.shares, 'half_even') as Usdc);
  const fee = fill.fee.asset === 'usdc' ? fill.fee.amount : (0n as Usdc);
  await appendEntries(tx, [
    entry(order, now, { kind: 'sell_fill', amount: proceedsOf(fill.size, fill.price), costBasis: basis, ref }),
    ...(fee > 0n ? [entry(order, now, { kind: 'fee', amount: fee as Usdc, ref: `fee:${order.orderId}:${fill.fillId}` })] : []),
  ]);
  return true;
}

/**
 * Books one of our fill legs exactly once, in the caller's transaction: the fill row, the ledger, then the
 * order's filled size and status. A market BUY may buy more shares than asked at better prices, so a BUY's
 * state grows to what it filled; a SELL can never overfill. Failed trades move nothing
 */
export async function bookFill(tx: Sql, order: LiveOrder, fill: VenueFill, now: Date): Promise<{ order: LiveOrder; booked: boolean }> {
  if (fill.status === 'failed') return { order, booked: false };
  if (fill.side !== order.side || fill.tokenId !== order.tokenId) {
    throw new InvariantError(`fill ${fill.fillId} does not match order ${order.orderId} (side or token)`);
  }
  // Our own leg can never be worse than our limit (INV-24): such a report is refused and surfaces as an error
  if (order.side === 'BUY' ? fill.price > order.limitPrice : fill.price < order.limitPrice) {
    throw new InvariantError(`fill ${fill.fillId} at ${fill.price} is beyond the limit ${order.limitPrice} of ${order.orderId}`);
  }
  // A lost order's fill tops up its own cost here; `transition` then reserves the open remainder again
  if (!(await bookFillLedger(tx, order, fill, now))) return { order, booked: false };
  const filled = (order.filled + fill.size) as Shares;
  const times: OrderPatch = { firstFillAt: fill.time, lastFillAt: fill.time };
  let updated: LiveOrder;
  if (isTerminal(order.status)) {
    // A late report on a finished order: the shares and cash are real, the status stays terminal
    await updateOrder(tx, order, { ...times, filled });
    updated = { ...order, filled };
    await recordQuality(tx, order.orderId, now);
  } else {
    const size = order.side === 'BUY' && filled > order.size ? filled : order.size;
    updated = await transition(tx, order, { type: 'fill', size: fill.size }, now, times, { ...stateOf(order), size });
  }
  await refreshMetrics(tx, updated);
  if (order.side === 'SELL') await afterSell(tx, updated);
  return { order: updated, booked: true };
}

/** A sale changes realized P&L (the peak may rise), and may close the whole position */
async function afterSell(tx: Sql, order: LiveOrder): Promise<void> {
  await raisePeakEquity(tx, order.userId, order.strategyId, order.book);
  const position = await positionOf(tx, order.userId, order.strategyId, order.ftOrderId);
  if (position.shares === 0n && position.entryOrderId) await settleLtOutcome(tx, position.entryOrderId, 'SOLD', null);
}

/** executed price = VWAP of our fill legs; slippage in percent against the signal; fill rate = filled / size */
export async function refreshMetrics(tx: Sql, order: LiveOrder): Promise<void> {
  const totals = await fillTotals(tx, order.orderId);
  const executed = totals.size > 0n ? (divRound(totals.notional, totals.size, 'half_even') as Price) : null;
  const slippage = slippagePct(order.side, executed, order.signalPrice); // the metrics module's signal slippage
  const fillRate = divRound(totals.size * SCALE, order.size, 'half_even');
  const terminal = isTerminal(order.status);
  const led = order.side === 'SELL' ? await orderLedgerOf(tx, order.orderId) : null;
  await updateLtMetrics(tx, order.orderId, {
    executedPrice: executed, slippagePct: slippage, fillRate,
    outcome: totals.size === 0n ? (terminal ? 'NONE' : undefined) : order.side === 'SELL' ? 'SOLD' : undefined,
    realizedPnl: led ? led.realized : null,
  });
}

/** Records what `submit` answered, in one transaction: acceptance with its immediate fills, a rejection, or unknown */
export async function recordSubmitOutcome(db: Db, orderId: string, outcome: SubmitOutcome, now: Date): Promise<LiveOrder> {
  return withLockedOrder(db, orderId, async (tx, order) => {
    if (outcome.kind === 'accepted') {
      let current = await acceptOrder(tx, order, now);
      for (const fill of outcome.fills) {
        if (fill.venueOrderId !== order.venueOrderId) continue;
        current = (await bookFill(tx, current, fill, now)).order;
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
