/** GET /api/health: liveness plus the database kind and version (no authentication) */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { serverVersion } from '../../store/db.ts';
import type { ApiDeps, AppEnv } from '../context.ts';

const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  database: z.object({ kind: z.enum(['pglite', 'postgres']), version: z.string() }),
  time: z.string(),
});

const route = createRoute({
  method: 'get', path: '/api/health', tags: ['system'],
  responses: { 200: { description: 'The service and its database answer', content: { 'application/json': { schema: Health } } } },
});

export const healthRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>().openapi(route, async (c) => c.json({
  status: 'ok' as const, version: deps.version,
  database: { kind: deps.db.kind, version: await serverVersion(deps.db) }, time: deps.clock.now().toISOString(),
}, 200));
