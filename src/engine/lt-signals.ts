/** LT signals: the mirrored FT wallet's paper orders (entries) and exits since launch that have no disposition yet, read in pages */
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Sql } from '../store/db.ts';
import { pendingSignalsPage, type Signal, type SignalCursor, type SignalPage } from '../store/lt-signal-store.ts';

export type { Signal, SignalSizing } from '../store/lt-signal-store.ts';

/** Newest-first would starve old signals; they are read oldest first and the age limit expires what is too old */
export const SIGNAL_PAGE = 200;

export interface SignalWalk {
  /** Rows per page (default SIGNAL_PAGE) */
  pageSize?: number | undefined;
  /** Only this source trade's signals (a replay), read in full */
  sourceTradeId?: string | null | undefined;
  /** The pass's window: which rows are read, and where the next window may start (absent: a full read) */
  window?: SignalWindow | undefined;
  /** The walk's first page, already asked for with the same walk (firstSignalPage) */
  first?: Promise<SignalPage> | undefined;
}

/** The walk's page after `after` (null: its first) */
const walkPage = (sql: Sql, s: LtStrategy, walk: SignalWalk, after: SignalCursor | null): Promise<SignalPage> =>
  pendingSignalsPage(sql, s, after, walk.pageSize ?? SIGNAL_PAGE, walk.sourceTradeId ?? null, walk.window?.recordedFrom ?? null);

/** The first page of a walk: asked for ahead of it (the executor reads it beside the launched strategies) */
export const firstSignalPage = (sql: Sql, s: LtStrategy, walk: SignalWalk): Promise<SignalPage> => walkPage(sql, s, walk, null);

/**
 * Every pending signal, page by page: the keyset cursor moves past each page, so a signal that stays pending
 * (deferred, or failed) is not read again in this walk and nothing is silently cut off by a LIMIT (INV-4)
 */
export async function* pendingSignals(sql: Sql, s: LtStrategy, walk: SignalWalk = {}): AsyncGenerator<Signal> {
  const pageSize = walk.pageSize ?? SIGNAL_PAGE;
  let page = walk.first ?? firstSignalPage(sql, s, walk);
  for (;;) {
    const { signals, windowXmin } = await page;
    walk.window?.opened(windowXmin);
    for (const signal of signals) yield signal;
    const last = signals[signals.length - 1];
    if (!last || signals.length < pageSize) return;
    page = walkPage(sql, s, walk, { at: last.sourceTradeAt, ftOrderId: last.ftOrderId, leg: last.leg });
  }
}

/** How old a signal is (now − source trade time), and whether that is past the strategy's limit (null: no limit) */
export function signalAge(s: Pick<LtStrategy, 'maxSignalAgeSeconds'>, signal: Pick<Signal, 'sourceTradeAt'>, now: Date):
  { ageMs: number; expired: boolean } {
  const ageMs = now.getTime() - signal.sourceTradeAt.getTime();
  return { ageMs, expired: s.maxSignalAgeSeconds !== null && ageMs > s.maxSignalAgeSeconds * 1000 };
}

/** A full read of every signal since launch at least this often (wall clock), and on a process's first pass */
export const FULL_READ_EVERY_MS = 30_000;

interface WindowState {
  /** Every signal recorded by a transaction below this id was decided when the last complete pass ended */
  from: bigint;
  fullReadAtMs: number;
}

/** Per database handle, per strategy (its launch and FT wallet in the key: a relaunch starts with a full read) */
const windows = new WeakMap<object, Map<string, WindowState>>();
export const windowKey = (s: LtStrategy): string => `${s.userId}|${s.strategyId}|${s.ftWalletId}|${s.launchedAt?.toISOString() ?? ''}`;

/**
 * Which signals one executor pass reads (INV-4: every pending signal is read, oldest first). A full read walks every
 * FT order and exit since launch; after a complete pass, the next ones read only what transactions recorded from the
 * oldest of: the xmin of that pass's first page's snapshot (every transaction below it had ended, so its rows were
 * there to read), and the transaction of any signal that pass left pending. Transaction ids, not
 * times: a transaction open for long, or a clock that stepped back, moves no row out of the window. A full read comes
 * again every FULL_READ_EVERY_MS all the same. Only a complete pass (no budget cut, no round limit) moves the window
 */
export interface SignalWindow {
  /** null: a full read */
  recordedFrom: bigint | null;
  /** A page was read: where the next window may start as it was read (the first page's is kept) */
  opened(windowXmin: bigint | null): void;
  /** A signal this pass read and did not decide (deferred, failed, or decided by another run meanwhile) */
  stillPending(signal: Signal): void;
  /** The walk read every pending signal and ended by itself */
  completed(): void;
}

export function openSignalWindow(db: Sql, s: LtStrategy, sourceTradeId: string | null, nowMs: number = Date.now()): SignalWindow {
  // A replay's pass over one source trade reads that trade's signals in full, and leaves the window alone
  if (sourceTradeId !== null) {
    return { recordedFrom: null, opened: () => undefined, stillPending: () => undefined, completed: () => undefined };
  }
  let byStrategy = windows.get(db);
  if (!byStrategy) windows.set(db, (byStrategy = new Map()));
  const map = byStrategy;
  const key = windowKey(s);
  const state = map.get(key);
  const windowed = state !== undefined && nowMs - state.fullReadAtMs < FULL_READ_EVERY_MS;
  // The first page's snapshot's xmin (below it, every transaction had ended), then lowered by what stays pending
  let oldest: bigint | null = null;
  return {
    recordedFrom: windowed ? state.from : null,
    opened: (xmin) => { oldest ??= xmin; },
    stillPending: (signal) => { if (oldest !== null && signal.recordedXid < oldest) oldest = signal.recordedXid; },
    completed: () => { if (oldest !== null) map.set(key, { from: oldest, fullReadAtMs: windowed ? state.fullReadAtMs : nowMs }); },
  };
}
