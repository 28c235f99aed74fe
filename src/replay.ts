/**
 * Replay: recorded Data API trades and Gamma markets through the whole pipeline on a simulated clock.
 * Trades are walked in time order; a market is open until its closedTime (or endDate) and resolves then
 */
import { parseFtWallet, type FtWalletInputJson } from './domain/ft-wallet.ts';
import type { Market } from './domain/market.ts';
import { normalizeTradeRecord } from './feeds/data-api-record.ts';
import { createStaticMarketSource } from './feeds/file-sources.ts';
import type { Db } from './store/db.ts';
import { ftInvariants, ftReport, type FtReport, type InvariantResult } from './store/report-store.ts';
import { insertWallet } from './store/wallet-store.ts';
import { ManualClock } from './engine/clock.ts';
import { ingestTrades, type FtDeps } from './engine/ft-engine.ts';
import { resolveFtMarkets } from './engine/ft-resolve.ts';
import type { Scorer } from './engine/ports.ts';

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
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ReplayReport {
  version: 1;
  seed: number;
  input: { trades: number; markets: number; rejected: Record<string, number> };
  strategies: { ft_wallet_id: string; lt_strategy_id: string | null; ft: FtReport; lt: null; quality: null; gap: null }[];
  invariants: Record<string, InvariantResult>;
}

/** When a market becomes final in the replay: its closedTime, else its endDate; null if it never closes */
const closesAt = (m: Market): Date | null => (m.closed ? (m.closedTime ?? m.endTime) : null);

/** The market as it looked before it closed: no payout, not closed */
const openVersion = (m: Market): Market =>
  ({ ...m, closed: false, closedTime: null, resolutionStatus: null, outcomePrices: null, acceptingOrders: true });

function timeOf(record: unknown): number {
  const n = normalizeTradeRecord(record);
  return n.ok ? n.trade.time.getTime() : Number.NEGATIVE_INFINITY; // refused records go first, to be counted
}

export async function runReplay(db: Db, input: ReplayInput): Promise<ReplayReport> {
  const ordered = input.records.map((r) => ({ r, t: timeOf(r) })).sort((a, b) => a.t - b.t);
  const firstTime = ordered.find((o) => Number.isFinite(o.t))?.t ?? 0;
  const clock = new ManualClock(new Date(firstTime));
  const source = createStaticMarketSource(input.markets.map(openVersion));
  const deps: FtDeps = { db, markets: source, scorer: input.scorer, clock };
  for (const s of input.strategies) await insertWallet(db, parseFtWallet(s.ft, clock.now()));
  const closings = input.markets.filter((m) => closesAt(m) !== null)
    .sort((a, b) => closesAt(a)!.getTime() - closesAt(b)!.getTime());
  const rejected: Record<string, number> = {};
  let next = 0;
  const closeThrough = async (t: number) => {
    let changed = false;
    while (next < closings.length && closesAt(closings[next]!)!.getTime() <= t) {
      source.setMarket(closings[next]!);
      next += 1;
      changed = true;
    }
    if (changed) await resolveFtMarkets({ db, markets: source, clock });
  };
  const size = input.batchSize ?? 500;
  for (let i = 0; i < ordered.length;) {
    const t = ordered[i]!.t;
    if (Number.isFinite(t)) {
      await closeThrough(t);
      if (t > clock.now().getTime()) clock.set(new Date(t));
    }
    let j = i + 1;
    // A batch never spans a market closing, so every trade sees the market as it was at its time
    const limit = next < closings.length ? closesAt(closings[next]!)!.getTime() : Infinity;
    while (j < ordered.length && j - i < size && ordered[j]!.t < limit) j += 1;
    const report = await ingestTrades(deps, ordered.slice(i, j).map((o) => o.r), 'replay');
    for (const [reason, n] of Object.entries(report.rejected)) rejected[reason] = (rejected[reason] ?? 0) + (n ?? 0);
    i = j;
    input.onProgress?.(i, ordered.length);
  }
  if (closings.length > next) {
    clock.set(new Date(Math.max(clock.now().getTime(), closesAt(closings.at(-1)!)!.getTime())));
    await closeThrough(Number.POSITIVE_INFINITY);
  }
  return buildReport(db, input, rejected);
}

async function buildReport(db: Db, input: ReplayInput, rejected: Record<string, number>): Promise<ReplayReport> {
  const strategies = [];
  for (const s of input.strategies) {
    strategies.push({ ft_wallet_id: s.ft.wallet_id, lt_strategy_id: null, ft: await ftReport(db, s.ft.wallet_id),
      lt: null, quality: null, gap: null });
  }
  const invariants = await ftInvariants(db);
  invariants.ft_one_disposition_per_trade = await dispositionCheck(db, input.strategies.length);
  return {
    version: 1, seed: input.seed,
    input: { trades: input.records.length, markets: input.markets.length, rejected }, strategies, invariants,
  };
}

/** Every stored trade was evaluated by every strategy exactly once (all are active for the whole replay) */
async function dispositionCheck(db: Db, strategies: number): Promise<InvariantResult> {
  const [r] = await db.query<{ trades: number; dispositions: number }>(
    `SELECT (SELECT count(*)::int FROM source_trades) AS trades, (SELECT count(*)::int FROM ft_dispositions) AS dispositions`);
  const expected = r!.trades * strategies;
  return { ok: r!.dispositions === expected, detail: `${r!.dispositions} dispositions for ${r!.trades} trades × ${strategies} strategies` };
}
