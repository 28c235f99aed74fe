// @backend-independent
/** The simulated venue passes the Venue contract, plus what only an in-process venue can show (retries, cursors, ids) */
import { describe, expect, it } from 'vitest';
import { price, ratio, shares, usdc } from '../../domain/money.ts';
import { ManualClock } from '../../engine/clock.ts';
import { COLLATERAL, SimExchange } from './exchange.ts';
import type { PlaceOrder, PlaceResult, SimMarket } from './exchange-types.ts';
import { createSimulatedVenue, SimVenueFaults, submitOutcomeOf, venueOrderIdFor } from './simulated-venue.ts';
import { describeVenueContract, type VenueHarness } from '../../../test/support/venue-contract.ts';
import type { OrderRequest } from '../../engine/venue-port.ts';

const YES = '1001';
const NO = '1002';
const market: SimMarket = {
  conditionId: '0xc0ffee', question: 'Contract market?', slug: 'contract-market',
  tokens: [{ tokenId: YES, outcome: 'Yes' }, { tokenId: NO, outcome: 'No' }],
  tickSize: 10_000n, minSize: shares('5'), negRisk: false, fee: { rate: ratio('0.02'), exponent: 1 }, acceptingOrders: true,
  endTime: null, closed: false, payouts: null,
};

function simWorld() {
  const clock = new ManualClock('2026-03-01T00:00:00Z');
  const exchange = new SimExchange(clock);
  exchange.addMarket(market);
  const faults = new SimVenueFaults();
  const slept: number[] = [];
  const venue = createSimulatedVenue({ exchange, account: 'us', clock, faults, sleep: async (ms) => void slept.push(ms) });
  let seeded = 0;
  const harness: VenueHarness = {
    venue, signerAddress: null, tokenId: YES, noTokenId: NO, faults,
    async seedBook(side, levels) {
      for (const [p, size] of levels) {
        const buy = side === 'bids';
        exchange.credit('seeder', buy ? COLLATERAL : YES, buy ? usdc('1000') : shares(size));
        const result = exchange.place({
          orderId: `seed-${++seeded}`, account: 'seeder', tokenId: YES, side: buy ? 'BUY' : 'SELL', price: price(p),
          size: shares(size), orderType: 'GTC',
        });
        if (!result.ok) throw new Error(`seeding failed: ${result.message}`);
      }
    },
    async fund(amount) {
      exchange.credit('us', COLLATERAL, usdc(amount));
    },
    async advance(ms) {
      clock.advance(ms);
      exchange.tick();
    },
    prepareUnchecked: (request) => venue.prepareUnchecked(request),
    async close() {},
  };
  return { clock, exchange, venue, faults, slept, harness };
}

describeVenueContract('simulated', async () => simWorld().harness);

const req = (over: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: 'intent-1', tokenId: YES, side: 'BUY', price: price('0.5'), size: shares('10'), orderType: 'GTC', ...over,
});

/** A GTC order from another account on the exchange */
const theirs = (orderId: string, side: 'BUY' | 'SELL', p: string, size: string): PlaceOrder =>
  ({ orderId, account: 'them', tokenId: YES, side, price: price(p), size: shares(size), orderType: 'GTC' });

