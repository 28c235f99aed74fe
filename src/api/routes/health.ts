/**
 * GET /api/health (no authentication): the database (reachable, kind, version), whether the venue may trade and why
 * not, each feed's state and lag, the scheduler's jobs with their last run and failure, and this process's role and
 * worker id. Public, so it says counts and states only: no wallet address, strategy, user or error text
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { serverVersion } from '../../store/db.ts';
import { jobStates, type JobState } from '../../store/job-store.ts';
import type { ApiDeps, AppEnv, ProcessHealth } from '../context.ts';
import { problem } from '../problem.ts';
import { problemResponse } from '../schemas/common.ts';

const Venue = z.object({
  name: z.string(),
  state: z.enum(['ready', 'degraded', 'off']).describe('ready: trading; degraded: exits and cancels only, no new live entry; off: no order at all'),
  trading: z.boolean().describe('new live entries are sent'),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })).describe('what stops or limits trading'),
  checked_at: z.string().nullable().describe('when preflight last ran'),
});

const Feed = z.object({
  name: z.string().describe('the feed: the simulated world, data-api, rtds'),
  state: z.enum(['connected', 'disconnected', 'waiting']).describe('waiting: not answered yet'),
  last_message_at: z.string().nullable().describe('when it last brought data'),
  lag_seconds: z.number().nullable().describe('seconds since it last brought data (since it connected or was watched, before any); null: never heard'),
});

const JobHealth = z.object({
  name: z.string(),
  scope: z.enum(['global', 'per-strategy']).describe('global: one worker at a time runs it; per-strategy: each worker for the strategies it holds'),
  last_run_at: z.string().nullable().describe('the latest run\'s start, by any worker'),
  last_status: z.enum(['running', 'ok', 'failed']).nullable(),
  last_failure_at: z.string().nullable().describe('the latest failed run\'s start'),
});

const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  database: z.object({
    reachable: z.literal(true).describe('it answered (otherwise the answer is a 503)'),
    kind: z.enum(['pglite', 'postgres']),
    version: z.string(),
  }),
  venue: Venue.optional(),
  process: z.object({
    role: z.enum(['api', 'worker', 'all']).describe('api: HTTP, no jobs; worker: jobs, no HTTP; all: both'),
    worker_id: z.string().describe('this process in job_runs and the leases (host:pid:random)'),
  }).optional(),
  feeds: z.array(Feed).optional().describe('this process\'s feeds (an api process reads none)'),
  scheduler: z.object({
    runs_jobs: z.boolean().describe('whether this process runs the jobs'),
    jobs: z.array(JobHealth).describe('every job Tandem knows, with its runs by any worker; null times: never ran'),
  }).optional(),
  time: z.string(),
});

type HealthJson = z.infer<typeof Health>;

const route = createRoute({
  method: 'get', path: '/api/health', tags: ['system'],
  responses: {
    200: { description: 'The service and its database answer', content: { 'application/json': { schema: Health } } },
    503: problemResponse('The database does not answer within 5 s (problem+json)'),
  },
});

/** A database read that answers within this long, or counts as not reachable */
const DB_TIMEOUT_MS = 5_000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error('timed out')), DB_TIMEOUT_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function venueOf(deps: ApiDeps): z.infer<typeof Venue> | undefined {
  const h = deps.venueHealth?.();
  if (!h) return undefined;
  return { name: h.name, state: h.state, trading: h.state === 'ready', reasons: h.reasons, checked_at: h.checkedAt?.toISOString() ?? null };
}

function feedsOf(p: ProcessHealth, now: Date): z.infer<typeof Feed>[] {
  return p.feeds().map((f) => {
    const heard = f.lastMessageAt ?? f.connectedAt ?? f.watchedSince ?? null;
    const state = f.connected ? 'connected' : f.connectedAt || f.lastMessageAt ? 'disconnected' : 'waiting';
    return { name: f.feed, state, last_message_at: f.lastMessageAt?.toISOString() ?? null,
      lag_seconds: heard ? Math.max(0, now.getTime() - heard.getTime()) / 1000 : null };
  });
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function schedulerOf(p: ProcessHealth, states: JobState[] | null): HealthJson['scheduler'] {
  const byName = new Map((states ?? []).map((s) => [s.job, s]));
  return { runs_jobs: p.runsJobs, jobs: p.jobs.map((j) => {
    const s = byName.get(j.name);
    return { name: j.name, scope: j.scope, last_run_at: iso(s?.lastRunAt ?? null),
      last_status: (s?.lastStatus ?? null) as JobHealth['last_status'], last_failure_at: iso(s?.lastFailureAt ?? null) };
  }) };
}

type JobHealth = z.infer<typeof JobHealth>;

/** The health report; null when the database does not answer */
async function healthOf(deps: ApiDeps): Promise<HealthJson | null> {
  const p = deps.process;
  const [version, states] = await Promise.all([
    withTimeout(serverVersion(deps.db)).catch(() => null),
    p ? withTimeout(jobStates(deps.db, p.jobs.map((j) => j.name))).catch(() => null) : null,
  ]);
  if (version === null) return null;
  const now = deps.clock.now();
  return {
    status: 'ok', version: deps.version,
    database: { reachable: true, kind: deps.db.kind, version }, venue: venueOf(deps),
    ...(p ? { process: { role: p.role, worker_id: p.workerId }, feeds: feedsOf(p, now), scheduler: schedulerOf(p, states) } : {}),
    time: now.toISOString(),
  };
}

export const healthRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
  const h = await healthOf(deps);
  return h ? c.json(h, 200) : problem(c, 503, 'Service unavailable', `the ${deps.db.kind} database does not answer`);
});
