/**
 * INV-8: LT and FT size a signal with the same pure sizing function and the same input record (model probability
 * and bankroll definition included), so LT's size before its own clamps equals FT's; the limit price comes from
 * the trader's price exactly once. `sizeBet` is wrapped (not replaced) to observe both engines' calls
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseFtWallet } from '../../src/domain/ft-wallet.ts';
import { formatMicros, ratio, shares, type Ratio } from '../../src/domain/money.ts';
import { Prng } from '../../src/domain/prng.ts';
import { sizeBet, type SizingInput, type SizingOutcome } from '../../src/domain/sizing.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { ingestTrades } from '../../src/engine/ft-engine.ts';
import { executeLt, type LtExecuteReport } from '../../src/engine/lt-executor.ts';
import { createLtStrategy, launchLtStrategy } from '../../src/engine/lt-strategies.ts';
import type { Scorer } from '../../src/engine/ports.ts';
import { normalizeTradeRecords } from '../../src/feeds/data-api-record.ts';
import { createStaticMarketSource } from '../../src/feeds/file-sources.ts';
import type { Db } from '../../src/store/db.ts';
import { createUser } from '../../src/store/user-store.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { COLLATERAL, SimExchange } from '../../src/sim/exchange/exchange.ts';
import { createSimulatedVenue } from '../../src/sim/exchange/simulated-venue.ts';
import { createShadowVenue } from '../../src/venues/shadow-venue.ts';
import { ALICE } from '../support/ft-world.ts';
import { nobelMarkets, nobelRecords } from '../support/nobel.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';
import { createLtWorld, SIGNER, type LtWorld } from '../support/lt-world.ts';

vi.mock('../../src/domain/sizing.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/domain/sizing.ts')>();
  return { ...real, sizeBet: vi.fn(real.sizeBet) };
});

interface SizingCall { walletId: string; input: SizingInput; outcome: SizingOutcome }

/** Every sizeBet call since the last clear, with what it returned */
function sizingCalls(): SizingCall[] {
  const mock = vi.mocked(sizeBet).mock;
  return mock.calls.map(([wallet, input], i) => ({ walletId: wallet.walletId, input, outcome: mock.results[i]!.value as SizingOutcome }));
}

const text = (v: bigint | null): string | null => (v === null ? null : formatMicros(v));
const betOf = (o: SizingOutcome): string | null => (o.kind === 'sized' ? formatMicros(o.bet) : null);

/** A deterministic model: the trader's price plus 7 points, capped at 0.99 */
const scorer: Scorer = {
  name: 'parity',
  score: async ({ trade }) => (trade.price + 70_000n > 990_000n ? 990_000n : trade.price + 70_000n) as Ratio,
};

const METHODS = ['FIXED', 'EDGE_SCALED', 'TIERED', 'CONVICTION', 'CONFIDENCE', 'ML_SCALED', 'WHALE'] as const;
const TOLERANCE = 30_000n; // slippage_tolerance_pct 3
const TICK = 1_000n; // the Nobel markets' tick

/** Statistics for every trader in the file, imported, from a seeded generator (win rates 0.30–0.90) */
async function importStats(db: Db, traders: string[], at: Date): Promise<void> {
  const r = new Prng(8);
  for (const trader of traders) {
    const winRate = (r.int(300, 900) / 1000).toFixed(3);
    const avg = r.int(20, 800).toFixed(2);
    await db.query(`INSERT INTO trader_stats (trader, window_days, wins, resolved_count, win_rate, trade_count, avg_trade_usd,
      source, computed_at) VALUES ($1, 30, 0, 20, $2, 30, $3, 'imported', $4)`, [trader, winRate, avg, at.toISOString()]);
  }
}

/** The Nobel markets on a simulated exchange, so the LT executor sees each token's market and (empty) book */
function nobelVenue(clock: ManualClock) {
  const exchange = new SimExchange(clock);
  for (const m of nobelMarkets(nobelRecords(), false)) {
    exchange.addMarket({
      conditionId: m.conditionId, question: m.question, slug: m.slug, tokens: [{ tokenId: m.tokenIds[0]!, outcome: 'Yes' },
        { tokenId: m.tokenIds[1]!, outcome: 'No' }], tickSize: TICK, minSize: shares('5'), negRisk: true,
      fee: { rate: ratio('0'), exponent: 1 }, acceptingOrders: true, endTime: null, closed: false, payouts: null,
    });
  }
  exchange.credit('tandem', COLLATERAL, 100_000_000_000000n);
  return createSimulatedVenue({ exchange, account: 'tandem', clock, sleep: async () => undefined });
}

