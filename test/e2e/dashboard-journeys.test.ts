// @backend-independent
/**
 * The seed's operator journeys through the dashboard only, in a real headless Chromium, against the demo (the simulated
 * world trades): sign in, promote an FT strategy from the overview, walk the four create steps (an invalid capital is
 * refused with the API's message at the capital field), launch, watch an order arrive, open it, pause and resume,
 * engage and release the kill switch, read the audit. Once at 1280×800 and once at 390×844; every page is checked for
 * sideways overflow and for NaN/undefined/Infinity, and screenshotted under tmp/screenshots/
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTandem, type DemoTandem } from '../support/demo-tandem.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '../../src/bench/headless-chromium.ts';

const SHOTS = resolve(import.meta.dirname, '../../tmp/screenshots');
const WAIT_MS = 30_000;
/** The demo world's next trade of a promoted strategy, through the executor (every 2 s): generous on a loaded box */
const ORDER_WAIT_MS = 150_000;
const WALLET = `0x${'1'.repeat(40)}`;

const VIEWPORTS = [
  { width: 1280, height: 800, ft: 'FT_T1_BASELINE' },
  { width: 390, height: 844, ft: 'FT_T1_PURE_EDGE' },
] as const;

let demo: DemoTandem;
let browser: Browser;
const shots: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await startDemoTandem({ name: 'dash-journeys', env: { SEED_DEMO: 'true' } });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS], timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/** No sideways panning, no broken figure, then a screenshot named after the step and the viewport */
async function check(page: Page, step: string, width: number): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy=true]').length === 0, undefined, { timeout: WAIT_MS });
  const { scroll, inner, text } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth, text: document.body.innerText }));
  expect(scroll, `${step} at ${width}: page wider than the screen`).toBeLessThanOrEqual(inner);
  expect(text, `${step} at ${width}`).not.toMatch(/\bNaN\b|\bundefined\b|\bInfinity\b/);
  const file = `${SHOTS}/journey-${step}-${width}.png`;
  await page.screenshot({ path: file, fullPage: true });
  expect(statSync(file).size).toBeGreaterThan(1000);
  shots.push(file);
}

/** Clicks the confirm button of the open <dialog>, after checking it states what will happen */
async function confirm(page: Page, says: RegExp): Promise<void> {
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  expect(await dialog.locator('[data-testid=confirm-body]').innerText()).toMatch(says);
  await dialog.locator('[data-action=confirm]').click();
  await dialog.waitFor({ state: 'detached', timeout: WAIT_MS }).catch(async () => {
    await page.waitForFunction(() => document.querySelectorAll('dialog[open]').length === 0, undefined, { timeout: WAIT_MS });
  });
}

