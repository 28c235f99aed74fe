// @backend-independent
/** The Polymarket venue against the loopback simulator: auth, 429s, dropped responses, fills over REST and the user channel */
import { afterEach, describe, expect, it } from 'vitest';
import { price, shares, type Price, type Shares } from '../../domain/money.ts';
import { ManualClock } from '../../engine/clock.ts';
import { OrderPrepError } from '../../domain/order-amounts.ts';
import { describeVenueContract, type VenueHarness } from '../../../test/support/venue-contract.ts';
import type { OrderRequest } from '../../engine/venue-port.ts';
import { createPolymarketVenue } from './polymarket-venue.ts';
import { addressOf, captureLog, eventually, startRig, type Rig } from '../../../test/support/polymarket-rig.ts';

let rig: Rig | null = null;
afterEach(async () => {
  if (rig) {
    assertNoSecrets(rig);
    await rig.close();
  }
  rig = null;
});

let counter = 0;
const request = (r: Rig, over: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: `test-${(counter += 1)}`, tokenId: r.tokenId, side: 'BUY', price: price('0.40'), size: shares('10'), orderType: 'GTC', ...over,
});

const seed = (r: Rig, bids: [string, string][], asks: [string, string][]) =>
  r.admin('/_sim/seed-book', { tokenId: r.tokenId, bids, asks });

/** The private key, the API secret and passphrase must never reach a log line */
function assertNoSecrets(r: Rig): void {
  const text = r.lines.join('\n');
  expect(text).not.toContain(r.privateKey.slice(2));
  const creds = (r.venue as unknown as { creds: { secret: string; passphrase: string } }).creds;
  expect(text).not.toContain(creds.secret);
  expect(text).not.toContain(creds.passphrase);
}

