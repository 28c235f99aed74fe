/**
 * Every job Tandem runs, in one place: its cadence and whether it is global (one worker at a time runs it, under the
 * global lease) or per strategy (each worker runs it for the live strategies it holds the lease of)
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';

export type JobScope = 'global' | 'per-strategy';

export interface JobSpec {
  name: string;
  scope: JobScope;
  /** Its cron; null: it runs only when an event triggers it */
  cadence: (config: Config) => string | null;
  does: string;
}

/** The job that mirrors new paper orders as they are committed (the live path's trigger) */
export const LT_SIGNALS_JOB = 'lt-signals';

/** The job that keeps the dashboard's read models built (src/engine/read-model-refresh.ts) */
export const READ_MODELS_JOB = 'read-models';

/** The alerts job runs every minute */
export const ALERTS_CRON = '*/1 * * * *';

export const JOB_CATALOG: readonly JobSpec[] = [
  { name: 'ft-sync', scope: 'global', cadence: (c) => c.ftSyncCron,
    does: 'reads the followed traders\' new trades and records the paper strategies\' orders (FT_SYNC_CRON)' },
  { name: 'ft-resolve', scope: 'global', cadence: (c) => c.ftResolveCron,
    does: 'settles the paper orders of resolved markets (FT_RESOLVE_CRON)' },
  { name: 'lt-execute', scope: 'per-strategy', cadence: (c) => c.ltExecuteCron,
    does: 'books what the venue reports for the held strategies\' orders, then mirrors their new signals (LT_EXECUTE_CRON)' },
  { name: LT_SIGNALS_JOB, scope: 'per-strategy', cadence: () => null,
    does: 'mirrors new paper orders of the held strategies as they are committed (NOTIFY ft_orders)' },
  { name: 'lt-resolve', scope: 'global', cadence: (c) => c.ltResolveCron,
    does: 'settles and redeems the live positions of resolved markets (LT_RESOLVE_CRON)' },
  { name: READ_MODELS_JOB, scope: 'global', cadence: (c) => c.readModelsCron,
    does: 'brings the dashboard\'s read models of every launched strategy up to date, and at start (READ_MODELS_CRON)' },
  { name: 'alerts', scope: 'global', cadence: () => ALERTS_CRON,
    does: 'checks the alert rules and delivers new alerts (every minute)' },
];

export function jobSpec(name: string): JobSpec | undefined {
  return JOB_CATALOG.find((j) => j.name === name);
}

/** This process's identity as a worker: hostname:pid:random (the random part tells a restarted pid apart) */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
