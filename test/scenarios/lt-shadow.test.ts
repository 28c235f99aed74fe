/** Shadow orders take the engine's one submit path to the shadow venue, and nothing of theirs reaches the real venue */
import { afterEach, describe, expect, it } from 'vitest';
import type { Venue } from '../../src/engine/venue-port.ts';
import { executeLt, type LtExecutorDeps } from '../../src/engine/lt-executor.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { createShadowVenue } from '../../src/venues/shadow-venue.ts';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

describe(`LT shadow mode (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  /** The world's venue, except that trading or reading an order throws: a shadow order must never need it */
  function untouchable(world: LtWorld): { deps: LtExecutorDeps; calls: string[] } {
    const calls: string[] = [];
    const refuse = (what: string) => async (): Promise<never> => {
      calls.push(what);
      throw new Error(`a shadow order reached the real venue's ${what}`);
    };
    const venue: Venue = {
      ...world.venue, prepare: refuse('prepare'), submit: refuse('submit'), cancel: refuse('cancel'), orderStatus: refuse('orderStatus'),
    };
    return { deps: { ...world.deps, venue, shadowVenue: createShadowVenue(venue, world.ft.clock) }, calls };
  }

  const ledgerRefs = () => w.ft.t.db.query<{ kind: string; ref: string }>(
    `SELECT kind, replace(ref, order_id::text, '<order>') AS ref FROM ledger_entries WHERE order_id IS NOT NULL ORDER BY ref`);

  it('fills within the limit, cancels the rest at once and books it, without the real venue; the tracker leaves it alone', async () => {
    w = await createLtWorld({ settings: { mode: 'shadow', slippage_tolerance_pct: '1' }, feeRate: '0.02' });
    const { deps, calls } = untouchable(w);
    w.asks([['0.50', '12'], ['0.51', '5']]);
    await w.buySignal({ price: 0.5 });
    const report = await executeLt(deps);
    expect(report).toMatchObject({ ordered: 1, errors: [] });
    expect(report.submissions).toEqual([expect.objectContaining({ outcome: 'shadow', status: 'cancelled', latencyMs: 0 })]);
    const now = w.ft.clock.now();
    const [order] = await w.ft.t.db.query(`SELECT status, filled_size::text, reject_reason, submitted_at, acked_at, first_fill_at,
      terminal_at FROM orders`);
    expect(order).toEqual({ status: 'cancelled', filled_size: '12.000000', reject_reason: null, submitted_at: now, acked_at: now,
      first_fill_at: now, terminal_at: now });
    expect(await w.ft.t.db.query('SELECT fill_id, size::text, fee_asset, fee_amount::text FROM fills'))
      .toEqual([{ fill_id: 'shadow', size: '12.000000', fee_asset: 'shares', fee_amount: '0.060000' }]);
    expect(await ledgerRefs()).toEqual([
      { kind: 'buy_fill', ref: 'fill:<order>:shadow' }, { kind: 'release', ref: 'release:<order>' }, { kind: 'reserve', ref: 'reserve:<order>' },
    ]);
    expect(await syncLtOrders(deps)).toMatchObject({ polled: 0, errors: [] });
    expect(calls).toEqual([]);
    expect(w.probe).toMatchObject({ submits: 0, cancels: 0, statusReads: 0 });
    await w.checkLedger();
  });

  it('a FOK the book cannot fill is rejected as fok_unfilled, answered at once, its reservation released', async () => {
    w = await createLtWorld({ settings: { mode: 'shadow', slippage_tolerance_pct: '1', order_type: 'FOK' } });
    const { deps, calls } = untouchable(w);
    w.asks([['0.50', '5']]);
    await w.buySignal({ price: 0.5 });
    expect((await executeLt(deps)).submissions).toEqual([expect.objectContaining({ outcome: 'shadow', status: 'rejected' })]);
    const now = w.ft.clock.now();
    const [order] = await w.ft.t.db.query('SELECT status, reject_reason, reject_text, submitted_at, acked_at FROM orders');
    expect(order).toEqual({ status: 'rejected', reject_reason: 'fok_unfilled', reject_text: 'shadow', submitted_at: now, acked_at: now });
    expect(await w.checkLedger()).toMatchObject({ available: 1_000_000_000n, reserved: 0n });
    expect(calls).toEqual([]);
  });
});
