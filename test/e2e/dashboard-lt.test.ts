/**
 * The LT part of the dashboard in a real headless Chromium, against Tandem started in-process on a fresh PGlite
 * DATA_DIR with the simulated world and venue: an LT strategy created and launched through the API trades until it
 * has filled orders; the page then shows, per strategy, FT vs LT since launch, the gap decomposition, the success
 * metrics, the quality summary, the recent orders and the open positions exactly as the API returned them (the test
 * records the very responses the page received, and pauses the page's clock so no refresh changes the page while it
 * is read). Alerts fired through the store (and any the running demo raises) are listed in the alerts panel, newest
 * first, with the API's text and a severity shown in words as well as colour.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tandem } from '../../src/main.ts';
import type { Alert } from '../../src/domain/alert-rules.ts';
import { fireAlert } from '../../src/store/alert-store.ts';
import { userByToken } from '../../src/store/user-store.ts';
import { BASELINE, startDemoTandem, type DemoTandem } from '../support/demo-tandem.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SCREENSHOT = resolve(import.meta.dirname, '../../tmp/dashboard-lt.png');
const ID = BASELINE;
const WAIT_MS = 20_000;
const FILL_WAIT_MS = 120_000;
const POSITION_WAIT_MS = 90_000;
const USD_FIELDS = ['cost_usd', 'value_usd', 'unrealized_pnl_usd'];
const PRICE_FIELDS = ['shares', 'mark_price'];
const MARK_LABELS: Record<string, string> = { payout: 'payout (final)', mark: 'market price', last_trade: 'last trade', entry: 'entry price' };

type Json = Record<string, any>;

/** A decimal string as an exact bigint at 10^-dp (no float) */
function dec(s: string, dp = 8): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = (m[3] ?? '').padEnd(dp, '0');
  if (frac.length > dp) throw new Error(`more than ${dp} decimals: ${s}`);
  const v = BigInt(`${m[2]}${frac}`);
  return m[1] ? -v : v;
}
/** '-$1,234.56' → '-1234.56' */
const unmoney = (t: string) => t.replace('$', '').replace(/,/g, '');
/** A shown percent of a ratio ('8.6957 %') read back as the ratio, exactly */
const percentOf = (t: string) => dec(t.replace(/ %$/, ''), 8);
const ratioAsPercent = (r: string) => dec(r, 6) * 100n * 100n; // at 10^-8, like percentOf

