/** LT strategy routes: the signed-in user's strategies, their lifecycle commands, capital moves, kill switch, audit and the execute/resolve jobs */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { LtStrategy } from '../../domain/lt-strategy.ts';
import { formatMicros } from '../../domain/money.ts';
import {
  createLtStrategy, depositLtCapital, launchLtStrategy, ltCapitalOf,
  pauseLtStrategy, releaseKillSwitch, resumeLtStrategy, settingsOf, updateLtSettings, withdrawLtCapital,
  type LtCapital, type LtError, type LtResult, type LtSettings,
} from '../../engine/lt-strategies.ts';
import { ftConfigForStrategy, ftSyncReport } from '../../engine/lt-ft-config.ts';
import {
  cancelStrategyOrders, cancelUserOrders, engageKillSwitchAndCancel, stopAndCancel, type CancelReport,
} from '../../engine/lt-operator.ts';
import type { Sql } from '../../store/db.ts';
import { getKillSwitch, getLtStrategy, ltAuditPage, ltStrategiesPage, type KillSwitch, type LtAuditRow } from '../../store/lt-strategy-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { jsonOr404, problem } from '../problem.ts';
import { keptRead } from '../read-cache.ts';
import { isOperator, operatorOnly, operatorOnlyResponse } from '../roles.ts';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponse, type JsonValueOut } from '../schemas/common.ts';
import { JobNow } from '../schemas/ft.ts';
import {
  CancelReport as CancelReportBody, KillSwitch as KillSwitchBody, KillSwitchInput, KillSwitchSet, LtAuditPage, LtCreateInput, LtMoneyMoved, LtSettingsPatch,
  LtStrategyDetail, LtStrategyItem, LtStrategyPage, LtStrategyStopped, MoneyMove, PauseInput, settingsBodyDoc,
} from '../schemas/lt.ts';
import { walletToJson } from './ft-dto.ts';
import { ltQualityRoutes } from './lt-quality.ts';

const Id = z.object({ id: z.string().regex(/^LT_[A-Za-z0-9_-]{1,100}$/) });
const secured = { security: [{ bearer: [] }], tags: ['lt'] };
const problems = { 400: problemResponse('Invalid input (problem+json with issues, each with its path)'),
  404: problemResponse('Not one of your strategies'), 409: problemResponse('Refused in the strategy\'s current state') };

function d(v: bigint): string;
function d(v: bigint | null): string | null;
function d(v: bigint | null): string | null {
  return v === null ? null : formatMicros(v);
}
/** The settings as JSON: micro-unit values as decimal strings */
type SettingsJson = { [K in keyof LtSettings]: LtSettings[K] extends bigint ? string
  : LtSettings[K] extends bigint | null ? Exclude<LtSettings[K], bigint> | string : LtSettings[K] };

function strategyJson(s: LtStrategy) {
  const settings = Object.fromEntries(Object.entries(settingsOf(s))
    .map(([k, v]) => [k, typeof v === 'bigint' ? d(v) : v])) as SettingsJson;
  return {
    strategy_id: s.strategyId, ft_wallet_id: s.ftWalletId, ...settings, is_active: s.isActive, is_paused: s.isPaused,
    pause_reason: s.pauseReason, launched_at: s.launchedAt?.toISOString() ?? null, peak_equity: d(s.peakEquity),
  };
}
/** The capital figures (docs/metrics.md "Capital and equity"); pnl = equity − net deposits, 0 before the book is funded */
const capitalJson = (c: LtCapital) => ({
  book: c.book, available: d(c.available), reserved: d(c.reserved), position_cost: d(c.positionCost), locked: d(c.locked),
  cooldown: d(c.cooldown), realized_pnl: d(c.realized), fees: d(c.fees), net_deposits: d(c.netDeposits),
  starting_capital: d(c.startingCapital), funded: c.funded, capital: d(c.capital),
  capital_basis: c.funded ? 'net_deposits' as const : 'starting_capital' as const,
  equity: d(c.equity), book_equity: d(c.bookEquity), unrealized_pnl: d(c.unrealized), unmarked_positions: c.unmarkedPositions,
  pnl: d(c.funded ? c.equity - c.netDeposits : 0n), peak_equity: d(c.peak), drawdown: d(c.drawdown), conserved: c.conserved,
});
const killJson = (k: KillSwitch) => ({ engaged: k.engaged, reason: k.reason, set_at: k.setAt?.toISOString() ?? null });
const auditJson = (a: LtAuditRow) => ({ audit_id: a.auditId, strategy_id: a.strategyId, command: a.command,
  detail: a.detail as Record<string, JsonValueOut>, at: a.at.toISOString() });
