/**
 * The simulated market world, deterministic for a seed and a sequence of step times: binary markets whose mids walk
 * (or follow a recorded path) toward a winner fixed at listing, a market maker quoting them, and traders of hidden
 * skill taking the quotes, starting with a resolved past behind it and advancing on `step(now)`
 */
import { SCALE, type Ratio, type Shares } from '../../domain/money.ts';
import { ManualClock } from '../../engine/clock.ts';
import type { Clock } from '../../engine/ports.ts';
import type { Exchange, SimMarket, SimTrade } from '../exchange/exchange-types.ts';
import { DEFAULT_QUOTES, MakerQuotes, traderAct, type ActorContext, type QuoteOptions } from './actors.ts';
import { CATEGORIES, marketSlug, titleFor, traderNames, type Category } from './catalogue.ts';
import type { WorldMarket, WorldTrader } from './model.ts';
import { DEFAULT_WALK, randomWalk, recordedPath, toTicks, type RecordedBbo, type WalkOptions } from './price-path.ts';
import { Prng } from '../../domain/prng.ts';
import { dataApiRecord, gammaMarketJson, type DataApiRecord, type GammaMarketJson } from './records.ts';

export interface HistoryOptions {
  /** Markets that opened and resolved before the world's start */
  markets: number;
  lifetimeMs: number;
  /** Simulation step while replaying the past */
  stepMs: number;
}

export interface WorldOptions {
  seed: number;
  /** The world's start: history lies before it, live steps after */
  start: Date;
  /** Builds the exchange on the world's clock, which the world moves to each step's time (history runs in the past) */
  exchange: (clock: Clock) => Exchange;
  traders?: number;
  /** Markets kept open at once */
  openMarkets?: number;
  /** Typical life of a live market, from listing to close */
  marketLifetimeMs?: number;
  /** Expected trades of an average trader in one market over a typical life */
  tradesPerMarket?: number;
  /** Closed markets show `umaResolutionStatus: "proposed"` this long before they resolve */
  resolutionDelayMs?: number;
  /** Resolved past; null starts with none */
  history?: HistoryOptions | null;
  /** Recorded BBO paths; each is followed by one of the first live markets */
  recorded?: RecordedBbo[];
  quotes?: QuoteOptions;
  walk?: WalkOptions;
  /**
   * Names this run of the world: markets listed under a generation other than '' (the default) draw ids of their own,
   * so a world resumed over a database that holds an earlier run of the same seed lists no market id that run listed
   */
  generation?: string;
  /** Markets of an earlier run still open: listed again under their ids at the start, closing at their end */
  carried?: CarriedMarket[];
}

/** A market an earlier run of the world listed and did not resolve, as the database holds it */
export interface CarriedMarket {
  conditionId: string;
  question: string;
  slug: string;
  eventSlug: string;
  tags: string[];
  tokens: { tokenId: string; outcome: string }[];
  endTime: Date;
  /** The last Yes price seen, in micro-units: the winner is drawn from it */
  yesMid: bigint;
}

export const DEFAULT_HISTORY: HistoryOptions = { markets: 60, lifetimeMs: 6 * 3_600_000, stepMs: 10 * 60_000 };
const DEFAULTS = { traders: 12, openMarkets: 8, marketLifetimeMs: 4 * 60_000, tradesPerMarket: 1.5, resolutionDelayMs: 0, generation: '' };
const MAKER = '0x' + 'feed'.repeat(10);
const TICK = 10_000n; // 0.01
const MIN_SIZE = 5_000_000n as Shares;
const FUNDS = 10_000_000n * SCALE;
const CATEGORY_WEIGHTS: Record<Category, number> = { sports: 3, politics: 1.5, crypto: 2, weather: 1.5, finance: 1, culture: 1 };

export interface StepReport {
  trades: number;
  opened: number;
  resolved: number;
}

export class World {
  readonly traders: WorldTrader[] = [];
  readonly start: Date;
  readonly exchange: Exchange;
  private readonly clock: ManualClock;
  private readonly o: Required<Omit<WorldOptions, 'history' | 'recorded' | 'exchange' | 'carried'>> & { history: HistoryOptions | null };
  private readonly rng: Prng;
  private readonly quotes = new MakerQuotes();
  private readonly ctx: ActorContext;
  private readonly byId = new Map<string, WorldMarket>();
  private readonly traderByAddress = new Map<string, WorldTrader>();
  private readonly recordList: DataApiRecord[] = [];
  private readonly recorded: RecordedBbo[];
  private open: WorldMarket[] = [];
  /** Closed, waiting for their resolution delay */
  private closing: WorldMarket[] = [];
  private planned: { createdAt: Date; endTime: Date }[] = [];
  private live = false;
  private at: Date;
  private orderSeq = 0;

