// Exact formatting of the API's values, and small DOM helpers. Every number comes from the API as a string and is
// only re-spelled here (grouping, a unit, a decimal point moved for percents), never computed with floats. A missing
// sample (null) shows as "–", never 0.
export const $ = (sel) => document.querySelector(sel);
export const DASH = '\u2013';

/** An element with attributes (`text` sets its text) and children; null/undefined attributes and children are left out */
export function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = String(v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...kids.flat().filter((k) => k !== null && k !== undefined).map((k) => (typeof k === 'object' ? k : String(k))));
  return e;
}

export const isNull = (s) => s === null || s === undefined;
/** '-1234.5' → '-1,234.5' */
export function group(s) {
  const neg = s.startsWith('-');
  const [i, f] = (neg ? s.slice(1) : s).split('.');
  return `${neg ? '-' : ''}${i.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${f === undefined ? '' : `.${f}`}`;
}
/** A USDC amount as the API gives it: '-1.12' → '-$1.12' */
export const usd = (s) => (isNull(s) ? DASH : s.startsWith('-') ? `-$${group(s.slice(1))}` : `$${group(s)}`);
/** Trailing zeros dropped, keeping `min` decimals ('500.000000' → '500.00' with min 2): the same value, shorter */
export function trim(s, min = 0) {
  if (isNull(s)) return DASH;
  const [i, f = ''] = String(s).split('.');
  const kept = f.replace(/0+$/, '').padEnd(min, '0');
  return kept ? `${i}.${kept}` : i;
}
export const usdShort = (s) => (isNull(s) ? DASH : usd(trim(s, 2)));
/** A ratio (1.0 = 100 %) as a percent, by moving the decimal point two places: '0.086957' → '8.6957 %' */
export function ratio(s) {
  if (isNull(s)) return DASH;
  const neg = s.startsWith('-');
  const [i, f = ''] = (neg ? s.slice(1) : s).split('.');
  const frac = f.padEnd(2, '0');
  const int = `${i}${frac.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  return `${neg ? '-' : ''}${int}${frac.length > 2 ? `.${frac.slice(2)}` : ''} %`;
}
export const pct = (s) => (isNull(s) ? DASH : `${s} %`); // already a percent
export const ms = (n) => (isNull(n) ? DASH : `${n} ms`);
export const count = (n) => (isNull(n) ? DASH : String(n));
/** 'neg' / 'pos' for a signed amount's colour (its sign is also in the text) */
export const sign = (s) => (isNull(s) ? null : s.startsWith('-') ? 'neg' : /[1-9]/.test(s) ? 'pos' : null);
export const when = (iso) => (isNull(iso) ? DASH : new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }));
export const clock = (iso) => (isNull(iso) ? DASH : new Date(iso).toLocaleTimeString('en-GB'));
/** A value cell: the formatted text, and the API's own value in data-value */
export const cell = (raw, fmt, attrs = {}) => el('td', { ...attrs, 'data-value': isNull(raw) ? 'null' : String(raw), text: fmt(raw) });
/** A table with a caption, a header row and the given body rows */
export const table = (testid, caption, head, rows) => el('table', { 'data-testid': testid }, el('caption', { text: caption }),
  el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))), el('tbody', {}, rows));
