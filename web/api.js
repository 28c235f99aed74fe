// The API as the signed-in user: the token is kept in this browser's localStorage
export const TOKEN_KEY = 'tandem.token';

/** The token was refused (HTTP 401): the page signs out */
export class Refused extends Error {}

export async function api(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${localStorage.getItem(TOKEN_KEY)}` } });
  if (res.status === 401) throw new Refused('refused');
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

/**
 * Every item of a cursor-paginated list: follows next_cursor page by page (at most `pages` pages), concatenating the
 * `key` arrays; the other fields are the first page's
 */
export async function apiAll(path, key, pages = 100) {
  const sep = path.includes('?') ? '&' : '?';
  const first = await api(`${path}${sep}limit=500`);
  const items = [...first[key]];
  let next = first.next_cursor;
  for (let n = 1; next && n < pages; n++) {
    const page = await api(`${path}${sep}limit=500&cursor=${encodeURIComponent(next)}`);
    items.push(...page[key]);
    next = page.next_cursor;
  }
  return { ...first, [key]: items, next_cursor: next };
}
