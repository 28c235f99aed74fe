/** The scheduler: each job, its cadence, and the one engine function it calls; every run is recorded */
import { Cron } from 'croner';
import { PartialFailure } from '../domain/errors.ts';
import type { Clock, Log, Metrics } from '../engine/ports.ts';
import type { Db } from '../store/db.ts';
import { finishJobRun, startJobRun } from '../store/job-store.ts';

export interface Job {
  name: string;
  /** Its cadence; null: it runs only when triggered or run now (an event's job) */
  cron: string | null;
  /** `signal` is aborted when the scheduler stops: a long job may end early (its work so far kept) */
  run: (signal: AbortSignal) => Promise<unknown>;
}

export interface JobNow {
  ran: boolean;
  report?: unknown;
  /** Why it did not run */
  reason?: string;
}

export interface Scheduler {
  /** Runs a job now (skipped if it is already running); resolves with its report */
  runNow(name: string): Promise<JobNow>;
  /** Event-driven run: now, or once more right after the current run if one is under way */
  trigger(name: string): void;
  stop(): Promise<void>;
}

export interface SchedulerDeps {
  db: Db;
  clock: Clock;
  log: Log;
  /** This process's worker id, recorded with each run in job_runs */
  workerId?: string;
  /**
   * Whether this process may run `job` now (a global job: while it holds the global lease); a cron tick it may not
   * run is skipped without a run recorded. Default: every job
   */
  may?: (job: string) => boolean;
  /** Where each run's duration and each failure are reported (label `job`); absent: nowhere */
  metrics?: Metrics;
}

export function startScheduler(jobs: Job[], deps: SchedulerDeps): Scheduler {
  const running = new Map<string, Promise<unknown>>();
  const stopping = new AbortController();
  const again = new Set<string>();
  const execute = async (job: Job): Promise<JobNow> => {
    if (running.has(job.name)) return { ran: false, reason: 'already running' };
    if (deps.may && !deps.may(job.name)) return { ran: false, reason: 'another worker runs it' };
    const work = recordRun(job, deps, stopping.signal);
    running.set(job.name, work);
    try {
      return { ran: true, report: await work };
    } finally {
      running.delete(job.name);
      if (again.delete(job.name)) void execute(job).catch(() => undefined);
    }
  };
  const crons = jobs.flatMap((job) => (job.cron === null ? [] : [new Cron(job.cron, { name: job.name, protect: true }, async () => {
    await execute(job).catch(() => undefined); // recordRun already logged and stored the failure
  })]));
  return {
    runNow: async (name) => {
      const job = jobs.find((j) => j.name === name);
      if (!job) return { ran: false, reason: `no ${name} job is configured` };
      return execute(job);
    },
    trigger: (name) => {
      const job = jobs.find((j) => j.name === name);
      if (!job) return;
      if (running.has(name)) again.add(name);
      else void execute(job).catch(() => undefined);
    },
    stop: async () => {
      again.clear();
      stopping.abort(); // the jobs under way may end early; each still records its run
      for (const c of crons) c.stop();
      await Promise.allSettled(running.values());
    },
  };
}

async function recordRun(job: Job, deps: SchedulerDeps, signal: AbortSignal): Promise<unknown> {
  const runId = await startJobRun(deps.db, job.name, deps.clock.now(), deps.workerId ?? null);
  const started = Date.now();
  try {
    const report = await job.run(signal);
    await finishJobRun(deps.db, runId, deps.clock.now(), 'ok', report ?? {});
    deps.log.info('job finished', { job: job.name, ms: Date.now() - started });
    deps.metrics?.observe('job_duration', Date.now() - started, { job: job.name });
    return report;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.metrics?.observe('job_duration', Date.now() - started, { job: job.name });
    deps.metrics?.increment('job_failure', { job: job.name });
    // A partial failure's report (what was done, what failed) is kept with the error
    const detail = error instanceof PartialFailure ? { error: message, ...error.report } : { error: message };
    await finishJobRun(deps.db, runId, deps.clock.now(), 'failed', detail).catch(() => undefined);
    deps.log.error('job failed', { job: job.name, error: message });
    throw error;
  }
}
