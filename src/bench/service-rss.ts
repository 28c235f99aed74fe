/**
 * `service_rss_mb`: `tandem start`, compiled (dist/cli/main.js, what `npm start` runs), in a child process on a fresh
 * PGlite DATA_DIR with PORT=0 and the simulated world;
 * 14 strategies are added through the API to the 86 demo ones (100), then its VmRSS is read every second for
 * TRADING_MS; the maximum is reported. The child is stopped with SIGTERM (SIGKILL if it does not exit)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_STRATEGIES } from '../store/demo-strategies.ts';
import type { BenchOptions, BenchSpec, Measured } from './report.ts';

export const RSS_SPEC: BenchSpec = { name: 'service_rss_mb', unit: 'MB', target: 512, comparator: '<=' };

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The compiled entry `npm start` runs */
export const COMPILED_ENTRY = join(ROOT, 'dist', 'cli', 'main.js');

/** Throws unless `npm run build` has compiled the server (the bench's prestep, `npm run bench`, does) */
export function requireBuild(): void {
  if (!existsSync(COMPILED_ENTRY)) throw new Error(`${COMPILED_ENTRY} is missing: run "npm run build" first`);
}

/** The service's environment on `dataDir`: PGlite, a port of its own, the simulated world and venue, the demo */
export function serviceEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    FT_SOURCE: 'sim', VENUE: 'simulated', SEED_DEMO: 'true' };
  delete env.DATABASE_URL;
  return env;
}

const STRATEGIES = 100;
/** How long RSS is sampled while the world trades; `--quick` samples for 5 s (a lower maximum than a full run may see) */
const TRADING_MS = { full: 60_000, quick: 5_000 } as const;
const START_TIMEOUT_MS = 120_000;

/** VmRSS of a process in MB, or null once it is gone */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resolves with the URL the service prints; rejects if it exits or stays silent too long */
export function serviceUrl(child: ChildProcess): Promise<string> {
  let out = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`tandem start did not start: ${out.slice(-500)}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Tandem is running at (http:\/\/\S+?)\/?\s/.exec(out);
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    });
    child.once('exit', (code) => fail(new Error(`tandem start exited ${code}: ${out.slice(-500)}`)));
  });
}

async function api(url: string, token: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

/** Adds copies of the first demo strategies under new ids until there are `STRATEGIES`; returns the count */
async function topUpStrategies(url: string, token: string): Promise<number> {
  const listed = await api(url, token, '/api/ft/wallets?limit=500');
  const have = (listed.json as { wallets: unknown[] }).wallets.length;
  for (let i = 0; i < STRATEGIES - have; i++) {
    const template = DEMO_STRATEGIES[i % DEMO_STRATEGIES.length]!;
    const created = await api(url, token, '/api/ft/wallets', { ...template, wallet_id: `BENCH_EXTRA_${i + 1}` });
    if (created.status !== 201) throw new Error(`adding a strategy: HTTP ${created.status} ${JSON.stringify(created.json)}`);
  }
  return (await walletCounts(url, token)).strategies;
}

async function walletCounts(url: string, token: string): Promise<{ strategies: number; orders: number }> {
  const wallets = ((await api(url, token, '/api/ft/wallets?limit=500')).json as { wallets: { orders: number }[] }).wallets;
  return { strategies: wallets.length, orders: wallets.reduce((n, w) => n + w.orders, 0) };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 15_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Reads the RSS every second for `ms`; throws if the process disappears */
async function sampleRss(pid: number, ms: number): Promise<number[]> {
  const samples: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const mb = rssMb(pid);
    if (mb === null) throw new Error('tandem start exited while being measured');
    samples.push(mb);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return samples;
}

export async function measureServiceRss(progress: (text: string) => void, options: BenchOptions = {}): Promise<Measured> {
  const tradingMs = options.quick ? TRADING_MS.quick : TRADING_MS.full;
  requireBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-rss-'));
  const child = spawn(process.execPath, [COMPILED_ENTRY, 'start'], { env: serviceEnv(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  try {
    const url = await serviceUrl(child);
    const token = readFileSync(join(dataDir, 'operator.token'), 'utf8').trim();
    const strategies = await topUpStrategies(url, token);
    const before = rssMb(child.pid!) ?? 0;
    progress(`service_rss_mb: ${strategies} strategies at ${url}; sampling RSS for ${tradingMs / 1000} s`);
    const samples = await sampleRss(child.pid!, tradingMs);
    const counts = await walletCounts(url, token);
    const max = Math.max(...samples);
    return {
      value: Math.round(max * 10) / 10, samples: samples.length,
      detail: {
        strategies: counts.strategies, ft_orders_at_end: counts.orders, rss_at_start_mb: Math.round(before),
        rss_last_mb: Math.round(samples.at(-1)!), trading_seconds: tradingMs / 1000, database: 'PGlite (fresh DATA_DIR)',
        command: 'node dist/cli/main.js start (compiled)',
        source: 'FT_SOURCE=sim, VENUE=simulated',
      },
    };
  } finally {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
