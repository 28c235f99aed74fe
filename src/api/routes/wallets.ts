/** Wallets: the signed-in user's linked Polymarket wallets. Link, list, read, unlink; no response ever holds a secret */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { LtError } from '../../engine/lt-strategies.ts';
import { getWallet, linkWallet, LinkWalletInput, unlinkWallet } from '../../engine/user-wallets.ts';
import { walletVenueStates, type WalletVenueState } from '../../engine/wallet-gates.ts';
import { userWalletsPage, type UserWallet } from '../../store/user-wallet-store.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { problem } from '../problem.ts';
import { jsonResponse, pageOf, pageQuery, problemResponse } from '../schemas/common.ts';
import { Wallet, WalletPage, WalletWithVenue } from '../schemas/system.ts';

const secured = { security: [{ bearer: [] }], tags: ['wallets'] };
const Address = z.object({ address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'address must be 0x + 40 hex digits') });

const link = createRoute({ method: 'post', path: '/api/wallets', ...secured,
  request: { body: { content: { 'application/json': { schema: LinkWalletInput } }, required: true } },
  responses: { 201: jsonResponse(z.object({ wallet: Wallet }).openapi('WalletLinked'), 'Linked: the wallet without its secrets'),
    400: problemResponse('Invalid input (problem+json with issues; never the values)'),
    409: problemResponse('Already linked, or no TANDEM_SECRET_KEY to store the secret with') } });
const list = createRoute({ method: 'get', path: '/api/wallets', ...secured, request: { query: pageQuery(['time', 'id']) },
  responses: { 200: jsonResponse(WalletPage, 'Your linked wallets (oldest link first), without secrets, each with its venue state'),
    400: problemResponse('Invalid limit or cursor') } });
const one = createRoute({ method: 'get', path: '/api/wallets/{address}', ...secured, request: { params: Address },
  responses: { 200: jsonResponse(z.object({ wallet: WalletWithVenue }).openapi('WalletOne'), 'One of your wallets, without secrets, with its venue state'),
    400: problemResponse('Invalid address'), 404: problemResponse('Not one of your wallets') } });
const unlink = createRoute({ method: 'delete', path: '/api/wallets/{address}', ...secured, request: { params: Address },
  responses: { 200: jsonResponse(z.object({ unlinked: z.string() }).openapi('WalletUnlinked'), 'Unlinked (its sealed secrets deleted)'),
    400: problemResponse('Invalid address'), 404: problemResponse('Not one of your wallets'),
    409: problemResponse('A running LT strategy trades through it: stop it first') } });

/** What anyone may see of a wallet: whether secrets are stored, never what they are */
export const walletJson = (w: UserWallet) => ({
  address: w.address, label: w.label, signature_type: w.signatureType, funder: w.funder,
  has_private_key: w.hasPrivateKey, has_api_credentials: w.apiKey !== null, linked_at: w.linkedAt.toISOString(),
});

/** A wallet's venue state as its preflight gate found it (the reasons name what is missing, never a secret) */
export const venueJson = (v: WalletVenueState) => ({ state: v.state, reasons: v.reasons.map((r) => ({ code: r.code, message: r.message })),
  checked_at: v.checkedAt?.toISOString() ?? null });

const STATUS = { not_found: 404, conflict: 409, invalid: 400 } as const;
const TITLE = { not_found: 'Not found', conflict: 'Conflict', invalid: 'Invalid request' } as const;
const failed = (c: Context, e: LtError) =>
  problem(c, STATUS[e.kind], TITLE[e.kind], e.message, e.issues ? { issues: e.issues } : undefined);

export const walletRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>()
  .openapi(link, async (c) => {
    const r = await linkWallet({ ...deps, secrets: deps.secrets ?? null, operatorWallet: deps.operatorWallet ?? null }, c.get('user').userId,
      c.req.valid('json'));
    if (!r.ok) return failed(c, r.error);
    deps.log.info('wallet linked', { address: r.value.address, by: c.get('user').name });
    deps.walletsChanged?.();
    return c.json({ wallet: walletJson(r.value) }, 201);
  })
  .openapi(list, async (c) => {
    const userId = c.get('user').userId;
    const { limit, cursor } = c.req.valid('query');
    const page = pageOf(await userWalletsPage(deps.db, userId, { limit, after: cursor }), limit, (r) => r.key);
    const venue = await walletVenueStates(deps.db, userId, deps.walletVenueHealth);
    return c.json({ wallets: page.items.map(({ row: w }) => ({ ...walletJson(w), venue: venueJson(venue(w.address)) })),
      next_cursor: page.next_cursor, operator_wallet: deps.operatorWallet?.toLowerCase() ?? null }, 200);
  })
  .openapi(one, async (c) => {
    const userId = c.get('user').userId;
    const r = await getWallet(deps, userId, c.req.valid('param').address);
    if (!r.ok) return failed(c, r.error);
    const venue = await walletVenueStates(deps.db, userId, deps.walletVenueHealth);
    return c.json({ wallet: { ...walletJson(r.value), venue: venueJson(venue(r.value.address)) } }, 200);
  })
  .openapi(unlink, async (c) => {
    const r = await unlinkWallet(deps, c.get('user').userId, c.req.valid('param').address);
    if (!r.ok) return failed(c, r.error);
    deps.log.info('wallet unlinked', { address: r.value.address, by: c.get('user').name });
    deps.walletsChanged?.();
    return c.json({ unlinked: r.value.address }, 200);
  });
