/**
 * `tandem start` as a child process, as a user runs it: embedded PGlite in DATA_DIR, the simulated world and venue,
 * a loopback port of its own; its API called over HTTP with the operator's token
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childArgs } from '../child-entry.ts';
import { serviceUrl, stopChild } from './service-rss.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServiceChild {
  child: ChildProcess;
  pid: number;
  url: string;
  token: string;
  /** The last lines the service wrote to stderr (its log) */
  stderrTail(): string;
  /** GET (or POST with `body`) as the operator: status and parsed JSON, with the time it took in ms */
  api(path: string, body?: unknown): Promise<{ status: number; json: unknown; ms: number }>;
  stop(): Promise<void>;
}

/** Starts `tandem start` on `dataDir` with the demo's settings and `env` over them; resolves once it serves */
export async function startServiceChild(dataDir: string, env: Record<string, string> = {}): Promise<ServiceChild> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info',
    FT_SOURCE: 'sim', VENUE: 'simulated', SEED_DEMO: 'true', ...env };
  delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, [...childArgs(import.meta.url, '../cli/main.ts'), 'start'],
    { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  let url: string;
  try {
    url = await serviceUrl(child);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  const token = readFileSync(join(dataDir, 'operator.token'), 'utf8').trim();
  const api = async (path: string, body?: unknown) => {
    const t0 = performance.now();
    const res = await fetch(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json().catch(() => null);
    return { status: res.status, json, ms: performance.now() - t0 };
  };
  return { child, pid: child.pid!, url, token, api, stderrTail: () => tail, stop: () => stopChild(child) };
}
