// @backend-independent
/**
 * The compiled evaluator (ft-rules.ts) agrees with the straightforward reference evaluator
 * (test/support/ft-reference-evaluator.ts, the rules before compilation) on random trades, markets, trader statistics,
 * scores, cash and strategy configurations: one pair at a time (evaluate), several strategies compiled together over
 * one prepared trade (the engine's and the bench's loop), and the filters LT re-runs (filterReason, modelGate)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, evaluationOf, filterReason, modelGate, SKIP_REASONS, type Evaluation, type TraderStats } from './evaluate.ts';
import { compileRules, prepareTrade, verdict } from './ft-rules.ts';
import { ALLOCATION_METHODS, parseFtWallet, type FtWallet } from './ft-wallet.ts';
import { anyKeywordPattern, matchesKeyword } from './keywords.ts';
import type { Market } from './market.ts';
import { formatMicros, type Price, type Ratio, type Shares, type Usdc } from './money.ts';
import { isStorableText } from './text.ts';
import type { SourceTrade } from './trade.ts';
import {
  referenceDerive, referenceEvaluate, referenceFilterReason, referenceModelGate,
} from '../../test/support/ft-reference-evaluator.ts';

const TRADERS = ['a', 'b', 'c'].map((c) => `0x${c.repeat(40)}`);
const T0 = Date.parse('2026-02-01T12:00:00Z');
const HOUR = 3_600_000;
/** Words that collide on case, spacing, accents and punctuation, so keyword rules both match and miss */
const VOCAB = ['NBA', 'nba', 'NBA2', 'World Cup', 'world  cup', 'Crypto', 'Bitcoin', 'S&P 500', 'Élection', 'élection',
  'ß', 'SS', 'Lakers', 'Celtics', 'Nobel', 'a.b', '(x)', 'Politics', 'x|y'];

/** Values shared by trades and limits, so limits are often met exactly (the inclusive/exclusive edge) */
const micro = (lo: bigint, hi: bigint, pool: bigint[]) => fc.oneof(fc.constantFrom(...pool), fc.bigInt({ min: lo, max: hi }));
const RATIO_POOL = [0n, 250_000n, 470_000n, 471_410n, 500_000n, 600_000n, 128_590n, 1_000_000n];
const ratio01 = micro(0n, 1_000_000n, RATIO_POOL);
const USD_POOL = [0n, 1_200_000n, 5_000_000n, 40_000_000n, 47_000_000n];
const usd = micro(0n, 200_000_000n, USD_POOL);
/** Off two times in three, so that many configurations let a trade through to the model gate, sizing and cash */
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: a, weight: 1 });
/** Off four times in five */
const rarely = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: a, weight: 1 });
const text = (m: bigint | null) => (m === null ? null : formatMicros(m));
const at = (offsetHours: number) => new Date(T0 + offsetHours * HOUR);
const hours = fc.integer({ min: -72, max: 72 });
/** true `percent` % of the time */
const chance = (percent: number) =>
  fc.oneof({ arbitrary: fc.constant(true), weight: percent }, { arbitrary: fc.constant(false), weight: 100 - percent });
/** null one time in `n` */
const rarelyNull = <T>(a: fc.Arbitrary<T>, n: number) => fc.option(a, { nil: null, freq: n });

/** Mostly the vocabulary; now and then any text (each new keyword costs a regex compilation, so not too often) */
const keyword = fc.oneof({ arbitrary: fc.constantFrom(...VOCAB), weight: 9 }, {
  arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }).filter((s) => s.trim().length > 0 && isStorableText(s)),
  weight: 1,
});
const words = fc.array(fc.oneof(fc.constantFrom(...VOCAB), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 4 })
  .map((w) => w.join(' '));
const sorted = (a: bigint | null, b: bigint | null) => (a !== null && b !== null && a > b ? [b, a] : [a, b]);

