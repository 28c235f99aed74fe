/**
 * The replay's LT executor acts on each signal at its trade's time + the modelled latency, never at batch boundaries:
 * the Nobel trades with LT strategies at default settings give the same LT dispositions, decided at the same times,
 * with batches of 1 and of 500 trades (signals fall anywhere within a batch), and a signal expires only when the
 * latency is past its max_signal_age_seconds
 */
import { describe, expect, it } from 'vitest';
import { noScorer } from '../../src/feeds/scorer.ts';
import { DEFAULT_LATENCY_MS } from '../../src/replay/latency.ts';
import { runReplay, type ReplayReport, type ReplayStrategy } from '../../src/replay/replay.ts';
import { nobelMarkets, nobelRecords } from '../support/nobel.ts';
import { backendName, openTestDb } from '../support/test-db.ts';

const base = { use_model: false, min_edge: null, min_trader_resolved_count: null };
/** Three FT strategies that take many Nobel trades; LT at its defaults but for the capital */
const STRATEGIES: ReplayStrategy[] = [
  { ft: { ...base, wallet_id: 'FT_MID', price_min: '0.2', price_max: '0.8', min_original_trade_usd: '50', bet_size: '5' },
    lt: { starting_capital: '1000' } },
  { ft: { ...base, wallet_id: 'FT_LONGSHOT', price_max: '0.2', min_original_trade_usd: '20', bet_size: '3' },
    lt: { starting_capital: '500' } },
  { ft: { ...base, wallet_id: 'FT_ALL', min_original_trade_usd: '10', bet_size: '2' }, lt: { starting_capital: '1000' } },
];

interface Decided {
  strategy: string; trade: string; leg: string; disposition: string; rule: string | null; afterMs: number;
}

/** Every LT disposition, keyed by what does not depend on random ids: the source trades of the signal */
const DECIDED_SQL = `SELECT d.strategy_id AS strategy, o.source_trade_id AS trade,
    CASE WHEN d.leg = 'entry' THEN 'entry' ELSE 'exit:' || c.source_trade_id END AS leg, d.disposition, d.rule,
    (extract(epoch FROM d.decided_at - CASE WHEN d.leg = 'entry' THEN o.order_time ELSE c.closed_at END) * 1000)::int AS "afterMs"
  FROM lt_dispositions d JOIN ft_orders o ON o.order_id = d.ft_order_id
    LEFT JOIN ft_closes c ON d.leg = 'exit:' || c.close_id::text
  ORDER BY 1, 2, 3`;

/** 400 trades around the announcement (09:00 UTC), in time order: dense, with many trades in the same second */
const SLICE = nobelRecords().sort((a, b) => a.timestamp - b.timestamp).slice(850, 1250);

const keyOf = (d: Decided) => `${d.strategy} ${d.trade} ${d.leg}`;

async function replay(batchSize: number, latencyMs?: number, records = SLICE): Promise<{ report: ReplayReport; decided: Decided[] }> {
  const t = await openTestDb();
  const started = Date.now();
  try {
    const report = await runReplay(t.db, {
      records, markets: nobelMarkets(records, true), strategies: STRATEGIES, seed: 3, scorer: noScorer, batchSize,
      ...(latencyMs === undefined ? {} : { latencyMs }),
    });
    console.log(`replay of ${records.length} trades, batches of ${batchSize}: ${Date.now() - started} ms`);
    return { report, decided: await t.db.query<Decided>(DECIDED_SQL) };
  } finally {
    await t.close();
  }
}

describe(`LT in a replay acts at each signal's time + latency (${backendName})`, () => {
  it('batches of 1 and of 500 trades give the same dispositions, each decided at its trade time + the latency', async () => {
    const big = await replay(500);
    const one = await replay(1);
    expect(big.report.lt_execution!.latency_ms).toBe(DEFAULT_LATENCY_MS);
    expect(big.decided.length).toBeGreaterThan(100);
    // FT's own paper orders may differ with the batch size (FT's part, not LT's: see the report); every signal both
    // runs have is decided the same way
    const inOne = new Map(one.decided.map((d) => [keyOf(d), d]));
    const common = big.decided.filter((d) => inOne.has(keyOf(d)));
    console.log(`signals: ${big.decided.length} with batches of 500, ${one.decided.length} of 1, ${common.length} in both`);
    expect(common.length).toBeGreaterThanOrEqual(Math.floor(0.97 * Math.max(big.decided.length, one.decided.length)));
    expect(common.map((d) => inOne.get(keyOf(d)))).toEqual(common);
    expect(one.decided.every((d) => d.afterMs === DEFAULT_LATENCY_MS)).toBe(true);
    // Every signal (entries and exits) is decided exactly the latency after its trade, none expired
    expect(new Set(big.decided.map((d) => d.afterMs))).toEqual(new Set([DEFAULT_LATENCY_MS]));
    expect(big.decided.filter((d) => d.disposition === 'expired')).toEqual([]);
    expect(big.decided.some((d) => d.leg !== 'entry')).toBe(true);
    expect(Object.entries(big.report.invariants).filter(([, v]) => !v.ok)).toEqual([]);
    // The report's shares add up to the whole, per strategy and overall
    for (const s of big.report.strategies) {
      const sh = s.lt_shares!;
      const sum = [sh.ordered_pct, sh.expired_pct, ...Object.values(sh.skipped_by_reason_pct)].reduce((a, x) => a + Number(x), 0);
      expect(Math.abs(sum - 100)).toBeLessThanOrEqual(0.1 * (2 + Object.keys(sh.skipped_by_reason_pct).length));
      expect(sh.signals).toBe(s.lt!.signals);
    }
    expect(big.report.lt_execution!.signals).toBe(big.decided.length);
    console.log(`Nobel, LT defaults, latency ${DEFAULT_LATENCY_MS} ms: ${JSON.stringify(big.report.lt_execution)}`);
  }, 600_000);

  it('a signal expires only when the latency is past max_signal_age_seconds (300 s by default)', async () => {
    const records = SLICE.slice(0, 150);
    const late = await replay(500, 300_001, records);
    const inTime = await replay(500, 300_000, records);
    expect(late.decided.length).toBeGreaterThan(0);
    expect(late.decided.every((d) => d.disposition === 'expired' && d.rule === 'max_signal_age' && d.afterMs === 300_001)).toBe(true);
    expect(inTime.decided.filter((d) => d.disposition === 'expired')).toEqual([]);
    expect(late.report.lt_execution!.expired_pct).toBe('100.0');
  }, 600_000);
});
