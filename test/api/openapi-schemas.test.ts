/**
 * The OpenAPI document types every body: each operation's request and response bodies are schemas with a type (no
 * `{}` / any anywhere inside them), errors are the one Problem schema, every list is cursor-paginated, and every LT
 * setting has a description and, when optional, the default the engine really applies
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { parseFtWallet } from '../../src/domain/ft-wallet.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { silentLog } from '../../src/log.ts';
import { createUser } from '../../src/store/user-store.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { callApp, idleVenue, type Json } from '../support/api-client.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

let t: TestDb;
let app: ReturnType<typeof createApp>;
let token: string;
let doc: Json;
const clock = new ManualClock('2026-03-01T12:00:00Z');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** A JSON value of any kind (a job's report, an audit detail): the one schema allowed to hold untyped parts, by name */
const OPEN_SCHEMAS = new Set(['#/components/schemas/JsonValue']);

beforeAll(async () => {
  t = await openTestDb();
  app = createApp({ db: t.db, clock, log: silentLog, venue: idleVenue(clock), version: 'test', runJob: async () => ({ ran: false, reason: 'none' }) });
  token = (await createUser(t.db, 'alice')).token;
  await insertWallet(t.db, parseFtWallet({ wallet_id: 'FT_DOC', start_date: '2026-01-01T00:00:00Z' }, clock.now()));
  doc = (await callApp(app, 'GET', '/api/openapi.json', undefined, null)).body;
});
afterAll(async () => t?.close());

const METADATA = new Set(['description', 'default', 'example', 'title']);
const isEmpty = (v: unknown) => v === undefined || v === true || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** Where a schema is untyped: `{}`, a schema without a type, an array without items, an object without any field type */
export function untyped(schema: unknown, where: string, components: Json, seen = new Set<string>()): string[] {
  if (isEmpty(schema) || typeof schema !== 'object' || schema === null) return [`${where}: empty schema`];
  const s = schema as Json;
  if (typeof s.$ref === 'string') {
    if (OPEN_SCHEMAS.has(s.$ref) || seen.has(s.$ref)) return [];
    const name = s.$ref.replace('#/components/schemas/', '');
    if (!components[name]) return [`${where}: unresolved ${s.$ref}`];
    return untyped(components[name], `${where} → ${name}`, components, new Set([...seen, s.$ref]));
  }
  const branches = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (branches) return branches.flatMap((b, k) => untyped(b, `${where}[${k}]`, components, seen));
  if (Array.isArray(s.allOf)) {
    // allOf: the schemas a value meets together; a part that only describes (a description on a $ref) adds no type
    const parts = (s.allOf as Json[]).filter((b) => !Object.keys(b).every((k) => METADATA.has(k)));
    if (parts.length === 0) return [`${where}: allOf without a type`];
    return parts.flatMap((b, k) => untyped(b, `${where}&${k}`, components, seen));
  }
  if (s.type === undefined && s.enum === undefined && s.const === undefined) return [`${where}: no type`];
  const types = [s.type].flat();
  const out: string[] = [];
  if (types.includes('array')) out.push(...untyped(s.items, `${where}[]`, components, seen));
  if (types.includes('object')) {
    const props = Object.entries((s.properties ?? {}) as Json);
    for (const [k, v] of props) out.push(...untyped(v, `${where}.${k}`, components, seen));
    // An object lists its fields, or types its values (a map); extra fields beside listed ones are allowed
    if (props.length === 0) out.push(...untyped(s.additionalProperties, `${where}{*}`, components, seen));
  }
  return out;
}

const operations = () => Object.entries(doc.paths as Json).flatMap(([path, item]) =>
  METHODS.filter((m) => (item as Json)[m]).map((m) => ({ path, method: m, op: (item as Json)[m] as Json })));

