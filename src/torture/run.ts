/**
 * `tandem torture`: the live path (simulated world, loopback Polymarket simulator, the real Polymarket adapter) in a Tandem
 * process that is SIGKILLed at random moments and at injected points, restarted on the same database, and checked after
 * every kill (invariants that hold at any commit) and every restart (the database equals the venue). Seeded: the same
 * --seed gives the same schedule. Progress on stderr; the result in tmp/torture-results.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawnTortureChild, type Outcome, type TortureChild } from './child-process.ts';
import { checkInvariants, windowOf, type Window } from './invariants.ts';
import { describePlan, killSchedule, type KillPlan } from './schedule.ts';
import { createTortureWorld, type TortureWorld, type WorldOptions } from './world.ts';

/** Only turns a hung process into a failure; a live child always answers far sooner, even on a loaded machine */
const HANG_MS = 300_000;

export interface TortureOptions extends WorldOptions {
  cycles: number;
  seed: number;
  resultsFile: string;
  progress: (line: string) => void;
}

export interface CycleResult {
  cycle: number;
  plan: string;
  /** Where the kill landed: the injection point, 'random', or 'missed' (the point was not reached / the work ended first) */
  landed: string;
  window: Window | null;
  intentSubmit: boolean;
  failures: string[];
  ms: number;
}

export interface TortureResult {
  seed: number;
  cycles: number;
  backend: string;
  schedule: string[];
  kills: Record<string, number>;
  intentSubmitKills: { injected: number; random: number; total: number };
  randomLandings: Record<string, number>;
  failures: number;
  msPerCycle: number;
  results: CycleResult[];
}

const landingOf = (w: Window): string =>
  (w.unsent > 0 ? 'intent->submit' : w.unanswered > 0 ? 'submit->answer' : w.redeeming > 0 ? 'mid-redemption' : 'elsewhere');

class Runner {
  child: TortureChild | null = null;
  busyMs = 1500;
  constructor(readonly world: TortureWorld) {}

  private check(converged: boolean): Promise<{ failures: string[]; window: Window }> {
    const { world } = this;
    return world.withDb(async (db) => ({
      failures: await checkInvariants(db, world, world.venueOrders(), converged),
      window: await windowOf(db),
    }));
  }

  /** A new Tandem process: recovery on start, then quiet; the restart the invariants are checked after */
  async restart(): Promise<string[]> {
    const w = this.world;
    this.child = spawnTortureChild({ simUrl: w.sim.url, privateKey: w.privateKey, databaseUrl: w.databaseUrl, dataDir: w.dataDir });
    const out = await this.child.next((e) => e.step === 'converged', HANG_MS);
    return this.unexpected(out, 'restart');
  }

  private unexpected(out: Outcome, when: string): string[] {
    if (out.kind === 'exit') {
      this.child = null;
      return [`${when}: the process died (${out.code ?? out.signal}): ${this.tailOf()}`];
    }
    const e = out.event as { quiet?: boolean; errors?: string[] };
    const failures = (e.errors ?? []).map((x) => `${when}: job error ${x}`);
    if (!e.quiet) failures.push(`${when}: not quiet after its rounds`);
    return failures;
  }

  private tailOf(): string {
    return this.child ? `${JSON.stringify(this.child.events.slice(-3))} ${this.child.stderrTail().slice(-1500)}` : '';
  }

  async cycle(n: number, plan: KillPlan): Promise<CycleResult> {
    const started = Date.now();
    const failures: string[] = [];
    if (!this.child) failures.push(...await this.restart());
    await this.world.withDb((db) => this.world.moveMarkets(db, n));
    const child = this.child!;
    child.send({ point: plan.kind === 'injected' ? plan.point : null });
    const go = await child.next((e) => e.step === 'go', HANG_MS);
    const goAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    if (plan.kind === 'random' && go.kind === 'event') timer = setTimeout(() => child.kill(), Math.round(plan.fraction * this.busyMs));
    const out = await child.next((e) => e.step === 'converged', HANG_MS);
    clearTimeout(timer);
    let landed = 'missed';
    let window: Window | null = null;
    if (out.kind === 'exit') {
      const last = child.events.at(-1);
      const selfKilled = out.signal === 'SIGKILL' && last?.step === 'crash';
      landed = selfKilled ? String(last.point) : plan.kind === 'random' && out.signal === 'SIGKILL' ? 'random' : 'died';
      if (landed === 'died') failures.push(`the process died unasked (${out.code ?? out.signal}): ${this.tailOf()}`);
      this.child = null;
      const atKill = await this.check(false);
      window = atKill.window;
      failures.push(...atKill.failures.map((f) => `after the kill: ${f}`));
      failures.push(...await this.restart());
    } else {
      failures.push(...this.unexpected(out, 'cycle'));
      this.busyMs = Math.round(0.7 * this.busyMs + 0.3 * (Date.now() - goAt));
    }
    if (this.child) failures.push(...(await this.check(true)).failures.map((f) => `after the restart: ${f}`));
    const intentSubmit = landed === 'after_intent' || (landed === 'random' && (window?.unsent ?? 0) > 0);
    return { cycle: n, plan: describePlan(plan), landed, window, intentSubmit, failures, ms: Date.now() - started };
  }
}

