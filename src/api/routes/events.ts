/**
 * GET /api/events: server-sent events for the dashboard. The first message is a `change` with the current version;
 * the stream then polls the user's version (one small query, src/store/events-store.ts) every POLL_MS and sends
 * `change` when it moved, so at most one change a second, and a `: ping` comment every PING_MS. When the client
 * goes away the loop ends at once (the pending wait is cleared), so nothing keeps the process alive
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { dashboardVersion } from '../../store/events-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { ChangeEventSchema } from '../schemas/series.ts';

export const POLL_MS = 1_000;
export const PING_MS = 15_000;

/** Each open stream's end: ends its loop, and the response with it */
const streams = new Set<AbortController>();
/** Streams open now (tests check a closed client is dropped) */
export const openEventStreams = (): number => streams.size;
/** Ends every open stream (at shutdown: the HTTP server closes only once no response is still streaming) */
export function endEventStreams(): void {
  for (const end of streams) end.abort();
}

const events = createRoute({ method: 'get', path: '/api/events', security: [{ bearer: [] }], tags: ['events'],
  responses: { 200: { description: 'text/event-stream: `event: change` with data ChangeEvent (JSON) when anything the dashboard '
    + 'shows for you changed (at most once a second; the first message carries the current version), and a `: ping` comment every 15 s',
  content: { 'text/event-stream': { schema: z.string().openapi({ description: 'SSE; each change event\'s data is a ChangeEvent' }) } } } } });

/** Waits `ms`, or less when the stream is aborted; the timer never outlives the stream */
function pause(stream: SSEStreamingApi, gone: Promise<void>, ms: number): Promise<void> {
  if (stream.aborted || stream.closed) return Promise.resolve(); // `gone` has settled, or will not be needed
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([new Promise<void>((done) => { timer = setTimeout(done, ms); }), gone]).finally(() => clearTimeout(timer));
}

async function run(deps: ApiDeps, userId: string, stream: SSEStreamingApi, signal: AbortSignal, end: AbortSignal): Promise<void> {
  const gone = new Promise<void>((done) => {
    stream.onAbort(done);
    if (signal.aborted || end.aborted) done();
    signal.addEventListener('abort', () => { stream.abort(); done(); }, { once: true });
    end.addEventListener('abort', () => done(), { once: true });
  });
  let last: string | null = null;
  let pingAt = Date.now() + PING_MS;
  while (!stream.aborted && !stream.closed && !end.aborted) {
    const version = await dashboardVersion(deps.db, userId);
    if (version !== last) {
      last = version;
      await stream.writeSSE({ event: 'change', data: JSON.stringify({ version, at: deps.clock.now().toISOString() }) });
    }
    if (Date.now() >= pingAt) {
      await stream.write(': ping\n\n');
      pingAt = Date.now() + PING_MS;
    }
    await pause(stream, gone, POLL_MS);
  }
}

export const eventRoutes = (deps: ApiDeps) => {
  const app = new OpenAPIHono<AppEnv>();
  app.openAPIRegistry.register('ChangeEvent', ChangeEventSchema); // the data of each `change` event
  return app.openapi(events, (c) => {
    const userId = c.get('user').userId;
    return streamSSE(c, async (stream) => {
      const end = new AbortController();
      streams.add(end);
      try {
        await run(deps, userId, stream, c.req.raw.signal, end.signal);
      } finally {
        streams.delete(end);
      }
    }, async (error) => {
      deps.log.error('event stream failed', { error });
    }) as never;
  });
};
