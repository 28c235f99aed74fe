/** A JSON GET with a per-request timeout and bounded, jittered retries on 429, 5xx and network errors; never throws */

export type FetchFn = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;

export interface HttpOptions {
  /** Injectable for tests; defaults to the global fetch */
  fetch?: FetchFn;
  /** Injectable for tests; defaults to a setTimeout promise */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1); defaults to Math.random */
  random?: () => number;
  /** Per-attempt timeout, including reading the body (default 10 000 ms) */
  timeoutMs?: number;
  /** Total attempts including the first (default 4) */
  maxAttempts?: number;
  /** First retry waits about this long, doubling each time (default 500 ms) */
  baseDelayMs?: number;
  /** No wait, computed or from Retry-After, exceeds this (default 30 000 ms) */
  maxDelayMs?: number;
  headers?: Record<string, string>;
}

export type HttpResult =
  | { ok: true; status: number; body: unknown; requests: number }
  /** status is null when no HTTP response was received (network error or timeout) */
  | { ok: false; status: number | null; error: string; requests: number };

type Attempt =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'fail'; status: number | null; error: string; retry: boolean; retryAfterMs: number | null };

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** GETs `url` and parses JSON, retrying transient failures; the result says how many requests were made */
export async function getJson(url: string, opts: HttpOptions = {}): Promise<HttpResult> {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
  const sleep = opts.sleep ?? defaultSleep;
  let requests = 0;
  for (;;) {
    requests += 1;
    const attempt = await attemptOnce(url, opts);
    if (attempt.kind === 'ok') return { ok: true, status: attempt.status, body: attempt.body, requests };
    if (!attempt.retry || requests >= maxAttempts) {
      const error = requests > 1 ? `${attempt.error} (after ${requests} attempts)` : attempt.error;
      return { ok: false, status: attempt.status, error, requests };
    }
    await sleep(backoffMs(requests, attempt.retryAfterMs, opts));
  }
}

/** The wait before retry number `attempt` (1-based): Retry-After when given, else exponential with jitter, capped */
export function backoffMs(attempt: number, retryAfterMs: number | null, opts: HttpOptions = {}): number {
  const cap = opts.maxDelayMs ?? 30_000;
  if (retryAfterMs !== null) return Math.min(cap, Math.max(0, retryAfterMs));
  const exp = (opts.baseDelayMs ?? 500) * 2 ** (attempt - 1);
  const jitter = exp * 0.5 * (opts.random ?? Math.random)();
  return Math.min(cap, Math.round(exp + jitter));
}

async function attemptOnce(url: string, opts: HttpOptions): Promise<Attempt> {
  const doFetch: FetchFn = opts.fetch ?? ((u, init) => fetch(u, init));
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  const headers = { accept: 'application/json', ...opts.headers };
  let status: number | null = null;
  try {
    const res = await doFetch(url, { signal, headers });
    status = res.status;
    const text = await res.text();
    if (res.ok) return parseBody(res.status, text);
    const retry = res.status === 429 || res.status >= 500;
    const retryAfterMs = retry ? parseRetryAfter(res.headers.get('retry-after')) : null;
    return { kind: 'fail', status: res.status, error: `HTTP ${res.status}: ${snippet(text)}`, retry, retryAfterMs };
  } catch (err) {
    return { kind: 'fail', status, error: describeError(err), retry: true, retryAfterMs: null };
  }
}

function parseBody(status: number, text: string): Attempt {
  try {
    return { kind: 'ok', status, body: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'fail', status, error: `invalid JSON: ${snippet(text)}`, retry: false, retryAfterMs: null };
  }
}

/** Retry-After as delta seconds or an HTTP date; null when absent or unreadable */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timeout';
    const cause = (err as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${err.name}: ${err.message}${detail}`;
  }
  return String(err);
}

const snippet = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
