/** The HTTP app: authentication, the API routes, the OpenAPI document, errors as problem+json, and the dashboard */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { userByToken } from '../store/user-store.ts';
import type { ApiDeps, AppEnv } from './context.ts';
import { problem } from './problem.ts';
import { problemResponse } from './schemas/common.ts';
import { alertRoutes } from './routes/alerts.ts';
import { ftRoutes } from './routes/ft.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { ltRoutes } from './routes/lt.ts';
import { walletRoutes } from './routes/wallets.ts';

const PUBLIC = new Set(['/api/health', '/api/openapi.json']);
const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
/** A dashboard asset's name: no directory, no dot segment, no encoding, one of two types */
const ASSET = /^[a-z0-9-]+\.(js|css)$/;
const ASSET_TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/**
 * The dashboard's static assets: the regular files directly in `dir` whose names match ASSET, listed once (at start),
 * each with its content type. Only these names are ever served, so no request path can reach another file
 */
export function webAssets(dir: string = WEB): Map<string, string> {
  const assets = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const m = ASSET.exec(entry.name);
    if (m && entry.isFile()) assets.set(entry.name, ASSET_TYPES[m[1]!]!);
  }
  return assets;
}

/** Every route that needs the bearer token answers 401 without it: said once here for all of them */
function documentUnauthorized(app: OpenAPIHono<AppEnv>) {
  for (const d of app.openAPIRegistry.definitions) {
    if (d.type === 'route' && d.route.security?.length) {
      d.route.responses[401] ??= problemResponse('No token, or a token that is refused (send Authorization: Bearer <token>)');
    }
  }
}

export function createApp(deps: ApiDeps) {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return problem(c, 400, 'Invalid request', undefined, { issues: result.error.issues });
    },
  });
  app.use('/api/*', async (c, next) => {
    if (PUBLIC.has(c.req.path)) return next();
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const user = token ? await userByToken(deps.db, token) : null;
    if (!user) return problem(c, 401, 'Unauthorized', 'send Authorization: Bearer <token>');
    c.set('user', user);
    return next();
  });
  app.route('/', healthRoutes(deps));
  app.route('/', ftRoutes(deps));
  app.route('/', jobRoutes(deps));
  app.route('/', ltRoutes(deps));
  app.route('/', alertRoutes(deps));
  app.route('/', walletRoutes(deps));
  documentUnauthorized(app);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/api/openapi.json', { openapi: '3.1.0', info: { title: 'Tandem API', version: deps.version } });
  app.get('/', (c) => c.html(readFileSync(`${WEB}index.html`, 'utf8')));
  const assets = webAssets();
  app.get('/:file{[a-z0-9-]+\\.(?:js|css)}', (c) => {
    const file = c.req.param('file');
    const type = assets.get(file); // the allow-list: a name read from web/ at start, never a path built from the request
    if (!type) return problem(c, 404, 'Not found', c.req.path);
    let body: string;
    try {
      body = readFileSync(`${WEB}${file}`, 'utf8');
    } catch {
      return problem(c, 404, 'Not found', c.req.path); // removed since start
    }
    return c.body(body, 200, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.notFound((c) => problem(c, 404, 'Not found', c.req.path));
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) return problem(c, error.status, error.message || 'Bad request');
    deps.log.error('request failed', { path: c.req.path, error });
    return problem(c, 500, 'Internal error', 'the error was logged');
  });
  return app;
}
