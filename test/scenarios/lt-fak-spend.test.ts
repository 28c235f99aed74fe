/**
 * A FAK BUY is a market order sized in dollars (rounded down to cents): it can spend its whole amount and still
 * receive a little less than the shares asked. The venue then reports it matched, not cancelled; the tracker must
 * end it and release what stays reserved, not leave it partially filled forever
 */
import { afterEach, describe, expect, it } from 'vitest';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

describe(`LT FAK BUY sized in dollars (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it('INV-10/INV-12: a FAK the venue reports matched below its size ends, and its remainder is released', async () => {
    w = await createLtWorld({ settings: { order_type: 'FAK' } });
    w.asks([['0.47', '1000']]);
    await w.buySignal({ price: 0.47 });
    await w.execute();
    await w.sync();
    const [order] = await w.orders();
    // $10 at 0.47 → 21.27 shares asked; $9.99 (cents, rounded down) buys 21.255319 at 0.47
    expect(order).toMatchObject({ size: '21.270000', filled_size: '21.255319' });
    expect(order!.status).toBe('cancelled');
    const ledger = await w.checkLedger();
    expect(ledger.reserved).toBe(0n);
  });
});