describe('polymarket venue on the simulator', () => {
  it('rests, reads, reserves and cancels an order', async () => {
    rig = await startRig();
    await seed(rig, [['0.45', '100']], [['0.55', '100']]);
    const prepared = await rig.venue.prepare(request(rig));
    const outcome = await rig.venue.submit(prepared);
    expect(outcome).toEqual({ kind: 'accepted', venueOrderId: prepared.venueOrderId, status: 'live', fills: [] });
    const read = await rig.venue.orderStatus(prepared.venueOrderId);
    expect(read).toMatchObject({ kind: 'found', order: { status: 'live', originalSize: shares('10'), sizeMatched: 0n, price: price('0.4') } });
    expect((await rig.venue.openOrders()).map((o) => o.venueOrderId)).toEqual([prepared.venueOrderId]);
    expect(await rig.venue.availableCollateral()).toBe(shares('996'));
    expect(await rig.venue.cancel(prepared.venueOrderId)).toEqual({ kind: 'cancelled' });
    expect(await rig.venue.orderStatus(prepared.venueOrderId)).toMatchObject({ kind: 'found', order: { status: 'cancelled' } });
    expect(await rig.venue.cancel(prepared.venueOrderId)).toMatchObject({ kind: 'not_cancelled' });
    expect(await rig.venue.orderStatus(`0x${'ab'.repeat(32)}`)).toEqual({ kind: 'not_found' });
  });

  it('takes fills at the makers prices and reports them once through the cursor', async () => {
    rig = await startRig({ feeRate: '0.072' });
    await seed(rig, [], [['0.52', '5'], ['0.53', '100']]);
    const prepared = await rig.venue.prepare(request(rig, { price: price('0.60'), size: shares('10') }));
    const outcome = await rig.venue.submit(prepared);
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'matched' });
    const fills = outcome.kind === 'accepted' ? outcome.fills : [];
    // 5 @ 0.52 + 5 @ 0.53 in one taker trade: VWAP 0.525
    expect(fills).toEqual([expect.objectContaining({ role: 'taker', side: 'BUY', price: price('0.525'), size: shares('10') })]);
    // Fee per maker match, rounded up: 5 × 0.072 × 0.52 × 0.48 = 0.089856 and 5 × 0.072 × 0.53 × 0.47 = 0.089676
    expect(fills[0]!.fee).toEqual({ asset: 'shares', amount: 89_856n + 89_676n });
    const first = await rig.venue.fillsSince(null);
    expect(first.fills.map((f) => f.fillId)).toEqual(fills.map((f) => f.fillId));
    const again = await rig.venue.fillsSince(first.cursor);
    expect(again.fills).toEqual([]);
  });

  it('is rejected as auth with a wrong API secret', async () => {
    rig = await startRig();
    const good = (rig.venue as unknown as { creds: { key: string; passphrase: string } }).creds;
    const wrong = await createPolymarketVenue({
      host: rig.server.url, privateKey: rig.privateKey, log: rig.log, clock: rig.clock,
      creds: { key: good.key, passphrase: good.passphrase, secret: Buffer.alloc(32, 7).toString('base64') },
    });
    const outcome = await wrong.submit(await wrong.prepare(request(rig)));
    expect(outcome).toEqual({ kind: 'rejected', reason: 'auth', text: 'Unauthorized/Invalid api key' });
    expect(await wrong.orderStatus(`0x${'cd'.repeat(32)}`)).toMatchObject({ kind: 'error' });
    await wrong.close();
  });

  it('waits out a 429 burst (Retry-After) and then succeeds', async () => {
    rig = await startRig();
    await seed(rig, [['0.45', '100']], [['0.55', '100']]);
    const prepared = await rig.venue.prepare(request(rig));
    await rig.admin('/_sim/faults', { burst429: 2 });
    const started = Date.now();
    const outcome = await rig.venue.submit(prepared);
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'live' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(rig.requests.filter((r) => r === 'POST /order')).toHaveLength(3);
    expect(rig.lines.filter((l) => l.includes('retried'))).toHaveLength(2);
  });

  it('reports a dropped response as unknown, and the order is then found by its id', async () => {
    rig = await startRig();
    await seed(rig, [['0.45', '100']], [['0.55', '100']]);
    const prepared = await rig.venue.prepare(request(rig));
    await rig.admin('/_sim/faults', { dropOrderResponses: 1 });
    const outcome = await rig.venue.submit(prepared);
    expect(outcome.kind).toBe('unknown');
    expect(rig.requests.filter((r) => r === 'POST /order')).toHaveLength(1);
    expect(await rig.venue.orderStatus(prepared.venueOrderId)).toMatchObject({ kind: 'found', order: { status: 'live' } });
    // Sending it again is a duplicate: still unknown (the order exists), never a rejection
    expect((await rig.venue.submit(prepared)).kind).toBe('unknown');
  });

  it('re-submits a persisted payload from a new process with the same id', async () => {
    rig = await startRig();
    await seed(rig, [['0.45', '100']], [['0.55', '100']]);
    const req = request(rig);
    const prepared = await rig.venue.prepare(req);
    expect(await rig.venue.prepare(req)).toBe(prepared);
    const stored = JSON.parse(JSON.stringify({ payload: prepared.payload })) as { payload: unknown };
    const restarted = await createPolymarketVenue({ host: rig.server.url, privateKey: rig.privateKey, log: rig.log, clock: rig.clock });
    const revived = { ...prepared, payload: stored.payload as unknown };
    expect(await restarted.submit(revived)).toMatchObject({ kind: 'accepted', venueOrderId: prepared.venueOrderId });
    await expect(restarted.submit({ ...revived, venueOrderId: `0x${'00'.repeat(32)}` })).rejects.toThrow(/hashes to/);
    // The venue that signed it checks its own payload object under another id as well (it skips the hash only for its id)
    await expect(rig.venue.submit({ ...prepared, venueOrderId: `0x${'00'.repeat(32)}` })).rejects.toThrow(/hashes to/);
    await restarted.close();
  });

  it('classifies the venue rejections it can provoke', async () => {
    rig = await startRig();
    await seed(rig, [['0.45', '100']], [['0.55', '20']]);
    const submit = async (over: Partial<OrderRequest>) => rig!.venue.submit(await rig!.venue.prepare(request(rig!, over)));
    expect(await submit({ size: shares('5000') })).toMatchObject({ kind: 'rejected', reason: 'insufficient_balance' });
    expect(await submit({ orderType: 'FOK', price: price('0.56'), size: shares('50') })).toMatchObject({ kind: 'rejected', reason: 'fok_unfilled' });
    expect(await submit({ orderType: 'FAK', price: price('0.50') })).toMatchObject({ kind: 'rejected', reason: 'fak_unfilled' });
    const soon = new Date(rig.clock.now().getTime() + 10_000);
    expect(await submit({ orderType: 'GTD', expiresAt: soon })).toMatchObject({ kind: 'rejected', reason: 'expiration' });
    await rig.admin('/_sim/faults', { cancelOnly: true });
    expect(await submit({})).toMatchObject({ kind: 'rejected', reason: 'cancel_only' });
    await expect(rig.venue.prepare(request(rig, { size: shares('4.999') }))).rejects.toBeInstanceOf(OrderPrepError);
  });

  it('delivers a maker fill through the user channel without polling REST', async () => {
    rig = await startRig({ venue: { pollEveryMs: 600_000 } });
    await seed(rig, [['0.30', '100']], [['0.55', '100']]);
    const start = await rig.venue.fillsSince(null);
    const prepared = await rig.venue.prepare(request(rig, { price: price('0.45'), size: shares('10') }));
    await rig.venue.submit(prepared);
    const settled = await rig.venue.fillsSince(start.cursor);
    expect(settled.fills).toEqual([]);
    const polls = () => rig!.requests.filter((r) => r === 'GET /data/trades').length;
    const before = polls();
    await seed(rig, [], [['0.45', '6']]);
    const page = await eventually(async () => {
      const p = await rig!.venue.fillsSince(settled.cursor);
      return p.fills.length > 0 ? p : undefined;
    });
    expect(page.fills).toEqual([expect.objectContaining({ role: 'maker', venueOrderId: prepared.venueOrderId, price: price('0.45'), size: shares('6') })]);
    expect(page.fills[0]!.fee.amount).toBe(0n);
    expect(polls()).toBe(before);
  });

  it('polls REST to cover what the user channel missed while it was down', async () => {
    rig = await startRig({ venue: { pollEveryMs: 600_000 } });
    await seed(rig, [['0.30', '100']], [['0.55', '100']]);
    const prepared = await rig.venue.prepare(request(rig, { price: price('0.45'), size: shares('10') }));
    await rig.venue.submit(prepared);
    const start = await rig.venue.fillsSince(null);
    await rig.admin('/_sim/faults', { disconnectStreams: true });
    await seed(rig, [], [['0.45', '7']]);
    const polls = rig.requests.filter((r) => r === 'GET /data/trades').length;
    const page = await rig.venue.fillsSince(start.cursor);
    expect(page.fills).toEqual([expect.objectContaining({ role: 'maker', size: shares('7'), venueOrderId: prepared.venueOrderId })]);
    expect(rig.requests.filter((r) => r === 'GET /data/trades').length).toBe(polls + 1);
    expect(rig.lines.some((l) => l.includes('user stream closed'))).toBe(true);
  });

  it('keeps the private key out of a failure to get API creds', async () => {
    const key = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
    const lines: string[] = [];
    const failing = createPolymarketVenue({ host: 'http://127.0.0.1:9', privateKey: key, log: captureLog(lines), clock: new ManualClock('2026-11-23T00:00:00Z') });
    await expect(failing).rejects.toThrow('could not create or derive Polymarket API creds at http://127.0.0.1:9');
    await failing.catch((err: Error) => expect(`${err.message}${err.stack ?? ''}`).not.toContain(key.slice(2)));
    expect(lines.join('')).not.toContain(key.slice(2));
  });

  it('serves books and market params', async () => {
    rig = await startRig({ feeRate: '0.072', tickSize: '0.001' });
    await seed(rig, [['0.451', '10'], ['0.45', '20']], [['0.55', '5']]);
    const book = await rig.venue.orderBook(rig.tokenId);
    expect(book.bids.map((l) => l.price)).toEqual([451_000n as Price, 450_000n as Price]);
    expect(book.asks).toEqual([{ price: price('0.55'), size: shares('5') as Shares }]);
    const info = await rig.venue.marketInfo(rig.noTokenId);
    expect(info).toMatchObject({ conditionId: rig.conditionId, tickSize: 1_000n, minSize: shares('5'), fee: { rate: 72_000n, exponent: 1 }, acceptingOrders: true });
  });
});

