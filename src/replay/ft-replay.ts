/**
 * The replay's FT engine: the live engine's decisions (src/engine/ft-engine.ts: the same evaluate, openPaper and
 * closeFraction, trades in the same order, the same batches) with its hot state in memory for the whole replay —
 * wallets, cash, trader statistics, markets, open paper orders, each trader's holding — and a handful of multi-row
 * statements per batch in one transaction, instead of the queries the live path makes per sell and per batch.
 *
 * It is the only writer of a fresh database (it refuses one with FT history), so what it keeps in memory is what is
 * stored. Market settlement stays on the live path (resolveFtMarkets, exactly once in SQL); `afterSettlement` then
 * reads cash, open orders, markets and statistics back. What the store holds differs from the live path's in one
 * way: a skipped disposition is counted in ft_skip_counts (as the live path also does) without its own
 * ft_dispositions row; taken and exit dispositions have their rows (the LT side reads their times)
 */
import { randomUUID } from 'node:crypto';
import { paperEntryPrice, takeOf, type TraderStats } from '../domain/evaluate.ts';
import {
  compileRules, NEEDS_SCORE, prepareTrade, SKIP_REASONS, TAKE, verdict, type BetOut, type CompiledRules,
} from '../domain/ft-rules.ts';
import type { FtWallet } from '../domain/ft-wallet.ts';
import type { Ratio, Shares, Usdc } from '../domain/money.ts';
import { closeFraction, openPaper } from '../domain/paper-position.ts';
import type { InputRejectReason, SourceTrade, TradeBatch } from '../domain/trade.ts';
import { byTradeTime, withTokenLabel } from '../engine/ingest.ts';
import type { Clock, MarketSource, Scorer } from '../engine/ports.ts';
import type { Db } from '../store/db.ts';
import { walletCash } from '../store/ft-order-store.ts';
import { loadMarkets, upsertAndLoadMarkets, type StoredMarket } from '../store/market-store.ts';
import {
  openOrdersWithSource, type ExitedOrderState, type ExitRow, type ReplayOpenOrder,
} from '../store/replay-ft-store.ts';
import { loadTraderStats } from '../store/trade-store.ts';
import { listWallets } from '../store/wallet-store.ts';
import { ReplayWrites } from './ft-replay-writes.ts';

export interface ReplayFtDeps {
  db: Db;
  markets: MarketSource;
  scorer: Scorer;
  clock: Clock;
}

export interface ReplayBatchReport {
  rejected: Partial<Record<InputRejectReason, number>>;
  /** The new trades, in evaluation order */
  trades: SourceTrade[];
  ordersCreated: number;
  exits: number;
}

/** One source trade seen by a trader on a token: signed size, ordered by (time, key) as the SQL row comparison */
interface Leg {
  time: number;
  key: string;
  size: bigint;
}

/** SKIP_REASONS' code for a sell, which every strategy that holds nothing skips */
const NOT_BUY = SKIP_REASONS.indexOf('not_buy');

const before = (time: number, key: string, t: number, k: string): boolean => time < t || (time === t && key < k);
const pairKey = (trader: string, asset: string): string => `${trader}\u0000${asset}`;

export class ReplayFt {
  private wallets: FtWallet[] = [];
  private walletIds: string[] = [];
  /** The active strategies' rules, compiled once: the strategies do not change within a replay */
  private rules: CompiledRules = compileRules([]);
  private readonly out: BetOut = { bet: 0n as Usdc };
  private cash = new Map<string, Usdc>();
  /** Trader statistics read so far (null: none stored); cleared when a settlement recomputes them */
  private stats = new Map<string, TraderStats | null>();
  private markets = new Map<string, StoredMarket>();
  /** Open paper orders by (trader, token) */
  private open = new Map<string, ReplayOpenOrder[]>();
  /** Every stored trade by (trader, token), for the trader's holding before a sell */
  private legs = new Map<string, Leg[]>();
  /** Keys of the stored trades (the database was empty: runReplay checks) */
  private seen = new Set<string>();
  /** What the batches since the last flush will store */
  private writes = new ReplayWrites([], SKIP_REASONS);
  /** Whether a batch came since the last flush (it may have counted refused records only) */
  private dirty = false;

