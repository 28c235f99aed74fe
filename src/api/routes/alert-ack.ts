/** Acknowledging alerts (an audit row per acknowledgement, src/store/alert-ack-store.ts) and reading which are acknowledged */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { acknowledgeAlert, alertAcknowledgements } from '../../store/alert-ack-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { problem } from '../problem.ts';
import { problemResponse } from '../schemas/common.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AlertId = z.string().regex(UUID, 'an alert id (UUID)');
const Ack = z.object({
  alert_id: z.string().openapi({ description: 'The alert' }),
  acknowledged_at: z.string().openapi({ description: 'When you acknowledged it (the first time), ISO-8601', format: 'date-time' }),
}).openapi('AlertAcknowledgement');
const problemOf = problemResponse;
const secured = { tags: ['alerts'], security: [{ bearer: [] }] };

const acknowledge = createRoute({ method: 'post', path: '/api/alerts/{id}/acknowledge', ...secured,
  request: { params: z.object({ id: AlertId.openapi({ param: { name: 'id', in: 'path' }, description: 'The alert id' }) }) },
  responses: { 200: { description: 'Acknowledged (again: the first time is kept); audited as alert_acknowledged',
    content: { 'application/json': { schema: Ack } } }, 400: problemOf('Not an alert id'), 404: problemOf('No such alert of yours') } });

const read = createRoute({ method: 'get', path: '/api/alerts/acknowledgements', ...secured,
  request: { query: z.object({ alert_ids: z.string().max(500 * 37)
    .refine((s) => s.split(',').length <= 500 && s.split(',').every((id) => UUID.test(id)), 'comma-separated alert ids (1..500)')
    .openapi({ description: 'Comma-separated alert ids (at most 500): which of them you acknowledged' }) }) },
  responses: { 200: { description: 'Your acknowledgements of those alerts (the others are not acknowledged); bounded by the '
    + 'ids asked, so not paginated', content: { 'application/json': { schema: z.object({ acknowledgements: z.array(Ack) })
      .openapi('AlertAcknowledgements') } } }, 400: problemOf('Invalid alert_ids') } });

export const alertAckRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(acknowledge, async (c) => {
    const { id } = c.req.valid('param');
    const at = await acknowledgeAlert(deps.db, c.get('user').userId, id, deps.clock.now());
    if (!at) return problem(c, 404, 'Not found', id);
    deps.log.info('alert acknowledged', { alert: id, by: c.get('user').name });
    return c.json({ alert_id: id, acknowledged_at: at.toISOString() }, 200);
  })
  .openapi(read, async (c) => {
    const ids = c.req.valid('query').alert_ids.split(',');
    const acks = await alertAcknowledgements(deps.db, c.get('user').userId, ids);
    return c.json({ acknowledgements: [...acks].map(([alertId, at]) => ({ alert_id: alertId, acknowledged_at: at.toISOString() })) }, 200);
  });
