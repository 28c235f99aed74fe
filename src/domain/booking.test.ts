// @backend-independent
import { describe, expect, it } from 'vitest';
import {
  bookFill, decideEvent, EMPTY_ORDER_LEDGER, eventNeedsLedger, orderLedgerAfter, orderLedgerFromSums, type BookedOrder,
  type FillFact, type OrderLedger,
} from './booking.ts';
import { InvariantError } from './errors.ts';
import { price, shares, usdc } from './money.ts';

const buy = (over: Partial<BookedOrder> = {}): BookedOrder => ({
  orderId: 'o1', side: 'BUY', tokenId: 'T', limitPrice: price('0.5'), size: shares('20'), filled: shares('0'), status: 'open', ...over,
});
const sell = (over: Partial<BookedOrder> = {}): BookedOrder => buy({ side: 'SELL', limitPrice: price('0.6'), size: shares('8'), ...over });
const fill = (over: Partial<FillFact> = {}): FillFact => ({
  fillId: 'f1', side: 'BUY', tokenId: 'T', price: price('0.5'), size: shares('20'), fee: { asset: 'shares', amount: 0n }, ...over,
});
const led = (over: Partial<OrderLedger> = {}): OrderLedger => ({ ...EMPTY_ORDER_LEDGER, ...over });

describe('the booking rule: fills', () => {
  it('a BUY fill takes its cost from the reservation; filling the order releases what is left', () => {
    const b = bookFill(buy(), led({ reserved: usdc('10.5') }), null, fill({ price: price('0.49') }));
    expect(b.event).toEqual({ type: 'fill', size: shares('20') });
    expect(b.next).toEqual({ status: 'filled', size: shares('20'), filled: shares('20') });
    expect(b.ledger).toEqual([
      { kind: 'buy_fill', amount: usdc('9.8'), ref: 'fill:o1:f1' },
      { kind: 'release', amount: usdc('0.7'), ref: 'release:o1' },
    ]);
  });

  it('a partial BUY fill keeps the rest reserved and releases nothing', () => {
    const b = bookFill(buy(), led({ reserved: usdc('10') }), null, fill({ size: shares('8') }));
    expect([b.next.status, b.next.filled, b.ledger.map((e) => e.kind)]).toEqual(['partially_filled', shares('8'), ['buy_fill']]);
  });

  it('a market BUY may fill more shares than asked at a better price: the order ends filled, never overfilled', () => {
    const b = bookFill(buy(), led({ reserved: usdc('10') }), null, fill({ size: shares('20.4'), price: price('0.49') }));
    expect(b.next).toEqual({ status: 'filled', size: shares('20'), filled: shares('20.4') });
  });

  it('a late fill on an ended order is a late_fill: the cash it spent comes from available, the status stays', () => {
    const b = bookFill(buy({ status: 'cancelled', filled: shares('8') }), led(), null, fill({ size: shares('4'), fillId: 'f9' }));
    expect(b.event).toEqual({ type: 'late_fill', size: shares('4') });
    expect(b.next).toEqual({ status: 'cancelled', size: shares('20'), filled: shares('12') });
    expect(b.ledger).toEqual([
      { kind: 'reserve', amount: usdc('2'), ref: 'topup:o1:f9' },
      { kind: 'buy_fill', amount: usdc('2'), ref: 'fill:o1:f9' },
    ]);
  });

  it('a SELL fill moves a pro-rata cost basis out of the position and books its USDC fee', () => {
    const position = { shares: shares('20'), cost: usdc('10') };
    const b = bookFill(sell(), led(), position, fill({ side: 'SELL', price: price('0.6'), size: shares('7.99'),
      fee: { asset: 'usdc', amount: usdc('0.05') } }));
    expect(b.ledger).toEqual([
      { kind: 'sell_fill', amount: usdc('4.794'), costBasis: usdc('3.995'), ref: 'fill:o1:f1' },
      { kind: 'fee', amount: usdc('0.05'), ref: 'fee:o1:f1' },
    ]);
    expect(b.next.status).toBe('partially_filled');
  });

  it('selling everything held takes the whole cost basis (no rounding left behind)', () => {
    const b = bookFill(sell({ size: shares('3') }), led(), { shares: shares('3'), cost: usdc('1.000001') },
      fill({ side: 'SELL', price: price('0.6'), size: shares('3') }));
    expect(b.ledger[0]).toMatchObject({ costBasis: usdc('1.000001') });
  });

  it.each([
    ['another side', buy(), fill({ side: 'SELL' })],
    ['another token', buy(), fill({ tokenId: 'U' })],
    ['a BUY above its limit', buy(), fill({ price: price('0.51') })],
    ['a SELL below its limit', sell(), fill({ side: 'SELL', price: price('0.59') })],
    ['a SELL of more than is held', sell(), fill({ side: 'SELL', price: price('0.6'), size: shares('5') })],
  ])('refuses %s', (_name, order, f) => {
    expect(() => bookFill(order, led({ reserved: usdc('10') }), { shares: shares('4'), cost: usdc('2') }, f)).toThrow(InvariantError);
  });
});

