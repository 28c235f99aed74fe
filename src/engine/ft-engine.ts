/**
 * The FT (paper) engine: ingests a batch of source trades and evaluates each new one for every active
 * strategy, in trade-time order, in one transaction. BUYs may open paper orders; a trader's SELL closes
 * the same fraction of the positions we copied from them on that outcome token
 */
import { paperEntryPrice, takeOf, type TraderStats } from '../domain/evaluate.ts';
import {
  compileRules, NEEDS_SCORE, prepareTrade, SKIP_REASONS, TAKE, verdict, type BetOut, type CompiledRules,
} from '../domain/ft-rules.ts';
import type { FtWallet } from '../domain/ft-wallet.ts';
import type { Ratio, Usdc } from '../domain/money.ts';
import { closeFraction, openPaper } from '../domain/paper-position.ts';
import type { InputRejectReason, SourceTrade, TradeBatch } from '../domain/trade.ts';
import type { Db, Sql } from '../store/db.ts';
import {
  applyCloses, insertFtOrders, lockFtEngine, notifyFtOrders, openOrdersBefore, recordDispositions, walletCash,
  type Disposition, type NewFtOrder,
} from '../store/ft-order-store.ts';
import type { StoredMarket } from '../store/market-store.ts';
import { countRejects, holdingBefore, insertSourceTrades, loadTraderStats } from '../store/trade-store.ts';
import { listWallets, markWalletsSynced } from '../store/wallet-store.ts';
import { byTradeTime, prepareTrades } from './ingest.ts';
import type { Clock, FetchError, MarketSource, Scorer } from './ports.ts';

export interface FtDeps {
  db: Db;
  markets: MarketSource;
  scorer: Scorer;
  clock: Clock;
  /** Called after a batch commits with the number of new paper orders (LT listens here) */
  onOrders?: (count: number) => void;
}

export interface IngestReport {
  received: number;
  newTrades: number;
  rejected: Partial<Record<InputRejectReason, number>>;
  ordersCreated: number;
  exits: number;
  skipped: Record<string, Record<string, number>>;
  errors: FetchError[];
}

/** Where each batch that created paper orders announces how many (the LT executor's trigger listens) */
export { FT_ORDERS_CHANNEL } from '../store/ft-order-store.ts';

/** Ingests a batch from `source`, evaluates the new trades, and reports what happened */
export async function ingestTrades(deps: FtDeps, batch: TradeBatch, source: string): Promise<IngestReport> {
  const prepared = await prepareTrades(deps.db, batch, deps.markets);
  const report = await deps.db.transaction(async (tx) => {
    await lockFtEngine(tx);
    const fresh = await insertSourceTrades(tx, prepared.trades, source);
    const duplicates = prepared.trades.length - fresh.size;
    if (duplicates > 0) prepared.rejected.set('duplicate', (prepared.rejected.get('duplicate') ?? 0) + duplicates);
    await countRejects(tx, source, deps.clock.now(), prepared.rejected);
    const trades = prepared.trades.filter((t) => fresh.has(t.key)).sort(byTradeTime);
    const run = new BatchRun(tx, deps, prepared.markets);
    await run.evaluateAll(trades);
    // Delivered at commit, to this process and any other listening (the LT executor's trigger)
    if (run.ordersCreated > 0) await notifyFtOrders(tx, run.ordersCreated);
    return { newTrades: trades.length, ordersCreated: run.ordersCreated, exits: run.exits, skipped: run.skipped };
  });
  if (report.ordersCreated > 0) deps.onOrders?.(report.ordersCreated);
  const received = batch.trades.length + batch.refused.length;
  return { received, rejected: Object.fromEntries(prepared.rejected), errors: prepared.errors, ...report };
}

/** One batch's evaluation state: wallets, their running cash, and buffered writes */
class BatchRun {
  ordersCreated = 0;
  exits = 0;
  readonly skipped: Record<string, Record<string, number>> = {};
  private wallets: FtWallet[] = [];
  /** The active wallets' rules, compiled once per batch (wallets are read afresh each batch) */
  private rules: CompiledRules = compileRules([]);
  private readonly out: BetOut = { bet: 0n as Usdc };
  private allWalletIds: string[] = [];
  private cash = new Map<string, Usdc>();
  private stats = new Map<string, TraderStats>();
  private pending: NewFtOrder[] = [];
  private dispositions: Disposition[] = [];

  constructor(private tx: Sql, private deps: FtDeps, private markets: Map<string, StoredMarket>) {}

