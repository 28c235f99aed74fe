/**
 * Issue 14's acceptance for workers: the API and three workers as separate `tandem start --role` processes on one
 * PostgreSQL, live against the loopback simulator running the simulated world in a process of its own. The workers
 * share the launched strategies by lease; one is SIGKILLed mid-run and the others take its strategies once its leases
 * expire; at the end no order is duplicated or stuck, the ledgers conserve, and no strategy was traded by two workers
 * at once (from job_runs, each run's submissions, and the leases). PostgreSQL only: PGlite is one process by design
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { isConserved } from '../../src/domain/ledger.ts';
import { apiOf, must } from '../../src/rehearse/api.ts';
import { DEFAULT_STRATEGIES } from '../../src/rehearse/defaults.ts';
import { REHEARSAL_CRONS } from '../../src/rehearse/rehearse.ts';
import { processWalletKey } from '../../src/rehearse/wallets.ts';
import { startWorldProcess, type WorldProcess } from '../../src/rehearse/world-process.ts';
import { balancesOf } from '../../src/store/ledger-store.ts';
import { listLeases } from '../../src/store/lease-store.ts';
import { addFollowed } from '../../src/store/trade-store.ts';
import { compiledCli } from '../support/compiled.ts';
import { openTestDb, TEST_DATABASE_URL, type TestDb } from '../support/test-db.ts';

const LEASE_MS = 9_000;
const STRATEGIES = 6;

interface Proc { child: ChildProcess; lines: string[]; exited: Promise<number | null> }

function startProc(role: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [...compiledCli(), 'start', '--role', role],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => lines.push(l));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, lines, exited };
}

/** Polls `check` until it returns a value (not undefined), every 250 ms, failing after `ms` with `what` */
async function until<T>(what: string, ms: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The process's exit code, once it exited (bounded: a process that does not stop fails the test) */
const exitOf = async (p: Proc) => {
  await until('the process to exit', 120_000, () => (p.child.exitCode !== null || p.child.signalCode !== null ? true : undefined));
  return p.exited;
};

const lineOf = (p: Proc, re: RegExp) => until(`a line ${re}`, 180_000, () => {
  if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode}: ${p.lines.slice(-20).join('\n')}`);
  return p.lines.map((l) => re.exec(l)).find((m) => m !== null) ?? undefined;
});

describe.skipIf(!TEST_DATABASE_URL)('API + three workers on PostgreSQL (skipped without TEST_DATABASE_URL: PGlite is one process)', () => {
  let t: TestDb;
  let world: WorldProcess;
  const procs: Proc[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tandem-workers-'));
  afterAll(async () => {
    // Each process's last words (warnings and errors only: LOG_LEVEL=warn), for a failure's diagnosis
    for (const [i, p] of procs.entries()) console.log(`process ${i}:\n${p.lines.slice(-8).map((l) => l.slice(0, 400)).join('\n')}`);
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await world?.stop().catch(() => undefined);
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares the strategies, moves a killed worker\'s within a lease time, and trades each in one worker at a time', async () => {
    t = await openTestDb();
    world = await startWorldProcess({ seed: 14, marketLifetimeMs: 180_000, openMarkets: 6, stepMs: 1000, fundUsdc: '10000' });
    const wallet = processWalletKey();
    const env = {
      DATABASE_URL: t.url!, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', FT_SOURCE: 'data-api',
      DATA_API_URL: world.url, GAMMA_URL: world.gammaUrl, RTDS_URL: world.rtdsUrl, VENUE: 'polymarket',
      POLYMARKET_CLOB_URL: world.url, POLYMARKET_WS_URL: world.wsUrl, POLYMARKET_PRIVATE_KEY: wallet.privateKey,
      POLYGON_RPC_URL: `${world.url}/rpc`, TANDEM_SECRET_KEY: randomBytes(32).toString('hex'), ...REHEARSAL_CRONS,
      LT_EXECUTE_CRON: '*/3 * * * * *', WORKER_LEASE_MS: String(LEASE_MS),
    };
    const api = startProc('api', { ...env, SEED_DEMO: 'true' });
    procs.push(api);
    const url = (await lineOf(api, /Tandem is running at (\S+)/))[1]!;
    await addFollowed(t.db, world.traders);
    const ops = apiOf(url, readFileSync(join(dir, 'operator.token'), 'utf8').trim());
    // The rehearsal's FT strategies (they trade on the simulated world), then others up to six
    const others = (await t.db.query<{ wallet_id: string }>(`SELECT wallet_id FROM ft_wallets WHERE NOT (wallet_id = ANY($1::text[]))
      ORDER BY wallet_id LIMIT $2`, [DEFAULT_STRATEGIES, STRATEGIES - DEFAULT_STRATEGIES.length])).map((r) => r.wallet_id);
    const ftIds = [...DEFAULT_STRATEGIES, ...others];
    // The workers first, then the strategies: each worker claims up to its share (two) as they are launched, so no
    // worker ever gives one back to rebalance while trading (a hand-over mid-run is the kill's, below)
    const workers = [0, 1, 2].map(() => startProc('worker', { ...env, SEED_DEMO: 'false' }));
    procs.push(...workers);
    const ids = await Promise.all(workers.map(async (w) => (await lineOf(w, /Tandem worker (\S+) is running/))[1]!));
    await until('three live workers', 60_000, async () => ((await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM workers WHERE expires_at > now()'))[0]!.n === 3 ? true : undefined));
    for (const ft of ftIds) {
      const created = await must(ops, 'POST', '/api/lt/strategies', { ft_wallet_id: ft, starting_capital: '500',
        wallet_address: wallet.address, max_signal_age_seconds: 120 });
      const s = created.strategy as { strategy_id: string };
      await must(ops, 'POST', `/api/lt/strategies/${s.strategy_id}/launch`);
    }

    // Every strategy held, two by each worker; one of them holds the global jobs
    const owned = () => listLeases(t.db).then((ls) => ls.filter((l) => l.leaseKey !== 'global' && l.owner !== null));
    await until('each worker holding two strategies', 120_000, async () => {
      const ls = await owned();
      const per = ids.map((id) => ls.filter((l) => l.owner === id).length);
      return ls.length === STRATEGIES && per.every((n) => n === 2) ? per : undefined;
    });
    const globalOwner = async () => (await listLeases(t.db)).find((l) => l.leaseKey === 'global')?.owner ?? null;
    expect(ids).toContain(await globalOwner());
    // Trading under way: live orders submitted
    await until('live orders', 240_000, async () => ((await orderCount(t)) >= 3 ? true : undefined));

    // SIGKILL the first worker: its strategies move to the others once its leases lapse
    const victim = ids[0]!;
    const itsKeys = (await owned()).filter((l) => l.owner === victim).map((l) => l.leaseKey);
    workers[0]!.child.kill('SIGKILL');
    const killedAt = Date.now();
    await exitOf(workers[0]!);
    const movedAfterMs = await until('the killed worker\'s strategies taken', 120_000, async () => {
      const ls = await owned();
      return itsKeys.every((k) => ls.some((l) => l.leaseKey === k && l.owner !== victim && l.owner !== null))
        ? Date.now() - killedAt : undefined;
    });
    await until('the global jobs held by a live worker', 60_000, async () => {
      const owner = await globalOwner();
      return owner !== null && owner !== victim ? owner : undefined;
    });
    console.log(`killed worker's ${itsKeys.length} strategies moved after ${movedAfterMs} ms (lease ${LEASE_MS} ms)`);
    // Within one lease time (rows last 2/3 of it, rounds every third), plus a margin for a loaded machine
    expect(movedAfterMs).toBeLessThanOrEqual(LEASE_MS + 10_000);
    const before = await orderCount(t);
    await until('more live orders after the move', 240_000, async () => ((await orderCount(t)) > before ? true : undefined));

    // What the killed worker left in limbo (a submit without its answer) is settled by the survivors' tracker
    await until('no order of before the kill pending or unknown', 300_000, async () => ((await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE status IN ('pending', 'unknown') AND intent_at <= $1`,
      [new Date(killedAt).toISOString()]))[0]!.n === 0 ? true : undefined));

    // The survivors stop gracefully: they drain and give their leases back
    for (const w of workers.slice(1)) w.child.kill('SIGTERM');
    expect(await Promise.all(workers.slice(1).map(exitOf))).toEqual([0, 0]);
    expect((await listLeases(t.db)).filter((l) => l.owner !== null && l.owner !== victim)).toEqual([]);
    api.child.kill('SIGTERM');
    expect(await exitOf(api)).toBe(0);

    await checkOrders(t);
    await checkOneWorkerAtATime(t);
  }, 1_200_000); // a bound for five processes on a loaded machine: every wait above is on a condition
});

async function orderCount(t: TestDb): Promise<number> {
  return (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE NOT is_shadow AND venue_order_id IS NOT NULL'))[0]!.n;
}

/** No venue order twice, no signal leg ordered twice, nothing left pending or unknown, every strategy's ledger conserved */
async function checkOrders(t: TestDb): Promise<void> {
  expect(await t.db.query(`SELECT venue_order_id FROM orders WHERE venue_order_id IS NOT NULL
    GROUP BY venue_order_id HAVING count(*) > 1`)).toEqual([]);
  expect(await t.db.query(`SELECT l.user_id, l.strategy_id, l.ft_order_id, l.leg FROM lt_orders l
    JOIN orders o ON o.order_id = l.order_id WHERE NOT o.is_shadow
    GROUP BY l.user_id, l.strategy_id, l.ft_order_id, l.leg HAVING count(*) > 1`)).toEqual([]);
  // The graceful stops drained their submits: nothing is left without the venue's answer
  expect(await t.db.query(`SELECT order_id, status FROM orders WHERE status IN ('pending', 'unknown')`)).toEqual([]);
  for (const s of await t.db.query<{ user_id: string; strategy_id: string }>('SELECT user_id, strategy_id FROM lt_strategies')) {
    expect(isConserved(await balancesOf(t.db, s.user_id, s.strategy_id, 'live')), `${s.strategy_id} conserved`).toBe(true);
  }
}

/** From job_runs: the runs that submitted a strategy's orders, by worker; two workers' such runs never overlap in time */
async function checkOneWorkerAtATime(t: TestDb): Promise<void> {
  const runs = await t.db.query<{ worker_id: string; started_at: Date; finished_at: Date; order_id: string; strategy: string }>(
    `SELECT r.worker_id, r.started_at, r.finished_at, s->>'orderId' AS order_id, o.lt_user_id || '/' || o.lt_strategy_id AS strategy
     FROM job_runs r CROSS JOIN LATERAL jsonb_array_elements(coalesce(r.detail->'execute'->'submissions', '[]'::jsonb)) s
     JOIN orders o ON o.order_id = (s->>'orderId')::uuid
     WHERE r.job IN ('lt-execute', 'lt-signals') AND r.status = 'ok'`);
  expect(runs.length).toBeGreaterThan(0);
  expect(runs.every((r) => r.worker_id !== null)).toBe(true);
  const byStrategy = new Map<string, typeof runs>();
  for (const r of runs) byStrategy.set(r.strategy, [...(byStrategy.get(r.strategy) ?? []), r]);
  const overlaps: string[] = [];
  for (const [strategy, rs] of byStrategy) {
    for (const a of rs) {
      for (const b of rs) {
        if (a.worker_id !== b.worker_id && new Date(a.started_at) < new Date(b.finished_at) && new Date(b.started_at) < new Date(a.finished_at)) {
          overlaps.push(`${strategy}: ${a.worker_id} and ${b.worker_id}`);
        }
      }
    }
  }
  expect(overlaps).toEqual([]);
}