  private constructor(private deps: ReplayFtDeps) {}

  /** Reads the strategies back from the database (as the live engine sees them); the caller checked it has no FT history */
  static async start(deps: ReplayFtDeps): Promise<ReplayFt> {
    const ft = new ReplayFt(deps);
    const all = await listWallets(deps.db);
    ft.walletIds = all.map((w) => w.walletId);
    ft.wallets = all.filter((w) => w.isActive);
    ft.rules = compileRules(ft.wallets);
    ft.writes = new ReplayWrites(ft.wallets.map((w) => w.walletId), SKIP_REASONS);
    // No FT history (the caller checked): no paper order and no close yet, so each wallet's cash is its starting balance
    ft.cash = new Map(all.map((w) => [w.walletId, w.startingBalance]));
    return ft;
  }

  /**
   * Learns the markets and the traders' statistics of `trades` in one round each, instead of a round per batch: the
   * batches then find them known. The caller passes trades that come before their market closes, so each market is
   * stored as the first batch with one of them would have stored it (open); statistics change only at a settlement,
   * which clears them
   */
  async prefetch(trades: readonly SourceTrade[]): Promise<void> {
    await this.learnMarkets([...new Set(trades.map((t) => t.conditionId))]);
    await this.loadStats([...new Set(trades.map((t) => t.trader))]);
  }

  /** Rows gathered and not stored yet */
  get pending(): number {
    return this.writes.pending;
  }

  /** Stores what the batches since the last flush gathered, in one transaction: before anything reads the database */
  async flush(): Promise<void> {
    if (this.writes.pending === 0 && !this.dirty) return;
    await this.deps.db.transaction((tx) => this.writes.flush(tx, 'replay'));
    this.dirty = false;
  }

  /** After resolveFtMarkets settled orders in the database (flushed before): cash, open orders, markets and statistics read back */
  async afterSettlement(): Promise<void> {
    if (this.writes.pending > 0) throw new Error('the replay settled markets before storing its FT writes');
    this.cash = await walletCash(this.deps.db, this.walletIds);
    this.open.clear();
    for (const o of await openOrdersWithSource(this.deps.db)) this.openList(o.trader, o.asset).push(o);
    this.markets = await loadMarkets(this.deps.db, [...this.markets.keys()]);
    this.stats.clear();
  }

  /**
   * Ingests one batch as ingestTrades does: counts refusals, keeps new trades, evaluates them for every wallet; the
   * writes are stored by the next `flush`
   */
  async ingest(batch: TradeBatch): Promise<ReplayBatchReport> {
    const { trades, rejected } = await this.prepare(batch);
    const fresh = trades.filter((t) => !this.seen.has(t.key));
    for (const t of fresh) this.seen.add(t.key);
    const duplicates = trades.length - fresh.length;
    if (duplicates > 0) rejected.set('duplicate', (rejected.get('duplicate') ?? 0) + duplicates);
    const news = fresh.sort(byTradeTime);
    this.writes.batch(this.deps.clock.now(), rejected, news.length > 0);
    this.dirty = true;
    for (const t of news) {
      this.writes.trades.push(t);
      this.legList(t.trader, t.asset).push({ time: t.time.getTime(), key: t.key, size: t.side === 'BUY' ? t.size : -t.size });
    }
    const orders = this.writes.orders.length;
    const exits = this.writes.exits.length;
    await this.evaluateAll(news);
    return { rejected: Object.fromEntries(rejected), trades: news, ordersCreated: this.writes.orders.length - orders,
      exits: this.writes.exits.length - exits };
  }

