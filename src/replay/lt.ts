/**
 * LT inside `tandem replay`: a simulated exchange on the replay clock, a seeded market maker that quotes the books,
 * Tandem's account behind a simulated venue, and the LT jobs run on the replay's own time line, never at batch
 * boundaries. Events, in time order (a trade before an executor run at the same millisecond):
 *   - every trade, at its own time: the maker re-quotes its token (and the other outcome of a two-outcome market, as
 *     the mirror, unless that traded at the same time too) from the token's current recorded snapshot (books.ts) or
 *     the book model (book-model.ts: the touch at the trade's price on its side, spread and depth calibrated against
 *     recorded books); a token whose recorded snapshot becomes current is re-quoted too; the tracker syncs open orders;
 *   - every trade that gave a mirrored FT wallet a signal (an entry or an exit), at its time + `latencyMs`, the modelled
 *     detection + submit latency of the live path: the tracker syncs, the executor decides that trade's signals (and
 *     only those: a signal is never decided before its time + latency, nor later because of how trades were batched),
 *     the tracker syncs again.
 * So a signal expires only when latencyMs exceeds its strategy's max_signal_age_seconds, as it would live.
 * A maker re-quote cancels its own resting orders on the token first; a new quote that crosses one of Tandem's resting
 * orders fills it (Tandem is then the maker). Taker fees are zero: the recorded markets carry no fee schedule.
 * Resolution: the exchange resolves a market by its Gamma outcomePrices at its closedTime
 */
import type { Market } from '../domain/market.ts';
import { ratio, SCALE, type Price, type Shares } from '../domain/money.ts';
import { Prng } from '../domain/prng.ts';
import type { Side } from '../domain/trade.ts';
import type { ManualClock } from '../engine/clock.ts';
import { executeLt } from '../engine/lt-executor.ts';
import { resolveLt } from '../engine/lt-resolve.ts';
import { createLtStrategy, launchLtStrategy } from '../engine/lt-strategies.ts';
import { syncLtOrders } from '../engine/lt-tracker.ts';
import { BookTimeline, DEFAULT_MIN_SIZE, DEFAULT_TICK, snapshotOrders, type RecordedBook } from './books.ts';
import { modelOrders } from './book-model.ts';
import type { Db } from '../store/db.ts';
import { signalTradeKeys } from '../store/lt-signal-store.ts';
import { createUser } from '../store/user-store.ts';
import { COLLATERAL, SimExchange } from '../sim/exchange/exchange.ts';
import { createSimulatedVenue } from '../sim/exchange/simulated-venue.ts';
import { createSimulatedChain } from '../sim/exchange/sim-chain.ts';
import type { Venue } from '../engine/venue-port.ts';
import { createShadowVenue } from '../venues/shadow-venue.ts';

export const TANDEM_ACCOUNT = 'tandem';
export const MAKER_ACCOUNT = 'replay-maker';
export const REPLAY_WALLET = `0x${'0'.repeat(39)}1`;
export const REPLAY_BOOK_SALT = 0x0b00_c5ee;
const MAKER_FUNDS = 10n ** 15n; // a billion USDC / shares: the maker never runs out

/**
 * The default detection + submit latency (ms): the live path's measured median from a source trader's fill to
 * Tandem's order at the venue, `latency_ms.trader_fill_to_submit.p50` of `tandem rehearse --minutes 2` (VENUE=polymarket
 * against the loopback simulator over the wire: RTDS, Data API, CLOB) on the 2-core development machine, 2026-12-03,
 * load average 15.8: p50 969 ms over 214 orders (p95 3814, p99 4904; legs' medians: fill → detected 37 ms, detected →
 * FT signal 73, signal → intent 549, intent → submit 208)
 */
export const DEFAULT_LATENCY_MS = 969;

export interface LtReplayStrategy {
  ftWalletId: string;
  settings: Record<string, unknown>;
}

