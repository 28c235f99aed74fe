/** GET /api/lt/strategies/{id}/series: the strategy page's charts (P&L since launch, fill rate, distributions, risk) */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { LtStrategy } from '../../domain/lt-strategy.ts';
import { getLtStrategy } from '../../store/lt-strategy-store.ts';
import { keptEquitySeries } from '../../store/series-read-model.ts';
import { riskState, venueBreaker, type VenueState } from '../../store/series-store.ts';
import { keptDistributions, keptFillRate } from '../../store/charts-read-model.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { problem } from '../problem.ts';
import { keptRead } from '../read-cache.ts';
import { jsonResponse, problemResponse } from '../schemas/common.ts';
import {
  breakerJson, decimalBuckets, iso, limitJson, msBuckets, pointsJson, SeriesSchema, usd,
} from '../schemas/series.ts';

const series = createRoute({ method: 'get', path: '/api/lt/strategies/{id}/series', security: [{ bearer: [] }], tags: ['lt'],
  request: { params: z.object({ id: z.string().regex(/^LT_[A-Za-z0-9_-]{1,100}$/) }) },
  responses: {
    200: jsonResponse(SeriesSchema, 'FT and LT P&L since launch (the basis of /comparison), the fill rate per time bucket, '
      + 'the signal slippage (percent, ticks) and order latency distributions of finished orders, and the risk limits and breakers'),
    400: problemResponse('Invalid id'), 404: problemResponse('Not one of your strategies'),
  } });

/** The venue state the strategy trades under: its linked wallet's gate, else the operator venue's */
function venueOf(deps: ApiDeps, s: LtStrategy): VenueState | null {
  const h = (s.walletAddress ? deps.walletVenueHealth?.(s.userId, s.walletAddress) : null) ?? deps.venueHealth?.() ?? null;
  return h === null ? null : { state: h.state, reasons: h.reasons.map((r) => r.message), checkedAt: h.checkedAt };
}

export const ltSeriesRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(series, async (c) => {
    const { id } = c.req.valid('param');
    const kept = await keptRead(deps.reads, c, async () => {
      const s = await getLtStrategy(deps.db, c.get('user').userId, id);
      if (!s) return null;
      const now = deps.clock.now();
      const equity = await keptEquitySeries(deps.db, s.userId, s.strategyId, now);
      const dist = await keptDistributions(deps.db, s);
      const risk = await riskState(deps.db, s, now);
      return { s, body: {
        strategy_id: id, launched_at: iso(s.launchedAt),
        equity: { ft: pointsJson(equity.ft), lt: pointsJson(equity.lt) },
        fill_rate: (await keptFillRate(deps.db, s, now)).map((b) => ({ t: b.t.toISOString(), orders: b.orders,
          fill_rate: b.fillRate === null ? null : usd(b.fillRate) })),
        slippage: { unit: 'pct' as const, buckets: decimalBuckets(dist.slippagePct) },
        slippage_ticks: { buckets: decimalBuckets(dist.slippageTicks) },
        latency: { unit: 'ms' as const, buckets: msBuckets(dist.latencyMs) },
        risk: { limits: risk.limits.map(limitJson), breakers: risk.breakers.map(breakerJson) },
      } };
    });
    if (!kept) return problem(c, 404, 'Not found', id);
    // the venue gate's state is this process's, not the database's: put in at each read, never kept
    const venue = breakerJson(venueBreaker(kept.s, venueOf(deps, kept.s)));
    const breakers = kept.body.risk.breakers.map((b) => (b.name === venue.name ? venue : b));
    return c.json({ ...kept.body, risk: { ...kept.body.risk, breakers } }, 200);
  });
