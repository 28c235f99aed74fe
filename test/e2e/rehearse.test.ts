/**
 * `tandem rehearse` end to end, shortened: Tandem in live mode over the wire against the loopback simulator and a world
 * whose markets resolve within the run. The report's figures are read back from the database and the simulated wallet;
 * this checks they are consistent (orders sent, wallet equal to the ledger, every invariant), not how fast the machine is
 */
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../src/log.ts';
import { rehearseOptions } from '../../src/cli/rehearse-command.ts';
import { rehearse } from '../../src/rehearse/rehearse.ts';

describe('tandem rehearse', () => {
  it('validates its options with readable messages', () => {
    expect(rehearseOptions({})).toMatchObject({ minutes: 5, seed: 1, capitalUsdc: '200', out: null });
    expect(() => rehearseOptions({ minutes: '0' })).toThrow('--minutes must be a whole number from 1');
    expect(() => rehearseOptions({ capital: '-5' })).toThrow('--capital must be a positive USDC amount');
    expect(() => rehearseOptions({ strategies: ' , ' })).toThrow('--strategies needs at least one');
  });

  it.skipIf(Boolean(process.env.TEST_DATABASE_URL))('trades live over the wire and reconciles the wallet with the ledger', async () => {
    const lines: string[] = [];
    const report = await rehearse({ minutes: 0.75, seed: 3, strategies: ['FT_T1_BASELINE'], capitalUsdc: '300',
      progress: (l) => lines.push(l), log: silentLog });
    expect(lines.at(-1)).toContain('wound down');
    const sent = Object.entries(report.orders.by_status).filter(([s]) => s !== 'pending').reduce((n, [, k]) => n + k, 0);
    expect(sent).toBeGreaterThan(0);
    expect(report.latency_ms.trader_fill_to_submit?.n).toBeGreaterThan(0);
    expect(report.checks.collateral_matches_ledger).toMatchObject({ ok: true });
    expect(report.checks.tokens_match_ledger).toMatchObject({ ok: true });
    expect(report.checks.invariants.detail).toBe('all true');
    expect(report.checks.world_steps.ok).toBe(true);
    expect(report.orders.by_status.pending ?? 0).toBe(0);
  }, 240_000);
});
