// @backend-independent
/** The shadow venue: the book walk a shadow order gets, and proof that nothing reaches the real venue */
import { describe, expect, it } from 'vitest';
import { price, ratio, shares, type Shares } from '../domain/money.ts';
import { ManualClock } from '../engine/clock.ts';
import type { BookLevel, MarketInfo, OrderRequest, OrderType, Venue } from '../engine/venue-port.ts';
import { createShadowVenue } from './shadow-venue.ts';
import { expectSignerAndClose } from '../../test/support/venue-contract.ts';

const TOKEN = 'yes-token';
const level = (p: string, size: string): BookLevel => ({ price: price(p), size: shares(size) });

/** A real venue that answers reads of markets and books and throws on anything else: every call is counted */
function readOnlyVenue(book: { asks: BookLevel[]; bids: BookLevel[] }, fee = { rate: ratio('0.02'), exponent: 1 }) {
  const calls: string[] = [];
  const info: MarketInfo = {
    tokenId: TOKEN, conditionId: 'cid', tickSize: 10_000n, minSize: shares('5'), negRisk: false, fee, acceptingOrders: true,
  };
  const refuse = (what: string) => async (): Promise<never> => {
    calls.push(what);
    throw new Error(`the shadow venue must not call ${what}`);
  };
  const venue: Venue = {
    name: 'real', signerAddress: `0x${'a'.repeat(40)}`,
    marketInfo: async () => (calls.push('marketInfo'), info),
    orderBook: async () => (calls.push('orderBook'), { tokenId: TOKEN, ...book, time: new Date(0) }),
    prepare: refuse('prepare'), submit: refuse('submit'), cancel: refuse('cancel'), orderStatus: refuse('orderStatus'),
    openOrders: refuse('openOrders'), fillsSince: refuse('fillsSince'), availableCollateral: refuse('availableCollateral'),
    tokenBalance: refuse('tokenBalance'), close: refuse('close'),
  };
  return { venue, calls };
}

const request = (side: 'BUY' | 'SELL', limit: string, size: string, orderType: OrderType = 'GTC'): OrderRequest => ({
  clientOrderId: `intent-${side}-${limit}-${size}-${orderType}`, tokenId: TOKEN, side, price: price(limit), size: shares(size),
  orderType,
});

const clock = new ManualClock('2026-03-01T12:00:00Z');

async function place(book: { asks: BookLevel[]; bids: BookLevel[] }, req: OrderRequest, fee?: MarketInfo['fee']) {
  const real = readOnlyVenue(book, fee);
  const shadow = createShadowVenue(real.venue, clock);
  const prepared = await shadow.prepare(req);
  return { prepared, outcome: await shadow.submit(prepared), calls: real.calls, shadow };
}

describe('shadow venue', () => {
  it('fills within the limit at the VWAP with the taker fee and reports the rest cancelled, reading only the book', async () => {
    const { prepared, outcome, calls } = await place({ asks: [level('0.51', '5'), level('0.50', '12')], bids: [] },
      request('BUY', '0.50', '20'));
    expect(prepared).toMatchObject({ venueOrderId: expect.stringMatching(/^shadow:/), price: price('0.5'), size: shares('20') });
    expect(outcome).toEqual({
      kind: 'accepted', venueOrderId: prepared.venueOrderId, status: 'cancelled', fills: [{
        fillId: 'shadow', venueOrderId: prepared.venueOrderId, tokenId: TOKEN, side: 'BUY', price: price('0.5'), size: shares('12'),
        fee: { asset: 'shares', amount: shares('0.06') }, role: 'taker', time: clock.now(), status: 'matched',
      }],
    });
    expect(calls).toEqual(['marketInfo', 'orderBook']);
  });

  it('matches an order the book fills entirely; a SELL pays its fee in USDC, level by level', async () => {
    const { outcome } = await place({ asks: [], bids: [level('0.60', '5'), level('0.59', '100')] }, request('SELL', '0.59', '10'));
    // VWAP (5 × 0.60 + 5 × 0.59) / 10 = 0.595; fee 5 × 0.02 × 0.24 + 5 × 0.02 × 0.2419 = 0.04819
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'matched',
      fills: [{ price: price('0.595'), size: shares('10'), fee: { asset: 'usdc', amount: 48_190n } }] });
  });

  it('caps a BUY fee at the shares bought', async () => {
    const { outcome } = await place({ asks: [level('0.50', '10')], bids: [] }, request('BUY', '0.50', '10'), { rate: ratio('2'), exponent: 0 });
    expect(outcome).toMatchObject({ fills: [{ size: shares('10'), fee: { asset: 'shares', amount: shares('10') } }] });
  });

  it('rejects a FOK it cannot fill entirely and a FAK it cannot fill at all; a GTC with nothing to take is accepted and cancelled', async () => {
    const thin = { asks: [level('0.50', '5'), level('0.60', '50')], bids: [] };
    expect((await place(thin, request('BUY', '0.50', '10', 'FOK'))).outcome)
      .toEqual({ kind: 'rejected', reason: 'fok_unfilled', text: 'shadow' });
    expect((await place(thin, request('BUY', '0.50', '5', 'FOK'))).outcome).toMatchObject({ kind: 'accepted', status: 'matched' });
    expect((await place(thin, request('BUY', '0.40', '10', 'FAK'))).outcome)
      .toEqual({ kind: 'rejected', reason: 'fak_unfilled', text: 'shadow' });
    expect((await place(thin, request('BUY', '0.50', '10', 'FAK'))).outcome)
      .toMatchObject({ kind: 'accepted', status: 'cancelled', fills: [{ size: shares('5') }] });
    const { prepared, outcome } = await place(thin, request('BUY', '0.40', '10'));
    expect(outcome).toEqual({ kind: 'accepted', venueOrderId: prepared.venueOrderId, status: 'cancelled', fills: [] });
  });

  it('never sends the real venue anything: no cancel, lookup, listing, balance or close reaches it', async () => {
    const { shadow, calls } = await place({ asks: [level('0.50', '10')], bids: [] }, request('BUY', '0.50', '10'));
    expect(await shadow.cancel('shadow:x')).toMatchObject({ kind: 'not_cancelled' });
    expect(await shadow.orderStatus('shadow:x')).toEqual({ kind: 'not_found' });
    expect(await shadow.openOrders()).toEqual([]);
    expect((await shadow.fillsSince(null)).fills).toEqual([]);
    expect(await shadow.availableCollateral()).toBe(0n);
    expect(await shadow.tokenBalance(TOKEN)).toBe(0n as Shares);
    expect(await shadow.marketInfo(TOKEN)).toMatchObject({ tokenId: TOKEN });
    await expectSignerAndClose(shadow, null);
    expect(calls).toEqual(['marketInfo', 'orderBook', 'marketInfo']);
  });

  it('prepares the order as asked and refuses one no venue could take', async () => {
    const shadow = createShadowVenue(readOnlyVenue({ asks: [], bids: [] }).venue, clock);
    const req = request('BUY', '0.333', '7.777');
    expect(await shadow.prepare(req)).toEqual({
      venueOrderId: `shadow:${req.clientOrderId}`, request: req, price: req.price, size: req.size, payload: { kind: 'shadow' },
    });
    await expect(shadow.prepare({ ...req, size: 0n as Shares })).rejects.toThrow(/positive size/);
    await expect(shadow.prepare({ ...req, price: 1_000_000n as never })).rejects.toThrow();
  });
});