describe('simulated venue specifics', () => {
  it('derives the venue order id from account and clientOrderId, so re-preparing gives the same id', async () => {
    const { venue } = simWorld();
    const a = await venue.prepare(req());
    const b = await venue.prepare(req({ price: price('0.45') }));
    expect(a.venueOrderId).toBe(b.venueOrderId);
    expect(a.venueOrderId).toMatch(/^0x[0-9a-f]{64}$/);
    expect(a.venueOrderId).toBe(venueOrderIdFor('us', 'intent-1'));
    expect(venueOrderIdFor('them', 'intent-1')).not.toBe(a.venueOrderId);
  });

  it('accepts its payload back after a JSON round trip (as after a restart)', async () => {
    const { venue, exchange } = simWorld();
    exchange.credit('us', COLLATERAL, usdc('100'));
    const prepared = await venue.prepare(req());
    const revived = JSON.parse(JSON.stringify({ ...prepared, request: null, price: null, size: null }));
    const outcome = await venue.submit({ ...prepared, payload: revived.payload });
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'live' });
  });

  it('retries 429s with exponential backoff and counts the retries', async () => {
    const { venue, exchange, faults, slept } = simWorld();
    exchange.credit('us', COLLATERAL, usdc('100'));
    faults.rateLimitNext(3);
    expect(await venue.submit(await venue.prepare(req()))).toMatchObject({ kind: 'accepted' });
    expect(faults.retries).toBe(3);
    expect(slept).toEqual([100, 200, 400]);
  });

  it('gives up after maxRetries 429s without placing anything', async () => {
    const { venue, exchange, faults } = simWorld();
    exchange.credit('us', COLLATERAL, usdc('100'));
    faults.rateLimitNext(10);
    const prepared = await venue.prepare(req());
    expect(await venue.submit(prepared)).toEqual({ kind: 'rejected', reason: 'other', text: 'Too Many Requests' });
    expect(await venue.orderStatus(prepared.venueOrderId)).toEqual({ kind: 'not_found' });
    expect(faults.retries).toBe(5);
  });

  it('a 5xx is unknown and places nothing; the next submit goes through', async () => {
    const { venue, exchange, faults } = simWorld();
    exchange.credit('us', COLLATERAL, usdc('100'));
    faults.failNextSubmit5xx();
    const prepared = await venue.prepare(req());
    expect(await venue.submit(prepared)).toEqual({ kind: 'unknown', detail: 'HTTP 500 from POST /order' });
    expect(await venue.orderStatus(prepared.venueOrderId)).toEqual({ kind: 'not_found' });
    expect(await venue.submit(prepared)).toMatchObject({ kind: 'accepted' });
  });

  it('sends a market BUY as dollars and reports our taker leg with its fee in shares', async () => {
    const { venue, exchange, harness } = simWorld();
    exchange.credit('us', COLLATERAL, usdc('100'));
    await harness.seedBook('asks', [['0.4', '50']]);
    // $5.00 at 0.40 buys 12.5 shares, more than the 10 asked for: a limit BUY's amount is a minimum
    const outcome = await venue.submit(await venue.prepare(req({ orderType: 'FOK' })));
    if (outcome.kind !== 'accepted') throw new Error(JSON.stringify(outcome));
    // fee: 12.5 × 0.02 × 0.4 × 0.6 = 0.06 shares
    expect(outcome.fills).toEqual([expect.objectContaining({
      role: 'taker', side: 'BUY', price: price('0.4'), size: shares('12.5'), status: 'matched',
      fee: { asset: 'shares', amount: shares('0.06') },
    })]);
    expect(exchange.balance('us', YES).total).toBe(shares('12.44'));
  });

  it('fillsSince returns our maker and taker legs after the cursor, with a SELL taker fee in USDC', async () => {
    const { venue, exchange, clock } = simWorld();
    exchange.credit('us', COLLATERAL, usdc('100'));
    exchange.credit('us', YES, shares('20'));
    const bid = await venue.prepare(req({ clientOrderId: 'bid', price: price('0.45') }));
    await venue.submit(bid);
    const first = await venue.fillsSince(null);
    expect(first.fills).toEqual([]);
    exchange.credit('them', YES, shares('10'));
    exchange.place(theirs('their-sell', 'SELL', '0.45', '10'));
    clock.advance(1_000);
    exchange.credit('them', COLLATERAL, usdc('10'));
    exchange.place(theirs('their-bid', 'BUY', '0.6', '5'));
    const askRequest = req({ clientOrderId: 'ask', side: 'SELL', price: price('0.6'), size: shares('5') });
    const ask = await venue.submit(await venue.prepare(askRequest));
    expect(ask.kind).toBe('accepted');
    const page = await venue.fillsSince(first.cursor);
    expect(page.fills.map((f) => [f.role, f.side, f.venueOrderId === bid.venueOrderId, f.size, f.fee])).toEqual([
      ['maker', 'BUY', true, shares('10'), { asset: 'shares', amount: 0n }],
      // 5 × 0.02 × 0.6 × 0.4 = 0.024 USDC
      ['taker', 'SELL', false, shares('5'), { asset: 'usdc', amount: usdc('0.024') }],
    ]);
    expect(page.fills[0]!.fillId).toBe(`${exchange.trades('us')[0]!.tradeId}:${bid.venueOrderId}`);
    expect((await venue.fillsSince(page.cursor)).fills).toEqual([]);
    exchange.tick();
    expect((await venue.fillsSince(null)).fills.map((f) => f.status)).toEqual(['confirmed', 'confirmed']);
  });

  it('does not show another account\'s orders', async () => {
    const { venue, exchange } = simWorld();
    exchange.credit('them', COLLATERAL, usdc('10'));
    exchange.place(theirs('theirs', 'BUY', '0.4', '5'));
    expect(await venue.orderStatus('theirs')).toEqual({ kind: 'not_found' });
    expect(await venue.cancel('theirs')).toEqual({ kind: 'not_cancelled', reason: 'order not found or already canceled' });
  });

  it('reports a closed market as not accepting orders and refuses orders with market_closed', async () => {
    const { venue, exchange } = simWorld();
    exchange.credit('us', COLLATERAL, usdc('100'));
    exchange.resolve(market.conditionId, [1_000_000n, 0n]);
    expect((await venue.marketInfo(YES)).acceptingOrders).toBe(false);
    expect(await venue.submit(await venue.prepare(req()))).toMatchObject({ kind: 'rejected', reason: 'market_closed' });
  });

  it('refuses a payload it did not make', async () => {
    const { venue } = simWorld();
    const prepared = await venue.prepare(req());
    await expect(venue.submit({ ...prepared, payload: { order: 'signed elsewhere' } })).rejects.toThrow(/not an order prepared/);
  });
});

