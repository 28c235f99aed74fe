/** The signed-in user's LT orders: the filtered, cursor-paginated list and one order in full (issue 11) */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { formatGapLeg } from '../../store/comparison-store.ts';
import { formatAudit, orderDetailOf } from '../../store/order-detail-store.ts';
import { legFigures } from '../../domain/metrics/order-view.ts';
import { formatMicros } from '../../domain/money.ts';
import { formatOrderRow, listOrderViews, type OrderView } from '../../store/order-view-store.ts';
import { traceIdOf } from '../../engine/lt-trace.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { jsonOr404 } from '../problem.ts';
import { keptRead } from '../read-cache.ts';
import { encodeCursor, jsonResponse, problemResponse } from '../schemas/common.ts';
import { OrderDetail, OrderIdParam, OrderList, OrderListQuery } from '../schemas/lt-orders.ts';

const secured = { security: [{ bearer: [] }], tags: ['lt'] };

const list = createRoute({ method: 'get', path: '/api/lt/orders', ...secured, request: { query: OrderListQuery },
  responses: { 200: jsonResponse(OrderList, 'Your LT orders, newest signal first, one page'),
    400: problemResponse('Invalid filter, limit or cursor') } });
const one = createRoute({ method: 'get', path: '/api/lt/orders/{id}', ...secured, request: { params: OrderIdParam },
  responses: { 200: jsonResponse(OrderDetail,
    'The order with its signal, intent, fill legs, fees, quality, gap leg and audit trail'),
  400: problemResponse('Invalid id'), 404: problemResponse('Not one of your orders') } });

const fillJson = (v: OrderView) => v.legs.map((f) => {
  const { usd, feeUsd } = legFigures(v.side, f);
  return { fill_id: f.fillId, at: f.at.toISOString(), price: formatMicros(f.price), shares: formatMicros(f.shares),
    usd: formatMicros(usd), fee_usd: formatMicros(feeUsd), role: f.role };
});

/** The order's row with its signal's trace id (derived: src/engine/lt-trace.ts) */
const rowJson = (userId: string, v: OrderView) =>
  ({ ...formatOrderRow(v), trace_id: traceIdOf({ userId, strategyId: v.strategyId, ftOrderId: v.ftOrderId, leg: v.leg }) });

export const ltOrderRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    const after = q.cursor === null ? null : { at: q.cursor[0]!, orderId: q.cursor[1]! };
    const filter = { strategyId: q.strategy_id, status: q.status, side: q.side,
      from: q.from === undefined ? undefined : new Date(q.from), to: q.to === undefined ? undefined : new Date(q.to) };
    return c.json(await keptRead(deps.reads, c, async () => {
      const page = await listOrderViews(deps.db, c.get('user').userId, filter, q.limit, after);
      const next = page.next && encodeCursor([page.next.at, page.next.orderId]);
      return { orders: page.orders.map((v) => rowJson(c.get('user').userId, v)), next_cursor: next };
    }), 200);
  })
  .openapi(one, async (c) => {
    const { id } = c.req.valid('param');
    const body = await keptRead(deps.reads, c, async () => {
      const o = await orderDetailOf(deps.db, c.get('user').userId, id.toLowerCase());
      return o && { order: rowJson(c.get('user').userId, o.view), signal: o.signal, intent: o.intent, fills: fillJson(o.view),
        fees_usd: formatMicros(o.view.fills.feesUsd), quality: o.quality, gap_leg: o.gapLeg && formatGapLeg(o.gapLeg),
        audit: formatAudit(o.audit) };
    });
    return jsonOr404(c, body, id);
  });