/** A trade as the LT side of a replay needs it (times in unix ms) */
export interface ReplayTrade {
  key: string;
  tokenId: string;
  price: Price;
  side: Side;
  time: number;
}

export interface LtReplayHandle {
  userId: string;
  strategies: { ftWalletId: string; strategyId: string }[];
  /** Venue order ids the exchange placed for Tandem's account, in order */
  placements: string[];
  /** The modelled detection + submit latency: each signal is decided at its trade's time + this */
  latencyMs: number;
  /**
   * A batch FT has ingested (its trades in time order, after every earlier batch's): queues each trade's re-quote at
   * its time and, for those that gave a mirrored FT wallet a signal, the executor at time + latencyMs
   */
  addTrades(trades: readonly ReplayTrade[]): Promise<void>;
  /**
   * Runs every queued event strictly before `t`: call it with a batch's last trade time after adding the batch (the
   * events at that time wait, since the next batch may hold more trades at the same time), before the clock moves to
   * t, and before a market closes at t
   */
  runBefore(t: number): Promise<void>;
  /** Resolves the closed markets on the exchange (call before the FT resolver) */
  resolveOnExchange(markets: Market[]): void;
  /** After the FT resolver stored the final markets: finishes cancelled orders, settles and redeems */
  settle(): Promise<void>;
  /** Advances the clock past the longest cooldown and redeems what is due */
  finish(): Promise<void>;
  errors: string[];
  /** The exchange's book of a token now (for tests and diagnostics) */
  book(tokenId: string): { bids: { price: bigint; size: bigint }[]; asks: { price: bigint; size: bigint }[] };
}

interface World {
  exchange: SimExchange;
  byToken: Map<string, Market>;
  placements: string[];
}

function openExchange(clock: ManualClock, markets: Market[]): World {
  const exchange = new SimExchange(clock, { tradeIdPrefix: 'replay-trade-' });
  const byToken = new Map<string, Market>();
  for (const m of markets) {
    if (m.tokenIds.length === 0 || m.tokenIds.some((t) => byToken.has(t))) continue;
    exchange.addMarket({
      conditionId: m.conditionId, question: m.question, slug: m.slug,
      tokens: m.tokenIds.map((tokenId, i) => ({ tokenId, outcome: m.outcomes[i] ?? String(i) })),
      tickSize: m.tickSize ?? DEFAULT_TICK, minSize: (m.minSize ?? DEFAULT_MIN_SIZE) as Shares, negRisk: m.negRisk,
      fee: { rate: ratio('0'), exponent: 1 }, acceptingOrders: true, endTime: null, closed: false, payouts: null,
    });
    for (const t of m.tokenIds) byToken.set(t, m);
    exchange.credit(MAKER_ACCOUNT, COLLATERAL, MAKER_FUNDS);
    for (const t of m.tokenIds) exchange.credit(MAKER_ACCOUNT, t, MAKER_FUNDS);
  }
  const placements: string[] = [];
  exchange.subscribe((e) => {
    if (e.type === 'order' && e.change === 'PLACEMENT' && e.order.account === TANDEM_ACCOUNT) placements.push(e.order.orderId);
  });
  return { exchange, byToken, placements };
}

async function createStrategies(db: Db, clock: ManualClock, userId: string, strategies: LtReplayStrategy[]) {
  const lt = { db, clock };
  const created: { ftWalletId: string; strategyId: string }[] = [];
  let funds = 0n;
  let maxCooldown = 0;
  for (const s of strategies) {
    const r = await createLtStrategy(lt, userId, { wallet_address: REPLAY_WALLET, ...s.settings, ft_wallet_id: s.ftWalletId });
    if (!r.ok) throw new Error(`lt of ${s.ftWalletId}: ${r.error.message} ${JSON.stringify(r.error.issues ?? [])}`);
    const launched = await launchLtStrategy(lt, userId, r.value.strategyId);
    if (!launched.ok) throw new Error(`lt of ${s.ftWalletId}: launch: ${launched.error.message}`);
    funds += r.value.startingCapital;
    maxCooldown = Math.max(maxCooldown, r.value.cooldownSeconds);
    created.push({ ftWalletId: s.ftWalletId, strategyId: r.value.strategyId });
  }
  return { created, funds, maxCooldown };
}