  /** prepareTrades with the markets kept in memory: refusals, in-batch duplicates, unknown markets and tokens */
  private async prepare(batch: TradeBatch): Promise<{ trades: SourceTrade[]; rejected: Map<InputRejectReason, number> }> {
    const rejected = new Map<InputRejectReason, number>();
    const bump = (reason: InputRejectReason) => rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
    for (const r of batch.refused) bump(r.reason);
    const byKey = new Map<string, SourceTrade>();
    for (const t of batch.trades) {
      if (byKey.has(t.key)) bump('duplicate');
      else byKey.set(t.key, t);
    }
    await this.learnMarkets([...new Set([...byKey.values()].map((t) => t.conditionId))]);
    const trades: SourceTrade[] = [];
    for (const t of byKey.values()) {
      const market = this.markets.get(t.conditionId);
      if (!market) bump('unknown_market');
      else if (!market.tokenIds.includes(t.asset)) bump('unknown_token');
      else {
        const labelled = withTokenLabel(market, t);
        if (labelled) trades.push(labelled);
        else bump('token_mismatch');
      }
    }
    return { trades, rejected };
  }

  /** Markets not seen yet: from the source into the database, as stored (the upsert returns its rows) */
  private async learnMarkets(ids: string[]): Promise<void> {
    const missing = ids.filter((id) => !this.markets.has(id));
    if (missing.length === 0) return;
    const known = await loadMarkets(this.deps.db, missing);
    const absent = missing.filter((id) => !known.has(id));
    if (absent.length > 0) {
      const fetched = await this.deps.markets.getMarkets(absent);
      const stored = await upsertAndLoadMarkets(this.deps.db, fetched.markets.filter((m) => absent.includes(m.conditionId)),
        this.deps.markets.name);
      for (const [id, m] of stored) known.set(id, m);
      // Those the source did not give (or the upsert left as they were) read as stored, as before
      const rest = absent.filter((id) => !stored.has(id));
      for (const [id, m] of rest.length === 0 ? [] : await loadMarkets(this.deps.db, rest)) known.set(id, m);
    }
    for (const [id, m] of known) this.markets.set(id, m);
  }

  private async evaluateAll(trades: SourceTrade[]): Promise<void> {
    if (trades.length === 0) return;
    await this.loadStats([...new Set(trades.map((t) => t.trader))]);
    for (const trade of trades) {
      if (trade.side === 'SELL') this.followSell(trade);
      else await this.evaluateBuy(trade);
    }
  }

  private async loadStats(traders: string[]): Promise<void> {
    const unknown = traders.filter((t) => !this.stats.has(t));
    if (unknown.length === 0) return;
    const loaded = await loadTraderStats(this.deps.db, unknown);
    for (const t of unknown) this.stats.set(t, loaded.get(t) ?? null);
  }

  /** The live engine's evaluateBuy: the trade prepared once, a verdict per strategy, a score fetched at most once */
  private async evaluateBuy(trade: SourceTrade): Promise<void> {
    const market = this.markets.get(trade.conditionId) ?? null;
    const stats = this.stats.get(trade.trader) ?? null;
    const t = prepareTrade(this.rules, trade, market, stats);
    const strategies = this.rules.strategies;
    let score: Ratio | null | undefined;
    for (let i = 0; i < strategies.length; i++) {
      const walletId = strategies[i]!.wallet.walletId;
      const cash = this.cash.get(walletId) ?? (0n as Usdc);
      let code = verdict(t, strategies[i]!, score, cash, this.out);
      if (code === NEEDS_SCORE) {
        score = await this.scoreOnce(trade, market!, stats, score);
        code = verdict(t, strategies[i]!, score, cash, this.out);
      }
      if (code === NEEDS_SCORE) throw new Error('evaluator asked for a score twice');
      if (code !== TAKE) {
        this.writes.skip(i, code);
        continue;
      }
      const take = takeOf(t, this.out.bet, score ?? null);
      const open = openPaper(take.bet, take.entryPrice);
      const orderId = randomUUID();
      this.writes.orders.push({ orderId, walletId, trade, take, open, marketEndTime: market?.endTime ?? null });
      this.openList(trade.trader, trade.asset).push({ orderId, walletId, trader: trade.trader, asset: trade.asset,
        openShares: open.shares, openCost: open.cost, pnl: 0n as Usdc, sourceTime: trade.time.getTime(), sourceKey: trade.key });
      this.cash.set(walletId, (cash - take.bet) as Usdc);
      this.writes.decided(walletId, trade.key, 'taken');
    }
  }

