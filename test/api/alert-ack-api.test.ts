/**
 * POST /api/alerts/{id}/acknowledge and GET /api/alerts/acknowledgements in-process: a user acknowledges their own
 * alert and a system alert (each once: the first time is kept), never another user's (404); the acknowledgement is in
 * the user's audit trail; ids validated as problem+json; both routes typed in the OpenAPI document
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import type { Alert } from '../../src/domain/alert-rules.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { silentLog } from '../../src/log.ts';
import { fireAlert } from '../../src/store/alert-store.ts';
import { listLtAudit } from '../../src/store/lt-strategy-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { callApp, idleVenue, type Json } from '../support/api-client.ts';
import { backendName, openTestDb, type TestDb } from '../support/test-db.ts';

let t: TestDb;
let app: ReturnType<typeof createApp>;
const clock = new ManualClock('2026-03-01T12:00:00Z');
const users: Record<string, { id: string; token: string }> = {};
const ids: Record<string, string> = {};
const PROBLEM = 'application/problem+json';

const alert = (userId: string | null, key: string): Alert => ({
  kind: userId ? 'order_latency' : 'job_missed', dedupeKey: key, severity: userId ? 'warning' : 'critical',
  message: `${key} fired`, detail: { key }, userId, strategyId: userId ? 'LT_FT_A' : null,
});

beforeAll(async () => {
  t = await openTestDb();
  app = createApp({ db: t.db, clock, log: silentLog, venue: idleVenue(clock), version: 'test', runJob: async () => ({ ran: false, reason: 'none' }) });
  for (const name of ['alice', 'bob']) {
    const { user, token } = await createUser(t.db, name);
    users[name] = { id: user.userId, token };
  }
  ids.alice = (await fireAlert(t.db, alert(users.alice!.id, 'latency:alice'), clock.now(), 60_000, { deliver: false })).alertId;
  ids.system = (await fireAlert(t.db, alert(null, 'job:ft-sync'), clock.now(), 60_000, { deliver: false })).alertId;
  ids.bob = (await fireAlert(t.db, alert(users.bob!.id, 'latency:bob'), clock.now(), 60_000, { deliver: false })).alertId;
});
afterAll(async () => t?.close());

const ack = (id: string, token: string) => callApp(app, 'POST', `/api/alerts/${id}/acknowledge`, {}, token);
const acks = async (token: string) => (await callApp(app, 'GET',
  `/api/alerts/acknowledgements?alert_ids=${[ids.alice, ids.system, ids.bob].join(',')}`, undefined, token)).body;

describe(`alert acknowledgement API on ${backendName}`, () => {
  it('acknowledges your alert and a system alert, keeping the first time, and audits it', async () => {
    clock.advance(5_000);
    const first = await ack(ids.alice!, users.alice!.token);
    expect([first.status, first.body]).toEqual([200, { alert_id: ids.alice, acknowledged_at: '2026-03-01T12:00:05.000Z' }]);
    clock.advance(5_000);
    expect((await ack(ids.alice!, users.alice!.token)).body.acknowledged_at).toBe('2026-03-01T12:00:05.000Z');
    expect((await ack(ids.system!, users.alice!.token)).body.acknowledged_at).toBe('2026-03-01T12:00:10.000Z');
    const mine = await acks(users.alice!.token);
    expect(mine.acknowledgements.map((a: Json) => a.alert_id).sort()).toEqual([ids.alice, ids.system].sort());
    const audit = await listLtAudit(t.db, users.alice!.id, null, 10);
    expect(audit.filter((a) => a.command === 'alert_acknowledged').map((a) => [a.strategyId, a.detail]))
      .toEqual(expect.arrayContaining([['LT_FT_A', { alert_id: ids.alice }], [null, { alert_id: ids.system }]]));
    expect(audit.filter((a) => a.command === 'alert_acknowledged')).toHaveLength(2);
  });

  it("never another user's alert, and each user acknowledges for themselves", async () => {
    const r = await ack(ids.bob!, users.alice!.token);
    expect([r.status, r.type]).toEqual([404, PROBLEM]);
    expect((await acks(users.bob!.token)).acknowledgements).toEqual([]); // alice's acknowledgement of the system alert is hers
  });

  it('refuses ids that are not alert ids, and callers without a token', async () => {
    expect((await ack('not-a-uuid', users.alice!.token)).status).toBe(400);
    const bad = await callApp(app, 'GET', '/api/alerts/acknowledgements?alert_ids=x,y', undefined, users.alice!.token);
    expect([bad.status, bad.type]).toEqual([400, PROBLEM]);
    expect((await ack(ids.alice!, 'tdm_wrong')).status).toBe(401);
  });

  it('is typed in the OpenAPI document', async () => {
    const doc = (await callApp(app, 'GET', '/api/openapi.json', undefined, null)).body;
    const post = doc.paths['/api/alerts/{id}/acknowledge'].post;
    expect(post.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/AlertAcknowledgement');
    expect(doc.paths['/api/alerts/acknowledgements'].get.responses['200'].content['application/json'].schema.$ref)
      .toBe('#/components/schemas/AlertAcknowledgements');
  });
});
