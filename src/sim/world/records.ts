/** The world as Polymarket's public APIs show it: Gamma market JSON and Data API trade records */
import { formatMicros, SCALE } from '../../domain/money.ts';
import type { SimMarket, SimTrade } from '../exchange/exchange-types.ts';
import type { WorldMarket, WorldTrader } from './model.ts';

/** Micro-units as the shortest decimal text ("0.51", "10", "4.9152") */
export function decimal(micros: bigint): string {
  const text = formatMicros(micros, 6);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A JSON number, as the Data API and Gamma write numbers; converted only here, at the wire */
const num = (micros: bigint): number => Number(decimal(micros));

/** Gamma's Postgres-style timestamp, e.g. "2026-12-31 14:02:11+00" */
const gammaTime = (d: Date): string => `${d.toISOString().slice(0, 19).replace('T', ' ')}+00`;

/** Payout per share of each token once resolved, else null; `exchange` is the exchange's live copy */
const payoutsOf = (exchange: SimMarket | null): bigint[] | null => exchange?.payouts ?? null;

/**
 * The Gamma `/markets` object for a world market, with `outcomes`, `outcomePrices` and `clobTokenIds` as
 * JSON-encoded strings and the tags on the nested event, as Gamma returns them
 */
export function gammaMarketJson(m: WorldMarket, live: SimMarket | null, book: { bid: bigint | null; ask: bigint | null }) {
  const payouts = payoutsOf(live);
  const closed = m.closedAt !== null;
  const prices = payouts ?? [m.mid, SCALE - m.mid];
  const tokens = m.sim.tokens;
  return {
    id: m.gammaId,
    question: m.sim.question,
    conditionId: m.sim.conditionId,
    slug: m.sim.slug,
    startDate: m.createdAt.toISOString(),
    endDate: m.endTime.toISOString(),
    ...(m.gameStartTime ? { gameStartTime: gammaTime(m.gameStartTime) } : {}),
    outcomes: JSON.stringify(tokens.map((t) => t.outcome)),
    outcomePrices: JSON.stringify(prices.map(decimal)),
    clobTokenIds: JSON.stringify(tokens.map((t) => t.tokenId)),
    active: true,
    closed,
    archived: false,
    acceptingOrders: !closed && (live?.acceptingOrders ?? true),
    enableOrderBook: true,
    negRisk: m.sim.negRisk,
    orderPriceMinTickSize: num(m.sim.tickSize),
    orderMinSize: num(m.sim.minSize),
    ...(closed ? { closedTime: gammaTime(m.closedAt!), umaResolutionStatus: payouts ? 'resolved' : 'proposed' } : {}),
    ...(book.bid !== null ? { bestBid: num(book.bid) } : {}),
    ...(book.ask !== null ? { bestAsk: num(book.ask) } : {}),
    events: [{ slug: m.eventSlug, title: m.eventTitle, tags: m.tags.map((label) => ({ label, slug: label.toLowerCase() })) }],
    version: 'v1',
  };
}

/** A Data API `/trades` record of one fill, from the taker's side (the world's traders always take) */
export function dataApiRecord(trade: SimTrade, trader: WorldTrader, m: WorldMarket) {
  const index = m.sim.tokens.findIndex((t) => t.tokenId === trade.tokenId);
  return {
    proxyWallet: trader.address,
    side: trade.side,
    asset: trade.tokenId,
    conditionId: trade.conditionId,
    size: num(trade.size),
    price: num(trade.price),
    timestamp: Math.floor(trade.matchTime.getTime() / 1000),
    title: m.sim.question,
    slug: m.sim.slug,
    icon: '',
    eventSlug: m.eventSlug,
    outcome: m.sim.tokens[index]?.outcome ?? '',
    outcomeIndex: index,
    name: trader.name,
    pseudonym: trader.pseudonym,
    bio: '',
    profileImage: '',
    profileImageOptimized: '',
    transactionHash: trade.transactionHash,
  };
}

export type DataApiRecord = ReturnType<typeof dataApiRecord>;
export type GammaMarketJson = ReturnType<typeof gammaMarketJson>;
