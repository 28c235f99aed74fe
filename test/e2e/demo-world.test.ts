// @backend-independent
/**
 * The demo: Tandem started in-process with FT_SOURCE=sim on a fresh PGlite DATA_DIR, no network and no keys, must
 * show demo strategies (most of which need trader statistics) opening paper orders within a bounded time
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLog } from '../../src/log.ts';
import { startTandem, type Tandem } from '../../src/main.ts';

const BUDGET_MS = 30_000;

interface WalletRow {
  wallet_id: string;
  orders: number;
}

describe('npm start on a fresh clone: FT strategies trade in the simulated world', () => {
  let dataDir: string;
  let tandem: Tandem | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tandem-demo-'));
    const config = loadConfig({
      DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', SEED_DEMO: 'true', FT_SOURCE: 'sim',
      SIM_SEED: '7', SIM_STEP_MS: '250', FT_SYNC_CRON: '* * * * * *', FT_RESOLVE_CRON: '* * * * * *',
      READ_MODELS_CRON: '0 0 1 1 *', // once a year: a read-models run below is the one at start
    });
    tandem = await startTandem(config, silentLog);
  });

  afterAll(async () => {
    await tandem?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('defaults to the simulated world with second-level cadences', () => {
    const config = loadConfig({});
    expect(config.ftSource).toBe('sim');
    expect([config.simSeed, config.simStepMs]).toEqual([1, 2000]);
    expect(config.ftSyncCron.split(' ')).toHaveLength(6);
    expect(loadConfig({ FT_SOURCE: 'data-api' }).ftSyncCron).toBe('*/1 * * * *');
  });

  it('runs the read-models job once the live orders are recovered, without waiting for its cron', async () => {
    const until = Date.now() + BUDGET_MS;
    let runs: { status: string }[] = [];
    while (Date.now() < until) {
      runs = await tandem!.db.query<{ status: string }>(`SELECT status FROM job_runs WHERE job = 'read-models' AND status <> 'running'`);
      if (runs.length > 0) break;
      await new Promise((done) => setTimeout(done, 200));
    }
    expect(runs[0], 'the read-models run at start').toEqual({ status: 'ok' });
  });

  it(`several strategies hold paper orders within ${BUDGET_MS / 1000} s, and traders have statistics`, async () => {
    const token = readFileSync(tandem!.operatorTokenFile!, 'utf8').trim();
    const until = Date.now() + BUDGET_MS;
    let trading: WalletRow[] = [];
    while (Date.now() < until) {
      const res = await fetch(`${tandem!.url}api/ft/wallets`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      trading = ((await res.json()) as { wallets: WalletRow[] }).wallets.filter((w) => w.orders > 0);
      if (trading.length >= 5) break;
      await new Promise((done) => setTimeout(done, 500));
    }
    // Every demo strategy but the TRADER_FEATHER mirror needs trader statistics (resolved count, edge)
    expect(trading.filter((w) => w.wallet_id !== 'TRADER_FEATHER').length).toBeGreaterThanOrEqual(5);
    const [stats] = await tandem!.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM trader_stats WHERE source = 'computed' AND resolved_count >= 30");
    expect(stats!.n).toBeGreaterThan(5);
    const [trades] = await tandem!.db.query<{ n: number }>("SELECT count(*)::int AS n FROM source_trades WHERE source = 'sim-world'");
    expect(trades!.n).toBeGreaterThan(500);
  }, BUDGET_MS + 15_000);
});
