/**
 * Replay: recorded Data API trades and Gamma markets through the whole pipeline on a simulated clock.
 * Trades are walked in time order; a market is open until its closedTime (or endDate) and resolves then.
 * With LT strategies (an `lt` object), orders go to a simulated exchange whose books a seeded market maker
 * quotes (book-model.ts documents the model), or from recorded CLOB book snapshots where given (books.ts documents
 * the input and the rule). The LT side runs on the replay's own time line (lt.ts): each trade re-quotes its book at its
 * time, and the executor decides each trade's signals at its time + `latencyMs`, whatever the batch size. FT ingests
 * a batch, then the LT events before its last trade's time run (those at that time wait for the next batch, which may
 * hold more trades at the same time); the LT events before each market closing run before it. At each closing the exchange, FT and then LT settle
 */
import { parseFtWallet, type FtWalletInputJson } from '../domain/ft-wallet.ts';
import type { Market } from '../domain/market.ts';
import { normalizeTradeRecord } from '../feeds/data-api-record.ts';
import { createStaticMarketSource } from '../feeds/file-sources.ts';
import type { Db } from '../store/db.ts';
import { ftInvariants, ftReports, ltInvariants, ltReport, type FtReport, type InvariantResult, type LtReport } from '../store/report-store.ts';
import { qualityAndGap, type ReplayGap, type ReplayQuality } from './quality.ts';
import { loadRecordedBooks, type BookItem } from './books.ts';
import { DEFAULT_LATENCY_MS } from './latency.ts';
import { startLtReplay, type LtReplayHandle } from './lt.ts';
import { signalShares, type SignalShares } from './shares.ts';
import { insertWallets } from '../store/wallet-store.ts';
import { restoreIndexes, setAsideIndexes, type SetAside } from '../store/bulk-load.ts';
import { ManualClock } from '../engine/clock.ts';
import { ReplayFt } from './ft-replay.ts';
import { hasFtHistory } from '../store/replay-ft-store.ts';
import type { TradeBatch } from '../domain/trade.ts';
import { resolveFtMarkets } from '../engine/ft-resolve.ts';
import type { Scorer } from '../engine/ports.ts';

export interface ReplayStrategy {
  ft: FtWalletInputJson;
  /** LT settings; absent means FT only */
  lt: Record<string, unknown> | null;
}