const walletArb: fc.Arbitrary<FtWallet> = fc.record({
  method: fc.constantFrom(...ALLOCATION_METHODS), useModel: fc.boolean(), threshold: opt(ratio01),
  priceA: rarely(ratio01), priceB: rarely(ratio01), minEdge: opt(micro(-1_000_000n, 1_000_000n, RATIO_POOL)),
  maxEdge: opt(micro(-1_000_000n, 1_000_000n, RATIO_POOL)), betSize: micro(0n, 20_000_000n, USD_POOL),
  weight: micro(0n, 3_000_000n, [1_000_000n]), kelly: ratio01, betA: opt(usd), betB: opt(usd),
  minCount: opt(fc.integer({ min: 0, max: 60 })), minWr: opt(ratio01), maxWr: opt(ratio01),
  minConv: opt(micro(0n, 5_000_000n, [0n, 1_175_000n])), maxConv: opt(micro(0n, 5_000_000n, [1_175_000n])),
  categories: opt(fc.array(keyword, { maxLength: 3 })), excluded: opt(fc.array(keyword, { maxLength: 3 })),
  minUsd: opt(usd), maxUsd: opt(usd), liveOnly: chance(15), bypass: chance(30),
  targets: fc.oneof({ arbitrary: fc.constant([]), weight: 4 }, { arbitrary: fc.subarray(TRADERS, { minLength: 1 }), weight: 1 }),
  // Mostly before every trade (-72 h … 72 h), sometimes anywhere
  start: fc.oneof({ arbitrary: fc.constant(-96), weight: 6 }, { arbitrary: hours, weight: 1 }),
  end: opt(fc.oneof({ arbitrary: fc.constant(240), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 240 }), weight: 1 })),
}).map((c) => {
  const [priceMin, priceMax] = sorted(c.priceA, c.priceB);
  const [minBet, maxBet] = sorted(c.betA, c.betB);
  return parseFtWallet({
    wallet_id: 'FT_PROP', allocation_method: c.method, use_model: c.useModel, model_threshold: text(c.threshold),
    price_min: text(priceMin!), price_max: text(priceMax!), min_edge: text(c.minEdge), max_edge: text(c.maxEdge),
    bet_size: formatMicros(c.betSize), bet_allocation_weight: formatMicros(c.weight), kelly_fraction: formatMicros(c.kelly),
    min_bet: text(minBet!), max_bet: text(maxBet!), min_trader_resolved_count: c.minCount, min_trader_win_rate: text(c.minWr),
    max_trader_win_rate: text(c.maxWr), min_conviction: text(c.minConv), max_conviction: text(c.maxConv),
    market_categories: c.categories, exclude_market_keywords: c.excluded, min_original_trade_usd: text(c.minUsd),
    max_original_trade_usd: text(c.maxUsd), target_traders: c.targets, trade_live_only: c.liveOnly,
    bypass_filters: c.bypass && c.targets.length > 0, start_date: at(c.start),
    end_date: c.end === null ? null : at(c.start + c.end),
  }, new Date(T0));
});

const tradeArb: fc.Arbitrary<SourceTrade> = fc.record({
  side: fc.oneof({ arbitrary: fc.constant('BUY'), weight: 11 }, { arbitrary: fc.constant('SELL'), weight: 1 }), trader: fc.constantFrom(...TRADERS),
  price: micro(1n, 999_999n, [470_000n, 500_000n, 250_000n, 996_909n, 999_000n]), usd, time: hours, title: words,
}).map((c) => ({
  key: `${c.trader}-0xtx`, trader: c.trader, side: c.side as 'BUY' | 'SELL', asset: 'tok-yes', conditionId: '0xc1',
  size: 100_000_000n as Shares, price: c.price as Price, usd: c.usd as Usdc, time: at(c.time), title: c.title,
  slug: 's', eventSlug: 'e', outcome: 'Yes', outcomeIndex: 0, transactionHash: '0xtx',
}));

const marketArb: fc.Arbitrary<Market | null> = fc.option(fc.record({
  closed: chance(10), end: opt(fc.integer({ min: -24, max: 120 })), gameStart: opt(hours), question: words, tags: fc.array(keyword, { maxLength: 3 }),
}).map((c) => ({
  conditionId: '0xc1', question: c.question, slug: 's', eventSlug: null, outcomes: ['Yes', 'No'], tokenIds: ['tok-yes', 'tok-no'],
  tags: c.tags, tickSize: 10_000n, minSize: 5_000_000n, negRisk: false, closed: c.closed, acceptingOrders: true,
  endTime: c.end === null ? null : at(c.end), gameStartTime: c.gameStart === null ? null : at(c.gameStart), closedTime: null,
  resolutionStatus: null, outcomePrices: null,
})), { nil: null, freq: 12 });

