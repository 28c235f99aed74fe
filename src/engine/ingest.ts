/** Turns a source's batch into new, valid trades with known markets; counts everything refused by reason */
import type { Market } from '../domain/market.ts';
import type { InputRejectReason, SourceTrade, TradeBatch } from '../domain/trade.ts';
import type { Sql } from '../store/db.ts';
import { loadMarkets, upsertMarkets, type StoredMarket } from '../store/market-store.ts';
import type { FetchError, MarketSource } from './ports.ts';

export interface Prepared {
  trades: SourceTrade[];
  markets: Map<string, StoredMarket>;
  rejected: Map<InputRejectReason, number>;
  errors: FetchError[];
}

const bump = (m: Map<InputRejectReason, number>, reason: InputRejectReason) => m.set(reason, (m.get(reason) ?? 0) + 1);

/** Counts the source's refusals, drops in-batch duplicates, and makes sure every trade's market is known */
export async function prepareTrades(sql: Sql, batch: TradeBatch, markets: MarketSource): Promise<Prepared> {
  const rejected = new Map<InputRejectReason, number>();
  for (const r of batch.refused) bump(rejected, r.reason);
  const byKey = new Map<string, SourceTrade>();
  for (const t of batch.trades) {
    if (byKey.has(t.key)) bump(rejected, 'duplicate');
    else byKey.set(t.key, t);
  }
  const ids = [...new Set([...byKey.values()].map((t) => t.conditionId))];
  const known = await loadMarkets(sql, ids);
  const missing = ids.filter((id) => !known.has(id));
  const errors: FetchError[] = [];
  if (missing.length > 0) {
    const fetched = await markets.getMarkets(missing);
    errors.push(...fetched.errors);
    await upsertMarkets(sql, fetched.markets.filter((m: Market) => missing.includes(m.conditionId)), markets.name);
    for (const [id, m] of await loadMarkets(sql, missing)) known.set(id, m);
  }
  const trades: SourceTrade[] = [];
  for (const t of byKey.values()) {
    const market = known.get(t.conditionId);
    if (!market) bump(rejected, 'unknown_market');
    else if (!market.tokenIds.includes(t.asset)) bump(rejected, 'unknown_token');
    else {
      const labelled = withTokenLabel(market, t);
      if (labelled) trades.push(labelled);
      else bump(rejected, 'token_mismatch');
    }
  }
  return { trades, markets: known, rejected, errors };
}

/**
 * The record's outcome label and index must name the outcome of its own token (INV-6): a record whose label or
 * index points at another outcome is refused, never resolved to one or the other. A record without a label
 * takes the market's label for its token. Null when they disagree
 */
export function withTokenLabel(market: Market, t: SourceTrade): SourceTrade | null {
  const index = market.tokenIds.indexOf(t.asset);
  const label = market.outcomes[index];
  if (t.outcomeIndex !== null && t.outcomeIndex !== index) return null;
  if (label === undefined) return t;
  if (t.outcome === '') return { ...t, outcome: label };
  return label.toLowerCase() === t.outcome.toLowerCase() ? t : null;
}

/** Orders trades by time, then key, so every path walks them the same way */
export const byTradeTime = (a: SourceTrade, b: SourceTrade): number =>
  a.time.getTime() - b.time.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
