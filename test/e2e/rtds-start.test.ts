// @backend-independent
/**
 * The composition root with FT_SOURCE=data-api: Tandem started against the loopback simulator's Data API, Gamma and
 * RTDS takes a followed trader's trade from the stream (its poll is set a year apart, so only RTDS can bring it)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { parseFtWallet } from '../../src/domain/ft-wallet.ts';
import { systemClock } from '../../src/engine/clock.ts';
import { silentLog } from '../../src/log.ts';
import { startTandem, type Tandem } from '../../src/main.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import type { SourceRow } from '../../src/sim/server/source-feed.ts';
import { insertWallet } from '../../src/store/wallet-store.ts';
import { copyAll } from '../support/ft-fixtures.ts';
import { eventually } from '../support/polymarket-rig.ts';

const WHALE = '0x' + '8'.repeat(40);
let tandem: Tandem;
let server: SimServer;
let dir: string;

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {}); // the RTDS client logs its own disconnects
  server = await startSimServer({ port: 0, host: '127.0.0.1', seed: 5, clock: systemClock });
  dir = mkdtempSync(join(tmpdir(), 'tandem-rtds-'));
  tandem = await startTandem(loadConfig({
    DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', FT_SOURCE: 'data-api', SEED_DEMO: 'false',
    DATA_API_URL: server.url, GAMMA_URL: server.gammaUrl, RTDS_URL: server.rtdsUrl, FT_SYNC_CRON: '0 0 1 1 *',
  }), silentLog);
}, 240_000);

afterAll(async () => {
  await tandem?.stop();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('tandem start with RTDS', () => {
  it('ingests a followed trader\'s trade from the stream, the followed set refreshed from the strategies', async () => {
    await insertWallet(tandem.db, parseFtWallet(copyAll({ wallet_id: 'FT_E2E_WHALE', target_traders: [WHALE] }), systemClock.now()));
    const yes = server.exchange.markets()[0]!.tokens[0]!.tokenId;
    // The stream re-reads the followed traders every 15 s: publish until one of the trades is taken
    const published: SourceRow[] = [];
    const row = await eventually(async () => {
      published.push(server.publishSourceTrade({ proxyWallet: WHALE, asset: yes, side: 'BUY', size: 25, price: '0.5' }));
      await new Promise((r) => setTimeout(r, 500));
      const [r] = await tandem.db.query<{ source: string; trade_time: Date; detected_at: Date; trade_key: string }>(
        'SELECT source, trade_time, detected_at, trade_key FROM source_trades WHERE trader = $1 LIMIT 1', [WHALE]);
      return r;
    }, 60_000);
    // Taken from the stream, not a poll (the poll runs once a year): recorded as RTDS's, and one of the trades published
    // above, with the time it was published at, detected no earlier
    expect(row.source).toBe('rtds');
    const taken = published.find((p) => row.trade_key.startsWith(`${p.transactionHash}:`));
    expect(taken, `the trade taken (${row.trade_key}) is one published on the stream`).toBeDefined();
    expect(new Date(row.trade_time).getTime()).toBe(taken!.timestamp * 1000);
    expect(new Date(row.detected_at).getTime()).toBeGreaterThanOrEqual(new Date(row.trade_time).getTime());
    const orders = await tandem.db.query('SELECT 1 FROM ft_orders WHERE source_trade_id = $1', [row.trade_key]);
    expect(orders).toHaveLength(1);
  }, 90_000);

  it('streams a trader followed since as soon as a poll has run, not at the stream\'s next refresh', async () => {
    const NEWCOMER = '0x' + '9'.repeat(40);
    await insertWallet(tandem.db, parseFtWallet(copyAll({ wallet_id: 'FT_E2E_NEWCOMER', target_traders: [NEWCOMER] }), systemClock.now()));
    const token = readFileSync(tandem.operatorTokenFile!, 'utf8').trim();
    const sync = await fetch(new URL('/api/ft/sync', tandem.url), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(sync.status).toBe(200);
    const yes = server.exchange.markets()[0]!.tokens[0]!.tokenId;
    server.publishSourceTrade({ proxyWallet: NEWCOMER, asset: yes, side: 'BUY', size: 20, price: '0.5' }); // once
    const row = await eventually(async () => {
      const [r] = await tandem.db.query<{ source: string }>('SELECT source FROM source_trades WHERE trader = $1 LIMIT 1', [NEWCOMER]);
      return r;
    }, 10_000);
    expect(row.source).toBe('rtds');
  }, 60_000);
});
