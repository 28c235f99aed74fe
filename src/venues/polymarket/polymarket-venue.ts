/** The real Polymarket Venue: clob-client-v2 for keys, headers and wire format, deterministic signing, REST plus the user channel */
import { orderToJsonV2, OrderType as ClientOrderType, type ApiKeyCreds } from '@polymarket/clob-client-v2';
import { createWalletClient, http, type Hex, type WalletClient } from 'viem';
import { polygon, polygonAmoy } from 'viem/chains';
import { z } from 'zod';
import { InvariantError } from '../../domain/errors.ts';
import { checkPrice, costOf, type Shares, type Usdc } from '../../domain/money.ts';
import type { Clock, Log } from '../../engine/ports.ts';
import { OrderPrepError, prepareOrderAmounts, uncheckedOrderAmounts, type PreparedAmounts } from '../../domain/order-amounts.ts';
import type {
  BookSnapshot, CancelOutcome, FillPage, MarketInfo, OrderRequest, PreparedOrder, StatusRead, SubmitOutcome, Venue,
  VenueFill, VenueOrderReport,
} from '../../engine/venue-port.ts';
import type { SpenderAllowance } from '../../domain/preflight.ts';
import { advance, decodeCursor, encodeCursor, pollAfter } from './fill-cursor.ts';
import { fillsFromTrade, type OurIdentity } from './fills.ts';
import { MarketParams } from './market-params.ts';
import { accountOf, collateralSpenders, deriveCreds, setupErrorOf, toAllowances } from './preflight-reads.ts';
import { RateBudgets, type BucketSpec, type BudgetName } from './rate-budget.ts';
import { OrdersPage, PostOrderReply, TradesPage, WireOrder, type TradeRead } from './schemas.ts';
import {
  asClientOrder, exchangeDomain, orderHash, saltFor, signOrder, ZERO32, type ExchangeDomain, type SignedWireOrderV2, type WireOrderV2,
} from './signing.ts';
import type { HttpSend } from './http-send.ts';
import { ClobTransport, type ClobRequest, type ClobResponse } from './transport.ts';
import {
  errorText, toBookSnapshot, toCancelOutcome, toCollateral, toOrderReport, toShareBalance, toSubmitOutcome,
  type OrderContext,
} from './translate.ts';
import { UserStream } from './user-stream.ts';

export interface PolymarketVenueOptions {
  /** CLOB REST base, e.g. https://clob.polymarket.com or a loopback simulator */
  host: string;
  /** WebSocket base; the user channel is `${wsHost}/ws/user`. Without it fills come from polling only */
  wsHost?: string;
  privateKey: Hex;
  /** API creds; derived (or created) with the wallet when absent */
  creds?: ApiKeyCreds;
  /** 0 EOA, 1 proxy, 2 Safe, 3 deposit wallet (POLY_1271) */
  signatureType?: 0 | 1 | 2 | 3;
  /** The maker (funds holder) for signature types 1–3 */
  funder?: Hex;
  chainId?: 137 | 80002;
  log: Log;
  /** Order timestamps and market-param TTLs */
  clock: Clock;
  rateBudgets?: Partial<Record<BudgetName, BucketSpec[]>>;
  /** Transport tuning; `send` (how a request goes out) is injectable for tests */
  http?: { timeoutMs?: number; maxAttempts?: number; maxRetryWaitMs?: number; send?: HttpSend };
  /** Market params are re-read after this long (default 5 min, as the client caches tick sizes) */
  marketTtlMs?: number;
  /** While the user channel is healthy, REST is polled for fills at most this often (default 5 000 ms) */
  pollEveryMs?: number;
  /** The user channel's PING period; a channel silent for two periods is made again (default 10 000 ms, as the docs) */
  streamPingMs?: number;
}

export interface PolymarketVenue extends Venue {
  /** Signs exactly the request's amounts, skipping the domain's amount rounding and refusals; for contract tests only */
  prepareUnchecked(request: OrderRequest): Promise<PreparedOrder>;
  /** The signing EOA, lower-case */
  readonly address: string;
  /** The same address, as the port names it */
  readonly signerAddress: string;
  /** The order maker (funder or the EOA), lower-case */
  readonly maker: string;
}

