/**
 * The clients of `dashboard_endpoints_p99_ms`, run in a child process of their own: a dashboard's readers are browsers
 * elsewhere, so their HTTP and JSON work must not share the server's thread (in the bench's process they took it for
 * a share of every request they timed). Each client walks the endpoint list `rounds` times from its own offset; a
 * request is timed from its send to the last byte of its answer
 */
import { spawn } from 'node:child_process';
import { childArgs } from '../child-entry.ts';

export interface ClientsJob {
  base: string;
  /** Endpoint name → path (with its query) */
  paths: Record<string, string>;
  headers: Record<string, string>;
  clients: number;
  rounds: number;
  /** No request starts after this long */
  budgetMs: number;
}

/** Each endpoint's request times in ms */
export type ClientTimes = Record<string, number[]>;

/** One GET: its time to the answer's last byte; an answer other than 200 with JSON is an error naming it */
async function timedGet(url: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${body.slice(0, 300)}`);
  JSON.parse(body);
  return ms;
}

/** The walks, in this process: every client at once */
export async function walk(job: ClientsJob): Promise<ClientTimes> {
  const names = Object.keys(job.paths);
  const times: ClientTimes = Object.fromEntries(names.map((n) => [n, []]));
  const deadline = Date.now() + job.budgetMs;
  const client = async (k: number) => {
    for (let r = 0; r < job.rounds && Date.now() < deadline; r++) {
      for (let i = 0; i < names.length && Date.now() < deadline; i++) {
        const name = names[(i + k) % names.length]!;
        times[name]!.push(await timedGet(job.base + job.paths[name]!, job.headers));
      }
    }
  };
  await Promise.all(Array.from({ length: job.clients }, (_, k) => client(k)));
  return times;
}

/** The walks in a child process (endpoint-clients-child.ts): the job on its stdin, the times on its stdout */
export function walkElsewhere(job: ClientsJob): Promise<ClientTimes> {
  const child = spawn(process.execPath, childArgs(import.meta.url, './endpoint-clients-child.ts'), { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdin.end(JSON.stringify(job));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => {
      if (code === 0) done(JSON.parse(out) as ClientTimes);
      else fail(new Error(`the endpoint clients' process exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}
