// @backend-independent
/**
 * The dashboard in a real headless Chromium: health, signing in with the operator token, and the table
 * of the 86 demo strategies, against Tandem started in-process on a fresh PGlite DATA_DIR
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLog } from '../../src/log.ts';
import { startTandem, type Tandem } from '../../src/main.ts';
import { watchCsp } from '../support/csp.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '../../src/bench/headless-chromium.ts';

const SCREENSHOT = resolve(import.meta.dirname, '../../tmp/dashboard.png');
const WAIT_MS = 20_000;

// Runs only where a Chromium binary exists (CI installs Debian's `chromium` package); a browser is never
// downloaded. Set CHROMIUM_PATH to use another binary.
describe.skipIf(!existsSync(CHROMIUM))('dashboard in Chromium', () => {
  let dataDir: string;
  let tandem: Tandem | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  let cspViolations: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tandem-dash-'));
    tandem = await startTandem(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'true' }), silentLog);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS], timeout: 60_000 });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(WAIT_MS);
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => consoleErrors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
    cspViolations = await watchCsp(page);
  });

  afterAll(async () => {
    await browser?.close();
    await tandem?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs on PGlite and wrote the operator token file', () => {
    expect(tandem!.db.kind).toBe('pglite');
    expect(tandem!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(tandem!.operatorTokenFile).toBe(join(dataDir, 'operator.token'));
    expect(statSync(tandem!.operatorTokenFile!).mode & 0o777).toBe(0o600);
  });

  it('shows health "ok" and the database, with the strategy table hidden until signed in', async () => {
    const res = await page.goto(tandem!.url);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.title()).resolves.toBe('Tandem');
    await page.locator('[data-testid=health]').filter({ hasText: /^ok$/ }).waitFor();
    expect(await page.getByTestId('database').textContent()).toMatch(/^pglite \d/);
    // The venue's preflight state (the health line refreshes every 10 s); ready has no reasons to show
    await page.locator('[data-testid=venue]').filter({ hasText: /^simulated ready$/ }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('venue-reasons').count()).toBe(0);
    expect(await page.getByTestId('overview').count()).toBe(0);
    expect(await page.getByTestId('signin').isVisible()).toBe(true);
  });

  it('refuses a wrong token and keeps the sign-in form', async () => {
    await page.locator('#token').fill('tdm_wrong');
    await page.locator('[data-testid=signin] button[type=submit]').click();
    await page.getByTestId('signin-refused').filter({ hasText: 'That token was refused.' }).waitFor();
    expect(await page.getByTestId('overview').count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('tandem.token'))).toBeNull();
  });

  it('signs in with the operator token and lists the 86 demo strategies', async () => {
    const token = readFileSync(tandem!.operatorTokenFile!, 'utf8').trim();
    await page.locator('#token').fill(token);
    await page.locator('#token').press('Enter');
    const rows = page.locator('[data-testid=ft-table] tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=ft-table] tbody tr').length === 86, undefined,
      { timeout: WAIT_MS });
    expect(await rows.count()).toBe(86);
    expect(await page.getByTestId('signin').count()).toBe(0);
    const sharp = page.locator('[data-testid=ft-table] tbody tr[data-key=FT_SHARP_SHOOTER]');
    expect(await sharp.count()).toBe(1);
    // The demo world trades while the page is open: each cell's data-value must be what the API says (the page re-reads
    // on every change event), so the values are compared with the API's until they agree, within a generous bound
    const apiRow = async () => ((await (await fetch(new URL('/api/ft/wallets', tandem!.url), {
      headers: { authorization: `Bearer ${token}` } })).json()) as { wallets: Record<string, any>[] }).wallets
      .find((w) => w.wallet_id === 'FT_SHARP_SHOOTER')!;
    const value = (field: string) => sharp.locator(`td[data-field=${field}]`).getAttribute('data-value');
    let shown: (string | null)[] = [];
    let expected: (string | null)[] = [];
    for (let attempt = 0; attempt < 60; attempt += 1) {
      shown = [await value('realized_pnl'), await value('orders'), await value('win_rate')];
      const w = await apiRow();
      expected = [w.realized_pnl, String(w.orders), w.win_rate === null ? 'null' : w.win_rate];
      if (shown.every((v, i) => v === expected[i])) break;
      await page.waitForTimeout(1000);
    }
    expect(shown).toEqual(expected);
    expect(await sharp.locator('td[data-field=realized_pnl]').textContent()).toMatch(/^-?\$[\d,]+\.\d{2}$/);
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(1000);
  }, 180_000); // its waits (the rows, then the row agreeing with the API, up to 60 reads) are bounded on their own

  it('opens an FT strategy from its row: results as the API has them, its configuration, skips and paper orders paged by cursor', async () => {
    const token = readFileSync(tandem!.operatorTokenFile!, 'utf8').trim();
    const get = async (path: string) => (await fetch(new URL(path, tandem!.url), { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
    // the demo strategy with the most paper orders by now, so that its orders table has rows
    const busiest = ((await get('/api/ft/wallets?limit=500')).wallets as { wallet_id: string; orders: number }[])
      .reduce((a, b) => (b.orders > a.orders ? b : a));
    const id = busiest.wallet_id;
    await page.locator(`[data-testid=ft-table] tbody tr[data-key=${id}] a`).first().click();
    await page.waitForURL(new RegExp(`/ft/${id}$`));
    await page.locator('[data-testid=ft-results]').waitFor();
    const fields = ['starting_balance', 'cash', 'realized_pnl', 'open_exposure', 'orders', 'won', 'lost', 'win_rate'];
    let shown: string[] = [];
    let expected: string[] = [];
    for (let attempt = 0; attempt < 60; attempt += 1) { // the world trades meanwhile: until a render and a read agree
      shown = await Promise.all(fields.map(async (f) => (await page.locator(`[data-testid=ft-results] [data-field=${f}]`).getAttribute('data-value'))!));
      const { summary } = await get(`/api/ft/wallets/${id}`);
      expected = fields.map((f) => String(summary[f] ?? 'null'));
      if (shown.every((v, i) => v === expected[i])) break;
      await page.waitForTimeout(1000);
    }
    expect(shown).toEqual(expected);
    expect(await page.locator('[data-testid=ft-config] tr[data-field=wallet_id] td').textContent()).toBe(id);
    const orders = await get(`/api/ft/wallets/${id}/orders?limit=50`);
    await page.locator('[data-testid=ft-orders]').waitFor();
    const rows = page.locator('[data-testid=ft-orders] tbody tr');
    if (orders.orders.length === 0) expect(await page.locator('[data-testid=ft-orders]').getAttribute('data-state')).toBe('empty');
    else expect(await rows.count()).toBeGreaterThan(0);
    if (orders.next_cursor) { // more than a page: "Load more" adds the next page's rows
      const before = await rows.count();
      await page.locator('[data-testid=ft-orders] button[data-action=more]').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=ft-orders] tbody tr').length > n, before);
    }
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).not.toMatch(/NaN|undefined|Infinity/);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: resolve(SCREENSHOT, '../screenshots/ft-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: resolve(SCREENSHOT, '../screenshots/ft-1280.png'), fullPage: true });
  }, 180_000);

  it('loads the built stylesheet and script from /assets/ (served by the allow-list, without a token)', async () => {
    expect(await page.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('14px'); // from the built CSS
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname)
      .filter((p) => /^\/assets\/[A-Za-z0-9_-]+\.(js|css)$/.test(p)));
    expect(loaded.some((p) => p.endsWith('.js'))).toBe(true);
    expect(loaded.some((p) => p.endsWith('.css'))).toBe(true);
  });

  it('broke no rule of its Content-Security-Policy (no inline script or style, nothing from elsewhere)', () => {
    expect(cspViolations).toEqual([]);
  });

  it('logged no console errors', () => {
    // The wrong-token attempt makes the browser log the 401 responses (one per view that asked); nothing else may appear
    const refused = consoleErrors.filter((e) => /status of 401/.test(e));
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(consoleErrors.filter((e) => !refused.includes(e))).toEqual([]);
  });
});