/** What `prepare` persists in PreparedOrder.payload: the whole signed order, so a restart re-submits the very same bytes */
const Payload = z.object({
  kind: z.literal('polymarket-signed-order'),
  orderType: z.enum(['GTC', 'GTD', 'FOK', 'FAK']),
  domain: z.object({ chainId: z.number(), verifyingContract: z.string(), version: z.enum(['2', '3']) }),
  order: WireOrder,
});
type Payload = z.infer<typeof Payload>;

/** Fills are looked for again this far back (seconds) to catch trades that reach /data/trades late */
const FILL_WINDOW_S = 60;
const UNUSED_RPC = 'http://127.0.0.1:9';
const END_CURSOR = 'LTE=';
const MAX_PAGES = 200;

export async function createPolymarketVenue(opts: PolymarketVenueOptions): Promise<PolymarketVenue> {
  const chainId = opts.chainId ?? 137;
  const account = accountOf(opts.privateKey);
  // Signing is local; the RPC transport exists only because a WalletClient needs one, and is never called
  const wallet = createWalletClient({ account, chain: chainId === 137 ? polygon : polygonAmoy, transport: http(UNUSED_RPC) });
  const creds = opts.creds ?? await deriveCreds(opts, wallet, chainId, opts.log);
  return new PolymarketAdapter(opts, wallet, creds, chainId);
}

class PolymarketAdapter implements PolymarketVenue {
  readonly name = 'polymarket';
  readonly address: string;
  readonly signerAddress: string;
  readonly maker: string;
  readonly fillCursorKey: string;
  private readonly transport: ClobTransport;
  private readonly markets: MarketParams;
  private readonly stream: UserStream | null;
  /** Our order ids (lower-case) → the size we sent, which settles how the venue writes sizes back */
  private readonly known = new Map<string, bigint>();
  private readonly prepared = new Map<string, PreparedOrder>();
  /** Payloads sign() built in this process, with the id they hash to: submit() need not hash them again (checkedPayload) */
  private readonly signedHere = new WeakMap<object, string>();
  /** Orders we cancelled, so a cancelled GTD past its expiry is not mistaken for an expired one */
  private readonly cancelled = new Set<string>();
  private lastCursor: string | null = null;
  private lastPollAt = -Infinity;
  private pollSoon = true;

  constructor(private readonly opts: PolymarketVenueOptions, private readonly wallet: WalletClient, private readonly creds: ApiKeyCreds, private readonly chainId: number) {
    this.address = wallet.account!.address.toLowerCase();
    this.signerAddress = this.address;
    this.maker = (opts.funder ?? wallet.account!.address).toLowerCase();
    // The account /data/trades answers for, at this host
    this.fillCursorKey = `polymarket ${opts.host.replace(/\/+$/, '').toLowerCase()} ${this.maker}`;
    const budgets = new RateBudgets(opts.rateBudgets);
    this.transport = new ClobTransport({ host: opts.host, chainId, wallet, creds: () => creds, budgets, log: opts.log, ...opts.http });
    this.markets = new MarketParams((req) => this.transport.call(req), opts.clock, opts.marketTtlMs ?? 300_000);
    this.stream = opts.wsHost ? new UserStream({ url: `${opts.wsHost.replace(/\/+$/, '')}/ws/user`, creds, log: opts.log,
      pingMs: opts.streamPingMs }) : null;
    this.stream?.start();
  }

  async close(): Promise<void> {
    this.stream?.close();
  }

  marketInfo(tokenId: string): Promise<MarketInfo> {
    return this.markets.info(tokenId);
  }

  async orderBook(tokenId: string): Promise<BookSnapshot> {
    const res = await this.call({ method: 'GET', path: '/book', query: { token_id: tokenId }, auth: 'none', budget: 'book', retry: 'read' });
    return toBookSnapshot(expectOk(res, 'GET /book'), this.opts.clock.now());
  }

