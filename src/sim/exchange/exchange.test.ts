// @backend-independent
/** SimExchange: matching, taker fees, reservations, GTD expiry, trade lifecycle, events, resolution and redemption */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { price, ratio, SCALE, shares, usdc } from '../../domain/money.ts';
import { COLLATERAL } from './exchange.ts';
import type { ExchangeEvent } from './exchange-types.ts';
import { CID, level, NO, order, placed, seed, T0, total, world, YES } from './exchange-fixtures.ts';
import { takerFee } from '../../domain/fees.ts';

describe('matching: price-time priority at the makers\' prices', () => {
  it('a BUY walks the asks level by level, oldest first at a price, and its remainder rests at its limit', () => {
    const w = world();
    seed(w.ex, 'b', 'asks', [['0.52', '10'], ['0.53', '10']]);
    seed(w.ex, 'c', 'asks', [['0.53', '5']]);
    const o = order('a', 'BUY', '0.6', '22');
    const r = placed(w.ex.place(o));
    expect(r.status).toBe('matched');
    expect(r.order).toMatchObject({ status: 'matched', sizeMatched: shares('22') });
    const [trade] = r.trades;
    expect(trade!.makers.map((m) => [m.account, m.price, m.size])).toEqual([
      ['b', price('0.52'), shares('10')], ['b', price('0.53'), shares('10')], ['c', price('0.53'), shares('2')],
    ]);
    // (10 × 0.52 + 12 × 0.53) / 22 = 11.56 / 22 = 0.5254545… → 0.525455 (half-even)
    expect(trade).toMatchObject({ size: shares('22'), price: price('0.525455'), side: 'BUY', takerAccount: 'a', status: 'MATCHED' });
    expect(total(w.ex, 'a', COLLATERAL)).toBe(usdc('88.44')); // paid 11.56, not 22 × 0.60
    expect(total(w.ex, 'a', YES)).toBe(shares('122'));
    expect(total(w.ex, 'c', COLLATERAL)).toBe(usdc('101.06'));
    expect(w.ex.book(YES)).toEqual({ bids: [], asks: [level('0.53', '3')] });

    const rest = placed(w.ex.place(order('a', 'BUY', '0.55', '8')));
    expect(rest.order).toMatchObject({ status: 'live', sizeMatched: shares('3') });
    expect(w.ex.book(YES)).toEqual({ bids: [level('0.55', '5')], asks: [] });
  });

  it('a SELL walks the bids down and gets the bids\' prices', () => {
    const w = world();
    seed(w.ex, 'b', 'bids', [['0.47', '10'], ['0.48', '10']]);
    const r = placed(w.ex.place(order('a', 'SELL', '0.4', '15', { orderType: 'FAK' })));
    expect(r.trades[0]!.makers.map((m) => [m.price, m.size])).toEqual([[price('0.48'), shares('10')], [price('0.47'), shares('5')]]);
    expect(total(w.ex, 'a', COLLATERAL)).toBe(usdc('107.15')); // 4.80 + 2.35
    expect(w.ex.book(YES).bids).toEqual([level('0.47', '5')]);
  });

  it('FOK fills everything now', () => {
    const w = world();
    seed(w.ex, 'b', 'asks', [['0.5', '5'], ['0.51', '5']]);
    const r = placed(w.ex.place(order('a', 'BUY', '0.51', '10', { orderType: 'FOK' })));
    expect(r.order).toMatchObject({ status: 'matched', sizeMatched: shares('10') });
    expect(w.ex.book(YES).asks).toEqual([]);
  });

  it('FAK fills what it can and cancels the rest', () => {
    const w = world();
    seed(w.ex, 'b', 'asks', [['0.5', '6'], ['0.6', '10']]);
    const r = placed(w.ex.place(order('a', 'BUY', '0.55', '10', { orderType: 'FAK' })));
    expect(r.status).toBe('matched');
    expect(r.order).toMatchObject({ status: 'cancelled', sizeMatched: shares('6') });
    expect(w.ex.openOrders('a')).toEqual([]);
    expect(w.ex.book(YES)).toEqual({ bids: [], asks: [level('0.6', '10')] });
    expect(w.events.filter((e) => e.type === 'order' && e.order.orderId === r.order.orderId).map((e) => e.type === 'order' && e.change))
      .toEqual(['PLACEMENT', 'CANCELLATION']);
  });

  it('a market BUY spends its dollars at prices up to its limit, and may get more shares than its size', () => {
    const w = world();
    seed(w.ex, 'b', 'asks', [['0.5', '6'], ['0.52', '5'], ['0.6', '10']]);
    const fak = placed(w.ex.place(order('a', 'BUY', '0.55', '5', { orderType: 'FAK', spend: usdc('7') })));
    // 6 × 0.50 + 5 × 0.52 = 5.60 spent; 0.60 is above the limit, so the other 1.40 is cancelled
    expect(fak.order).toMatchObject({ status: 'cancelled', sizeMatched: shares('11') });
    expect(total(w.ex, 'a', COLLATERAL)).toBe(usdc('94.4'));

    const v = world();
    seed(v.ex, 'b', 'asks', [['0.3', '100']]);
    const fok = placed(v.ex.place(order('a', 'BUY', '0.99', '1', { orderType: 'FOK', spend: usdc('1') })));
    // $1 at 0.30 buys 3.333333 shares, costing 0.9999999 → 1.000000 (rounded up): all of it spent
    expect(fok.order).toMatchObject({ status: 'matched', sizeMatched: shares('3.333333') });
    expect(total(v.ex, 'a', COLLATERAL)).toBe(usdc('99'));
    expect(total(v.ex, 'b', COLLATERAL)).toBe(usdc('101'));
    expect(v.ex.book(YES).asks).toEqual([level('0.3', '96.666667')]);
  });

  it('a FOK market BUY that the book can fill spends exactly its dollars', () => {
    const w = world();
    seed(w.ex, 'b', 'asks', [['0.5', '6'], ['0.52', '5']]);
    // 6 × 0.50 = 3.00, then the last 1.04 buys 2 shares at 0.52
    const r = placed(w.ex.place(order('a', 'BUY', '0.55', '5', { orderType: 'FOK', spend: usdc('4.04') })));
    expect(r.order).toMatchObject({ status: 'matched', sizeMatched: shares('8') });
    expect(total(w.ex, 'a', COLLATERAL)).toBe(usdc('95.96'));
    expect(w.ex.book(YES).asks).toEqual([level('0.52', '3')]);
  });

  it('allows self-trades: both legs settle to the same account', () => {
    const w = world({ feeRate: '0.02' });
    seed(w.ex, 'a', 'asks', [['0.5', '10']]);
    const r = placed(w.ex.place(order('a', 'BUY', '0.5', '10')));
    expect(r.trades[0]!.makers[0]!.account).toBe('a');
    expect(total(w.ex, 'a', COLLATERAL)).toBe(usdc('100'));
    expect(total(w.ex, 'a', YES)).toBe(shares('99.95')); // only the 0.05-share fee left
    expect(w.ex.trades('a')).toHaveLength(1);
  });
});

