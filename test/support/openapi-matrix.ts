/**
 * The authorization matrix's world and recipes: an app built as the other API tests build one, the operations read from
 * its own /api/openapi.json, fixtures (plain users A and B and an operator, each owning one resource of every kind,
 * plus a catalogue FT strategy with no owner), a recipe per operation saying which resource kind its path, query or
 * body names and which valid input it takes, and a snapshot of every table (row count and content hash) to prove a
 * request changed nothing. An operation of the document without a recipe is reported by `unknownOperations`
 */
import { createHash, randomBytes } from 'node:crypto';
import { createApp } from '../../src/api/app.ts';
import { parseFtWallet } from '../../src/domain/ft-wallet.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { silentLog } from '../../src/log.ts';
import { fireAlert } from '../../src/store/alert-store.ts';
import type { Sql } from '../../src/store/db.ts';
import { createSecretBox } from '../../src/store/secret-box.ts';
import { finishJobRun, startJobRun } from '../../src/store/job-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { addQualityOrder, ensureMarket } from './alert-fixtures.ts';
import { callApp, idleVenue, type Json } from './api-client.ts';
import { openTestDb, type TestDb } from './test-db.ts';

export const PROBLEM = 'application/problem+json';
export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type Kind = 'ft' | 'lt' | 'order' | 'alert' | 'wallet';
export const CATALOGUE = 'FT_CATALOGUE';

export interface Operation { method: string; path: string; key: string; op: Json }

/** Every operation of the OpenAPI document, as "METHOD /path" */
export function operations(doc: Json): Operation[] {
  return Object.entries(doc.paths as Json).flatMap(([path, ops]) => METHODS.filter((m) => (ops as Json)[m])
    .map((m) => ({ method: m.toUpperCase(), path, key: `${m.toUpperCase()} ${path}`, op: (ops as Json)[m] as Json })));
}

export interface Party { name: string; userId: string; token: string; ft: string; lt: string; order: string; alert: string; wallet: string }

/** An id of each kind nobody owns (the "unknown id" a foreign id must be indistinguishable from) */
export const UNKNOWN: Record<Kind, string> = {
  ft: 'FT_NOBODY_HAS_THIS', lt: 'LT_FT_NOBODY_HAS_THIS', order: '00000000-0000-4000-8000-00000000dead',
  alert: '00000000-0000-4000-8000-00000000beef', wallet: '0x' + '9'.repeat(40),
};

export interface Recipe {
  /** The resource kind the path parameter names */
  kind?: Kind;
  /** A query parameter naming a resource */
  queryRef?: { param: string; kind: Kind };
  /** A body field naming a resource */
  bodyRef?: { field: string; kind: Kind };
  /** 403 for plain users (contract: operator only) */
  operatorOnly?: boolean;
  /** A list or view of the caller's things: another user's ids never appear in it */
  list?: boolean;
  /** Not JSON (server-sent events): only the 401 cases are run */
  stream?: boolean;
  /** A valid body (when the operation takes one), for the caller `p` */
  body?: (p: Party) => Json;
  /** Query the operation needs to be valid */
  query?: (p: Party) => Record<string, string>;
}

