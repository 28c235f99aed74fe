/** Live order lifecycle against the simulated venue: unknown submits, rejections, TTL cancels, lost orders and late fills */
import { afterEach, describe, expect, it } from 'vitest';
import { price, shares, usdc } from '../../src/domain/money.ts';
import { bookFill, withLockedOrder } from '../../src/engine/lt-fills.ts';
import { cancelOpenLtOrders, LOST_AFTER, LOST_SPACING_MS } from '../../src/engine/lt-tracker.ts';
import type { VenueFill } from '../../src/engine/venue-port.ts';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, YES, type LtWorld } from '../support/lt-world.ts';

describe(`LT order lifecycle (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  /** A signal for a $10 BUY of 20 shares at 0.50 into an empty book: a GTC order rests */
  async function restingOrder(settings: Record<string, unknown> = {}) {
    w = await createLtWorld({ settings });
    await w.buySignal({ price: 0.5 });
  }
  const status = async () => (await w.orders())[0]!.status;

  it('INV-12: an unknown submit keeps the cash reserved, and the order converges once its status is read', async () => {
    await restingOrder();
    w.sim.faults.dropNextSubmitResponse();
    const report = await w.execute();
    expect(report.submissions[0]).toMatchObject({ outcome: 'unknown', status: 'unknown' });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: usdc('10') });
    const sync = await w.sync();
    expect(sync).toMatchObject({ polled: 1, errors: [] });
    expect(await status()).toBe('open');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: usdc('10') });
    w.takeFromMaker('SELL', '0.50', '20');
    await w.sync();
    expect(await status()).toBe('filled');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
  });

  it('INV-2/INV-12: a venue rejection releases the reservation and the signal is never placed again', async () => {
    await restingOrder();
    w.exchange.setCancelOnly(true);
    const first = await w.execute();
    expect(first.submissions[0]).toMatchObject({ outcome: 'rejected', status: 'rejected' });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
    w.exchange.setCancelOnly(false);
    const again = await w.execute();
    expect(again).toMatchObject({ signals: 0, ordered: 0 });
    expect(w.probe.submits).toBe(1);
    expect(await w.dispositions()).toEqual([expect.objectContaining({ disposition: 'ordered' })]);
  });

  it('INV-15/INV-9: a partial fill past its TTL is cancelled; a fill landing before the cancel is booked before the release', async () => {
    await restingOrder({ order_ttl_seconds: 120 });
    w.asks([['0.50', '8']]);
    await w.execute();
    expect(await status()).toBe('partially_filled');
    w.ft.clock.advance(119_000);
    expect(await w.sync()).toMatchObject({ cancelsSent: 0 });
    w.ft.clock.advance(1_000);
    w.probe.beforeCancel = () => w.takeFromMaker('SELL', '0.50', '6'); // races the cancel and wins
    const sync = await w.sync();
    expect(sync).toMatchObject({ cancelsSent: 1, finished: 1, fillsBooked: 1, errors: [] });
    expect((await w.orders())[0]).toMatchObject({ status: 'cancelled', filled_size: '14.000000', fill_rate: '0.700000' });
    // 14 shares at 0.50 cost $7; the other $3 of the reservation went back
    expect(await w.checkLedger()).toMatchObject({ available: usdc('993'), reserved: 0n, positionCost: usdc('7') });
    expect((await w.sync()).polled).toBe(0);
  });

  it('INV-9: a GTD order goes to the venue with the strategy type and an expiry of now + TTL', async () => {
    await restingOrder({ order_type: 'GTD', order_ttl_seconds: 600 });
    await w.execute();
    const [order] = await w.orders();
    const atVenue = w.exchange.order(order!.venue_order_id as string)!;
    expect(atVenue).toMatchObject({ orderType: 'GTD', status: 'live' });
    expect(atVenue.expiresAt?.toISOString()).toBe(new Date(w.ft.clock.now().getTime() + 600_000).toISOString());
    w.ft.clock.advance(600_000);
    w.exchange.tick();
    await w.sync();
    expect(await status()).toBe('expired');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
  });

  it('INV-13: lost only after 2 positive not-founds at least LOST_SPACING_MS apart (errors and a quick second read never count), and a later fill reopens it', async () => {
    await restingOrder();
    await w.execute();
    const [order] = await w.orders();
    w.probe.statusError = true;
    for (let i = 0; i < 4; i++) await w.sync();
    expect(await status()).toBe('open');
    w.probe.statusError = false;
    w.probe.hidden.add(order!.venue_order_id as string);
    await w.sync();
    w.ft.clock.advance(LOST_SPACING_MS - 1);
    await w.sync(); // a second not-found, but too soon after the first: not new evidence
    expect(await status()).toBe('open');
    expect(await w.checkLedger()).toMatchObject({ reserved: usdc('10') });
    w.ft.clock.advance(1);
    expect(await w.sync()).toMatchObject({ lost: 1 });
    expect(LOST_AFTER).toBe(2);
    expect(await status()).toBe('lost');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
    // It was resting all along: a fill of 8 reopens it, books the cost and reserves the open 12 again
    w.takeFromMaker('SELL', '0.50', '8');
    expect(await w.sync()).toMatchObject({ fillsBooked: 1, reopened: 1 });
    expect(await status()).toBe('partially_filled');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: usdc('6'), positionCost: usdc('4') });
    w.takeFromMaker('SELL', '0.50', '12');
    await w.sync();
    expect(await status()).toBe('filled');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
  });

  it('INV-13: a submit that placed nothing (5xx) is unknown, then lost after 2 spaced passes, and its cash comes back', async () => {
    await restingOrder();
    w.sim.faults.failNextSubmit5xx();
    await w.execute();
    expect(await status()).toBe('unknown');
    await w.sync();
    expect(await w.checkLedger()).toMatchObject({ reserved: usdc('10') });
    w.ft.clock.advance(LOST_SPACING_MS);
    await w.sync();
    expect(await status()).toBe('lost');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
    expect(w.probe.submits).toBe(1);
  });

  it('INV-9: FOK buys all at once (a market BUY may get more shares at a better price) or is rejected and released', async () => {
    w = await createLtWorld({ settings: { order_type: 'FOK' } });
    w.asks([['0.49', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    // $10 at 0.49 buys 20.408163 shares, for at most the $10 reserved at the 0.50 limit
    expect((await w.orders())[0]).toMatchObject({ order_type: 'FOK', status: 'filled', size: '20.000000', filled_size: '20.408163' });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), reserved: 0n, positionCost: usdc('10') });
    await w.close();
    w = await createLtWorld({ settings: { order_type: 'FOK' } });
    w.asks([['0.50', '10']]); // half the size: the venue kills it
    await w.buySignal({ price: 0.5 });
    expect((await w.execute()).submissions[0]).toMatchObject({ outcome: 'rejected', status: 'rejected' });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1000'), reserved: 0n });
  });

  it('INV-35/INV-12: FAK fills what it can; the venue cancels the rest and the tracker releases it', async () => {
    w = await createLtWorld({ settings: { order_type: 'FAK' } });
    w.asks([['0.50', '10']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    expect(await status()).toBe('partially_filled');
    expect(await w.checkLedger()).toMatchObject({ reserved: usdc('5'), positionCost: usdc('5') });
    await w.sync();
    expect(await status()).toBe('cancelled');
    expect(await w.checkLedger()).toMatchObject({ available: usdc('995'), reserved: 0n, positionCost: usdc('5') });
  });

  it('INV-16: a sync pass reads each open order\'s status once', async () => {
    w = await createLtWorld();
    for (let i = 0; i < 3; i++) await w.buySignal({ price: 0.5 });
    await w.execute();
    expect(await w.sync()).toMatchObject({ polled: 3 });
    expect(w.probe.statusReads).toBe(3);
    await w.sync();
    expect(w.probe.statusReads).toBe(6);
  });

  it('INV-24: a fill reported beyond our limit is refused, not booked', async () => {
    await restingOrder();
    await w.execute();
    const [order] = await w.orders();
    const fill: VenueFill = {
      fillId: 'bad', venueOrderId: order!.venue_order_id as string, tokenId: YES, side: 'BUY', price: price('0.6'),
      size: shares('5'), fee: { asset: 'shares', amount: shares('0') }, role: 'taker', time: w.ft.clock.now(), status: 'matched',
    };
    await expect(withLockedOrder(w.ft.t.db, order!.order_id as string, (tx, o) => bookFill(tx, o, fill, w.ft.clock.now())))
      .rejects.toThrow(/beyond the limit/);
    expect((await w.orders())[0]).toMatchObject({ filled_size: '0.000000' });
    expect(await w.checkLedger()).toMatchObject({ reserved: usdc('10'), positionCost: 0n });
  });

  it('PRODUCT 5.10: cancelling open orders re-reads fills, then releases what is left', async () => {
    await restingOrder();
    await w.execute();
    w.probe.beforeCancel = () => w.takeFromMaker('SELL', '0.50', '6');
    const report = await cancelOpenLtOrders(w.deps, { userId: w.userId });
    expect(report).toMatchObject({ cancelsSent: 1, fillsBooked: 1, finished: 1, errors: [] });
    expect((await w.orders())[0]).toMatchObject({ status: 'cancelled', filled_size: '6.000000' });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('997'), reserved: 0n, positionCost: usdc('3') });
  });
});