export interface ReplayInput {
  records: unknown[];
  markets: Market[];
  strategies: ReplayStrategy[];
  seed: number;
  scorer: Scorer;
  /** Recorded CLOB `/book` snapshots (readBookDir); absent or empty: the model quotes every book */
  books?: BookItem[];
  batchSize?: number;
  /** LT: the modelled detection + submit latency in ms (default DEFAULT_LATENCY_MS, the live path's measured median) */
  latencyMs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ReplayReport {
  version: 1;
  seed: number;
  /** `books`: snapshots accepted; rejected trades and snapshots (book_…) by reason */
  input: { trades: number; markets: number; books: number; rejected: Record<string, number> };
  strategies: {
    ft_wallet_id: string; lt_strategy_id: string | null; ft: FtReport; lt: LtReport | null;
    quality: ReplayQuality | null; gap: ReplayGap | null;
    /** Shares of the LT signals ordered, skipped (by reason) and expired */
    lt_shares: SignalShares | null;
  }[];
  /** LT: the latency each signal was decided after, and the shares over every LT strategy; null without LT */
  lt_execution: ({ latency_ms: number } & SignalShares) | null;
  invariants: Record<string, InvariantResult>;
}

/** When a market becomes final in the replay: its closedTime, else its endDate; null if it never closes */
const closesAt = (m: Market): Date | null => (m.closed ? (m.closedTime ?? m.endTime) : null);

/** The market as it looked before it closed: no payout, not closed */
const openVersion = (m: Market): Market =>
  ({ ...m, closed: false, closedTime: null, resolutionStatus: null, outcomePrices: null, acceptingOrders: true });

/** A record normalized once: its trade (or why it was refused) and its time; refused records go first, to be counted */
function readRecord(record: unknown): { batch: TradeBatch; t: number } {
  const n = normalizeTradeRecord(record);
  return n.ok ? { batch: { trades: [n.trade], refused: [] }, t: n.trade.time.getTime() }
    : { batch: { trades: [], refused: [{ reason: n.reason, detail: n.detail }] }, t: Number.NEGATIVE_INFINITY };
}

const joinBatches = (parts: { batch: TradeBatch }[]): TradeBatch =>
  ({ trades: parts.flatMap((p) => p.batch.trades), refused: parts.flatMap((p) => p.batch.refused) });

/**
 * The tables an FT-only replay bulk-loads. Their foreign keys were a check per row, each a query of its own: with the
 * strategies trading (4,224 paper orders from the Nobel trades), the paper orders' insert alone took 483 ms and the
 * dispositions' 129 ms on PGlite
 */
export const BULK_TABLES = ['source_trades', 'ft_orders', 'ft_closes', 'ft_dispositions'] as const;

/**
 * Indexes a bulk load keeps, by table: the exits' P&L-curve trigger (migration 0020, ft_close_sums) reads each
 * strategy's closes by (wallet, time) once per statement; without this index every exit insert scanned the table once
 * per strategy (the 15,000-trade replay: ~2,450 ms set aside, ~2,240 kept)
 */
const KEPT_INDEXES: Partial<Record<(typeof BULK_TABLES)[number], string[]>> = { ft_closes: ['ft_closes_wallet_time'] };

/** FT rows (trades, orders, exits, decided dispositions) gathered before a flush at the latest, to bound the memory */
const FLUSH_ROWS = 50_000;

export async function runReplay(db: Db, input: ReplayInput): Promise<ReplayReport> {
  // The FT state lives in memory for the whole replay (ft-replay.ts): it must be all the database holds
  if (await hasFtHistory(db)) throw new Error('a replay needs a fresh database (this one has FT history)');
  const ordered = input.records.map(readRecord).sort((a, b) => a.t - b.t);
  const firstTime = ordered.find((o) => Number.isFinite(o.t))?.t ?? 0;
  const clock = new ManualClock(new Date(firstTime));
  const source = createStaticMarketSource(input.markets.map(openVersion));
  await insertWallets(db, input.strategies.map((s) => parseFtWallet(s.ft, clock.now())));
  const ft = await ReplayFt.start({ db, markets: source, scorer: input.scorer, clock });
  // Markets learned up front are those a trade comes before they close: one first seen at or after its closing is
  // learned then, as closed, as a batch would learn it (its trades are skipped as market_resolved)
  const closing = new Map(input.markets.map((m) => [m.conditionId, closesAt(m)?.getTime() ?? Number.POSITIVE_INFINITY]));
  await ft.prefetch(ordered.flatMap((o) => o.batch.trades)
    .filter((x) => x.time.getTime() < (closing.get(x.conditionId) ?? Number.POSITIVE_INFINITY)));
  const books = loadRecordedBooks(input.books ?? [], input.markets);
  const withLt = input.strategies.filter((s) => s.lt !== null);
  const lt: LtReplayHandle | null = withLt.length === 0 ? null : await startLtReplay(db, clock, input.markets, input.seed,
    withLt.map((s) => ({ ftWalletId: s.ft.wallet_id, settings: s.lt! })), books.byToken, input.latencyMs ?? DEFAULT_LATENCY_MS);
  // An FT-only replay stores its rows with their tables' secondary indexes and foreign keys set aside until it first
  // reads the database back (bulk-load.ts); an LT replay reads at every batch
  const aside: SetAside[] = [];
  if (withLt.length === 0) for (const table of BULK_TABLES) aside.push(await setAsideIndexes(db, table, KEPT_INDEXES[table]));
  // Idempotent: restoreIndexes forgets what it rebuilt, and only once it has (a failed rebuild is tried again)
  const endBulk = async () => {
    for (const a of aside) await restoreIndexes(db, a);
  };
  try {
    return await walk(db, input, { ordered, clock, source, ft, lt, books, endBulk });
  } catch (e) {
    // The error reported is the replay's; the rebuild is tried once more (it fails again if a foreign key no longer holds)
    await endBulk().catch(() => undefined);
    throw e;
  }
}

interface Walk {
  ordered: { batch: TradeBatch; t: number }[];
  clock: ManualClock;
  source: ReturnType<typeof createStaticMarketSource>;
  ft: ReplayFt;
  lt: LtReplayHandle | null;
  books: ReturnType<typeof loadRecordedBooks>;
  /** Rebuilds what the bulk load set aside (nothing after the first success): before anything reads the trades back */
  endBulk: () => Promise<void>;
}

/** The trades in time order through FT (and LT), the markets closing on the way; then the report */
async function walk(db: Db, input: ReplayInput, w: Walk): Promise<ReplayReport> {
  const { ordered, clock, source, ft, lt, books } = w;
  const closings = input.markets.filter((m) => closesAt(m) !== null)
    .sort((a, b) => closesAt(a)!.getTime() - closesAt(b)!.getTime());
  const rejected: Record<string, number> = { ...books.rejected };
  let next = 0;
  const closeThrough = async (t: number, final = false) => {
    let changed = false;
    const closed: Market[] = [];
    while (next < closings.length && closesAt(closings[next]!)!.getTime() <= t) {
      await lt?.runBefore(closesAt(closings[next]!)!.getTime());
      source.setMarket(closings[next]!);
      closed.push(closings[next]!);
      next += 1;
      changed = true;
    }
    if (final && closed.length > 0) clock.set(new Date(Math.max(clock.now().getTime(), closesAt(closed.at(-1)!)!.getTime())));
    lt?.resolveOnExchange(closed);
    if (changed) {
      await ft.flush();
      await w.endBulk();
      await resolveFtMarkets({ db, markets: source, clock });
      await ft.afterSettlement();
    }
    if (changed) await lt?.settle();
  };
  const size = input.batchSize ?? 500;
  for (let i = 0; i < ordered.length;) {
    const t = ordered[i]!.t;
    if (Number.isFinite(t)) {
      await closeThrough(t);
      await lt?.runBefore(t);
      if (t > clock.now().getTime()) clock.set(new Date(t));
    }
    let j = i + 1;
    // A batch never spans a market closing, so every trade sees the market as it was at its time
    const limit = next < closings.length ? closesAt(closings[next]!)!.getTime() : Infinity;
    while (j < ordered.length && j - i < size && ordered[j]!.t < limit) j += 1;
    const batch = ordered.slice(i, j);
    const report = await ft.ingest(joinBatches(batch));
    for (const [reason, n] of Object.entries(report.rejected)) rejected[reason] = (rejected[reason] ?? 0) + (n ?? 0);
    // The FT writes wait in memory until something reads them: the LT side (at once), a settlement, the report
    if (lt || ft.pending >= FLUSH_ROWS) await ft.flush();
    if (lt) {
      const last = batch[batch.length - 1]!.t;
      const trades = batch.flatMap((o) => o.batch.trades);
      await lt.addTrades(trades.map((x) => ({ key: x.key, tokenId: x.asset, price: x.price, side: x.side, time: x.time.getTime() })));
      if (Number.isFinite(last)) await lt.runBefore(last);
    }
    i = j;
    input.onProgress?.(i, ordered.length);
  }
  if (closings.length > next) await closeThrough(Number.POSITIVE_INFINITY, true);
  await ft.flush();
  await lt?.runBefore(Number.POSITIVE_INFINITY);
  await lt?.finish();
  await w.endBulk();
  return buildReport(db, input, { rejected, books: books.accepted }, lt);
}

async function buildReport(db: Db, input: ReplayInput, counts: { rejected: Record<string, number>; books: number },
  lt: LtReplayHandle | null): Promise<ReplayReport> {
  const strategies = [];
  // One after the other: at once, on PostgreSQL, they would open new connections, each slower than the read (measured)
  const ft = await ftReports(db, input.strategies.map((s) => s.ft.wallet_id));
  const invariants = await ftInvariants(db);
  const dispositions = await dispositionCheck(db, input.strategies.length);
  for (const s of input.strategies) {
    const id = lt?.strategies.find((x) => x.ftWalletId === s.ft.wallet_id)?.strategyId ?? null;
    const ltr = id === null ? null : await ltReport(db, lt!.userId, id);
    strategies.push({ ft_wallet_id: s.ft.wallet_id, lt_strategy_id: id, ft: ft.get(s.ft.wallet_id)!, lt: ltr,
      ...(id === null ? { quality: null, gap: null } : await qualityAndGap(db, lt!.userId, id)),
      lt_shares: ltr === null ? null : signalShares([ltr]) });
  }
  invariants.ft_one_disposition_per_trade = dispositions;
  if (lt) {
    Object.assign(invariants, await ltInvariants(db, lt.placements));
    invariants.lt_replay_errors = { ok: lt.errors.length === 0,
      detail: lt.errors.length === 0 ? 'no errors from the LT jobs or the market maker' : `${lt.errors.length}: ${lt.errors.slice(0, 3).join(' | ')}` };
  }
  return {
    version: 1, seed: input.seed,
    input: { trades: input.records.length, markets: input.markets.length, books: counts.books, rejected: counts.rejected },
    strategies, invariants,
    lt_execution: lt ? { latency_ms: lt.latencyMs, ...signalShares(strategies.flatMap((x) => (x.lt ? [x.lt] : []))) } : null,
  };
}

/**
 * Every stored trade was evaluated by every strategy exactly once (all are active for the whole replay): per strategy,
 * its taken and exit dispositions (rows) plus its skipped ones (ft_skip_counts; the replay stores no row per skip)
 * are the stored trades
 */
async function dispositionCheck(db: Db, strategies: number): Promise<InvariantResult> {
  const [r] = await db.query<{ trades: number; dispositions: number; off: number }>(
    `WITH per AS (
       SELECT w.wallet_id,
         (SELECT count(*) FROM ft_dispositions d WHERE d.wallet_id = w.wallet_id AND d.disposition <> 'skipped')
         + coalesce((SELECT sum(count) FROM ft_skip_counts c WHERE c.wallet_id = w.wallet_id), 0) AS n
       FROM ft_wallets w)
     SELECT (SELECT count(*)::int FROM source_trades) AS trades, coalesce((SELECT sum(n) FROM per), 0)::int AS dispositions,
       (SELECT count(*)::int FROM per WHERE n <> (SELECT count(*) FROM source_trades)) AS off`);
  const expected = r!.trades * strategies;
  const ok = r!.dispositions === expected && r!.off === 0;
  return { ok, detail: `${r!.dispositions} dispositions for ${r!.trades} trades × ${strategies} strategies` +
    (r!.off === 0 ? '' : `; ${r!.off} strategies with another count`) };
}