describe.skipIf(!existsSync(CHROMIUM)).each(VIEWPORTS)('the operator journeys at $width px', ({ width, height, ft }) => {
  let page: Page;
  const lt = `LT_${ft}`;
  const errors: string[] = [];
  /** The bodies the page received, by request (method + path) */
  const bodies = new Map<string, unknown>();

  beforeAll(async () => {
    const context = await browser.newContext({ viewport: { width, height } });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('response', async (res) => {
      const url = new URL(res.url());
      if (!url.pathname.startsWith('/api/') || url.pathname === '/api/events') return;
      bodies.set(`${res.request().method()} ${url.pathname}`, await res.json().catch(() => null));
    });
  });

  it('signs in and finds the FT strategy on the overview, filtered', async () => {
    await page.goto(demo.tandem.url);
    await page.locator('#token').fill(demo.token);
    await page.locator('#token').press('Enter');
    await page.getByTestId('ft-table').waitFor();
    // the page holds the server-sent-events stream open (GET /api/events): later steps update without a reload
    await page.locator('[data-testid=live][data-connected=true]').waitFor({ timeout: 60_000 });
    await check(page, 'overview', width);
    await page.getByTestId('filter-text').fill(ft);
    const row = page.locator(`[data-testid=ft-table] tbody tr[data-key=${ft}]`);
    await row.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=ft-table] tbody tr').length < 10);
    await check(page, 'overview-filtered', width);
  }, 120_000);

  it('promotes it and walks the four steps; an invalid capital shows the API\'s message at the capital field', async () => {
    await page.locator(`[data-testid=ft-table] tbody tr[data-key=${ft}] [data-action=promote]`).click();
    await page.waitForURL(`**/new?ft=${ft}`);
    await page.locator('[data-testid=create][data-step="1"]').waitFor();
    expect(await page.getByTestId('chosen-ft').innerText()).toBe(ft);
    await check(page, 'create-1-ft', width);
    await page.locator('[data-action=next]').click();
    await page.locator('input[name=starting_capital]').fill('-5');
    await check(page, 'create-2-capital', width);
    await page.locator('[data-action=next]').click();
    await page.locator('[data-testid=settings-fields]').waitFor();
    // The demo's signals reach LT a few minutes after the trader's trade: allow 10 minutes, as the demo tests do
    await page.locator('input[name=max_signal_age_seconds]').fill('600');
    expect(await page.getByTestId('wallet-why').innerText()).toMatch(/needs wallet_address/);
    await page.locator('input[name=wallet_address]').fill(WALLET);
    await check(page, 'create-3-settings', width);
    await page.locator('[data-action=next]').click();
    await page.getByTestId('review').waitFor();
    await check(page, 'create-4-review', width);
    await page.locator('[data-action=create-launch]').click();
    await confirm(page, new RegExp(`copies every new trade\\s+of ${ft}`));
    // Refused: back on step 2, with the API's own message at the field
    await page.locator('[data-testid=create][data-step="2"]').waitFor();
    await expect.poll(() => bodies.has('POST /api/lt/strategies')).toBe(true);
    const refused = bodies.get('POST /api/lt/strategies') as { issues: { path: string[]; message: string }[] };
    const message = refused.issues.find((i) => i.path[0] === 'starting_capital')!.message;
    expect(message.length).toBeGreaterThan(0);
    expect(await page.locator('[data-error-for=starting_capital]').innerText()).toContain(message);
    await check(page, 'create-2-invalid-capital', width);
    await page.locator('input[name=starting_capital]').fill('500');
    await page.locator('[data-step-link="4"]').click();
    await page.getByTestId('review').waitFor();
    expect(await page.locator('[data-testid=review] [data-field=starting_capital]').getAttribute('data-value')).toBe('500');
    await page.locator('[data-action=create-launch]').click();
    await confirm(page, /deposits \$500\.00/);
    await page.waitForURL(`**/lt/${lt}`, { timeout: WAIT_MS });
    await page.locator('[data-testid=controls][data-status=active]').waitFor();
    const launched = await demo.api('GET', `/api/lt/strategies/${lt}`);
    expect(launched.body.strategy).toMatchObject({ is_active: true, wallet_address: WALLET, starting_capital: '500.000000',
      max_signal_age_seconds: 600 });
    await check(page, 'strategy-launched', width);
  }, 180_000);

  it('shows an order from the simulated world and opens it with its fills', async () => {
    const link = page.locator('a[href^="/orders/"]').first();
    await link.waitFor({ timeout: ORDER_WAIT_MS });
    await check(page, 'strategy-with-order', width);
    const href = (await link.getAttribute('href'))!;
    await link.click();
    await page.waitForURL(`**${href}`);
    await page.getByTestId('order-page').waitFor();
    await page.locator('[data-testid=fills]').waitFor();
    const key = `GET ${href.replace('/orders/', '/api/lt/orders/')}`;
    await expect.poll(() => bodies.has(key), { timeout: WAIT_MS }).toBe(true);
    const detail = bodies.get(key) as { fills: unknown[] } | undefined;
    expect(await page.locator('[data-testid=fills] tbody tr').count()).toBe(detail!.fills.length);
    await check(page, 'order', width);
    await page.goBack();
    await page.locator('[data-testid=controls]').waitFor();
  }, ORDER_WAIT_MS + 60_000);

  it('pauses with a reason and resumes', async () => {
    const controls = page.locator('[data-testid=controls]');
    await controls.locator('[data-action=pause]').click();
    await page.locator('dialog[open] input[name=pause-reason]').fill('journey check');
    await confirm(page, /No new orders are sent/);
    await page.locator('[data-testid=controls][data-status=paused]').waitFor();
    expect(await page.locator('[data-testid=action-result][data-outcome-of=pause]').getAttribute('data-ok')).toBe('true');
    expect((await demo.api('GET', `/api/lt/strategies/${lt}`)).body.strategy.pause_reason).toBe('journey check');
    await check(page, 'paused', width);
    await page.locator('[data-testid=controls] [data-action=resume]').click();
    await page.locator('[data-testid=controls][data-status=active]').waitFor();
    expect(await page.locator('[data-testid=action-result][data-outcome-of=resume]').getAttribute('data-ok')).toBe('true');
    // The strategy's own audit, under its controls
    await page.locator('[data-testid=strategy-audit] summary').click();
    const commands = () => page.locator('[data-testid=strategy-audit] [data-testid=audit-table] tbody td[data-field=command]')
      .evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.value));
    await expect.poll(commands, { timeout: WAIT_MS }).toEqual(expect.arrayContaining(['create', 'launch', 'pause', 'resume']));
    await check(page, 'resumed', width);
  }, 120_000);

  it('edits a setting (the API\'s message at the field first), deposits and withdraws with a reference', async () => {
    const controls = page.locator('[data-testid=controls]');
    await controls.locator('[data-action=settings]').click();
    const editor = page.getByTestId('settings-editor');
    await editor.locator('input[name=max_order_usd]').fill('lots');
    await editor.locator('[data-action=settings-save]').click();
    const field = editor.locator('[data-error-for=max_order_usd]');
    await field.waitFor();
    await expect.poll(() => bodies.has(`PATCH /api/lt/strategies/${lt}`)).toBe(true);
    const refused = bodies.get(`PATCH /api/lt/strategies/${lt}`) as { issues: { path: string[]; message: string }[] };
    expect(await field.innerText()).toContain(refused.issues.find((i) => i.path[0] === 'max_order_usd')!.message);
    await check(page, 'settings-invalid', width);
    await editor.locator('input[name=max_order_usd]').fill('50');
    await editor.locator('[data-action=settings-save]').click();
    await page.locator('[data-testid=settings-result][data-ok=true]').waitFor();
    expect((await demo.api('GET', `/api/lt/strategies/${lt}`)).body.strategy.max_order_usd).toBe('50.000000');
    await controls.locator('[data-action=settings]').click();

    await controls.locator('[data-action=deposit]').click();
    const deposit = page.getByTestId('deposit-form');
    await deposit.locator('input[name=amount]').fill('25');
    await deposit.locator('input[name=ref]').fill(`journey-${width}`);
    await deposit.locator('[data-action=deposit-submit]').click();
    await confirm(page, new RegExp(`deposit of \\$25\\.00 into ${lt}.*reference journey-${width}`, 's'));
    await page.locator('[data-testid=action-result][data-outcome-of=deposit][data-ok=true]').waitFor();
    await controls.locator('[data-action=withdraw]').click();
    const withdraw = page.getByTestId('withdraw-form');
    await withdraw.locator('input[name=amount]').fill('10');
    await withdraw.locator('[data-action=withdraw-submit]').click();
    await confirm(page, new RegExp(`withdrawal of \\$10\\.00 from ${lt}`));
    await page.locator('[data-testid=action-result][data-outcome-of=withdraw][data-ok=true]').waitFor();
    expect((await demo.api('GET', `/api/lt/strategies/${lt}`)).body.capital.net_deposits).toBe('515.000000');
    await check(page, 'withdrawn', width);
  }, 120_000);

  it('engages and releases the kill switch from the header', async () => {
    const header = page.locator('header [data-testid=kill-switch]');
    await header.locator('[data-action=kill-engage]').click();
    await page.locator('dialog[open] input[name=kill-reason]').fill('journey drill');
    await confirm(page, /every resting order is cancelled/);
    await page.locator('header [data-testid=kill-switch][data-engaged=true]').waitFor();
    expect((await demo.api('GET', '/api/lt/kill-switch')).body).toMatchObject({ engaged: true, reason: 'journey drill' });
    await check(page, 'kill-engaged', width);
    await page.locator('header [data-testid=kill-switch] [data-action=kill-release]').click();
    await confirm(page, /may send orders again/);
    await page.locator('header [data-testid=kill-switch][data-engaged=false]').waitFor();
    expect((await demo.api('GET', '/api/lt/kill-switch')).body.engaged).toBe(false);
    await check(page, 'kill-released', width);
  }, 120_000);

  it('lists every command on the audit page', async () => {
    await page.locator('header nav a[href="/audit"]').click();
    await page.getByTestId('audit-table').waitFor();
    const commands = async () => page.locator(`[data-testid=audit-table] tbody tr`).evaluateAll((rows, id) => rows
      .filter((r) => (r.querySelector('[data-field=strategy_id]') as HTMLElement | null)?.dataset.value === id)
      .map((r) => (r.querySelector('[data-field=command]') as HTMLElement).dataset.value), lt);
    await expect.poll(commands, { timeout: WAIT_MS }).toEqual(expect.arrayContaining(['create', 'launch', 'pause', 'resume', 'settings', 'deposit', 'withdrawal']));
    await check(page, 'audit', width);
    expect(errors).toEqual([]);
  }, 120_000);
});

describe.skipIf(!existsSync(CHROMIUM))('screenshots', () => {
  it('saved one per step and viewport', () => {
    // listed for the closing note
    console.log(shots.map((s) => s.slice(s.indexOf('tmp/'))).join('\n'));
    expect(shots.length).toBeGreaterThan(0);
  });
});