const cancelJson = (r: CancelReport) => ({ cancelled: r.cancelled,
  not_cancelled: r.notCancelled.map((n) => ({ order_id: n.orderId, reason: n.reason })),
  fills_booked: r.fillsBooked, finished: r.finished, errors: r.errors });
const withCapital = async (sql: Sql, s: LtStrategy) => ({ strategy: strategyJson(s), capital: capitalJson(await ltCapitalOf(sql, s)) });

const STATUS = { not_found: 404, conflict: 409, invalid: 400 } as const;
const TITLE = { not_found: 'Not found', conflict: 'Conflict', invalid: 'Invalid request' } as const;
const failed = (c: Context, e: LtError) =>
  problem(c, STATUS[e.kind], TITLE[e.kind], e.message, e.issues ? { issues: e.issues } : undefined);

const list = createRoute({ method: 'get', path: '/api/lt/strategies', ...secured, request: { query: pageQuery(['id']) },
  responses: { 200: jsonResponse(LtStrategyPage, 'Your LT strategies (by id) with their capital, and your kill switch'),
    400: problems[400] } });
const create = createRoute({ method: 'post', path: '/api/lt/strategies', ...secured,
  request: { body: jsonBody(LtCreateInput, settingsBodyDoc('ft_wallet_id, starting_capital and any setting')) },
  responses: { 201: jsonResponse(LtStrategyItem, 'Created (not active, not launched)'), ...problems } });
const one = createRoute({ method: 'get', path: '/api/lt/strategies/{id}', ...secured, request: { params: Id },
  responses: { 200: jsonResponse(LtStrategyDetail, 'Strategy, capital, the FT configuration it trades with, and FT changes since launch'), ...problems } });
const patch = createRoute({ method: 'patch', path: '/api/lt/strategies/{id}', ...secured,
  request: { params: Id, body: jsonBody(LtSettingsPatch, settingsBodyDoc('The settings to change')) },
  responses: { 200: jsonResponse(LtStrategyItem, 'Settings changed'), ...problems } });
const lifecycle = (name: 'launch' | 'resume') => createRoute({ method: 'post',
  path: `/api/lt/strategies/{id}/${name}`, ...secured, request: { params: Id },
  responses: { 200: jsonResponse(LtStrategyItem, `The strategy after ${name}`), ...problems } });
const pause = createRoute({ method: 'post', path: '/api/lt/strategies/{id}/pause', ...secured,
  request: { params: Id, body: { ...jsonBody(PauseInput), required: false } },
  responses: { 200: jsonResponse(LtStrategyItem, 'The strategy after pause'), ...problems } });
const stop = createRoute({ method: 'post', path: '/api/lt/strategies/{id}/stop', ...secured, request: { params: Id },
  responses: { 200: jsonResponse(LtStrategyStopped, 'The strategy after stop, and the cancel of its resting orders (venue first)'), ...problems } });
const cancelOne = createRoute({ method: 'post', path: '/api/lt/strategies/{id}/cancel-open-orders', ...secured,
  request: { params: Id }, responses: { 200: jsonResponse(CancelReportBody, 'Cancels the strategy\'s resting orders at the venue; what was cancelled, what was not and why'), ...problems } });