  private async scoreOnce(trade: SourceTrade, market: StoredMarket, stats: TraderStats | null, known: Ratio | null | undefined): Promise<Ratio | null> {
    if (known !== undefined) return known;
    try {
      return await this.deps.scorer.score({ trade, market, stats, entryPrice: paperEntryPrice(trade.price) });
    } catch {
      return null;
    }
  }

  /** Closes, at the sell price, the fraction of the trader's holding that they sold, in every wallet (followSell) */
  private followSell(sell: SourceTrade): void {
    const t = sell.time.getTime();
    const list = this.open.get(pairKey(sell.trader, sell.asset)) ?? [];
    const orders = list.filter((o) => before(o.sourceTime, o.sourceKey, t, sell.key));
    const exited = new Set<string>();
    if (orders.length > 0) {
      const held = this.holdingBefore(sell);
      for (const order of orders) {
        const close = closeFraction({ shares: order.openShares, cost: order.openCost }, sell.size, held, sell.price);
        if (close.shares <= 0n) continue;
        order.openShares = (order.openShares - close.shares) as Shares;
        order.openCost = (order.openCost - close.costBasis) as Usdc;
        order.pnl = (order.pnl + close.pnl) as Usdc;
        this.writes.exit(exitRow(order, sell, close), stateOf(order, sell, close.full));
        if (close.full) list.splice(list.indexOf(order), 1);
        exited.add(order.walletId);
        this.cash.set(order.walletId, ((this.cash.get(order.walletId) ?? 0n) + close.proceeds) as Usdc);
      }
    }
    for (let i = 0; i < this.wallets.length; i++) {
      const walletId = this.wallets[i]!.walletId;
      if (exited.has(walletId)) this.writes.decided(walletId, sell.key, 'exit');
      else this.writes.skip(i, NOT_BUY);
    }
  }

  /** Shares the trader held of the token just before the sell: their stored trades before it in (time, key) order */
  private holdingBefore(sell: SourceTrade): Shares {
    const t = sell.time.getTime();
    let held = 0n;
    for (const leg of this.legs.get(pairKey(sell.trader, sell.asset)) ?? []) if (before(leg.time, leg.key, t, sell.key)) held += leg.size;
    return held as Shares;
  }

  private openList(trader: string, asset: string): ReplayOpenOrder[] {
    const key = pairKey(trader, asset);
    let list = this.open.get(key);
    if (!list) this.open.set(key, (list = []));
    return list;
  }

  private legList(trader: string, asset: string): Leg[] {
    const key = pairKey(trader, asset);
    let list = this.legs.get(key);
    if (!list) this.legs.set(key, (list = []));
    return list;
  }
}

const exitRow = (order: ReplayOpenOrder, sell: SourceTrade, close: ReturnType<typeof closeFraction>): ExitRow => ({
  orderId: order.orderId, walletId: order.walletId, sourceTradeId: sell.key, shares: close.shares, price: sell.price,
  proceeds: close.proceeds, costBasis: close.costBasis, pnl: close.pnl, at: sell.time,
});

const stateOf = (order: ReplayOpenOrder, sell: SourceTrade, full: boolean): ExitedOrderState => ({
  orderId: order.orderId, openShares: order.openShares, openCost: order.openCost, pnl: order.pnl, exitPrice: sell.price,
  soldAt: full ? sell.time : null,
});
