/** Alerts: the signed-in user's alerts and the system's (scheduler, feeds, venue reconciliation), newest first (read-only) */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { listAlerts, type AlertRow } from '../../store/alert-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';

const route = createRoute({
  method: 'get', path: '/api/alerts', tags: ['alerts'], security: [{ bearer: [] }],
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  responses: {
    200: { description: 'Your alerts and the system alerts, newest first, with their cool-down and delivery state',
      content: { 'application/json': { schema: z.any() } } },
    400: { description: 'Invalid limit (problem+json with issues)', content: { 'application/json': { schema: z.any() } } },
  },
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const alertJson = (a: AlertRow) => ({
  alert_id: a.alertId, kind: a.kind, severity: a.severity, message: a.message, detail: a.detail,
  strategy_id: a.strategyId, system: a.userId === null, fired_at: a.firedAt.toISOString(), suppressed: a.suppressed,
  last_seen_at: a.lastSeenAt.toISOString(), delivery: a.delivery, attempts: a.attempts, delivered_at: iso(a.deliveredAt),
  last_error: a.lastError,
});

export const alertRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(route, async (c) => {
    const rows = await listAlerts(deps.db, c.get('user').userId, c.req.valid('query').limit);
    return c.json({ alerts: rows.map(alertJson) }, 200);
  });
