/** Authenticated CLOB routes: API keys (L1), orders, cancels, order and trade reads, balances (L2) */
import type { SimOrder, SimTrade } from '../exchange/exchange-types.ts';
import { L1_ERROR, L2_ERROR, verifyL1, verifyL2, type ApiCreds } from './auth.ts';
import { page } from './clob-public.ts';
import { fail, json, parseJson, type Reply, type Req, type Router } from './http.ts';
import { EXCHANGE_V2, NEG_RISK_ADAPTER, NEG_RISK_EXCHANGE_V2 } from './order-codec.ts';
import { placeBatch, placeOne } from './orders.ts';
import type { SimState } from './state.ts';
import { unixSeconds, uuidFrom } from './util.ts';
import { openOrder, rolesOf, tradeRow } from './wire.ts';

const MAX_ALLOWANCE = ((1n << 256n) - 1n).toString();

type Authed = (req: Req, creds: ApiCreds) => Reply | Promise<Reply>;

const l2 = (state: SimState, fn: Authed) => (req: Req): Reply | Promise<Reply> => {
  const creds = verifyL2(state.registry, req);
  return creds ? fn(req, creds) : fail(401, L2_ERROR);
};

const credsJson = (c: ApiCreds) => ({ apiKey: c.apiKey, secret: c.secret, passphrase: c.passphrase });

async function apiKey(state: SimState, req: Req, create: boolean): Promise<Reply> {
  const who = await verifyL1(req.headers);
  if (!who) return fail(401, L1_ERROR);
  const { creds, created } = state.registry.derive(who.address, who.nonce);
  state.fundOnce(creds.address);
  if (create && !created) return fail(400, 'Could not create api key');
  return json(200, credsJson(creds));
}

function cancelIds(state: SimState, creds: ApiCreds, ids: string[]): Reply {
  const accounts = state.accountsOf(creds);
  const canceled: string[] = [];
  const notCanceled: Record<string, string> = {};
  for (const id of ids) {
    const order = state.exchange.order(id);
    if (!order || !accounts.includes(order.account)) {
      notCanceled[id] = 'order not found or already canceled';
      continue;
    }
    const result = state.exchange.cancel(order.account, id);
    if (result.ok) canceled.push(id);
    else notCanceled[id] = result.reason;
  }
  return json(200, { canceled, not_canceled: notCanceled });
}

const openOrdersOf = (state: SimState, creds: ApiCreds): SimOrder[] =>
  state.accountsOf(creds).flatMap((a) => state.exchange.openOrders(a));

/**
 * The account's trades as `/data/trades` rows, newest first. The match-time window (`after`, `before`) and `id` are
 * applied to the trades before any row is built, so a request with a recent `after` costs what it returns
 */
function tradeRows(state: SimState, creds: ApiCreds, q: URLSearchParams): Record<string, unknown>[] {
  const accounts = state.accountsOf(creds);
  const before = Number(q.get('before') ?? Infinity);
  const after = Number(q.get('after') ?? -Infinity);
  const id = q.get('id')?.toLowerCase();
  const wanted = (t: SimTrade) => {
    const s = unixSeconds(t.matchTime);
    return s < before && s > after && (!id || t.tradeId.toLowerCase() === id);
  };
  const seen = new Set<string>();
  const rows: Record<string, unknown>[] = [];
  for (const trade of accounts.flatMap((a) => state.exchange.trades(a))) {
    if (seen.has(trade.tradeId) || !wanted(trade)) continue;
    seen.add(trade.tradeId);
    for (const role of rolesOf(trade, accounts)) rows.push(tradeRow(state, trade, role, accounts));
  }
  const eq = (key: string, field: string) => (r: Record<string, unknown>) =>
    !q.get(key) || String(r[field]).toLowerCase() === q.get(key)!.toLowerCase();
  return rows.filter(eq('market', 'market')).filter(eq('asset_id', 'asset_id')).filter(eq('maker_address', 'maker_address')).reverse();
}

function balance(state: SimState, req: Req, creds: ApiCreds): Reply {
  const type = req.query.get('asset_type');
  if (type !== 'COLLATERAL' && type !== 'CONDITIONAL' && type !== 'CONDITIONAL-V2') return fail(400, 'Invalid asset type');
  const accounts = state.accountsOf(creds);
  const account = req.query.get('signature_type') && req.query.get('signature_type') !== '0' ? accounts.at(-1)! : creds.address;
  const token = req.query.get('token_id');
  if (type !== 'COLLATERAL' && (!token || !state.exchange.marketByToken(token))) return fail(400, 'Invalid token id');
  const { total } = state.exchange.balance(account, type === 'COLLATERAL' ? 'USDC' : token!);
  return json(200, {
    balance: total.toString(),
    allowances: { [EXCHANGE_V2]: MAX_ALLOWANCE, [NEG_RISK_EXCHANGE_V2]: MAX_ALLOWANCE, [NEG_RISK_ADAPTER]: MAX_ALLOWANCE },
  });
}

