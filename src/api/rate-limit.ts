/**
 * Rate limit per API token: an in-memory token bucket per signed-in user (one bearer token each), `perMinute` requests
 * a minute on average with bursts of up to `burst`. Over it: 429 problem+json with Retry-After (whole seconds until the
 * next request is accepted). Public routes (health, the OpenAPI document) and the dashboard's files are not counted.
 * TANDEM_RATE_LIMIT sets perMinute (src/config.ts; 0: off)
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, RateLimit } from './context.ts';
import { problem } from './problem.ts';
import { tooManyResponse } from './schemas/common.ts';

/**
 * A token bucket per key, kept as the time its bucket is next full (GCRA: one number per key, exact in milliseconds):
 * `take` answers 0 when a request may go, else the milliseconds until one may
 */
export function tokenBuckets(limit: RateLimit) {
  const now = limit.now ?? (() => performance.now());
  const interval = 60_000 / limit.perMinute; // milliseconds one request's token takes to come back
  const tolerance = (limit.burst - 1) * interval;
  const full = new Map<string, number>();
  return {
    take(key: string): number {
      const t = now();
      const at = Math.max(full.get(key) ?? t, t);
      if (at - t > tolerance) return at - t - tolerance;
      full.set(key, at + interval);
      return 0;
    },
  };
}

/** The middleware, after authentication (it counts per signed-in user); null or a zero rate: no limit */
export function rateLimiter(limit: RateLimit | null | undefined): MiddlewareHandler<AppEnv> {
  if (!limit || limit.perMinute <= 0) return async (_c, next) => next();
  const buckets = tokenBuckets(limit);
  return async (c, next) => {
    const user = c.get('user');
    if (!user) return next(); // a public route
    const waitMs = buckets.take(user.userId);
    if (waitMs === 0) return next();
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    c.header('retry-after', String(seconds));
    return problem(c, 429, 'Too many requests', `over ${limit.perMinute} requests a minute for this token: retry in ${seconds} s`);
  };
}

/** Every route that needs the bearer token may answer 429: said once for all of them (as app.ts does for 401) */
export function documentTooMany(app: OpenAPIHono<AppEnv>): void {
  for (const d of app.openAPIRegistry.definitions) {
    if (d.type === 'route' && d.route.security?.length) {
      d.route.responses[429] ??= tooManyResponse('Too many requests for this token (TANDEM_RATE_LIMIT); retry after Retry-After seconds');
    }
  }
}
