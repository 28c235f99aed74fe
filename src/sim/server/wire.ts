/** CLOB wire shapes built from exchange objects: books, markets, open orders, trades and user-channel messages */
import { divRound, SCALE } from '../../domain/money.ts';
import type { BookLevel, OrderSide } from '../../engine/venue-port.ts';
import type { SimMarket, SimOrder, SimOrderStatus, SimTrade } from '../exchange/exchange-types.ts';
import type { SimState } from './state.ts';
import { dec, displayAddress, hashId, num, sha1, unixSeconds } from './util.ts';

const STATUS: Record<SimOrderStatus, string> = { live: 'LIVE', matched: 'MATCHED', cancelled: 'CANCELED', expired: 'CANCELED' };

export const orderStatusText = (status: SimOrderStatus): string => STATUS[status];
export const opposite = (side: OrderSide): OrderSide => (side === 'BUY' ? 'SELL' : 'BUY');
const levels = (list: BookLevel[]) => list.map((l) => ({ price: dec(l.price), size: dec(l.size) }));

export function outcomeOf(market: SimMarket | null, tokenId: string): string {
  return market?.tokens.find((t) => t.tokenId === tokenId)?.outcome ?? '';
}

/** Best bid and ask of a token (null when that side is empty) */
export function bestOf(state: SimState, tokenId: string): { bid: bigint | null; ask: bigint | null } {
  const book = state.exchange.book(tokenId);
  return { bid: book.bids[0]?.price ?? null, ask: book.asks[0]?.price ?? null };
}

/** A token's display price: the payout once resolved, else the midpoint, else the last trade, else 0.5 */
export function tokenPrice(state: SimState, market: SimMarket, tokenId: string): bigint {
  const index = market.tokens.findIndex((t) => t.tokenId === tokenId);
  const payout = market.payouts?.[index];
  if (payout !== undefined) return payout;
  const { bid, ask } = bestOf(state, tokenId);
  if (bid !== null && ask !== null) return divRound(bid + ask, 2n, 'half_even');
  return state.lastTrade.get(tokenId)?.price ?? SCALE / 2n;
}

/** The taker fee rate in basis points, as the wire's `fee_rate_bps` */
export const feeBps = (market: SimMarket | null): string => String(market ? market.fee.rate / 100n : 0n);

/** OrderBookSummary: bids ascending and asks descending (best level last), numbers as strings, ms timestamp, SHA-1 hash */
export function bookSummary(state: SimState, market: SimMarket, tokenId: string): Record<string, unknown> {
  const book = state.exchange.book(tokenId);
  const summary: Record<string, unknown> = {
    market: market.conditionId, asset_id: tokenId, timestamp: String(state.clock.now().getTime()), hash: '',
    bids: levels([...book.bids].reverse()), asks: levels([...book.asks].reverse()),
    min_order_size: dec(market.minSize), tick_size: dec(market.tickSize), neg_risk: market.negRisk,
    last_trade_price: dec(state.lastTrade.get(tokenId)?.price ?? SCALE / 2n),
  };
  summary.hash = sha1(JSON.stringify(summary));
  return summary;
}

/** The CLOB `GET /markets/{condition_id}` object */
export function clobMarket(state: SimState, m: SimMarket): Record<string, unknown> {
  const winners = m.payouts?.map((p) => p === SCALE) ?? [];
  return {
    enable_order_book: true, active: !m.closed, closed: m.closed, archived: false, accepting_orders: m.acceptingOrders && !m.closed,
    minimum_order_size: num(m.minSize), minimum_tick_size: num(m.tickSize), condition_id: m.conditionId,
    question_id: hashId(`question:${m.conditionId}`), question: m.question, description: '', market_slug: m.slug,
    end_date_iso: m.endTime?.toISOString() ?? null, game_start_time: null, seconds_delay: 0, fpmm: '',
    maker_base_fee: 0, taker_base_fee: Number(feeBps(m)), notifications_enabled: true, neg_risk: m.negRisk,
    neg_risk_market_id: '', neg_risk_request_id: '', icon: '', image: '', is_50_50_outcome: false, tags: [],
    rewards: { rates: null, min_size: 0, max_spread: 0 },
    tokens: m.tokens.map((t, i) => ({
      token_id: t.tokenId, outcome: t.outcome, price: num(tokenPrice(state, m, t.tokenId)), winner: winners[i] ?? false,
    })),
  };
}