export async function startLtReplay(db: Db, clock: ManualClock, markets: Market[], seed: number,
  strategies: LtReplayStrategy[], books: Map<string, RecordedBook[]> = new Map(), latencyMs = DEFAULT_LATENCY_MS): Promise<LtReplayHandle> {
  if (!Number.isSafeInteger(latencyMs) || latencyMs < 0) throw new Error(`latency must be a whole number of ms ≥ 0: ${latencyMs}`);
  const { exchange, byToken, placements } = openExchange(clock, markets);
  const venue: Venue = createSimulatedVenue({ exchange, account: TANDEM_ACCOUNT, clock, sleep: async () => undefined });
  // Winnings are paid into the account only when redeemed on chain, as on Polymarket
  const chain = createSimulatedChain({ exchange, account: TANDEM_ACCOUNT });
  const { user } = await createUser(db, 'replay');
  const { created, funds, maxCooldown } = await createStrategies(db, clock, user.userId, strategies);
  exchange.credit(TANDEM_ACCOUNT, COLLATERAL, funds);

  const prng = new Prng(seed, REPLAY_BOOK_SALT);
  let quoteSeq = 0;
  const errors: string[] = [];
  const closed = new Set<string>();
  const timeline = new BookTimeline(books);
  /** Re-quotes a token: from its current snapshot if it has one, else the model after the trade `last` */
  const quote = (tokenId: string, last: { price: bigint; side: Side } | null) => {
    const m = byToken.get(tokenId);
    if (!m || closed.has(m.conditionId)) return;
    const minSize = m.minSize ?? DEFAULT_MIN_SIZE;
    const snapshot = timeline.current(tokenId);
    if (!snapshot && last === null) return;
    for (const o of exchange.openOrders(MAKER_ACCOUNT)) if (o.tokenId === tokenId) exchange.cancel(MAKER_ACCOUNT, o.orderId);
    const levels = snapshot ? snapshotOrders(snapshot, minSize)
      : modelOrders(last!.price, last!.side, m.tickSize ?? DEFAULT_TICK, minSize, prng);
    for (const l of levels) {
      const r = exchange.place({ orderId: `mm-${++quoteSeq}`, account: MAKER_ACCOUNT, tokenId, side: l.side, price: l.price,
        size: l.size, orderType: 'GTC' });
      if (!r.ok) errors.push(`quote ${tokenId} ${l.side} ${l.price}: ${r.code}`);
    }
  };
  const deps = { db, venue, shadowVenue: createShadowVenue(venue, clock), clock, signerAddress: REPLAY_WALLET };
  const sync = async () => {
    const r = await syncLtOrders(deps);
    for (const e of r.errors) errors.push(`sync: ${e.error}`);
  };
  const syncOpen = async () => {
    const [open] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE status IN ('pending', 'unknown', 'open', 'partially_filled')`);
    if (open!.n > 0) await sync();
  };
  const moveTo = (t: number) => {
    if (t > clock.now().getTime()) clock.set(new Date(t));
  };
  /** Re-quotes the tokens traded at `t` (last trade each) and their mirrors, and those whose snapshot became current */
  const requote = (group: readonly ReplayTrade[], t: number) => {
    const last = new Map<string, { price: bigint; side: Side } | null>();
    for (const x of group) last.set(x.tokenId, { price: x.price, side: x.side });
    for (const x of group) {
      const m = byToken.get(x.tokenId);
      const other = m && m.tokenIds.length === 2 ? m.tokenIds.find((id) => id !== x.tokenId) : undefined;
      if (other !== undefined && !group.some((y) => y.tokenId === other)) {
        last.set(other, { price: SCALE - x.price, side: x.side === 'BUY' ? 'SELL' : 'BUY' });
      }
    }
    // A snapshot later than the last trade read is never quoted
    for (const tokenId of timeline.advance(Math.min(t, horizon))) if (!last.has(tokenId)) last.set(tokenId, null);
    for (const [tokenId, l] of last) quote(tokenId, l);
  };

  const trades: ReplayTrade[] = [];
  let horizon = Number.NEGATIVE_INFINITY;
  let ti = 0;
  const dues: { at: number; key: string }[] = [];
  let di = 0;
  const scheduled = new Set<string>();
  const onTrades = async (t: number) => {
    const group: ReplayTrade[] = [];
    while (ti < trades.length && trades[ti]!.time === t) group.push(trades[ti++]!);
    moveTo(t);
    requote(group, t);
    exchange.tick();
    await syncOpen();
  };
  const onSnapshot = async (t: number) => {
    moveTo(t);
    requote([], t);
    exchange.tick();
    await syncOpen();
  };
  const onDue = async () => {
    const { at, key } = dues[di++]!;
    moveTo(at);
    requote([], at);
    exchange.tick();
    await syncOpen();
    const r = await executeLt(deps, { sourceTradeId: key });
    for (const e of r.errors) errors.push(`execute ${e.strategyId}: ${e.error}`);
    await sync();
  };
  const run = async (within: (t: number) => boolean) => {
    for (;;) {
      const tt = ti < trades.length ? trades[ti]!.time : Number.POSITIVE_INFINITY;
      const st = books.size === 0 ? Number.POSITIVE_INFINITY : timeline.nextChange();
      const bt = st <= horizon && st < tt ? st : Number.POSITIVE_INFINITY; // a snapshot's re-quote, before the trades at its time
      const dt = di < dues.length ? dues[di]!.at : Number.POSITIVE_INFINITY;
      if (tt <= bt && tt <= dt && within(tt)) await onTrades(tt);
      else if (bt <= dt && bt < tt && within(bt)) await onSnapshot(bt);
      else if (dt < tt && dt < bt && within(dt)) await onDue();
      else break;
    }
    if (ti > 4096) trades.splice(0, ti), (ti = 0);
    if (di > 4096) dues.splice(0, di), (di = 0);
  };
  const wallets = created.map((c) => c.ftWalletId);

  return {
    userId: user.userId, strategies: created, placements, errors, latencyMs, book: (tokenId) => exchange.book(tokenId),
    addTrades: async (batch) => {
      trades.push(...batch);
      for (const x of batch) if (x.time > horizon) horizon = x.time;
      const keys = await signalTradeKeys(db, wallets, batch.map((x) => x.key));
      for (const x of batch) {
        if (!keys.has(x.key) || scheduled.has(x.key)) continue;
        scheduled.add(x.key);
        dues.push({ at: x.time + latencyMs, key: x.key });
      }
    },
    runBefore: (t) => run((x) => x < t),
    resolveOnExchange: (ms) => {
      for (const m of ms) {
        if (closed.has(m.conditionId) || !exchange.market(m.conditionId) || !m.outcomePrices) continue;
        if (m.outcomePrices.reduce((a, b) => a + b, 0n) !== SCALE) continue; // not final: stays open
        closed.add(m.conditionId);
        exchange.resolve(m.conditionId, m.outcomePrices);
      }
    },
    settle: async () => {
      exchange.tick();
      await sync();
      const r = await resolveLt({ db, clock, chain });
      for (const e of r.errors) errors.push(`resolve ${e.orderId}: ${e.error}`);
    },
    finish: async () => {
      clock.advance(maxCooldown * 1000 + 1);
      exchange.tick();
      await sync();
      const r = await resolveLt({ db, clock, chain });
      for (const e of r.errors) errors.push(`resolve ${e.orderId}: ${e.error}`);
    },
  };
}
