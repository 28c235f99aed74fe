/** The world feeding the FT engine: the resolved history it has seen becomes trader statistics, and paper orders settle once */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFtWallet } from '../../src/domain/ft-wallet.ts';
import { divRound, parseMicros } from '../../src/domain/money.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import type { FtDeps } from '../../src/engine/ft-engine.ts';
import { resolveFtMarkets } from '../../src/engine/ft-resolve.ts';
import { syncFtOnce } from '../../src/engine/ft-sync.ts';
import { noScorer } from '../../src/feeds/scorer.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';
import { SimExchange } from '../../src/sim/exchange/exchange.ts';
import { worldMarketSource, worldTradeSource } from '../../src/sim/world/sources.ts';
import { createWorld, type World } from '../../src/sim/world/world.ts';

const START = new Date('2026-03-01T12:00:00Z');

describe(`trader statistics from the simulated world's history (${backendName})`, () => {
  let t: TestDb;
  let world: World;
  let deps: FtDeps;
  let clock: ManualClock;
  let sync: () => ReturnType<typeof syncFtOnce>;

  beforeAll(async () => {
    t = await openTestDb();
    clock = new ManualClock(START);
    world = createWorld({ seed: 3, start: START, exchange: (c) => new SimExchange(c), traders: 6,
      history: { markets: 24, lifetimeMs: 3 * 3_600_000, stepMs: 20 * 60_000 } });
    deps = { db: t.db, markets: worldMarketSource(world), scorer: noScorer, clock };
    const source = worldTradeSource(world);
    sync = () => syncFtOnce({ ...deps, source });
    // copies every live BUY, so live markets get paper orders
    await insertWallet(t.db, parseFtWallet({ wallet_id: 'FT_COPY_ALL', use_model: false, min_edge: null,
      min_trader_resolved_count: null, bet_size: '2', start_date: START.toISOString() }, START));
  });

  afterAll(async () => t?.close());

  it('turns the resolved history into trader statistics, exactly as counted from the records', async () => {
    const report = await sync();
    expect(report.newTrades).toBe(world.historyCount);
    expect(report.ordersCreated).toBe(0); // all before the strategy's start
    // No paper orders at all: resolution still reads every market the traders traded in
    const seen = await resolveFtMarkets(deps);
    expect(seen).toMatchObject({ marketsChecked: 24, marketsResolved: 24, ordersSettled: 0, tradersRefreshed: 6, errors: [] });
    const rows = await t.db.query<{ trader: string; resolved_count: number; win_rate: string }>(
      'SELECT trader, resolved_count, win_rate::text FROM trader_stats');
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const buys = world.records(0, world.historyCount).filter((r) => r.proxyWallet === row.trader && r.side === 'BUY');
      const wins = buys.filter((r) => (r.outcomeIndex === 0) === world.market(r.conditionId)!.yesWins).length;
      expect(row.resolved_count).toBe(buys.length);
      expect(parseMicros(row.win_rate)).toBe(divRound(BigInt(wins) * 1_000_000n, BigInt(buys.length), 'half_up'));
    }
    expect((await resolveFtMarkets(deps)).marketsResolved).toBe(0);
  });

  it('settles the paper orders of a market once it is final, and only once', async () => {
    for (let i = 0; i < 10; i += 1) world.step(new Date(START.getTime() + (i + 1) * 2000));
    clock.set(world.now());
    expect((await sync()).ordersCreated).toBeGreaterThan(0);
    const held = await t.db.query<{ condition_id: string; n: number }>(
      "SELECT condition_id, count(*)::int AS n FROM ft_orders WHERE outcome = 'OPEN' GROUP BY condition_id");
    const first = held.map((h) => world.market(h.condition_id)!).reduce((a, b) => (a.endTime < b.endTime ? a : b));
    const open = held.find((h) => h.condition_id === first.sim.conditionId)!.n;
    world.step(new Date(first.endTime.getTime() + 1000));
    clock.set(world.now());
    await sync();
    const resolvedAt = async () => (await t.db.query<{ resolved_at: Date | null }>(
      'SELECT resolved_at FROM markets WHERE condition_id = $1', [first.sim.conditionId]))[0]!.resolved_at;
    expect(await resolvedAt()).toBeNull();
    const settled = await resolveFtMarkets(deps);
    expect(settled.ordersSettled).toBeGreaterThanOrEqual(open);
    expect(await resolvedAt()).not.toBeNull();
    expect((await resolveFtMarkets(deps)).ordersSettled).toBe(0);
    const [left] = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM ft_orders WHERE condition_id = $1 AND outcome = 'OPEN'", [first.sim.conditionId]);
    expect(left!.n).toBe(0);
  });
});
