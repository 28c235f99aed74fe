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

export interface ClientsResult {
  /** Each endpoint's request times in ms */
  times: Record<string, number[]>;
  /** The walks' wall time in ms (the child's start not included) */
  ms: number;
}

/**
 * One GET of a dashboard read: its JSON and its time to the answer's last byte (parsing not included); an answer other
 * than 200 with JSON is an error naming the URL
 */
export async function getJson(url: string, headers: Record<string, string>): Promise<{ json: unknown; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${body.slice(0, 300)}`);
  try {
    return { json: JSON.parse(body), ms };
  } catch {
    throw new Error(`GET ${url}: not JSON: ${body.slice(0, 300)}`);
  }
}

/** The walks, in this process: every client at once; the first failed read stops them all and is the error */
export async function walk(job: ClientsJob): Promise<ClientsResult> {
  const names = Object.keys(job.paths);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const started = performance.now();
  const deadline = Date.now() + job.budgetMs;
  let failed = false;
  const going = () => !failed && Date.now() < deadline;
  const client = async (k: number) => {
    for (let r = 0; r < job.rounds && going(); r++) {
      for (let i = 0; i < names.length && going(); i++) {
        const name = names[(i + k) % names.length]!;
        times[name]!.push((await getJson(job.base + job.paths[name]!, job.headers)).ms);
      }
    }
  };
  await Promise.all(Array.from({ length: job.clients }, (_, k) => client(k).catch((e: unknown) => {
    failed = true;
    throw e;
  })));
  return { times, ms: performance.now() - started };
}

/** The walks in a child process (endpoint-clients-child.ts): the job on its stdin, the result on its stdout */
export function walkElsewhere(job: ClientsJob): Promise<ClientsResult> {
  const child = spawn(process.execPath, childArgs(import.meta.url, './endpoint-clients-child.ts'), { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdin.on('error', () => {}); // a child that died first: its exit says why
  child.stdin.end(JSON.stringify(job));
  return new Promise((done, fail) => {
    child.once('error', fail);
    // 'close': the child has exited and its output has all been read
    child.once('close', (code, signal) => {
      if (code !== 0) {
        fail(new Error(`the endpoint clients' process ended (${signal ?? `exit ${code}`}): ${err.slice(-2000)}`));
        return;
      }
      try {
        done(JSON.parse(out) as ClientsResult);
      } catch (e) {
        fail(new Error(`the endpoint clients' process wrote no result (${String(e)}): ${out.slice(0, 300)} ${err.slice(-2000)}`));
      }
    });
  });
}
