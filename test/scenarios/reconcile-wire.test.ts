// @backend-independent
/**
 * `tandem reconcile` as configured for live trading: VENUE=polymarket, the real CLOB client, against the loopback
 * simulator over the wire, on a PGlite DATA_DIR. An empty ledger against a funded wallet reconciles (0); an order
 * resting at the venue that no order row explains is a difference (1), named with its venue order id
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileConfigured } from '../../src/cli/reconcile-command.ts';
import { loadConfig } from '../../src/config.ts';
import { price, shares } from '../../src/domain/money.ts';
import type { ReconcileReport } from '../../src/engine/reconcile.ts';
import { silentLog } from '../../src/log.ts';
import { startRig, type Rig } from '../support/polymarket-rig.ts';

let rig: Rig;
let dir: string;
beforeAll(async () => {
  rig = await startRig({ fund: '1000' });
  dir = mkdtempSync(join(tmpdir(), 'tandem-reconcile-wire-'));
}, 120_000);
afterAll(async () => {
  await rig?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tandem reconcile against the CLOB client over the wire (PGlite)', () => {
  it('an empty ledger reconciles with the funded wallet (0); an order nobody placed through Tandem differs (1)', async () => {
    const config = loadConfig({ VENUE: 'polymarket', POLYMARKET_CLOB_URL: rig.server.url, POLYMARKET_WS_URL: rig.server.wsUrl,
      POLYMARKET_PRIVATE_KEY: rig.privateKey, DATABASE_URL: '', DATA_DIR: join(dir, 'data') });
    const first = await reconcileConfigured(config, silentLog, true);
    expect(first.code, first.out).toBe(0);
    const ok = JSON.parse(first.out) as ReconcileReport;
    expect(ok.wallets).toEqual([expect.objectContaining({ wallet: 'operator', ok: true, tokens: [], unexplained_open_orders: [],
      collateral: { ledger_available_usdc: '0.000000', venue_available_usdc: '1000.000000', diff_usdc: '1000.000000', ok: true } })]);

    const order = await rig.venue.prepare({ clientOrderId: 'outside-tandem', tokenId: rig.tokenId, side: 'BUY', price: price('0.5'),
      size: shares('5'), orderType: 'GTC' });
    expect(await rig.venue.submit(order)).toMatchObject({ kind: 'accepted' });
    const second = await reconcileConfigured(config, silentLog, true);
    expect(second.code, second.out).toBe(1);
    const differs = JSON.parse(second.out) as ReconcileReport;
    expect(differs.outcome).toBe('differs');
    expect(differs.wallets[0]).toMatchObject({ wallet: 'operator', ok: false, unexplained_open_orders: [order.venueOrderId],
      collateral: { venue_available_usdc: '997.500000', ok: true } });
  }, 180_000);
});
