// @backend-independent
/** The transport on a fake fetch: what is retried (429 always, reads on 5xx and lost responses), what never is, and L2 headers */
import { createHmac } from 'node:crypto';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { polygon } from 'viem/chains';
import { describe, expect, it } from 'vitest';
import { captureLog } from '../../../test/support/polymarket-rig.ts';
import { RateBudgets } from './rate-budget.ts';
import { ClobTransport, type ClobRequest } from './transport.ts';
import type { HttpSend } from './http-send.ts';

/** A fetch-shaped fake (answering with Response objects) as the transport's HttpSend */
function fetchSend(f: typeof fetch): HttpSend {
  return async (req) => {
    const res = await f(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(req.timeoutMs) });
    return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
  };
}

const account = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const wallet = createWalletClient({ account, chain: polygon, transport: http('http://127.0.0.1:9') });
const creds = { key: 'key-1', secret: Buffer.alloc(32, 3).toString('base64url'), passphrase: 'pass-1' };

type Step = { status: number; body?: unknown; headers?: Record<string, string> } | 'timeout' | 'reset';

function rig(steps: Step[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const slept: number[] = [];
  const lines: string[] = [];
  const fake = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    const step = steps.shift() ?? { status: 200, body: {} };
    if (step === 'timeout') throw Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    if (step === 'reset') throw new TypeError('fetch failed');
    return new Response(JSON.stringify(step.body ?? {}), { status: step.status, headers: step.headers });
  }) as typeof fetch;
  const transport = new ClobTransport({
    host: 'http://127.0.0.1:1/', chainId: 137, wallet, creds: () => creds, budgets: new RateBudgets(), log: captureLog(lines),
    send: fetchSend(fake), sleep: async (ms) => void slept.push(ms),
  });
  return { transport, calls, slept, lines };
}

const postOrder: ClobRequest = { method: 'POST', path: '/order', body: '{"order":{}}', auth: 'l2', budget: 'postOrder', retry: 'write' };
const getOrders: ClobRequest = { method: 'GET', path: '/data/orders', query: { next_cursor: 'MA==' }, auth: 'l2', budget: 'orders', retry: 'read' };

describe('clob transport', () => {
  it('never retries a POST /order whose response was lost', async () => {
    for (const lost of ['timeout', 'reset'] as const) {
      const r = rig([lost]);
      const res = await r.transport.call(postOrder);
      expect(res).toMatchObject({ status: null, requests: 1 });
      expect(r.calls).toHaveLength(1);
    }
    const five = rig([{ status: 502, body: { error: 'bad gateway' } }]);
    expect(await five.transport.call(postOrder)).toMatchObject({ status: 502, requests: 1 });
  });

  it('retries a 429 honouring Retry-After, capped, then returns the answer', async () => {
    const r = rig([{ status: 429, headers: { 'retry-after': '2' } }, { status: 429, headers: { 'retry-after': '60' } }, { status: 200, body: { ok: 1 } }]);
    const res = await r.transport.call(postOrder);
    expect(res).toEqual({ status: 200, body: { ok: 1 }, requests: 3 });
    expect(r.slept).toEqual([2_000, 10_000]);
    expect(r.lines.filter((l) => l.includes('retried'))).toHaveLength(2);
  });

  it('retries reads on 5xx and lost responses, up to four attempts', async () => {
    const r = rig([{ status: 503 }, 'timeout', { status: 200, body: { data: [] } }]);
    expect(await r.transport.call(getOrders)).toMatchObject({ status: 200, requests: 3 });
    const worn = rig(['reset', 'reset', 'reset', 'reset', { status: 200 }]);
    expect(await worn.transport.call(getOrders)).toMatchObject({ status: null, requests: 4 });
  });

  it('signs L2 over the path without its query, and sends the exact body', async () => {
    const r = rig([{ status: 200 }, { status: 200 }]);
    await r.transport.call(getOrders);
    await r.transport.call(postOrder);
    const [get, post] = r.calls;
    expect(get!.url).toBe('http://127.0.0.1:1/data/orders?next_cursor=MA%3D%3D');
    const h = post!.init.headers as Record<string, string>;
    expect(h.POLY_API_KEY).toBe('key-1');
    expect(h.POLY_ADDRESS).toBe(account.address);
    const expected = createHmac('sha256', Buffer.from(creds.secret, 'base64url'))
      .update(`${h.POLY_TIMESTAMP}POST/order{"order":{}}`).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
    expect(h.POLY_SIGNATURE).toBe(expected);
    expect(post!.init.body).toBe('{"order":{}}');
  });

  it('keeps HTML error pages as text and empty bodies as null', async () => {
    const fake = (async () => new Response('<html>blocked</html>', { status: 403 })) as unknown as typeof fetch;
    const t = new ClobTransport({ host: 'http://x', chainId: 137, wallet, creds: () => creds, budgets: new RateBudgets(), log: captureLog([]), send: fetchSend(fake) });
    expect(await t.call({ ...getOrders, auth: 'none' })).toMatchObject({ status: 403, body: '<html>blocked</html>' });
  });
});