describe.skipIf(!existsSync(CHROMIUM))('LT dashboard in Chromium', () => {
  let demo: DemoTandem | undefined;
  let tandem: Tandem | undefined;
  let api: DemoTandem['api'];
  let browser: Browser | undefined;
  let page: Page;
  let token: string;
  const consoleErrors: string[] = [];
  /** the last body the page received for each /api/lt path and /api/alerts (without the query) */
  const seen = new Map<string, Json>();
  /** alerts this test fired through the store: id → message */
  const fired = new Map<string, string>();
  let renders = 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Fires an alert for the operator (or the system) straight through the store, as the alert monitor would */
  async function fire(alert: Omit<Alert, 'userId'>, system = false) {
    const user = await userByToken(tandem!.db, token);
    const r = await fireAlert(tandem!.db, { ...alert, userId: system ? null : user!.userId }, new Date(), 60_000, { deliver: false });
    expect(r.fired).toBe(true);
    fired.set(r.alertId, alert.message);
    return r.alertId;
  }

  /** Advances the page's paused clock to the next 10 s refresh and waits (bounded) until it has rendered */
  async function nextRender() {
    await page.clock.runFor(10_000);
    await page.locator(`#lt[data-renders="${++renders}"]`).waitFor({ state: 'attached' });
  }

  beforeAll(async () => {
    demo = await startDemoTandem({ name: 'dash-lt' });
    ({ tandem, token, api } = demo);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(WAIT_MS);
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => consoleErrors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
    const record = async (route: import('playwright-core').Route) => {
      const res = await route.fetch();
      const body = (await res.json()) as Json;
      seen.set(new URL(route.request().url()).pathname, body);
      await route.fulfill({ response: res, json: body });
    };
    await page.route('**/api/lt/**', record);
    await page.route(/\/api\/alerts(\?|$)/, record);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('an LT strategy created and launched through the API fills orders in the simulated world', async () => {
    expect((await demo!.launchBaseline(`0x${'1'.repeat(40)}`)).status).toBe(200);
    let filled = 0;
    for (const start = Date.now(); filled === 0 && Date.now() - start < FILL_WAIT_MS;) {
      await new Promise((r) => setTimeout(r, 1000));
      filled = (await api('GET', `/api/lt/strategies/${ID}/comparison`)).body.lt.filled_orders;
    }
    expect(filled).toBeGreaterThan(0);
  }, FILL_WAIT_MS + 10_000);

  it('holds open positions for a while (the API lists them)', async () => {
    let open: Json[] = [];
    for (const start = Date.now(); open.length === 0 && Date.now() - start < POSITION_WAIT_MS; await sleep(1000)) {
      open = (await api('GET', `/api/lt/strategies/${ID}/positions`)).body.positions;
    }
    expect(open.length).toBeGreaterThan(0);
  }, POSITION_WAIT_MS + 10_000);

  /** Checks the rendered strategy against the bodies the page received for it */
  async function checkStrategy() {
    const cmp = seen.get(`/api/lt/strategies/${ID}/comparison`)!;
    const quality = seen.get(`/api/lt/strategies/${ID}/quality`)!;
    const gap = seen.get(`/api/lt/strategies/${ID}/gap`)!;
    expect(cmp && quality && gap).toBeTruthy();
    const art = page.locator(`[data-testid=lt-strategy][data-strategy-id=${ID}]`);
    expect(await art.locator('h3').textContent()).toBe(ID);
    expect(await art.getByTestId('lt-state').textContent()).toBe('active');

    // FT vs LT since launch: every field of each side, in the API's value and its shown form
    const compared = await art.locator('[data-testid=lt-comparison] td[data-side][data-value]').evaluateAll((tds) =>
      tds.map((td) => ({ field: td.closest('tr')!.dataset.field!, side: (td as HTMLElement).dataset.side!,
        value: (td as HTMLElement).dataset.value!, text: td.textContent! })));
    for (const f of ['signals', 'invested_usd', 'realized_pnl_usd', 'unrealized_pnl_usd', 'pnl_usd', 'win_rate', 'return_pct']) {
      for (const side of ['ft', 'lt']) expect(compared.some((c) => c.field === f && c.side === side), `${side}.${f}`).toBe(true);
    }
    expect(compared).toHaveLength(Object.keys(cmp.ft).length + Object.keys(cmp.lt).length);
    for (const c of compared) {
      const v = cmp[c.side][c.field];
      expect(c.value, `${c.side}.${c.field}`).toBe(v === null ? 'null' : String(v));
      if (v === null) expect(c.text).toBe('–');
      else if (c.field.endsWith('_usd')) expect(unmoney(c.text)).toBe(v);
      else if (c.field === 'win_rate') expect(percentOf(c.text)).toBe(ratioAsPercent(v));
      else if (c.field === 'return_pct') expect(c.text).toBe(`${v} %`);
      else expect(c.text).toBe(String(v));
    }

    // The gap: LT − FT and its five parts exactly as the API gives them, adding up
    const g = cmp.gap;
    const shownGap = Object.fromEntries(await art.locator('[data-testid=lt-gap] tr[data-field]').evaluateAll((trs) =>
      trs.map((tr) => [(tr as HTMLElement).dataset.field!, tr.querySelector('td')!.textContent!])));
    const PARTS = ['delay_usd', 'execution_usd', 'fees_usd', 'opportunity_usd', 'sizing_usd'];
    expect(Object.keys(shownGap).sort()).toEqual(['lt_pnl_usd', 'ft_pnl_usd', 'total_usd', ...PARTS].sort());
    for (const [f, text] of Object.entries(shownGap)) expect(unmoney(text), f).toBe(g[f]);
    expect(PARTS.reduce((s, f) => s + dec(g[f]), 0n)).toBe(dec(g.total_usd));
    expect(dec(g.lt_pnl_usd) - dec(g.ft_pnl_usd)).toBe(dec(g.total_usd));
    const equation = (await art.getByTestId('lt-gap-equation').textContent())!;
    expect(equation.startsWith(`${g.total_usd} = ${g.delay_usd} `)).toBe(true);
    for (const f of PARTS) expect(equation).toContain(g[f].replace(/^-/, ''));
    expect(equation).toContain(`${g.signals} signals, ${g.not_mirrored} not mirrored, ${g.pending} pending`);
    const legRows = art.locator('[data-testid=lt-gap-legs] tbody tr');
    expect(await legRows.count()).toBe(gap.legs.length);
    if (gap.legs.length) {
      expect(await legRows.first().getAttribute('data-ft-order-id')).toBe(gap.legs[0].ft_order_id); // newest first, as the page asks (order=newest)
    }

    // Success metrics: one badge per target, with the API's status, value and target
    const badges = await art.locator('[data-testid=lt-target]').evaluateAll((lis) => lis.map((li) => ({
      metric: (li as HTMLElement).dataset.metric, status: (li as HTMLElement).dataset.status,
      value: li.querySelector('[data-field=value]')!.textContent, target: li.querySelector('[data-field=target]')!.textContent })));
    expect(cmp.targets.length).toBe(7);
    expect(badges).toEqual(cmp.targets.map((t: Json) => ({ metric: t.metric, status: t.status, value: t.value ?? '–',
      target: `target ${t.target}` })));

    // Quality summary, from the quality endpoint's summary
    const q = quality.summary;
    const dd = async (f: string) => (await art.locator(`[data-testid=lt-quality] [data-field=${f}] dd`).textContent())!;
    const pair = (s: Json | null, a: string, b: string, unit: string) =>
      [s?.[a] ?? null, s?.[b] ?? null].map((v) => (v === null ? '–' : `${v} ${unit}`)).join(' / ');
    if (q.quantity_fill_rate === null) expect(await dd('quantity_fill_rate')).toBe('–');
    else expect(percentOf(await dd('quantity_fill_rate'))).toBe(ratioAsPercent(q.quantity_fill_rate));
    expect(await dd('signal_slippage_pct')).toBe(pair(q.signal_slippage_pct, 'median', 'p95', '%'));
    expect(await dd('order_latency_ms')).toBe(pair(q.order_latency_ms, 'p50', 'p95', 'ms'));
    expect(await dd('quality_score')).toBe(q.quality_score === null ? '–' : `${q.quality_score.mean} (n = ${q.quality_score.n})`);
    expect(q.orders).toBeGreaterThan(0);

    // Recent orders, newest first, each score with its components
    const orders = await art.locator('[data-testid=lt-orders] tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      id: (tr as HTMLElement).dataset.orderId,
      score: (tr.querySelector('[data-field=quality_score]') as HTMLElement).dataset.value,
      status: tr.querySelector('[data-field=display_status]')!.textContent,
      components: [...tr.querySelectorAll('[data-field=quality_components] li')].map((li) => [(li as HTMLElement).dataset.name, li.textContent]),
    })));
    expect(orders.map((o) => o.id)).toEqual(quality.orders.map((o: Json) => o.order_id));
    for (const [i, o] of quality.orders.entries()) {
      expect(orders[i]!.score).toBe(o.quality_score === null ? 'null' : o.quality_score);
      expect(orders[i]!.status).toBe(o.display_status);
      expect(orders[i]!.components.map(([n]) => n)).toEqual(o.quality_components.map((c: Json) => c.name));
      for (const [j, c] of o.quality_components.entries()) {
        const [, text] = orders[i]!.components[j]!;
        const m = /^\S+ (\S+) ×(\S+)$/.exec(text!)!;
        expect(m, text!).not.toBeNull();
        expect(c.value === null ? m[1] === '–' : dec(m[1]!) === dec(c.value)).toBe(true);
        expect(dec(m[2]!)).toBe(dec(c.weight));
      }
    }

    // Open positions: one row per position, in the API's order, every field its string as received
    const positions = seen.get(`/api/lt/strategies/${ID}/positions`)!;
    expect(positions).toBeTruthy();
    expect(positions.strategy_id).toBe(ID);
    await checkPositions(art, positions);

    // No sample is never shown as a number
    const nulls = await page.locator('#lt [data-value=null]').allTextContents();
    for (const t of nulls) expect(t).toBe('–');
  }

  async function checkPositions(art: import('playwright-core').Locator, body: Json) {
    if (body.positions.length === 0) {
      expect(await art.getByTestId('lt-positions').textContent()).toBe('No open positions.');
      return;
    }
    const rows = await art.locator('[data-testid=lt-positions] tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      ft_order_id: (tr as HTMLElement).dataset.ftOrderId, token_id: (tr as HTMLElement).dataset.tokenId,
      cells: Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map((td) =>
        [(td as HTMLElement).dataset.field!, { value: (td as HTMLElement).dataset.value ?? null, text: td.textContent! }])),
    })));
    expect(rows.map((r) => [r.ft_order_id, r.token_id])).toEqual(body.positions.map((p: Json) => [p.ft_order_id, p.token_id]));
    for (const [i, p] of (body.positions as Json[]).entries()) {
      const c = rows[i]!.cells;
      expect(Object.keys(c).sort()).toEqual(['market', 'outcome', ...PRICE_FIELDS, ...USD_FIELDS, 'mark'].sort());
      expect(c.market!.text).toBe(p.market ?? '–');
      expect(c.outcome!.text).toBe(p.outcome ?? '–');
      for (const f of [...PRICE_FIELDS, ...USD_FIELDS, 'mark']) {
        const at = `${p.ft_order_id}.${f}`;
        expect(c[f]!.value, at).toBe(p[f] === null ? 'null' : p[f]);
        if (p[f] === null) expect(c[f]!.text, at).toBe('–');
        else if (USD_FIELDS.includes(f)) expect(unmoney(c[f]!.text), at).toBe(p[f]);
        else if (f === 'mark') expect(c[f]!.text, at).toBe(MARK_LABELS[p[f]]);
        else expect(dec(c[f]!.text), at).toBe(dec(p[f])); // trailing zeros dropped, the same value
      }
    }
  }

  /** The alerts panel against the body the page received: every alert, newest first, with the API's text */
  async function checkAlerts() {
    const body = seen.get('/api/alerts')!;
    expect(body).toBeTruthy();
    for (const [id, message] of fired) {
      expect(body.alerts.find((a: Json) => a.alert_id === id)?.message, id).toBe(message);
    }
    const rows = await page.locator('[data-testid=alerts-table] tbody tr').evaluateAll((trs) => trs.map((tr) => {
      const text = (f: string) => tr.querySelector(`[data-field=${f}]`)!.textContent;
      const badge = tr.querySelector('[data-field=severity] .sev')!;
      return { alert_id: (tr as HTMLElement).dataset.alertId, fired_at: tr.querySelector('time')!.getAttribute('datetime'),
        severity: tr.querySelector('[data-field=severity] .word')!.textContent, kind: text('kind'), strategy: text('strategy_id'),
        message: text('message'), suppressed: text('suppressed'), delivery: text('delivery'),
        colour: getComputedStyle(badge).backgroundColor, border: getComputedStyle(badge).borderTopColor };
    }));
    expect(rows.map((r) => r.alert_id)).toEqual(body.alerts.map((a: Json) => a.alert_id));
    const firedAt = rows.map((r) => Date.parse(r.fired_at!));
    expect(firedAt).toEqual([...firedAt].sort((a, b) => b - a)); // newest first
    const colours = new Map<string, string>();
    for (const [i, a] of (body.alerts as Json[]).entries()) {
      const r = rows[i]!;
      expect(r).toMatchObject({ fired_at: a.fired_at, severity: a.severity, kind: a.kind, message: a.message,
        strategy: a.strategy_id ?? (a.system ? 'system' : '–'), suppressed: String(a.suppressed) });
      expect(r.delivery!.startsWith(a.delivery)).toBe(true);
      expect(r.colour).not.toBe('rgba(0, 0, 0, 0)');
      colours.set(a.severity, `${r.colour} ${r.border}`);
    }
    // each severity its own colour, besides its word
    expect(new Set(colours.values()).size).toBe(colours.size);
  }

  it('signs in and shows the LT strategy exactly as the API returns it', async () => {
    const latency = await fire({ kind: 'order_latency', dedupeKey: `e2e:latency:${ID}`, severity: 'warning', strategyId: ID,
      message: `${ID}: order latency 4312 ms above the 2000 ms limit (e2e)`, detail: { latency_ms: 4312 } });
    // A paused clock: the 10 s refresh fires only when the test advances it
    await page.clock.install({ time: Date.now() });
    await page.clock.pauseAt(Date.now() + 1000);
    expect((await page.goto(tandem!.url))?.status()).toBe(200);
    await page.locator('[data-testid=health]').filter({ hasText: /^ok$/ }).waitFor();
    expect(await page.locator('#lt').isHidden()).toBe(true);
    await page.locator('#token').fill(token);
    await page.locator('#token').press('Enter');
    await page.locator(`#lt[data-renders="${++renders}"]`).waitFor({ state: 'visible' });
    expect(await page.locator('[data-testid=lt-strategy]').count()).toBe(1);
    // The demo keeps positions open for minutes, but one may have closed since the previous test: a few refreshes at most
    for (let i = 0; i < 5 && seen.get(`/api/lt/strategies/${ID}/positions`)?.positions.length === 0; i++) await nextRender();
    expect(seen.get(`/api/lt/strategies/${ID}/positions`)!.positions.length).toBeGreaterThan(0);
    await checkStrategy();
    expect(await page.locator('#alerts').isVisible()).toBe(true);
    await checkAlerts();
    const row = page.locator(`[data-testid=alerts-table] tr[data-alert-id="${latency}"]`);
    expect(await row.locator('[data-field=message]').textContent()).toBe(fired.get(latency));
    expect(await row.locator('[data-field=severity]').textContent()).toContain('warning');
    await page.locator(`[data-strategy-id=${ID}] details summary`).click();
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('refreshes with the newest numbers, keeping the legs open', async () => {
    const before = seen.get(`/api/lt/strategies/${ID}/comparison`);
    const reconciliation = await fire({ kind: 'reconciliation', dedupeKey: 'e2e:reconciliation', severity: 'critical', strategyId: null,
      message: 'venue order 0xe2e not explained by recovery; 1 strategy paused (e2e)', detail: {} }, true);
    await nextRender();
    expect(seen.get(`/api/lt/strategies/${ID}/comparison`)).not.toBe(before); // a new response
    await checkStrategy();
    await checkAlerts();
    const ids = await page.locator('[data-testid=alerts-table] tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.alertId));
    const [first, second] = [...fired.keys()];
    expect(ids.indexOf(second!)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(second!)).toBeLessThan(ids.indexOf(first!)); // the newer one above
    const row = page.locator(`[data-testid=alerts-table] tr[data-alert-id="${reconciliation}"]`);
    expect(await row.locator('[data-field=message]').textContent()).toBe(fired.get(reconciliation));
    expect(await row.locator('[data-field=severity]').textContent()).toContain('critical');
    expect(await row.locator('[data-field=strategy_id]').textContent()).toBe('system');
    expect(await page.locator(`[data-strategy-id=${ID}] details`).getAttribute('open')).toBe('');
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
