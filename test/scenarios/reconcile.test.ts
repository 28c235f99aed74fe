/**
 * `tandem reconcile` (issue 14, item 4) over the simulated venue: the operator's account and a linked wallet's trade,
 * the tracker books the fills, and everything reconciles (exit 0); then the venue shows shares the ledger never booked
 * and less cash than the ledger counts, and the report names the wallet, the strategy and the amounts exactly (exit 1);
 * a venue that cannot be read is exit 2. The CLI itself: a bad option and VENUE=simulated are exit 2
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shares, usdc } from '../../src/domain/money.ts';
import { runReconcile } from '../../src/cli/reconcile-command.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import type { ReconcileReport } from '../../src/engine/reconcile.ts';
import { silentLog } from '../../src/log.ts';
import { COLLATERAL } from '../../src/sim/exchange/exchange.ts';
import { compiledCli } from '../support/compiled.ts';
import { backendName } from '../support/test-db.ts';
import { accountOf, linkedTrader, walletDeps } from '../support/linked-wallets.ts';
import { ACCOUNT, createLtWorld, YES, type LtWorld } from '../support/lt-world.ts';

describe(`tandem reconcile (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it('reconciles after trading (0), then names the wallet, strategy and amounts of each difference (1)', async () => {
    w = await createLtWorld();
    const alice = await linkedTrader(w, 'alice');
    const { deps, registry } = walletDeps(w);
    await w.buySignal({ price: 0.5 });
    expect(await executeLt(deps)).toMatchObject({ ordered: 2, errors: [] });
    w.takeFromMaker('SELL', '0.50', '40');
    expect(await syncLtOrders(deps)).toMatchObject({ errors: [] });
    const rdeps = { db: w.ft.t.db, log: silentLog, wallets: () => registry.all() };

    const good = await runReconcile(rdeps, true);
    const report = JSON.parse(good.out) as ReconcileReport;
    expect(report.outcome, good.out).toBe('ok');
    expect(good.code).toBe(0);
    expect(report.wallets.map((x) => x.wallet)).toEqual(['operator', alice.address]);
    for (const wallet of report.wallets) {
      expect(wallet.tokens).toEqual([expect.objectContaining({ token_id: YES, ledger_shares: '20.000000', venue_shares: '20.000000',
        diff_shares: '0.000000', status: 'ok' })]);
      expect(wallet.collateral?.ok).toBe(true);
    }
    expect(report.wallets[1]!.collateral).toEqual({ ledger_available_usdc: '990.000000', venue_available_usdc: '990.000000',
      diff_usdc: '0.000000', ok: true });
    expect(report.strategies.map((s) => [s.strategy_id, s.wallet, s.tokens[YES], s.ok])).toEqual(expect.arrayContaining([
      [w.strategyId, 'operator', '20.000000', true], [alice.strategyId, alice.address, '20.000000', true]]));
    expect((await runReconcile(rdeps, false)).out).toMatch(/reconciled: every wallet agrees with the ledger/);

    // Alice's account holds 7 shares no booked fill explains; the operator's has less cash than its strategy counts
    w.exchange.credit(accountOf(alice.address), YES, shares('7'));
    const operatorCash = w.exchange.balance(ACCOUNT, COLLATERAL).available;
    w.exchange.credit(ACCOUNT, COLLATERAL, usdc('500.25') - operatorCash);
    const bad = await runReconcile(rdeps, true);
    expect(bad.code).toBe(1);
    const diff = JSON.parse(bad.out) as ReconcileReport;
    expect(diff.outcome).toBe('differs');
    const [operator, mine] = diff.wallets;
    expect(operator!.collateral).toEqual({ ledger_available_usdc: '990.000000', venue_available_usdc: '500.250000',
      diff_usdc: '-489.750000', ok: false });
    expect(mine!.tokens).toEqual([{ token_id: YES, ledger_shares: '20.000000', offered_shares: '0.000000',
      venue_shares: '27.000000', diff_shares: '7.000000', status: 'surplus', strategies: [`${alice.userId}/${alice.strategyId}`] }]);
    expect(mine!.collateral?.ok).toBe(true);
    expect(diff.strategies.filter((s) => !s.ok).map((s) => s.strategy_id).sort()).toEqual([w.strategyId, alice.strategyId].sort());
    const table = (await runReconcile(rdeps, false)).out;
    expect(table).toMatch(new RegExp(`${alice.address}\\s+shares ${YES}\\s+20\\.000000\\s+27\\.000000\\s+7\\.000000\\s+SURPLUS\\s+${alice.userId}/${alice.strategyId}`));
    expect(table).toMatch(/operator\s+usdc available\s+990\.000000\s+500\.250000\s+-489\.750000\s+SHORT/);
    expect(table).toMatch(/DIFFERENCE/);
    await registry.close();
  });

  it('a venue that cannot be read is exit 2, naming the wallet and the reason', async () => {
    w = await createLtWorld();
    const down = { ...w.venue, availableCollateral: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')) };
    const r = await runReconcile({ db: w.ft.t.db, log: silentLog, wallets: async () => [{ wallet: null, venue: down }] }, false);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/operator\s+venue\s+-\s+-\s+-\s+FAILED\s+connect ECONNREFUSED 127\.0\.0\.1:9/);
  });
});

describe('tandem reconcile, the command', () => {
  const cli = (args: string[], env: Record<string, string>) => new Promise<{ code: number | null; err: string }>((done) => {
    const child = spawn(process.execPath, [...compiledCli(), 'reconcile', ...args], {
      cwd: resolve(import.meta.dirname, '../..'), env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (code) => (clearTimeout(timer), done({ code, err })));
  });

  it('exits 2 on a bad option, a bad configuration, and VENUE=simulated (its venue lives in `tandem start`)', async () => {
    const bogus = await cli(['--bogus'], { VENUE: 'simulated' });
    expect(bogus).toMatchObject({ code: 2 });
    expect(bogus.err).toMatch(/bogus/);
    expect((await cli([], { VENUE: 'nowhere' })).code).toBe(2);
    const sim = await cli(['--json'], { VENUE: 'simulated', DATABASE_URL: '' });
    expect(sim.code).toBe(2);
    expect(sim.err).toMatch(/VENUE=simulated/);
    const noDb = await cli([], { VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: `0x${'11'.repeat(32)}`,
      DATABASE_URL: 'postgres://tandem@127.0.0.1:9/none' });
    expect(noDb.code).toBe(2);
    expect(noDb.err).toMatch(/database unreachable/);
  }, 240_000);
});