describe('taker fees: shares × rate × (p(1−p))^e per fill, rounded up; makers pay nothing', () => {
  it.each([
    // 100 × 0.02 × 0.25 = 0.5
    ['100', '0.5', '0.02', 1, '0.5'],
    // 7 × 0.07 × 0.2211 = 0.108339
    ['7', '0.33', '0.07', 1, '0.108339'],
    // 5 × 0.1 × 0.2211² = 0.024442605 → 0.024443 (up)
    ['5', '0.33', '0.1', 2, '0.024443'],
    // 0.01 × 0.001 × 0.0099 = 0.000000099 → 0.000001 (up)
    ['0.01', '0.01', '0.001', 1, '0.000001'],
    ['100', '0.5', '0', 1, '0'],
    // exponent 0: shares × rate
    ['10', '0.9', '0.03', 0, '0.3'],
  ])('%s shares at %s, rate %s, exponent %s → %s', (size, p, rate, exponent, fee) => {
    expect(takerFee(shares(size), price(p), { rate: ratio(rate), exponent })).toBe(shares(fee));
  });

  it('a BUY taker pays in shares: 100 @ 0.50 at rate 0.02 receives 99.5 shares for $50', () => {
    const w = world({ feeRate: '0.02' });
    seed(w.ex, 'b', 'asks', [['0.5', '100']]);
    const r = placed(w.ex.place(order('a', 'BUY', '0.5', '100')));
    expect(r.trades[0]!.fee).toBe(shares('0.5'));
    expect(total(w.ex, 'a', YES)).toBe(shares('199.5'));
    expect(total(w.ex, 'a', COLLATERAL)).toBe(usdc('50'));
    expect(total(w.ex, 'b', COLLATERAL)).toBe(usdc('150')); // the maker gets the full $50
    expect(w.ex.collectedFees(YES)).toBe(shares('0.5'));
  });

  it('a SELL taker pays in USDC out of its proceeds: 100 @ 0.50 at rate 0.02 receives $49.50', () => {
    const w = world({ feeRate: '0.02' });
    seed(w.ex, 'b', 'bids', [['0.5', '100']]);
    const r = placed(w.ex.place(order('a', 'SELL', '0.5', '100')));
    expect(r.trades[0]!.fee).toBe(usdc('0.5'));
    expect(total(w.ex, 'a', COLLATERAL)).toBe(usdc('149.5'));
    expect(total(w.ex, 'b', YES)).toBe(shares('200')); // the maker gets every share
    expect(w.ex.collectedFees(COLLATERAL)).toBe(usdc('0.5'));
  });

  it('charges each fill at its own price and sums the rounded fees', () => {
    const w = world({ feeRate: '0.02' });
    seed(w.ex, 'b', 'asks', [['0.5', '5'], ['0.52', '5']]);
    const r = placed(w.ex.place(order('a', 'BUY', '0.52', '10')));
    // 5 × 0.02 × 0.25 = 0.025; 5 × 0.02 × 0.2496 = 0.02496; total 0.04996
    expect(r.trades[0]!.fee).toBe(shares('0.04996'));
    expect(total(w.ex, 'a', YES)).toBe(shares('109.95004'));
  });
});

