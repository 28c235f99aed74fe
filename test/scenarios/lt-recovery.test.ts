/**
 * Recovery on start (a new process after a crash): an order left pending before it was prepared is released, one
 * prepared (maybe sent) becomes unknown and converges to the venue's state, and an order on our venue account that
 * Tandem cannot explain pauses every live strategy with a reason
 */
import { afterEach, describe, expect, it } from 'vitest';
import { price, shares, usdc } from '../../src/domain/money.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { recoverLt } from '../../src/engine/lt-recovery.ts';
import type { Venue } from '../../src/engine/venue-port.ts';
import { backendName } from '../support/test-db.ts';
import { ACCOUNT, createLtWorld, YES, type LtWorld } from '../support/lt-world.ts';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached');
}

describe(`LT recovery on start (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  const statusOf = async () => (await w.orders())[0]?.status;

  it('releases an intent the crashed process never prepared (so never sent)', async () => {
    w = await createLtWorld();
    await w.buySignal({ price: 0.5 });
    const crashing: Venue = { ...w.venue, orderBook: (t) => w.venue.orderBook(t), marketInfo: (t) => w.venue.marketInfo(t), prepare: () => never() };
    void executeLt({ ...w.deps, venue: crashing });
    await until(async () => (await statusOf()) === 'pending');
    const report = await recoverLt(w.deps);
    expect(report).toMatchObject({ pendingUnsent: 1, pendingSent: 0, unexplained: [] });
    expect(await statusOf()).toBe('rejected');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
  });

  it('turns an order prepared and sent before the crash into unknown, then into what the venue says', async () => {
    w = await createLtWorld();
    await w.buySignal({ price: 0.5 });
    const crashing: Venue = {
      ...w.venue, orderBook: (t) => w.venue.orderBook(t), marketInfo: (t) => w.venue.marketInfo(t),
      prepare: (r) => w.venue.prepare(r),
      submit: async (p) => { await w.venue.submit(p); return never(); }, // accepted, but the answer is never stored
    };
    void executeLt({ ...w.deps, venue: crashing });
    await until(async () => w.exchange.openOrders(ACCOUNT).length === 1);
    expect(await statusOf()).toBe('pending');
    const report = await recoverLt(w.deps);
    expect(report).toMatchObject({ pendingSent: 1, pendingUnsent: 0, unexplained: [] });
    expect(await statusOf()).toBe('open'); // read back from the venue during recovery
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: usdc('10') });
    expect(w.exchange.openOrders(ACCOUNT)).toHaveLength(1); // never sent twice
  });

  it('pauses live strategies when the venue shows an order of ours that Tandem cannot explain', async () => {
    w = await createLtWorld();
    w.exchange.place({ orderId: '0xforeign', account: ACCOUNT, tokenId: YES, side: 'BUY', price: price('0.4'), size: shares('10'), orderType: 'GTC' });
    const report = await recoverLt(w.deps);
    expect(report.unexplained).toEqual(['0xforeign']);
    expect(report.paused).toBe(1);
    const [row] = await w.ft.t.db.query<{ is_paused: boolean; pause_reason: string }>('SELECT is_paused, pause_reason FROM lt_strategies');
    expect(row).toMatchObject({ is_paused: true });
    expect(row!.pause_reason).toContain('cannot explain');
  });
});