const cancelAll = createRoute({ method: 'post', path: '/api/lt/cancel-open-orders', ...secured,
  responses: { 200: jsonResponse(CancelReportBody, 'Cancels every resting order of yours at the venue; what was cancelled, what was not and why') } });
const money = (name: 'deposit' | 'withdraw') => createRoute({ method: 'post', path: `/api/lt/strategies/{id}/${name}`,
  ...secured, request: { params: Id, body: jsonBody(MoneyMove) },
  responses: { 200: jsonResponse(LtMoneyMoved, '{booked, ref, capital}; a ref replayed with the same amount books nothing'), ...problems,
    409: problemResponse('Refused in the strategy\'s current state (not launched, more than the available cash), or a ref replayed with another amount') } });
const killGet = createRoute({ method: 'get', path: '/api/lt/kill-switch', ...secured,
  responses: { 200: jsonResponse(KillSwitchBody, 'Your kill switch') } });
const killSet = createRoute({ method: 'post', path: '/api/lt/kill-switch', ...secured, request: { body: jsonBody(KillSwitchInput) },
  responses: { 200: jsonResponse(KillSwitchSet, 'Engaged (and your resting orders cancelled: `cancel`) or released, for all your strategies'),
    400: problems[400] } });
const audit = createRoute({ method: 'get', path: '/api/lt/audit', ...secured,
  request: { query: pageQuery(['time', 'uuid']).extend({ strategy_id: Id.shape.id.optional()
    .openapi({ description: 'Only this strategy\'s commands; absent: all yours, user-wide commands included' }) }) },
  responses: { 200: jsonResponse(LtAuditPage, 'Your operator commands, newest first'), 400: problems[400],
    404: problemResponse('Not one of your strategies') } });
const job = (name: 'execute' | 'resolve') => createRoute({ method: 'post', path: `/api/lt/${name}`, ...secured,
  responses: { 200: jsonResponse(JobNow, `Ran lt-${name} now (for every user), or {ran: false, reason}`), 403: operatorOnlyResponse } });

async function answer(c: Context, sql: Sql, r: LtResult<LtStrategy>) {
  return r.ok ? c.json(await withCapital(sql, r.value), 200) : failed(c, r.error);
}

