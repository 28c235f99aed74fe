/**
 * The CLOB HTTP transport: the official client's L1/L2 header builders over undici (http-send.ts), with timeouts, rate budgets and
 * 429 retries that honour Retry-After, but never a retried POST /order after a timeout or a dropped connection
 */
import { createL1Headers, createL2Headers, type ApiKeyCreds, type Chain } from '@polymarket/clob-client-v2';
import type { WalletClient } from 'viem';
import type { Log } from '../../engine/ports.ts';
import { backoffMs, parseRetryAfter } from '../../feeds/http.ts';
import { errorCode, undiciSend, type HttpSend, type Method } from './http-send.ts';
import { RateBudgets, type BudgetName } from './rate-budget.ts';

/**
 * How a call may be repeated: `read` retries 429, 5xx and lost responses (idempotent GETs); `write` retries only a
 * 429, the one answer that proves the request was not processed
 */
export type RetryPolicy = 'read' | 'write';

export interface ClobRequest {
  method: Method;
  /** Path without the query string: it is what the L2 HMAC signs */
  path: string;
  query?: Record<string, string | undefined>;
  /** The exact JSON text sent, also signed */
  body?: string;
  auth: 'none' | 'l1' | 'l2';
  budget: BudgetName;
  retry: RetryPolicy;
}

/** `status: null` means no HTTP response arrived (timeout, refused, dropped) */
export type ClobResponse =
  | { status: number; body: unknown; requests: number }
  | { status: null; error: string; requests: number };

export interface TransportOptions {
  host: string;
  chainId: number;
  wallet: WalletClient;
  creds: () => ApiKeyCreds | null;
  budgets: RateBudgets;
  log: Log;
  /** Per-attempt timeout including the body (default 10 000 ms) */
  timeoutMs?: number;
  /** Attempts including the first (default 4) */
  maxAttempts?: number;
  /** No single wait, from Retry-After or backoff, exceeds this (default 10 000 ms) */
  maxRetryWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** How a request goes out (default undiciSend); tests observe or fake it */
  send?: HttpSend;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Attempt =
  | { kind: 'response'; status: number; body: unknown; retryAfterMs: number | null }
  | { kind: 'lost'; error: string };

export class ClobTransport {
  private readonly host: string;

  constructor(private readonly opts: TransportOptions) {
    this.host = opts.host.replace(/\/+$/, '');
  }

  /** Sends one request, retrying as its policy allows; never throws for HTTP or network failures */
  async call(req: ClobRequest): Promise<ClobResponse> {
    const maxAttempts = Math.max(1, this.opts.maxAttempts ?? 4);
    const sleep = this.opts.sleep ?? defaultSleep;
    for (let attempt = 1; ; attempt += 1) {
      await this.opts.budgets.take(req.budget);
      const result = await this.once(req);
      const retryable = this.retryable(req.retry, result);
      if (!retryable || attempt >= maxAttempts) return this.finish(result, attempt);
      const retryAfter = result.kind === 'response' ? result.retryAfterMs : null;
      const wait = backoffMs(attempt, retryAfter, { maxDelayMs: this.opts.maxRetryWaitMs ?? 10_000, baseDelayMs: 250 });
      this.opts.log.warn('polymarket request retried', {
        endpoint: `${req.method} ${req.path}`, status: result.kind === 'response' ? result.status : null, attempt, waitMs: wait,
      });
      await sleep(wait);
    }
  }

  private retryable(policy: RetryPolicy, result: Attempt): boolean {
    if (result.kind === 'lost') return policy === 'read';
    if (result.status === 429) return true;
    return policy === 'read' && result.status >= 500;
  }

  private finish(result: Attempt, requests: number): ClobResponse {
    return result.kind === 'response'
      ? { status: result.status, body: result.body, requests }
      : { status: null, error: result.error, requests };
  }

  private async once(req: ClobRequest): Promise<Attempt> {
    const url = new URL(`${this.host}${req.path}`);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    let headers: Record<string, string>;
    try {
      headers = { accept: 'application/json', 'content-type': 'application/json', ...(await this.authHeaders(req)) };
    } catch (err) {
      return { kind: 'lost', error: `could not sign the request: ${describe(err)}` };
    }
    const send = this.opts.send ?? undiciSend;
    try {
      const res = await send({ url, method: req.method, headers, body: req.body, timeoutMs: this.opts.timeoutMs ?? 10_000 });
      return { kind: 'response', status: res.status, body: parseJson(res.text), retryAfterMs: parseRetryAfter(res.retryAfter) };
    } catch (err) {
      return { kind: 'lost', error: describe(err) };
    }
  }

  /** L1 (wallet EIP-712) or L2 (API key HMAC) headers from the official client's builders */
  private async authHeaders(req: ClobRequest): Promise<Record<string, string>> {
    if (req.auth === 'none') return {};
    if (req.auth === 'l1') return stringify(await createL1Headers(this.opts.wallet, this.opts.chainId as Chain));
    const creds = this.opts.creds();
    if (!creds) throw new Error('no API credentials yet');
    const args = { method: req.method, requestPath: req.path, ...(req.body === undefined ? {} : { body: req.body }) };
    return stringify(await createL2Headers(this.opts.wallet, creds, args));
  }
}

const stringify = (h: Record<string, string | number | boolean>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** An error's kind and message only: request headers (which carry the API key and passphrase) never get in */
function describe(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
    const code = errorCode(err);
    return `${err.name}: ${err.message}${code === null ? '' : ` (${code})`}`;
  }
  return 'request failed';
}
