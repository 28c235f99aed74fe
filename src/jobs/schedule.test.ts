/** The scheduler records each run with this process's worker id, and skips a job the process may not run now */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { PartialFailure } from '../domain/errors.ts';
import { ManualClock } from '../engine/clock.ts';
import { silentLog } from '../log.ts';
import { JOB_CATALOG, newWorkerId } from './catalog.ts';
import { startScheduler } from './schedule.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.close());

describe(`scheduler runs and workers (${backendName})`, () => {
  it('records the worker id of each run; a job the worker may not run is skipped and not recorded', async () => {
    const workerId = newWorkerId();
    expect(workerId).toMatch(/^[^:]+:\d+:[0-9a-f]{8}$/);
    let allowed = true;
    let ran = 0;
    const scheduler = startScheduler([{ name: 'ft-resolve', cron: null, run: async () => ({ n: ++ran }) }],
      { db: t.db, clock: new ManualClock('2026-05-01T00:00:00Z'), log: silentLog, workerId, may: () => allowed });
    try {
      expect(await scheduler.runNow('ft-resolve')).toEqual({ ran: true, report: { n: 1 } });
      allowed = false;
      expect(await scheduler.runNow('ft-resolve')).toEqual({ ran: false, reason: 'another worker runs it' });
    } finally {
      await scheduler.stop();
    }
    const rows = await t.db.query<{ job: string; worker_id: string; status: string }>(
      `SELECT job, worker_id, status FROM job_runs WHERE job = 'ft-resolve'`);
    expect(rows).toEqual([{ job: 'ft-resolve', worker_id: workerId, status: 'ok' }]);
    expect(ran).toBe(1);
  });

  it('records a failed run\'s message, and a partial failure\'s report with it', async () => {
    const report = { refreshed: 4, errors: [{ model: 'quality', error: 'Error: no such table' }] };
    const scheduler = startScheduler([
      { name: 'alerts', cron: null, run: async () => { throw new Error('webhook down'); } },
      { name: 'read-models', cron: null, run: async () => { throw new PartialFailure('1 read model refresh(es) failed', report); } },
    ], { db: t.db, clock: new ManualClock('2026-05-01T00:00:00Z'), log: silentLog });
    try {
      await expect(scheduler.runNow('alerts')).rejects.toThrow('webhook down');
      await expect(scheduler.runNow('read-models')).rejects.toThrow('1 read model refresh(es) failed');
    } finally {
      await scheduler.stop();
    }
    const rows = await t.db.query<{ job: string; status: string; detail: unknown }>(
      `SELECT job, status, detail FROM job_runs WHERE job IN ('alerts', 'read-models') ORDER BY job`);
    expect(rows).toEqual([
      { job: 'alerts', status: 'failed', detail: { error: 'webhook down' } },
      { job: 'read-models', status: 'failed', detail: { error: '1 read model refresh(es) failed', ...report } },
    ]);
  });

  it('aborts the signal of a job under way when it stops, and waits for the job to end', async () => {
    const seen: { signal?: AbortSignal } = {};
    let ended = false;
    const scheduler = startScheduler([{ name: 'read-models', cron: null, run: async (signal) => {
      seen.signal = signal;
      while (!signal.aborted) await new Promise((r) => setTimeout(r, 5));
      ended = true;
      return { stopped: true };
    } }], { db: t.db, clock: new ManualClock('2026-05-01T00:00:00Z'), log: silentLog });
    const run = scheduler.runNow('read-models');
    while (!seen.signal) await new Promise((r) => setTimeout(r, 5));
    expect(seen.signal.aborted).toBe(false);
    await scheduler.stop();
    expect(ended).toBe(true);
    expect(await run).toEqual({ ran: true, report: { stopped: true } });
  });

  it('lists every job once, each global or per strategy', () => {
    const names = JOB_CATALOG.map((j) => j.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['ft-sync', 'ft-resolve', 'lt-execute', 'lt-signals', 'lt-resolve', 'read-models', 'alerts']);
    expect(JOB_CATALOG.filter((j) => j.scope === 'per-strategy').map((j) => j.name)).toEqual(['lt-execute', 'lt-signals']);
  });
});
