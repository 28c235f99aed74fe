/**
 * Reading the dashboard's figures back in a test: a snapshot of every data-field/data-value on a page taken in one
 * evaluate (so it is one render), and exact checks of a shown figure against the API's decimal string (no float)
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export interface Cell { value: string | null; text: string }
export interface Row { key: string | null; href: string | null; cells: Record<string, Cell> }
export interface Snapshot {
  states: Record<string, string>;
  facts: Record<string, Record<string, Cell>>;
  tables: Record<string, Row[]>;
  charts: Record<string, { points: unknown; canvas: boolean }>;
  text: string;
  overflow: { scrollWidth: number; innerWidth: number };
  /** Elements reaching past the viewport's right edge, outside a box that scrolls on its own (.scroll) */
  cut: string[];
}

/** Every view's state, every facts list and table (by data-testid), every chart's data-points, the body's text */
export function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => {
    const cell = (el: Element) => ({ value: (el as HTMLElement).dataset.value ?? null, text: (el.querySelector('dd') ?? el).textContent ?? '' });
    const states: Record<string, string> = {};
    for (const el of document.querySelectorAll('section[data-state]')) states[(el as HTMLElement).dataset.testid!] = (el as HTMLElement).dataset.state!;
    const facts: Record<string, Record<string, Cell>> = {};
    for (const dl of document.querySelectorAll('dl[data-testid]')) {
      facts[(dl as HTMLElement).dataset.testid!] = Object.fromEntries([...dl.querySelectorAll(':scope > div[data-field]')]
        .map((d) => [(d as HTMLElement).dataset.field!, cell(d)]));
    }
    const tables: Record<string, Row[]> = {};
    for (const t of document.querySelectorAll('table[data-testid]')) {
      tables[(t as HTMLElement).dataset.testid!] = [...t.querySelectorAll('tbody tr')].map((tr) => {
        const r = tr as HTMLElement;
        return { key: r.dataset.key ?? r.dataset.field ?? null, href: tr.querySelector('a')?.getAttribute('href') ?? null,
          cells: Object.fromEntries([...tr.querySelectorAll('[data-value]')].map((c) => {
            const d = (c as HTMLElement).dataset;
            return [d.field ?? d.side ?? 'value', cell(c)];
          })) };
      });
    }
    const charts: Record<string, { points: unknown; canvas: boolean }> = {};
    for (const f of document.querySelectorAll('figure.chart[data-testid]')) {
      charts[(f as HTMLElement).dataset.testid!] = { points: JSON.parse((f as HTMLElement).dataset.points ?? 'null'),
        canvas: f.querySelector('canvas') !== null };
    }
    const cut = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1
      && !el.closest('.scroll') && el.getClientRects().length > 0)
      .map((el) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}`
        + `${(el as HTMLElement).dataset.testid ? `[${(el as HTMLElement).dataset.testid}]` : ''} "${(el.textContent ?? '').slice(0, 40)}"`);
    return { states, facts, tables, charts, cut, text: document.body.innerText,
      overflow: { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth } };
  });
}

/** A decimal string as an exact bigint at 10^-dp */
export function dec(s: string, dp = 8): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = (m[3] ?? '').padEnd(dp, '0').slice(0, dp);
  const v = BigInt(`${m[2]}${frac}`);
  return m[1] ? -v : v;
}
const abs = (v: bigint) => (v < 0n ? -v : v);
const DASH = '\u2013';

/** Shown text for an API value of a kind: money to the cent, a ratio as a percent, a percent, or exactly */
export function expectShown(kind: 'usd' | 'ratio' | 'pct' | 'exact' | 'decimal', raw: string | number | null, text: string, at: string) {
  if (raw === null) {
    expect(text.trim(), at).toBe(DASH);
    return;
  }
  const t = text.trim();
  if (kind === 'usd') {
    expect(t, at).toMatch(/^-?\$[\d,]+\.\d{2}$/);
    expect(abs(dec(t.replace('$', '').replace(/,/g, '')) - dec(String(raw))) <= 500_000n, `${at}: ${t} for ${raw}`).toBe(true);
  } else if (kind === 'ratio' || kind === 'pct') {
    expect(t, at).toMatch(/^-?[\d,]+(\.\d+)? %$/);
    const shown = dec(t.replace(/ %$/, '').replace(/,/g, ''));
    const want = kind === 'ratio' ? dec(String(raw)) * 100n : dec(String(raw));
    const digits = (t.split('.')[1] ?? '').replace(/ %$/, '').length;
    expect(abs(shown - want) * 2n <= 10n ** BigInt(8 - digits), `${at}: ${t} for ${raw}`).toBe(true);
  } else if (kind === 'decimal') {
    expect(dec(t.replace(/,/g, '')), `${at}: ${t} for ${raw}`).toBe(dec(String(raw)));
  } else {
    expect(t, at).toBe(String(raw));
  }
}

/** data-value is the API's raw value ('null' for null) */
export const rawOf = (v: unknown): string => (v === null || v === undefined ? 'null' : String(v));

/** The rules every page keeps: no broken figure text, no sideways panning */
export function expectClean(s: Snapshot, at: string) {
  for (const bad of ['NaN', 'undefined', 'Infinity', 'null']) expect(s.text.includes(bad), `${at}: "${bad}" shown`).toBe(false);
  expect(s.overflow.scrollWidth, `${at}: page wider than the viewport`).toBeLessThanOrEqual(s.overflow.innerWidth);
  // html and body hide horizontal overflow, so scrollWidth alone would not see content cut off at the right
  expect(s.cut, `${at}: cut off at the right edge`).toEqual([]);
}

/** How many pixels of a chart's canvas are drawn in `hex` (a series' colour): the bars or lines were really drawn */
export function inkOf(page: Page, testid: string, hex: string): Promise<number> {
  return page.evaluate(([id, color]) => {
    const canvas = document.querySelector(`[data-testid="${id}"] canvas`) as HTMLCanvasElement | null;
    if (!canvas) return 0;
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(color!.slice(i, i + 2), 16));
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (Math.abs(px[i]! - r!) < 8 && Math.abs(px[i + 1]! - g!) < 8 && Math.abs(px[i + 2]! - b!) < 8 && px[i + 3]! > 200) n += 1;
    }
    return n;
  }, [testid, hex]);
}
