/** The HTTP app: authentication, the API routes, the OpenAPI document, errors as problem+json, and the dashboard (web.ts) */
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { userAndSnapshotByToken } from '../store/user-store.ts';
import type { ApiDeps, AppEnv } from './context.ts';
import { inputGuard } from './input-guard.ts';
import { problem } from './problem.ts';
import { createReadCache } from './read-cache.ts';
import { documentTooMany, rateLimiter } from './rate-limit.ts';
import { problemResponse } from './schemas/common.ts';
import { securityHeaders } from './security-headers.ts';
import { alertRoutes } from './routes/alerts.ts';
import { alertAckRoutes } from './routes/alert-ack.ts';
import { eventRoutes } from './routes/events.ts';
import { ftRoutes } from './routes/ft.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { ltRoutes } from './routes/lt.ts';
import { ltOrderRoutes } from './routes/lt-orders.ts';
import { ltSeriesRoutes } from './routes/lt-series.ts';
import { overviewRoutes } from './routes/overview.ts';
import { walletRoutes } from './routes/wallets.ts';
import { webRoutes } from './web.ts';

const PUBLIC = new Set(['/api/health', '/api/openapi.json']);

/** Every route that needs the bearer token answers 401 without it: said once here for all of them */
function documentUnauthorized(app: OpenAPIHono<AppEnv>) {
  for (const d of app.openAPIRegistry.definitions) {
    if (d.type === 'route' && d.route.security?.length) {
      d.route.responses[401] ??= problemResponse('No token, or a token that is refused (send Authorization: Bearer <token>)');
    }
  }
}

export function createApp(given: ApiDeps) {
  const deps: ApiDeps = { ...given, reads: given.reads === undefined ? createReadCache(given.db, given.clock, given.log) : given.reads };
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return problem(c, 400, 'Invalid request', undefined, { issues: result.error.issues });
    },
  });
  app.use('*', securityHeaders());
  app.use('/api/*', async (c, next) => {
    if (PUBLIC.has(c.req.path)) return next();
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const signedIn = token ? await userAndSnapshotByToken(deps.db, token) : null;
    if (!signedIn) return problem(c, 401, 'Unauthorized', 'send Authorization: Bearer <token>');
    c.set('user', signedIn.user);
    c.set('snapshot', signedIn.snapshot);
    return next();
  });
  app.use('/api/*', rateLimiter(deps.rateLimit));
  app.use('/api/*', inputGuard(app));
  app.route('/', healthRoutes(deps));
  app.route('/', ftRoutes(deps));
  app.route('/', jobRoutes(deps));
  app.route('/', ltRoutes(deps));
  app.route('/', ltOrderRoutes(deps));
  app.route('/', alertRoutes(deps));
  app.route('/', alertAckRoutes(deps));
  app.route('/', walletRoutes(deps));
  app.route('/', ltSeriesRoutes(deps));
  app.route('/', overviewRoutes(deps));
  app.route('/', eventRoutes(deps));
  documentUnauthorized(app);
  documentTooMany(app);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/api/openapi.json', { openapi: '3.1.0', info: { title: 'Tandem API', version: deps.version } });
  app.route('/', metricsRoutes(deps.metricsEndpoint)); // Prometheus's, outside /api: its own token (METRICS_TOKEN), no user
  webRoutes(app);
  app.notFound((c) => problem(c, 404, 'Not found', c.req.path));
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) return problem(c, error.status, error.message || 'Bad request');
    deps.log.error('request failed', { path: c.req.path, error });
    return problem(c, 500, 'Internal error', 'the error was logged');
  });
  return app;
}
