/** FT strategy routes: list, read, create, replace, orders, and the sync/resolve operator commands */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { FtWalletInput, parseFtWallet } from '../../domain/ft-wallet.ts';
import { ftOrders, ftSkipCounts, ftWalletSummaries, ingestRejectTotals } from '../../store/ft-summary-store.ts';
import { getWallet, insertWallet, updateWallet } from '../../store/wallet-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { problem } from '../problem.ts';
import { walletToJson } from './ft-dto.ts';

const json = (description: string) => ({ description, content: { 'application/json': { schema: z.any() } } });
const Id = z.object({ id: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/) });
const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const Body = { content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } }, required: true };
const secured = { security: [{ bearer: [] }], tags: ['ft'] };

const list = createRoute({ method: 'get', path: '/api/ft/wallets', ...secured, responses: { 200: json('FT strategies with capital and counts') } });
const one = createRoute({ method: 'get', path: '/api/ft/wallets/{id}', ...secured, request: { params: Id },
  responses: { 200: json('Configuration, summary and skip counts'), 404: json('No such strategy') } });
const create = createRoute({ method: 'post', path: '/api/ft/wallets', ...secured, request: { body: Body },
  responses: { 201: json('Created'), 400: json('Invalid configuration'), 409: json('The id exists') } });
const replace = createRoute({ method: 'put', path: '/api/ft/wallets/{id}', ...secured, request: { params: Id, body: Body },
  responses: { 200: json('Replaced'), 400: json('Invalid configuration'), 404: json('No such strategy') } });
const orders = createRoute({ method: 'get', path: '/api/ft/wallets/{id}/orders', ...secured,
  request: { params: Id, query: Paging }, responses: { 200: json('Paper orders, newest first'), 404: json('No such strategy') } });
const command = (name: 'sync' | 'resolve') => createRoute({ method: 'post', path: `/api/ft/${name}`, ...secured,
  responses: { 200: json(`Ran ft-${name} now, or reports it was already running`) } });
const rejects = createRoute({ method: 'get', path: '/api/ft/input-rejects', ...secured,
  responses: { 200: json('Input records refused at ingestion, by reason') } });

export const ftRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => c.json({ wallets: await ftWalletSummaries(deps.db) }, 200))
  .openapi(one, async (c) => {
    const { id } = c.req.valid('param');
    const wallet = await getWallet(deps.db, id);
    if (!wallet) return problem(c, 404, 'No such strategy', id);
    const [summary] = await ftWalletSummaries(deps.db, id);
    return c.json({ wallet: walletToJson(wallet), summary, skipped: await ftSkipCounts(deps.db, id) }, 200);
  })
  .openapi(create, async (c) => {
    const parsed = FtWalletInput.safeParse(c.req.valid('json'));
    if (!parsed.success) return problem(c, 400, 'Invalid strategy', undefined, { issues: parsed.error.issues });
    const wallet = parseFtWallet(c.req.valid('json'), deps.clock.now());
    if (!(await insertWallet(deps.db, wallet))) return problem(c, 409, 'Strategy exists', wallet.walletId);
    deps.log.info('ft strategy created', { wallet: wallet.walletId, by: c.get('user').name });
    return c.json({ wallet: walletToJson(wallet) }, 201);
  })
  .openapi(replace, async (c) => {
    const { id } = c.req.valid('param');
    const existing = await getWallet(deps.db, id);
    if (!existing) return problem(c, 404, 'No such strategy', id);
    const body = { start_date: existing.startDate, ...c.req.valid('json'), wallet_id: id };
    const parsed = FtWalletInput.safeParse(body);
    if (!parsed.success) return problem(c, 400, 'Invalid strategy', undefined, { issues: parsed.error.issues });
    const wallet = parseFtWallet(body, deps.clock.now());
    await updateWallet(deps.db, wallet);
    deps.log.info('ft strategy replaced', { wallet: id, by: c.get('user').name });
    return c.json({ wallet: walletToJson(wallet) }, 200);
  })
  .openapi(orders, async (c) => {
    const { id } = c.req.valid('param');
    const { limit, offset } = c.req.valid('query');
    if (!(await getWallet(deps.db, id))) return problem(c, 404, 'No such strategy', id);
    return c.json({ orders: await ftOrders(deps.db, id, limit, offset) }, 200);
  })
  .openapi(command('sync'), async (c) => c.json(await deps.runJob('ft-sync'), 200))
  .openapi(command('resolve'), async (c) => c.json(await deps.runJob('ft-resolve'), 200))
  .openapi(rejects, async (c) => c.json({ rejected: await ingestRejectTotals(deps.db) }, 200));
