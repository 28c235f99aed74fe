/** The cancel routes over an LT world with the simulated venue: per-user auth, stop and the kill switch cancelling resting orders */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { silentLog } from '../../src/log.ts';
import { createUser } from '../../src/store/user-store.ts';
import { callApp } from '../support/api-client.ts';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';

const PROBLEM = 'application/problem+json';

async function setup() {
  const w = await createLtWorld();
  const app = createApp({ db: w.ft.t.db, clock: w.ft.clock, log: silentLog, venue: w.venue, version: 'test',
    runJob: async () => ({ ran: false, reason: 'none' }) });
  const mallory = (await createUser(w.ft.t.db, `mallory-${w.userId}`)).token;
  await w.buySignal({ price: 0.5 });
  expect(await w.execute()).toMatchObject({ ordered: 1 });
  const post = (path: string, token: string | null, body?: unknown) => callApp(app, 'POST', path, body, token);
  return { w, mallory, post };
}

describe(`LT cancel routes on ${backendName}`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it('POST /api/lt/strategies/{id}/cancel-open-orders: 401 without a token, 404 for another user (nothing cancelled), 200 with the report for the owner', async () => {
    const s = await setup();
    w = s.w;
    const path = `/api/lt/strategies/${w.strategyId}/cancel-open-orders`;
    expect((await s.post(path, null)).status).toBe(401);
    const theirs = await s.post(path, s.mallory);
    expect([theirs.status, theirs.type]).toEqual([404, PROBLEM]);
    const all = await s.post('/api/lt/cancel-open-orders', s.mallory);
    expect(all.body).toMatchObject({ cancelled: [], not_cancelled: [] }); // user-wide is the caller's orders only
    expect((await w.orders()).map((o) => o.status)).toEqual(['open']);
    const mine = await s.post(path, w.token);
    const [order] = await w.orders();
    expect([mine.status, mine.body]).toEqual([200, { cancelled: [order!.order_id], not_cancelled: [], fills_booked: 0,
      finished: 1, errors: [] }]);
    expect(order!.status).toBe('cancelled');
    expect(await w.checkLedger()).toMatchObject({ reserved: 0n });
  });

  it('POST .../stop and POST /api/lt/kill-switch {engaged: true} answer with the cancel of the resting orders', async () => {
    const s = await setup();
    w = s.w;
    const stopped = await s.post(`/api/lt/strategies/${w.strategyId}/stop`, w.token);
    expect(stopped.status).toBe(200);
    expect(stopped.body.strategy.is_active).toBe(false);
    expect(stopped.body.cancel.cancelled).toHaveLength(1);
    expect(stopped.body.capital.reserved).toBe('0.000000');
    const killed = await s.post('/api/lt/kill-switch', w.token, { engaged: true, reason: 'drill' });
    expect(killed.body).toMatchObject({ engaged: true, reason: 'drill', cancel: { cancelled: [], not_cancelled: [] } });
    expect((await s.post(`/api/lt/strategies/${w.strategyId}/stop`, s.mallory)).status).toBe(404);
  });
});
