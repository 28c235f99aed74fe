/**
 * The backstop at the boundary, before any route: a request whose body the route requires arrives with a JSON body
 * (missing or empty: 400, never the schema's defaults; sent as another media type: 415), a JSON body parses (else 400), and no text anywhere in the query
 * or the JSON body (keys and values, at any depth) holds a NUL or an unpaired surrogate (400 with an issue at the
 * field). Each route's schema checks its own fields the same way (schemas/common.ts `text()`); this catches what a
 * schema would let through (an ignored field, a key) so nothing of the kind reaches a handler or the database
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../domain/text.ts';
import type { AppEnv } from './context.ts';
import { problem } from './problem.ts';

type Path = (string | number)[];
type Issue = { path: Path; message: string; code: 'custom' };
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

/** The first text in `value` (a parsed JSON value) that cannot be stored, with its path; keys count as text */
export function unstorableAt(value: unknown, path: Path = []): Path | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) {
      const at = unstorableAt(value[k], [...path, k]);
      if (at) return at;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (!isStorableText(key)) return [...path, key];
      const at = unstorableAt(v, [...path, key]);
      if (at) return at;
    }
  }
  return null;
}

interface BodyRule { method: string; pattern: RegExp }

/** The operations whose OpenAPI request body is required, as method + path pattern */
function requiredBodies(app: OpenAPIHono<AppEnv>): BodyRule[] {
  const rules: BodyRule[] = [];
  for (const d of app.openAPIRegistry.definitions) {
    if (d.type !== 'route' || !d.route.request?.body?.required) continue;
    const source = d.route.path.split('/').map((part) => (/^\{.+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')));
    rules.push({ method: d.route.method.toUpperCase(), pattern: new RegExp(`^${source.join('/')}$`) });
  }
  return rules;
}

const refused = (c: Context, title: string, issue: Issue, detail?: string) => problem(c, 400, title, detail, { issues: [issue] });
const unstorable = (c: Context, path: Path) =>
  refused(c, 'Invalid request', { path, message: `${path.join('.') || 'text'} ${UNSTORABLE_TEXT_MESSAGE}`, code: 'custom' });

/** The query's values as the routes read them (decoded), each checked */
function queryIssue(c: Context): Path | null {
  for (const [key, values] of Object.entries(c.req.queries())) {
    if (!isStorableText(key)) return [key];
    if (values.some((v) => !isStorableText(v))) return [key];
  }
  return null;
}

/**
 * The guard for `app` (call it after the routes are registered: it reads which bodies they require from the OpenAPI
 * registry on its first request)
 */
export function inputGuard(app: OpenAPIHono<AppEnv>): MiddlewareHandler<AppEnv> {
  let rules: BodyRule[] | null = null;
  return async (c, next) => {
    const q = queryIssue(c);
    if (q) return unstorable(c, q);
    if (!BODY_METHODS.has(c.req.method)) return next();
    rules ??= requiredBodies(app);
    const required = rules.some((r) => r.method === c.req.method && r.pattern.test(c.req.path));
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    const missing = { path: [], message: 'a JSON body is required (Content-Type: application/json)', code: 'custom' } as Issue;
    if (!JSON_TYPE.test(type) && !required) return next();
    const raw = await c.req.text();
    if (raw.trim() === '') return required ? refused(c, 'Body required', missing) : next();
    if (!JSON_TYPE.test(type)) return problem(c, 415, 'Unsupported Media Type', 'send the body as Content-Type: application/json');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return refused(c, 'Malformed JSON in request body', { path: [], message: 'the body is not JSON', code: 'custom' });
    }
    const at = unstorableAt(body);
    return at ? unstorable(c, at) : next();
  };
}
