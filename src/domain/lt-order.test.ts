// @backend-independent
import { describe, expect, it } from 'vitest';
import { InvariantError } from './errors.ts';
import { applyOrderEvent, type LtOrderState, type OrderEvent } from './lt-order.ts';
import { shares } from './money.ts';

const order = (status: LtOrderState['status'], filled = '0'): LtOrderState => ({ status, size: shares('10'), filled: shares(filled) });
const fill = (n: string): OrderEvent => ({ type: 'fill', size: shares(n) });

describe('live order transitions', () => {
  it.each([
    ['pending', { type: 'accepted' }, 'open'],
    ['pending', { type: 'rejected' }, 'rejected'],
    ['pending', { type: 'ambiguous' }, 'unknown'],
    ['unknown', { type: 'accepted' }, 'open'],
    ['unknown', { type: 'rejected' }, 'rejected'],
    ['unknown', { type: 'lost' }, 'lost'],
    ['open', { type: 'cancelled' }, 'cancelled'],
    ['open', { type: 'expired' }, 'expired'],
    ['lost', { type: 'accepted' }, 'open'],
  ] as const)('%s + %o → %s', (from, event, to) => {
    expect(applyOrderEvent(order(from), event as OrderEvent).status).toBe(to);
  });

  it('tracks partial fills and completes at the full size', () => {
    const a = applyOrderEvent(order('open'), fill('4'));
    const b = applyOrderEvent(a, fill('6'));
    expect([a.status, a.filled, b.status, b.filled]).toEqual(['partially_filled', shares('4'), 'filled', shares('10')]);
  });

  it('reopens a lost order on a later fill', () => {
    expect(applyOrderEvent(order('lost'), fill('3'))).toEqual({ status: 'partially_filled', size: shares('10'), filled: shares('3') });
  });

  it('keeps a partially filled order partially filled when the venue re-reports it live', () => {
    expect(applyOrderEvent(order('partially_filled', '2'), { type: 'accepted' }).status).toBe('partially_filled');
  });

  it('a late fill on a finished order adds its shares and keeps the terminal status', () => {
    const late = (n: string): OrderEvent => ({ type: 'late_fill', size: shares(n) });
    expect(applyOrderEvent(order('cancelled', '2'), late('3'))).toEqual({ status: 'cancelled', size: shares('10'), filled: shares('5') });
    expect(applyOrderEvent(order('expired'), late('10')).status).toBe('expired');
    expect(() => applyOrderEvent(order('open'), late('1'))).toThrow(InvariantError);
    expect(() => applyOrderEvent(order('filled', '10'), late('1'))).toThrow(InvariantError); // overfill
  });

  it.each([
    ['a fill after the order is filled', order('filled', '10'), fill('1')],
    ['an overfill', order('open', '8'), fill('3')],
    ['a rejection of an accepted order', order('open'), { type: 'rejected' } as OrderEvent],
    ['losing an order with fills', order('partially_filled', '1'), { type: 'lost' } as OrderEvent],
    ['anything after a cancel', order('cancelled', '2'), fill('1')],
    ['an empty fill', order('open'), fill('0')],
  ])('refuses %s', (_name, state, event) => {
    expect(() => applyOrderEvent(state, event)).toThrow(InvariantError);
  });
});
