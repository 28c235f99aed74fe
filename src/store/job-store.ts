/** Job runs: one row per run of a scheduled job, with its outcome and a small JSON detail */
import { randomUUID } from 'node:crypto';
import type { Sql } from './db.ts';
import { isoKey, pageParams, type Keyed, type PageRequest } from './page.ts';

/** Records a run starting; `workerId` is the process that runs it (hostname:pid:random; null: not recorded) */
export async function startJobRun(sql: Sql, job: string, at: Date, workerId: string | null = null): Promise<string> {
  const runId = randomUUID();
  await sql.query(`INSERT INTO job_runs (run_id, job, started_at, status, worker_id) VALUES ($1, $2, $3, 'running', $4)`,
    [runId, job, at.toISOString(), workerId]);
  return runId;
}

export async function finishJobRun(sql: Sql, runId: string, at: Date, status: 'ok' | 'failed', detail: unknown) {
  await sql.query('UPDATE job_runs SET finished_at = $2, status = $3, detail = $4::jsonb WHERE run_id = $1',
    [runId, at.toISOString(), status, JSON.stringify(detail)]);
}

export interface JobRunRow {
  run_id: string;
  job: string;
  started_at: Date;
  finished_at: Date | null;
  status: string;
  detail: unknown;
}

export async function recentJobRuns(sql: Sql, limit: number): Promise<JobRunRow[]> {
  return sql.query<JobRunRow>(
    'SELECT run_id, job, started_at, finished_at, status, detail FROM job_runs ORDER BY started_at DESC LIMIT $1', [limit]);
}

/** A page of job runs, newest first (sort key: started_at, run_id) */
export async function jobRunsPage(sql: Sql, page: PageRequest): Promise<Keyed<JobRunRow>[]> {
  const rows = await sql.query<JobRunRow & { k_at: string }>(
    `SELECT run_id, job, started_at, finished_at, status, detail, ${isoKey('started_at')} AS k_at FROM job_runs
     WHERE $1::timestamptz IS NULL OR (started_at, run_id) < ($1::timestamptz, $2::uuid)
     ORDER BY started_at DESC, run_id DESC LIMIT $3`, pageParams(page, 2));
  return rows.map(({ k_at, ...row }) => ({ row, key: [k_at, row.run_id] }));
}

/** When each job last finished a successful run (by its latest start); null for a job with none */
export async function lastSuccessfulRuns(sql: Sql, jobs: readonly string[]): Promise<Map<string, Date | null>> {
  const rows = await sql.query<{ job: string; last_ok: Date | string | null }>(
    `SELECT j.job, (SELECT r.finished_at FROM job_runs r WHERE r.job = j.job AND r.status = 'ok'
       ORDER BY r.started_at DESC LIMIT 1) AS last_ok
     FROM unnest($1::text[]) AS j(job)`, [jobs]);
  return new Map(rows.map((r) => [r.job, r.last_ok === null ? null : new Date(r.last_ok)]));
}

/** Those of `orderIds` that are orders of `userId`'s strategies (anything that is not a UUID is nobody's) */
export async function userOrderIdsAmong(sql: Sql, userId: string, orderIds: string[]): Promise<Set<string>> {
  const uuids = [...new Set(orderIds.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)))];
  if (uuids.length === 0) return new Set();
  const rows = await sql.query<{ order_id: string }>(
    'SELECT order_id FROM orders WHERE lt_user_id = $1 AND order_id = ANY($2::uuid[])', [userId, uuids]);
  return new Set(rows.map((r) => r.order_id));
}

export interface JobState {
  job: string;
  /** The latest run: its start and its status (running, ok, failed) */
  lastRunAt: Date | null;
  lastStatus: string | null;
  /** The latest failed run's start */
  lastFailureAt: Date | null;
}

/** Per job (any worker's runs): its latest run and latest failure, two index reads each (job_runs_job_time) */
export async function jobStates(sql: Sql, jobs: readonly string[]): Promise<JobState[]> {
  const rows = await sql.query<{ job: string; run_at: Date | string | null; status: string | null; failed_at: Date | string | null }>(
    `SELECT j.job, last.started_at AS run_at, last.status,
       (SELECT r.started_at FROM job_runs r WHERE r.job = j.job AND r.status = 'failed' ORDER BY r.started_at DESC LIMIT 1) AS failed_at
     FROM unnest($1::text[]) WITH ORDINALITY AS j(job, n)
     LEFT JOIN LATERAL (SELECT r.started_at, r.status FROM job_runs r WHERE r.job = j.job ORDER BY r.started_at DESC LIMIT 1) last ON true
     ORDER BY j.n`, [jobs]);
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  return rows.map((r) => ({ job: r.job, lastRunAt: date(r.run_at), lastStatus: r.status, lastFailureAt: date(r.failed_at) }));
}
