/** The `tandem rehearse` command: a live-mode dress rehearsal against the loopback simulator, with a JSON report */
import { writeFileSync } from 'node:fs';
import { DEFAULT_STRATEGIES, DEFAULT_WALLETS, MAX_WALLETS } from '../rehearse/defaults.ts';
import type { RehearseOptions } from '../rehearse/rehearse.ts';
import type { RehearsalReport } from '../rehearse/report.ts';
import type { Command, Values } from './command.ts';

const whole = (name: string, text: string, min: number, max: number): number => {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return Number(text);
};

/** The command's flags as rehearsal options; throws with a readable message on a bad value */
export function rehearseOptions(values: Values): Omit<RehearseOptions, 'progress' | 'log'> & { out: string | null } {
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const capital = str('capital') ?? '200';
  if (!/^\d{1,9}(\.\d{1,6})?$/.test(capital) || Number(capital) <= 0) throw new Error(`--capital must be a positive USDC amount, got "${capital}"`);
  const strategies = (str('strategies') ?? DEFAULT_STRATEGIES.join(',')).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (strategies.length === 0) throw new Error('--strategies needs at least one FT strategy id');
  return {
    minutes: whole('minutes', str('minutes') ?? '5', 1, 24 * 60), seed: whole('seed', str('seed') ?? '1', 0, 2 ** 32 - 1),
    strategies, capitalUsdc: capital, wallets: whole('wallets', str('wallets') ?? String(DEFAULT_WALLETS), 1, MAX_WALLETS),
    out: str('out') ?? null,
  };
}

const HELP = `Runs Tandem in live mode (VENUE=polymarket: RTDS + Data API + Gamma + CLOB REST + user channel + Polygon
JSON-RPC for redemptions) against the loopback simulator over the wire, with a simulated world whose markets list,
trade and resolve within the run, for one or more users' wallets. Wallet 1 is the process's own
(POLYMARKET_PRIVATE_KEY), traded by the operator; each further wallet belongs to a user of its own, who links a fresh
private-key wallet through the API (POST /api/wallets, stored encrypted with TANDEM_SECRET_KEY) and launches its
strategies on it with its own token. The simulator funds each wallet on its first API key. At the end each user pauses
its strategies and cancels what rests, the jobs book what is left, and a JSON report is written: detection and
trader-fill → submit latency (p50/p95/p99, over every wallet), orders by status, fills, redemptions, and per wallet its
orders, redemptions, exactly-once placements, and collateral and token balances against the ledger (to the cent);
then every invariant. The checks pass only when every wallet reconciles.
Exit code 0 when every check passes, 1 when one fails, 2 on a bad option. Progress goes to stderr.

Options:
  --minutes N          How long to trade (default 5)
  --out FILE           Write the JSON report here (default: stdout)
  --seed N             The world's seed (default 1)
  --strategies A,B     FT strategies to mirror, one LT strategy each (default ${DEFAULT_STRATEGIES.join(',')})
  --capital USDC       Starting capital of each LT strategy (default 200)
  --wallets N          Wallets to trade, 1 to ${MAX_WALLETS}, each with one LT strategy per FT strategy (default ${DEFAULT_WALLETS}):
                       the process's own, then one per user linked through the API`;

export const rehearseCommand: Command = {
  summary: 'Dress-rehearse live trading for one or more wallets against the loopback simulator and report (latency, fills, redemptions, per-wallet reconciliation)',
  usage: '[--minutes N] [--out FILE] [--seed N] [--strategies A,B] [--capital USDC] [--wallets N]',
  help: HELP,
  options: { minutes: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, strategies: { type: 'string' }, capital: { type: 'string' },
    wallets: { type: 'string' } },
  run: async ({ values, log }) => {
    let options: ReturnType<typeof rehearseOptions>;
    try {
      options = rehearseOptions(values);
    } catch (error) {
      console.error(`tandem rehearse: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
    // stdout carries only the report: a library's console lines during the run (the RTDS client's) go to stderr
    const print = console.log;
    console.log = (...args: unknown[]) => console.error(...args);
    let report: RehearsalReport;
    try {
      const { rehearse } = await import('../rehearse/rehearse.ts');
      report = await rehearse({ ...options, log, progress: (line) => console.error(`rehearse: ${line}`) });
    } finally {
      console.log = print;
    }
    const json = JSON.stringify(report, null, 2);
    if (options.out) writeFileSync(options.out, `${json}\n`);
    else console.log(json);
    for (const [name, c] of Object.entries(report.checks)) console.error(`${c.ok ? 'ok  ' : 'FAIL'} ${name}: ${c.detail}`);
    return report.ok ? 0 : 1;
  },
};