  async prepare(request: OrderRequest): Promise<PreparedOrder> {
    checkPrice(request.price);
    if (request.size <= 0n) throw new InvariantError(`order size must be positive: ${request.clientOrderId}`);
    if (request.orderType === 'GTD' && !request.expiresAt) throw new InvariantError(`GTD order without expiresAt: ${request.clientOrderId}`);
    const memo = this.prepared.get(request.clientOrderId);
    if (memo && sameRequest(memo.request, request)) return memo;
    const market = await this.markets.info(request.tokenId);
    const amounts = prepareOrderAmounts(request, market);
    if (!amounts.ok) throw new OrderPrepError(amounts.reason, amounts.text);
    const prepared = await this.sign(request, amounts, market.negRisk);
    this.prepared.set(request.clientOrderId, prepared);
    trimOldest(this.prepared, 10_000);
    return prepared;
  }

  /**
   * Signs the request's price and size exactly as given, with no rounding and no refusal, so the venue itself answers
   * an off-tick or below-minimum order (the contract suite's `prepareUnchecked`). Not for trading
   */
  async prepareUnchecked(request: OrderRequest): Promise<PreparedOrder> {
    const market = await this.markets.info(request.tokenId);
    return this.sign(request, uncheckedOrderAmounts(request), market.negRisk);
  }

  private async sign(request: OrderRequest, amounts: Extract<PreparedAmounts, { ok: true }>, negRisk: boolean): Promise<PreparedOrder> {
    const domain = exchangeDomain(this.chainId, await this.markets.orderVersion(), negRisk);
    const order = this.orderStruct(request, amounts.makerAmount, amounts.takerAmount);
    const hash = orderHash(order, domain);
    const signed: SignedWireOrderV2 = { ...order, signature: await signOrder(this.wallet, order, domain, hash) };
    const venueOrderId = hash.toLowerCase();
    const payload: Payload = { kind: 'polymarket-signed-order', orderType: request.orderType, domain, order: signed };
    this.signedHere.set(payload, venueOrderId);
    this.remember(venueOrderId, sharesSigned(signed));
    return { venueOrderId, request, price: amounts.price, size: amounts.size, payload };
  }

  /** The unsigned V2 struct: salt from the clientOrderId, timestamp from the clock, expiration only for GTD */
  private orderStruct(request: OrderRequest, makerAmount: bigint, takerAmount: bigint): WireOrderV2 {
    const signatureType = this.opts.signatureType ?? 0;
    const expiration = request.orderType === 'GTD' ? String(Math.floor(request.expiresAt!.getTime() / 1000)) : '0';
    return {
      salt: saltFor(request.clientOrderId), maker: this.maker as Hex, signer: (signatureType === 3 ? this.maker : this.address) as Hex,
      tokenId: request.tokenId, makerAmount: makerAmount.toString(), takerAmount: takerAmount.toString(), side: request.side,
      signatureType, timestamp: String(this.opts.clock.now().getTime()), expiration, metadata: ZERO32, builder: ZERO32,
    };
  }

  async submit(order: PreparedOrder): Promise<SubmitOutcome> {
    const payload = this.checkedPayload(order);
    const wire = orderToJsonV2(asClientOrder(payload.order as SignedWireOrderV2), this.creds.key, payload.orderType as ClientOrderType);
    const res = await this.call({ method: 'POST', path: '/order', body: JSON.stringify(wire), auth: 'l2', budget: 'postOrder', retry: 'write' });
    const outcome = res.status === null
      ? { kind: 'unknown' as const, detail: `POST /order: ${res.error}` }
      : toSubmitOutcome(res.status, res.body);
    this.afterSubmit(order, outcome, res);
    if (outcome.kind !== 'accepted' || outcome.status !== 'matched') return outcome;
    return { ...outcome, fills: await this.fillsOfReply(outcome.venueOrderId, res) };
  }

