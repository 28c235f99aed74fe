/** The write-ahead intent: one transaction under the strategy lock decides a signal (age, FT filters held, size, price, slippage, risk) and writes the order, its disposition and the reservation */
import { randomUUID } from 'node:crypto';
import { InvariantError } from '../domain/errors.ts';
import { refilter, type FilterMiss, type TakenSignal } from '../domain/ft-refilter.ts';
import type { FtWallet } from '../domain/ft-wallet.ts';
import { equityOf, lockedOf, type Balances } from '../domain/ledger.ts';
import { tolerancePolicyOf, type LtStrategy } from '../domain/lt-strategy.ts';
import { costOf, formatMicros, type Price, type Shares, type Usdc } from '../domain/money.ts';
import { checkRisk, nextPeak, type RiskSnapshot } from '../domain/risk.ts';
import { sizeBet } from '../domain/sizing.ts';
import type { Db, Sql } from '../store/db.ts';
import { utcDayStart, type RiskTotals } from '../store/ledger-store.ts';
import {
  dispositionOf, insertDisposition, insertOrderedIntent, intentOrder, type LiveOrder, type NewIntent, type PricedSignal,
} from '../store/lt-order-store.ts';
import { positionOf } from '../store/lt-fill-store.ts';
import { lockForIntent, type IntentGuards } from '../store/lt-strategy-store.ts';
import { orderStatus } from '../store/order-lookup-store.ts';
import { prepareOrderAmounts } from '../domain/order-amounts.ts';
import type { BookSnapshot, MarketInfo, OrderRequest, OrderSide, PreparedOrder } from './venue-port.ts';
import { requestOf } from './lt-submit.ts';
import { viewOf, walkBook, type BookView } from '../domain/book.ts';
import { allowanceFor, checkSlippage, type Allowance } from '../domain/tolerance.ts';
import { entryShares, exitShares, pctText } from './lt-pricing.ts';
import { signalAge, type Signal } from './lt-signals.ts';
import { clientOrderIdOf } from './lt-trace.ts';
import { ftConfigForStrategy } from './lt-ft-config.ts';

export interface IntentInput {
  userId: string;
  strategyId: string;
  signal: Signal;
  /**
   * The FT configuration to filter and size with (ftConfigForStrategy). A read still under way is awaited after the
   * guards, where an entry first needs it: the read overlaps the venue's book, BEGIN and the lock
   */
  wallet: FtWallet | Promise<FtWallet>;
  /**
   * The FT configuration version `wallet` was kept at (keptFtConfig); when the version read under the lock differs, the
   * configuration is read again there, so an entry is filtered and sized with FT's configuration as it decides
   */
  walletVersion?: string | undefined;
  /** The venue's market and book, read before the transaction; null only for a signal already too old */
  venue: { name: string; market: MarketInfo; book: BookSnapshot } | null;
  /** The address that signs live orders; when given, a live strategy's wallet_address must equal it */
  signerAddress?: string | null;
  /** Set for an entry the venue gate does not let out (src/engine/venue-gate.ts): skipped as venue_not_ready */
  venueBlock?: { limit: string; observed: string } | null;
  /**
   * The FT order as FT took it (read with the signal, Signal.taken), before the transaction: facts FT wrote once, so reading them
   * outside the lock changes nothing; null when it has no source trade or market (an invariant error for an entry)
   */
  taken: TakenSignal | null;
  /**
   * Signs the order the intent is about to commit (venue.prepare), started before the intent's writes so that
   * signing overlaps them; the submit path awaits it after the commit. Absent: the submit path prepares
   */
  prepare?: (request: OrderRequest) => Promise<PreparedOrder>;
}

export type Skip = { kind: 'skipped' | 'expired'; rule: string; limit: string; observed: string; detail?: string; priced?: PricedSignal };
export type Verdict =
  /** `prepared`: the signing started with the intent (IntentInput.prepare), to be awaited after the commit */
  | { kind: 'ordered'; order: LiveOrder; prepared?: Promise<PreparedOrder> }
  | Skip
  /** The signal already has its disposition (another executor, or an earlier run) */
  | { kind: 'duplicate' }
  /** Not decidable yet: an exit whose entry has no disposition */
  | { kind: 'deferred'; why: string };

interface Plan {
  side: OrderSide;
  price: Price;
  size: Shares;
  /** Cash reserved at the limit price, rounded up; 0 for a SELL */
  reserve: Usdc;
  expectedVwap: Price | null;
  view: BookView;
}
type Step = { kind: 'plan'; plan: Plan } | Skip | { kind: 'deferred'; why: string };

