/**
 * Golden test: the real Nobel Peace Prize 2025 Data API trades, replayed through FT strategies, must give
 * the order counts and P&L of an independent, straightforward calculation written here
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFtWallet, type FtWalletInputJson } from '../../src/domain/ft-wallet.ts';
import type { Market } from '../../src/domain/market.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { ingestTrades, type FtDeps } from '../../src/engine/ft-engine.ts';
import { resolveFtMarkets } from '../../src/engine/ft-resolve.ts';
import { normalizeTradeRecords } from '../../src/feeds/data-api-record.ts';
import { createStaticMarketSource } from '../../src/feeds/file-sources.ts';
import { noScorer } from '../../src/feeds/scorer.ts';
import { ftWalletSummaries } from '../../src/store/ft-summary-store.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { nobelMarkets, nobelRecords, type NobelRecord } from '../support/nobel.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

const records = nobelRecords();
type Raw = NobelRecord;
const TOP_TRADER = '0xe8dd7741ccb12350957ec71e9ee332e0d1e6ec86';

// Four strategies, each a simple rule the reference below can apply by hand
const base = { use_model: false, min_edge: null, min_trader_resolved_count: null, start_date: '2025-10-01T00:00:00Z' };
const STRATEGIES: { input: FtWalletInputJson; takes: (r: Raw) => boolean; bet: bigint; start: bigint }[] = [
  { input: { ...base, wallet_id: 'FT_GOLD_ALL', bet_size: '1.20' }, takes: () => true, bet: 1_200000n, start: 1000_000000n },
  { input: { ...base, wallet_id: 'FT_GOLD_LONGSHOT', price_max: '0.2', bet_size: '3' },
    takes: (r) => micro(r.price) <= 200000n, bet: 3_000000n, start: 1000_000000n },
  { input: { ...base, wallet_id: 'FT_GOLD_BIG', price_min: '0.3', min_original_trade_usd: '100', bet_size: '10',
      starting_balance: '500' },
    // Trade USD is size × price rounded half-even to the micro-dollar: many $100 market buys have prices
    // like 0.31199999835 and come to 99.9999995
    takes: (r) => micro(r.price) >= 300000n && halfEven(micro(r.size) * micro(r.price), 1_000000n) >= 100_000000n,
    bet: 10_000000n, start: 500_000000n },
  { input: { ...base, wallet_id: 'FT_GOLD_TOP', target_traders: [TOP_TRADER], bet_size: '2' },
    takes: (r) => r.proxyWallet === TOP_TRADER, bet: 2_000000n, start: 1000_000000n },
];

/** A JSON number from the file as micro-units (the file's numbers have at most 6 meaningful decimals) */
function micro(x: number): bigint {
  return BigInt(Math.round(x * 1e6));
}

const sorted = [...records].sort((a, b) => a.timestamp - b.timestamp
  || (a.transactionHash.toLowerCase() < b.transactionHash.toLowerCase() ? -1 : 1));
const isWinner = (r: { title: string; outcome: string }) => r.title.includes('Machado') === (r.outcome === 'Yes');

interface Expected { orders: number; won: number; lost: number; sold: number; open: number; realized: bigint; cash: bigint }

