/** FT strategy routes: list, read, create, replace, orders (yours and the catalogue's), and the operator-only sync/resolve commands */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { FtWalletInput, parseFtWallet } from '../../domain/ft-wallet.ts';
import { ftOrders, ftSkipCounts, ftWalletSummaries, ingestRejectTotals, type FtOrderRow } from '../../store/ft-summary-store.ts';
import { createFtStrategy, ftAccess, replaceFtStrategy } from '../../engine/ft-strategies.ts';
import { getWallet } from '../../store/wallet-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { jsonOr404, problem } from '../problem.ts';
import { keptRead } from '../read-cache.ts';
import { catalogueReadOnly, isOperator, operatorOnly, operatorOnlyResponse } from '../roles.ts';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponse } from '../schemas/common.ts';
import {
  FtOrderPage, FtWalletCreate, FtWalletDetail, FtWalletOne, FtWalletPage, FtWalletReplace, InputRejects, JobNow,
} from '../schemas/ft.ts';
import { walletToJson } from './ft-dto.ts';

const Id = z.object({ id: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/) });
const secured = { security: [{ bearer: [] }], tags: ['ft'] };
const invalid = problemResponse('Invalid input (problem+json with issues, each with its path)');

const list = createRoute({ method: 'get', path: '/api/ft/wallets', ...secured, request: { query: pageQuery(['id']) },
  responses: { 200: jsonResponse(FtWalletPage, 'The FT strategies you may read (the catalogue and your own; an operator: all), '
    + 'by id, with capital and counts'), 400: invalid } });
const one = createRoute({ method: 'get', path: '/api/ft/wallets/{id}', ...secured, request: { params: Id },
  responses: { 200: jsonResponse(FtWalletDetail, 'Configuration, summary and skip counts'), 400: invalid,
    404: problemResponse('No such strategy') } });
const create = createRoute({ method: 'post', path: '/api/ft/wallets', ...secured, request: { body: jsonBody(FtWalletCreate) },
  responses: { 201: jsonResponse(FtWalletOne, 'Created, owned by you'), 400: invalid, 409: problemResponse('The id exists') } });
const replace = createRoute({ method: 'put', path: '/api/ft/wallets/{id}', ...secured,
  request: { params: Id, body: jsonBody(FtWalletReplace) },
  responses: { 200: jsonResponse(FtWalletOne, 'Replaced'), 400: invalid, 404: problemResponse('No such strategy'),
    403: problemResponse('The catalogue is read-only (to a plain user): create your own strategy') } });
const orders = createRoute({ method: 'get', path: '/api/ft/wallets/{id}/orders', ...secured,
  request: { params: Id, query: pageQuery(['time', 'uuid']) },
  responses: { 200: jsonResponse(FtOrderPage, 'Paper orders, newest first'), 400: invalid, 404: problemResponse('No such strategy') } });
const command = (name: 'sync' | 'resolve') => createRoute({ method: 'post', path: `/api/ft/${name}`, ...secured,
  responses: { 200: jsonResponse(JobNow, `Ran ft-${name} now, or reports it was already running`), 403: operatorOnlyResponse } });
const rejects = createRoute({ method: 'get', path: '/api/ft/input-rejects', ...secured,
  responses: { 200: jsonResponse(InputRejects, 'Input records refused at ingestion, by reason (system-wide)'), 403: operatorOnlyResponse } });

const orderJson = (o: FtOrderRow) => ({ ...o, order_time: new Date(o.order_time).toISOString(),
  resolved_time: o.resolved_time === null ? null : new Date(o.resolved_time).toISOString() });
/** The request body as sent (the route's schema checked its types; FtWalletInput checks the values and fills defaults) */
const sent = async (c: { req: { json: () => Promise<unknown> } }) => (await c.req.json()) as Record<string, unknown>;

export const ftRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(await keptRead(deps.reads, c, async () => {
      const rows = await ftWalletSummaries(deps.db, undefined, { limit, after: cursor }, c.get('user').userId);
      const page = pageOf(rows, limit, (w) => [w.wallet_id]);
      return { wallets: page.items, next_cursor: page.next_cursor };
    }), 200);
  })
  .openapi(one, async (c) => {
    const { id } = c.req.valid('param');
    const body = await keptRead(deps.reads, c, async () => {
      const wallet = await getWallet(deps.db, id, c.get('user').userId);
      if (!wallet) return null;
      const [summary] = await ftWalletSummaries(deps.db, id);
      return { wallet: walletToJson(wallet), summary, skipped: await ftSkipCounts(deps.db, id) };
    });
    return jsonOr404(c, body, id, 'No such strategy');
  })
  .openapi(create, async (c) => {
    const body = await sent(c);
    const parsed = FtWalletInput.safeParse(body);
    if (!parsed.success) return problem(c, 400, 'Invalid strategy', undefined, { issues: parsed.error.issues });
    const wallet = parseFtWallet(body, deps.clock.now());
    if (!(await createFtStrategy(deps.db, c.get('user'), wallet, deps.clock.now()))) return problem(c, 409, 'Strategy exists', wallet.walletId);
    deps.log.info('ft strategy created', { wallet: wallet.walletId, by: c.get('user').name });
    return c.json({ wallet: walletToJson(wallet) }, 201);
  })
  .openapi(replace, async (c) => {
    const { id } = c.req.valid('param');
    const access = await ftAccess(deps.db, c.get('user'), id);
    const existing = access === 'none' ? null : await getWallet(deps.db, id);
    if (!existing) return problem(c, 404, 'No such strategy', id);
    if (access !== 'write') return catalogueReadOnly(c, id);
    const body = { start_date: existing.startDate, ...(await sent(c)), wallet_id: id };
    const parsed = FtWalletInput.safeParse(body);
    if (!parsed.success) return problem(c, 400, 'Invalid strategy', undefined, { issues: parsed.error.issues });
    const wallet = parseFtWallet(body, deps.clock.now());
    await replaceFtStrategy(deps.db, c.get('user'), existing, wallet, deps.clock.now());
    deps.log.info('ft strategy replaced', { wallet: id, by: c.get('user').name });
    return c.json({ wallet: walletToJson(wallet) }, 200);
  })
  .openapi(orders, async (c) => {
    const { id } = c.req.valid('param');
    const { limit, cursor } = c.req.valid('query');
    const body = await keptRead(deps.reads, c, async () => {
      if (!(await getWallet(deps.db, id, c.get('user').userId))) return null;
      const page = pageOf(await ftOrders(deps.db, id, { limit, after: cursor }), limit, (r) => r.key);
      return { orders: page.items.map((r) => orderJson(r.row)), next_cursor: page.next_cursor };
    });
    return jsonOr404(c, body, id, 'No such strategy');
  })
  .openapi(command('sync'), async (c) => (isOperator(c)
    ? c.json(await deps.runJob('ft-sync') as z.input<typeof JobNow>, 200) : operatorOnly(c)))
  .openapi(command('resolve'), async (c) => (isOperator(c)
    ? c.json(await deps.runJob('ft-resolve') as z.input<typeof JobNow>, 200) : operatorOnly(c)))
  .openapi(rejects, async (c) => (isOperator(c) ? c.json({ rejected: await ingestRejectTotals(deps.db) }, 200) : operatorOnly(c)));
