/**
 * GET /api/events over a real socket (127.0.0.1): the first message is a change with the current version, a pause
 * through the API is a new change within a generous bound, and when the client aborts the server drops the stream.
 * The version is per user: another user's change does not move it
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { endEventStreams, openEventStreams } from '../../src/api/routes/events.ts';
import { silentLog } from '../../src/log.ts';
import { dashboardVersion } from '../../src/store/events-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { callApp } from '../support/api-client.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';

let w: LtWorld;
let app: ReturnType<typeof createApp>;
let server: ServerType;
let base: string;
let mallory: { token: string; userId: string };

beforeAll(async () => {
  w = await createLtWorld();
  app = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test',
    runJob: async () => ({ ran: false, reason: 'none' }) });
  const m = await createUser(w.ft.t.db, 'mallory');
  mallory = { token: m.token, userId: m.user.userId };
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((done) => (server.listening ? done() : server.once('listening', () => done())));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await w?.close();
});

interface SseEvent { event: string | null; data: string | null }

/** Reads server-sent events from a fetch body; `next` waits (bounded) for the next `change` event */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const parse = (block: string): SseEvent => {
    const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? null;
    return { event: field('event'), data: field('data') };
  };
  async function next(boundMs: number): Promise<SseEvent> {
    const deadline = Date.now() + boundMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const e = parse(block);
        if (e.event === 'change') return e;
        continue; // a comment (ping)
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no change event within ${boundMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const read = await Promise.race([reader.read(),
        new Promise<null>((done) => { timer = setTimeout(() => done(null), left); })]).finally(() => clearTimeout(timer));
      if (read === null) continue;
      if (read.done) throw new Error('the stream ended');
      buffer += decoder.decode(read.value, { stream: true });
    }
  }
  return { next };
}

async function until(cond: () => boolean, boundMs: number): Promise<boolean> {
  for (const deadline = Date.now() + boundMs; Date.now() < deadline;) {
    if (cond()) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  return cond();
}

describe(`GET /api/events on ${backendName}`, () => {
  it('needs a token', async () => {
    const r = await fetch(`${base}/api/events`);
    expect(r.status).toBe(401);
    await r.body?.cancel();
  });

  it('sends the current version first, a change after a pause, and is dropped when the client aborts', async () => {
    const before = openEventStreams(); // npm test runs a pass's files in one process: another file's may still be closing
    const abort = new AbortController();
    const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${w.token}` }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = sseReader(res.body!);
    const first = await events.next(20_000);
    const v1 = JSON.parse(first.data!) as { version: string; at: string };
    expect(v1).toEqual({ version: await dashboardVersion(w.ft.t.db, w.userId), at: w.ft.clock.now().toISOString() });
    expect(openEventStreams()).toBe(before + 1);

    const paused = await callApp(app, 'POST', `/api/lt/strategies/${w.strategyId}/pause`, { reason: 'events test' }, w.token);
    expect(paused.status).toBe(200);
    const second = JSON.parse((await events.next(20_000)).data!) as { version: string };
    expect(second.version).not.toBe(v1.version);
    expect(second.version).toBe(await dashboardVersion(w.ft.t.db, w.userId));

    abort.abort();
    expect(await until(() => openEventStreams() === before, 20_000)).toBe(true);
  });

  it('at shutdown, endEventStreams ends an open stream (so the server can close)', async () => {
    const before = openEventStreams();
    const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${w.token}` } });
    const events = sseReader(res.body!);
    await events.next(20_000);
    expect(openEventStreams()).toBe(before + 1);
    endEventStreams();
    await expect(events.next(20_000)).rejects.toThrow('the stream ended');
    expect(await until(() => openEventStreams() === 0, 20_000)).toBe(true);
  });

  it('the version is per user: another user\'s command does not move it, theirs does', async () => {
    const mine = await dashboardVersion(w.ft.t.db, w.userId);
    const theirs = await dashboardVersion(w.ft.t.db, mallory.userId);
    await callApp(app, 'POST', `/api/lt/strategies/${w.strategyId}/resume`, undefined, w.token);
    expect(await dashboardVersion(w.ft.t.db, mallory.userId)).toBe(theirs);
    expect(await dashboardVersion(w.ft.t.db, w.userId)).not.toBe(mine);
    await callApp(app, 'POST', '/api/lt/kill-switch', { engaged: true, reason: 'mallory' }, mallory.token);
    expect(await dashboardVersion(w.ft.t.db, mallory.userId)).not.toBe(theirs);
  });
});
