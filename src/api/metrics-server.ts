/** METRICS_PORT: /metrics alone on a port of its own, how a worker (which serves no HTTP) is scraped */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { problem } from './problem.ts';
import { metricsRoutes, type MetricsEndpoint } from './routes/metrics.ts';
import { securityHeaders } from './security-headers.ts';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export function serveMetrics(endpoint: MetricsEndpoint, host: string, port: number): Promise<MetricsServer> {
  const app = new Hono();
  app.use('*', securityHeaders());
  app.route('/', metricsRoutes(endpoint));
  app.notFound((c) => problem(c, 404, 'Not found', c.req.path));
  return new Promise((done, fail) => {
    const server: ServerType = serve({ fetch: app.fetch, port, hostname: host }, (info) => done({
      port: info.port,
      close: () => new Promise<void>((closed) => server.close(() => closed())),
    }));
    server.once('error', fail);
  });
}