  /**
   * The payload must be ours and must hash to the id we promised; anything else is a bug, not a venue answer. One this
   * venue signed in this process (the same object, which sign() hashed to this id) is not parsed and hashed again
   */
  private checkedPayload(order: PreparedOrder): Payload {
    const own = typeof order.payload === 'object' && order.payload !== null ? this.signedHere.get(order.payload) : undefined;
    if (own !== undefined && own === order.venueOrderId.toLowerCase()) {
      const payload = order.payload as Payload;
      // sign() remembered it; again, as the full check does, in case the size map was trimmed since
      this.remember(own, sharesSigned(payload.order as SignedWireOrderV2));
      return payload;
    }
    const parsed = Payload.safeParse(order.payload);
    if (!parsed.success) throw new InvariantError(`not a prepared Polymarket order: ${order.venueOrderId}`);
    const { signature: _signature, ...struct } = parsed.data.order;
    const hash = orderHash(struct as SignedWireOrderV2, parsed.data.domain as ExchangeDomain).toLowerCase();
    if (hash !== order.venueOrderId.toLowerCase()) throw new InvariantError(`payload of ${order.venueOrderId} hashes to ${hash}`);
    this.remember(hash, sharesSigned(parsed.data.order));
    return parsed.data;
  }

  private afterSubmit(order: PreparedOrder, outcome: SubmitOutcome, res: ClobResponse): void {
    // An accepted order may have traded and an unknown one may exist: the next fillsSince reads REST, not only the stream
    if (outcome.kind !== 'rejected') this.pollSoon = true;
    if (outcome.kind === 'rejected' && outcome.reason === 'tick_size') this.markets.invalidate(order.request.tokenId);
    if (outcome.kind === 'rejected' && /order_version_mismatch|order version/i.test(outcome.text)) this.markets.forgetVersion();
    if (outcome.kind === 'accepted' && outcome.venueOrderId !== order.venueOrderId.toLowerCase()) {
      // The id is the order hash we computed; a different one means our hashing and the venue's disagree
      this.opts.log.error('polymarket order id differs from the prepared hash', { prepared: order.venueOrderId, venue: outcome.venueOrderId });
      this.remember(outcome.venueOrderId, order.size);
    }
    const detail = outcome.kind === 'rejected' ? outcome.reason : outcome.kind === 'unknown' ? outcome.detail : outcome.status;
    this.opts.log.info('polymarket order submitted', { venueOrderId: order.venueOrderId, outcome: outcome.kind, detail, requests: res.requests });
  }

  /** Our taker fills of a matched post, read from /data/trades?id= for each trade id in the reply (best effort) */
  private async fillsOfReply(venueOrderId: string, res: ClobResponse): Promise<VenueFill[]> {
    const reply = res.status === null ? null : PostOrderReply.safeParse(res.body);
    const tradeIds = reply?.success ? (reply.data.tradeIDs ?? []) : [];
    try {
      const rows = (await Promise.all(tradeIds.map((id) => this.readTrades({ id })))).flat();
      await this.ensureFees(rows);
      return rows.flatMap((row) => this.fillsOf(row)).filter((f) => f.venueOrderId === venueOrderId)
        .filter((f, i, all) => all.findIndex((g) => g.fillId === f.fillId) === i);
    } catch (err) {
      this.opts.log.warn('polymarket fills of a matched order not read yet', { venueOrderId, error: String(err) });
      return [];
    }
  }

  async cancel(venueOrderId: string): Promise<CancelOutcome> {
    const body = JSON.stringify({ orderID: venueOrderId });
    const res = await this.call({ method: 'DELETE', path: '/order', body, auth: 'l2', budget: 'cancel', retry: 'write' });
    if (res.status === null) return { kind: 'unknown', detail: `DELETE /order: ${res.error}` };
    const outcome = toCancelOutcome(res.status, res.body, venueOrderId);
    if (outcome.kind === 'cancelled') this.cancelled.add(venueOrderId.toLowerCase());
    if (this.cancelled.size > 100_000) this.cancelled.delete(this.cancelled.values().next().value!);
    return outcome;
  }

