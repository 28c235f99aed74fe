// @backend-independent
/** The simulated world: determinism, Data API records, Gamma resolution, skill, recorded paths and its two sources */
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../../test/support/shared.ts';
import { resolutionOf } from '../../domain/market.ts';
import { parseMicros, SCALE } from '../../domain/money.ts';
import { normalizeTradeRecord, normalizeTradeRecords } from '../../feeds/data-api-record.ts';
import { parseGammaMarket } from '../../feeds/gamma-market.ts';
import { SimExchange } from '../exchange/exchange.ts';
import { loadRecordedBbo } from './price-path.ts';
import { startWorldTimer, worldMarketSource, worldTradeSource } from './sources.ts';
import { createWorld, type World, type WorldOptions } from './world.ts';

const START = new Date('2026-03-01T12:00:00Z');
const BBO = sharedPath('data/polymarket/prices/pmxt_bbo_5min_shanghai-temp-2026-06-09_25C_yes.jsonl');
const SMALL = { markets: 16, lifetimeMs: 3 * 3_600_000, stepMs: 15 * 60_000 };

const world = (over: Partial<WorldOptions> = {}): World =>
  createWorld({ seed: 1, start: START, exchange: (clock) => new SimExchange(clock), history: SMALL, ...over });

/** Steps the world `n` times, `ms` apart, from its current time */
function run(w: World, n: number, ms = 2000): void {
  for (let i = 0; i < n; i += 1) w.step(new Date(w.now().getTime() + ms));
}

const gammaOf = (w: World, id: string) => {
  const parsed = parseGammaMarket(JSON.parse(JSON.stringify(w.gammaJson(id))));
  if (!parsed.ok) throw new Error(parsed.detail);
  return parsed.market;
};

describe('determinism', () => {
  it('the same seed and start give the same records and markets, step for step', () => {
    const [a, b] = [world(), world()];
    run(a, 60);
    run(b, 60);
    expect(a.recordCount()).toBeGreaterThan(100);
    expect(JSON.stringify(a.records())).toBe(JSON.stringify(b.records()));
    expect(a.markets().map((m) => JSON.stringify(a.gammaJson(m.sim.conditionId))))
      .toEqual(b.markets().map((m) => JSON.stringify(b.gammaJson(m.sim.conditionId))));
  });

  it('another seed gives another world', () => {
    const [a, b] = [world(), world({ seed: 2 })];
    expect(a.traders.map((t) => t.address)).not.toEqual(b.traders.map((t) => t.address));
    expect(JSON.stringify(a.records())).not.toBe(JSON.stringify(b.records()));
  });
});

