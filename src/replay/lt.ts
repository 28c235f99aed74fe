/**
 * LT inside `tandem replay`: a simulated exchange on the replay clock, a seeded market maker that quotes books
 * around trade prices, Tandem's account behind a simulated venue, and the LT jobs run after every batch.
 *
 * Book model (used for a token without a current `--books` snapshot; books.ts has the snapshot rule: a token
 * with one is quoted from the snapshot instead, and is also re-quoted when a new snapshot becomes current), re-quoted
 * for every token traded in a batch, after the batch is ingested and before the LT executor runs, around the batch's
 * last trade price p of that token (and 1 − p for the other outcome of a two-outcome market, unless it traded itself):
 *   - centre c = p rounded to the market's tick (Gamma `orderPriceMinTickSize`, else 0.01);
 *   - half-spread h = max(1 tick, 1 % of c rounded up to the tick); best bid = c − h, best ask = c + h;
 *   - 3 levels per side, one tick apart, outward from the best price; levels outside [tick, 1 − tick] are left out;
 *   - each level's size = a notional drawn uniformly from [$50, $500) × (level + 1) by the seeded PRNG
 *     (mulberry32, salt REPLAY_BOOK_SALT), divided by the level price, rounded down to 0.01 share, at least
 *     the market's minimum size (5 shares).
 * Before a re-quote the maker cancels its own resting orders on that token; a new quote that crosses one of
 * Tandem's resting orders fills it (Tandem is then the maker). Taker fees are zero: the recorded markets carry no
 * fee schedule. Resolution: the exchange resolves a market by its Gamma outcomePrices at its closedTime.
 */
import type { Market } from '../domain/market.ts';
import { divRound, ratio, SCALE, type Price, type Shares } from '../domain/money.ts';
import { Prng } from '../domain/prng.ts';
import type { ManualClock } from '../engine/clock.ts';
import { executeLt } from '../engine/lt-executor.ts';
import { resolveLt } from '../engine/lt-resolve.ts';
import { createLtStrategy, launchLtStrategy } from '../engine/lt-strategies.ts';
import { syncLtOrders } from '../engine/lt-tracker.ts';
import { BookTimeline, DEFAULT_MIN_SIZE, DEFAULT_TICK, snapshotOrders, type MakerLevel, type RecordedBook } from './books.ts';
import type { Db } from '../store/db.ts';
import { createUser } from '../store/user-store.ts';
import { LOT } from '../domain/order-amounts.ts';
import { COLLATERAL, SimExchange } from '../sim/exchange/exchange.ts';
import { createSimulatedVenue } from '../sim/exchange/simulated-venue.ts';
import { createSimulatedChain } from '../sim/exchange/sim-chain.ts';
import type { Venue } from '../engine/venue-port.ts';
import { createShadowVenue } from '../venues/shadow-venue.ts';

export const TANDEM_ACCOUNT = 'tandem';
export const MAKER_ACCOUNT = 'replay-maker';
export const REPLAY_WALLET = `0x${'0'.repeat(39)}1`;
export const REPLAY_BOOK_SALT = 0x0b00_c5ee;
const LEVELS = 3;
const MAKER_FUNDS = 10n ** 15n; // a billion USDC / shares: the maker never runs out

export interface LtReplayStrategy {
  ftWalletId: string;
  settings: Record<string, unknown>;
}

