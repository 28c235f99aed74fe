/**
 * Per-user wallets in the running demo (VENUE=simulated): a user links a wallet through the API, and an LT strategy
 * launched on it trades through that wallet's own account on the world's exchange, not the operator's
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLog } from '../../src/log.ts';
import { startTandem, type Tandem } from '../../src/main.ts';

let tandem: Tandem;
let dir: string;
let token: string;

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(new URL(path, tandem.url), {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-wallet-demo-'));
  tandem = await startTandem(loadConfig({
    DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', FT_SOURCE: 'sim', SIM_STEP_MS: '500',
    LT_EXECUTE_CRON: '*/2 * * * * *', TANDEM_SECRET_KEY: randomBytes(32).toString('hex'),
  }), silentLog);
  token = readFileSync(tandem.operatorTokenFile!, 'utf8').trim();
}, 120_000);

afterAll(async () => {
  await tandem?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a linked wallet in the demo world', () => {
  it('trades through its own simulated account', async () => {
    const linked = await api('POST', '/api/wallets', { private_key: `0x${randomBytes(32).toString('hex')}`, label: 'demo' });
    expect(linked.status).toBe(201);
    const address = linked.body.wallet.address as string;
    expect((await api('POST', '/api/lt/strategies', { ft_wallet_id: 'FT_T1_BASELINE', starting_capital: '500',
      wallet_address: address, max_signal_age_seconds: 600 })).status).toBe(201);
    expect((await api('POST', '/api/lt/strategies/LT_FT_T1_BASELINE/launch')).status).toBe(200);
    let sent: { venue_order_id: string }[] = [];
    for (let i = 0; i < 120 && sent.length === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 500));
      sent = await tandem.db.query<{ venue_order_id: string }>(
        `SELECT venue_order_id FROM orders WHERE lt_strategy_id = 'LT_FT_T1_BASELINE' AND venue_order_id IS NOT NULL
         AND status NOT IN ('pending', 'rejected')`);
    }
    expect(sent.length).toBeGreaterThan(0);
    // The operator's account (tandem.venue) knows none of them: they are on the wallet's account
    for (const o of sent) expect((await tandem.venue.orderStatus(o.venue_order_id)).kind).toBe('not_found');
    const operatorFills = (await tandem.venue.fillsSince(null)).fills.map((f) => f.venueOrderId);
    for (const o of sent) expect(operatorFills).not.toContain(o.venue_order_id);
    // its own preflight gate let it trade, and says so to its owner
    const listed = await api('GET', '/api/wallets');
    expect(listed.body.wallets).toEqual([expect.objectContaining({ address, venue: { state: 'ready', reasons: [], checked_at: expect.any(String) } })]);
    const detail = await api('GET', '/api/lt/strategies/LT_FT_T1_BASELINE');
    expect(detail.body.capital.conserved).toBe(true);
  }, 120_000);
});
