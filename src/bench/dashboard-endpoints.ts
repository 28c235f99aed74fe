/**
 * `dashboard_endpoints_p99_ms`: every GET the dashboard (web/src) makes, read by 10 concurrent clients against a
 * strategy with 100 k LT orders on PGlite (in memory). The API is the real Hono app served in-process on 127.0.0.1
 * (auth, routing, the store queries; no jobs); each client walks the endpoint list in its own rotation, ROUNDS
 * times, within a time budget, the clients in a process of their own (endpoint-clients.ts). The detail has p50/p99
 * per endpoint; the value is the worst endpoint's p99.
 * `/api/events` (a stream, not a read) is not timed. With a database URL, the same is measured on PostgreSQL
 */
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../api/app.ts';
import { systemClock } from '../engine/clock.ts';
import { VERSION } from '../main.ts';
import { openDb, type Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { SimExchange } from '../sim/exchange/exchange.ts';
import { createSimulatedVenue } from '../sim/exchange/simulated-venue.ts';
import { buildReadModels, seedLtOrders, type SeededStrategy } from './dashboard-seed.ts';
import { errorLog } from './dashboard-summary.ts';
import { scratchDatabase } from './scratch-db.ts';
import { getJson as readJson, walkElsewhere } from './endpoint-clients.ts';
import { quantiles, type BenchOptions, type BenchSpec, type Measured } from './report.ts';

export const ENDPOINTS_SPEC: BenchSpec = { name: 'dashboard_endpoints_p99_ms', unit: 'ms', target: 100, comparator: '<=' };

/**
 * LT orders seeded, walks of the endpoint list per client, and the time after which the walks stop; `--quick` seeds
 * 10 k and walks once. 20 walks of 10 clients: 200 reads of each endpoint, so that its p99 lies among its slowest
 * two or three reads (of 50, the p99 was its slowest read but one's interpolation with it, in effect the maximum)
 */
const SIZE = { full: { orders: 100_000, rounds: 20, budgetMs: 240_000 }, quick: { orders: 10_000, rounds: 1, budgetMs: 30_000 } } as const;
const CLIENTS = 10;
/** The app's last error, so a 500 says why */
const log = errorLog();

export interface EndpointsOptions extends BenchOptions {
  orders?: number;
  /** PostgreSQL server to create a scratch database on; absent: PGlite in memory */
  databaseUrl?: string;
  rounds?: number;
}

/** The reads of the dashboard's pages (web/src: overview, orders, order, strategy, FT wallet, create, controls) */
async function endpointsOf(base: string, s: SeededStrategy, headers: Record<string, string>): Promise<Record<string, string>> {
  const strategy = `/api/lt/strategies/${s.strategyId}`;
  const wallet = '/api/ft/wallets/FT_BENCH_DASHBOARD';
  const first = await getJson(`${base}/api/lt/orders?limit=50`, headers) as { orders: { order_id: string }[]; next_cursor: string | null };
  const ftFirst = await getJson(`${base}${wallet}/orders?limit=50`, headers) as { next_cursor: string | null };
  const orderId = first.orders[0]?.order_id;
  if (!orderId || !first.next_cursor || !ftFirst.next_cursor) throw new Error('the seeded orders did not list');
  return {
    health: '/api/health', overview: '/api/overview', wallets: '/api/wallets', ft_wallets: '/api/ft/wallets',
    ft_wallet: wallet, ft_orders: `${wallet}/orders?limit=50`,
    ft_orders_page2: `${wallet}/orders?limit=50&cursor=${encodeURIComponent(ftFirst.next_cursor)}`,
    lt_strategies: '/api/lt/strategies', lt_strategy: strategy, comparison: `${strategy}/comparison`, series: `${strategy}/series`,
    positions: `${strategy}/positions`, strategy_orders: `/api/lt/orders?strategy_id=${s.strategyId}&limit=20`,
    orders: '/api/lt/orders?limit=50', orders_page2: `/api/lt/orders?limit=50&cursor=${encodeURIComponent(first.next_cursor)}`,
    order: `/api/lt/orders/${orderId}`, alerts: '/api/alerts?limit=200', kill_switch: '/api/lt/kill-switch',
    audit: `/api/lt/audit?strategy_id=${s.strategyId}`,
  };
}

/** The answer's JSON; a failed read names the app's last error too */
async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  return (await readJson(url, headers).catch((e: unknown) => Promise.reject(withAppError(e)))).json;
}

const withAppError = (e: unknown): Error =>
  new Error(`${e instanceof Error ? e.message : String(e)} ${log.last.slice(0, 500)}`, { cause: e });

