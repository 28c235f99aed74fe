// @backend-independent
/** The signal window's bookkeeping: where the next pass's window starts, and when a full read is due */
import { describe, expect, it } from 'vitest';
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Sql } from '../store/db.ts';
import { FULL_READ_EVERY_MS, openSignalWindow, type Signal } from './lt-signals.ts';

const strategy = { userId: 'u1', strategyId: 'LT_A', ftWalletId: 'FT_A', launchedAt: new Date(0) } as LtStrategy;
const pending = (xid: bigint) => ({ recordedXid: xid }) as Signal;

describe('the LT signal window', () => {
  it('starts the next window at the first page\'s xmin, lowered by what stayed pending; a full read comes again when due', () => {
    const db = {} as Sql; // the windows are kept per database handle
    const first = openSignalWindow(db, strategy, null, 0);
    expect(first.recordedFrom).toBeNull(); // a process's first pass reads in full
    first.opened(50n);
    first.opened(90n); // a later page's snapshot: the first page's is kept
    first.completed();
    const second = openSignalWindow(db, strategy, null, 1_000);
    expect(second.recordedFrom).toBe(50n);
    second.opened(120n);
    second.stillPending(pending(70n));
    second.stillPending(pending(100n));
    second.completed();
    expect(openSignalWindow(db, strategy, null, 2_000).recordedFrom).toBe(70n);
    // A pass that did not complete (a budget cut), or read no page, leaves the window where it was
    const cut = openSignalWindow(db, strategy, null, 3_000);
    cut.opened(200n);
    const unread = openSignalWindow(db, strategy, null, 3_000);
    unread.completed();
    expect(openSignalWindow(db, strategy, null, 4_000).recordedFrom).toBe(70n);
    // The full read is due FULL_READ_EVERY_MS after the last one, and moves the window again
    const full = openSignalWindow(db, strategy, null, FULL_READ_EVERY_MS + 1);
    expect(full.recordedFrom).toBeNull();
    full.opened(300n);
    full.completed();
    expect(openSignalWindow(db, strategy, null, FULL_READ_EVERY_MS + 2).recordedFrom).toBe(300n);
  });

  it('keeps a window per strategy launch and per database; a replay\'s pass over one trade reads in full and moves none', () => {
    const db = {} as Sql;
    const w = openSignalWindow(db, strategy, null, 0);
    w.opened(10n);
    w.completed();
    expect(openSignalWindow(db, { ...strategy, ftWalletId: 'FT_B' }, null, 1).recordedFrom).toBeNull();
    expect(openSignalWindow({} as Sql, strategy, null, 1).recordedFrom).toBeNull();
    const replay = openSignalWindow(db, strategy, 'trade-1', 1);
    expect(replay.recordedFrom).toBeNull();
    replay.opened(99n);
    replay.completed();
    expect(openSignalWindow(db, strategy, null, 2).recordedFrom).toBe(10n);
  });
});