function addOrderRoutes(router: Router, state: SimState): void {
  router
    .add('POST', '/order', l2(state, async (req, creds) => {
      const placed = await placeOne(state, creds, parseJson(req.body));
      if (placed.status === 200 && state.faults.takeDrop()) return { drop: true };
      return json(placed.status, placed.body);
    }))
    .add('POST', '/orders', l2(state, async (req, creds) => {
      const placed = await placeBatch(state, creds, parseJson(req.body));
      if (placed.status === 200 && state.faults.takeDrop()) return { drop: true };
      return json(placed.status, placed.body);
    }))
    .add('DELETE', '/order', l2(state, (req, creds) => {
      const body = parseJson(req.body) as { orderID?: unknown } | undefined;
      return typeof body?.orderID === 'string' ? cancelIds(state, creds, [body.orderID]) : fail(400, 'Invalid order payload');
    }))
    .add('DELETE', '/orders', l2(state, (req, creds) => {
      const ids = parseJson(req.body);
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) return fail(400, 'Invalid order payload');
      return ids.length > 3000 ? fail(400, 'Payload exceeds the limit') : cancelIds(state, creds, ids as string[]);
    }))
    .add('DELETE', '/cancel-all', l2(state, (_req, creds) =>
      cancelIds(state, creds, openOrdersOf(state, creds).map((o) => o.orderId))))
    .add('DELETE', '/cancel-market-orders', l2(state, (req, creds) => {
      const body = (parseJson(req.body) ?? {}) as { market?: string; asset_id?: string };
      const ids = openOrdersOf(state, creds)
        .filter((o) => !body.market || o.conditionId === body.market.toLowerCase())
        .filter((o) => !body.asset_id || o.tokenId === body.asset_id).map((o) => o.orderId);
      return cancelIds(state, creds, ids);
    }));
}

function addReadRoutes(router: Router, state: SimState): void {
  router
    .add('GET', '/data/order/:id', l2(state, (req, creds) => {
      // Polymarket answers 200 with a null body for an order it does not show you (py-clob-client issue #217)
      const order = state.exchange.order(req.params.id!);
      return json(200, order && state.accountsOf(creds).includes(order.account) ? openOrder(state, order) : null);
    }))
    .add('GET', '/data/orders', l2(state, (req, creds) => {
      const q = req.query;
      const orders = openOrdersOf(state, creds)
        .filter((o) => !q.get('id') || o.orderId === q.get('id'))
        .filter((o) => !q.get('market') || o.conditionId === q.get('market')!.toLowerCase())
        .filter((o) => !q.get('asset_id') || o.tokenId === q.get('asset_id'));
      return page(orders.map((o) => openOrder(state, o)), q.get('next_cursor'), 100);
    }))
    .add('GET', '/data/pre-migration-orders', l2(state, (req) => page([], req.query.get('next_cursor'), 100)))
    .add('GET', '/data/trades', l2(state, (req, creds) => page(tradeRows(state, creds, req.query), req.query.get('next_cursor'), 100)))
    .add('GET', '/balance-allowance', l2(state, (req, creds) => balance(state, req, creds)))
    .add('GET', '/balance-allowance/update', l2(state, () => json(200, '')));
}

/** Registers the L1 and L2 routes */
export function addPrivateRoutes(router: Router, state: SimState): void {
  router
    .add('POST', '/auth/api-key', (req) => apiKey(state, req, true))
    .add('GET', '/auth/derive-api-key', (req) => apiKey(state, req, false))
    .add('GET', '/auth/api-keys', l2(state, (_req, creds) =>
      json(200, { apiKeys: state.registry.keysOf(creds.address).map((c) => c.apiKey) })))
    .add('DELETE', '/auth/api-key', l2(state, (_req, creds) => json(200, state.registry.remove(creds.apiKey) ? 'OK' : '')))
    .add('GET', '/auth/ban-status/closed-only', l2(state, () => json(200, { closed_only: false })))
    .add('POST', '/v1/heartbeats', l2(state, (_req, creds) =>
      json(200, { heartbeat_id: uuidFrom(state.secret, `hb:${creds.apiKey}:${state.clock.now().getTime()}`) })));
  addOrderRoutes(router, state);
  addReadRoutes(router, state);
}