/**
 * The shared Venue contract over the loopback simulator, driven only through its HTTP control routes: seed-book,
 * credit and faults. Time is the simulator's injected ManualClock, since the server offers no HTTP route to move it
 */
describeVenueContract('polymarket adapter → loopback simulator', async (): Promise<VenueHarness> => {
  const r = await startRig({ fund: '0', feeRate: '0.03' });
  // Warm the market-param and version caches so the first request a test's submit makes is its POST /order
  await r.venue.marketInfo(r.tokenId);
  await r.venue.prepare({ clientOrderId: `warm-${r.tokenId}`, tokenId: r.tokenId, side: 'BUY', price: price('0.5'), size: shares('5'), orderType: 'GTC' });
  return {
    venue: r.venue,
    signerAddress: addressOf(r.privateKey),
    tokenId: r.tokenId,
    noTokenId: r.noTokenId,
    seedBook: async (side, levels) => {
      await r.admin('/_sim/seed-book', { tokenId: r.tokenId, bids: side === 'bids' ? levels : [], asks: side === 'asks' ? levels : [] });
    },
    fund: async (amount) => {
      await r.admin('/_sim/credit', { account: r.venue.maker, asset: 'USDC', amount });
    },
    advance: async (ms) => {
      r.clock.advance(ms);
      // Any request makes the simulator tick (expire GTDs, settle trades); the control routes are exempt from faults
      await fetch(`${r.server.url}/_sim/faults`);
    },
    faults: {
      rateLimitNext: (n) => r.adminBeforeNextRequest('/_sim/faults', { burst429: n }),
      dropNextSubmitResponse: () => r.adminBeforeNextRequest('/_sim/faults', { dropOrderResponses: 1 }),
    },
    prepareUnchecked: (req) => r.venue.prepareUnchecked(req),
    close: async () => {
      assertNoSecrets(r);
      await r.close();
    },
  };
});
