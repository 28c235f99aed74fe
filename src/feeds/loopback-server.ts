/** A scripted HTTP server on 127.0.0.1 (port 0) for feed tests; records requests and peak concurrency */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (keeps the request in flight) */
  delayMs?: number;
}

export interface SeenRequest {
  path: string;
  query: URLSearchParams;
}

export type Handler = (req: SeenRequest) => Reply | Promise<Reply>;

export interface LoopbackServer {
  baseUrl: string;
  requests: SeenRequest[];
  /** Most requests being answered at the same time */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

export async function startLoopback(handler: Handler): Promise<LoopbackServer> {
  const requests: SeenRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen = { path: url.pathname, query: url.searchParams };
    requests.push(seen);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    void (async () => {
      const reply = await handler(seen);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      inFlight -= 1;
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? null);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(body);
    })().catch((err: unknown) => {
      inFlight -= 1;
      res.writeHead(599);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