function listen(fetchFn: (req: Request) => Response | Promise<Response>): Promise<{ server: ServerType; port: number }> {
  return new Promise((done, fail) => {
    const server = serve({ fetch: fetchFn, port: 0, hostname: '127.0.0.1' }, (info) => done({ server, port: info.port }));
    // a client's kept-alive socket may wait longer than Node's 5 s default while the other clients' reads run
    // and a request queued behind the others is measured, not cut at Node's 300 s request timeout (a 408)
    if ('keepAliveTimeout' in server) server.keepAliveTimeout = 120_000;
    if ('requestTimeout' in server) server.requestTimeout = 0;
    server.once('error', fail);
  });
}

async function measureOn(db: Db, orders: number, rounds: number, budgetMs: number, progress: (text: string) => void): Promise<Measured> {
  await migrate(db);
  const t0 = performance.now();
  const seeded = await seedLtOrders(db, orders, progress);
  const seedSeconds = Math.round((performance.now() - t0) / 1000);
  const jobMs = await buildReadModels(db, progress, ENDPOINTS_SPEC.name);
  const venue = createSimulatedVenue({ exchange: new SimExchange(systemClock), account: 'bench', clock: systemClock });
  const app = createApp({ db, clock: systemClock, log, venue, version: VERSION,
    runJob: () => Promise.reject(new Error('no jobs in the bench')) });
  const { server, port } = await listen(app.fetch);
  try {
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${seeded.token}` };
    const paths = await endpointsOf(base, seeded, headers);
    const names = Object.keys(paths);
    const alone: Record<string, number> = {}; // warm-up: one of each, alone (its first read after the job, no queueing)
    for (const name of names) {
      const t = performance.now();
      await getJson(base + paths[name]!, headers);
      alone[name] = Math.round(performance.now() - t);
      progress(`${ENDPOINTS_SPEC.name}: warm-up ${name} ${alone[name]} ms`);
    }
    progress(`${ENDPOINTS_SPEC.name}: ${orders} orders seeded in ${seedSeconds} s; ${CLIENTS} clients × ${rounds} rounds × ${names.length} endpoints`);
    const walked = await walkElsewhere({ base, paths, headers, clients: CLIENTS, rounds, budgetMs })
      .catch((e: unknown) => Promise.reject(withAppError(e)));
    const ms = new Map(names.map((n) => [n, walked.times[n] ?? []]));
    const seconds = walked.ms / 1000;
    const per = Object.fromEntries(names.map((n) => {
      const xs = ms.get(n)!;
      const q = quantiles(xs);
      return [n, { path: paths[n], n: xs.length, p50_ms: Math.round(q.p50 * 10) / 10, p99_ms: Math.round(q.p99 * 10) / 10,
        max_ms: xs.length > 0 ? Math.round(Math.max(...xs) * 10) / 10 : null }];
    }));
    const worst = names.reduce((w, n) => (per[n]!.p99_ms > per[w]!.p99_ms ? n : w), names[0]!);
    const total = [...ms.values()].reduce((a, xs) => a + xs.length, 0);
    return {
      value: per[worst]!.p99_ms, samples: total,
      detail: { worst_endpoint: worst, endpoints: per, alone_ms: alone, clients: CLIENTS, rounds, budget_seconds: budgetMs / 1000, requests: total,
        requests_per_s: Math.round(total / seconds), lt_orders: orders, seed_seconds: seedSeconds, read_models_job_ms: jobMs,
        path: 'real HTTP on 127.0.0.1 to the in-process Hono app, the clients in a child process of their own (a request timed '
          + 'from its send to its answer\'s last byte); the read-models job run once before (as the service does after '
          + 'recovery), no other job; /api/events (a stream) not timed' },
    };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

export async function measureDashboardEndpoints(progress: (text: string) => void, options: EndpointsOptions = {}): Promise<Measured> {
  const size = options.quick ? SIZE.quick : SIZE.full;
  const orders = options.orders ?? size.orders;
  const rounds = options.rounds ?? size.rounds;
  const scratch = options.databaseUrl ? await scratchDatabase(options.databaseUrl) : null;
  try {
    const db = await openDb(scratch ? { databaseUrl: scratch.url } : { dataDir: 'memory://' });
    try {
      const m = await measureOn(db, orders, rounds, size.budgetMs, progress);
      return { ...m, detail: { ...m.detail, database: scratch ? 'PostgreSQL (scratch database)' : 'PGlite (memory)' } };
    } finally {
      await db.close();
    }
  } finally {
    await scratch?.drop();
  }
}
