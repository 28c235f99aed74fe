/**
 * `tandem reconcile [--json]`: each wallet's venue account against the ledger (src/engine/reconcile.ts), per wallet and
 * per strategy, as a table or JSON. Exit code 0 all reconcile, 1 a difference found, 2 could not run
 */
import type { Config } from '../config.ts';
import type { Log } from '../engine/ports.ts';
import type { ReconcileDeps, ReconcileReport } from '../engine/reconcile.ts';
import type { Db } from '../store/db.ts';
import type { Command } from './command.ts';

export const RECONCILE_EXIT = { ok: 0, differs: 1, failed: 2 } as const;

const cols = (cells: readonly string[], widths: readonly number[]): string =>
  cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();

/** The report as the tables an operator reads: one line per wallet check, then one per strategy */
export function reconcileTable(r: ReconcileReport): string {
  const head = ['WALLET', 'CHECK', 'LEDGER', 'VENUE', 'DIFF', 'STATUS', 'STRATEGIES'];
  const lines: string[][] = [];
  for (const w of r.wallets) {
    if (w.error !== null) lines.push([w.wallet, 'venue', '-', '-', '-', 'FAILED', w.error]);
    if (w.collateral) {
      const c = w.collateral;
      lines.push([w.wallet, 'usdc available', c.ledger_available_usdc, c.venue_available_usdc, c.diff_usdc, c.ok ? 'ok' : 'SHORT', '']);
    }
    for (const t of w.tokens) {
      lines.push([w.wallet, `shares ${t.token_id}`, t.ledger_shares, t.venue_shares, t.diff_shares,
        t.status === 'ok' ? 'ok' : t.status.toUpperCase(), t.strategies.join(',')]);
    }
    if (w.unexplained_open_orders.length > 0) {
      lines.push([w.wallet, 'open orders', '0', String(w.unexplained_open_orders.length), '-', 'UNEXPLAINED', w.unexplained_open_orders.join(',')]);
    }
  }
  const strategyHead = ['STRATEGY', 'WALLET', 'AVAILABLE', 'RESERVED', 'STATUS', 'SHARES'];
  const strategyLines = r.strategies.map((s) => [`${s.user_id}/${s.strategy_id}`, s.wallet, s.available_usdc, s.reserved_usdc,
    s.ok ? 'ok' : 'DIFFERS', Object.entries(s.tokens).map(([t, n]) => `${t}=${n}`).join(',')]);
  const table = (h: string[], rows: string[][]) => {
    const widths = h.map((_, i) => Math.max(h[i]!.length, ...rows.map((l) => l[i]!.length)));
    return [h, ...rows].map((l) => cols(l, widths)).join('\n');
  };
  const verdict = { ok: 'reconciled: every wallet agrees with the ledger',
    differs: 'DIFFERENCE: the venue and the ledger disagree (rows not ok above)',
    failed: 'FAILED: a venue could not be read; those wallets are not reconciled' }[r.outcome];
  return [table(head, lines), '', table(strategyHead, strategyLines), '',
    `${verdict} (tolerance ${r.tolerance.usdc} USDC, ${r.tolerance.shares} shares)`].join('\n');
}

/** Reconciles with the given wallets and renders; the exit code follows the outcome */
export async function runReconcile(deps: ReconcileDeps, json: boolean): Promise<{ code: number; out: string }> {
  const { reconcile } = await import('../engine/reconcile.ts');
  const report = await reconcile(deps);
  return { code: RECONCILE_EXIT[report.outcome], out: json ? JSON.stringify(report, null, 2) : reconcileTable(report) };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The configured database and venues (a real CLOB venue per wallet), reconciled; every failure to reach them is exit 2 */
export async function reconcileConfigured(config: Readonly<Config>, log: Log, json: boolean): Promise<{ code: number; out: string }> {
  if (config.venue.kind === 'simulated') {
    return { code: 2, out: 'tandem reconcile: VENUE=simulated: the simulated venue lives inside the running `tandem start` process '
      + 'and no other process can read it; run reconcile with VENUE=polymarket (POLYMARKET_CLOB_URL may name a loopback simulator)' };
  }
  const [{ openDb }, { migrate }, { venueFor, walletVenuesFor }, { createSecretBox }, { systemClock }] = await Promise.all([
    import('../store/db.ts'), import('../store/migrate.ts'), import('../main.ts'), import('../store/secret-box.ts'),
    import('../engine/clock.ts')]);
  let db: Db;
  try {
    db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, ca: config.databaseCa });
  } catch (e) {
    return { code: 2, out: `tandem reconcile: database unreachable: ${message(e)}` };
  }
  try {
    await migrate(db);
    const venue = await venueFor(config, systemClock, log, null).catch((e: unknown) => new Error(message(e)));
    if (venue instanceof Error) return { code: 2, out: `tandem reconcile: venue unavailable: ${venue.message}` };
    const secrets = config.secretKey ? createSecretBox(config.secretKey) : null;
    const venues = walletVenuesFor(config, { db, secrets, operator: venue, clock: systemClock, log, exchange: null });
    try {
      return await runReconcile({ db, log, wallets: () => venues.all() }, json);
    } finally {
      await venues.close();
      await venue.close();
    }
  } catch (e) {
    return { code: 2, out: `tandem reconcile: could not run: ${message(e)}` };
  } finally {
    await db.close().catch(() => undefined);
  }
}

export const reconcileCommand: Command = {
  summary: 'Reconcile each wallet\'s venue account with the ledger, per wallet and strategy (exit 0 ok, 1 differs, 2 could not run)',
  usage: '[--json]',
  help: 'Reads the database (DATABASE_URL, else DATA_DIR) and the venue (VENUE=polymarket: POLYMARKET_CLOB_URL with the\n'
    + 'process\'s key, and each linked wallet with its own key) and compares, per wallet: the USDC the live strategies count\n'
    + 'available against the venue\'s spendable collateral (short is a difference; the wallet may hold more), and per\n'
    + 'outcome token the shares their ledgers hold against the venue\'s balance, both ways (short, or surplus: a fill the\n'
    + 'ledger has not booked); and venue open orders no order row explains. Tolerance $0.01 and 0.01 share. Reads only.\n'
    + 'Amounts are exact micro-unit decimals (6 places). With VENUE=simulated the venue lives in the running `tandem start`\n'
    + 'and cannot be read from here (exit 2).\n\n'
    + 'Options:\n  --json   Print the report as JSON (outcome, wallets[], strategies[]) instead of tables\n\n'
    + 'Exit code: 0 every wallet reconciles, 1 a difference was found, 2 could not run (bad arguments, database or venue\n'
    + 'unreachable).',
  options: { json: { type: 'boolean' } },
  failureExit: 2,
  run: async ({ config, log, values, positionals }) => {
    if (positionals.length > 0) {
      console.error(`usage: tandem reconcile ${reconcileCommand.usage}`);
      return 2;
    }
    const r = await reconcileConfigured(config, log, values.json === true);
    (r.code === 2 ? console.error : console.log)(r.out);
    return r.code;
  },
};
