/** Public CLOB routes: books, prices, tick size, neg-risk, fee rate, version, time and market objects */
import { SCALE } from '../../domain/money.ts';
import type { SimMarket } from '../exchange/exchange-types.ts';
import { fail, json, parseJson, type Handler, type Reply, type Req, type Router } from './http.ts';
import type { SimState } from './state.ts';
import { dec } from './util.ts';
import { bestOf, bookSummary, clobMarket, compactMarket } from './wire.ts';

const NO_BOOK = 'No orderbook exists for the requested token id';
const BATCH_LIMIT = 500;
const PAGE = 500;
export const START_CURSOR = 'MA==';
export const END_CURSOR = 'LTE=';

/** The offset a cursor encodes ("MA==" is 0), or null for a bad cursor */
export function cursorOffset(cursor: string | null): number | null {
  if (!cursor || cursor === START_CURSOR) return 0;
  const n = Number(Buffer.from(cursor, 'base64').toString('utf8'));
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** One page of a list, with the next cursor ("LTE=" at the end) */
export function page<T>(items: T[], cursor: string | null, size = PAGE): Reply {
  const offset = cursorOffset(cursor);
  if (offset === null) return fail(400, 'invalid next_cursor');
  const data = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64') : END_CURSOR;
  return json(200, { limit: size, count: data.length, next_cursor: next, data });
}

type TokenLookup = { ok: true; market: SimMarket; tokenId: string } | { ok: false; reply: Reply };

function lookup(state: SimState, tokenId: unknown): TokenLookup {
  if (typeof tokenId !== 'string' || !/^\d+$/.test(tokenId)) return { ok: false, reply: fail(400, 'Invalid token id') };
  const market = state.exchange.marketByToken(tokenId);
  return market ? { ok: true, market, tokenId } : { ok: false, reply: fail(404, NO_BOOK) };
}

/** GET handler taking `?token_id=` */
const byToken = (state: SimState, fn: (market: SimMarket, tokenId: string, req: Req) => Reply): Handler => (req) => {
  const found = lookup(state, req.query.get('token_id'));
  return found.ok ? fn(found.market, found.tokenId, req) : found.reply;
};

/** POST handler taking `[{token_id, side?}]`; `fn` returns the entry or a Reply to fail the whole batch */
function batch(state: SimState, fn: (market: SimMarket, tokenId: string, side: unknown) => unknown, shape: 'array' | 'object'): Handler {
  return (req) => {
    const body = parseJson(req.body);
    if (!Array.isArray(body)) return fail(400, 'Invalid payload');
    if (body.length > BATCH_LIMIT) return fail(400, 'Payload exceeds the limit');
    const entries: [string, unknown][] = [];
    for (const item of body as Record<string, unknown>[]) {
      const found = lookup(state, item?.token_id);
      if (!found.ok) return found.reply;
      const value = fn(found.market, found.tokenId, item.side);
      if (value && typeof value === 'object' && 'status' in value && 'body' in value) return value as Reply;
      entries.push([found.tokenId, value]);
    }
    return json(200, shape === 'array' ? entries.map(([, v]) => v) : Object.fromEntries(entries));
  };
}

function priceOf(state: SimState, tokenId: string, side: unknown): Reply | string {
  if (side !== 'BUY' && side !== 'SELL') return fail(400, 'Invalid side');
  const { bid, ask } = bestOf(state, tokenId);
  const p = side === 'BUY' ? bid : ask;
  return p === null ? fail(404, NO_BOOK) : dec(p);
}

function midOf(state: SimState, tokenId: string): Reply | string {
  const { bid, ask } = bestOf(state, tokenId);
  return bid === null || ask === null ? fail(404, NO_BOOK) : dec((bid + ask) / 2n);
}

function spreadOf(state: SimState, tokenId: string): Reply | string {
  const { bid, ask } = bestOf(state, tokenId);
  return bid === null || ask === null ? fail(404, NO_BOOK) : dec(ask - bid);
}

const wrap = (value: Reply | string, key: string): Reply => (typeof value === 'string' ? json(200, { [key]: value }) : value);

function lastTrade(state: SimState, tokenId: string): { price: string; side: string } {
  const last = state.lastTrade.get(tokenId);
  return last ? { price: dec(last.price), side: last.side } : { price: dec(SCALE / 2n), side: '' };
}

const GAMMA_PARAMS = ['condition_ids', 'condition_id', 'slug', 'clob_token_ids', 'id', 'closed', 'active', 'limit', 'offset'];

/** Book, price, midpoint, spread and last-trade routes, single and batched */
function addPriceRoutes(router: Router, state: SimState): void {
  router
    .add('GET', '/book', byToken(state, (m, t) => json(200, bookSummary(state, m, t))))
    .add('POST', '/books', batch(state, (m, t) => bookSummary(state, m, t), 'array'))
    .add('GET', '/price', byToken(state, (_m, t, req) => wrap(priceOf(state, t, req.query.get('side')), 'price')))
    .add('POST', '/prices', batch(state, (_m, t, side) => {
      const p = priceOf(state, t, side);
      return typeof p === 'string' ? { [side as string]: p } : p;
    }, 'object'))
    .add('GET', '/midpoint', byToken(state, (_m, t) => wrap(midOf(state, t), 'mid')))
    .add('POST', '/midpoints', batch(state, (_m, t) => midOf(state, t), 'object'))
    .add('GET', '/spread', byToken(state, (_m, t) => wrap(spreadOf(state, t), 'spread')))
    .add('POST', '/spreads', batch(state, (_m, t) => spreadOf(state, t), 'object'))
    .add('GET', '/last-trade-price', byToken(state, (_m, t) => json(200, lastTrade(state, t))))
    .add('POST', '/last-trades-prices', batch(state, (_m, t) => ({ token_id: t, ...lastTrade(state, t) }), 'array'))
    .add('GET', '/prices-history', (req) => {
      const found = lookup(state, req.query.get('market'));
      if (!found.ok) return found.reply;
      const history = state.history.get(found.tokenId) ?? [];
      return json(200, { history: history.map((h) => ({ t: h.t, p: Number(dec(h.p)) })) });
    });
}

const findMarket = (state: SimState, id: string): SimMarket | null => state.exchange.market(id) ?? state.exchange.market(id.toLowerCase());

/** Registers the public CLOB routes; `gammaMarkets` answers a bare `/markets` that carries Gamma's query parameters */
export function addPublicRoutes(router: Router, state: SimState, gammaMarkets: Handler): void {
  const all = (req: Req) => page(state.exchange.markets().map((m) => clobMarket(state, m)), req.query.get('next_cursor'));
  addPriceRoutes(router, state);
  router
    .add('GET', '/', () => json(200, 'OK'))
    .add('GET', '/ok', () => json(200, 'OK'))
    .add('GET', '/time', () => json(200, Math.floor(state.clock.now().getTime() / 1000)))
    .add('GET', '/version', () => json(200, { version: 2 }))
    .add('GET', '/tick-size', byToken(state, (m) => json(200, { minimum_tick_size: Number(dec(m.tickSize)) })))
    .add('GET', '/neg-risk', byToken(state, (m) => json(200, { neg_risk: m.negRisk })))
    .add('GET', '/fee-rate', byToken(state, () => json(200, { base_fee: 0 })))
    .add('GET', '/markets', (req) => {
      const gamma = !req.query.has('next_cursor') && GAMMA_PARAMS.some((p) => req.query.has(p));
      return gamma ? gammaMarkets(req) : all(req);
    })
    .add('GET', '/simplified-markets', all)
    .add('GET', '/sampling-markets', all)
    .add('GET', '/markets/:id', (req) => {
      const m = findMarket(state, req.params.id!);
      return m ? json(200, clobMarket(state, m)) : fail(404, 'market not found');
    })
    .add('GET', '/clob-markets/:id', (req) => {
      const m = findMarket(state, req.params.id!);
      return m ? json(200, compactMarket(m)) : fail(404, 'market not found');
    })
    .add('GET', '/markets-by-token/:id', (req) => {
      const found = lookup(state, req.params.id);
      return found.ok ? json(200, { condition_id: found.market.conditionId }) : found.reply;
    });
}