  async orderStatus(venueOrderId: string): Promise<StatusRead> {
    const path = `/data/order/${encodeURIComponent(venueOrderId)}`;
    const res = await this.call({ method: 'GET', path, auth: 'l2', budget: 'orders', retry: 'read' });
    if (res.status === null) return { kind: 'error', detail: `GET /data/order: ${res.error}` };
    // An id the venue does not show us comes back as 200 null (py-clob-client #217) or 404
    if (res.status === 404 || (res.status === 200 && (res.body === null || res.body === ''))) return { kind: 'not_found' };
    if (res.status !== 200) return { kind: 'error', detail: `GET /data/order: HTTP ${res.status} ${errorText(res.body)}` };
    try {
      return { kind: 'found', order: toOrderReport(res.body, this.contextOf(venueOrderId)) };
    } catch (err) {
      return { kind: 'error', detail: `unreadable order ${venueOrderId}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  async openOrders(): Promise<VenueOrderReport[]> {
    const out: VenueOrderReport[] = [];
    let cursor = 'MA==';
    for (let pages = 0; cursor !== END_CURSOR; pages += 1) {
      if (pages >= MAX_PAGES) throw new Error('GET /data/orders: too many pages');
      const res = await this.call({ method: 'GET', path: '/data/orders', query: { next_cursor: cursor }, auth: 'l2', budget: 'orders', retry: 'read' });
      const page = OrdersPage.parse(expectOk(res, 'GET /data/orders'));
      for (const raw of page.data) {
        const report = toOrderReport(raw, this.contextOf(raw.id));
        this.remember(report.venueOrderId, report.originalSize);
        out.push(report);
      }
      cursor = page.next_cursor && page.data.length > 0 ? page.next_cursor : END_CURSOR;
    }
    return out;
  }

  async fillsSince(cursor: string | null): Promise<FillPage> {
    const state = decodeCursor(cursor);
    const started = Date.now();
    const poll = this.mustPoll(cursor, started);
    const after = pollAfter(state, FILL_WINDOW_S);
    const polled = poll ? await this.readTrades(after === null ? {} : { after: String(after) }) : [];
    const streamed = this.stream?.drainTrades() ?? [];
    const rows = [...polled, ...streamed];
    await this.ensureFees(rows);
    const { fills, state: next } = advance(state, rows.flatMap((row) => this.fillsOf(row)), FILL_WINDOW_S);
    const encoded = encodeCursor(next);
    if (poll) {
      this.lastPollAt = started;
      this.pollSoon = false;
    }
    this.lastCursor = encoded;
    return { fills, cursor: encoded };
  }

  /**
   * REST is read unless the user channel has covered everything since the last poll, the caller continues from the
   * cursor we last gave, nothing we posted may have traded since, and the backstop interval has not run out
   */
  private mustPoll(cursor: string | null, now: number): boolean {
    const covered = this.stream?.coveredSince() ?? null;
    if (covered === null || covered > this.lastPollAt || cursor === null || cursor !== this.lastCursor) return true;
    return this.pollSoon || now - this.lastPollAt >= (this.opts.pollEveryMs ?? 5_000);
  }

  private fillsOf(row: TradeRead): VenueFill[] {
    const us: OurIdentity = { isOurOrder: (id) => this.known.has(id.toLowerCase()), owner: this.creds.key, makerAddress: this.maker };
    try {
      return fillsFromTrade(row, us, (tokenId) => this.markets.cached(tokenId)?.fee ?? null);
    } catch (err) {
      this.opts.log.error('polymarket trade unreadable; skipped', { trade: row.id, error: String(err) });
      return [];
    }
  }

  /** Loads fee schedules for the trades' tokens so fee lookups can stay synchronous; a failure leaves the trade's own bps */
  private async ensureFees(rows: TradeRead[]): Promise<void> {
    const tokens = [...new Set(rows.map((r) => r.asset_id))].filter((t) => this.markets.cached(t) === null);
    await Promise.all(tokens.map((t) => this.markets.info(t).catch(() => null)));
  }

  /** All pages of GET /data/trades for a filter */
  private async readTrades(filter: Record<string, string>): Promise<TradeRead[]> {
    const rows: TradeRead[] = [];
    let cursor = 'MA==';
    for (let pages = 0; cursor !== END_CURSOR; pages += 1) {
      if (pages >= MAX_PAGES) throw new Error('GET /data/trades: too many pages');
      const query = { ...filter, next_cursor: cursor };
      const res = await this.call({ method: 'GET', path: '/data/trades', query, auth: 'l2', budget: 'trades', retry: 'read' });
      const page = TradesPage.parse(expectOk(res, 'GET /data/trades'));
      rows.push(...page.data);
      cursor = page.next_cursor && page.data.length > 0 ? page.next_cursor : END_CURSOR;
    }
    return rows;
  }

  /** Collateral balance minus what our resting BUY orders reserve (the CLOB lets orders use only that much) */
  async availableCollateral(): Promise<Usdc> {
    const balance = toCollateral(await this.collateralRead());
    const reserved = (await this.openOrders())
      .filter((o) => o.side === 'BUY' && (o.status === 'live' || o.status === 'delayed'))
      .reduce((sum, o) => sum + costOf((o.originalSize - o.sizeMatched) as Shares, o.price), 0n);
    return (balance > reserved ? balance - reserved : 0n) as Usdc;
  }

  /** The collateral allowance of each contract our orders need one for (preflight) */
  async collateralAllowances(): Promise<SpenderAllowance[]> {
    return toAllowances(await this.collateralRead(), collateralSpenders(this.chainId));
  }

  private async collateralRead(): Promise<unknown> {
    const query = { asset_type: 'COLLATERAL', signature_type: String(this.opts.signatureType ?? 0) };
    const res = await this.call({ method: 'GET', path: '/balance-allowance', query, auth: 'l2', budget: 'balance', retry: 'read' });
    return expectOk(res, 'GET /balance-allowance');
  }

  /**
   * The shares of one outcome token the funds holder has: GET /balance-allowance with asset_type CONDITIONAL and the
   * token id, under our signature type (outcome tokens have 6 decimals, so base units are micro-shares). The whole
   * balance: shares our resting SELLs offer are not taken off
   */
  async tokenBalance(tokenId: string): Promise<Shares> {
    const query = { asset_type: 'CONDITIONAL', token_id: tokenId, signature_type: String(this.opts.signatureType ?? 0) };
    const res = await this.call({ method: 'GET', path: '/balance-allowance', query, auth: 'l2', budget: 'balance', retry: 'read' });
    return toShareBalance(expectOk(res, 'GET /balance-allowance'));
  }

  private call(req: ClobRequest): Promise<ClobResponse> {
    return this.transport.call(req);
  }

  private contextOf(id: string): OrderContext {
    const key = id.toLowerCase();
    return { knownSize: this.known.get(key), now: this.opts.clock.now(), cancelledByUs: this.cancelled.has(key) };
  }

  private remember(id: string, size: bigint): void {
    this.known.set(id.toLowerCase(), size);
    trimOldest(this.known, 100_000);
  }
}

/** The body of a 200; otherwise throws, naming an unreachable CLOB or refused credentials (VenueSetupError) */
function expectOk(res: ClobResponse, what: string): unknown {
  if (res.status === 200) return res.body;
  const text = res.status === null ? res.error : errorText(res.body);
  throw setupErrorOf(res, what, text) ?? new Error(`${what}: HTTP ${res.status} ${text}`);
}

/** The shares a signed order is for: the taker amount of a BUY, the maker amount of a SELL (what the CLOB calls its size) */
const sharesSigned = (o: { side: string; makerAmount: string; takerAmount: string }): bigint =>
  BigInt(o.side === 'BUY' ? o.takerAmount : o.makerAmount);

function sameRequest(a: OrderRequest, b: OrderRequest): boolean {
  return a.tokenId === b.tokenId && a.side === b.side && a.price === b.price && a.size === b.size
    && a.orderType === b.orderType && a.expiresAt?.getTime() === b.expiresAt?.getTime();
}

/** Keeps a Map to `max` entries by dropping the oldest insertions */
function trimOldest<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value as K);
}
