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

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
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

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tandem-dash-'));
    tandem = await startTandem(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'true' }), silentLog);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(WAIT_MS);
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => consoleErrors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
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
    await expect(page.title()).resolves.toBe('Tandem');
    await page.locator('[data-testid=health]').filter({ hasText: /^ok$/ }).waitFor();
    expect(await page.locator('#db').textContent()).toMatch(/^pglite \d/);
    // The venue's preflight state (the health line refreshes every 10 s); ready has no reasons to show
    await page.locator('[data-testid=venue]').filter({ hasText: /^simulated ready$/ }).waitFor({ timeout: 60_000 });
    expect(await page.locator('#venue-reasons').isHidden()).toBe(true);
    expect(await page.locator('#wallets').isHidden()).toBe(true);
    expect(await page.locator('#login').isVisible()).toBe(true);
  });

  it('refuses a wrong token and keeps the sign-in form', async () => {
    await page.locator('#token').fill('tdm_wrong');
    await page.locator('#login button[type=submit]').click();
    await page.locator('#status').filter({ hasText: 'That token was refused.' }).waitFor();
    expect(await page.locator('#wallets').isHidden()).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem('tandem.token'))).toBeNull();
  });

  it('signs in with the operator token and lists the 86 demo strategies', async () => {
    const token = readFileSync(tandem!.operatorTokenFile!, 'utf8').trim();
    await page.locator('#token').fill(token);
    await page.locator('#token').press('Enter');
    const rows = page.locator('#wallets tbody tr');
    await page.locator('#wallets').waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelectorAll('#wallets tbody tr').length === 86, undefined,
      { timeout: WAIT_MS });
    expect(await rows.count()).toBe(86);
    expect(await page.locator('#status').textContent()).toBe('86 strategies');
    expect(await page.locator('#login').isHidden()).toBe(true);
    const sharp = rows.filter({ has: page.locator('td:first-child', { hasText: /^FT_SHARP_SHOOTER$/ }) });
    expect(await sharp.count()).toBe(1);
    // The demo world trades while the page is open: the row must show what the API says (the page re-reads it every
    // 10 s), so the figures are compared with the API's until they agree, within a generous bound
    const usd = (v: string) => Number(v).toLocaleString('en-US', { style: 'currency', currency: 'USD' });
    const apiRow = async () => ((await (await fetch(new URL('/api/ft/wallets', tandem!.url), {
      headers: { authorization: `Bearer ${token}` } })).json()) as { wallets: Record<string, any>[] }).wallets
      .find((w) => w.wallet_id === 'FT_SHARP_SHOOTER')!;
    let cells: string[] = [];
    let expected: string[] = [];
    for (let attempt = 0; attempt < 60; attempt += 1) {
      cells = await sharp.locator('td').allTextContents();
      const w = await apiRow();
      expected = [usd(w.cash), String(w.orders), w.win_rate === null ? '–' : `${(Number(w.win_rate) * 100).toFixed(1)}%`];
      if (cells[1] === expected[0] && cells[4] === expected[1] && cells[9] === expected[2]) break;
      await page.waitForTimeout(1000);
    }
    expect(cells).toHaveLength(10);
    expect([cells[1], cells[4], cells[9]]).toEqual(expected); // cash, orders, win rate as the API has them
    expect(cells[1]).toMatch(/^\$[\d,]+\.\d{2}$/);
    // The alerts panel (the demo world raises none this early; any it does raise is listed) and the live section
    await page.locator('#alerts[data-renders="1"]').waitFor({ state: 'visible' });
    const alerts = await page.locator('[data-testid=alerts-table] tbody tr').count();
    if (alerts === 0) expect(await page.getByTestId('alerts-empty').textContent()).toBe('No alerts.');
    await page.locator('#lt[data-renders="1"]').waitFor({ state: 'visible' });
    expect(await page.getByTestId('lt-empty').isVisible()).toBe(true);
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(1000);
  }, 180_000); // its waits (the rows, then the row agreeing with the API, up to 60 reads) are bounded on their own

  it('loads the stylesheet and every module from web/ (served by the allow-list, without a token)', async () => {
    expect(await page.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('14px'); // from /style.css
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname)
      .filter((p) => /^\/[a-z0-9-]+\.(js|css)$/.test(p)).sort());
    expect(loaded).toEqual(['/alerts.js', '/api.js', '/app.js', '/format.js', '/ft.js', '/lt-views.js', '/lt.js', '/style.css']);
  });

  it('logged no console errors', () => {
    // The wrong-token attempt makes the browser log the 401 response; nothing else may appear
    const refused = consoleErrors.filter((e) => /status of 401/.test(e));
    expect(refused).toHaveLength(1);
    expect(consoleErrors.filter((e) => !refused.includes(e))).toEqual([]);
  });
});