/** One FT wallet per sizing method, each mirrored by an LT strategy launched before the first trade */
async function walletsAndStrategies(db: Db, clock: ManualClock): Promise<string> {
  const { user } = await createUser(db, 'parity');
  for (const method of METHODS) {
    const id = `FT_PARITY_${method}`;
    await insertWallet(db, parseFtWallet({ wallet_id: id, use_model: false, min_edge: null, min_trader_resolved_count: null,
      start_date: '2025-10-01T00:00:00Z', min_original_trade_usd: '200', bet_size: '5', max_bet: '50', starting_balance: '100000',
      allocation_method: method }, clock.now()));
    const s = await createLtStrategy({ db, clock }, user.userId, { ft_wallet_id: id, starting_capital: '1000000',
      wallet_address: SIGNER, max_signal_age_seconds: null, slippage_tolerance_pct: '3', min_order_usd: null, max_order_usd: null });
    if (!s.ok) throw new Error(JSON.stringify(s.error));
    const launched = await launchLtStrategy({ db, clock }, user.userId, s.value.strategyId);
    if (!launched.ok) throw new Error(JSON.stringify(launched.error));
  }
  return user.userId;
}

/** The limit an LT BUY must carry: the trader's price × 1.03 once, down to the tick, inside (0, 1) */
const limitOnce = (p: bigint): bigint => {
  const v = ((p * (1_000_000n + TOLERANCE)) / (TICK * 1_000_000n)) * TICK;
  return v > 1_000_000n - TICK ? 1_000_000n - TICK : v;
};

describe(`INV-8 golden: LT sizes the Nobel FT orders as FT did (${backendName})`, () => {
  let t: TestDb;
  let lt: LtExecuteReport;
  let calls: SizingCall[];

  beforeAll(async () => {
    t = await openTestDb();
    const clock = new ManualClock('2025-10-10T08:00:00Z');
    const records = nobelRecords().sort((a, b) => a.timestamp - b.timestamp || (a.transactionHash < b.transactionHash ? -1 : 1));
    await importStats(t.db, [...new Set(records.map((r) => r.proxyWallet.toLowerCase()))], clock.now());
    await walletsAndStrategies(t.db, clock);
    const markets = createStaticMarketSource(nobelMarkets(records, false));
    for (let i = 0; i < records.length; i += 300) {
      await ingestTrades({ db: t.db, markets, scorer, clock }, normalizeTradeRecords(records.slice(i, i + 300)), 'parity');
    }
    clock.set('2025-10-10T13:00:00Z');
    vi.mocked(sizeBet).mockClear(); // from here on, only LT sizes
    const venue = nobelVenue(clock);
    lt = await executeLt({ db: t.db, venue, shadowVenue: createShadowVenue(venue, clock), clock, signerAddress: SIGNER });
    calls = sizingCalls();
  }, 240_000);
  afterAll(async () => t?.close());

  it('INV-8: every signal of every method is sized by LT with FT\'s input record and to FT\'s size, before LT\'s clamps', async () => {
    expect(lt.errors).toEqual([]);
    for (const method of METHODS) {
      const id = `FT_PARITY_${method}`;
      const ft = await t.db.query<Record<string, string | null>>(`SELECT trader_price::text AS price, edge_pct::text AS edge,
        trader_win_rate::text AS win_rate, conviction::text, model_probability::text AS model, size::text AS bet
        FROM ft_orders WHERE wallet_id = $1 ORDER BY order_time, order_id`, [id]);
      expect(ft.length, id).toBeGreaterThan(50);
      const ours = calls.filter((c) => c.walletId === id).map(({ input: i, outcome }) => ({ price: text(i.price), edge: text(i.edge),
        win_rate: text(i.winRate), conviction: text(i.conviction), model: text(i.modelProbability), bet: betOf(outcome) }));
      expect(ours, id).toEqual(ft);
      if (method !== 'FIXED') expect(new Set(ft.map((o) => o.bet)).size, `${id} sizes vary`).toBeGreaterThan(3);
    }
    expect(calls.filter((c) => c.input.modelProbability !== null).length).toBeGreaterThan(0);
  });

  it('INV-8: the limit price is the trader\'s price moved by the tolerance once, never FT\'s already slipped entry price', async () => {
    const rows = await t.db.query<{ limit_price: string; signal: string; trader: string; entry: string }>(`SELECT
      o.limit_price::text, l.signal_price::text AS signal, f.trader_price::text AS trader, f.entry_price::text AS entry
      FROM orders o JOIN lt_orders l ON l.order_id = o.order_id JOIN ft_orders f ON f.order_id = l.ft_order_id`);
    expect(rows.length).toBeGreaterThan(100);
    const micros = (s: string) => BigInt(Math.round(Number(s) * 1e6));
    for (const r of rows) {
      expect(r.signal).toBe(r.trader);
      expect(micros(r.limit_price)).toBe(limitOnce(micros(r.trader)));
    }
    // The check can tell: for many orders, slipping FT's entry price again would have given another limit
    expect(rows.filter((r) => limitOnce(micros(r.entry)) !== limitOnce(micros(r.trader))).length).toBeGreaterThan(20);
  });
});

