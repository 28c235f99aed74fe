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
