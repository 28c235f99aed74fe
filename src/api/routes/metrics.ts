/**
 * GET /metrics: the Prometheus exposition (src/metrics/prometheus.ts). Prometheus has no user session: it sends the
 * bearer token of METRICS_TOKEN, compared in constant time. Without a token configured /metrics is off and answers 404,
 * as if it did not exist; a missing or wrong token is 401
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { problem } from '../problem.ts';

export interface MetricsEndpoint {
  /** The bearer token scrapes must send; null: /metrics is off */
  token: string | null;
  render(): Promise<{ contentType: string; body: string }>;
}

/** Equal strings in time independent of where they differ (both hashed first, so their lengths leak nothing either) */
export function tokenMatches(sent: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

export function metricsRoutes(endpoint: MetricsEndpoint | undefined) {
  return new Hono().get('/metrics', async (c) => {
    if (!endpoint?.token) return problem(c, 404, 'Not found', c.req.path);
    const sent = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!sent || !tokenMatches(sent, endpoint.token)) {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"');
      return problem(c, 401, 'Unauthorized', 'send Authorization: Bearer <METRICS_TOKEN>');
    }
    const { contentType, body } = await endpoint.render();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  });
}
