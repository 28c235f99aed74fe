/** Job runs: what ran when, and how it went (read-only; a plain user sees only their own part of each run's detail) */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { jobRunsPage, type JobRunRow } from '../../store/job-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { ownJobDetails } from '../job-detail.ts';
import { isOperator } from '../roles.ts';
import { jsonResponse, pageOf, pageQuery, problemResponse, type JsonValueOut } from '../schemas/common.ts';
import { JobRunPage } from '../schemas/system.ts';

const route = createRoute({
  method: 'get', path: '/api/jobs/runs', tags: ['system'], security: [{ bearer: [] }],
  request: { query: pageQuery(['time', 'uuid']) },
  responses: { 200: jsonResponse(JobRunPage, 'Recent job runs, newest first. An operator sees each run\'s whole detail; a plain '
    + 'user sees only the items about their own work (their orders, their strategies\' skips, latencies and errors; skip counts '
    + 'of the FT strategies they may read), no global counts and no system errors'), 400: problemResponse('Invalid limit or cursor') },
});

const time = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
const runJson = (r: JobRunRow, detail: unknown) => ({ run_id: r.run_id, job: r.job, started_at: time(r.started_at)!,
  finished_at: time(r.finished_at), status: r.status, detail: (detail ?? null) as JsonValueOut });

export const jobRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = pageOf(await jobRunsPage(deps.db, { limit, after: cursor }), limit, (r) => r.key);
    const runs = page.items.map((r) => r.row);
    const details = isOperator(c) ? runs.map((r) => r.detail) : await ownJobDetails(deps.db, c.get('user').userId, runs);
    return c.json({ runs: runs.map((r, i) => runJson(r, details[i])), next_cursor: page.next_cursor }, 200);
  });
