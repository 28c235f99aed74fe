/**
 * `tandem rehearse` end to end, shortened: Tandem in live mode over the wire against the loopback simulator and a world
 * whose markets resolve within the run, for two wallets: the process's own and a user's linked through the API. The
 * report's figures are read back from the database, the simulated wallets and the simulator's placements; this checks
 * they are consistent (orders sent from both wallets, each wallet equal to its ledger, every invariant), not how fast
 * the machine is
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLog } from '../../src/log.ts';
import { rehearseCommand, rehearseOptions } from '../../src/cli/rehearse-command.ts';
import { rehearse } from '../../src/rehearse/rehearse.ts';

describe('tandem rehearse', () => {
  it('validates its options with readable messages', async () => {
    expect(rehearseOptions({})).toMatchObject({ minutes: 5, seed: 1, capitalUsdc: '200', wallets: 2, out: null });
    expect(rehearseOptions({ wallets: '5' }).wallets).toBe(5);
    expect(() => rehearseOptions({ minutes: '0' })).toThrow('--minutes must be a whole number from 1');
    expect(() => rehearseOptions({ capital: '-5' })).toThrow('--capital must be a positive USDC amount');
    expect(() => rehearseOptions({ strategies: ' , ' })).toThrow('--strategies needs at least one');
    expect(() => rehearseOptions({ wallets: '0' })).toThrow('--wallets must be a whole number from 1 to 5, got "0"');
    expect(() => rehearseOptions({ wallets: '6' })).toThrow('--wallets must be a whole number from 1 to 5, got "6"');
    expect(() => rehearseOptions({ wallets: 'two' })).toThrow('--wallets must be a whole number from 1 to 5');
    const errors: string[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      const code = await rehearseCommand.run({ values: { wallets: '9' }, positionals: [], log: silentLog, config: loadConfig({}) });
      expect(code).toBe(2);
    } finally {
      console.error = error;
    }
    expect(errors).toEqual(['tandem rehearse: --wallets must be a whole number from 1 to 5, got "9"']);
    expect(rehearseCommand.help).toContain('--wallets N');
  });

  it.skipIf(Boolean(process.env.TEST_DATABASE_URL))('trades two wallets live over the wire and reconciles each with its ledger', async () => {
    const lines: string[] = [];
    const report = await rehearse({ minutes: 0.75, seed: 3, strategies: ['FT_T1_BASELINE'], capitalUsdc: '300', wallets: 2,
      progress: (l) => lines.push(l), log: silentLog });
    expect(lines.at(-1)).toContain('wound down');
    expect(report.wallets.map((w) => w.linked)).toEqual([false, true]);
    expect(report.wallets[0]!.user).toBe('operator');
    expect(new Set(report.wallets.map((w) => w.wallet)).size).toBe(2);
    for (const w of report.wallets) {
      const sent = Object.entries(w.orders.by_status).filter(([s]) => s !== 'pending').reduce((n, [, k]) => n + k, 0);
      expect(sent, `orders sent from ${w.wallet}`).toBeGreaterThan(0);
      expect(w.exactly_once.placements, `placements of ${w.wallet}`).toBeGreaterThan(0);
      expect(w.exactly_once).toMatchObject({ ok: true, unmatched: 0, placed_twice: 0 });
      // What the simulator really funded it with (its first API key), the strategy's capital allocated out of it
      expect(Number(w.cash.funded_usdc)).toBeGreaterThan(0);
      expect(w.cash).toMatchObject({ ok: true, strategies: 1 });
      expect(w.tokens.every((t) => t.ok)).toBe(true);
      expect(w.orders.by_status.pending ?? 0).toBe(0);
    }
    const perWallet = report.wallets.reduce((n, w) => n + w.exactly_once.placements, 0);
    expect(report.invariants.lt_exactly_once!.detail).toContain(`${perWallet} venue placements`);
    expect(report.latency_ms.trader_fill_to_submit?.n).toBeGreaterThan(0);
    expect(report.checks.collateral_matches_ledger).toMatchObject({ ok: true });
    expect(report.checks.tokens_match_ledger).toMatchObject({ ok: true });
    expect(report.checks.invariants.detail).toBe('all true');
    expect(report.checks.world_steps.ok).toBe(true);
    expect(report.orders.by_status.pending ?? 0).toBe(0);
  }, 240_000);
});
