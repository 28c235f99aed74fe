/**
 * The clients of `dashboard_endpoints_p99_ms`, run in a child process of their own: a dashboard's readers are browsers
 * elsewhere, so their HTTP and JSON work must not share the server's thread (in the bench's process they took it for
 * a share of every request they timed). Each client walks the endpoint list `rounds` times from its own offset; a
 * request is timed from its send to the last byte of its answer
 */
import { spawn } from 'node:child_process';
import { Agent, get } from 'node:http';
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
 * The clients' connections: kept alive between reads, as a browser keeps its connection to the dashboard. node:http
 * rather than fetch: undici's fetch took ~1.7 ms of the clients' CPU per read (measured: 1.4–1.6 s for 800 reads against
 * 0.33–0.45 s with node:http), so ten clients in one process kept its core busy and their reads waited on it, not on
 * the server
 */
const agent = new Agent({ keepAlive: true });

/** A read that has not answered in full by then fails (fetch gave up after 300 s; node:http never does) */
const READ_TIMEOUT_MS = 120_000;

/**
 * One GET of a dashboard read: its JSON and its time to the answer's last byte (parsing not included); an answer other
 * than 200 with JSON, a failed connection or no answer within `timeoutMs` is an error naming the URL
 */
export function getJson(url: string, headers: Record<string, string>, timeoutMs = READ_TIMEOUT_MS): Promise<{ json: unknown; ms: number }> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const failed = (e: Error) => fail(new Error(`GET ${url}: ${e.message}`, { cause: e }));
    const req = get(url, { headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', failed);
      res.on('end', () => {
        const ms = performance.now() - t0;
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return fail(new Error(`GET ${url}: HTTP ${res.statusCode} ${body.slice(0, 300)}`));
        try {
          done({ json: JSON.parse(body), ms });
        } catch {
          fail(new Error(`GET ${url}: not JSON: ${body.slice(0, 300)}`));
        }
      });
    }).on('error', failed);
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
  });
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
