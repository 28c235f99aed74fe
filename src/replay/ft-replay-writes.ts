/**
 * One replay batch's FT writes, gathered while the batch is evaluated in memory and stored at its end in at most five
 * multi-row statements: the new paper orders (as opened), their exits, the exited orders' state after the last exit,
 * the taken and exit dispositions, and the skips added to the per-hour counters
 */
import type { Sql } from '../store/db.ts';
import { insertFtOrders, type NewFtOrder } from '../store/ft-order-store.ts';
import {
  addSkipCounts, insertDecidedDispositions, insertExits, setExitedOrders, type DecidedDisposition, type ExitedOrderState,
  type ExitRow,
} from '../store/replay-ft-store.ts';

export class BatchWrites {
  readonly orders: (NewFtOrder & { orderId: string })[] = [];
  readonly exits: ExitRow[] = [];
  private states = new Map<string, ExitedOrderState>();
  private dispositions: DecidedDisposition[] = [];
  /** Skips by wallet and reason (every disposition of a batch is at the batch's clock time, so in one hour) */
  private skips = new Map<string, Map<string, number>>();

  constructor(private at: Date) {}

  order(o: NewFtOrder & { orderId: string }): void {
    this.orders.push(o);
  }

  exit(row: ExitRow, state: ExitedOrderState): void {
    this.exits.push(row);
    this.states.set(state.orderId, state);
  }

  decided(walletId: string, tradeKey: string, disposition: 'taken' | 'exit'): void {
    this.dispositions.push({ walletId, tradeKey, disposition, at: this.at });
  }

  skip(walletId: string, reason: string): void {
    let byReason = this.skips.get(walletId);
    if (!byReason) this.skips.set(walletId, (byReason = new Map()));
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }

  async flush(tx: Sql): Promise<void> {
    const inserted = await insertFtOrders(tx, this.orders);
    if (inserted !== this.orders.length) throw new Error(`${this.orders.length - inserted} paper orders already existed`);
    await insertExits(tx, this.exits);
    await setExitedOrders(tx, [...this.states.values()]);
    await insertDecidedDispositions(tx, this.dispositions);
    const hour = new Date(this.at);
    hour.setUTCMinutes(0, 0, 0);
    await addSkipCounts(tx, [...this.skips].flatMap(([walletId, byReason]) =>
      [...byReason].map(([reason, count]) => ({ walletId, hour: hour.toISOString(), reason, count }))));
  }
}
