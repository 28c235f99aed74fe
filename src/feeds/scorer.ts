/** Scorer implementations: none (every ML gate rejects), the built-in logistic model, and an external HTTP model */
import { z } from 'zod';
import { divMicro, type Ratio } from '../domain/money.ts';
import { logisticScore, type LogisticCoefficients } from '../domain/logistic.ts';
import type { Scorer, ScoreInput } from '../engine/ports.ts';
import { decimalText, formatMicros, parseMicros } from '../domain/money.ts';

export const noScorer: Scorer = { name: 'none', score: async () => null };

export function createLogisticScorer(coefficients: LogisticCoefficients): Scorer {
  return {
    name: 'logistic',
    score: async ({ trade, entryPrice, stats }: ScoreInput) => logisticScore(coefficients, {
      price: entryPrice as bigint as Ratio,
      winRate: stats?.winRate ?? null,
      resolvedCount: stats ? stats.resolvedCount : null,
      conviction: stats?.avgTradeUsd ? (divMicro(trade.usd, stats.avgTradeUsd) as Ratio) : null,
    }),
  };
}

const Reply = z.object({ probability: z.union([z.number(), z.string()]).nullable() });

/**
 * POSTs the trade to `url` and reads `{ probability }` in [0, 1]. A timeout, an error status, an
 * unreadable reply or a null probability all mean "no score", which rejects (never 0.5)
 */
export function createHttpScorer(url: string, timeoutMs = 2000): Scorer {
  return {
    name: 'http',
    score: async ({ trade, market, stats, entryPrice }: ScoreInput) => {
      try {
        const res = await fetch(url, {
          method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(timeoutMs),
          body: JSON.stringify({
            trader: trade.trader, condition_id: trade.conditionId, asset: trade.asset, side: trade.side,
            price: formatMicros(trade.price), size: formatMicros(trade.size), timestamp: trade.time.toISOString(),
            market_title: market.question, outcome: trade.outcome, entry_price: formatMicros(entryPrice),
            trader_win_rate: stats?.winRate == null ? null : formatMicros(stats.winRate),
            trader_resolved_count: stats?.resolvedCount ?? null,
          }),
        });
        if (!res.ok) return null;
        const parsed = Reply.safeParse(await res.json());
        if (!parsed.success || parsed.data.probability === null) return null;
        const text = decimalText(parsed.data.probability);
        const p = text === null ? null : parseMicros(text, 'half_even');
        return p !== null && p >= 0n && p <= 1_000_000n ? (p as Ratio) : null;
      } catch {
        return null;
      }
    },
  };
}