const ftBody = (): Json => ({ display_name: 'renamed', bet_size: '2' });
/** One recipe per operation of the document; a new route without one fails the matrix and the fuzz tests */
export const RECIPES: Record<string, Recipe> = {
  'GET /api/health': {},
  'GET /api/ft/wallets': { list: true },
  'POST /api/ft/wallets': { body: (p) => ({ wallet_id: `FT_${p.name.toUpperCase()}_EXTRA` }) },
  'GET /api/ft/wallets/{id}': { kind: 'ft' },
  'PUT /api/ft/wallets/{id}': { kind: 'ft', body: ftBody },
  'GET /api/ft/wallets/{id}/orders': { kind: 'ft' },
  'POST /api/ft/sync': { operatorOnly: true },
  'POST /api/ft/resolve': { operatorOnly: true },
  'GET /api/ft/input-rejects': { operatorOnly: true },
  'GET /api/jobs/runs': { list: true },
  'GET /api/lt/strategies': { list: true },
  'POST /api/lt/strategies': { bodyRef: { field: 'ft_wallet_id', kind: 'ft' },
    // on the catalogue, which the caller has no LT strategy of yet: valid, so a broken field cannot hide behind a 409
    body: (p) => ({ ft_wallet_id: CATALOGUE, starting_capital: '50', wallet_address: p.wallet }) },
  'GET /api/lt/strategies/{id}': { kind: 'lt' },
  'PATCH /api/lt/strategies/{id}': { kind: 'lt', body: () => ({ max_order_usd: '40' }) },
  'POST /api/lt/strategies/{id}/launch': { kind: 'lt' },
  'POST /api/lt/strategies/{id}/pause': { kind: 'lt', body: () => ({ reason: 'matrix' }) },
  'POST /api/lt/strategies/{id}/resume': { kind: 'lt' },
  'POST /api/lt/strategies/{id}/stop': { kind: 'lt' },
  'POST /api/lt/strategies/{id}/cancel-open-orders': { kind: 'lt' },
  'POST /api/lt/cancel-open-orders': {},
  'POST /api/lt/strategies/{id}/deposit': { kind: 'lt', body: () => ({ amount: '5', ref: 'matrix-dep' }) },
  'POST /api/lt/strategies/{id}/withdraw': { kind: 'lt', body: () => ({ amount: '1', ref: 'matrix-wd' }) },
  'GET /api/lt/kill-switch': { list: true },
  'POST /api/lt/kill-switch': { body: () => ({ engaged: false, reason: 'matrix' }) },
  'GET /api/lt/audit': { list: true, queryRef: { param: 'strategy_id', kind: 'lt' } },
  'POST /api/lt/execute': { operatorOnly: true },
  'POST /api/lt/resolve': { operatorOnly: true },
  'GET /api/lt/strategies/{id}/quality': { kind: 'lt' },
  'GET /api/lt/strategies/{id}/comparison': { kind: 'lt' },
  'GET /api/lt/strategies/{id}/gap': { kind: 'lt' },
  'GET /api/lt/strategies/{id}/positions': { kind: 'lt' },
  'GET /api/lt/strategies/{id}/slippage-analysis': { kind: 'lt' },
  'GET /api/lt/strategies/{id}/series': { kind: 'lt' },
  'GET /api/lt/orders': { list: true, queryRef: { param: 'strategy_id', kind: 'lt' } },
  'GET /api/lt/orders/{id}': { kind: 'order' },
  'GET /api/alerts': { list: true },
  'POST /api/alerts/{id}/acknowledge': { kind: 'alert' },
  'GET /api/alerts/acknowledgements': { queryRef: { param: 'alert_ids', kind: 'alert' }, query: (p) => ({ alert_ids: p.alert }) },
  'POST /api/wallets': { body: () => ({ private_key: '0x' + '7'.repeat(64), label: 'matrix' }) },
  'GET /api/wallets': { list: true },
  'GET /api/wallets/{address}': { kind: 'wallet' },
  'DELETE /api/wallets/{address}': { kind: 'wallet' },
  'GET /api/overview': { list: true },
  'GET /api/events': { stream: true },
};

/** Operations of the document with no recipe (a new route must get one), and recipes for routes that are gone */
export function unknownOperations(ops: Operation[]): { missing: string[]; stale: string[] } {
  const keys = new Set(ops.map((o) => o.key));
  return { missing: [...keys].filter((k) => !RECIPES[k]), stale: Object.keys(RECIPES).filter((k) => !keys.has(k)) };
}

/** The path with its one parameter (if any) set to `value` */
export const fillPath = (path: string, value: string): string => path.replace(/\{[^}]+\}/, value);
export const pathParamOf = (op: Operation): string | null => /\{([^}]+)\}/.exec(op.path)?.[1] ?? null;

export interface World {
  t: TestDb;
  app: ReturnType<typeof createApp>;
  clock: ManualClock;
  doc: Json;
  a: Party;
  b: Party;
  op: Party;
  call(method: string, path: string, body: unknown, token: string | null): ReturnType<typeof callApp>;
}


