/**
 * LT inside `tandem replay`: a simulated exchange on the replay clock, a seeded market maker that quotes the books,
 * Tandem's account behind a simulated venue, and the LT jobs run on the replay's own time line, never at batch
 * boundaries. Events, in time order (a trade before an executor run at the same millisecond):
 *   - every trade, at its own time: the maker re-quotes its token (and the other outcome of a two-outcome market, as
 *     the mirror, unless that traded at the same time too) from the token's current recorded snapshot (books.ts) or
 *     the book model (book-model.ts: the touch at the trade's price on its side, spread and depth calibrated against
 *     recorded books); a token whose recorded snapshot becomes current is re-quoted too; the tracker syncs when the
 *     exchange did something to Tandem's orders, and every 10 s of replay time while one of them rests;
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
import type { Side } from '../domain/trade.ts';
import type { ManualClock } from '../engine/clock.ts';
import { executeLt, type LtExecutorDeps } from '../engine/lt-executor.ts';
import { resolveLt } from '../engine/lt-resolve.ts';
import { createLtStrategy, launchLtStrategy } from '../engine/lt-strategies.ts';
import { syncLtOrders } from '../engine/lt-tracker.ts';
import { DEFAULT_MIN_SIZE, DEFAULT_TICK, type RecordedBook } from './books.ts';
import { MAKER_ACCOUNT, ReplayMaker } from './maker.ts';
import { DEFAULT_LATENCY_MS } from './latency.ts';
import type { Db } from '../store/db.ts';
import { signalTradeKeys } from '../store/lt-signal-store.ts';
import { createUser } from '../store/user-store.ts';
import { COLLATERAL, SimExchange } from '../sim/exchange/exchange.ts';
import { createSimulatedVenue } from '../sim/exchange/simulated-venue.ts';
import { createSimulatedChain } from '../sim/exchange/sim-chain.ts';
import type { Venue } from '../engine/venue-port.ts';
import { createShadowVenue } from '../venues/shadow-venue.ts';

export const TANDEM_ACCOUNT = 'tandem';
export const REPLAY_WALLET = `0x${'0'.repeat(39)}1`;
const MAKER_FUNDS = 10n ** 15n; // a billion USDC / shares: the maker never runs out
/** The tracker's cadence while Tandem has resting orders and nothing happened to them: the live lt-execute job's */
const SYNC_EVERY_MS = 10_000;

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
  /** Set by any exchange event about Tandem's orders or trades; the tracker clears it */
  touched: { dirty: boolean };
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
  const touched = { dirty: false };
  exchange.subscribe((e) => {
    if ((e.type === 'order' && e.order.account === TANDEM_ACCOUNT) ||
      (e.type === 'trade' && (e.trade.takerAccount === TANDEM_ACCOUNT || e.trade.makers.some((m) => m.account === TANDEM_ACCOUNT)))) {
      touched.dirty = true;
    }
  });
  return { exchange, byToken, placements, touched };
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

/** The LT jobs of a replay at one moment: the tracker (when due) and, for a signal trade, the executor */
class LtJobs {
  private lastSync = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: LtExecutorDeps & { clock: ManualClock }, private readonly exchange: SimExchange,
    private readonly touched: { dirty: boolean }, private readonly errors: string[]) {}

  async sync(): Promise<void> {
    this.touched.dirty = false;
    this.lastSync = this.deps.clock.now().getTime();
    const r = await syncLtOrders(this.deps);
    for (const e of r.errors) this.errors.push(`sync: ${e.error}`);
  }

  /**
   * The tracker runs when the exchange did something to Tandem's orders (as the user channel tells live), and at least
   * every SYNC_EVERY_MS of replay time while any of them rests (TTL cancels, as the live tracker's cadence does)
   */
  async syncIfDue(): Promise<void> {
    const resting = this.exchange.openOrders(TANDEM_ACCOUNT).length > 0;
    if (this.touched.dirty || (resting && this.deps.clock.now().getTime() - this.lastSync >= SYNC_EVERY_MS)) await this.sync();
  }

  /** The executor on one source trade's signals, then the tracker */
  async execute(sourceTradeId: string): Promise<void> {
    const r = await executeLt(this.deps, { sourceTradeId });
    for (const e of r.errors) this.errors.push(`execute ${e.strategyId}: ${e.error}`);
    await this.sync();
  }
}

/** The replay's LT time line: trades (re-quotes) and signal trades due at time + latency, run in time order */
class LtEvents {
  private trades: ReplayTrade[] = [];
  private ti = 0;
  private dues: { at: number; key: string }[] = [];
  private di = 0;
  private readonly scheduled = new Set<string>();

