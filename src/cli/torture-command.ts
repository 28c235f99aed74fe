/** `tandem torture`: the crash torture run of src/torture (test-only: it SIGKILLs its own Tandem processes) */
import { resolve } from 'node:path';
import type { Command } from './command.ts';

export const torture: Command = {
  summary: 'Test-only: SIGKILL a live-path Tandem process at random and injected points, restart it, check every invariant',
  usage: '[--cycles N] [--seed S] [--out FILE]',
  help: `Runs the LT live path (simulated world, loopback Polymarket simulator, the real Polymarket adapter) in a child
process started with ${'TANDEM_TEST_CRASH_INJECTION'}=1 (test-only: that process kills itself at injection points on
request; nothing else reads the variable). Each cycle moves the markets, then kills the process at a seeded random moment
or at an injection point (after_intent, after_submit, after_fill, mid_settlement, after_redeem_record, after_redeem_send),
checks the invariants, restarts it on the same database and checks that the database equals the venue.
Uses DATABASE_URL when set (PostgreSQL), else a fresh PGlite directory. Exit code 1 on any invariant failure.
  --cycles N   cycles to run (default 20)
  --seed S     the kill schedule's seed (default: random, printed)
  --out FILE   the machine-readable result (default tmp/torture-results.json)`,
  options: { cycles: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  run: async ({ values, config }) => {
    const cycles = Number(values.cycles ?? 20);
    const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
    if (!Number.isInteger(cycles) || cycles < 1 || !Number.isInteger(seed) || seed < 0) {
      console.error('tandem torture: --cycles must be a positive integer and --seed a non-negative integer');
      return 2;
    }
    const { runTorture } = await import('../torture/run.ts');
    const result = await runTorture({
      cycles, seed, databaseUrl: config.databaseUrl, resultsFile: resolve(String(values.out ?? 'tmp/torture-results.json')),
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    console.log(JSON.stringify({ seed: result.seed, cycles: result.cycles, failures: result.failures, kills: result.kills,
      intentSubmitKills: result.intentSubmitKills, msPerCycle: result.msPerCycle }));
    return result.failures === 0 ? 0 : 1;
  },
};
