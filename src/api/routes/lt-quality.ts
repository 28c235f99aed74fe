/** LT dashboard views: per-order execution quality, the since-launch FT–LT comparison, the gap decomposition, open positions and the slippage analysis */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { formatStrategyQuality } from '../../domain/metrics/strategy-quality.ts';
import { parseMicros } from '../../domain/money.ts';
import { formatGap, formatGapLeg, formatSinceLaunch, sinceLaunch, slippageAnalysis } from '../../store/comparison-store.ts';
import { qualityAggregate } from '../../store/quality-aggregate-store.ts';
import { strategyGap, type GapLeg } from '../../store/gap-store.ts';
import { toleranceModesAnalysis } from '../../store/tolerance-store.ts';
import { getLtStrategy } from '../../store/lt-strategy-store.ts';
import { formatPosition } from '../../store/position-store.ts';
import { keptPositionCount, keptPositionsPage } from '../../store/position-model.ts';
import { qualityRowsPage } from '../../store/quality-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { jsonOr404 } from '../problem.ts';
import { keptRead } from '../read-cache.ts';
import { jsonResponse, pageOf, pageQuery, problemResponse, queryInt, type PageParams } from '../schemas/common.ts';
import { Comparison, GapPage, Positions, QualityOrder, QualityPage, SlippageAnalysis } from '../schemas/lt-views.ts';

type QualityOrderJson = z.input<typeof QualityOrder>;
const legKey = (l: GapLeg) => [l.at.toISOString(), l.ftOrderId, l.leg];
const compareKeys = (a: readonly string[], b: readonly string[]) => {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? -1 : 1;
  return 0;
};
/**
 * A page of the gap's legs (computed in memory, not stored): ordered by (at, ft_order_id, leg), oldest or newest first,
 * the legs after the cursor's key
 */
function legsPage(legs: readonly GapLeg[], order: 'oldest' | 'newest', page: PageParams) {
  const sign = order === 'oldest' ? 1 : -1;
  const keyed = legs.map((l) => ({ l, key: legKey(l) })).sort((a, b) => sign * compareKeys(a.key, b.key));
  const after = page.after;
  const rest = after === null ? keyed : keyed.filter((x) => sign * compareKeys(x.key, after) > 0);
  const p = pageOf(rest.slice(0, page.limit + 1), page.limit, (x) => x.key);
  return { items: p.items.map((x) => x.l), next_cursor: p.next_cursor };
}

const Id = z.object({ id: z.string().regex(/^LT_[A-Za-z0-9_-]{1,100}$/) });
const GapQuery = pageQuery(['time', 'id', 'id']).extend({ order: z.enum(['oldest', 'newest']).default('oldest')
  .openapi({ description: 'oldest: by time, oldest first; newest: newest first' }) });
const secured = { security: [{ bearer: [] }], tags: ['lt'] };
const notFound = { 400: problemResponse('Invalid input (problem+json with issues)'), 404: problemResponse('Not one of your strategies') };

const quality = createRoute({ method: 'get', path: '/api/lt/strategies/{id}/quality', ...secured,
  request: { params: Id, query: pageQuery(['time', 'uuid']) },
  responses: { 200: jsonResponse(QualityPage, 'Aggregated execution quality and a page of the per-order metrics (newest signal first), each score with its components'), ...notFound } });
const comparison = createRoute({ method: 'get', path: '/api/lt/strategies/{id}/comparison', ...secured, request: { params: Id },
  responses: { 200: jsonResponse(Comparison, 'FT and LT since launch side by side, the gap totals, quality, and the success metrics against targets'), ...notFound } });
const gap = createRoute({ method: 'get', path: '/api/lt/strategies/{id}/gap', ...secured, request: { params: Id, query: GapQuery },
  responses: { 200: jsonResponse(GapPage, 'LT − FT since launch = delay + execution + fees + opportunity + sizing, in total and a page of the signal legs'), ...notFound } });
const positions = createRoute({ method: 'get', path: '/api/lt/strategies/{id}/positions', ...secured,
  request: { params: Id, query: pageQuery(['time', 'uuid']) },
  responses: { 200: jsonResponse(Positions, 'Open positions: shares held, cost basis, mark price and unrealized P&L (newest first), '
    + 'a page of them and how many there are'), ...notFound } });
/** A decimal in (0, 100] with at most 4 decimals, as micro-units */
const upTo100 = (name: string) => z.string().regex(/^\d{1,3}(\.\d{1,4})?$/, `${name}: a decimal with at most 4 decimals`)
  .transform((v) => parseMicros(v)).refine((m) => m > 0n && m <= 100_000000n, `${name} must be in (0, 100]`);
