/** Alerts: the signed-in user's alerts and the system's (scheduler, feeds, venue reconciliation), newest first (read-only) */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { alertsPage, type AlertRow } from '../../store/alert-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { keptRead } from '../read-cache.ts';
import { jsonResponse, pageOf, pageQuery, problemResponse, type JsonValueOut } from '../schemas/common.ts';
import { AlertPage } from '../schemas/system.ts';

const route = createRoute({
  method: 'get', path: '/api/alerts', tags: ['alerts'], security: [{ bearer: [] }],
  request: { query: pageQuery(['time', 'uuid']) },
  responses: {
    200: jsonResponse(AlertPage, 'Your alerts and the system alerts, newest first, with their cool-down and delivery state'),
    400: problemResponse('Invalid limit or cursor (problem+json with issues)'),
  },
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const alertJson = (a: AlertRow) => ({
  alert_id: a.alertId, kind: a.kind, severity: a.severity, message: a.message, detail: a.detail as Record<string, JsonValueOut>,
  strategy_id: a.strategyId, system: a.userId === null, fired_at: a.firedAt.toISOString(), suppressed: a.suppressed,
  last_seen_at: a.lastSeenAt.toISOString(), delivery: a.delivery, attempts: a.attempts, delivered_at: iso(a.deliveredAt),
  last_error: a.lastError,
});

export const alertRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(await keptRead(deps.reads, c, async () => {
      const page = pageOf(await alertsPage(deps.db, c.get('user').userId, { limit, after: cursor }), limit, (r) => r.key);
      return { alerts: page.items.map((r) => alertJson(r.row)), next_cursor: page.next_cursor };
    }), 200);
  });