const statsArb: fc.Arbitrary<TraderStats | null> = fc.option(fc.record({
  winRate: rarelyNull(ratio01, 6).map((r) => r as Ratio | null), resolvedCount: fc.integer({ min: 0, max: 100 }),
  avgTradeUsd: rarelyNull(micro(-5_000_000n, 200_000_000n, [0n, 40_000_000n]), 6).map((u) => u as Usdc | null),
}), { nil: null, freq: 10 });

const scoreArb = fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: ratio01.map((r) => r as Ratio), weight: 4 });
const cashArb = micro(-10_000_000n, 1_000_000_000n, [0n, 1_200_000n, 100_000_000n]).map((c) => c as Usdc);

const pairArb = fc.record({ trade: tradeArb, market: marketArb, stats: statsArb, score: scoreArb, cash: cashArb });

const outcome = (e: Evaluation): string => (e.kind === 'skip' ? e.reason : e.kind);

describe('the compiled evaluator agrees with the reference evaluator', () => {
  it('on one (trade, strategy) pair: evaluate equals the reference, take values included', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(walletArb, pairArb, (w, p) => {
      const expected = referenceEvaluate(p.trade, w, p.market, p.stats, p.score, p.cash);
      seen.add(outcome(expected));
      expect(evaluate(p.trade, w, p.market, p.stats, p.score, p.cash)).toEqual(expected);
    }), { numRuns: 4000 });
    // The runs reach every outcome: each skip reason, takes and requests for a score (else the property proves little)
    expect([...seen].sort()).toEqual([...SKIP_REASONS, 'take', 'needs_score'].sort());
  });

  it('on several strategies compiled together over one prepared trade, in any order and asked twice', () => {
    fc.assert(fc.property(fc.array(walletArb, { minLength: 1, maxLength: 6 }), pairArb, (wallets, p) => {
      const rules = compileRules(wallets);
      const t = prepareTrade(rules, p.trade, p.market, p.stats);
      const out = { bet: 0n as Usdc };
      const order = [...rules.strategies.keys(), ...[...rules.strategies.keys()].reverse()];
      for (const i of order) {
        const got = evaluationOf(verdict(t, rules.strategies[i]!, p.score, p.cash, out), t, out.bet, p.score);
        expect(got).toEqual(referenceEvaluate(p.trade, wallets[i]!, p.market, p.stats, p.score, p.cash));
      }
    }), { numRuns: 800 });
  });

  it('on the filters LT re-runs: filterReason and modelGate on recorded facts', () => {
    const facts = fc.record({ winRate: opt(ratio01), conviction: opt(micro(0n, 5_000_000n, [1_175_000n])), count: fc.nat(100) });
    fc.assert(fc.property(walletArb, pairArb, facts, (w, p, f) => {
      const d = { ...referenceDerive(p.trade, null), winRate: f.winRate as Ratio | null, conviction: f.conviction as Ratio | null,
        resolvedCount: f.count };
      d.edge = d.winRate === null ? null : ((d.winRate - d.entryPrice) as Ratio);
      expect(filterReason(p.trade, w, p.market, { ...d })).toBe(referenceFilterReason(p.trade, w, p.market, d));
      const score = p.score ?? null;
      expect(modelGate(w, score)).toBe(referenceModelGate(w, score));
    }), { numRuns: 1500 });
  });

  it('a keyword list as one pattern matches exactly when one of its keywords does', () => {
    const list = fc.array(keyword, { minLength: 1, maxLength: 5 });
    fc.assert(fc.property(list, words, fc.string({ unit: 'grapheme', maxLength: 12 }), (keywords, w, noise) => {
      for (const text of [w, noise, `${noise}${w}`]) {
        expect(anyKeywordPattern(keywords).test(text)).toBe(keywords.some((k) => matchesKeyword(text, k)));
      }
    }), { numRuns: 400 });
  });
});