describe('reservations: an order may only use what open orders do not reserve', () => {
  it('a resting BUY reserves limit × remaining; fills and cancels release it', () => {
    const w = world();
    const bid = order('a', 'BUY', '0.5', '10');
    placed(w.ex.place(bid));
    expect(w.ex.balance('a', COLLATERAL)).toEqual({ total: usdc('100'), available: usdc('95') });
    placed(w.ex.place(order('b', 'SELL', '0.5', '5')));
    // $2.50 paid, 5 × 0.50 = $2.50 still reserved
    expect(w.ex.balance('a', COLLATERAL)).toEqual({ total: usdc('97.5'), available: usdc('95') });
    expect(w.ex.order(bid.orderId)).toMatchObject({ status: 'live', sizeMatched: shares('5') });
    expect(w.ex.cancel('a', bid.orderId)).toEqual({ ok: true });
    expect(w.ex.balance('a', COLLATERAL)).toEqual({ total: usdc('97.5'), available: usdc('97.5') });
  });

  it('a resting SELL reserves its shares', () => {
    const w = world();
    placed(w.ex.place(order('a', 'SELL', '0.9', '60')));
    expect(w.ex.balance('a', YES)).toEqual({ total: shares('100'), available: shares('40') });
    expect(placed(w.ex.place(order('a', 'SELL', '0.8', '40'))).status).toBe('live');
    expect(w.ex.balance('a', YES).available).toBe(0n);
  });

  it('refuses to take collateral an open order reserves', () => {
    const w = world();
    placed(w.ex.place(order('a', 'BUY', '0.5', '150')));
    expect(() => w.ex.credit('a', COLLATERAL, -usdc('25.01'))).toThrow(/reserve/);
    w.ex.credit('a', COLLATERAL, -usdc('25'));
    expect(w.ex.balance('a', COLLATERAL)).toEqual({ total: usdc('75'), available: 0n });
  });

  it.each([
    ['another account', 'b', 'order not found or already canceled'],
    ['a second time', 'a', 'order not found or already canceled'],
  ])('cancel from %s is refused', (_name, account, reason) => {
    const w = world();
    const o = order('a', 'BUY', '0.4', '10');
    placed(w.ex.place(o));
    if (account === 'a') w.ex.cancel('a', o.orderId);
    expect(w.ex.cancel(account, o.orderId)).toEqual({ ok: false, reason });
  });

  it('a matched order cannot be cancelled', () => {
    const w = world();
    seed(w.ex, 'b', 'asks', [['0.5', '10']]);
    const o = order('a', 'BUY', '0.5', '10');
    placed(w.ex.place(o));
    expect(w.ex.cancel('a', o.orderId)).toEqual({ ok: false, reason: "matched orders can't be canceled" });
  });
});

