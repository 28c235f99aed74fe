/**
 * The one contract suite every trading Venue passes: the simulated venue in-process, the real adapter against a loopback
 * simulator. The shadow venue, which trades nothing, shares its lifecycle checks (`expectSignerAndClose`)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { price, shares, usdc, type Usdc } from '../../src/domain/money.ts';
import { OrderPrepError } from '../../src/domain/order-amounts.ts';
import { takerFee } from '../../src/domain/fees.ts';
import { minSizeText, POLY_TEXT } from '../../src/sim/exchange/order-rules.ts';
import type { OrderRequest, OrderType, PreparedOrder, Venue, VenueFill, VenueOrderReport } from '../../src/engine/venue-port.ts';

/**
 * What a venue under test needs around it. The market behind `tokenId` has tick 0.01 and minimum size 5, accepts
 * orders and starts with an empty book; our account starts with no collateral and no shares
 */
export interface VenueHarness {
  venue: Venue;
  /** The address the venue must name as its signer, lower-case; null for a venue that signs nothing */
  signerAddress: string | null;
  /** The Yes token of the test market */
  tokenId: string;
  /** The No token of the same market */
  noTokenId: string;
  /** Rests GTC orders on `tokenId` from another, well-funded account; crossing levels trade with ours */
  seedBook(side: 'bids' | 'asks', levels: [price: string, size: string][]): Promise<void>;
  /** Adds collateral to our account */
  fund(usdc: string): Promise<void>;
  /** Moves the venue's clock on and lets it act on that (GTD expiry) */
  advance(ms: number): Promise<void>;
  faults: {
    /** The next n submit attempts get 429; the venue must retry with backoff and succeed */
    rateLimitNext(n: number): void;
    /** The next submit is placed but its response never arrives */
    dropNextSubmitResponse(): void;
  };
  /**
   * Signs exactly the request's price and size, with no rounding and no refusal: the only way to put an off-tick or
   * below-minimum order in front of the venue, since `prepare` fixes or refuses those. The real adapter signs the raw
   * amounts (BUY maker = price × size, taker = size; SELL the other way round)
   */
  prepareUnchecked(request: OrderRequest): Promise<PreparedOrder>;
  close(): Promise<void>;
}

const WAIT_MS = 5_000;
const POLL_MS = 25;