const skip = (rule: string, limit: string, observed: string): Skip => ({ kind: 'skipped', rule, limit, observed });

/**
 * Decides one signal and records the decision, all in one transaction on one snapshot (INV-29): a disposition
 * (skipped/expired), or the order intent + 'ordered' disposition + reservation. The disposition is re-read
 * under the lock and every row has a unique key, so a racing executor writes nothing and gets `duplicate`
 */
export async function decideSignal(db: Db, input: IntentInput, now: Date): Promise<Verdict> {
  return db.transaction(async (tx) => {
    const { signal } = input;
    // An entry that may be sized reads the ledger in the same statement as the guards
    const sizes = signal.kind === 'entry' && input.venue !== null && !input.venueBlock;
    const guards = await lockForIntent(tx, input.userId, input.strategyId, signal.ftOrderId, signal.leg,
      sizes ? { conditionId: signal.conditionId, dayStart: utcDayStart(now) } : null);
    if (!guards) throw new InvariantError(`no strategy ${input.strategyId}`);
    const s = guards.strategy;
    if (guards.disposition) return { kind: 'duplicate' };
    const step = await plan(tx, s, input, now, guards);
    if (step.kind === 'deferred') return step;
    if (step.kind === 'plan') return commitIntent(tx, s, input, step.plan, now);
    await insertDisposition(tx, {
      userId: s.userId, strategyId: s.strategyId, ftOrderId: signal.ftOrderId, leg: signal.leg, disposition: step.kind,
      rule: step.rule, limit: step.limit, observed: step.observed, detail: step.detail, priced: step.priced, at: now,
    });
    return step;
  });
}

async function plan(tx: Sql, s: LtStrategy, input: IntentInput, now: Date, guards: IntentGuards): Promise<Step> {
  // Stopped since the run listed it: an inactive strategy takes no signal (it is decided after a relaunch)
  if (!s.isActive || s.launchedAt === null) return { kind: 'deferred', why: 'strategy not active' };
  const age = signalAge(s, input.signal, now);
  if (age.expired) {
    return { kind: 'expired', rule: 'max_signal_age', limit: `${s.maxSignalAgeSeconds}s`, observed: `${Math.floor(age.ageMs / 1000)}s` };
  }
  if (input.venueBlock) return skip('venue_not_ready', input.venueBlock.limit, input.venueBlock.observed);
  if (!input.venue) throw new InvariantError('a signal within its age needs the venue market and book');
  if (s.mode === 'live' && input.signerAddress && s.walletAddress?.toLowerCase() !== input.signerAddress.toLowerCase()) {
    return skip('wallet_address', input.signerAddress.toLowerCase(), s.walletAddress ?? 'null');
  }
  const { market } = input.venue;
  if (market.tokenId !== input.signal.tokenId || market.conditionId !== input.signal.conditionId) {
    return skip('token_mismatch', input.signal.conditionId, market.conditionId); // never fall back to another token (INV-6)
  }
  if (!market.acceptingOrders) return skip('market_closed', 'accepting orders', 'not accepting orders');
  return input.signal.kind === 'entry' ? planEntry(s, input, await walletAsOfNow(tx, s, input, guards), guards) : planExit(tx, s, input);
}

/** input.wallet, or read again under the lock when FT's configuration moved since it was kept */
async function walletAsOfNow(tx: Sql, s: LtStrategy, input: IntentInput, guards: IntentGuards): Promise<FtWallet> {
  const moved = input.walletVersion !== undefined && guards.ftConfigVersion !== input.walletVersion;
  return moved ? ftConfigForStrategy(tx, s) : input.wallet;
}

