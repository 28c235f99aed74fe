// @backend-independent
/** Property: a few hundred random orders conserve every asset (fees included), never go negative, never cross the book */
import { describe, expect, it } from 'vitest';
import { costOf, ratio, SCALE, shares, usdc, type Price, type Shares, type Usdc } from '../../domain/money.ts';
import { ManualClock } from '../../engine/clock.ts';
import type { OrderSide } from '../../engine/venue-port.ts';
import { COLLATERAL, SimExchange } from './exchange.ts';
import type { PlaceOrder } from './exchange-types.ts';
import { CID, makeMarket, NO, T0, YES } from './exchange-fixtures.ts';
import { mulberry32 } from '../../domain/prng.ts';

let counter = 0;

describe('property: random order flow conserves value and keeps the book sane', () => {
  const ACCOUNTS = ['p', 'q', 'r', 's'];
  const ASSETS = [COLLATERAL, YES, NO];

  function randomOrder(rand: () => number, int: (lo: number, hi: number) => number, now: Date): PlaceOrder {
    const side: OrderSide = rand() < 0.5 ? 'BUY' : 'SELL';
    const orderType = (['GTC', 'GTC', 'GTD', 'FOK', 'FAK'] as const)[int(0, 4)]!;
    const o: PlaceOrder = {
      orderId: `x${++counter}`, account: ACCOUNTS[int(0, 3)]!, tokenId: rand() < 0.7 ? YES : NO, side,
      // prices cluster around the middle so orders cross often; a few are off the grid
      price: BigInt(int(30, 70) * 10_000 + (rand() < 0.03 ? 5_000 : 0)) as Price,
      size: BigInt(int(1, 4_000) * 10_000) as Shares, orderType, postOnly: rand() < 0.1,
    };
    if (orderType === 'GTD') o.expiresAt = new Date(now.getTime() + int(30, 600) * 1000);
    if (side === 'BUY' && (orderType === 'FOK' || orderType === 'FAK') && rand() < 0.5) o.spend = (BigInt(int(50, 2_500)) * 10_000n) as Usdc;
    return o;
  }

  function checkInvariants(ex: SimExchange, initial: Map<string, bigint>): void {
    for (const asset of ASSETS) {
      let sum = ex.collectedFees(asset);
      for (const account of ACCOUNTS) {
        const b = ex.balance(account, asset);
        expect(b.total).toBeGreaterThanOrEqual(0n);
        expect(b.available).toBeGreaterThanOrEqual(0n);
        // the reservation kept incrementally equals the one recomputed from the open orders
        const open = ex.openOrders(account).filter((o) => (o.side === 'BUY' ? asset === COLLATERAL : asset === o.tokenId));
        const remaining = (o: (typeof open)[number]) => o.originalSize - o.sizeMatched;
        const reserved = open.reduce((a, o) => a + (o.side === 'BUY' ? costOf(remaining(o) as Shares, o.price) : remaining(o)), 0n);
        expect(b.total - b.available).toBe(reserved);
        sum += b.total;
      }
      expect(sum).toBe(initial.get(asset));
    }
    for (const token of [YES, NO]) {
      const { bids, asks } = ex.book(token);
      if (bids[0] && asks[0]) expect(bids[0].price).toBeLessThan(asks[0].price);
    }
  }

  it.each([
    [1, 'Yes wins', [SCALE, 0n]], [2, 'No wins', [0n, SCALE]], [3, '50/50', [SCALE / 2n, SCALE / 2n]], [4, 'Yes wins', [SCALE, 0n]],
  ])('seed %s, %s', (seed, _label, payouts) => {
    const rand = mulberry32(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    const clock = new ManualClock(T0);
    const ex = new SimExchange(clock);
    ex.addMarket(makeMarket({ fee: { rate: ratio('0.07'), exponent: 1 } }));
    for (const account of ACCOUNTS) {
      // small enough that balances and reservations refuse some orders
      ex.credit(account, COLLATERAL, usdc('150'));
      ex.credit(account, YES, shares('120'));
      ex.credit(account, NO, shares('120'));
    }
    const initial = new Map(ASSETS.map((a) => [a, ACCOUNTS.reduce((s, acc) => s + ex.balance(acc, a).total, 0n)]));
    let fills = 0;
    const refusals = new Set<string>();
    for (let step = 0; step < 400; step++) {
      const r = ex.place(randomOrder(rand, int, clock.now()));
      if (r.ok) fills += r.trades.length;
      else refusals.add(r.code);
      if (rand() < 0.1) {
        const open = ex.openOrders(ACCOUNTS[int(0, 3)]!);
        const victim = open[int(0, Math.max(0, open.length - 1))];
        if (victim) expect(ex.cancel(victim.account, victim.orderId)).toEqual({ ok: true });
      }
      if (rand() < 0.2) {
        clock.advance(int(0, 120_000));
        ex.tick();
      }
      checkInvariants(ex, initial);
    }
    expect(fills).toBeGreaterThan(30);
    expect([...refusals]).toEqual(expect.arrayContaining(['INVALID_ORDER_NOT_ENOUGH_BALANCE', 'FOK_ORDER_NOT_FILLED_ERROR']));

    // Value at the payout, per holder rounded down as redemption does; fee shares count as the operator's
    const valueOf = (usdcAmount: bigint, yes: bigint, no: bigint) =>
      usdcAmount + (yes * payouts[0]!) / SCALE + (no * payouts[1]!) / SCALE;
    let expected = valueOf(ex.collectedFees(COLLATERAL), ex.collectedFees(YES), ex.collectedFees(NO));
    for (const a of ACCOUNTS) expected += valueOf(ex.balance(a, COLLATERAL).total, ex.balance(a, YES).total, ex.balance(a, NO).total);
    ex.resolve(CID, payouts);
    for (const a of ACCOUNTS) ex.redeem(a, CID, null);
    const after = ACCOUNTS.reduce((s, a) => s + ex.balance(a, COLLATERAL).total, ex.collectedFees(COLLATERAL));
    expect(after).toBe(expected);
    for (const a of ACCOUNTS) expect(ex.openOrders(a)).toEqual([]);
  });
});