describe('Data API records', () => {
  const w = world();
  run(w, 90);

  it('every fill is a record the FT normalizer accepts, with the fields the Data API returns', () => {
    expect(w.recordCount()).toBeGreaterThan(w.historyCount);
    for (const r of w.records()) {
      const n = normalizeTradeRecord(r);
      if (!n.ok) throw new Error(`${n.reason}: ${n.detail}`);
      const m = w.market(r.conditionId)!;
      expect(m.sim.tokens[r.outcomeIndex]!.tokenId).toBe(r.asset);
      expect(n.trade.trader).toBe(r.proxyWallet);
      expect(w.trader(r.proxyWallet)).toMatchObject({ name: r.name, pseudonym: r.pseudonym });
      expect(Number.isInteger(r.timestamp) && r.timestamp < 1e10).toBe(true); // unix seconds
      expect(n.trade.price % m.sim.tickSize).toBe(0n);
      expect(r.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(r.title).toBe(m.sim.question);
    }
  });

  it('history lies before the start, inside the 30-day statistics window; live fills after it', () => {
    const history = w.records(0, w.historyCount);
    const startS = START.getTime() / 1000;
    expect(history.every((r) => r.timestamp < startS && r.timestamp > startS - 30 * 86_400)).toBe(true);
    expect(w.records(w.historyCount).every((r) => r.timestamp >= startS)).toBe(true);
    expect(new Set(history.map((r) => r.side))).toEqual(new Set(['BUY', 'SELL']));
  });

  it('a trader sells only what it bought', () => {
    const held = new Map<string, bigint>();
    for (const r of w.records()) {
      const key = `${r.proxyWallet}:${r.asset}`;
      const size = parseMicros(String(r.size));
      const next = (held.get(key) ?? 0n) + (r.side === 'BUY' ? size : -size);
      expect(next).toBeGreaterThanOrEqual(0n);
      held.set(key, next);
    }
  });
});

describe('markets and resolution', () => {
  it('history markets are resolved when the world starts; Gamma JSON parses to final with the known winner', () => {
    const w = world();
    const past = w.markets().filter((m) => m.endTime <= START);
    expect(past).toHaveLength(SMALL.markets);
    for (const m of past) {
      const market = gammaOf(w, m.sim.conditionId);
      const resolution = resolutionOf(market);
      expect(resolution).toMatchObject({ kind: 'final', winner: m.yesWins ? 'Yes' : 'No' });
      expect(market.outcomePrices).toEqual(m.yesWins ? [SCALE, 0n] : [0n, SCALE]);
      expect(market.closedTime).toEqual(m.endTime);
    }
  });

  it('live markets are open with their mid as prices, close on schedule and are replaced', () => {
    const w = world();
    const live = w.markets().filter((m) => m.endTime > START);
    expect(live).toHaveLength(8);
    const first = live.reduce((a, b) => (a.endTime < b.endTime ? a : b));
    const open = gammaOf(w, first.sim.conditionId);
    expect(resolutionOf(open).kind).toBe('open');
    expect(open.tags).toEqual(first.tags);
    expect(open.outcomePrices).toEqual([first.mid, SCALE - first.mid]);
    w.step(new Date(first.endTime.getTime() + 1000));
    expect(resolutionOf(gammaOf(w, first.sim.conditionId)).kind).toBe('final');
    expect(w.exchange.market(first.sim.conditionId)!.payouts).not.toBeNull();
    expect(w.markets().filter((m) => m.closedAt === null)).toHaveLength(8);
  });

  it('with a resolution delay a closed market is pending ("proposed") first', () => {
    const w = world({ resolutionDelayMs: 60_000 });
    const first = w.markets().filter((m) => m.endTime > START).reduce((a, b) => (a.endTime < b.endTime ? a : b));
    w.step(new Date(first.endTime.getTime() + 1000));
    expect(resolutionOf(gammaOf(w, first.sim.conditionId))).toEqual({ kind: 'pending', why: 'resolution status proposed' });
    w.step(new Date(first.endTime.getTime() + 61_000));
    expect(resolutionOf(gammaOf(w, first.sim.conditionId)).kind).toBe('final');
  });

  it('winners are drawn from the opening mid: Yes wins about as often as the mids say', () => {
    const w = world({ history: { markets: 300, lifetimeMs: 3_600_000, stepMs: 30 * 60_000 }, traders: 2 });
    const markets = w.markets().filter((m) => m.closedAt !== null);
    const wins = markets.filter((m) => m.yesWins).length;
    expect(wins / markets.length).toBeGreaterThan(0.4);
    expect(wins / markets.length).toBeLessThan(0.6);
  });
});

describe('resuming over an earlier run', () => {
  const earlier = world({ history: null });
  run(earlier, 200); // 400 s: more than a market lifetime, so live markets have resolved
  const resolved = earlier.markets().filter((m) => m.closedAt !== null);
  const open = earlier.markets().filter((m) => m.closedAt === null);
  const carried = open.map((m) => ({ conditionId: m.sim.conditionId, question: m.sim.question, slug: m.sim.slug,
    eventSlug: m.eventSlug, tags: m.tags, tokens: m.sim.tokens, endTime: m.endTime, yesMid: m.mid }));
  const later = new Date(earlier.now().getTime() + 60_000);

  it('a new generation lists none of the earlier market ids, with the same traders', () => {
    expect(resolved.length).toBeGreaterThan(0);
    const again = world({ history: null, start: later });
    const resumed = world({ history: null, start: later, generation: 'g1' });
    const earlierIds = new Set(earlier.markets().map((m) => m.sim.conditionId));
    // Without a generation the same seed lists the same ids again: the restart defect
    expect(again.markets().some((m) => earlierIds.has(m.sim.conditionId))).toBe(true);
    run(resumed, 200);
    expect(resumed.markets().filter((m) => earlierIds.has(m.sim.conditionId))).toEqual([]);
    expect(resumed.traders.map((t) => t.address)).toEqual(earlier.traders.map((t) => t.address));
    expect(new Set(resumed.markets().map((m) => m.gammaId)).size).toBe(resumed.markets().length);
  });

  it('carried markets are listed again under their ids and token ids, traded, closed at their end and resolved', () => {
    expect(carried.length).toBeGreaterThan(0);
    const resumed = world({ history: null, start: later, generation: 'g1', carried });
    for (const c of carried) {
      expect(resumed.market(c.conditionId)!.sim.tokens).toEqual(c.tokens);
      expect(resumed.gammaJson(c.conditionId)!.closed).toBe(false);
    }
    run(resumed, 200);
    const traded = new Set(resumed.records().map((r) => r.conditionId));
    expect(carried.some((c) => traded.has(c.conditionId))).toBe(true);
    for (const c of carried) {
      const market = gammaOf(resumed, c.conditionId);
      expect(market.closed).toBe(true);
      expect(resolutionOf(market)).toMatchObject({ kind: 'final' });
    }
  });
});

describe('skill', () => {
  it('skilled traders win more often than unskilled ones, and more often than the prices they pay imply', () => {
    const w = world({ history: { markets: 200, lifetimeMs: 3_600_000, stepMs: 10 * 60_000 }, traders: 9 });
    const byTrader = w.traders.map((t) => {
      const buys = w.records().filter((r) => r.proxyWallet === t.address && r.side === 'BUY');
      const won = buys.filter((r) => (r.outcomeIndex === 0) === w.market(r.conditionId)!.yesWins).length;
      const paid = buys.reduce((s, r) => s + r.price, 0);
      return { skill: t.skill, n: buys.length, winRate: won / buys.length, edge: (won - paid) / buys.length };
    }).sort((a, b) => a.skill - b.skill);
    expect(Math.min(...byTrader.map((t) => t.n))).toBeGreaterThan(100);
    const low = byTrader.slice(0, 3);
    const high = byTrader.slice(-3);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(high.map((t) => t.winRate))).toBeGreaterThan(mean(low.map((t) => t.winRate)) + 0.15);
    expect(high.every((t) => t.edge > 0.05)).toBe(true);
    expect(low.every((t) => t.edge < 0.02)).toBe(true);
  });
});