describe('GTD expiry', () => {
  const at = (s: number) => new Date(new Date(T0).getTime() + s * 1000);

  it('rests until expiresAt, then tick() expires it and releases the reservation', () => {
    const w = world();
    const o = order('a', 'BUY', '0.4', '10', { orderType: 'GTD', expiresAt: at(120) });
    placed(w.ex.place(o));
    w.clock.advance(119_999);
    w.ex.tick();
    expect(w.ex.order(o.orderId)?.status).toBe('live');
    expect(w.ex.balance('a', COLLATERAL).available).toBe(usdc('96'));
    w.events.length = 0;
    w.clock.advance(1);
    w.ex.tick();
    expect(w.ex.order(o.orderId)?.status).toBe('expired');
    expect(w.ex.balance('a', COLLATERAL).available).toBe(usdc('100'));
    expect(w.ex.openOrders('a')).toEqual([]);
    expect(w.events.map((e) => e.type === 'order' ? `${e.change}:${e.order.status}` : e.type)).toEqual(['CANCELLATION:expired', 'book']);
  });

  it('an expired order never trades, even if nobody ticked', () => {
    const w = world();
    placed(w.ex.place(order('a', 'BUY', '0.4', '10', { orderType: 'GTD', expiresAt: at(60) })));
    w.clock.advance(61_000);
    expect(w.ex.place(order('b', 'SELL', '0.4', '10', { orderType: 'FAK' })))
      .toMatchObject({ ok: false, code: 'FAK_ORDER_NOT_FILLED_ERROR' });
  });
});

describe('trades: ids, hashes and MATCHED → MINED → CONFIRMED', () => {
  it('with the defaults a trade is confirmed on the next tick', () => {
    const w = world({ options: { tradeIdPrefix: 'T-' } });
    seed(w.ex, 'b', 'asks', [['0.5', '10']]);
    const [trade] = placed(w.ex.place(order('a', 'BUY', '0.5', '10'))).trades;
    expect(trade!.tradeId).toBe('T-1');
    expect(trade!.transactionHash).toBe(`0x${createHash('sha256').update('T-1').digest('hex')}`);
    w.events.length = 0;
    w.ex.tick();
    expect(w.events.map((e) => e.type === 'trade' && e.trade.status)).toEqual(['MINED', 'CONFIRMED']);
    expect(w.ex.trade('T-1')?.status).toBe('CONFIRMED');
    expect(w.ex.trades('b').map((t) => t.status)).toEqual(['CONFIRMED']);
  });

  it.each([
    [500, 'MATCHED'], [1_000, 'MINED'], [2_999, 'MINED'], [3_000, 'CONFIRMED'],
  ])('mined after 1 s and confirmed 2 s later: at +%s ms it is %s', (ms, status) => {
    const w = world({ options: { mineAfterMs: 1_000, confirmAfterMs: 2_000 } });
    seed(w.ex, 'b', 'asks', [['0.5', '10']]);
    const [trade] = placed(w.ex.place(order('a', 'BUY', '0.5', '10'))).trades;
    w.clock.advance(ms);
    w.ex.tick();
    expect(w.ex.trade(trade!.tradeId)?.status).toBe(status);
  });
});

describe('events', () => {
  const summary = (events: ExchangeEvent[]) => events.map((e) => {
    if (e.type === 'order') return `order ${e.change} ${e.order.orderId} ${e.order.status}`;
    if (e.type === 'trade') return `trade ${e.trade.status}`;
    return e.type;
  });

  it('publishes placement, trade, updates and the book, in that order', () => {
    const w = world();
    const ask = { ...order('b', 'SELL', '0.5', '10'), orderId: 'ask' };
    placed(w.ex.place(ask));
    placed(w.ex.place({ ...order('a', 'BUY', '0.5', '5'), orderId: 'bid' }));
    w.ex.cancel('b', 'ask');
    expect(summary(w.events)).toEqual([
      'order PLACEMENT ask live', 'book',
      'order PLACEMENT bid live', 'trade MATCHED', 'order UPDATE ask live', 'order UPDATE bid matched', 'book',
      'order CANCELLATION ask cancelled', 'book',
    ]);
    const lastBook = w.events.at(-1);
    expect(lastBook).toEqual({ type: 'book', tokenId: YES, bids: [], asks: [] });
  });

  it('stops after unsubscribe', () => {
    const w = world();
    const seen: ExchangeEvent[] = [];
    const off = w.ex.subscribe((e) => seen.push(e));
    off();
    placed(w.ex.place(order('a', 'BUY', '0.4', '10')));
    expect(seen).toEqual([]);
  });
});

