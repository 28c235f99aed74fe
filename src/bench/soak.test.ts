/**
 * `tandem soak --minutes 0.2 --sample-seconds 2` through the CLI, as `npm run soak` runs it: it starts the service, reads every endpoint,
 * samples RSS and the counters, writes its JSON and exits 0 exactly when its verdict holds. Timing figures are not checked
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledCli } from '../../test/support/compiled.ts';
import type { SoakReport } from './soak.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'tandem-soak-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function soak(out: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [...compiledCli(), 'soak', '--minutes', '0.2', '--sample-seconds', '2', '--out', out],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  return new Promise((done) => child.once('exit', (code) => done({ code, stderr, stdout })));
}

describe('tandem soak', () => {
  // The process runs the embedded PGlite demo whatever TEST_DATABASE_URL says: the PGlite pass of the suite covers it
  it.skipIf(Boolean(process.env.TEST_DATABASE_URL))('reads every endpoint, samples RSS and throughput, and writes a report whose verdict is its exit code', async () => {
    const out = join(dir, 'soak.json');
    const run = await soak(out);
    expect(run.stderr).toMatch(/soak: \d+(\.\d)?s rss [\d.]+ MB; reads \d+/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as SoakReport;
    expect(run.code, run.stdout + run.stderr.slice(-2000)).toBe(report.ok ? 0 : 1);
    expect(report.broken.length === 0).toBe(report.ok);
    expect(report.service.live_strategies.length).toBeGreaterThan(0);
    const endpoints = Object.keys(report.reads.by_endpoint);
    expect(endpoints).toEqual(expect.arrayContaining(['/api/overview', '/api/lt/strategies', '/api/lt/orders',
      '/api/ft/wallets', '/api/lt/strategies/{id}/series']));
    for (const e of endpoints) {
      const r = report.reads.by_endpoint[e]!;
      expect(r.count, e).toBeGreaterThan(0);
      expect(r.p50_ms <= r.p90_ms && r.p90_ms <= r.p99_ms && r.p99_ms <= r.max_ms, e).toBe(true);
    }
    expect(report.reads.total).toBe(endpoints.reduce((n, e) => n + report.reads.by_endpoint[e]!.count, 0));
    expect(report.samples.length).toBeGreaterThanOrEqual(3);
    for (const s of report.samples) expect(s.rss_mb, JSON.stringify(s)).toBeGreaterThan(0);
    expect(report.totals!.ft_orders).toBeGreaterThan(0); // the demo strategies trade
    expect(report.rss).toMatchObject({ growth_bound_mb: expect.any(Number), ceiling_mb: expect.any(Number),
      within_bound: expect.any(Boolean) });
    expect(report.rss.max_mb).toBe(Math.max(...report.samples.map((s) => s.rss_mb)));
  }, 600_000);
});
