/**
 * The rehearsal report's per-wallet figures (src/store/rehearse-store.ts): orders, fills, markets held and the venue
 * order ids sent, each scoped to the strategies trading through one wallet, adding up to the whole
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { createLtStrategy, launchLtStrategy } from '../../src/engine/lt-strategies.ts';
import { LOST_AFTER, LOST_SPACING_MS, syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { linkWallet } from '../../src/engine/user-wallets.ts';
import { silentLog } from '../../src/log.ts';
import { COLLATERAL } from '../../src/sim/exchange/exchange.ts';
import { createSimulatedVenue } from '../../src/sim/exchange/simulated-venue.ts';
import { heldMarkets, orderTotals, sentVenueOrderIds } from '../../src/store/rehearse-store.ts';
import { ltInvariants } from '../../src/store/report-store.ts';
import { createSecretBox } from '../../src/store/secret-box.ts';
import { createUser } from '../../src/store/user-store.ts';
import { createVenueRegistry } from '../../src/venues/venue-registry.ts';
import { backendName } from '../support/test-db.ts';
import { ACCOUNT, createLtWorld, MAKER, SIGNER, YES, type LtWorld } from '../support/lt-world.ts';

const box = createSecretBox(randomBytes(32));
const accountOf = (address: string) => `wallet:${address}`;

/** A user with a linked wallet and a launched strategy on it; its address */
async function linkedTrader(w: LtWorld, name: string): Promise<string> {
  const db = w.ft.t.db;
  const clock = w.ft.clock;
  const { user } = await createUser(db, name);
  const linked = await linkWallet({ db, clock, secrets: box }, user.userId, { private_key: `0x${randomBytes(32).toString('hex')}` });
  if (!linked.ok) throw new Error(JSON.stringify(linked.error));
  const created = await createLtStrategy({ db, clock }, user.userId, { ft_wallet_id: 'FT_COPY_ALL', starting_capital: '1000',
    wallet_address: linked.value.address });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  expect((await launchLtStrategy({ db, clock, operatorWallet: SIGNER }, user.userId, created.value.strategyId)).ok).toBe(true);
  return linked.value.address;
}

describe(`rehearsal figures per wallet (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it('orders, fills, markets held and sent order ids of each wallet are its own strategies\', and add up to the whole; a lost order was not sent', async () => {
    w = await createLtWorld();
    const alice = await linkedTrader(w, 'alice');
    const bob = await linkedTrader(w, 'bob');
    const registry = createVenueRegistry({ db: w.ft.t.db, secrets: box, operator: w.venue, log: silentLog,
      open: async (wallet) => {
        w.exchange.credit(accountOf(wallet.address), COLLATERAL, usdc('1000'));
        return createSimulatedVenue({ exchange: w.exchange, account: accountOf(wallet.address), clock: w.ft.clock, sleep: async () => undefined });
      } });
    const deps = { ...w.deps, venues: registry };
    // What the exchange placed for Tandem's accounts, as the rehearsal's world records it
    const placements: { account: string; id: string }[] = [];
    w.exchange.subscribe((e) => {
      if (e.type === 'order' && e.change === 'PLACEMENT' && e.order.account !== MAKER) placements.push({ account: e.order.account, id: e.order.orderId });
    });
    const placedFor = (account: string) => placements.filter((p) => p.account === account).map((p) => p.id).sort();
    await w.buySignal({ price: 0.5 });
    expect(await executeLt(deps)).toMatchObject({ ordered: 3, errors: [] });
    const wallets = [[SIGNER, ACCOUNT], [alice, accountOf(alice)], [bob, accountOf(bob)]] as const;
    const resting = new Map(wallets.map(([wallet, account]) => [wallet, w.exchange.openOrders(account).map((o) => o.orderId)]));
    w.takeFromMaker('SELL', '0.50', '30'); // 20 fill one resting BUY, 10 another: one wallet holds nothing
    expect(await syncLtOrders(deps)).toMatchObject({ fillsBooked: 2, errors: [] });
    const db = w.ft.t.db;
    const all = await orderTotals(db);
    let fills = 0;
    let filled = 0n;
    let holding = 0;
    for (const [wallet, account] of wallets) {
      const mine = await orderTotals(db, wallet.toUpperCase().replace('0X', '0x')); // any case names the wallet
      expect(Object.values(mine.byStatus).reduce((n, k) => n + k, 0), wallet).toBe(1);
      expect(await sentVenueOrderIds(db, wallet)).toEqual(resting.get(wallet));
      const held = await heldMarkets(db, wallet);
      expect(held.length, wallet).toBe(w.exchange.balance(account, YES).total > 0n ? 1 : 0);
      fills += mine.fills;
      filled += mine.filledUsdc;
      holding += held.length;
    }
    expect([fills, filled, holding]).toEqual([all.fills, all.filledUsdc, 2]);
    expect(all.fills).toBe(2);
    expect(await heldMarkets(db)).toHaveLength(1); // the one market, held by two wallets
    // The operator's next submit fails with a 5xx and places nothing: the order is unknown, then lost. It is not a sent
    // order of its wallet, and exactly-once holds against what the exchange placed (the linked wallets' new orders)
    w.ft.clock.advance(1_000);
    w.sim.faults.failNextSubmit5xx();
    await w.buySignal({ price: 0.5 });
    expect(await executeLt(deps)).toMatchObject({ ordered: 3, errors: [] });
    for (let pass = 0; pass < LOST_AFTER; pass += 1) {
      await syncLtOrders(deps);
      w.ft.clock.advance(LOST_SPACING_MS); // the service's passes are minutes apart
    }
    const lost = await db.query<{ id: string }>(`SELECT venue_order_id AS id FROM orders WHERE status = 'lost' AND NOT is_shadow`);
    expect(lost).toHaveLength(1);
    expect(await sentVenueOrderIds(db, SIGNER)).toEqual(resting.get(SIGNER));
    const placed = placements.map((p) => p.id);
    expect(placed).not.toContain(lost[0]!.id);
    expect(placed).toHaveLength(5);
    for (const [wallet, account] of wallets) expect((await sentVenueOrderIds(db, wallet)).sort(), wallet).toEqual(placedFor(account));
    expect((await ltInvariants(db, placed)).lt_exactly_once).toMatchObject({ ok: true });
    expect((await ltInvariants(db, [...placed, lost[0]!.id])).lt_exactly_once).toMatchObject({ ok: false }); // had it been placed
    await registry.close();
  }, 120_000);
});