describe('resolution and redemption', () => {
  it('closes the market, cancels resting orders, and pays a holder at the payout only when it redeems', () => {
    const w = world({ feeRate: '0.02' });
    seed(w.ex, 'b', 'asks', [['0.5', '100']]);
    placed(w.ex.place(order('a', 'BUY', '0.5', '100'))); // a: 199.5 YES, $50; fee pool 0.5 YES
    placed(w.ex.place(order('c', 'BUY', '0.4', '10')));
    expect(() => w.ex.redeem('a', CID, null)).toThrow(/not resolved/);
    w.events.length = 0;
    w.ex.resolve(CID, [SCALE, 0n]);
    expect(w.ex.market(CID)).toMatchObject({ closed: true, acceptingOrders: false, payouts: [SCALE, 0n] });
    expect(w.ex.openOrders('c')).toEqual([]);
    // Won tokens are held, not paid, until a redemption arrives
    expect(w.ex.balance('a', COLLATERAL)).toEqual({ total: usdc('50'), available: usdc('50') });
    expect(total(w.ex, 'a', YES)).toBe(shares('199.5'));
    expect(w.ex.redeem('a', CID, null)).toEqual({ paid: usdc('199.5'), burned: [shares('199.5'), shares('100')] });
    expect(w.ex.balance('a', COLLATERAL)).toEqual({ total: usdc('249.5'), available: usdc('249.5') });
    expect(w.ex.redeem('a', CID, null)).toEqual({ paid: 0n, burned: [0n, 0n] }); // nothing left: pays 0
    expect(total(w.ex, 'a', YES)).toBe(0n);
    expect(total(w.ex, 'a', NO)).toBe(0n);
    for (const acc of ['b', 'c']) w.ex.redeem(acc, CID, null);
    expect(total(w.ex, 'b', COLLATERAL)).toBe(usdc('150')); // sold all its YES
    expect(total(w.ex, 'c', COLLATERAL)).toBe(usdc('200'));
    expect(w.ex.collectedFees(COLLATERAL)).toBe(usdc('0.5'));
    expect(w.events.map((e) => e.type)).toEqual(['order', 'book', 'book', 'resolved']);
    expect(() => w.ex.resolve(CID, [SCALE, 0n])).toThrow(/already resolved/);
  });

  it('pays a 50/50 split rounding each holder down', () => {
    const w = world();
    w.ex.credit('a', YES, 1n); // 100.000001 YES
    w.ex.resolve(CID, [SCALE / 2n, SCALE / 2n]);
    w.ex.redeem('a', CID, null);
    // 100.000001 × 0.5 = 50.0000005 → 50.000000; plus 100 NO × 0.5 = 50
    expect(total(w.ex, 'a', COLLATERAL)).toBe(usdc('200'));
  });

  it('redeems given amounts per outcome (the neg-risk adapter) and refuses more than is held', () => {
    const w = world();
    w.ex.resolve(CID, [0n, SCALE]);
    expect(() => w.ex.redeem('a', CID, [0n, shares('100.000001')])).toThrow(/cannot redeem/);
    expect(() => w.ex.redeem('a', CID, [0n])).toThrow(/one per outcome/);
    expect(w.ex.redeem('a', CID, [0n, shares('40')])).toEqual({ paid: usdc('40'), burned: [0n, shares('40')] });
    expect(total(w.ex, 'a', NO)).toBe(shares('60'));
    expect(total(w.ex, 'a', YES)).toBe(shares('100'));
    expect(total(w.ex, 'a', COLLATERAL)).toBe(usdc('140'));
  });

  it('refuses payouts that are not one per token within [0, 1]', () => {
    const w = world();
    expect(() => w.ex.resolve(CID, [SCALE])).toThrow(/payouts/);
    expect(() => w.ex.resolve(CID, [SCALE + 1n, 0n])).toThrow(/payouts/);
  });
});
