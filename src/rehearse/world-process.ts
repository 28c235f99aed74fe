/**
 * Starts the rehearsal's world (src/rehearse/world-child.ts) as a child process and talks to it over loopback: Tandem
 * then shares its event loop with nothing but itself, as against Polymarket. The child dies with this process (its
 * stdin closes) or on `stop`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { childArgs } from '../child-entry.ts';
import type { WorldChildOptions, WorldChildReady, WorldChildState } from './world-child.ts';

export interface WorldProcess extends WorldChildReady {
  state(account: string): Promise<WorldChildState>;
  /** No new trades, listings or resolutions from now on (the simulator keeps serving) */
  freeze(): Promise<void>;
  stop(): Promise<void>;
}

/** How long the child may take to serve (it builds the world's history first) */
const START_TIMEOUT_MS = 120_000;

function waitReady(child: ChildProcess, errors: string[]): Promise<WorldChildReady> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the world did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as WorldChildReady);
      } catch {
        reject(new Error(`the world answered "${line.slice(0, 200)}" instead of its addresses`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the world exited (${code}) before serving: ${errors.join('').slice(-2000)}`));
    });
  });
}

async function call<T>(url: string, method: 'GET' | 'POST'): Promise<T> {
  const res = await fetch(url, { method });
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}`);
  return (await res.json()) as T;
}

export async function startWorldProcess(options: WorldChildOptions): Promise<WorldProcess> {
  const args = [...childArgs(import.meta.url, './world-child.ts'), JSON.stringify(options)];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const errors: string[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    errors.push(d.toString());
    if (errors.length > 50) errors.shift();
  });
  let ready: WorldChildReady;
  try {
    ready = await waitReady(child, errors);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const exited = new Promise<void>((done) => (child.exitCode !== null ? done() : child.once('exit', () => done())));
  return {
    ...ready,
    state: (account) => call<WorldChildState>(`${ready.controlUrl}/state?account=${encodeURIComponent(account)}`, 'GET'),
    freeze: async () => {
      await call(`${ready.controlUrl}/freeze`, 'POST');
    },
    stop: async () => {
      child.stdin!.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
