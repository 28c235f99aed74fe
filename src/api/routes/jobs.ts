/** Job runs: what ran when, and how it went (read-only) */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { jobRunsPage, type JobRunRow } from '../../store/job-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { jsonResponse, pageOf, pageQuery, problemResponse, type JsonValueOut } from '../schemas/common.ts';
import { JobRunPage } from '../schemas/system.ts';

const route = createRoute({
  method: 'get', path: '/api/jobs/runs', tags: ['system'], security: [{ bearer: [] }],
  request: { query: pageQuery(['time', 'uuid']) },
  responses: { 200: jsonResponse(JobRunPage, 'Recent job runs, newest first'), 400: problemResponse('Invalid limit or cursor') },
});

const time = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
const runJson = (r: JobRunRow) => ({ run_id: r.run_id, job: r.job, started_at: time(r.started_at)!, finished_at: time(r.finished_at),
  status: r.status, detail: (r.detail ?? null) as JsonValueOut });

export const jobRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = pageOf(await jobRunsPage(deps.db, { limit, after: cursor }), limit, (r) => r.key);
    return c.json({ runs: page.items.map((r) => runJson(r.row)), next_cursor: page.next_cursor }, 200);
  });
