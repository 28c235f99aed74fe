/** LT signals: the mirrored FT wallet's paper orders (entries) and exits since launch that have no disposition yet, read in pages */
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Sql } from '../store/db.ts';
import { pendingSignalsPage, type Signal, type SignalCursor } from '../store/lt-signal-store.ts';

export type { Signal, SignalSizing } from '../store/lt-signal-store.ts';

/** Newest-first would starve old signals; they are read oldest first and the age limit expires what is too old */
export const SIGNAL_PAGE = 200;

/**
 * Every pending signal, page by page: the keyset cursor moves past each page, so a signal that stays pending
 * (deferred, or failed) is not read again in this walk and nothing is silently cut off by a LIMIT (INV-4)
 */
export async function* pendingSignals(sql: Sql, s: LtStrategy, pageSize = SIGNAL_PAGE,
  sourceTradeId: string | null = null): AsyncGenerator<Signal> {
  let after: SignalCursor | null = null;
  for (;;) {
    const page = await pendingSignalsPage(sql, s, after, pageSize, sourceTradeId);
    for (const signal of page) yield signal;
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) return;
    after = { at: last.sourceTradeAt, ftOrderId: last.ftOrderId, leg: last.leg };
  }
}

/** How old a signal is (now − source trade time), and whether that is past the strategy's limit (null: no limit) */
export function signalAge(s: Pick<LtStrategy, 'maxSignalAgeSeconds'>, signal: Pick<Signal, 'sourceTradeAt'>, now: Date):
  { ageMs: number; expired: boolean } {
  const ageMs = now.getTime() - signal.sourceTradeAt.getTime();
  return { ageMs, expired: s.maxSignalAgeSeconds !== null && ageMs > s.maxSignalAgeSeconds * 1000 };
}
