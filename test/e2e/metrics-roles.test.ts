// @backend-independent
/**
 * What each role exposes (`tandem start --role`, PGlite): a worker serves no HTTP but /metrics alone on METRICS_PORT;
 * an api process serves /metrics on its port and says in /api/health that it runs no jobs; without METRICS_TOKEN
 * /metrics is off (404)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/engine/clock.ts';
import type { Role } from '../../src/jobs/roles.ts';
import { silentLog } from '../../src/log.ts';
import { startTandem, type Tandem } from '../../src/main.ts';
import { seedPgliteDir } from '../support/pglite-seed.ts';

const TOKEN = 'role-metrics-token-0123456789';

describe('/metrics and /api/health per role (pglite)', () => {
  let tandem: Tandem | null = null;
  let dir = '';
  afterEach(async () => {
    await tandem?.stop();
    tandem = null;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(role: Role, env: Record<string, string>): Promise<Tandem> {
    dir = mkdtempSync(join(tmpdir(), 'tandem-metrics-role-'));
    await seedPgliteDir(dir);
    tandem = await startTandem(loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', FT_SOURCE: 'none',
      SEED_DEMO: 'false', ...env }), silentLog, systemClock, { role });
    return tandem;
  }

  const bearer = { authorization: `Bearer ${TOKEN}` };

  it('a worker serves /metrics alone on METRICS_PORT, with the token', async () => {
    const t = await start('worker', { METRICS_TOKEN: TOKEN, METRICS_PORT: '0' });
    expect(t.url).toBe('');
    expect(t.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(t.metricsUrl!, { headers: bearer });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('tandem_job_failures_total{job="lt-execute"} 0');
    expect(text).toContain('tandem_metrics_database_up 1');
    expect((await fetch(t.metricsUrl!)).status).toBe(401);
    expect((await fetch(new URL('/api/health', t.metricsUrl))).status).toBe(404);
  }, 120_000);

  it('an api process serves /metrics on its own port and runs no jobs; without METRICS_TOKEN /metrics is 404', async () => {
    let t = await start('api', { METRICS_TOKEN: TOKEN });
    expect(t.metricsUrl).toBeUndefined();
    expect((await fetch(new URL('/metrics', t.url), { headers: bearer })).status).toBe(200);
    const health = await (await fetch(new URL('/api/health', t.url))).json() as Record<string, any>;
    expect(health).toMatchObject({ process: { role: 'api', worker_id: t.workerId }, feeds: [], scheduler: { runs_jobs: false } });
    await t.stop();
    tandem = null;
    rmSync(dir, { recursive: true, force: true });
    t = await start('all', { METRICS_PORT: '0' });
    expect(t.metricsUrl).toBeUndefined();
    expect((await fetch(new URL('/metrics', t.url), { headers: bearer })).status).toBe(404);
    expect((await (await fetch(new URL('/api/health', t.url))).json()).scheduler.runs_jobs).toBe(true);
  }, 120_000);
});
