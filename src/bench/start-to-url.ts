/**
 * `start_to_url_ms`: `npm start` as an installed checkout runs it (dependencies installed, `npm run build` done:
 * prestart finds the build current and the compiled dist/cli/main.js starts), on a fresh PGlite DATA_DIR with the
 * simulated world and the demo strategies: the time from spawning it to the "Tandem is running at" line on stdout.
 * Median of RUNS; each run's CPU time (its whole process group: npm, prestart, the service) is in the detail, which
 * tells a loaded machine's wait from the work itself
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchSpec, Measured } from './report.ts';
import { requireBuild, serviceEnv, serviceUrl } from './service-rss.ts';

export const START_SPEC: BenchSpec = { name: 'start_to_url_ms', unit: 'ms', target: 10_000, comparator: '<=' };

/** Starts measured (the median is the value); `--quick` measures one */
const RUNS = { full: 3, quick: 1 } as const;
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** CPU time (user + system, ms) of the processes in process group `pgid`: the live ones and the children they reaped */
function groupCpuMs(pgid: number): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) total += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // gone meanwhile
    }
  }
  return (total * 1000) / tick;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 20_000))]);
  signal('SIGKILL');
}

async function oneStart(): Promise<{ ms: number; cpuMs: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-start-'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const t0 = performance.now();
  const child = spawn(npm, ['start', '--silent'], { cwd: ROOT, env: serviceEnv(dataDir), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stderr!.resume();
  try {
    await serviceUrl(child);
    const ms = performance.now() - t0;
    return { ms: Math.round(ms), cpuMs: Math.round(groupCpuMs(child.pid!)) };
  } finally {
    await stopGroup(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measureStartToUrl(progress: (text: string) => void, options: BenchOptions = {}): Promise<Measured> {
  requireBuild();
  const count = options.quick ? RUNS.quick : RUNS.full;
  const runs: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < count; i++) {
    runs.push(await oneStart());
    progress(`start_to_url_ms: run ${i + 1}/${count}: ${runs.at(-1)!.ms} ms (CPU ${runs.at(-1)!.cpuMs} ms)`);
  }
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  return {
    value: sorted[Math.floor(count / 2)]!.ms, samples: count,
    detail: {
      runs_ms: runs.map((r) => r.ms), cpu_ms: runs.map((r) => r.cpuMs), command: 'npm start (compiled dist/, build current)',
      database: 'PGlite (fresh DATA_DIR)', source: 'FT_SOURCE=sim, VENUE=simulated, SEED_DEMO=true',
    },
  };
}
