/** A webhook receiver on 127.0.0.1 (port 0): records each POST's JSON body and answers with the status the test picks */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  contentType: string;
  body: Record<string, any>; // the webhook JSON, checked field by field
}

export interface Receiver {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  base: string;
  posts: Received[];
  close(): Promise<void>;
}

/** `answer(n)` for the n-th request (from 1): an HTTP status, or 'hang' to never answer */
export async function startReceiver(answer: (n: number) => number | 'hang' = () => 200): Promise<Receiver> {
  const posts: Received[] = [];
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      n += 1;
      const text = Buffer.concat(chunks).toString('utf8');
      posts.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: text ? JSON.parse(text) : {} });
      const status = answer(n);
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    posts,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