describe('a recorded price path', () => {
  const bbo = loadRecordedBbo(BBO);

  it('reads the file: every row, the empty ask of the last one, the settlement and the question', () => {
    expect(bbo.points).toHaveLength(661);
    expect(bbo.points.at(-1)).toMatchObject({ bid: parseMicros('0.999'), ask: null });
    expect(bbo.yesWon).toBe(true);
    expect(bbo.question).toBe('Will the highest temperature in Shanghai be 25°C on June 9?');
  });

  it('is followed by the first live market, which Yes wins as recorded', () => {
    const w = world({ recorded: [bbo] });
    const m = w.markets().find((x) => x.path.kind === 'recorded')!;
    expect(m.sim.question).toBe(bbo.question);
    expect(m.yesWins).toBe(true);
    expect(m.mid).toBe(parseMicros('0.2')); // (0.13 + 0.26) / 2 = 0.195, on the 0.01 grid half-even
    const mids = new Set<bigint>();
    while (m.closedAt === null) {
      run(w, 1, 1000);
      mids.add(m.mid);
    }
    expect(mids.size).toBeGreaterThan(3);
    expect(resolutionOf(gammaOf(w, m.sim.conditionId))).toMatchObject({ kind: 'final', winner: 'Yes' });
  });
});

describe('sources', () => {
  it('the trade source returns the history first, then only what is new; followAll=false keeps asked-for traders', async () => {
    const w = world();
    const all = worldTradeSource(w);
    const some = worldTradeSource(w, { followAll: false });
    const first = await all.fetchTrades([]);
    expect(first.trades).toHaveLength(w.historyCount);
    expect(first.refused).toEqual([]);
    run(w, 30);
    const second = await all.fetchTrades([]);
    expect(second).toEqual({ ...normalizeTradeRecords(w.records(w.historyCount)), errors: [], requests: 1 });
    expect(await all.fetchTrades([])).toMatchObject({ trades: [], refused: [] });
    const one = w.traders[0]!.address;
    const picked = await some.fetchTrades([{ address: one.toUpperCase(), targeted: false, since: null }]);
    expect(picked.trades.length).toBeGreaterThan(0);
    expect(picked.trades.every((t) => t.trader === one)).toBe(true);
  });

  it('the market source parses Gamma JSON and leaves unknown ids out', async () => {
    const w = world();
    const id = w.markets()[0]!.sim.conditionId;
    const fetched = await worldMarketSource(w).getMarkets([id, '0x' + '9'.repeat(64)]);
    expect(fetched.errors).toEqual([]);
    expect(fetched.markets.map((m) => m.conditionId)).toEqual([id]);
    expect(fetched.markets[0]!.tokenIds).toEqual(w.markets()[0]!.sim.tokens.map((t) => t.tokenId));
  });

  it('the timer steps the world in real time until stopped', async () => {
    const w = world({ start: new Date() });
    const timer = startWorldTimer(w, 20);
    await new Promise((done) => setTimeout(done, 120));
    timer.stop();
    const at = w.now().getTime();
    expect(at).toBeGreaterThanOrEqual(w.start.getTime());
    await new Promise((done) => setTimeout(done, 60));
    expect(w.now().getTime()).toBe(at);
  });
});