/** The compact `GET /clob-markets/{condition_id}` form the V2 client reads fee and tick details from */
export function compactMarket(m: SimMarket): Record<string, unknown> {
  return {
    c: m.conditionId, t: m.tokens.map((t) => ({ t: t.tokenId, o: t.outcome })), mts: num(m.tickSize), nr: m.negRisk,
    fd: { r: num(m.fee.rate), e: m.fee.exponent, to: true }, mbf: 0, tbf: 0, r: null,
    ao: m.acceptingOrders && !m.closed, mos: num(m.minSize), sd: 0, rfqe: false,
  };
}

/** An order as `GET /data/order/{id}` and `/data/orders` show it */
export function openOrder(state: SimState, o: SimOrder): Record<string, unknown> {
  const market = state.exchange.market(o.conditionId);
  return {
    id: o.orderId, status: orderStatusText(o.status), owner: state.ownerOf(o.orderId, o.account),
    maker_address: displayAddress(o.account), market: o.conditionId, asset_id: o.tokenId, side: o.side,
    original_size: dec(o.originalSize), size_matched: dec(o.sizeMatched), price: dec(o.price),
    associate_trades: [...o.tradeIds], outcome: outcomeOf(market, o.tokenId), created_at: unixSeconds(o.createdAt),
    expiration: o.expiresAt ? String(unixSeconds(o.expiresAt)) : '0', order_type: o.orderType,
  };
}

/** The user-channel `order` message (PLACEMENT / UPDATE / CANCELLATION) */
export function orderMessage(state: SimState, change: string, o: SimOrder): Record<string, unknown> {
  const base = openOrder(state, o);
  return {
    ...base, event_type: 'order', type: change, order_owner: base.owner, created_at: String(base.created_at),
    associate_trades: o.tradeIds.length > 0 ? [...o.tradeIds] : null, timestamp: String(state.clock.now().getTime()),
  };
}

/** How one account took part in a trade: as taker, and/or through some of its maker orders */
export function rolesOf(trade: SimTrade, accounts: string[]): ('TAKER' | 'MAKER')[] {
  const roles: ('TAKER' | 'MAKER')[] = [];
  if (accounts.includes(trade.takerAccount)) roles.push('TAKER');
  if (trade.makers.some((m) => accounts.includes(m.account))) roles.push('MAKER');
  return roles;
}

/**
 * A `/data/trades` row from one side's point of view. The top level always describes the taker's match; a maker's
 * row (`trader_side: MAKER`) carries its own address and owner and only its own entries in `maker_orders`
 */
export function tradeRow(state: SimState, t: SimTrade, role: 'TAKER' | 'MAKER', accounts: string[]): Record<string, unknown> {
  const market = state.exchange.market(t.conditionId);
  const outcome = outcomeOf(market, t.tokenId);
  const view = state.tradeView(t);
  const makers = role === 'TAKER' ? t.makers : t.makers.filter((m) => accounts.includes(m.account));
  const self = role === 'TAKER' ? t.takerAccount : (makers[0]?.account ?? accounts[0] ?? '');
  const owner = role === 'TAKER' ? state.ownerOf(t.takerOrderId, t.takerAccount) : state.ownerOf(makers[0]?.orderId ?? '', self);
  return {
    id: t.tradeId, taker_order_id: t.takerOrderId, market: t.conditionId, asset_id: t.tokenId, side: t.side,
    size: dec(t.size), fee_rate_bps: feeBps(market), price: dec(t.price), status: view.status,
    match_time: String(unixSeconds(t.matchTime)), last_update: String(unixSeconds(view.lastUpdate)), outcome,
    bucket_index: 0, owner, maker_address: displayAddress(self), transaction_hash: view.transactionHash, trader_side: role,
    maker_orders: makers.map((m) => ({
      order_id: m.orderId, owner: state.ownerOf(m.orderId, m.account), maker_address: displayAddress(m.account),
      matched_amount: dec(m.size), price: dec(m.price), fee_rate_bps: '0', asset_id: t.tokenId, outcome, side: opposite(t.side),
    })),
  };
}

/** The user-channel `trade` message for one side of a trade */
export function tradeMessage(state: SimState, t: SimTrade, role: 'TAKER' | 'MAKER', accounts: string[]): Record<string, unknown> {
  const row = tradeRow(state, t, role, accounts);
  return { ...row, event_type: 'trade', type: 'TRADE', trade_owner: row.owner, timestamp: String(state.clock.now().getTime()) };
}

/** What the taker actually exchanged across all makers: cash and shares, as decimals */
export function takerAmounts(trades: SimTrade[]): { cash: bigint; shares: bigint } {
  let cashTimesScale = 0n;
  let shares = 0n;
  for (const t of trades) {
    for (const m of t.makers) cashTimesScale += m.size * m.price;
    shares += t.size;
  }
  return { cash: divRound(cashTimesScale, SCALE, 'half_even'), shares };
}
