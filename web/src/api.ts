// The API as the signed-in user. The token is kept in this browser's localStorage; every call sends it as a bearer
// token. A refused token (401) signs the page out; any other failure is an ApiError carrying the problem+json body, so
// a form can show each validation issue at its field.
export const TOKEN_KEY = 'tandem.token';

export interface Issue { path: (string | number)[]; message: string }
export interface Problem { title?: string; detail?: string; status?: number; issues?: Issue[] }

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(problem.detail ? `${problem.title ?? 'Error'}: ${problem.detail}` : (problem.title ?? `HTTP ${status}`));
  }
  /** The messages of the issues at a body field (its first path segment) */
  at(field: string): string[] {
    return (this.problem.issues ?? []).filter((i) => String(i.path[0]) === field).map((i) => i.message);
  }
}

/** The token was refused (HTTP 401) */
export class Refused extends ApiError {}

export const token = (): string | null => localStorage.getItem(TOKEN_KEY);
/** Whether the last token was refused by the API (the sign-in form says so) */
export let refused = false;
const listeners = new Set<() => void>();
/** Called when the token changes (signed in or out) */
export function onTokenChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}
export function setToken(value: string | null, wasRefused = false): void {
  refused = wasRefused;
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
  for (const f of listeners) f();
}

async function problemOf(res: Response): Promise<Problem> {
  try {
    return (await res.json()) as Problem;
  } catch {
    return { title: `HTTP ${res.status}` };
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token() ?? ''}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method: init.method ?? 'GET', headers, signal: init.signal,
    body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  if (res.status === 401) {
    setToken(null, true);
    throw new Refused(401, await problemOf(res));
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  return (await res.json()) as T;
}

export const post = <T>(path: string, body?: unknown) => api<T>(path, { method: 'POST', body: body ?? {} });
export const patch = <T>(path: string, body: unknown) => api<T>(path, { method: 'PATCH', body });
