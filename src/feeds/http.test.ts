// @backend-independent
/** getJson retry, backoff, timeout and never-throw behaviour, against a loopback server and injected fetch */
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs, getJson, parseRetryAfter, type FetchFn } from './http.ts';
import { startLoopback, type LoopbackServer } from './loopback-server.ts';

let server: LoopbackServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Records requested waits instead of sleeping */
const recorder = (): { sleeps: number[]; sleep: (ms: number) => Promise<void> } => {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms) };
};

describe('getJson', () => {
  it('retries 5xx with growing delays, then returns the body', async () => {
    let calls = 0;
    server = await startLoopback(() => (++calls <= 2 ? { status: 503, body: 'busy' } : { body: [{ a: 1 }] }));
    const { sleeps, sleep } = recorder();
    const res = await getJson(`${server.baseUrl}/x`, { sleep, baseDelayMs: 100, random: () => 0 });
    expect(res).toEqual({ ok: true, status: 200, body: [{ a: 1 }], requests: 3 });
    expect(sleeps).toEqual([100, 200]);
  });

  it('honours Retry-After on 429', async () => {
    let calls = 0;
    server = await startLoopback(() =>
      ++calls === 1 ? { status: 429, headers: { 'retry-after': '2' }, body: {} } : { body: { ok: 1 } },
    );
    const { sleeps, sleep } = recorder();
    const res = await getJson(`${server.baseUrl}/x`, { sleep, baseDelayMs: 1 });
    expect(res.ok).toBe(true);
    expect(sleeps).toEqual([2000]);
  });

  it('caps waits at maxDelayMs, Retry-After included', async () => {
    server = await startLoopback(() => ({ status: 429, headers: { 'retry-after': '3600' }, body: {} }));
    const { sleeps, sleep } = recorder();
    const res = await getJson(`${server.baseUrl}/x`, { sleep, maxAttempts: 3, maxDelayMs: 5000 });
    expect(res).toMatchObject({ ok: false, status: 429, requests: 3 });
    expect(sleeps).toEqual([5000, 5000]);
  });

  it('does not retry other 4xx', async () => {
    server = await startLoopback(() => ({ status: 404, body: { error: 'nope' } }));
    const { sleeps, sleep } = recorder();
    const res = await getJson(`${server.baseUrl}/x`, { sleep });
    expect(res).toMatchObject({ ok: false, status: 404, requests: 1 });
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after maxAttempts on persistent 500', async () => {
    server = await startLoopback(() => ({ status: 500, body: 'down' }));
    const { sleep } = recorder();
    const res = await getJson(`${server.baseUrl}/x`, { sleep, maxAttempts: 4 });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toMatch(/HTTP 500.*after 4 attempts/);
    expect(server.requests).toHaveLength(4);
  });

  it('times out a slow response and retries it', async () => {
    let calls = 0;
    server = await startLoopback(({ query }) =>
      ++calls === 1 || query.has('slow') ? { delayMs: 500, body: [] } : { body: { v: 'fine' } },
    );
    const { sleep } = recorder();
    const res = await getJson(`${server.baseUrl}/x`, { sleep, timeoutMs: 100 });
    expect(res).toMatchObject({ ok: true, body: { v: 'fine' }, requests: 2 });
    const slow = await getJson(`${server.baseUrl}/x?slow=1`, { sleep, timeoutMs: 50, maxAttempts: 1 });
    expect(slow).toMatchObject({ ok: false, status: null, error: 'timeout' });
  });

  it('retries network errors and never throws', async () => {
    let calls = 0;
    const flaky: FetchFn = async () => {
      calls += 1;
      if (calls < 3) throw new TypeError('fetch failed');
      return new Response('{"n":3}', { status: 200 });
    };
    const { sleep } = recorder();
    expect(await getJson('http://unused.invalid/', { fetch: flaky, sleep })).toMatchObject({ ok: true, body: { n: 3 } });
    const dead: FetchFn = async () => {
      throw new TypeError('fetch failed');
    };
    const res = await getJson('http://unused.invalid/', { fetch: dead, sleep, maxAttempts: 2 });
    expect(res).toMatchObject({ ok: false, status: null, requests: 2 });
  });

  it('reports invalid JSON without retrying', async () => {
    server = await startLoopback(() => ({ body: '<html>' }));
    const res = await getJson(`${server.baseUrl}/x`, { sleep: async () => {} });
    expect(res).toMatchObject({ ok: false, status: 200, requests: 1 });
  });
});

describe('backoff helpers', () => {
  it('adds up to 50% jitter and caps', () => {
    expect(backoffMs(1, null, { baseDelayMs: 100, random: () => 0.999 })).toBe(150);
    expect(backoffMs(3, null, { baseDelayMs: 100, random: () => 0 })).toBe(400);
    expect(backoffMs(20, null, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 })).toBe(1000);
    expect(backoffMs(1, 0, { baseDelayMs: 100 })).toBe(0);
  });

  it('reads Retry-After seconds and dates', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
  });
});
