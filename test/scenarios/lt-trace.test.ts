/**
 * One trace id per signal in the JSON logs (src/engine/lt-trace.ts): on the simulated venue, with the real JSON log
 * writing into an array, one signal's lines run from the signal seen to its last fill (and its settlement) under one id, another signal's
 * under another, and a recovery in a new process (a new log) carries on under the id the signal started with
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { formatMicros, shares } from '../../src/domain/money.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { resolveLt } from '../../src/engine/lt-resolve.ts';
import { recoverLt } from '../../src/engine/lt-recovery.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import type { Venue } from '../../src/engine/venue-port.ts';
import { createLog } from '../../src/log.ts';
import { backendName } from '../support/test-db.ts';
import { ACCOUNT, createLtWorld, type LtWorld } from '../support/lt-world.ts';

type Line = Record<string, unknown> & { msg: string; level: string };

/** The process's JSON log, its lines parsed as written */
function capture(): { lines: Line[]; log: ReturnType<typeof createLog> } {
  const lines: Line[] = [];
  return { lines, log: createLog('info', (l) => lines.push(JSON.parse(l) as Line)) };
}

/** What an operator computes from an order's client_order_id (docs/deploy.md), independently of the code under test */
const sha = (clientOrderId: string): string => createHash('sha256').update(clientOrderId).digest('hex').slice(0, 32);

interface OrderRow { order_id: string; client_order_id: string; venue_order_id: string | null; size: string; limit_price: string;
  source_trade_id: string }

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached');
}

describe(`LT trace ids in the logs (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  const ordersOf = () => w.ft.t.db.query<OrderRow>(`SELECT o.order_id, o.client_order_id, o.venue_order_id, o.size::text AS size,
    o.limit_price::text AS limit_price, l.source_trade_id FROM orders o JOIN lt_orders l ON l.order_id = o.order_id ORDER BY o.intent_at`);

  it('follows one signal from the signal seen to its last fill under one id, and another signal under another', async () => {
    w = await createLtWorld();
    const { lines, log } = capture();
    const deps = { ...w.deps, log };
    await w.buySignal({ price: 0.5 });
    await executeLt(deps);
    w.ft.clock.advance(1_000);
    await w.buySignal({ price: 0.5 });
    await executeLt(deps);
    const [a, b] = await ordersOf();
    expect(a && b).toBeTruthy();
    // Both rest at the same price: the maker's sells meet the older (a) first; a fills in two legs, b not at all
    const first = shares('8');
    const rest = formatMicros(shares(a!.size) - first);
    w.takeFromMaker('SELL', a!.limit_price, formatMicros(first));
    await syncLtOrders(deps);
    w.takeFromMaker('SELL', a!.limit_price, rest);
    await syncLtOrders(deps);
    // The market resolves: the exchange cancels b's resting order, and a's position settles
    await w.marketResolves([1_000000n, 0n]);
    await syncLtOrders(deps);
    await resolveLt(deps);

    const traceA = sha(a!.client_order_id);
    const traceB = sha(b!.client_order_id);
    expect(traceA).toMatch(/^[0-9a-f]{32}$/);
    expect(traceB).not.toBe(traceA);
    const ofA = lines.filter((l) => l.trace_id === traceA);
    const ofB = lines.filter((l) => l.trace_id === traceB);
    expect(ofA.map((l) => l.msg)).toEqual(['lt signal seen', 'lt signal ordered: intent persisted', 'lt order signed',
      'lt order submitted', 'lt order open', 'lt order fill', 'lt order partially_filled', 'lt order fill', 'lt order filled', 'lt position settled']);
    expect(ofB.map((l) => l.msg)).toEqual(['lt signal seen', 'lt signal ordered: intent persisted', 'lt order signed',
      'lt order submitted', 'lt order open', 'lt order cancelled']);
    // The first line names the source trade; from the intent on, every line names the order; after signing, its venue id
    expect(ofA[0]).toMatchObject({ level: 'info', source_trade: a!.source_trade_id, strategy: w.strategyId, leg: 'entry' });
    expect(ofA[1]).toMatchObject({ order: a!.order_id, client_order: a!.client_order_id });
    for (const l of ofA.slice(2, -1)) expect(l).toMatchObject({ order: a!.order_id, venue_order: a!.venue_order_id });
    expect(ofA.at(-1)).toMatchObject({ order: a!.order_id, book: 'live' });
    const fills = ofA.filter((l) => l.msg === 'lt order fill');
    expect(fills.map((l) => [l.shares, l.filled])).toEqual([
      [formatMicros(first), formatMicros(first)], [rest, formatMicros(shares(a!.size))]]);
    expect(new Set(fills.map((l) => l.fill)).size).toBe(2);
    // Lines appear in the log in the order they happened, timestamps never going back
    const times = ofA.map((l) => Date.parse(l.time as string));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // Every LT line carries a trace id, and no line of one signal's order is logged under the other's id
    for (const l of lines.filter((x) => x.msg.startsWith('lt '))) expect([traceA, traceB]).toContain(l.trace_id);
    for (const l of lines.filter((x) => x.order === b!.order_id)) expect(l.trace_id).toBe(traceB);
  });

  it('logs a skipped signal with its reason under its own id', async () => {
    w = await createLtWorld({ settings: { max_signal_age_seconds: 60 } });
    const { lines, log } = capture();
    await w.buySignal({ price: 0.5 });
    w.ft.clock.advance(120_000);
    await executeLt({ ...w.deps, log });
    const [d] = await w.ft.t.db.query<{ ft_order_id: string }>('SELECT ft_order_id FROM lt_dispositions');
    const trace = sha(`${w.userId}:${w.strategyId}:${d!.ft_order_id}:entry`);
    expect(lines.filter((l) => l.trace_id === trace).map((l) => [l.msg, l.rule])).toEqual([
      ['lt signal seen', undefined], ['lt signal expired', 'max_signal_age']]);
  });

  it('a recovery in a new process logs the signal under the id it started with, up to its last fill', async () => {
    w = await createLtWorld();
    const before = capture();
    await w.buySignal({ price: 0.5 });
    // The first process sends the order and dies before storing the venue's answer
    const crashing: Venue = {
      ...w.venue, orderBook: (t) => w.venue.orderBook(t), marketInfo: (t) => w.venue.marketInfo(t),
      prepare: (r) => w.venue.prepare(r), submit: async (p) => { await w.venue.submit(p); return never(); },
    };
    void executeLt({ ...w.deps, venue: crashing, log: before.log });
    await until(async () => w.exchange.openOrders(ACCOUNT).length === 1);
    const after = capture();
    await recoverLt({ ...w.deps, log: after.log });
    const [a] = await ordersOf();
    w.takeFromMaker('SELL', a!.limit_price, a!.size);
    await syncLtOrders({ ...w.deps, log: after.log });

    const trace = sha(a!.client_order_id);
    expect(before.lines.map((l) => [l.msg, l.trace_id])).toEqual([
      ['lt signal seen', trace], ['lt signal ordered: intent persisted', trace], ['lt order signed', trace]]);
    const recovered = after.lines.filter((l) => l.msg.startsWith('lt '));
    expect(recovered.map((l) => [l.msg, l.trace_id])).toEqual([
      ['lt order unknown', trace], ['lt order open', trace], ['lt order fill', trace], ['lt order filled', trace]]);
    expect(recovered[0]).toMatchObject({ level: 'warn', from: 'pending', why: 'recovered after a restart' });
  });
});
