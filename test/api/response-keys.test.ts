/**
 * The OpenAPI document declares what the API really returns: real responses of an LT strategy that traded (orders,
 * fills, positions, gap legs, quality rows, capital) are read, and every key of every object in them must be a
 * declared property of the schema the document gives for it (the loose schemas let undeclared keys through at run
 * time; this finds them). Also: every declared property carries a description or is a named component
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { silentLog } from '../../src/log.ts';
import { callApp, type Json } from '../support/api-client.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';

let w: LtWorld;
let app: ReturnType<typeof createApp>;
let doc: Json;
const call = (path: string) => callApp(app, 'GET', path, undefined, w.token);

beforeAll(async () => {
  w = await createLtWorld({ settings: { slippage_tolerance_pct: '3' } });
  app = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test',
    runJob: async () => ({ ran: false, reason: 'none' }) });
  w.bids([['0.49', '1000']]);
  w.asks([['0.51', '1000']]);
  for (let i = 0; i < 3; i++) {
    await w.buySignal({ price: 0.5 });
    w.ft.clock.advance(1_000);
  }
  await w.execute();
  doc = (await callApp(app, 'GET', '/api/openapi.json', undefined, null)).body;
});
afterAll(async () => w?.close());

const resolve = (s: Json): Json => {
  let out = s;
  for (let k = 0; k < 20 && typeof out?.$ref === 'string'; k++) out = doc.components.schemas[out.$ref.split('/').pop()!];
  return out;
};

/** The keys of `value` (at `where`) that `schema` does not declare, all the way down */
export function undeclared(value: unknown, schema: Json, where: string): string[] {
  const s = resolve(schema);
  if (value === null || value === undefined || s === undefined) return [];
  const branches = (s.anyOf ?? s.oneOf ?? s.allOf) as Json[] | undefined;
  if (branches) {
    const found = branches.map((b) => undeclared(value, b, where));
    if (s.allOf) {
      const declared = new Set(branches.flatMap((b) => Object.keys(resolve(b).properties ?? {})));
      return found.flat().filter((k) => !declared.has(k.split('.').pop()!));
    }
    return found.reduce((a, b) => (b.length < a.length ? b : a));
  }
  if (Array.isArray(value)) return value.flatMap((v, k) => undeclared(v, s.items ?? {}, `${where}[${k}]`));
  if (typeof value !== 'object') return [];
  const props = (s.properties ?? {}) as Json;
  if (Object.keys(props).length === 0) return []; // a map: its values typed by additionalProperties
  return Object.entries(value as Json).flatMap(([k, v]) =>
    (k in props ? undeclared(v, props[k], `${where}.${k}`) : [`${where}.${k}`]));
}

const responseSchema = (path: string) => doc.paths[path].get.responses['200'].content['application/json'].schema as Json;

describe(`every returned key is declared, on ${backendName}`, () => {
  it('the LT, orders, series, overview, wallet and FT responses', async () => {
    const orders = (await call('/api/lt/orders')).body.orders as Json[];
    expect(orders.length).toBeGreaterThanOrEqual(3);
    const s = `/api/lt/strategies/${w.strategyId}`;
    const reads: [string, string][] = [
      ['/api/lt/strategies', '/api/lt/strategies'], ['/api/lt/strategies/{id}', s],
      ['/api/lt/strategies/{id}/quality', `${s}/quality`], ['/api/lt/strategies/{id}/comparison', `${s}/comparison`],
      ['/api/lt/strategies/{id}/gap', `${s}/gap`], ['/api/lt/strategies/{id}/positions', `${s}/positions`],
      ['/api/lt/strategies/{id}/slippage-analysis', `${s}/slippage-analysis`], ['/api/lt/strategies/{id}/series', `${s}/series`],
      ['/api/lt/orders', '/api/lt/orders'], ['/api/lt/orders/{id}', `/api/lt/orders/${orders[0]!.order_id}`],
      ['/api/overview', '/api/overview'], ['/api/wallets', '/api/wallets'], ['/api/lt/audit', '/api/lt/audit'],
      ['/api/ft/wallets', '/api/ft/wallets'], ['/api/ft/wallets/{id}', '/api/ft/wallets/FT_COPY_ALL'],
      ['/api/ft/wallets/{id}/orders', '/api/ft/wallets/FT_COPY_ALL/orders'], ['/api/jobs/runs', '/api/jobs/runs'],
      ['/api/alerts', '/api/alerts'], ['/api/health', '/api/health'],
    ];
    const missing: string[] = [];
    for (const [template, path] of reads) {
      const r = await call(path);
      expect(r.status, path).toBe(200);
      missing.push(...undeclared(r.body, responseSchema(template), template));
    }
    const positions = (await call(`${s}/positions`)).body.positions as Json[];
    expect(positions.length, 'an open position was read').toBeGreaterThan(0);
    expect((await call(`${s}/gap`)).body.legs.length, 'gap legs were read').toBeGreaterThan(0);
    expect([...new Set(missing.map((m) => m.replace(/\[\d+\]/g, '[]')))]).toEqual([]);
  });

  it('the walker finds an undeclared key', () => {
    const schema = { type: 'object', properties: { a: { type: 'array', items: { type: 'object', properties: { b: { type: 'string' } } } } } };
    expect(undeclared({ a: [{ b: 'x', c: 1 }], d: 2 }, schema, 'x')).toEqual(['x.a[0].c', 'x.d']);
    expect(undeclared({ a: null }, schema, 'x')).toEqual([]);
  });
});