/** Real venues report asynchronously: reads `read` until `done` holds, for at most five seconds */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      const last = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
      throw new Error(`waited ${WAIT_MS} ms for ${what}; last read: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const sum = (fills: VenueFill[]): bigint => fills.reduce((s, f) => s + f.size, 0n);

/** Client order ids only need to be unique per harness, but a shared loopback server may outlive one */
const RUN = Date.now().toString(36);
let sequence = 0;

/** One test's view of the harness, with the waits every case needs */
class Ctx {
  constructor(readonly h: VenueHarness) {}

  get venue(): Venue {
    return this.h.venue;
  }

  request(side: 'BUY' | 'SELL', p: string, size: string, orderType: OrderType = 'GTC', expiresAt?: Date): OrderRequest {
    const clientOrderId = `contract-${RUN}-${++sequence}`;
    const base = { clientOrderId, tokenId: this.h.tokenId, side, price: price(p), size: shares(size), orderType };
    return expiresAt ? { ...base, expiresAt } : base;
  }

  async place(req: OrderRequest) {
    const prepared = await this.venue.prepare(req);
    return { prepared, outcome: await this.venue.submit(prepared) };
  }

  async fillsFor(venueOrderId: string): Promise<VenueFill[]> {
    return (await this.venue.fillsSince(null)).fills.filter((f) => f.venueOrderId === venueOrderId);
  }

  async reportOf(venueOrderId: string): Promise<VenueOrderReport | null> {
    const read = await this.venue.orderStatus(venueOrderId);
    return read.kind === 'found' ? read.order : null;
  }

  /** The venue's clock, read from a book snapshot: the harness may run it apart from ours */
  async venueNow(): Promise<Date> {
    return (await this.venue.orderBook(this.h.tokenId)).time;
  }

  waitStatus(id: string, status: VenueOrderReport['status']): Promise<VenueOrderReport> {
    const read = eventually(() => this.reportOf(id), (r) => r?.status === status, `order ${id} to be ${status}`);
    return read as Promise<VenueOrderReport>;
  }

  waitCollateral(amount: string): Promise<Usdc> {
    return eventually(() => this.venue.availableCollateral(), (c) => c === usdc(amount), `available collateral ${amount}`);
  }

  waitShares(tokenId: string, amount: bigint): Promise<bigint> {
    return eventually(() => this.venue.tokenBalance(tokenId), (b) => b === amount, `a balance of ${amount} micro-shares of ${tokenId}`);
  }

  waitFilled(id: string, size: string): Promise<VenueFill[]> {
    return eventually(() => this.fillsFor(id), (fs) => sum(fs) === shares(size), `fills of ${size} on ${id}`);
  }
}

async function marketInfoAndBook({ h, venue }: Ctx): Promise<void> {
  const info = await venue.marketInfo(h.tokenId);
  expect(info).toMatchObject({ tokenId: h.tokenId, tickSize: 10_000n, minSize: shares('5'), acceptingOrders: true });
  expect((await venue.marketInfo(h.noTokenId)).conditionId).toBe(info.conditionId);
  await h.seedBook('bids', [['0.40', '10'], ['0.45', '20']]);
  await h.seedBook('asks', [['0.60', '5'], ['0.55', '30']]);
  const book = await eventually(() => venue.orderBook(h.tokenId), (b) => b.bids.length + b.asks.length === 4, 'the seeded book');
  expect(book.tokenId).toBe(h.tokenId);
  expect(book.bids).toEqual([{ price: price('0.45'), size: shares('20') }, { price: price('0.4'), size: shares('10') }]);
  expect(book.asks).toEqual([{ price: price('0.55'), size: shares('30') }, { price: price('0.6'), size: shares('5') }]);
}

async function restingThenFilled(c: Ctx): Promise<void> {
  await c.h.fund('100');
  const { prepared, outcome } = await c.place(c.request('BUY', '0.50', '10'));
  expect(outcome).toEqual({ kind: 'accepted', venueOrderId: prepared.venueOrderId, status: 'live', fills: [] });
  await c.waitCollateral('95');
  expect((await c.venue.openOrders()).map((o) => o.venueOrderId)).toContain(prepared.venueOrderId);
  await c.h.seedBook('asks', [['0.50', '10']]);
  const fills = await c.waitFilled(prepared.venueOrderId, '10');
  for (const f of fills) {
    expect(f).toMatchObject({ role: 'maker', side: 'BUY', price: price('0.5'), tokenId: c.h.tokenId, fee: { amount: 0n } });
  }
  expect((await c.waitStatus(prepared.venueOrderId, 'matched')).sizeMatched).toBe(shares('10'));
  await c.waitCollateral('95');
  expect((await c.venue.openOrders()).map((o) => o.venueOrderId)).not.toContain(prepared.venueOrderId);
}

async function partialThenCancel(c: Ctx): Promise<void> {
  await c.h.fund('100');
  const { prepared } = await c.place(c.request('BUY', '0.50', '10'));
  await c.h.seedBook('asks', [['0.50', '6']]);
  await c.waitFilled(prepared.venueOrderId, '6');
  const live = await eventually(() => c.reportOf(prepared.venueOrderId), (r) => r?.sizeMatched === shares('6'), 'sizeMatched 6');
  expect(live?.status).toBe('live');
  await c.waitCollateral('95'); // $3 paid, $2 still reserved
  expect(await c.venue.cancel(prepared.venueOrderId)).toEqual({ kind: 'cancelled' });
  expect((await c.waitStatus(prepared.venueOrderId, 'cancelled')).sizeMatched).toBe(shares('6'));
  await c.waitCollateral('97');
}

async function fokKilled(c: Ctx): Promise<void> {
  await c.h.fund('100');
  await c.h.seedBook('asks', [['0.50', '5']]);
  const { prepared, outcome } = await c.place(c.request('BUY', '0.50', '10', 'FOK'));
  expect(outcome).toEqual({ kind: 'rejected', reason: 'fok_unfilled', text: POLY_TEXT.fokUnfilled });
  expect(await c.venue.availableCollateral()).toBe(usdc('100'));
  expect((await c.venue.orderBook(c.h.tokenId)).asks).toEqual([{ price: price('0.5'), size: shares('5') }]);
  expect(await c.fillsFor(prepared.venueOrderId)).toEqual([]);
}

async function fakPartial(c: Ctx): Promise<void> {
  await c.h.fund('100');
  await c.h.seedBook('asks', [['0.50', '6'], ['0.52', '5'], ['0.60', '10']]);
  const { prepared, outcome } = await c.place(c.request('BUY', '0.55', '15', 'FAK'));
  expect(outcome).toMatchObject({ kind: 'accepted', venueOrderId: prepared.venueOrderId, status: 'matched' });
  // $8.25 to spend; 6 × 0.50 + 5 × 0.52 = $5.60 buys 11 shares; 0.60 is above the limit
  const fills = await c.waitFilled(prepared.venueOrderId, '11');
  const { fee } = await c.venue.marketInfo(c.h.tokenId);
  expect(fills.every((f) => f.role === 'taker' && f.side === 'BUY' && f.fee.asset === 'shares')).toBe(true);
  const expectedFee = takerFee(shares('6'), price('0.5'), fee) + takerFee(shares('5'), price('0.52'), fee);
  expect(fills.reduce((s, f) => s + f.fee.amount, 0n)).toBe(expectedFee);
  await c.waitCollateral('94.40');
  expect((await c.venue.orderBook(c.h.tokenId)).asks).toEqual([{ price: price('0.6'), size: shares('10') }]);
  expect((await c.reportOf(prepared.venueOrderId))?.status).not.toBe('live');
  expect(await c.venue.openOrders()).toEqual([]);
}

async function gtdExpiry(c: Ctx): Promise<void> {
  await c.h.fund('100');
  const now = await c.venueNow();
  const { prepared, outcome } = await c.place(c.request('BUY', '0.40', '10', 'GTD', new Date(now.getTime() + 120_000)));
  expect(outcome).toMatchObject({ kind: 'accepted', status: 'live' });
  await c.waitCollateral('96');
  await c.h.advance(121_000);
  await c.waitStatus(prepared.venueOrderId, 'expired');
  await c.waitCollateral('100');
}

async function gtdTooSoon(c: Ctx): Promise<void> {
  await c.h.fund('100');
  const now = await c.venueNow();
  const { outcome } = await c.place(c.request('BUY', '0.40', '10', 'GTD', new Date(now.getTime() + 30_000)));
  expect(outcome).toEqual({ kind: 'rejected', reason: 'expiration', text: POLY_TEXT.expiration });
}

async function prepareRounds(c: Ctx): Promise<void> {
  expect((await c.venue.prepare(c.request('BUY', '0.555', '10'))).price).toBe(price('0.55'));
  expect((await c.venue.prepare(c.request('SELL', '0.555', '10'))).price).toBe(price('0.56'));
  const refusal = c.venue.prepare(c.request('BUY', '0.50', '1.73'));
  await expect(refusal).rejects.toBeInstanceOf(OrderPrepError);
  await expect(refusal).rejects.toMatchObject({ reason: 'min_size' });
}

async function venueTexts(c: Ctx): Promise<void> {
  await c.h.fund('100');
  const small = await c.h.prepareUnchecked(c.request('BUY', '0.50', '1.73'));
  expect(await c.venue.submit(small)).toEqual({
    kind: 'rejected', reason: 'min_size', text: minSizeText(small.venueOrderId, shares('1.73'), shares('5')),
  });
  const offTick = await c.h.prepareUnchecked(c.request('BUY', '0.555', '10'));
  expect(await c.venue.submit(offTick)).toEqual({ kind: 'rejected', reason: 'tick_size', text: POLY_TEXT.tickSize });
  expect(await c.venue.availableCollateral()).toBe(usdc('100'));
}

async function notEnoughBalance(c: Ctx): Promise<void> {
  await c.h.fund('6');
  const first = await c.place(c.request('BUY', '0.50', '10'));
  expect(first.outcome).toMatchObject({ kind: 'accepted', status: 'live' });
  const second = await c.place(c.request('BUY', '0.50', '10'));
  expect(second.outcome).toEqual({ kind: 'rejected', reason: 'insufficient_balance', text: POLY_TEXT.notEnoughBalance });
  await c.waitCollateral('1');
}

async function rateLimited(c: Ctx): Promise<void> {
  await c.h.fund('100');
  c.h.faults.rateLimitNext(2);
  const { prepared, outcome } = await c.place(c.request('BUY', '0.40', '10'));
  expect(outcome).toMatchObject({ kind: 'accepted', venueOrderId: prepared.venueOrderId, status: 'live' });
  await c.waitStatus(prepared.venueOrderId, 'live');
}

async function droppedResponse(c: Ctx): Promise<void> {
  await c.h.fund('100');
  c.h.faults.dropNextSubmitResponse();
  const { prepared, outcome } = await c.place(c.request('BUY', '0.40', '10'));
  expect(outcome.kind).toBe('unknown');
  const found = await c.waitStatus(prepared.venueOrderId, 'live');
  expect(found).toMatchObject({ side: 'BUY', price: price('0.4'), originalSize: shares('10'), sizeMatched: 0n });
  // sending it again must not look like a rejection: the order exists
  expect((await c.venue.submit(prepared)).kind).toBe('unknown');
  await c.waitCollateral('96');
}

async function shareBalances(c: Ctx): Promise<void> {
  const { h, venue } = c;
  await h.fund('100');
  expect(await venue.tokenBalance(h.tokenId)).toBe(0n);
  await h.seedBook('asks', [['0.50', '10']]);
  const buy = await c.place(c.request('BUY', '0.50', '10', 'FAK'));
  const bought = await c.waitFilled(buy.prepared.venueOrderId, '10');
  const { fee } = await venue.marketInfo(h.tokenId);
  const feeShares = takerFee(shares('10'), price('0.5'), fee);
  expect(feeShares).toBeGreaterThan(0n);
  expect(bought.reduce((s, f) => s + f.fee.amount, 0n)).toBe(feeShares);
  const held = shares('10') - feeShares; // a taker BUY's fee is paid in the shares bought
  await c.waitShares(h.tokenId, held);
  // A resting SELL reserves shares but they are still held
  const resting = await c.place(c.request('SELL', '0.90', '5'));
  expect(resting.outcome).toMatchObject({ kind: 'accepted', status: 'live' });
  expect(await venue.tokenBalance(h.tokenId)).toBe(held);
  expect(await venue.cancel(resting.prepared.venueOrderId)).toEqual({ kind: 'cancelled' });
  // Sold shares leave (a SELL's fee is in USDC); the other outcome was never held
  await h.seedBook('bids', [['0.45', '5']]);
  const sell = await c.place(c.request('SELL', '0.45', '5', 'FAK'));
  await c.waitFilled(sell.prepared.venueOrderId, '5');
  await c.waitShares(h.tokenId, held - shares('5'));
  expect(await venue.tokenBalance(h.noTokenId)).toBe(0n);
}

async function unknownIds(c: Ctx): Promise<void> {
  const id = `0x${'0'.repeat(63)}1`;
  expect(await c.venue.orderStatus(id)).toEqual({ kind: 'not_found' });
  expect((await c.venue.cancel(id)).kind).toBe('not_cancelled');
}

/** The port's lifecycle every venue shares, the shadow venue included: who signs, and a close that is safe to repeat */
export async function expectSignerAndClose(venue: Venue, signerAddress: string | null): Promise<void> {
  expect(venue.signerAddress).toBe(signerAddress);
  if (signerAddress !== null) expect(signerAddress).toMatch(/^0x[0-9a-f]{40}$/);
  await expect(venue.close()).resolves.toBeUndefined();
  await expect(venue.close()).resolves.toBeUndefined();
}

async function signerAndClose({ h, venue }: Ctx): Promise<void> {
  await venue.marketInfo(h.tokenId);
  await expectSignerAndClose(venue, h.signerAddress);
}

const CASES: [string, (c: Ctx) => Promise<void>][] = [
  ['reads back market info and the seeded book', marketInfoAndBook],
  ['rests a GTC BUY, reserving its cost, and fills it when a seller arrives', restingThenFilled],
  ['partly fills a resting order; cancelling releases the rest', partialThenCancel],
  ['kills a FOK it cannot fill entirely, changing nothing', fokKilled],
  ["fills a FAK as far as it can at the makers' prices and cancels the rest", fakPartial],
  ['expires a GTD at its expiry and releases its reservation', gtdExpiry],
  ['refuses a GTD expiring within a minute', gtdTooSoon],
  ['prepare rounds an off-tick price to the safe side and refuses a size below the minimum', prepareRounds],
  ["passes on the venue's own texts for a below-minimum size and an off-tick price", venueTexts],
  ['refuses an order the balance cannot cover, counting what open orders reserve', notEnoughBalance],
  ['retries a rate-limited submit with backoff until it is accepted', rateLimited],
  ['reports a lost submit response as unknown; the order is then found by its prepared id', droppedResponse],
  ['answers not_found and not_cancelled for an order it never had', unknownIds],
  ['reports the shares held of a token: bought net of share fees, resting SELLs included, sold ones gone; never held is 0', shareBalances],
  ['names the address that signs its orders (or null), and closes, twice over', signerAndClose],
];

/** Registers the contract: one `it` per case, each on a fresh harness */
export function describeVenueContract(name: string, makeHarness: () => Promise<VenueHarness>): void {
  describe(`Venue contract: ${name}`, () => {
    let harness: VenueHarness | null = null;
    beforeEach(async () => {
      harness = await makeHarness();
    });
    afterEach(async () => {
      await harness?.close();
      harness = null;
    });
    for (const [title, run] of CASES) {
      it(title, async () => {
        if (!harness) throw new Error('no harness');
        await run(new Ctx(harness));
      });
    }
  });
}
