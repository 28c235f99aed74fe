/**
 * FT resolution: finds markets that became final, settles their open paper orders exactly once, and
 * refreshes the statistics of every trader seen in them. It checks markets with open paper orders and
 * also every unresolved market with source trades in the statistics window, since trader statistics
 * come from all resolved history Tandem has seen, not only from the trades it copied
 */
import { payoutFor, resolutionOf } from '../domain/market.ts';
import { settle } from '../domain/paper-position.ts';
import type { Db } from '../store/db.ts';
import { applyCloses, openConditionIds, openOrdersInMarket } from '../store/ft-order-store.ts';
import { loadMarkets, markResolved, upsertMarkets } from '../store/market-store.ts';
import {
  recomputeTraderStats, tradersInMarkets, TRADER_STATS_WINDOW_DAYS, unresolvedSeenConditionIds,
} from '../store/trade-store.ts';
import type { Clock, FetchError, MarketSource } from './ports.ts';

export interface ResolveDeps {
  db: Db;
  markets: MarketSource;
  clock: Clock;
}

export interface ResolveReport {
  marketsChecked: number;
  marketsResolved: number;
  ordersSettled: number;
  /** Closed markets whose prices are not a final payout yet (disputed, or e.g. ["0","0"]) */
  pending: { conditionId: string; why: string }[];
  tradersRefreshed: number;
  errors: FetchError[];
}

export async function resolveFtMarkets(deps: ResolveDeps): Promise<ResolveReport> {
  const since = new Date(deps.clock.now().getTime() - TRADER_STATS_WINDOW_DAYS * 86_400_000);
  const ids = [...new Set([...await openConditionIds(deps.db), ...await unresolvedSeenConditionIds(deps.db, since)])].sort();
  const fetched = ids.length > 0 ? await deps.markets.getMarkets(ids) : { markets: [], errors: [] };
  await upsertMarkets(deps.db, fetched.markets.filter((m) => ids.includes(m.conditionId)), deps.markets.name);
  const stored = await loadMarkets(deps.db, ids);
  const report: ResolveReport = {
    marketsChecked: ids.length, marketsResolved: 0, ordersSettled: 0, pending: [], tradersRefreshed: 0,
    errors: fetched.errors,
  };
  const resolvedIds: string[] = [];
  for (const market of stored.values()) {
    const resolution = resolutionOf(market);
    if (resolution.kind === 'pending') report.pending.push({ conditionId: market.conditionId, why: resolution.why });
    if (resolution.kind !== 'final') continue;
    const settled = await deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      const newlyResolved = await markResolved(tx, market.conditionId, resolution.winner, now);
      const closes = (await openOrdersInMarket(tx, market.conditionId)).map((order) => {
        const payout = payoutFor(market, resolution.payouts, order.asset, order.tokenLabel);
        const close = settle({ shares: order.openShares, cost: order.openCost }, payout);
        return { order, close, kind: 'settlement' as const, price: payout, sourceTradeId: null,
          at: resolution.resolvedAt ?? now, outcome: close.outcome, winningLabel: resolution.winner };
      });
      return { count: (await applyCloses(tx, closes)).size, newlyResolved };
    });
    report.ordersSettled += settled.count;
    if (settled.newlyResolved) {
      report.marketsResolved += 1;
      resolvedIds.push(market.conditionId);
    }
  }
  report.tradersRefreshed = await refreshStats(deps, resolvedIds);
  return report;
}

async function refreshStats(deps: ResolveDeps, conditionIds: string[]): Promise<number> {
  if (conditionIds.length === 0) return 0;
  return recomputeTraderStats(deps.db, await tradersInMarkets(deps.db, conditionIds), deps.clock.now());
}
