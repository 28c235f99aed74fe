/** Data API (`/trades`, `/activity`, `/positions`) and Gamma (`/markets`) routes over the source feed and the exchange */
import { divRound, SCALE } from '../../domain/money.ts';
import type { SimMarket } from '../exchange/exchange-types.ts';
import { fail, json, type Answer, type Handler, type Reply, type Req, type Router } from './http.ts';
import type { SourceFeed, SourceRow } from './source-feed.ts';
import { tradeJson, usdcOf } from './source-feed.ts';
import type { SimState } from './state.ts';
import { dec, hashId, microsOf, num } from './util.ts';
import { bestOf, tokenPrice } from './wire.ts';

const list = (q: URLSearchParams, key: string): string[] =>
  q.getAll(key).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);

function paging(q: URLSearchParams, maxLimit: number): { limit: number; offset: number } | Answer {
  const limit = Number(q.get('limit') ?? 100);
  const offset = Number(q.get('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 0 || limit > maxLimit) return fail(400, `limit must be between 0 and ${maxLimit}`);
  if (!Number.isInteger(offset) || offset < 0 || offset > 10_000) return fail(400, 'offset must be between 0 and 10000');
  return { limit, offset };
}

/** Rows filtered by the shared Data API parameters (user, market, side, filterType/filterAmount, start/end) */
function filtered(feed: SourceFeed, q: URLSearchParams): SourceRow[] {
  const user = q.get('user')?.toLowerCase();
  const markets = list(q, 'market');
  const side = q.get('side')?.toUpperCase();
  const amount = microsOf(q.get('filterAmount') ?? '') ?? 0n;
  const cash = q.get('filterType') === 'CASH';
  const start = Number(q.get('start') ?? -Infinity);
  const end = Number(q.get('end') ?? Infinity);
  return feed.rows.filter((r) => (!user || r.proxyWallet === user)
    && (markets.length === 0 || markets.includes(r.conditionId.toLowerCase()))
    && (!side || r.side === side) && (cash ? usdcOf(r) : r.size) >= amount
    && r.timestamp >= start && r.timestamp <= end);
}

const byTimeDesc = (a: SourceRow, b: SourceRow) => b.timestamp - a.timestamp;

function trades(feed: SourceFeed, req: Req): Reply {
  const p = paging(req.query, 10_000);
  if ('status' in p) return p;
  const takerOnly = req.query.get('takerOnly') !== 'false';
  const rows = filtered(feed, req.query).filter((r) => !takerOnly || r.taker).sort(byTimeDesc);
  return json(200, rows.slice(p.offset, p.offset + p.limit).map(tradeJson));
}

function activity(feed: SourceFeed, req: Req): Reply {
  if (!req.query.get('user')) return fail(400, 'user is required');
  const p = paging(req.query, 500);
  if ('status' in p) return p;
  const types = list(req.query, 'type').map((t) => t.toUpperCase());
  if (types.length > 0 && !types.includes('TRADE')) return json(200, []);
  const key = req.query.get('sortBy') ?? 'TIMESTAMP';
  const value = (r: SourceRow): bigint => (key === 'TOKENS' ? r.size : key === 'CASH' ? usdcOf(r) : BigInt(r.timestamp));
  const asc = req.query.get('sortDirection') === 'ASC';
  const rows = filtered(feed, req.query).sort((a, b) => {
    const d = value(a) - value(b);
    return (d === 0n ? 0 : d < 0n ? -1 : 1) * (asc ? 1 : -1);
  });
  return json(200, rows.slice(p.offset, p.offset + p.limit).map((r) => ({ ...tradeJson(r), type: 'TRADE', usdcSize: num(usdcOf(r)) })));
}

function positions(state: SimState, feed: SourceFeed, req: Req): Reply {
  const user = req.query.get('user');
  if (!user) return fail(400, 'user is required');
  const p = paging(req.query, 500);
  if ('status' in p) return p;
  const threshold = microsOf(req.query.get('sizeThreshold') ?? '1') ?? SCALE;
  const markets = list(req.query, 'market');
  const out = feed.positions(user)
    .filter((pos) => pos.size > 0n && pos.size >= threshold)
    .filter((pos) => markets.length === 0 || markets.includes(pos.row.conditionId.toLowerCase()))
    .map((pos) => {
      const { row } = pos;
      const market = state.exchange.market(row.conditionId);
      const avg = pos.bought > 0n ? pos.cost / pos.bought : 0n;
      const cur = market ? tokenPrice(state, market, row.asset) : avg;
      const initial = divRound(pos.size * avg, SCALE, 'half_even');
      const current = divRound(pos.size * cur, SCALE, 'half_even');
      const other = market?.tokens.find((t) => t.tokenId !== row.asset);
      return {
        proxyWallet: row.proxyWallet, asset: row.asset, conditionId: row.conditionId, size: num(pos.size), avgPrice: num(avg),
        initialValue: num(initial), currentValue: num(current), cashPnl: num(current - initial),
        percentPnl: initial > 0n ? Number(((current - initial) * 10000n) / initial) / 100 : 0,
        totalBought: num(pos.bought), realizedPnl: num(pos.realized), percentRealizedPnl: 0, curPrice: num(cur),
        redeemable: market?.closed ?? false, mergeable: false, title: row.title, slug: row.slug, icon: row.icon,
        eventSlug: row.eventSlug, outcome: row.outcome, outcomeIndex: row.outcomeIndex, oppositeOutcome: other?.outcome ?? '',
        oppositeAsset: other?.tokenId ?? '', endDate: market?.endTime?.toISOString().slice(0, 10) ?? '', negativeRisk: market?.negRisk ?? false,
      };
    });
  return json(200, out.slice(p.offset, p.offset + p.limit));
}

/** Gamma's JSON-in-a-string lists, spaced as Gamma writes them: `["Yes", "No"]` */
const gammaList = (items: string[]): string => `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;

const gammaTime = (d: Date): string => `${d.toISOString().slice(0, 19).replace('T', ' ')}+00`;

/** The Gamma market object, with Gamma's JSON-encoded string fields */
export function gammaMarket(state: SimState, feed: SourceFeed, m: SimMarket): Record<string, unknown> {
  const prices = m.tokens.map((t) => dec(tokenPrice(state, m, t.tokenId)));
  const resolved = m.closed && m.payouts !== null;
  const closedAt = feed.resolvedAt.get(m.conditionId) ?? (m.closed ? state.clock.now() : null);
  const best = m.tokens[0] ? bestOf(state, m.tokens[0].tokenId) : { bid: null, ask: null };
  const last = m.tokens[0] ? state.lastTrade.get(m.tokens[0].tokenId) : undefined;
  const id = String(BigInt(hashId(`gamma:${m.conditionId}`)) % 10_000_000n);
  const slug = m.slug;
  return {
    id, question: m.question, conditionId: m.conditionId, slug, endDate: m.endTime?.toISOString() ?? null,
    startDate: '2026-01-01T00:00:00Z', outcomes: gammaList(m.tokens.map((t) => t.outcome)), outcomePrices: gammaList(prices),
    clobTokenIds: gammaList(m.tokens.map((t) => t.tokenId)), active: true, closed: m.closed, archived: false,
    acceptingOrders: m.acceptingOrders && !m.closed, enableOrderBook: true, negRisk: m.negRisk, negRiskMarketID: '',
    orderPriceMinTickSize: num(m.tickSize), orderMinSize: num(m.minSize), umaResolutionStatus: resolved ? 'resolved' : '',
    umaResolutionStatuses: resolved ? '["proposed", "resolved"]' : '[]', resolvedBy: resolved ? hashId('resolver').slice(0, 42) : '',
    closedTime: closedAt ? gammaTime(closedAt) : null, bestBid: best.bid === null ? 0 : num(best.bid),
    bestAsk: best.ask === null ? 1 : num(best.ask), lastTradePrice: last ? num(last.price) : 0, volumeNum: 0, liquidityNum: 0,
    spread: best.bid !== null && best.ask !== null ? num(best.ask - best.bid) : 1, eventSlug: slug,
    events: [{ id, slug, title: m.question }], version: 'v1', ...feed.gammaOverrides.get(m.conditionId.toLowerCase()),
  };
}

/** Gamma `GET /markets`: filters condition_ids / condition_id / slug / clob_token_ids / id / closed, then limit/offset */
export function gammaMarketsHandler(state: SimState, feed: SourceFeed): Handler {
  return (req) => {
    const q = req.query;
    const ids = [...list(q, 'condition_ids'), ...list(q, 'condition_id')];
    const slugs = list(q, 'slug');
    const tokens = list(q, 'clob_token_ids');
    const closed = q.get('closed');
    const rows = state.exchange.markets().map((m) => gammaMarket(state, feed, m)).filter((g) =>
      (ids.length === 0 || ids.includes(String(g.conditionId).toLowerCase()))
      && (slugs.length === 0 || slugs.includes(String(g.slug).toLowerCase()))
      && (tokens.length === 0 || (JSON.parse(String(g.clobTokenIds)) as string[]).some((t) => tokens.includes(t)))
      && (!q.get('id') || list(q, 'id').includes(String(g.id)))
      && (closed === null || String(g.closed) === closed));
    const offset = Number(q.get('offset') ?? 0) || 0;
    const limit = Number(q.get('limit') ?? 500) || 500;
    return json(200, rows.slice(offset, offset + limit));
  };
}

/** Registers the Data API routes (bare and under `/data-api`) and Gamma (under `/gamma`) */
export function addDataRoutes(router: Router, state: SimState, feed: SourceFeed): void {
  const gamma = gammaMarketsHandler(state, feed);
  for (const prefix of ['', '/data-api']) {
    router
      .add('GET', `${prefix}/trades`, (req) => trades(feed, req))
      .add('GET', `${prefix}/activity`, (req) => activity(feed, req))
      .add('GET', `${prefix}/positions`, (req) => positions(state, feed, req));
  }
  router
    .add('GET', '/gamma/markets', gamma)
    .add('GET', '/gamma/markets/:id', (req) => {
      const m = state.exchange.markets().map((x) => gammaMarket(state, feed, x)).find((g) => g.id === req.params.id);
      return m ? json(200, m) : fail(404, 'not found');
    });
}