describe('submitOutcomeOf: every error code has a reject class', () => {
  const rejected = (code: Extract<PlaceResult, { ok: false }>['code'], message = 'text'): PlaceResult =>
    ({ ok: false, code, message, httpStatus: 400 });
  it.each([
    ['INVALID_ORDER_MIN_TICK_SIZE', 'text', 'tick_size'],
    ['INVALID_ORDER_MIN_SIZE', 'text', 'min_size'],
    ['INVALID_ORDER_NOT_ENOUGH_BALANCE', 'text', 'insufficient_balance'],
    ['INVALID_ORDER_EXPIRATION', 'text', 'expiration'],
    ['INVALID_ORDER_ERROR', 'text', 'invalid_order'],
    ['INVALID_POST_ONLY_ORDER_TYPE', 'text', 'invalid_order'],
    ['INVALID_POST_ONLY_ORDER', 'text', 'invalid_order'],
    ['FOK_ORDER_NOT_FILLED_ERROR', 'text', 'fok_unfilled'],
    ['FAK_ORDER_NOT_FILLED_ERROR', 'text', 'fak_unfilled'],
    ['MARKET_NOT_READY', 'text', 'market_closed'],
    ['CANCEL_ONLY', 'text', 'cancel_only'],
    ['INVALID_AMOUNT', 'invalid amount for a marketable BUY order ($0.7), min size: $1', 'min_notional'],
    ['INVALID_AMOUNT', 'Size 5.123 has 3 decimal places. Maximum lot size is 2', 'precision'],
  ] as const)('%s (%s) → %s', (code, text, reason) => {
    expect(submitOutcomeOf(rejected(code, text), () => [])).toEqual({ kind: 'rejected', reason, text });
  });

  it('a duplicate is unknown: the order exists', () => {
    expect(submitOutcomeOf(rejected('INVALID_ORDER_DUPLICATED'), () => [])).toEqual({ kind: 'unknown', detail: 'duplicate' });
  });
});
