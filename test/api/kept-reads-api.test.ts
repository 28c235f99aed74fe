/**
 * The dashboard's kept reads (src/api/read-cache.ts) through the HTTP API on the gap scenario: a read again with nothing
 * committed is the kept answer; a write through the API shows at the next read with no wait; each user has their own;
 * the series' venue breaker is this process's state at each read, never the kept one
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { createReadCache, type ReadCache } from '../../src/api/read-cache.ts';
import type { VenueHealth } from '../../src/engine/venue-gate.ts';
import { silentLog } from '../../src/log.ts';
import { createUser } from '../../src/store/user-store.ts';
import { callApp, type Json } from '../support/api-client.ts';
import { gapScenario } from '../support/gap-scenario.ts';
import type { LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';

let w: LtWorld;
let app: ReturnType<typeof createApp>;
let reads: ReadCache;
let mallory: string;
let venue: VenueHealth = { name: 'simulated', state: 'ready', reasons: [], checkedAt: new Date('2026-03-01T12:00:00Z') };
const call = (method: string, path: string, body?: unknown, token: string | null = w.token) => callApp(app, method, path, body, token);
const get = (path: string, token: string | null = w.token) => call('GET', path, undefined, token);
const breaker = (series: Json, name: string) => (series.risk.breakers as Json[]).find((b) => b.name === name)!;

beforeAll(async () => {
  w = await gapScenario();
  reads = createReadCache(w.ft.t.db, w.ft.clock, silentLog);
  app = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test', reads,
    venueHealth: () => venue, runJob: async () => ({ ran: false, reason: 'none' }) });
  mallory = (await createUser(w.ft.t.db, 'mallory')).token;
});
afterAll(async () => w?.close());

describe(`kept reads through the API on ${backendName}`, () => {
  const series = () => get(`/api/lt/strategies/${w.strategyId}/series`);

  it('a read again with nothing committed is the kept answer', async () => {
    const first = await get('/api/overview');
    const before = reads.counts().fresh;
    const again = await get('/api/overview');
    expect(again.body).toEqual(first.body);
    expect(again.body.as_of).toBe(first.body.as_of);
    expect(reads.counts().fresh).toBe(before + 1);
  });

  it('a write through the API shows at the next read, with the clock unchanged', async () => {
    expect((await get('/api/lt/kill-switch')).body.engaged).toBe(false);
    expect(breaker((await series()).body, 'kill_switch').tripped).toBe(false);
    expect((await call('POST', '/api/lt/kill-switch', { engaged: true, reason: 'kept reads' })).status).toBe(200);
    expect((await get('/api/lt/kill-switch')).body).toMatchObject({ engaged: true, reason: 'kept reads' });
    expect(breaker((await series()).body, 'kill_switch')).toMatchObject({ tripped: true, reason: 'kept reads' });
    expect((await get('/api/overview')).body.kill_switch.engaged).toBe(true);
    await call('POST', '/api/lt/kill-switch', { engaged: false });
    expect((await get('/api/overview')).body.kill_switch.engaged).toBe(false);
  });

  it('each user reads their own answer of the same request', async () => {
    const mine = await get('/api/overview');
    const theirs = await get('/api/overview', mallory);
    expect((mine.body.lt as Json[]).map((r) => r.strategy_id)).toEqual([w.strategyId]);
    expect(theirs.body.lt).toEqual([]);
    expect((await get(`/api/lt/strategies/${w.strategyId}/series`, mallory)).status).toBe(404);
  });

  it('the series\' venue breaker is this process\'s state at each read, the rest the kept answer', async () => {
    const ready = await series();
    expect(breaker(ready.body, 'venue')).toMatchObject({ tripped: false, reason: null });
    const before = reads.counts().fresh;
    venue = { ...venue, state: 'degraded', reasons: [{ code: 'collateral', message: 'collateral below capital' }] };
    const degraded = await series();
    expect(reads.counts().fresh).toBe(before + 1);
    expect(breaker(degraded.body, 'venue')).toMatchObject({ tripped: true, reason: 'degraded: collateral below capital' });
    expect(degraded.body.equity).toEqual(ready.body.equity);
  });
});