/** The reference: walk the trades in time order, copy BUYs, follow SELLs pro rata, settle at 1 or 0 */
function reference(s: (typeof STRATEGIES)[number]): Expected {
  type Pos = { trader: string; asset: string; shares: bigint; cost: bigint; winner: boolean; closed: boolean };
  const positions: Pos[] = [];
  const held = new Map<string, bigint>();
  let cash = s.start;
  let realized = 0n;
  let sold = 0;
  for (const r of sorted) {
    const key = `${r.proxyWallet}|${r.asset}`;
    const size = micro(r.size);
    const price = micro(r.price);
    if (r.side === 'BUY' && s.takes(r) && s.bet <= cash) {
      const entry = Math.min(Number((price * 1003n + 999n) / 1000n), 999900);
      positions.push({ trader: r.proxyWallet, asset: r.asset, shares: (s.bet * 1_000000n) / BigInt(entry), cost: s.bet,
        winner: isWinner(r), closed: false });
      cash -= s.bet;
    }
    if (r.side === 'SELL') {
      const before = held.get(key) ?? 0n;
      for (const p of positions.filter((q) => !q.closed && q.trader === r.proxyWallet && q.asset === r.asset)) {
        const all = before <= size;
        const portion = all ? p.shares : (p.shares * size) / before;
        if (portion === 0n) continue;
        const basis = all ? p.cost : halfEven(p.cost * portion, p.shares);
        const proceeds = (portion * price) / 1_000000n;
        realized += proceeds - basis;
        cash += proceeds;
        p.shares -= portion;
        p.cost -= basis;
        if (p.shares === 0n) { p.closed = true; sold += 1; }
      }
    }
    held.set(key, (held.get(key) ?? 0n) + (r.side === 'BUY' ? size : -size));
  }
  let won = 0;
  let lost = 0;
  for (const p of positions.filter((q) => !q.closed)) {
    const proceeds = p.winner ? p.shares : 0n;
    realized += proceeds - p.cost;
    cash += proceeds;
    if (p.winner) won += 1; else lost += 1;
  }
  return { orders: positions.length, won, lost, sold, open: 0, realized, cash };
}

function halfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r2 = 2n * (n % d);
  return r2 > d || (r2 === d && q % 2n === 1n) ? q + 1n : q;
}

const marketsFromTrades = (final: boolean): Market[] => nobelMarkets(records, final);

describe(`golden: Nobel Peace Prize 2025 trades through FT strategies (${backendName})`, () => {
  let t: TestDb;
  const markets = createStaticMarketSource(marketsFromTrades(false));
  const clock = new ManualClock('2025-10-10T12:10:00Z');

  beforeAll(async () => {
    t = await openTestDb();
    for (const s of STRATEGIES) await insertWallet(t.db, parseFtWallet(s.input, clock.now()));
    const deps: FtDeps = { db: t.db, markets, scorer: noScorer, clock };
    // Batches in the reference's order, so a batch boundary never reorders trades of the same second
    for (let i = 0; i < sorted.length; i += 300) await ingestTrades(deps, normalizeTradeRecords(sorted.slice(i, i + 300)), 'golden');
    for (const m of marketsFromTrades(true)) markets.setMarket(m);
    clock.advance(3600_000);
    await resolveFtMarkets({ db: t.db, markets, clock });
  });
  afterAll(async () => t?.close());

  it.each(STRATEGIES.map((s) => [s.input.wallet_id, s] as const))('%s matches the reference', async (id, s) => {
    const expected = reference(s);
    const [summary] = await ftWalletSummaries(t.db, id);
    expect(expected.orders).toBeGreaterThan(0);
    expect({
      orders: summary!.orders, won: summary!.won, lost: summary!.lost, sold: summary!.sold, open: summary!.open,
      realized: summary!.realized_pnl, cash: summary!.cash,
    }).toEqual({
      orders: expected.orders, won: expected.won, lost: expected.lost, sold: expected.sold, open: 0,
      realized: fmt(expected.realized), cash: fmt(expected.cash),
    });
  });

  it('settled every order exactly once and conserved cash', async () => {
    const rows = await t.db.query<{ n: number; settlements: number; unbalanced: number }>(
      `SELECT (SELECT count(*)::int FROM ft_orders) AS n,
              (SELECT count(*)::int FROM ft_closes WHERE kind = 'settlement') AS settlements,
              (SELECT count(*)::int FROM ft_orders o WHERE o.size <> (SELECT coalesce(sum(cost_basis), 0)
                 FROM ft_closes c WHERE c.order_id = o.order_id)) AS unbalanced`);
    const sold = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ft_orders WHERE outcome = 'SOLD'`);
    expect(rows[0]!.settlements).toBe(rows[0]!.n - sold[0]!.n);
    expect(rows[0]!.unbalanced).toBe(0);
    const again = await resolveFtMarkets({ db: t.db, markets, clock });
    expect(again.ordersSettled).toBe(0);
  });
});

function fmt(m: bigint): string {
  const neg = m < 0n;
  const a = neg ? -m : m;
  return `${neg ? '-' : ''}${a / 1_000000n}.${(a % 1_000000n).toString().padStart(6, '0')}`;
}
