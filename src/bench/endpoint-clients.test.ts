// @backend-independent
/** The endpoint bench's clients in their own process: every client walks every endpoint each round; a failed read fails */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, walkElsewhere } from './endpoint-clients.ts';

describe('the endpoint clients in a child process', () => {
  let server: Server;
  let base = '';
  const seen: string[] = [];
  let flaked = false;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization}`);
      if (req.url === '/broken') res.writeHead(500).end('{"title":"no"}');
      else if (req.url === '/flaky' && !flaked) {
        flaked = true;
        res.writeHead(503).end('{"title":"once"}');
      } else if (req.url === '/hang') return; // never answers
      else if (req.url === '/text') res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((r) => {
    server.closeAllConnections();
    server.close(r);
  }));

  it('times clients × rounds reads of each endpoint, with the headers given', async () => {
    const { times, ms } = await walkElsewhere({ base, paths: { a: '/a', b: '/b?x=1' }, headers: { authorization: 'Bearer t' }, clients: 3,
      rounds: 2, budgetMs: 60_000 });
    expect(Object.keys(times)).toEqual(['a', 'b']);
    expect(times.a).toHaveLength(6);
    expect(times.b).toHaveLength(6);
    expect([...times.a!, ...times.b!].every((t) => t > 0)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(Math.max(...times.a!));
    expect(seen.filter((s) => s === '/b?x=1 Bearer t')).toHaveLength(6);
  });

  it('fails, naming the read, when an endpoint answers other than 200 with JSON; the first failure stops every client', async () => {
    await expect(walkElsewhere({ base, paths: { broken: '/broken' }, headers: {}, clients: 1, rounds: 1, budgetMs: 60_000 }))
      .rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/broken: HTTP 500/);
    // /flaky fails once, for one client: the other stops too, long before its 1,000 rounds
    const before = seen.length;
    await expect(walkElsewhere({ base, paths: { a: '/a', flaky: '/flaky' }, headers: {}, clients: 2, rounds: 1_000, budgetMs: 60_000 }))
      .rejects.toThrow(/\/flaky: HTTP 503/);
    expect(seen.length - before).toBeLessThan(20);
    await expect(walkElsewhere({ base, paths: { text: '/text' }, headers: {}, clients: 1, rounds: 1, budgetMs: 60_000 }))
      .rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/text: not JSON: hello/);
  });

  it('fails a read that does not answer within its time, naming it', async () => {
    await expect(getJson(`${base}/hang`, {}, 300)).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/hang: no answer within 300 ms/);
    expect((await getJson(`${base}/a`, {}, 60_000)).json).toEqual({ ok: true });
  });
});