  constructor(options: WorldOptions) {
    const { exchange, ...rest } = options;
    this.o = { ...DEFAULTS, quotes: DEFAULT_QUOTES, walk: DEFAULT_WALK, ...rest, history: options.history === undefined
      ? DEFAULT_HISTORY : options.history };
    this.recorded = [...(options.recorded ?? [])];
    this.rng = new Prng(options.seed);
    this.start = new Date(options.start);
    this.at = new Date(this.historyStart() - 1);
    this.clock = new ManualClock(this.at);
    this.exchange = exchange(this.clock);
    const ids = this.rng.fork('ids');
    this.ctx = { exchange: this.exchange, rng: this.rng.fork('actions'), maker: MAKER,
      nextOrderId: () => `0x${ids.hex(4)}${(++this.orderSeq).toString(16).padStart(56, '0')}` };
    this.exchange.credit(MAKER, 'USDC', FUNDS * 100n);
    this.createTraders(this.rng.fork('traders'));
    this.replayHistory();
    this.historyCount = this.recordList.length;
    if (this.at < this.start) this.step(this.start); // without history the world still starts at its start
    this.live = true;
    for (const c of options.carried ?? []) this.carry(c);
    this.openInitialMarkets();
  }

  /** Advances the world to `now`: closes and resolves due markets, lists new ones, moves mids, lets traders act */
  step(now: Date): StepReport {
    const dt = now.getTime() - this.at.getTime();
    if (dt <= 0) return { trades: 0, opened: 0, resolved: 0 };
    this.clock.set(now);
    this.at = now;
    const resolved = this.closeDue(now);
    const opened = this.spawn(now);
    for (const m of this.open) {
      m.mid = m.path.midAt(this.progress(m, now));
      this.quotes.requote(this.ctx, m, this.o.quotes);
    }
    const trades = this.act(dt);
    this.exchange.tick();
    return { trades, opened, resolved };
  }

  now(): Date {
    return this.at;
  }

  markets(): WorldMarket[] {
    return [...this.byId.values()];
  }

  market(conditionId: string): WorldMarket | null {
    return this.byId.get(conditionId) ?? null;
  }

  trader(address: string): WorldTrader | null {
    return this.traderByAddress.get(address.toLowerCase()) ?? null;
  }

  /** Data API records of every fill so far, oldest first, from index `from` up to (not including) `to` */
  records(from = 0, to?: number): DataApiRecord[] {
    return this.recordList.slice(from, to);
  }

  /** How many of the records are the resolved past the world started with */
  readonly historyCount: number;

  recordCount(): number {
    return this.recordList.length;
  }

  /** The market as Gamma's `/markets` would return it, or null for an unknown condition id */
  gammaJson(conditionId: string): GammaMarketJson | null {
    const m = this.byId.get(conditionId);
    if (!m) return null;
    const book = this.exchange.book(m.sim.tokens[0]!.tokenId);
    return gammaMarketJson(m, this.exchange.market(conditionId), { bid: book.bids[0]?.price ?? null, ask: book.asks[0]?.price ?? null });
  }

  private createTraders(rng: Prng): void {
    const n = this.o.traders;
    for (let i = 0; i < n; i += 1) {
      const affinity = Object.fromEntries(CATEGORIES.map((c) => [c, rng.between(0.4, 1.6)])) as Record<Category, number>;
      const trader: WorldTrader = {
        address: `0x${rng.hex(20)}`, ...traderNames(rng),
        skill: -0.1 + (0.4 * (i + rng.next())) / n,
        activity: rng.between(0.7, 1.4),
        typicalUsd: BigInt(Math.round(Math.exp(rng.between(Math.log(8), Math.log(300))) * 100)) * 10_000n,
        affinity, sellShare: rng.between(0.05, 0.2),
      };
      this.traders.push(trader);
      this.traderByAddress.set(trader.address, trader);
      this.exchange.credit(trader.address, 'USDC', FUNDS);
    }
  }