const ModeQuery = z.object({
  ticks: queryInt(1, 100, 'ticks')
    .optional().openapi({ type: 'integer', minimum: 1, maximum: 100, description: 'ticks mode: N (default the strategy\'s tolerance_ticks, else 1)' }),
  spread_multiple: upTo100('spread_multiple').optional()
    .openapi({ type: 'string', description: 'spread mode: k (default the strategy\'s tolerance_spread_multiple, else 1)' }),
  cap_pct: upTo100('cap_pct').optional()
    .openapi({ type: 'string', description: 'the percentage for all three modes (default the strategy\'s slippage_tolerance_pct)' }),
});
const slippage = createRoute({ method: 'get', path: '/api/lt/strategies/{id}/slippage-analysis', ...secured,
  request: { params: Id, query: ModeQuery },
  responses: { 200: jsonResponse(SlippageAnalysis, 'Expected against actual slippage per market and order type (flagged where the estimate is '
    + 'systematically off), and `tolerance_modes`: the strategy\'s orders and slippage skips decided again under fixed_pct, '
    + 'ticks and spread, with how many each would have ordered and skipped'), ...notFound } });

export const ltQualityRoutes = (deps: ApiDeps) => {
  /** The strategy id when it is one of the signed-in user's strategies */
  const mine = async (c: Context<AppEnv>, id: string) => (await getLtStrategy(deps.db, c.get('user').userId, id)) !== null;
  const uid = (c: Context<AppEnv>) => c.get('user').userId;
  return new OpenAPIHono<AppEnv>()
    .openapi(quality, async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      const body = await keptRead(deps.reads, c, async () => {
        const s = await getLtStrategy(deps.db, uid(c), id);
        if (!s) return null;
        const rows = await qualityRowsPage(deps.db, uid(c), id, s.mode === 'shadow', { limit, after: cursor });
        const page = pageOf(rows, limit, (r) => r.key);
        return { strategy_id: id, summary: formatStrategyQuality(await qualityAggregate(deps.db, uid(c), id)),
          orders: page.items.map((r) => r.row as QualityOrderJson), limit, next_cursor: page.next_cursor };
      });
      return jsonOr404(c, body, id);
    })
    .openapi(comparison, async (c) => {
      const { id } = c.req.valid('param');
      const body = await keptRead(deps.reads, c, async () => ((await mine(c, id))
        ? { strategy_id: id, ...formatSinceLaunch(await sinceLaunch(deps.db, uid(c), id)) } : null));
      return jsonOr404(c, body, id);
    })
    .openapi(gap, async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor, order } = c.req.valid('query');
      const body = await keptRead(deps.reads, c, async () => {
        if (!(await mine(c, id))) return null;
        const g = await strategyGap(deps.db, uid(c), id);
        const page = legsPage(g.legs, order, { limit, after: cursor });
        return { strategy_id: id, launched_at: g.launchedAt?.toISOString() ?? null, total: formatGap(g.total),
          signals: g.legs.length, not_mirrored: g.legs.filter((l) => l.disposition === 'not_mirrored').length,
          pending: g.pending, invalid_marks: g.invalidMarks, legs: page.items.map(formatGapLeg), order, limit,
          next_cursor: page.next_cursor };
      });
      return jsonOr404(c, body, id);
    })
    .openapi(positions, async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      const body = await keptRead(deps.reads, c, async () => {
        const s = await getLtStrategy(deps.db, uid(c), id);
        if (!s) return null;
        const page = pageOf(await keptPositionsPage(deps.db, uid(c), id, { limit, after: cursor }), limit, (r) => r.key);
        return { strategy_id: id, book: s.mode, count: await keptPositionCount(deps.db, uid(c), id, true),
          positions: page.items.map((r) => formatPosition(r.row)), limit, next_cursor: page.next_cursor };
      });
      return jsonOr404(c, body, id);
    })
    .openapi(slippage, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const compare = { ticks: q.ticks === undefined ? undefined : BigInt(q.ticks), spreadMultiple: q.spread_multiple, pct: q.cap_pct };
      const body = await keptRead(deps.reads, c, async () => {
        const s = await getLtStrategy(deps.db, uid(c), id);
        return s && { strategy_id: id, groups: await slippageAnalysis(deps.db, uid(c), id),
          tolerance_modes: await toleranceModesAnalysis(deps.db, s, compare) };
      });
      return jsonOr404(c, body, id);
    });
};