describe(`OpenAPI bodies on ${backendName}`, () => {
  it('the walker finds what it must refuse', () => {
    const c = { A: { type: 'object', properties: { x: {} } } };
    expect(untyped({}, 'x', c)).toHaveLength(1);
    expect(untyped({ type: 'array' }, 'x', c)).toHaveLength(1);
    expect(untyped({ type: 'object' }, 'x', c)).toHaveLength(1);
    expect(untyped({ $ref: '#/components/schemas/A' }, 'x', c)).toEqual(['x → A.x: empty schema']);
    expect(untyped({ anyOf: [{ type: 'string' }, { description: 'd' }] }, 'x', c)).toEqual(['x[1]: no type']);
    expect(untyped({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: {} }, 'x', c)).toEqual([]);
    expect(untyped({ allOf: [{ description: 'only words' }] }, 'x', c)).toEqual(['x: allOf without a type']);
  });

  it('every request and response body of every operation is typed all the way down', () => {
    const components = doc.components.schemas as Json;
    const problems: string[] = [];
    const ops = operations();
    expect(ops.length).toBeGreaterThan(30);
    for (const { path, method, op } of ops) {
      const at = `${method.toUpperCase()} ${path}`;
      for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Json)) {
        problems.push(...untyped(media.schema, `${at} request ${type}`, components));
      }
      for (const [status, response] of Object.entries(op.responses as Json)) {
        const content = Object.entries((response.content ?? {}) as Json);
        if (content.length === 0) problems.push(`${at} ${status}: no body schema`);
        for (const [type, media] of content) problems.push(...untyped(media.schema, `${at} ${status} ${type}`, components));
        if (Number(status) >= 400) {
          expect(Object.keys(response.content), `${at} ${status}`).toEqual(['application/problem+json']);
          expect(response.content['application/problem+json'].schema, `${at} ${status}`).toEqual({ $ref: '#/components/schemas/Problem' });
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every secured operation documents its 401', () => {
    const secured = operations().filter(({ op }) => op.security?.length);
    expect(operations().filter(({ op }) => !op.security?.length).map(({ path }) => path)).toEqual(['/api/health']);
    for (const { path, method, op } of secured) {
      expect(op.responses['401']?.content?.['application/problem+json']?.schema, `${method} ${path}`)
        .toEqual({ $ref: '#/components/schemas/Problem' });
    }
  });

  it('every list takes limit (1..500, default 100) and cursor, and answers next_cursor', () => {
    const components = doc.components.schemas as Json;
    const lists = operations().filter(({ op }) => {
      const ref = op.responses['200']?.content?.['application/json']?.schema?.$ref as string | undefined;
      return ref !== undefined && 'next_cursor' in (components[ref.split('/').pop()!].properties ?? {});
    });
    expect(lists.map((l) => l.path).sort()).toEqual(['/api/alerts', '/api/ft/wallets', '/api/ft/wallets/{id}/orders',
      '/api/jobs/runs', '/api/lt/audit', '/api/lt/orders', '/api/lt/strategies', '/api/lt/strategies/{id}/gap',
      '/api/lt/strategies/{id}/positions', '/api/lt/strategies/{id}/quality', '/api/wallets']);
    for (const { path, op } of lists) {
      const params = Object.fromEntries((op.parameters as Json[]).filter((p) => p.in === 'query').map((p) => [p.name, p.schema]));
      expect(params.limit, path).toMatchObject({ type: 'integer', minimum: 1, maximum: 500, default: 100 });
      expect(params.cursor, path).toMatchObject({ type: 'string' });
      expect(params.offset, path).toBeUndefined();
    }
  });

  it('every LT setting is described with its range, and each optional one with the default the engine applies', async () => {
    const input = doc.components.schemas.LtCreateInput as Json;
    const settings = Object.entries(input.properties as Json);
    expect(settings.length).toBeGreaterThanOrEqual(21);
    for (const [name, s] of settings) expect(s.description, name).toMatch(/\w{3}/);
    expect(doc.components.schemas.LtSettingsPatch.required ?? []).toEqual([]);
    const created = await callApp(app, 'POST', '/api/lt/strategies', { ft_wallet_id: 'FT_DOC', starting_capital: '100' }, token);
    expect(created.status).toBe(201);
    const strategy = created.body.strategy as Json;
    const defaults = settings.filter(([name]) => !['ft_wallet_id', 'starting_capital'].includes(name));
    for (const [name, s] of defaults) {
      expect('default' in s, name).toBe(true);
      const shown = strategy[name];
      const numeric = (v: unknown) => typeof v === 'string' && /^\d+(\.\d+)?$/.test(v);
      const same = numeric(s.default) && numeric(shown) ? Number(s.default) === Number(shown) : s.default === shown;
      expect(same, `${name}: documented ${s.default}, applied ${shown}`).toBe(true);
    }
  });

  it('every FT setting is described, and the request bodies of deposit, withdraw, pause and the kill switch are typed', () => {
    const schemas = doc.components.schemas as Json;
    for (const name of ['FtWalletInput', 'FtWalletReplace']) {
      for (const [field, s] of Object.entries(schemas[name].properties as Json)) expect(s.description, `${name}.${field}`).toMatch(/\w{3}/);
    }
    expect(schemas.FtWalletInput.properties.bet_size.default).toBe('1.200000');
    const body = (path: string, method = 'post') => doc.paths[path][method].requestBody.content['application/json'].schema;
    expect(body('/api/lt/strategies/{id}/deposit')).toEqual({ $ref: '#/components/schemas/MoneyMove' });
    expect(body('/api/lt/strategies/{id}/withdraw')).toEqual({ $ref: '#/components/schemas/MoneyMove' });
    expect(body('/api/lt/strategies/{id}/pause')).toEqual({ $ref: '#/components/schemas/PauseInput' });
    expect(body('/api/lt/kill-switch')).toEqual({ $ref: '#/components/schemas/KillSwitchInput' });
    expect(body('/api/lt/strategies/{id}', 'patch')).toEqual({ $ref: '#/components/schemas/LtSettingsPatch' });
    expect(body('/api/ft/wallets/{id}', 'put')).toEqual({ $ref: '#/components/schemas/FtWalletReplace' });
    expect(Object.keys(schemas.MoneyMove.properties)).toEqual(['amount', 'ref']);
  });

  it('a refused setting reaches the client at its field', async () => {
    const r = await callApp(app, 'POST', '/api/lt/strategies',
      { ft_wallet_id: 'FT_DOC', starting_capital: '100', max_order_usd: 'lots', tolerance_ticks: 1.5, cooldown_seconds: 'x' }, token);
    expect([r.status, r.type]).toEqual([400, 'application/problem+json']);
    const paths = (r.body.issues as Json[]).map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['cooldown_seconds']));
    const again = await callApp(app, 'POST', '/api/lt/strategies',
      { ft_wallet_id: 'FT_DOC', starting_capital: '100', max_order_usd: 'lots', tolerance_ticks: 1.5 }, token);
    expect((again.body.issues as Json[]).map((i) => i.path.join('.')).sort()).toEqual(['max_order_usd', 'tolerance_ticks']);
    for (const i of again.body.issues as Json[]) expect(i.message).toMatch(/max_order_usd|tolerance_ticks/);
  });
});