export interface LtReplayHandle {
  userId: string;
  strategies: { ftWalletId: string; strategyId: string }[];
  /** Venue order ids the exchange placed for Tandem's account, in order */
  placements: string[];
  /**
   * Quotes the traded tokens, then sync → execute → sync. `signals`: whether the batch created FT orders or exits;
   * without any, and with no LT order open, the jobs have nothing to do and are skipped
   */
  afterBatch(trades: { tokenId: string; price: Price }[], signals: boolean): Promise<void>;
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

const roundToTick = (p: bigint, tick: bigint): bigint => divRound(p, tick, 'half_even') * tick;

/** The model's book around price p (see the header); draws one notional per level, in or out of range */
function modelOrders(p: bigint, tick: bigint, minSize: bigint, prng: Prng): MakerLevel[] {
  const c = roundToTick(p, tick);
  const pct = divRound(c, 100n * tick, 'up') * tick;
  const half = pct > tick ? pct : tick;
  const out: MakerLevel[] = [];
  for (const side of ['BUY', 'SELL'] as const) {
    for (let k = 0; k < LEVELS; k++) {
      const at = side === 'BUY' ? c - half - BigInt(k) * tick : c + half + BigInt(k) * tick;
      const notional = BigInt(Math.floor(prng.between(50, 500) * (k + 1) * 1e6)); // micro-USDC
      if (at < tick || at > SCALE - tick) continue;
      const size = (divRound(notional * SCALE, at, 'down') / LOT) * LOT;
      out.push({ side, price: at as Price, size: (size < minSize ? minSize : size) as Shares });
    }
  }
  return out;
}

export async function startLtReplay(db: Db, clock: ManualClock, markets: Market[], seed: number,
  strategies: LtReplayStrategy[], books: Map<string, RecordedBook[]> = new Map()): Promise<LtReplayHandle> {
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
  const venue: Venue = createSimulatedVenue({ exchange, account: TANDEM_ACCOUNT, clock, sleep: async () => undefined });
  // Winnings are paid into the account only when redeemed on chain, as on Polymarket
  const chain = createSimulatedChain({ exchange, account: TANDEM_ACCOUNT });
  const { user } = await createUser(db, 'replay');
  const lt = { db, clock };
  const created: { ftWalletId: string; strategyId: string }[] = [];
  let funds = 0n;
  let maxCooldown = 0;
  for (const s of strategies) {
    const r = await createLtStrategy(lt, user.userId, { wallet_address: REPLAY_WALLET, ...s.settings, ft_wallet_id: s.ftWalletId });
    if (!r.ok) throw new Error(`lt of ${s.ftWalletId}: ${r.error.message} ${JSON.stringify(r.error.issues ?? [])}`);
    const launched = await launchLtStrategy(lt, user.userId, r.value.strategyId);
    if (!launched.ok) throw new Error(`lt of ${s.ftWalletId}: launch: ${launched.error.message}`);
    funds += r.value.startingCapital;
    maxCooldown = Math.max(maxCooldown, r.value.cooldownSeconds);
    created.push({ ftWalletId: s.ftWalletId, strategyId: r.value.strategyId });
  }
  exchange.credit(TANDEM_ACCOUNT, COLLATERAL, funds);

  const prng = new Prng(seed, REPLAY_BOOK_SALT);
  let quoteSeq = 0;
  const errors: string[] = [];
  const closed = new Set<string>();
  const timeline = new BookTimeline(books);
  /** Re-quotes a token: from its current snapshot if it has one, else the model around p */
  const quote = (tokenId: string, p: bigint | null) => {
    const m = byToken.get(tokenId);
    if (!m || closed.has(m.conditionId)) return;
    const minSize = m.minSize ?? DEFAULT_MIN_SIZE;
    const snapshot = timeline.current(tokenId);
    if (!snapshot && p === null) return;
    for (const o of exchange.openOrders(MAKER_ACCOUNT)) if (o.tokenId === tokenId) exchange.cancel(MAKER_ACCOUNT, o.orderId);
    const levels = snapshot ? snapshotOrders(snapshot, minSize) : modelOrders(p!, m.tickSize ?? DEFAULT_TICK, minSize, prng);
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

  return {
    userId: user.userId, strategies: created, placements, errors, book: (tokenId) => exchange.book(tokenId),
    afterBatch: async (trades, signals) => {
      const last = new Map<string, bigint>();
      for (const t of trades) last.set(t.tokenId, t.price);
      const prices = new Map<string, bigint | null>(last);
      for (const [tokenId, p] of last) {
        const m = byToken.get(tokenId);
        const other = m && m.tokenIds.length === 2 ? m.tokenIds.find((x) => x !== tokenId) : undefined;
        if (other !== undefined && !last.has(other)) prices.set(other, SCALE - p);
      }
      for (const tokenId of timeline.advance(clock.now().getTime())) if (!prices.has(tokenId)) prices.set(tokenId, null);
      for (const [tokenId, p] of prices) quote(tokenId, p);
      exchange.tick();
      const [open] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders WHERE status IN ('pending', 'unknown', 'open', 'partially_filled')`);
      if (open!.n > 0) await sync();
      if (!signals) return;
      const r = await executeLt(deps);
      for (const e of r.errors) errors.push(`execute ${e.strategyId}: ${e.error}`);
      await sync();
    },
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
