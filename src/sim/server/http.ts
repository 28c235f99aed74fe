/** A minimal HTTP layer over node:http: path-pattern routing, body reading, JSON replies and the fault hooks */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.ts';
import { sleep } from './util.ts';

export interface Req {
  method: string;
  /** Path without the query string */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The body exactly as received ('' when none) */
  body: string;
}

export interface Answer {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** An answer, or `drop`: destroy the socket without answering (the request's effects stay) */
export type Reply = Answer | { drop: true };

export type Handler = (req: Req) => Reply | Promise<Reply>;

export const json = (status: number, body: unknown): Answer => ({ status, body });
export const fail = (status: number, error: string): Answer => ({ status, body: { error } });
export const text = (status: number, body: string): Answer => ({ status, body, contentType: 'text/plain; charset=utf-8' });

/** Parses a JSON body; undefined when empty or malformed */
export function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** The handler for a request, 'method' when only the method is wrong, or null */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method' | null {
    const segs = path.split('/').filter(Boolean);
    let wrongMethod = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, segs);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      wrongMethod = true;
    }
    return wrongMethod ? 'method' : null;
  }
}

function matchParts(parts: string[], segs: string[]): Record<string, string> | null {
  if (parts.length !== segs.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(segs[i]!);
    else if (part !== segs[i]) return null;
  }
  return params;
}

const MAX_BODY = 1_000_000;

export async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function send(res: ServerResponse, reply: Answer): void {
  const isText = typeof reply.body === 'string' && reply.contentType !== undefined;
  const payload = isText ? (reply.body as string) : JSON.stringify(reply.body ?? null);
  res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json', ...reply.headers });
  res.end(payload);
}

/**
 * Serves one request: faults (429/403/500 and latency) first unless `exempt`, then the route. The `/_sim` admin routes
 * are exempt so tests can always reach them
 */
export async function serve(
  router: Router, faults: Faults, req: IncomingMessage, res: ServerResponse, before: () => void,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const exempt = url.pathname.startsWith('/_sim/');
  const body = await readBody(req);
  if (!exempt) {
    const latency = faults.current.latencyMs;
    if (latency > 0) await sleep(latency);
    const fault = faults.beforeRequest();
    if (fault.kind === 'status') {
      send(res, { status: fault.status, body: fault.body, contentType: fault.contentType, headers: fault.headers ?? {} });
      return;
    }
  }
  if (body === null) return send(res, fail(400, 'Payload exceeds the limit'));
  before();
  const method = (req.method ?? 'GET').toUpperCase();
  const found = router.match(method, url.pathname);
  if (found === null) return send(res, text(404, '404 page not found'));
  if (found === 'method') return send(res, text(405, 'Method Not Allowed'));
  const reply = await found.handler({
    method, path: url.pathname, query: url.searchParams, params: found.params, headers: req.headers, body,
  });
  if ('drop' in reply) {
    req.socket.destroy();
    return;
  }
  send(res, reply);
}
