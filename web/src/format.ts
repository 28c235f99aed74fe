// Exact formatting of the API's values. Every number comes from the API as a decimal string and is only re-spelled
// here (grouping, a unit, a decimal point moved for percents, rounding by digits), never computed with floats. A
// missing value (null) shows as "–", never 0. Charts are the one place values become floats (components/charts.tsx).
export const DASH = '\u2013';
export type Num = string | null | undefined;

export const isNull = (s: unknown): s is null | undefined => s === null || s === undefined;

/** '-1234.5' → '-1,234.5' */
export function group(s: string): string {
  const neg = s.startsWith('-');
  const [i = '', f] = (neg ? s.slice(1) : s).split('.');
  return `${neg ? '-' : ''}${i.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${f === undefined ? '' : `.${f}`}`;
}

/** A decimal string rounded half away from zero to `digits` decimals, by digits (no float) */
export function round(s: string, digits: number): string {
  const neg = s.startsWith('-');
  const [i = '0', f = ''] = (neg ? s.slice(1) : s).split('.');
  const padded = f.padEnd(digits + 1, '0');
  let kept = `${i}${padded.slice(0, digits)}`;
  if (Number(padded[digits]) >= 5) kept = increment(kept);
  const int = kept.slice(0, kept.length - digits).replace(/^0+(?=\d)/, '') || '0';
  const frac = digits ? `.${kept.slice(kept.length - digits)}` : '';
  const out = `${int}${frac}`;
  return neg && /[1-9]/.test(out) ? `-${out}` : out;
}
function increment(digits: string): string {
  const a = digits.split('');
  for (let k = a.length - 1; k >= 0; k--) {
    if (a[k] === '9') a[k] = '0';
    else {
      a[k] = String(Number(a[k]) + 1);
      return a.join('');
    }
  }
  return `1${a.join('')}`;
}

/** Trailing zeros dropped, keeping `min` decimals ('500.000000' → '500.00' with min 2): the same value, shorter */
export function trim(s: Num, min = 0): string {
  if (isNull(s)) return DASH;
  const [i, f = ''] = String(s).split('.');
  const kept = f.replace(/0+$/, '').padEnd(min, '0');
  return kept ? `${i}.${kept}` : String(i);
}
/** A USDC amount to the cent: '-1.125' → '-$1.13' */
export function usd(s: Num): string {
  if (isNull(s)) return DASH;
  const r = round(s, 2);
  return r.startsWith('-') ? `-$${group(r.slice(1))}` : `$${group(r)}`;
}
/** A ratio (1.0 = 100 %) as a percent with `digits` decimals, by moving the decimal point: '0.086957' → '8.70 %' */
export function ratio(s: Num, digits = 2): string {
  if (isNull(s)) return DASH;
  const neg = s.startsWith('-');
  const [i = '0', f = ''] = (neg ? s.slice(1) : s).split('.');
  const frac = f.padEnd(2, '0');
  const moved = `${i}${frac.slice(0, 2)}.${frac.slice(2) || '0'}`;
  return `${round(`${neg ? '-' : ''}${moved}`, digits)} %`;
}
/** Already a percent: '1.23456' → '1.23 %' */
export const pct = (s: Num, digits = 2): string => (isNull(s) ? DASH : `${round(s, digits)} %`);
/** A price as the venue shows it: trailing zeros dropped, at least 2 decimals ('0.5' → '0.50', '0.125' → '0.125') */
export const price = (s: Num): string => (isNull(s) ? DASH : trim(s, 2));
/** Shares to 2 decimals, grouped */
export const shares = (s: Num): string => (isNull(s) ? DASH : group(round(s, 2)));
export const ms = (n: number | null | undefined): string => (isNull(n) ? DASH : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${n} ms`);
export const count = (n: number | null | undefined): string => (isNull(n) ? DASH : String(n));
/** 'neg' / 'pos' for a signed amount's colour (its sign is also in the text) */
export const sign = (s: Num): string | undefined => (isNull(s) ? undefined : s.startsWith('-') ? 'neg' : /[1-9]/.test(s) ? 'pos' : undefined);
/** A date with its time, in the browser's zone: '02/12/2026, 16:54:36' */
export const when = (iso: string | null | undefined): string =>
  (isNull(iso) ? DASH : new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }));
const two = (n: number): string => String(n).padStart(2, '0');
/**
 * A time of day in the browser's zone, 24-hour: '16:54:36' (what toLocaleTimeString('en-GB') prints), without Intl: the
 * overview shows one on its first screen, and the first Intl date format in a page costs tens of ms to set up
 */
export const clock = (d: Date): string => `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
