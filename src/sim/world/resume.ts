/**
 * Resuming the world over a database that holds an earlier run: a generation of its own for new market ids, and the
 * earlier run's unresolved markets carried over so they close and resolve (their paper orders settle)
 */
import type { Market } from '../../domain/market.ts';
import type { CarriedMarket } from './world.ts';

/** The world's options for a start over `known` markets an earlier run left unresolved; none known is a fresh world */
export function resumeOptions(seen: number, unresolved: Market[], now: Date): { generation?: string; carried?: CarriedMarket[];
  history?: null } {
  if (seen === 0) return {};
  // The database holds the resolved past of the earlier run: replaying another would list markets it never saw trade
  return { generation: `g${now.getTime().toString(36)}`, history: null, carried: unresolved.flatMap(carried) };
}

function carried(m: Market): CarriedMarket[] {
  if (m.tokenIds.length !== 2 || m.endTime === null) return [];
  const yes = m.outcomePrices?.[0];
  return [{
    conditionId: m.conditionId, question: m.question, slug: m.slug, eventSlug: m.eventSlug ?? m.slug, tags: m.tags,
    tokens: m.tokenIds.map((tokenId, i) => ({ tokenId, outcome: m.outcomes[i] ?? (i === 0 ? 'Yes' : 'No') })),
    endTime: m.endTime, yesMid: yes !== undefined && yes > 0n ? yes : 500_000n,
  }];
}