  constructor(private readonly clock: ManualClock, private readonly maker: ReplayMaker, private readonly jobs: LtJobs,
    private readonly exchange: SimExchange, private readonly latencyMs: number) {}

  add(batch: readonly ReplayTrade[], signalKeys: Set<string>): void {
    this.trades.push(...batch);
    for (const x of batch) {
      if (x.time > this.maker.horizon) this.maker.horizon = x.time;
      if (!signalKeys.has(x.key) || this.scheduled.has(x.key)) continue;
      this.scheduled.add(x.key);
      this.dues.push({ at: x.time + this.latencyMs, key: x.key });
    }
  }

  /** Every event strictly before `t`; at one time: the trades, then a snapshot's re-quote, then the executor */
  async runBefore(t: number): Promise<void> {
    for (;;) {
      const tt = this.ti < this.trades.length ? this.trades[this.ti]!.time : Number.POSITIVE_INFINITY;
      const st = this.maker.nextSnapshot();
      const bt = st < tt ? st : Number.POSITIVE_INFINITY; // a snapshot at a trade's time is re-quoted with the trades
      const dt = this.di < this.dues.length ? this.dues[this.di]!.at : Number.POSITIVE_INFINITY;
      const next = Math.min(tt, bt, dt);
      if (!(next < t)) break;
      const group: ReplayTrade[] = [];
      if (tt === next) while (this.ti < this.trades.length && this.trades[this.ti]!.time === next) group.push(this.trades[this.ti++]!);
      const due = group.length === 0 && bt !== next ? this.dues[this.di++]! : null;
      await this.at(next, group, due?.key ?? null);
    }
    if (this.ti > 4096) this.trades = this.trades.slice(this.ti), (this.ti = 0);
    if (this.di > 4096) this.dues = this.dues.slice(this.di), (this.di = 0);
  }

  private async at(t: number, group: ReplayTrade[], signalTrade: string | null): Promise<void> {
    if (t > this.clock.now().getTime()) this.clock.set(new Date(t));
    this.maker.requote(group, t);
    this.exchange.tick();
    await this.jobs.syncIfDue();
    if (signalTrade !== null) await this.jobs.execute(signalTrade);
  }
}

export async function startLtReplay(db: Db, clock: ManualClock, markets: Market[], seed: number,
  strategies: LtReplayStrategy[], books: Map<string, RecordedBook[]> = new Map(), latencyMs = DEFAULT_LATENCY_MS): Promise<LtReplayHandle> {
  if (!Number.isSafeInteger(latencyMs) || latencyMs < 0) throw new Error(`latency must be a whole number of ms ≥ 0: ${latencyMs}`);
  const { exchange, byToken, placements, touched } = openExchange(clock, markets);
  const venue: Venue = createSimulatedVenue({ exchange, account: TANDEM_ACCOUNT, clock, sleep: async () => undefined });
  // Winnings are paid into the account only when redeemed on chain, as on Polymarket
  const chain = createSimulatedChain({ exchange, account: TANDEM_ACCOUNT });
  const { user } = await createUser(db, 'replay');
  const { created, funds, maxCooldown } = await createStrategies(db, clock, user.userId, strategies);
  exchange.credit(TANDEM_ACCOUNT, COLLATERAL, funds);
  const errors: string[] = [];
  const maker = new ReplayMaker(exchange, byToken, books, seed, errors);
  const jobs = new LtJobs({ db, venue, shadowVenue: createShadowVenue(venue, clock), clock, signerAddress: REPLAY_WALLET },
    exchange, touched, errors);
  const events = new LtEvents(clock, maker, jobs, exchange, latencyMs);
  const wallets = created.map((c) => c.ftWalletId);
  const resolve = async () => {
    exchange.tick();
    await jobs.sync();
    const r = await resolveLt({ db, clock, chain });
    for (const e of r.errors) errors.push(`resolve ${e.orderId}: ${e.error}`);
  };
  return {
    userId: user.userId, strategies: created, placements, errors, latencyMs, book: (tokenId) => exchange.book(tokenId),
    addTrades: async (batch) => events.add(batch, await signalTradeKeys(db, wallets, batch.map((x) => x.key))),
    runBefore: (t) => events.runBefore(t),
    resolveOnExchange: (ms) => {
      for (const m of ms) {
        if (maker.closed.has(m.conditionId) || !exchange.market(m.conditionId) || !m.outcomePrices) continue;
        if (m.outcomePrices.reduce((a, b) => a + b, 0n) !== SCALE) continue; // not final: stays open
        maker.closed.add(m.conditionId);
        exchange.resolve(m.conditionId, m.outcomePrices);
      }
    },
    settle: resolve,
    finish: async () => {
      clock.advance(maxCooldown * 1000 + 1);
      await resolve();
    },
  };
}
