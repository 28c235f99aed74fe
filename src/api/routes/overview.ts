/** GET /api/overview: the overview page in one call (every FT strategy, your LT strategies, your kill switch) */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { formatMicros } from '../../domain/money.ts';
import { getKillSwitch } from '../../store/lt-strategy-store.ts';
import { ftOverview, ltOverview, type FtOverview, type LtOverview } from '../../store/overview-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { keptRead } from '../read-cache.ts';
import { jsonResponse } from '../schemas/common.ts';
import { iso, OverviewSchema, pointsJson, usd } from '../schemas/series.ts';

const overview = createRoute({ method: 'get', path: '/api/overview', security: [{ bearer: [] }], tags: ['overview'],
  responses: { 200: jsonResponse(OverviewSchema, 'FT rows (summary, unrealized P&L, your live mirrors, sparkline) and your LT '
    + 'rows (status, capital, P&L since launch as /comparison, win rate, success metrics, sparkline), and your kill switch') } });

const ftJson = (f: FtOverview) => ({
  wallet_id: f.summary.wallet_id, name: f.summary.display_name || null, description: f.description,
  is_active: f.summary.is_active, starting_balance: usd(f.startingBalance), cash: usd(f.cash), realized_pnl: usd(f.realized),
  unrealized_pnl: f.unrealized === null ? null : usd(f.unrealized), pnl: usd(f.pnl), orders: f.summary.orders,
  open: f.summary.open, won: f.summary.won, lost: f.summary.lost, win_rate: f.summary.win_rate, live: f.live,
  sparkline: pointsJson(f.sparkline),
});

const ltJson = (l: LtOverview) => ({
  strategy_id: l.strategy.strategyId, ft_wallet_id: l.strategy.ftWalletId, mode: l.strategy.mode, status: l.status,
  pause_reason: l.strategy.pauseReason, launched_at: iso(l.strategy.launchedAt), equity: usd(l.equity), pnl: usd(l.pnl),
  net_deposits: usd(l.netDeposits), win_rate: l.winRate === null ? null : formatMicros(l.winRate),
  targets: l.targets.map((t) => ({ metric: t.metric, status: t.status, value: t.value, target: t.target })),
  sparkline: pointsJson(l.sparkline),
});

export const overviewRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(overview, async (c) => {
    const userId = c.get('user').userId;
    return c.json(await keptRead(deps.reads, c, async () => {
      const now = deps.clock.now();
      const kill = await getKillSwitch(deps.db, userId);
      return {
        as_of: now.toISOString(), kill_switch: { engaged: kill.engaged, reason: kill.reason, set_at: iso(kill.setAt) },
        ft: (await ftOverview(deps.db, userId, now)).map(ftJson), lt: (await ltOverview(deps.db, userId, now)).map(ltJson),
      };
    }), 200);
  });
