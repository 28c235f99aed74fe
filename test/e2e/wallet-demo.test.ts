// @backend-independent
/**
 * Per-user wallets in the running demo (VENUE=simulated): a user links a wallet through the API, and an LT strategy
 * launched on it trades through that wallet's own account on the world's exchange, not the operator's
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASELINE, startDemoTandem, type DemoTandem } from '../support/demo-tandem.ts';

let demo: DemoTandem;

beforeAll(async () => {
  demo = await startDemoTandem({ name: 'wallet-demo', env: { TANDEM_SECRET_KEY: randomBytes(32).toString('hex') } });
});

afterAll(async () => demo?.stop());

describe('a linked wallet in the demo world', () => {
  it('trades through its own simulated account', async () => {
    const { tandem, api } = demo;
    const linked = await api('POST', '/api/wallets', { private_key: `0x${randomBytes(32).toString('hex')}`, label: 'demo' });
    expect(linked.status).toBe(201);
    expect((await demo.launchBaseline(linked.body.wallet.address as string)).status).toBe(200);
    let sent: { venue_order_id: string }[] = [];
    for (let i = 0; i < 120 && sent.length === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 500));
      sent = await tandem.db.query<{ venue_order_id: string }>(
        `SELECT venue_order_id FROM orders WHERE lt_strategy_id = $1 AND venue_order_id IS NOT NULL
         AND status NOT IN ('pending', 'rejected')`, [BASELINE]);
    }
    expect(sent.length).toBeGreaterThan(0);
    // The operator's account (tandem.venue) knows none of them: they are on the wallet's account
    for (const o of sent) expect((await tandem.venue.orderStatus(o.venue_order_id)).kind).toBe('not_found');
    const operatorFills = (await tandem.venue.fillsSince(null)).fills.map((f) => f.venueOrderId);
    for (const o of sent) expect(operatorFills).not.toContain(o.venue_order_id);
    // its own preflight gate let it trade, and says so to its owner
    const listed = await api('GET', '/api/wallets');
    expect(listed.body.wallets).toEqual([expect.objectContaining({ address: linked.body.wallet.address,
      venue: { state: 'ready', reasons: [], checked_at: expect.any(String) } })]);
    const detail = await api('GET', `/api/lt/strategies/${BASELINE}`);
    expect(detail.body.capital.conserved).toBe(true);
  }, 120_000);
});