function summarize(o: TortureOptions, backend: string, schedule: KillPlan[], results: CycleResult[], ms: number): TortureResult {
  const kills: Record<string, number> = {};
  const randomLandings: Record<string, number> = {};
  for (const r of results) {
    kills[r.landed] = (kills[r.landed] ?? 0) + 1;
    if (r.landed === 'random' && r.window) randomLandings[landingOf(r.window)] = (randomLandings[landingOf(r.window)] ?? 0) + 1;
  }
  const injected = results.filter((r) => r.intentSubmit && r.landed === 'after_intent').length;
  const random = results.filter((r) => r.intentSubmit && r.landed === 'random').length;
  return {
    seed: o.seed, cycles: o.cycles, backend, schedule: schedule.map(describePlan), kills, randomLandings,
    intentSubmitKills: { injected, random, total: injected + random },
    failures: results.reduce((n, r) => n + r.failures.length, 0), msPerCycle: Math.round(ms / Math.max(1, results.length)), results,
  };
}

export async function runTorture(o: TortureOptions): Promise<TortureResult> {
  const schedule = killSchedule(o.seed, o.cycles);
  o.progress(`torture: seed ${o.seed}, ${o.cycles} cycles; schedule: ${schedule.map(describePlan).join(' ')}`);
  const world = await createTortureWorld(o);
  const backend = world.databaseUrl ? 'postgresql' : `pglite (${world.dataDir})`;
  const runner = new Runner(world);
  const results: CycleResult[] = [];
  const started = Date.now();
  try {
    for (let n = 0; n < o.cycles; n += 1) {
      const r = await runner.cycle(n, schedule[n]!);
      results.push(r);
      const w = r.window ? ` restart found ${landingOf(r.window)} (unsent ${r.window.unsent}, unanswered ${r.window.unanswered}, redeeming ${r.window.redeeming})` : '';
      o.progress(`cycle ${n + 1}/${o.cycles} ${r.plan} -> landed ${r.landed}${w}${r.intentSubmit ? ' [intent->submit]' : ''} ${r.ms} ms${
        r.failures.length ? `\n  FAIL ${r.failures.join('\n  FAIL ')}` : ''}`);
    }
    if (runner.child) {
      const end = await runner.child.finish();
      if (end.kind !== 'exit' || end.code !== 0) results.at(-1)?.failures.push(`the last process did not end cleanly`);
      results.at(-1)?.failures.push(...(await world.withDb(async (db) => checkInvariants(db, world, world.venueOrders(), true))).map((f) => `at the end: ${f}`));
    }
  } finally {
    runner.child?.kill();
    await world.close();
  }
  const result = summarize(o, backend, schedule, results, Date.now() - started);
  mkdirSync(dirname(o.resultsFile), { recursive: true });
  writeFileSync(o.resultsFile, `${JSON.stringify(result, null, 2)}\n`);
  o.progress(`torture: ${result.failures} invariant failures in ${results.length} cycles (seed ${o.seed}); kills ${JSON.stringify(result.kills)}; `
    + `random kills landed ${JSON.stringify(result.randomLandings)}; kills inside intent->submit: ${result.intentSubmitKills.total} `
    + `(${result.intentSubmitKills.injected} injected, ${result.intentSubmitKills.random} random); ${result.msPerCycle} ms per cycle; ${o.resultsFile}`);
  return result;
}
