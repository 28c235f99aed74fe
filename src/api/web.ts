/**
 * The dashboard: the Preact app built by Vite into dist/web (scripts/build-web.mjs). `index.html` is served at `/` and at
 * every page route of the app (overview → strategy → order URLs that can be bookmarked); its hashed assets under
 * `/assets/` from an allow-list read from disk, never from a path built from the request. Security headers: security-headers.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import type { AppEnv } from './context.ts';
import { problem } from './problem.ts';

export const WEB_DIST = fileURLToPath(new URL('../../dist/web/', import.meta.url));
/** A built asset's name: no directory, no dot segment, no encoding, one of two types */
const ASSET = /^[A-Za-z0-9_-]+\.(js|css)$/;
const ASSET_TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
/** The app's page routes (web/src/routes.ts): served the app, which routes in the browser */
export const PAGE_ROUTE = /^\/(?:ft|lt|orders|audit|alerts|new)(?:\/[A-Za-z0-9_-]{1,120}){0,3}\/?$/;
const NOT_BUILT = '<!doctype html><meta charset="utf-8"><title>Tandem</title><p>The dashboard is not built. '
  + 'Run <code>npm run build:web</code> (npm start and npm test build it when web/ changed).</p>';

/** The regular files directly in `dir` whose names match ASSET, each with its content type */
export function webAssets(dir: string = `${WEB_DIST}assets/`): Map<string, string> {
  const assets = new Map<string, string>();
  if (!existsSync(dir)) return assets;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const m = ASSET.exec(entry.name);
    if (m && entry.isFile()) assets.set(entry.name, ASSET_TYPES[m[1]!]!);
  }
  return assets;
}

function page(c: Context<AppEnv>) {
  const file = `${WEB_DIST}index.html`;
  if (!existsSync(file)) return c.html(NOT_BUILT, 503);
  return c.html(readFileSync(file, 'utf8'), 200, { 'cache-control': 'no-cache' });
}

export function webRoutes(app: Hono<AppEnv>): void {
  let assets = webAssets();
  app.get('/', page);
  app.get('/assets/:file{[A-Za-z0-9_-]+\\.(?:js|css)}', (c) => {
    const file = c.req.param('file');
    if (!assets.has(file)) assets = webAssets(); // rebuilt since start: the new names
    const type = assets.get(file);
    if (!type) return problem(c, 404, 'Not found', c.req.path);
    let body: string;
    try {
      body = readFileSync(`${WEB_DIST}assets/${file}`, 'utf8');
    } catch {
      return problem(c, 404, 'Not found', c.req.path); // removed since
    }
    // hashed names: a changed file has a new name, so a browser may keep each for good
    return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' });
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('*', async (c, next) => (PAGE_ROUTE.test(c.req.path) ? page(c) : next()));
}
