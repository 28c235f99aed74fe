// @backend-independent
/**
 * The whole pipeline in the demo: Tandem started with the simulated world and venue; an LT strategy created and
 * launched through the API mirrors its FT wallet's signals with real (simulated-venue) orders, triggered by the
 * FT engine's NOTIFY, and its capital stays conserved
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLog } from '../../src/log.ts';
import { BASELINE, startDemoTandem, type DemoTandem } from '../support/demo-tandem.ts';

let demo: DemoTandem;
/** How long the test waits for the strategy's first venue order */
const ORDER_WAIT_MS = 150_000;
/** Tandem's JSON log lines, parsed as written */
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  demo = await startDemoTandem({ name: 'lt-demo', log: createLog('info', (l) => lines.push(JSON.parse(l) as Record<string, unknown>)) });
});

afterAll(async () => demo?.stop());

describe('live trading in the demo world', () => {
  it('mirrors FT signals with venue orders after launch, with capital conserved', async () => {
    const { tandem, api } = demo;
    expect((await demo.launchBaseline(`0x${'1'.repeat(40)}`)).status).toBe(200);
    // The first order waits for the world's next signal for the baseline wallet (10-15 s alone; over 30 s once in a
    // loaded three-lane run): a bound for a busy machine, not a measure of speed
    let ordered = 0;
    const deadline = Date.now() + ORDER_WAIT_MS;
    while (ordered === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      const [row] = await tandem.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders WHERE lt_strategy_id = $1 AND status <> 'pending'`, [BASELINE]);
      ordered = row!.n;
    }
    const complaints = lines.filter((l) => l.level === 'error' || l.level === 'warn').slice(-5);
    expect(ordered, `no LT order within ${ORDER_WAIT_MS} ms; last warnings and errors: ${JSON.stringify(complaints)}`).toBeGreaterThan(0);
    const [early] = await tandem.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM lt_orders l JOIN ft_orders f ON f.order_id = l.ft_order_id
       JOIN lt_strategies s ON s.strategy_id = l.strategy_id WHERE f.order_time < s.launched_at`);
    expect(early!.n).toBe(0);
    const detail = await api('GET', `/api/lt/strategies/${BASELINE}`);
    expect(detail.body.capital.conserved).toBe(true);
    expect(detail.body.capital.net_deposits).toBe('500.000000');
    // Every order has its execution quality; the venue's fill times come from the same clock as the submit
    const orders: { order_id: string; fill_latency_ms: number | null; order_latency_ms: number | null }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page === 0 || (cursor !== null && page < 100); page += 1) {
      const quality = await api('GET', `/api/lt/strategies/${BASELINE}/quality?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      orders.push(...quality.body.orders);
      cursor = quality.body.next_cursor;
    }
    expect(orders.length).toBeGreaterThan(0);
    for (const o of orders) {
      if (o.fill_latency_ms !== null) expect(o.fill_latency_ms, o.order_id).toBeGreaterThanOrEqual(0);
      if (o.order_latency_ms !== null) expect(o.order_latency_ms, o.order_id).toBeGreaterThanOrEqual(0);
    }
    // Each order's trace_id (the API's) runs through Tandem's log from the signal to the venue's answer (docs/logs.md)
    const listed = (await api('GET', '/api/lt/orders?limit=5')).body.orders as { order_id: string; trace_id: string; status: string }[];
    const sent = listed.filter((o) => o.status !== 'pending');
    expect(sent.length).toBeGreaterThan(0);
    const msgsOf = (o: { trace_id: string }) => lines.filter((l) => l.trace_id === o.trace_id).map((l) => l.msg);
    // A line is written just after its transaction commits: an order read at that moment may not have it yet
    for (let i = 0; i < 100 && !sent.every((o) => msgsOf(o).includes('lt order submitted')); i += 1) await new Promise((r) => setTimeout(r, 50));
    for (const o of sent) {
      expect(msgsOf(o).slice(0, 4), o.order_id).toEqual(['lt signal seen', 'lt signal ordered: intent persisted', 'lt order signed',
        'lt order submitted']);
      expect(lines.filter((l) => l.order === o.order_id).every((l) => l.trace_id === o.trace_id)).toBe(true);
    }
  }, ORDER_WAIT_MS + 60_000);
});