  /** When the resolved past begins: its markets are listed `gap` apart and all end a step before the start */
  private historyStart(): number {
    const h = this.o.history;
    if (!h || h.markets <= 0) return this.start.getTime();
    return this.start.getTime() - Math.round(h.markets * this.historyGap() + 1.25 * h.lifetimeMs + 2 * h.stepMs);
  }

  private historyGap(): number {
    return Math.max(1, Math.floor((this.o.history?.lifetimeMs ?? 0) / this.o.openMarkets));
  }

  /** Plays the past in coarse steps: markets listed one after another, each resolved before the start */
  private replayHistory(): void {
    const h = this.o.history;
    if (!h || h.markets <= 0) return;
    const gap = this.historyGap();
    const from = this.historyStart();
    const rng = this.rng.fork('history');
    for (let i = 0; i < h.markets; i += 1) {
      const createdAt = from + i * gap;
      const endTime = Math.round((createdAt + h.lifetimeMs * rng.between(0.75, 1.25)) / 1000) * 1000;
      this.planned.push({ createdAt: new Date(createdAt), endTime: new Date(endTime) });
    }
    for (let t = from; t < this.start.getTime(); t += h.stepMs) this.step(new Date(t));
    this.step(this.start);
  }

  /** The first live markets close one after another over a typical life, so resolutions come early and steadily */
  private openInitialMarkets(): void {
    const n = this.o.openMarkets;
    const life = this.o.marketLifetimeMs;
    for (let i = 0; i < n; i += 1) this.list(this.start, new Date(this.start.getTime() + Math.round((life * (i + 1)) / n)));
    for (const m of this.open) this.quotes.requote(this.ctx, m, this.o.quotes);
  }

  private spawn(now: Date): number {
    let opened = 0;
    if (!this.live) {
      while (this.planned.length > 0 && this.planned[0]!.createdAt <= now) {
        const p = this.planned.shift()!;
        this.list(p.createdAt, p.endTime);
        opened += 1;
      }
      return opened;
    }
    while (this.open.length < this.o.openMarkets) {
      const life = this.o.marketLifetimeMs * this.rng.between(0.8, 1.2);
      this.list(now, new Date(Math.round((now.getTime() + life) / 1000) * 1000));
      opened += 1;
    }
    return opened;
  }

  /** Lists a market on the exchange; its winner is drawn from its opening mid */
  private list(createdAt: Date, endTime: Date): WorldMarket {
    const g = this.o.generation;
    const rng = this.rng.fork(g === '' ? `market-${this.byId.size}` : `market-${g}-${this.byId.size}`);
    const recorded = this.live ? this.recorded.shift() : undefined;
    const category = recorded ? 'weather' : this.pickCategory(rng);
    const title = titleFor(rng, category, endTime);
    const question = recorded?.question ?? title.question;
    const conditionId = `0x${rng.hex(32)}`;
    const tokens = [{ tokenId: rng.digits(77), outcome: 'Yes' }, { tokenId: rng.digits(77), outcome: 'No' }];
    const sim: SimMarket = {
      conditionId, question, slug: marketSlug(question, conditionId.slice(2, 8)), tokens, tickSize: TICK, minSize: MIN_SIZE,
      negRisk: false, fee: { rate: 0n as Ratio, exponent: 1 }, acceptingOrders: true, endTime, closed: false, payouts: null,
    };
    const opening = recorded ? recordedPath(recorded, TICK).midAt(0) : toTicks(rng.between(0.12, 0.88), TICK);
    const yesWins = recorded?.yesWon ?? rng.chance(Number(opening) / Number(SCALE));
    const path = recorded ? recordedPath(recorded, TICK)
      : randomWalk(rng.fork('walk'), Number(opening) / Number(SCALE), yesWins, TICK, this.o.walk);
    const life = endTime.getTime() - createdAt.getTime();
    const m: WorldMarket = {
      sim, gammaId: this.gammaId(), category, eventSlug: recorded?.eventSlug ?? title.eventSlug,
      eventTitle: question, tags: recorded ? ['Weather'] : title.tags, createdAt, endTime,
      gameStartTime: category === 'sports' ? new Date(createdAt.getTime() + Math.round(life * 0.6)) : null,
      yesWins, path, mid: opening, closedAt: null,
    };
    return this.add(m);
  }

  private gammaId(): string {
    const g = this.o.generation;
    return g === '' ? String(600_000 + this.byId.size) : `${g}${600_000 + this.byId.size}`;
  }