/** Kelly by hand: each bet is cash × factor (in millionths) rounded half-up to the cent, then paid out of the cash */
function kellyReference(start: bigint, factor: bigint, n: number): string[] {
  let cash = start;
  return Array.from({ length: n }, () => {
    const bet = ((cash * factor + 5_000_000_000n) / 10_000_000_000n) * 10_000n;
    cash -= bet;
    return formatMicros(bet);
  });
}

describe(`INV-8: the Kelly bankroll is the same cash in FT and LT (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it('INV-8: Kelly bets of a run of signals: LT sizes with its available cash, equal to FT\'s cash, so every bet equals FT\'s', async () => {
    w = await createLtWorld({ wallet: { allocation_method: 'KELLY', kelly_fraction: '0.25', min_bet: null, max_bet: null },
      settings: { max_order_usd: null } });
    await w.ft.t.db.query(`INSERT INTO trader_stats (trader, window_days, wins, resolved_count, win_rate, trade_count, avg_trade_usd,
      source, computed_at) VALUES ($1, 30, 14, 20, 0.7, 20, 50, 'imported', now())`, [ALICE]);
    w.asks([['0.50', '100000']]); // every order fills at 0.50, so it costs exactly its bet, as a paper order does
    const seen: { ft: SizingCall; lt: SizingCall }[] = [];
    for (let i = 0; i < 5; i++) {
      w.ft.clock.advance(1000);
      vi.mocked(sizeBet).mockClear();
      await w.buySignal({ price: 0.5 });
      const [ft] = sizingCalls();
      vi.mocked(sizeBet).mockClear();
      expect(await w.execute()).toMatchObject({ ordered: 1 });
      seen.push({ ft: ft!, lt: sizingCalls()[0]! });
    }
    for (const { ft, lt } of seen) {
      expect(text(lt.input.bankroll)).toBe(text(ft.input.bankroll));
      expect({ ...lt.input, bankroll: 0n }).toEqual({ ...ft.input, bankroll: 0n });
      expect(betOf(lt.outcome)).toBe(betOf(ft.outcome));
    }
    // The bets shrink with the cash: cash × (0.70 − 0.5015) / 0.5 × 0.25, to the cent, less each bet
    expect(seen.map((s) => betOf(s.lt.outcome))).toEqual(kellyReference(1000_000000n, 99_250n, 5));
    const ft = await w.ft.t.db.query<{ size: string }>('SELECT size::text FROM ft_orders ORDER BY order_time');
    expect(ft.map((o) => o.size)).toEqual(seen.map((s) => betOf(s.lt.outcome)));
  });

  it('INV-8: the limit comes from the trader\'s price once: 0.50 × (1 + 1.9%) stays 0.50 on a 0.01 tick (FT\'s 0.5015 slipped again would be 0.51)', async () => {
    w = await createLtWorld({ settings: { slippage_tolerance_pct: '1.9' } });
    await w.buySignal({ price: 0.5 });
    await w.execute();
    expect((await w.orders())[0]).toMatchObject({ limit_price: '0.500000', size: '20.000000' });
    const [ft] = await w.ft.t.db.query<{ entry: string }>('SELECT entry_price::text AS entry FROM ft_orders');
    expect(ft!.entry).toBe('0.501500');
  });
});