async function party(w: Omit<World, 'a' | 'b' | 'op'>, name: string, n: number, role: 'user' | 'operator'): Promise<Party> {
  const { user, token } = await createUser(w.t.db, name, role);
  const must = async (method: string, path: string, body: Json) => {
    const r = await w.call(method, path, body, token);
    if (r.status >= 300) throw new Error(`${name}: ${method} ${path} -> ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const ft = `FT_${name.toUpperCase()}_OWN`;
  await must('POST', '/api/ft/wallets', { wallet_id: ft, start_date: '2026-01-01T00:00:00Z' });
  const key = ('0x' + String(n).repeat(64)) as `0x${string}`;
  const wallet = (await must('POST', '/api/wallets', { private_key: key, label: `${name}'s wallet` })).wallet.address as string;
  const lt = (await must('POST', '/api/lt/strategies', { ft_wallet_id: ft, starting_capital: '100', wallet_address: wallet }))
    .strategy.strategy_id as string;
  const order = await addQualityOrder(w.t.db, user.userId, lt, { at: w.clock.now(), latencyMs: 9000 });
  const fired = await fireAlert(w.t.db, { kind: 'order_latency', dedupeKey: `matrix:${name}`, severity: 'warning',
    message: `${name}'s order was slow`, detail: { order_id: order }, userId: user.userId, strategyId: lt }, w.clock.now(), 0,
  { deliver: false });
  const run = await startJobRun(w.t.db, 'lt-execute', w.clock.now());
  // An lt-execute report as the executor writes it (src/engine/lt-executor.ts), naming this party's user, strategy and order
  await finishJobRun(w.t.db, run, w.clock.now(), 'ok', { execute: {
    submissions: [{ orderId: order, strategyId: lt }], errors: [], skips: [],
    latencies: [{ userId: user.userId, strategyId: lt, orderId: order, latencyMs: 9000, alert: true }] } });
  return { name, userId: user.userId, token, ft, lt, order, alert: fired.alertId, wallet };
}

/** The world: the app, its OpenAPI document, A, B and an operator each owning one of every kind, and the catalogue */
export async function createWorld(): Promise<World> {
  // No rate limit (createApp's rateLimit absent): these tests send thousands of requests on one token on purpose, and a
  // 429 would answer in place of the checks they make
  const t = await openTestDb();
  const clock = new ManualClock('2026-03-01T12:00:00Z');
  const app = createApp({ db: t.db, clock, log: silentLog, venue: idleVenue(clock), version: 'test',
    secrets: createSecretBox(randomBytes(32)), runJob: async () => ({ ran: false, reason: 'none' }) });
  const call = (method: string, path: string, body: unknown, token: string | null) => callApp(app, method, path, body, token);
  const doc = (await call('GET', '/api/openapi.json', undefined, null)).body;
  await ensureMarket(t.db);
  await insertWallet(t.db, parseFtWallet({ wallet_id: CATALOGUE, start_date: '2026-01-01T00:00:00Z' }, clock.now()));
  const base = { t, app, clock, doc, call };
  const op = await party(base, 'operator', 3, 'operator');
  const a = await party(base, 'alice', 1, 'user');
  const b = await party(base, 'bob', 2, 'user');
  return { ...base, a, b, op };
}

/** Ids of a party a foreign list must never show */
export const idsOf = (p: Party): string[] => [p.userId, p.ft, p.lt, p.order, p.alert, p.wallet];
export const idOf = (p: Party, kind: Kind): string => p[kind];

/**
 * Every table's row count and a hash of its rows (in a canonical order), in one statement. Tables that reads may
 * legitimately change: none here (no table records reads); `schema_migrations` is included (it never changes)
 */
export async function snapshot(sql: Sql): Promise<Record<string, string>> {
  const tables = (await sql.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)).map((r) => r.name);
  const parts = tables.map((name, k) => `SELECT ${k} AS k, count(*)::text || ':' ||
    coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS v FROM "${name}" x`);
  const rows = await sql.query<{ k: number; v: string }>(parts.join(' UNION ALL '));
  const out: Record<string, string> = {};
  for (const r of rows) out[tables[Number(r.k)]!] = r.v;
  return out;
}

/** The tables whose content differs between two snapshots */
export const changedTables = (before: Record<string, string>, after: Record<string, string>): string[] =>
  Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);

export const digest = (s: Record<string, string>): string => createHash('sha256').update(JSON.stringify(s)).digest('hex');