describe('the booking rule: order events', () => {
  it('a lost order that fills reserves its open remainder again, and its next release names the new generation', () => {
    const lost = buy({ status: 'lost' });
    const b = bookFill(lost, led({ reopens: 0 }), null, fill({ size: shares('8') }));
    expect(b.ledger).toEqual([
      { kind: 'reserve', amount: usdc('4'), ref: 'topup:o1:f1' },
      { kind: 'buy_fill', amount: usdc('4'), ref: 'fill:o1:f1' },
      { kind: 'reserve', amount: usdc('6'), ref: 'reopen:o1:1' },
    ]);
    const after = orderLedgerAfter(led(), b.ledger);
    expect(after).toEqual({ reserved: usdc('6'), buyCost: usdc('4'), reopens: 1, realized: 0n });
    const cancelled = decideEvent({ ...lost, status: 'partially_filled', filled: shares('8') }, after, { type: 'cancelled' });
    expect(cancelled.ledger).toEqual([{ kind: 'release', amount: usdc('6'), ref: 'release:o1:1' }]);
  });

  it('only ending, losing or reopening an order needs its ledger', () => {
    expect(eventNeedsLedger(buy(), { type: 'accepted' })).toBe(false);
    expect(eventNeedsLedger(buy({ status: 'pending' }), { type: 'ambiguous' })).toBe(false);
    expect(eventNeedsLedger(buy(), { type: 'cancelled' })).toBe(true);
    expect(eventNeedsLedger(buy({ status: 'unknown' }), { type: 'lost' })).toBe(true);
    expect(eventNeedsLedger(buy({ status: 'lost' }), { type: 'accepted' })).toBe(true);
  });

  it('a reservation below zero is a bug, never clipped', () => {
    expect(() => decideEvent(buy(), led({ reserved: -1n as OrderLedger['reserved'] }), { type: 'cancelled' })).toThrow(InvariantError);
  });

  it('the per-order fold of sums agrees with folding the rows one at a time', () => {
    const rows = [
      { kind: 'reserve' as const, amount: usdc('10'), ref: 'reserve:o1' },
      { kind: 'buy_fill' as const, amount: usdc('8'), ref: 'fill:o1:a' },
      { kind: 'sell_fill' as const, amount: usdc('5'), costBasis: usdc('4'), ref: 'fill:o1:b' },
      { kind: 'fee' as const, amount: usdc('0.1'), ref: 'fee:o1:b' },
      { kind: 'release' as const, amount: usdc('2'), ref: 'release:o1' },
    ];
    const sums = Object.fromEntries(rows.map((r) => [r.kind, { amount: r.amount, costBasis: r.costBasis ?? 0n }]));
    expect(orderLedgerFromSums(sums, 0)).toEqual(orderLedgerAfter(EMPTY_ORDER_LEDGER, rows));
    expect(orderLedgerAfter(EMPTY_ORDER_LEDGER, rows)).toEqual({ reserved: 0n, buyCost: usdc('8'), reopens: 0, realized: usdc('0.9') });
  });
});
