/** GET /api/health: liveness, the database kind and version, and whether the venue may trade and why not (no authentication) */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { serverVersion } from '../../store/db.ts';
import type { ApiDeps, AppEnv } from '../context.ts';

const Venue = z.object({
  name: z.string(),
  state: z.enum(['ready', 'degraded', 'off']).describe('ready: trading; degraded: exits and cancels only, no new live entry; off: no order at all'),
  trading: z.boolean().describe('new live entries are sent'),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })).describe('what stops or limits trading'),
  checked_at: z.string().nullable().describe('when preflight last ran'),
});

const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  database: z.object({ kind: z.enum(['pglite', 'postgres']), version: z.string() }),
  venue: Venue.optional(),
  time: z.string(),
});

const route = createRoute({
  method: 'get', path: '/api/health', tags: ['system'],
  responses: { 200: { description: 'The service and its database answer', content: { 'application/json': { schema: Health } } } },
});

function venueOf(deps: ApiDeps): z.infer<typeof Venue> | undefined {
  const h = deps.venueHealth?.();
  if (!h) return undefined;
  return { name: h.name, state: h.state, trading: h.state === 'ready', reasons: h.reasons, checked_at: h.checkedAt?.toISOString() ?? null };
}

export const healthRoutes = (deps: ApiDeps) => new OpenAPIHono<AppEnv>().openapi(route, async (c) => c.json({
  status: 'ok' as const, version: deps.version,
  database: { kind: deps.db.kind, version: await serverVersion(deps.db) }, venue: venueOf(deps), time: deps.clock.now().toISOString(),
}, 200));