export const ltRoutes = (deps: ApiDeps) => {
  const uid = (c: Context<AppEnv>) => c.get('user').userId;
  return new OpenAPIHono<AppEnv>()
    .openapi(list, async (c) => {
      const { limit, cursor } = c.req.valid('query');
      return c.json(await keptRead(deps.reads, c, async () => {
        const page = pageOf(await ltStrategiesPage(deps.db, uid(c), { limit, after: cursor }), limit, (r) => r.key);
        const rows = [];
        for (const { row } of page.items) rows.push(await withCapital(deps.db, row));
        return { strategies: rows, kill_switch: killJson(await getKillSwitch(deps.db, uid(c))), next_cursor: page.next_cursor };
      }), 200);
    })
    .openapi(create, async (c) => {
      const r = await createLtStrategy(deps, uid(c), c.req.valid('json'));
      if (!r.ok) return failed(c, r.error);
      deps.log.info('lt strategy created', { strategy: r.value.strategyId, by: c.get('user').name });
      return c.json(await withCapital(deps.db, r.value), 201);
    })
    .openapi(one, async (c) => {
      const { id } = c.req.valid('param');
      const body = await keptRead(deps.reads, c, async () => {
        const s = await getLtStrategy(deps.db, uid(c), id);
        if (!s) return null;
        const sync = await ftSyncReport(deps.db, s);
        return { ...(await withCapital(deps.db, s)), ft_config: walletToJson(await ftConfigForStrategy(deps.db, s)),
          ft_sync: { sync_ft_changes: sync.syncFtChanges, applied: sync.applied, held: sync.held },
          kill_switch: killJson(await getKillSwitch(deps.db, uid(c))) };
      });
      return jsonOr404(c, body, id);
    })
    .openapi(patch, async (c) => answer(c, deps.db,
      await updateLtSettings(deps, uid(c), c.req.valid('param').id, c.req.valid('json'))))
    .openapi(lifecycle('launch'), async (c) => answer(c, deps.db, await launchLtStrategy(deps, uid(c), c.req.valid('param').id)))
    .openapi(pause, async (c) => {
      // the body is optional: without one (no content type) the schema's check is skipped and `json` is {}
      const { reason } = c.req.valid('json');
      return answer(c, deps.db, await pauseLtStrategy(deps, uid(c), c.req.valid('param').id, reason ?? 'paused by operator'));
    })
    .openapi(lifecycle('resume'), async (c) => answer(c, deps.db, await resumeLtStrategy(deps, uid(c), c.req.valid('param').id)))
    .openapi(stop, async (c) => {
      const r = await stopAndCancel(deps, uid(c), c.req.valid('param').id);
      if (!r.ok) return failed(c, r.error);
      return c.json({ ...(await withCapital(deps.db, r.value.strategy)), cancel: cancelJson(r.value.cancel) }, 200);
    })
    .openapi(cancelOne, async (c) => {
      const r = await cancelStrategyOrders(deps, uid(c), c.req.valid('param').id);
      return r.ok ? c.json(cancelJson(r.value), 200) : failed(c, r.error);
    })
    .openapi(cancelAll, async (c) => c.json(cancelJson(await cancelUserOrders(deps, uid(c))), 200))
    .openapi(money('deposit'), async (c) => {
      const r = await depositLtCapital(deps, uid(c), c.req.valid('param').id, c.req.valid('json'));
      return r.ok ? c.json({ booked: r.value.booked, ref: r.value.ref, capital: capitalJson(r.value.capital) }, 200) : failed(c, r.error);
    })
    .openapi(money('withdraw'), async (c) => {
      const r = await withdrawLtCapital(deps, uid(c), c.req.valid('param').id, c.req.valid('json'));
      return r.ok ? c.json({ booked: r.value.booked, ref: r.value.ref, capital: capitalJson(r.value.capital) }, 200) : failed(c, r.error);
    })
    .openapi(killGet, async (c) => c.json(await keptRead(deps.reads, c, async () => killJson(await getKillSwitch(deps.db, uid(c)))), 200))
    .openapi(killSet, async (c) => {
      const { engaged, reason } = c.req.valid('json');
      deps.log.warn(engaged ? 'lt kill switch engaged' : 'lt kill switch released', { by: c.get('user').name });
      if (!engaged) return c.json(killJson(await releaseKillSwitch(deps, uid(c), reason ?? null)), 200);
      const r = await engageKillSwitchAndCancel(deps, uid(c), reason ?? 'engaged by operator');
      return c.json({ ...killJson(r.killSwitch), cancel: cancelJson(r.cancel) }, 200);
    })
    .openapi(audit, async (c) => {
      const { strategy_id: id, limit, cursor } = c.req.valid('query');
      const body = await keptRead(deps.reads, c, async () => {
        if (id && !(await getLtStrategy(deps.db, uid(c), id))) return null;
        const page = pageOf(await ltAuditPage(deps.db, uid(c), id ?? null, { limit, after: cursor }), limit, (r) => r.key);
        return { audit: page.items.map((r) => auditJson(r.row)), next_cursor: page.next_cursor };
      });
      return jsonOr404(c, body, id);
    })
    .openapi(job('execute'), async (c) => (isOperator(c)
      ? c.json(await deps.runJob('lt-execute') as z.input<typeof JobNow>, 200) : operatorOnly(c)))
    .openapi(job('resolve'), async (c) => (isOperator(c)
      ? c.json(await deps.runJob('lt-resolve') as z.input<typeof JobNow>, 200) : operatorOnly(c)))
    .route('/', ltQualityRoutes(deps));
};