/** Sizes with the shared sizeBet (bankroll = LT available cash), prices, then one risk check on the same snapshot */
function planEntry(s: LtStrategy, input: IntentInput, wallet: FtWallet, guards: IntentGuards): Step {
  const { signal } = input;
  // The operator's stops come first, so the recorded reason is theirs (checkRisk denies 'paused' as well)
  if (guards.killSwitchEngaged) return skip('kill_switch', 'released', 'engaged');
  if (s.isPaused) return skip('paused', 'not paused', s.pauseReason ?? 'paused');
  const miss = ftFilterMiss(input, wallet);
  if (miss) return skip(miss.rule, miss.limit, miss.observed);
  // Balances and risk totals: read by the statement that took the lock (decideSignal asks for them for every such entry)
  if (!guards.ledger) throw new InvariantError(`entry ${signal.ftOrderId}: no ledger read with the guards`);
  const { balances, totals } = guards.ledger;
  const sized = sizeBet(wallet, { price: signal.price, ...signal.sizing, bankroll: balances.available });
  if (sized.kind === 'missing') return skip('sizing', 'all sizing inputs', `missing ${sized.input}`);
  if (sized.bet <= 0n) return skip('zero_size', 'above 0', formatMicros(sized.bet));
  const priced = price(s, input, 'BUY', (limit) => entryShares(sized.bet, limit, s.limits.minOrderUsd, s.limits.maxOrderUsd));
  if (priced.kind !== 'plan') return priced;
  const cost = costOf(priced.plan.size, priced.plan.price);
  const decision = checkRisk(cost, snapshotOf(s, balances, totals), s.limits);
  if (decision.kind === 'deny') return skip(decision.rule, decision.limit, decision.observed);
  return { kind: 'plan', plan: { ...priced.plan, reserve: cost } };
}

/** The FT filters LT holds (`wallet`: ftConfigForStrategy), re-applied to the trade FT took (src/domain/ft-refilter.ts) */
function ftFilterMiss(input: IntentInput, wallet: FtWallet): FilterMiss | null {
  if (!input.taken) throw new InvariantError(`FT order ${input.signal.ftOrderId} has no source trade or market`);
  return refilter(wallet, input.taken);
}

function snapshotOf(s: LtStrategy, b: Balances, totals: RiskTotals): RiskSnapshot {
  const equity = equityOf(b);
  return { paused: s.isPaused, available: b.available, locked: lockedOf(b), equity, peakEquity: nextPeak(s.peakEquity, equity), ...totals };
}

/** Sells f × what this strategy holds from the entry (less what resting exits already offer); exits ignore pause and kill switch */
async function planExit(tx: Sql, s: LtStrategy, input: IntentInput): Promise<Step> {
  const { signal } = input;
  const entry = await dispositionOf(tx, s.userId, s.strategyId, signal.ftOrderId, 'entry');
  if (entry === null) return { kind: 'deferred', why: 'the entry has no disposition yet' };
  if (entry !== 'ordered' || !signal.exit) return skip('no_position', 'an ordered entry', entry);
  const position = await positionOf(tx, s.userId, s.strategyId, signal.ftOrderId);
  const sellable = position.shares - position.openSellShares;
  // An entry another run has just decided but whose venue answer is not booked yet may hold shares in a moment
  if (sellable <= 0n && await entryInFlight(tx, position.entryOrderId)) {
    return { kind: 'deferred', why: 'the entry is not answered yet' };
  }
  if (sellable <= 0n) return skip('no_position', 'shares held', formatMicros(sellable > 0n ? sellable : 0n));
  const size = exitShares(sellable as Shares, signal.exit.closed, signal.exit.before);
  return price(s, input, 'SELL', () => size);
}

/** The entry order is sent (or about to be) and its answer is not booked yet */
async function entryInFlight(tx: Sql, entryOrderId: string | null): Promise<boolean> {
  if (entryOrderId === null) return false;
  const status = await orderStatus(tx, entryOrderId);
  return status === 'pending' || status === 'unknown';
}

/**
 * The limit from the trader's price and the strategy's tolerance (once, INV-8; src/domain/tolerance.ts, for entries
 * and exits alike), the venue's rounding and minimums (refused here, before anything is reserved: INV-7), then the
 * expected VWAP of the size against the book, which must be within the same tolerance
 */
function price(s: LtStrategy, input: IntentInput, side: OrderSide, sizeFor: (limit: Price) => Shares): Step {
  const { signal } = input;
  const { market, book } = input.venue!;
  const view = viewOf(book);
  const allowance = allowanceFor(tolerancePolicyOf(s), side, signal.price,
    { tick: market.tickSize, bestBid: view.bestBid, bestAsk: view.bestAsk });
  const limit = allowance.limit;
  if (limit === null) return skip('price_range', `tick ${formatMicros(market.tickSize)}`, formatMicros(signal.price));
  const prepared = prepareOrderAmounts({ side, price: limit, size: sizeFor(limit), orderType: s.orderType }, market);
  if (!prepared.ok) return skip(prepared.reason, refusalLimit(prepared.reason, market), prepared.text);
  const walk = walkBook(view, side, prepared.size);
  if (walk.vwap === null) {
    if (s.orderType === 'FOK' || s.orderType === 'FAK') return skip('no_liquidity', 'a book to match', 'empty');
  } else {
    const check = checkSlippage(allowance, side, signal.price, walk.vwap);
    if (!check.ok) {
      return { kind: 'skipped', rule: 'slippage', limit: pctText(allowance.allowed), observed: pctText(check.slippage),
        detail: allowanceText(allowance, market.tickSize),
        priced: { side, signalPrice: signal.price, tick: market.tickSize, bestBid: view.bestBid, bestAsk: view.bestAsk,
          expectedVwap: walk.vwap } };
    }
  }
  const plan: Plan = { side, price: prepared.price, size: prepared.size, reserve: 0n as Usdc, expectedVwap: walk.vwap, view };
  return { kind: 'plan', plan };
}