  async evaluateAll(trades: SourceTrade[]): Promise<void> {
    if (trades.length === 0) return;
    const all = await listWallets(this.tx);
    this.allWalletIds = all.map((w) => w.walletId);
    this.wallets = all.filter((w) => w.isActive);
    this.rules = compileRules(this.wallets);
    this.cash = await walletCash(this.tx, this.allWalletIds);
    this.stats = await loadTraderStats(this.tx, [...new Set(trades.map((t) => t.trader))]);
    for (const trade of trades) {
      if (trade.side === 'SELL') await this.followSell(trade);
      else await this.evaluateBuy(trade);
    }
    await this.flushOrders();
    await recordDispositions(this.tx, this.dispositions);
    if (this.wallets.length > 0) {
      await markWalletsSynced(this.tx, this.wallets.map((w) => w.walletId), this.deps.clock.now());
    }
  }

  private async evaluateBuy(trade: SourceTrade): Promise<void> {
    const market = this.markets.get(trade.conditionId) ?? null;
    const stats = this.stats.get(trade.trader) ?? null;
    const t = prepareTrade(this.rules, trade, market, stats);
    let score: Ratio | null | undefined;
    for (const s of this.rules.strategies) {
      const wallet = s.wallet;
      const cash = this.cash.get(wallet.walletId) ?? (0n as Usdc);
      let code = verdict(t, s, score, cash, this.out);
      if (code === NEEDS_SCORE) {
        score = await this.scoreOnce(trade, market!, stats, score);
        code = verdict(t, s, score, cash, this.out);
      }
      if (code === NEEDS_SCORE) throw new Error('evaluator asked for a score twice');
      if (code !== TAKE) {
        this.dispose(wallet.walletId, trade, 'skipped', SKIP_REASONS[code]!);
        continue;
      }
      const ev = takeOf(t, this.out.bet, score ?? null);
      const open = openPaper(ev.bet, ev.entryPrice);
      this.pending.push({ walletId: wallet.walletId, trade, take: ev, open, marketEndTime: market?.endTime ?? null });
      this.cash.set(wallet.walletId, (cash - ev.bet) as Usdc);
      this.dispose(wallet.walletId, trade, 'taken', null);
    }
  }

  /** A score is fetched at most once per trade and shared by every wallet (a failure is null: reject) */
  private async scoreOnce(trade: SourceTrade, market: StoredMarket, stats: TraderStats | null,
    known: Ratio | null | undefined): Promise<Ratio | null> {
    if (known !== undefined) return known;
    try {
      return await this.deps.scorer.score({ trade, market, stats, entryPrice: paperEntryPrice(trade.price) });
    } catch {
      return null;
    }
  }

  /** Closes, at the sell price, the fraction of the trader's holding that they sold, in every wallet */
  private async followSell(sell: SourceTrade): Promise<void> {
    if (this.pending.some((p) => p.trade.trader === sell.trader && p.trade.asset === sell.asset)) {
      await this.flushOrders();
    }
    const orders = await openOrdersBefore(this.tx, sell, this.allWalletIds);
    const exited = new Set<string>();
    if (orders.length > 0) {
      const held = await holdingBefore(this.tx, sell);
      const closes = orders.map((order) => ({
        order, close: closeFraction({ shares: order.openShares, cost: order.openCost }, sell.size, held, sell.price),
        kind: 'exit' as const, price: sell.price, sourceTradeId: sell.key, at: sell.time, outcome: 'SOLD' as const, winningLabel: null,
      })).filter((c) => c.close.shares > 0n);
      const booked = await applyCloses(this.tx, closes);
      for (const c of closes.filter((x) => booked.has(x.order.orderId))) {
        this.exits += 1;
        exited.add(c.order.walletId);
        this.cash.set(c.order.walletId, ((this.cash.get(c.order.walletId) ?? 0n) + c.close.proceeds) as Usdc);
      }
    }
    for (const w of this.wallets) {
      this.dispose(w.walletId, sell, exited.has(w.walletId) ? 'exit' : 'skipped', exited.has(w.walletId) ? null : 'not_buy');
    }
  }

  private async flushOrders(): Promise<void> {
    this.ordersCreated += await insertFtOrders(this.tx, this.pending);
    this.pending = [];
  }

  private dispose(walletId: string, trade: SourceTrade, disposition: Disposition['disposition'], reason: string | null) {
    this.dispositions.push({ walletId, tradeKey: trade.key, disposition, reason, at: this.deps.clock.now() });
    if (reason) {
      const byReason = (this.skipped[walletId] ??= {});
      byReason[reason] = (byReason[reason] ?? 0) + 1;
    }
  }
}
