/** Job runs: what ran when, and how it went (read-only) */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { recentJobRuns } from '../../store/job-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';

const route = createRoute({
  method: 'get', path: '/api/jobs/runs', tags: ['system'], security: [{ bearer: [] }],
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }) },
  responses: { 200: { description: 'Recent job runs, newest first', content: { 'application/json': { schema: z.any() } } } },
});

export const jobRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(route, async (c) => c.json({ runs: await recentJobRuns(deps.db, c.req.valid('query').limit) }, 200));
