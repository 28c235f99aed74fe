/**
 * `crash_restarts`: PRODUCT §9's crash safety, measured by the torture run (src/torture): the live path in a child Tandem
 * process on a fresh PGlite directory, SIGKILLed at seeded random moments and at every injection point (between the
 * intent and its submit, between the submit and its answer, mid-fill, mid-settlement, mid-redemption), restarted on the
 * same database, with every invariant checked after each kill and each restart. The value is the number of invariant
 * failures (a duplicate or lost order is one); the target is none. 200 restarts take about half an hour on two cores,
 * so `--quick` runs 1 (a check that the run works and holds, not the 200-restart figure)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTorture } from '../torture/run.ts';
import type { BenchOptions, BenchSpec, Measured } from './report.ts';

export const CRASH_SPEC: BenchSpec = { name: 'crash_restarts', unit: 'invariant failures', target: 0, comparator: '<=' };

export const CRASH_CYCLES = { full: 200, quick: 1 } as const;
/** A fixed seed, so two bench runs kill at the same places */
const SEED = 1;

export async function measureCrashRestarts(progress: (text: string) => void, options: BenchOptions = {}): Promise<Measured> {
  const cycles = options.quick ? CRASH_CYCLES.quick : CRASH_CYCLES.full;
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-crash-'));
  try {
    const r = await runTorture({
      cycles, seed: SEED, dataDir, resultsFile: resolve('tmp/bench-torture-results.json'),
      // Every cycle's line would drown the bench's progress: one line in ten, and every failure
      progress: (line) => { if (/FAIL|^torture: \d/.test(line) || /^cycle (\d+)0\//.test(line)) progress(line.split('\n')[0]!); },
    });
    return {
      value: r.failures, samples: r.cycles,
      detail: { cycles: r.cycles, seed: r.seed, backend: 'pglite', kills: r.kills, kills_inside_intent_to_submit: r.intentSubmitKills,
        random_landings: r.randomLandings, ms_per_cycle: r.msPerCycle, results_file: 'tmp/bench-torture-results.json' },
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