/** How the allowance was set, for the disposition's detail */
function allowanceText(a: Allowance, tick: bigint): string {
  const limit = a.limit === null ? 'none' : formatMicros(a.limit);
  const by = a.distance === null ? `${pctText(a.allowed)} %` : `${formatMicros(a.distance)} (tick ${formatMicros(tick)})`;
  return `tolerance ${a.basis}: ${by}, limit ${limit}`;
}

/** The venue rule a refused order broke, as the disposition's limit */
const refusalLimit = (reason: string, market: MarketInfo): string =>
  reason === 'min_size' ? formatMicros(market.minSize) : reason === 'min_notional' ? '1.000000'
    : reason === 'tick_size' ? formatMicros(market.tickSize) : 'the venue precision';

const levelsJson = (levels: BookView['asks']) => levels.slice(0, 20).map((l) => [formatMicros(l.price), formatMicros(l.size)]);

/** Writes the ordered intent (one statement) and its reservation; the order is signed meanwhile when `input.prepare` is given */
async function commitIntent(tx: Sql, s: LtStrategy, input: IntentInput, p: Plan, now: Date): Promise<Verdict> {
  const intent = newIntent(s, input, p, now);
  const order = intentOrder(intent, s.orderTtlSeconds);
  const prepared = input.prepare ? startPrepare(input.prepare, order) : undefined;
  // The intent, its disposition and its reservation in one statement, the transaction's last: its COMMIT goes with it
  const written = await insertOrderedIntent(tx, intent, p.reserve, true);
  if (written === 'duplicate') return { kind: 'duplicate' };
  if (written === 'decided') throw new InvariantError(`signal ${intent.ftOrderId}/${intent.leg} was decided twice under the lock`);
  return { kind: 'ordered', order, ...(prepared ? { prepared } : {}) };
}

/** Signing starts now; a failure is kept for the submit path (which refuses the order locally), never thrown here */
function startPrepare(prepare: NonNullable<IntentInput['prepare']>, order: LiveOrder): Promise<PreparedOrder> {
  let signing: Promise<PreparedOrder>;
  try {
    signing = prepare(requestOf(order));
  } catch (e) {
    signing = Promise.reject(e);
  }
  signing.catch(() => undefined); // awaited (and its error handled) by the submit path
  return signing;
}

function newIntent(s: LtStrategy, input: IntentInput, p: Plan, now: Date): NewIntent {
  const { signal } = input;
  return {
    orderId: randomUUID(), ltOrderId: randomUUID(), venue: input.venue!.name,
    clientOrderId: clientOrderIdOf({ userId: s.userId, strategyId: s.strategyId, ftOrderId: signal.ftOrderId, leg: signal.leg }), userId: s.userId,
    strategyId: s.strategyId, ftOrderId: signal.ftOrderId, leg: signal.leg, sourceTradeId: signal.sourceTradeId,
    tokenId: signal.tokenId, conditionId: signal.conditionId, side: p.side, orderType: s.orderType, limitPrice: p.price,
    size: p.size, isShadow: s.mode === 'shadow',
    expiresAt: s.orderType === 'GTD' && s.orderTtlSeconds !== null ? new Date(now.getTime() + s.orderTtlSeconds * 1000) : null,
    signalPrice: signal.price, signalSizeUsd: signal.sizeUsd, sourceTradeAt: signal.sourceTradeAt, signalAt: signal.signalAt,
    intentAt: now, bestBid: p.view.bestBid, bestAsk: p.view.bestAsk, mid: p.view.mid, expectedVwap: p.expectedVwap,
    book: { time: input.venue!.book.time.toISOString(), tick: formatMicros(input.venue!.market.tickSize),
      bids: levelsJson(p.view.bids), asks: levelsJson(p.view.asks) },
  };
}
