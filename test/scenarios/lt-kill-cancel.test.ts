/**
 * Operator safety (issue 10, item 7): the kill switch and `stop` cancel resting orders at the venue, then
 * re-read fills, then release, each cancel journaled; the CLI's lt-cancel; a pause still lets exits and cancels through
 */
import { afterEach, describe, expect, it } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import { createLtStrategy, launchLtStrategy, pauseLtStrategy } from '../../src/engine/lt-strategies.ts';
import { cancelStrategyOrders, engageKillSwitchAndCancel, stopAndCancel } from '../../src/engine/lt-operator.ts';
import { ltCancel } from '../../src/cli/lt-cancel-command.ts';
import { copyAll } from '../support/ft-world.ts';
import { backendName } from '../support/test-db.ts';
import { createLtWorld, SIGNER, type LtWorld } from '../support/lt-world.ts';

type Row = Record<string, unknown>;

/** The venue's status of each of our orders, by order id */
async function venueStatuses(w: LtWorld): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const o of await w.orders()) {
    const read = await w.venue.orderStatus(o.venue_order_id as string);
    out[o.order_id as string] = read.kind === 'found' ? read.order.status : read.kind;
  }
  return out;
}

const auditRows = (w: LtWorld) => w.ft.t.db.query<{ command: string; strategy_id: string | null; detail: Row }>(
  `SELECT command, strategy_id, detail FROM lt_audit WHERE user_id = $1 ORDER BY audit_id`, [w.userId]);

/** Two resting BUYs of the world's strategy: $10 at 0.50 and $9.999 at 0.45 */
async function twoResting(w: LtWorld): Promise<void> {
  await w.buySignal({ price: 0.5 });
  w.ft.clock.advance(1000);
  await w.buySignal({ price: 0.45 });
  expect(await w.execute()).toMatchObject({ ordered: 2 });
  expect(await w.checkLedger()).toMatchObject({ reserved: usdc('19.999') });
}

