/** The `/_sim/*` control routes: faults, markets, seeded books, resolution, credits and source trades (no auth, no faults) */
import { SCALE } from '../../domain/money.ts';
import { parseFaults } from './faults.ts';
import { fail, json, parseJson, type Reply, type Router } from './http.ts';
import { marketFromSpec, parseLevels, seedBook, type MarketSpec } from './markets.ts';
import type { SourceFeed, SourceTradeInput } from './source-feed.ts';
import { tradeJson } from './source-feed.ts';
import type { SimState } from './state.ts';
import { microsOf } from './util.ts';
import { bookSummary, clobMarket } from './wire.ts';
import type { WsHub } from './ws.ts';

const asObject = (body: string): Record<string, unknown> | null => {
  const value = parseJson(body);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
};

const attempt = (fn: () => Reply): Reply => {
  try {
    return fn();
  } catch (error) {
    return fail(400, error instanceof Error ? error.message : String(error));
  }
};

function faultsRoute(state: SimState, hub: WsHub, body: string): Reply {
  const raw = asObject(body);
  if (!raw) return fail(400, 'expected a JSON object');
  const { reset, disconnectStreams, ...rest } = raw;
  if (reset === true) state.faults.reset();
  if (disconnectStreams === true) hub.dropAll();
  const parsed = parseFaults(rest);
  if (!parsed.ok) return fail(400, parsed.error);
  return json(200, state.faults.set(parsed.value));
}

function seedBookRoute(state: SimState, body: string): Reply {
  const raw = asObject(body);
  const tokenId = raw?.tokenId;
  const market = typeof tokenId === 'string' ? state.exchange.marketByToken(tokenId) : null;
  if (!raw || !market) return fail(400, 'tokenId of a known market is required');
  const bids = parseLevels(raw.bids);
  const asks = parseLevels(raw.asks);
  if (!bids || !asks) return fail(400, 'bids and asks: [[price, size], …] with 0 < price < 1 and size > 0');
  const results = seedBook(state.exchange, tokenId as string, bids, asks)
    .map((r) => (r.ok ? { ok: true, orderID: r.order.orderId, status: r.status } : { ok: false, error: r.message }));
  return json(200, { results, book: bookSummary(state, market, tokenId as string) });
}

function marketsRoute(state: SimState, body: string): Reply {
  const raw = parseJson(body);
  const specs = (Array.isArray(raw) ? raw : [raw]) as (MarketSpec & { bids?: unknown; asks?: unknown })[];
  return attempt(() => {
    const out = specs.map((spec) => {
      if (typeof spec !== 'object' || spec === null) throw new Error('expected a market spec object');
      const market = marketFromSpec(spec, state.clock.now());
      state.exchange.addMarket(market);
      const bids = parseLevels(spec.bids);
      const asks = parseLevels(spec.asks);
      if (!bids || !asks) throw new Error('bids and asks: [[price, size], …]');
      if (bids.length + asks.length > 0) seedBook(state.exchange, market.tokens[0]!.tokenId, bids, asks);
      return clobMarket(state, market);
    });
    return json(200, Array.isArray(raw) ? out : out[0]);
  });
}

/** `{conditionId, winner: 0|1}` or `{conditionId, payouts: ["0.5","0.5"]}` */
function resolveRoute(state: SimState, body: string): Reply {
  const raw = asObject(body);
  const market = typeof raw?.conditionId === 'string' ? state.exchange.market(raw.conditionId) : null;
  if (!raw || !market) return fail(400, 'conditionId of a known market is required');
  const payouts = Array.isArray(raw.payouts)
    ? raw.payouts.map((p) => microsOf(p))
    : market.tokens.map((_t, i) => (i === raw.winner ? SCALE : 0n));
  if (payouts.some((p) => p === null)) return fail(400, 'payouts must be decimals');
  return attempt(() => {
    state.exchange.resolve(market.conditionId, payouts as bigint[]);
    return json(200, clobMarket(state, state.exchange.market(market.conditionId)!));
  });
}

/** `{account, asset: "USDC" | tokenId, amount: "12.5"}`: adds (or with a negative amount removes) a holding */
function creditRoute(state: SimState, body: string): Reply {
  const raw = asObject(body);
  const text = String(raw?.amount ?? '');
  const amount = microsOf(text.replace(/^-/, ''));
  if (!raw || typeof raw.account !== 'string' || amount === null) return fail(400, '{account, asset, amount} required');
  const asset = typeof raw.asset === 'string' ? raw.asset : 'USDC';
  const account = raw.account.toLowerCase();
  return attempt(() => {
    state.exchange.credit(account, asset, text.startsWith('-') ? -amount : amount);
    return json(200, { account, asset, ...Object.fromEntries(Object.entries(state.exchange.balance(account, asset)).map(([k, v]) => [k, v.toString()])) });
  });
}

function sourceTradesRoute(feed: SourceFeed, body: string): Reply {
  const raw = parseJson(body);
  const list = (Array.isArray(raw) ? raw : [raw]) as SourceTradeInput[];
  return attempt(() => json(200, list.map((r) => tradeJson(feed.publish(r)))));
}

/** Registers the control routes */
export function addAdminRoutes(router: Router, state: SimState, feed: SourceFeed, hub: WsHub): void {
  router
    .add('GET', '/_sim/faults', () => json(200, state.faults.current))
    .add('POST', '/_sim/faults', (req) => faultsRoute(state, hub, req.body))
    .add('POST', '/_sim/seed-book', (req) => seedBookRoute(state, req.body))
    .add('POST', '/_sim/markets', (req) => marketsRoute(state, req.body))
    .add('POST', '/_sim/resolve', (req) => resolveRoute(state, req.body))
    .add('POST', '/_sim/credit', (req) => creditRoute(state, req.body))
    .add('POST', '/_sim/source-trades', (req) => sourceTradesRoute(feed, req.body))
    .add('POST', '/_sim/source-traders', (req) => {
      const raw = asObject(req.body);
      if (typeof raw?.address !== 'string') return fail(400, '{address, name?, pseudonym?} required');
      feed.markSourceTrader(raw.address, { name: raw.name as string | undefined, pseudonym: raw.pseudonym as string | undefined });
      return json(200, { ok: true });
    })
    .add('POST', '/_sim/gamma', (req) => {
      const raw = asObject(req.body);
      if (typeof raw?.conditionId !== 'string' || typeof raw.fields !== 'object') return fail(400, '{conditionId, fields} required');
      feed.upsertGammaMarket(raw.conditionId, raw.fields as Record<string, unknown>);
      return json(200, { ok: true });
    });
}