  private add(m: WorldMarket): WorldMarket {
    this.exchange.addMarket(m.sim);
    for (const t of m.sim.tokens) this.exchange.credit(MAKER, t.tokenId, FUNDS);
    this.byId.set(m.sim.conditionId, m);
    this.open.push(m);
    return m;
  }

  /** Lists an earlier run's open market again under its ids; its mid walks from the last price toward a winner drawn from it */
  private carry(c: CarriedMarket): void {
    if (this.byId.has(c.conditionId) || c.tokens.length !== 2) return;
    const rng = this.rng.fork(`carried-${c.conditionId}`);
    const opening = toTicks(Math.min(0.97, Math.max(0.03, Number(c.yesMid) / Number(SCALE))), TICK);
    const yesWins = rng.chance(Number(opening) / Number(SCALE));
    const category = CATEGORIES.find((k) => c.tags.some((t) => t.toLowerCase() === k)) ?? 'culture';
    const endTime = c.endTime > this.start ? c.endTime : new Date(this.start.getTime() + 1000);
    const sim: SimMarket = {
      conditionId: c.conditionId, question: c.question, slug: c.slug, tokens: c.tokens, tickSize: TICK, minSize: MIN_SIZE,
      negRisk: false, fee: { rate: 0n as Ratio, exponent: 1 }, acceptingOrders: true, endTime, closed: false, payouts: null,
    };
    this.add({ sim, gammaId: this.gammaId(), category, eventSlug: c.eventSlug, eventTitle: c.question, tags: c.tags,
      createdAt: this.start, endTime, gameStartTime: null, yesWins, mid: opening,
      path: randomWalk(rng.fork('walk'), Number(opening) / Number(SCALE), yesWins, TICK, this.o.walk), closedAt: null });
  }

  private pickCategory(rng: Prng): Category {
    const total = CATEGORIES.reduce((s, c) => s + CATEGORY_WEIGHTS[c], 0);
    let x = rng.between(0, total);
    for (const c of CATEGORIES) {
      x -= CATEGORY_WEIGHTS[c];
      if (x < 0) return c;
    }
    return 'culture';
  }

  /** Closes markets past their end (quotes withdrawn) and resolves those whose resolution delay has passed */
  private closeDue(now: Date): number {
    let resolved = 0;
    for (const m of this.open.filter((x) => x.endTime <= now)) {
      this.quotes.withdraw(this.ctx, m);
      m.closedAt = m.endTime;
      this.closing.push(m);
    }
    this.open = this.open.filter((m) => m.closedAt === null);
    const due = (m: WorldMarket) => now.getTime() >= m.closedAt!.getTime() + this.o.resolutionDelayMs;
    for (const m of this.closing.filter(due)) {
      this.exchange.resolve(m.sim.conditionId, m.yesWins ? [SCALE, 0n] : [0n, SCALE]);
      // The world's own actors redeem at once; any other account (Tandem's) holds its tokens until it redeems
      for (const account of [MAKER, ...this.traders.map((t) => t.address)]) this.exchange.redeem(account, m.sim.conditionId, null);
      resolved += 1;
    }
    this.closing = this.closing.filter((m) => !due(m));
    return resolved;
  }

  private progress(m: WorldMarket, now: Date): number {
    const life = m.endTime.getTime() - m.createdAt.getTime();
    return life <= 0 ? 1 : (now.getTime() - m.createdAt.getTime()) / life;
  }

  /** Each trader acts in each open market at a rate of `tradesPerMarket` per typical life, scaled by its taste */
  private act(dt: number): number {
    const life = this.live ? this.o.marketLifetimeMs : (this.o.history?.lifetimeMs ?? this.o.marketLifetimeMs);
    let count = 0;
    for (const t of this.traders) {
      for (const m of this.open) {
        const rate = (this.o.tradesPerMarket * t.activity * t.affinity[m.category] * dt) / life;
        if (!this.ctx.rng.chance(1 - Math.exp(-rate))) continue;
        for (const trade of traderAct(this.ctx, t, m)) count += this.keep(trade);
      }
    }
    return count;
  }

  private keep(trade: SimTrade): number {
    const trader = this.traderByAddress.get(trade.takerAccount);
    const m = this.byId.get(trade.conditionId);
    if (!trader || !m) return 0;
    this.recordList.push(dataApiRecord(trade, trader, m));
    this.quotes.touched(m.sim.conditionId);
    return 1;
  }
}

export const createWorld = (options: WorldOptions): World => new World(options);