describe(`LT operator safety (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it('the kill switch is engaged and audited first, then every resting order is cancelled at the venue, released, and the outcome audited', async () => {
    w = await createLtWorld();
    await twoResting(w);
    const filled = (await w.orders()).find((o) => o.limit_price === '0.500000')!;
    w.probe.beforeCancel = () => {
      w.probe.beforeCancel = null; // the 0.50 order fills in full before its cancel arrives: nothing left to cancel
      w.takeFromMaker('SELL', '0.50', '20');
    };
    const r = await engageKillSwitchAndCancel(w.deps, w.userId, 'drill');
    expect(r.killSwitch.engaged).toBe(true);
    const other = (await w.orders()).find((o) => o.order_id !== filled.order_id)!;
    expect(r.cancel.cancelled).toEqual([other.order_id]);
    expect(r.cancel.notCancelled).toEqual([{ orderId: filled.order_id, reason: expect.any(String) }]);
    expect(await venueStatuses(w)).toEqual({ [filled.order_id as string]: 'matched', [other.order_id as string]: 'cancelled' });
    await w.sync(); // the tracker books the fill the cancel missed
    expect((await w.orders()).map((o) => [o.order_id, o.status])).toEqual(expect.arrayContaining([
      [filled.order_id, 'filled'], [other.order_id, 'cancelled']]));
    expect(await w.checkLedger()).toMatchObject({ reserved: 0n, positionCost: usdc('10'), available: usdc('990') });
    const audit = await auditRows(w);
    expect(audit.slice(-2).map((a) => [a.command, a.strategy_id, a.detail.cause ?? a.detail.reason])).toEqual([
      ['kill_switch_engage', null, 'drill'], ['cancel_open_orders', null, 'kill_switch']]);
    expect(audit.at(-1)!.detail).toMatchObject({ cancelled: [other.order_id],
      not_cancelled: [{ orderId: filled.order_id, reason: expect.any(String) }] });
  });

  it('stop cancels the stopped strategy\'s resting orders only; another strategy of the same user keeps its order', async () => {
    w = await createLtWorld();
    await w.ft.addWallet(copyAll({ wallet_id: 'FT_TWO' }));
    const db = w.ft.t.db;
    const two = await createLtStrategy({ db, clock: w.ft.clock }, w.userId, { ft_wallet_id: 'FT_TWO', starting_capital: '1000', wallet_address: SIGNER });
    if (!two.ok) throw new Error(JSON.stringify(two.error));
    expect((await launchLtStrategy({ db, clock: w.ft.clock }, w.userId, two.value.strategyId)).ok).toBe(true);
    await w.buySignal({ price: 0.5 });
    expect(await w.execute()).toMatchObject({ ordered: 2 });
    const r = await stopAndCancel(w.deps, w.userId, w.strategyId);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.strategy.isActive).toBe(false);
    const byStrategy = await db.query<{ lt_strategy_id: string; status: string }>(
      'SELECT lt_strategy_id, status FROM orders WHERE NOT is_shadow ORDER BY lt_strategy_id');
    expect(byStrategy.map((o) => [o.lt_strategy_id, o.status])).toEqual([[w.strategyId, 'cancelled'], [two.value.strategyId, 'open']]);
    expect(r.value.cancel.cancelled).toHaveLength(1);
    expect(await w.checkLedger()).toMatchObject({ reserved: 0n, available: usdc('1000') });
    const audit = (await auditRows(w)).filter((a) => a.strategy_id === w.strategyId).slice(-2);
    expect(audit.map((a) => [a.command, a.detail.cause ?? null])).toEqual([['stop', null], ['cancel_open_orders', 'stop']]);
    expect((await stopAndCancel(w.deps, w.userId, w.strategyId)).ok).toBe(false); // not active: refused, nothing cancelled
  });

  it('a paused strategy still sends its exit and its resting order can still be cancelled', async () => {
    w = await createLtWorld();
    w.asks([['0.50', '20']]);
    await w.buySignal({ price: 0.5 }); // filled: 20 shares
    w.ft.clock.advance(1000);
    await w.buySignal({ price: 0.45 }); // rests
    expect(await w.execute()).toMatchObject({ ordered: 2 });
    expect((await pauseLtStrategy({ db: w.ft.t.db, clock: w.ft.clock }, w.userId, w.strategyId, 'drill')).ok).toBe(true);
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.55 }); // the trader exits: FT closes both copies
    const submits = w.probe.submits;
    w.bids([['0.55', '100']]);
    expect(await w.execute()).toMatchObject({ ordered: 1 }); // the exit of the filled BUY
    expect(w.probe.submits).toBe(submits + 1);
    expect((await w.orders()).filter((o) => o.side === 'SELL').map((o) => o.status)).toEqual(['filled']);
    const r = await cancelStrategyOrders(w.deps, w.userId, w.strategyId);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.cancelled).toHaveLength(1);
    const resting = (await w.orders()).filter((o) => o.side === 'BUY' && o.limit_price === '0.450000');
    expect(resting.map((o) => o.status)).toEqual(['cancelled']);
    expect(await w.checkLedger()).toMatchObject({ reserved: 0n, positionCost: usdc('5.005'), realizedPnl: usdc('0.4995') }); // the exit sold part
  });

  it('tandem lt-cancel: by user name (all, or one strategy); an unknown user or another user\'s strategy exits 2', async () => {
    w = await createLtWorld();
    await twoResting(w);
    const [u] = await w.ft.t.db.query<{ name: string }>('SELECT name FROM users WHERE user_id = $1', [w.userId]);
    expect(await ltCancel(w.deps, { user: 'nobody' })).toMatchObject({ code: 2 });
    expect(await ltCancel(w.deps, { user: u!.name, strategy: 'LT_NOT_MINE' })).toMatchObject({ code: 2 });
    expect((await w.orders()).map((o) => o.status)).toEqual(['open', 'open']);
    const r = await ltCancel(w.deps, { user: u!.name, strategy: w.strategyId });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ cancelled: expect.any(Array), not_cancelled: [], errors: [] });
    expect(JSON.parse(r.out).cancelled).toHaveLength(2);
    expect((await w.orders()).map((o) => o.status)).toEqual(['cancelled', 'cancelled']);
    expect(await w.checkLedger()).toMatchObject({ reserved: 0n, available: usdc('1000') });
    const audit = (await auditRows(w)).at(-1)!;
    expect([audit.command, audit.strategy_id, audit.detail.cause]).toEqual(['cancel_open_orders', w.strategyId, 'operator']);
  });
});
