/**
 * `dashboard_first_paint_ms`: how long the dashboard takes to show the demo data. `tandem start` runs in a child
 * process (compiled: dist/cli/main.js, as `npm start` runs it) on a fresh PGlite DATA_DIR with the simulated world;
 * once the world has traded for a while (SIZE.warmMs), a headless Chromium (/usr/bin/chromium, CHROMIUM_PATH) signed
 * in with the operator token loads `/` SIZE.loads times. Each load's time from navigation start to the overview's
 * paper-strategy table showing its rows is a sample: when the browser painted the first row (Element Timing: the
 * page names that cell `ft-table-rows`). The value is their p95 (the first contentful paint is reported beside it, and
 * when the harness's next script ran after the rows were in the page, which also waits for whatever the page does next)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantiles, type BenchOptions, type BenchSpec, type Measured } from './report.ts';
import { COMPILED_ENTRY, requireBuild, serviceUrl, stopChild } from './service-rss.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from './headless-chromium.ts';

export const PAINT_SPEC: BenchSpec = { name: 'dashboard_first_paint_ms', unit: 'ms', target: 1000, comparator: '<=' };

/** How long the demo world trades before the loads, and how many cold loads are timed; `--quick`: 5 s and 3 loads */
const SIZE = { full: { warmMs: 20_000, loads: 15 }, quick: { warmMs: 5_000, loads: 3 } } as const;

interface Load { painted: number; ready: number; fcp: number | null; rows: number }

/** One cold load of `/` (cache disabled by a fresh context): navigation start → the FT table's rows on screen */
async function loadOnce(browser: import('playwright-core').Browser, url: string, token: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript((t) => localStorage.setItem('tandem.token', t), token);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=ft-table] tbody tr').length > 0, undefined,
      { timeout: 60_000, polling: 'raf' });
    const load = await page.evaluate(() => ({
      ready: performance.now(),
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      rows: document.querySelectorAll('[data-testid=ft-table] tbody tr').length,
    }));
    return { ...load, painted: await rowsPainted(page) };
  } finally {
    await context.close();
  }
}

/** When the first FT row was painted (its Element Timing entry, which the browser may deliver after the frame) */
async function rowsPainted(page: import('playwright-core').Page): Promise<number> {
  const at = await page.evaluate((name) => new Promise<number | null>((done) => {
    const observer = new PerformanceObserver((list) => {
      const entry = list.getEntries().find((e) => (e as PerformanceEntry & { identifier?: string }).identifier === name) as
        (PerformanceEntry & { renderTime: number; loadTime: number }) | undefined;
      if (!entry) return;
      observer.disconnect();
      done(entry.renderTime || entry.loadTime);
    });
    observer.observe({ type: 'element', buffered: true });
    setTimeout(() => done(null), 10_000); // a bound, not a guess: the rows are in the page, their paint is due
  }), PAINT_TIMING);
  if (at === null) throw new Error(`no Element Timing entry '${PAINT_TIMING}' within 10 s of the FT rows showing`);
  return at;
}

/** The Element Timing name the overview gives its FT table's first row (web/src/pages/overview.tsx) */
const PAINT_TIMING = 'ft-table-rows';

export async function measureDashboardPaint(progress: (text: string) => void, options: BenchOptions = {}): Promise<Measured | string> {
  const size = options.quick ? SIZE.quick : SIZE.full;
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`;
  const { chromium } = await import('playwright-core');
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-paint-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    FT_SOURCE: 'sim', VENUE: 'simulated', SEED_DEMO: 'true' };
  delete env.DATABASE_URL;
  requireBuild();
  const child = spawn(process.execPath, [COMPILED_ENTRY, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS], timeout: 60_000 });
  try {
    const url = await serviceUrl(child);
    const token = readFileSync(join(dataDir, 'operator.token'), 'utf8').trim();
    progress(`${PAINT_SPEC.name}: demo world trading for ${size.warmMs / 1000} s at ${url}`);
    await new Promise((r) => setTimeout(r, size.warmMs));
    await loadOnce(browser, `${url}/`, token); // a first load warms the server's caches (the reads are measured after)
    const loads: Load[] = [];
    for (let i = 0; i < size.loads; i++) loads.push(await loadOnce(browser, `${url}/`, token));
    const painted = quantiles(loads.map((l) => l.painted));
    const ready = quantiles(loads.map((l) => l.ready));
    const fcps = loads.map((l) => l.fcp).filter((f): f is number => f !== null);
    const fcp = fcps.length ? quantiles(fcps) : null;
    return {
      value: Math.round(painted.p95), samples: loads.length,
      detail: {
        measure: 'navigation start → the overview\'s first FT row painted (Element Timing), p95 of cold loads (fresh browser context)',
        rows_painted_ms: { p50: Math.round(painted.p50), p95: Math.round(painted.p95) },
        harness_saw_rows_ms: { p50: Math.round(ready.p50), p95: Math.round(ready.p95),
          note: 'when the harness\'s script after waitForFunction ran: after the paint and whatever task the page ran next' },
        first_contentful_paint_ms: fcp && { p50: Math.round(fcp.p50), p95: Math.round(fcp.p95) },
        ft_rows_seen: loads.at(-1)?.rows,
        ft_rows_seen_note: 'rows in the page when the harness saw them: the overview draws its first 30, then the rest',
        warm_seconds: size.warmMs / 1000, viewport: '1280x800', database: 'PGlite (fresh DATA_DIR, demo world)',
      },
    };
  } finally {
    await browser.close();
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
