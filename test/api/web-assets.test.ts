/**
 * The dashboard's static assets: every built dist/web/assets/*.js and *.css file (vitest's global setup builds web/) by
 * an allow-list read from disk, with its content type and without a token; the app's page at `/` and at each page route;
 * nothing else (traversal in any spelling, through the in-process app and through a real socket with the raw request
 * line); the API still refuses requests without a token
 */
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { WEB_DIST, webAssets } from '../../src/api/web.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { silentLog } from '../../src/log.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';
import { idleVenue } from '../support/api-client.ts';

const ASSETS = `${WEB_DIST}assets/`;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE_JSON = readFileSync(`${ROOT}package.json`, 'utf8');
const TRAVERSALS = [
  '/..%2Fpackage.json', '/..%2fpackage.json', '/%2e%2e%2Fpackage.json', '/%2E%2E/package.json', '/x/../../package.json',
  '/../package.json', '/..%5Cpackage.json', '/..\\package.json', '/web/../package.json', '/%2e%2e%2fsrc%2fmain.ts',
  '/..%2Fsrc%2Fapi%2Fapp.ts', '/x/..%2F..%2Fpackage.json', '/app.js%2F..%2F..%2Fpackage.json', '/..%252Fpackage.json',
  '/package.json', '/index.html', '/tsconfig.json', '/App.js', '/app.JS', '/app.js.map', '/.app.js', '/app.ts',
  '/web/app.js', '/%61pp.js/', '/app.js%00.css', '/nope.js', '/x/app.js', '/assets/../package.json', '/assets/%2e%2e%2fpackage.json',
  '/assets/..%2F..%2Fpackage.json', '/assets/nope.js', '/assets/', '/dist/web/index.html', '/src/main.tsx', '/web/src/main.tsx',
  '/lt/..%2F..%2Fpackage.json', '/build.json', '/assets/build.json',
];
const PAGES = ['/', '/lt/LT_1', '/ft/SOME_WALLET', '/orders/abc-123', '/new', '/audit', '/lt/LT_1/'];

let t: TestDb;
let app: ReturnType<typeof createApp>;
let server: ServerType;
let port: number;

beforeAll(async () => {
  t = await openTestDb();
  app = createApp({ db: t.db, clock: new ManualClock('2026-03-01T12:00:00Z'), log: silentLog, venue: idleVenue(new ManualClock('2026-03-01T12:00:00Z')), version: 'test',
    runJob: async () => ({ ran: false, reason: 'none' }) });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((done) => (server.listening ? done() : server.once('listening', () => done())));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await t?.close();
});

/** A GET with the path sent byte for byte as given (no URL normalization on the client side) */
function raw(path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => done({ status: res.statusCode!, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe(`dashboard assets on ${backendName}`, () => {
  const files = readdirSync(ASSETS).filter((f) => /^[A-Za-z0-9_-]+\.(js|css)$/.test(f));

  it('lists exactly the built assets, each with its content type', () => {
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    expect(files.some((f) => f.endsWith('.css'))).toBe(true);
    const assets = webAssets();
    expect([...assets.keys()].sort()).toEqual([...files].sort());
    for (const [f, type] of assets) expect(type, f).toBe(f.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
  });

  it('serves every asset without a token, byte for byte, in process and over a socket', async () => {
    for (const f of files) {
      const type = f.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
      const res = await app.request(`/assets/${f}`);
      expect(res.status, f).toBe(200);
      expect(res.headers.get('content-type'), f).toBe(type);
      expect(res.headers.get('cache-control'), f).toContain('immutable');
      expect(res.headers.get('x-content-type-options'), f).toBe('nosniff');
      expect(await res.text(), f).toBe(readFileSync(`${ASSETS}${f}`, 'utf8'));
      const r = await raw(`/assets/${f}`);
      expect([r.status, r.type, r.body === readFileSync(`${ASSETS}${f}`, 'utf8')], f).toEqual([200, type, true]);
    }
  });

  it('serves the app at / and at every page route, and the page names only served assets', async () => {
    const index = readFileSync(`${WEB_DIST}index.html`, 'utf8');
    for (const path of PAGES) {
      const page = await app.request(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(await page.text(), path).toBe(index);
    }
    const named = [...index.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThanOrEqual(2);
    for (const f of named) expect((await app.request(`/assets/${f}`)).status, f).toBe(200);
  });

  it('never serves anything but the app and its assets, however the path is spelled', async () => {
    for (const path of TRAVERSALS) {
      const inProcess = await app.request(path);
      const text = await inProcess.text();
      expect(inProcess.status, path).toBe(404);
      expect(text, path).not.toContain('"devDependencies"');
      const r = await raw(path);
      expect(r.status, `raw ${path}`).toBeGreaterThanOrEqual(400);
      expect(r.body, `raw ${path}`).not.toContain('"devDependencies"');
      expect(r.body, `raw ${path}`).not.toBe(PACKAGE_JSON);
    }
  });

  it('keeps the API authenticated', async () => {
    for (const path of ['/api/alerts', '/api/ft/wallets', '/api/lt/strategies']) {
      const res = await app.request(path);
      expect([res.status, res.headers.get('content-type')], path).toEqual([401, 'application/problem+json']);
    }
    expect((await app.request('/api/health')).status).toBe(200);
  });
});
