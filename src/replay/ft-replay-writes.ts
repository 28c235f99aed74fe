/**
 * The replay's FT writes, gathered while trades are evaluated in memory and stored together when the replay flushes
 * (before anything reads them back: a settlement, the LT side, the report) in one transaction of a few multi-row
 * statements: the new source trades, the refused records counted per hour, the new paper orders (as opened), their
 * exits, the exited orders' state after their last exit, the taken and exit dispositions, the skips added to the
 * per-hour counters, and the strategies' last sync time. A window spans many batches; each batch's values (its clock
 * time for the dispositions, the counters' hour and the sync time) are kept as they were, so what is stored is what a
 * write per batch would have stored
 */
import type { SourceTrade } from '../domain/trade.ts';
import type { Sql } from '../store/db.ts';
import { insertNewFtOrders, type NewFtOrder } from '../store/ft-order-store.ts';
import {
  addSkipCounts, insertDecidedDispositions, insertExits, setExitedOrders, type DecidedDisposition, type ExitedOrderState,
  type ExitRow, type SkipCount,
} from '../store/replay-ft-store.ts';
import { countRejects, insertSourceTrades } from '../store/trade-store.ts';
import { markWalletsSynced } from '../store/wallet-store.ts';

/** Rows per statement: one statement of a whole replay's rows would grow PGlite's WebAssembly memory, which never shrinks */
const CHUNK = 5_000;

async function chunked<T>(rows: readonly T[], write: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

/** The skips of one hour: a count per (strategy index, SKIP_REASONS index) */
interface HourSkips {
  hour: string;
  counts: Int32Array;
}

export class ReplayWrites {
  trades: SourceTrade[] = [];
  orders: (NewFtOrder & { orderId: string })[] = [];
  exits: ExitRow[] = [];
  private states = new Map<string, ExitedOrderState>();
  private dispositions: DecidedDisposition[] = [];
  /** Refused records by hour (ISO) and reason */
  private rejects = new Map<string, Map<string, number>>();
  private skips: HourSkips | null = null;
  private doneSkips: HourSkips[] = [];
  /** The clock time of the last batch that evaluated trades: the strategies' last sync time */
  private synced: Date | null = null;
  private at = new Date(0);

  /** `walletIds` in strategy index order; `reasons` the skip reasons by code */
  constructor(private walletIds: readonly string[], private reasons: readonly string[]) {}

  get pending(): number {
    return this.trades.length + this.orders.length + this.exits.length + this.dispositions.length;
  }

  /** A new batch, evaluated at `at` (its dispositions' time and their counters' hour) */
  batch(at: Date, rejected: Map<string, number>, evaluated: boolean): void {
    this.at = at;
    if (evaluated) this.synced = at;
    const hour = hourOf(at);
    if (rejected.size > 0) {
      let byReason = this.rejects.get(hour);
      if (!byReason) this.rejects.set(hour, (byReason = new Map()));
      for (const [reason, n] of rejected) byReason.set(reason, (byReason.get(reason) ?? 0) + n);
    }
    if (this.skips?.hour !== hour) {
      if (this.skips) this.doneSkips.push(this.skips);
      this.skips = { hour, counts: new Int32Array(this.walletIds.length * this.reasons.length) };
    }
  }

  exit(row: ExitRow, state: ExitedOrderState): void {
    this.exits.push(row);
    this.states.set(state.orderId, state);
  }

  decided(walletId: string, tradeKey: string, disposition: 'taken' | 'exit'): void {
    this.dispositions.push({ walletId, tradeKey, disposition, at: this.at });
  }

  /** A skip by the strategy at `index` for the reason with code `code` */
  skip(index: number, code: number): void {
    this.skips!.counts[index * this.reasons.length + code]! += 1;
  }

  /** Stores everything gathered since the last flush, in `tx` (one transaction), and starts a new window */
  async flush(tx: Sql, source: string): Promise<void> {
    await chunked(this.trades, (part) => insertSourceTrades(tx, part, source, { allNew: true }));
    for (const [hour, byReason] of this.rejects) await countRejects(tx, source, new Date(hour), byReason);
    await chunked(this.orders, (part) => insertNewFtOrders(tx, part));
    await chunked(this.exits, (part) => insertExits(tx, part));
    await chunked([...this.states.values()], (part) => setExitedOrders(tx, part));
    await chunked(this.dispositions, (part) => insertDecidedDispositions(tx, part));
    await chunked(this.skipCounts(), (part) => addSkipCounts(tx, part));
    if (this.synced && this.walletIds.length > 0) await markWalletsSynced(tx, [...this.walletIds], this.synced);
    this.trades = [];
    this.orders = [];
    this.exits = [];
    this.states.clear();
    this.dispositions = [];
    this.rejects.clear();
    this.doneSkips = [];
    if (this.skips) this.skips.counts.fill(0);
    this.synced = null;
  }

  private skipCounts(): SkipCount[] {
    const out: SkipCount[] = [];
    const n = this.reasons.length;
    for (const { hour, counts } of this.skips ? [...this.doneSkips, this.skips] : this.doneSkips) {
      for (let w = 0; w < this.walletIds.length; w++) {
        for (let r = 0; r < n; r++) {
          const count = counts[w * n + r]!;
          if (count > 0) out.push({ walletId: this.walletIds[w]!, hour, reason: this.reasons[r]!, count });
        }
      }
    }
    return out;
  }
}

function hourOf(at: Date): string {
  const hour = new Date(at);
  hour.setUTCMinutes(0, 0, 0);
  return hour.toISOString();
}
