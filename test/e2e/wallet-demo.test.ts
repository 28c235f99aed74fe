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

/** What the strategy did instead of sending: its decisions by rule, its orders by status, its wallet's venue state */
async function whyNothingSent(d: DemoTandem): Promise<string> {
  const decisions = await d.tandem.db.query(`SELECT disposition, rule, count(*)::int AS n FROM lt_dispositions
    WHERE strategy_id = $1 GROUP BY 1, 2 ORDER BY 3 DESC`, [BASELINE]);
  const orders = await d.tandem.db.query('SELECT status, count(*)::int AS n FROM orders WHERE lt_strategy_id = $1 GROUP BY 1', [BASELINE]);
  const ft = await d.tandem.db.query(`SELECT count(*)::int AS n FROM ft_orders WHERE wallet_id = 'FT_T1_BASELINE'`);
  const wallets = (await d.api('GET', '/api/wallets')).body;
  return `no order sent: ${JSON.stringify({ decisions, orders, ft_orders: ft, wallets })}`;
}

describe('a linked wallet in the demo world', () => {
  it('trades through its own simulated account', async () => {
    const { tandem, api } = demo;
    const linked = await api('POST', '/api/wallets', { private_key: `0x${randomBytes(32).toString('hex')}`, label: 'demo' });
    expect(linked.status).toBe(201);
    expect((await demo.launchBaseline(linked.body.wallet.address as string)).status).toBe(200);
    let sent: { venue_order_id: string }[] = [];
    // Usually 10-20 s here; a generous bound, as CI runs three lanes on two cores (a 60 s bound failed there once)
    const deadline = Date.now() + 150_000;
    while (sent.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      sent = await tandem.db.query<{ venue_order_id: string }>(
        `SELECT venue_order_id FROM orders WHERE lt_strategy_id = $1 AND venue_order_id IS NOT NULL
         AND status NOT IN ('pending', 'rejected')`, [BASELINE]);
    }
    expect(sent.length, sent.length > 0 ? '' : await whyNothingSent(demo)).toBeGreaterThan(0);
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
  }, 200_000);
});
