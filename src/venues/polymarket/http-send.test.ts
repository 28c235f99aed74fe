// @backend-independent
/** undiciSend on loopback: the reply's status, text and Retry-After; a timeout, a refused connection and a reset as rejections */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, undiciSend } from './http-send.ts';

let server: Server;
let base: string;
const seen: { method: string; body: string; key: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', body, key: req.headers['poly_api_key'] as string | undefined });
      if (req.url === '/hang') return; // never answered: only the client's timeout ends it
      if (req.url === '/reset') return req.socket.destroy();
      if (req.url === '/busy') return res.writeHead(429, { 'retry-after': '3' }).end('{"error":"slow down"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('undiciSend', () => {
  it('sends the method, headers and body, and gives back the status, the text and Retry-After', async () => {
    const ok = await undiciSend({ url: new URL(`${base}/order`), method: 'POST', headers: { POLY_API_KEY: 'k1' }, body: '{"a":1}', timeoutMs: 30_000 });
    expect(ok).toEqual({ status: 200, text: JSON.stringify({ echo: '{"a":1}' }), retryAfter: null });
    expect(seen.at(-1)).toEqual({ method: 'POST', body: '{"a":1}', key: 'k1' });
    const busy = await undiciSend({ url: new URL(`${base}/busy`), method: 'GET', headers: {}, timeoutMs: 30_000 });
    expect(busy).toEqual({ status: 429, text: '{"error":"slow down"}', retryAfter: '3' });
  });

  it('rejects with a TimeoutError when no answer comes in time', async () => {
    const error = await undiciSend({ url: new URL(`${base}/hang`), method: 'POST', headers: {}, body: '{}', timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('rejects with the socket error code when the connection is refused or reset', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await undiciSend({ url: new URL(`http://127.0.0.1:${port}/x`), method: 'GET', headers: {}, timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(errorCode(refused)).toBe('ECONNREFUSED');
    const reset = await undiciSend({ url: new URL(`${base}/reset`), method: 'POST', headers: {}, body: '{}', timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(Error);
    expect(errorCode(reset)).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
  });
});
