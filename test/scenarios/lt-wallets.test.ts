/**
 * Per-user wallets (issue 10, item 3): two users' strategies trade through two different simulated accounts (their
 * linked wallets) beside the operator's shared account; each account's orders rest on it, its fills are booked to its
 * own strategies, recovery reads every account, and reconciliation runs per wallet (an account short of shares or
 * cash raises its own alert, for its owner)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { shares, usdc } from '../../src/domain/money.ts';
import { collectAlerts, DEFAULT_ALERT_SETTINGS, type AlertMonitorDeps } from '../../src/engine/alert-monitor.ts';
import { executeLt } from '../../src/engine/lt-executor.ts';
import { recoverLt } from '../../src/engine/lt-recovery.ts';
import { stopLtStrategy, updateLtSettings } from '../../src/engine/lt-strategies.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { linkWallet, unlinkWallet } from '../../src/engine/user-wallets.ts';
import { silentLog } from '../../src/log.ts';
import { COLLATERAL } from '../../src/sim/exchange/exchange.ts';
import { heldByToken } from '../../src/store/position-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import { backendName } from '../support/test-db.ts';
import { accountOf, linkedTrader, secretBox, walletDeps } from '../support/linked-wallets.ts';
import { ACCOUNT, createLtWorld, SIGNER, YES, type LtWorld } from '../support/lt-world.ts';

const sharesOf = (w: LtWorld, account: string) => w.exchange.balance(account, YES).total;

describe(`LT per-user wallets (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it('two users\' strategies trade through their own accounts; each account\'s fills go to its own strategies', async () => {
    w = await createLtWorld();
    const alice = await linkedTrader(w, 'alice');
    const bob = await linkedTrader(w, 'bob');
    const { deps, registry, opened } = walletDeps(w);
    await w.buySignal({ price: 0.5 });
    expect(await executeLt(deps)).toMatchObject({ ordered: 3, errors: [] });
    expect(opened.sort()).toEqual([alice.address, bob.address].sort());
    // one resting $10 BUY at 0.50 on each account, the operator's for the world's strategy (its wallet nobody linked)
    for (const account of [ACCOUNT, accountOf(alice.address), accountOf(bob.address)]) expect(w.exchange.openOrders(account)).toHaveLength(1);
    const restingOn = (account: string) => w.exchange.openOrders(account)[0]!.orderId;
    const orderOf = async (t: { userId: string; strategyId: string }) => (await w.ft.t.db.query<{ venue_order_id: string }>(
      'SELECT venue_order_id FROM orders WHERE lt_user_id = $1 AND lt_strategy_id = $2', [t.userId, t.strategyId]))[0]!.venue_order_id;
    expect(await orderOf(alice)).toBe(restingOn(accountOf(alice.address)));
    expect(await orderOf(bob)).toBe(restingOn(accountOf(bob.address)));
    expect(await orderOf(w)).toBe(restingOn(ACCOUNT));
    // the maker sells 30 into the book: 20 fill one order, 10 another; the tracker books each account's fills
    w.takeFromMaker('SELL', '0.50', '30');
    expect(await syncLtOrders(deps)).toMatchObject({ fillsBooked: 2, foreignFills: 0, errors: [] });
    const linked = [alice.address, bob.address];
    const scopes = [[ACCOUNT, { except: linked }], [accountOf(alice.address), { wallet: alice.address }],
      [accountOf(bob.address), { wallet: bob.address }]] as const;
    let total = 0n;
    for (const [account, scope] of scopes) {
      const held = (await heldByToken(w.ft.t.db, null, scope))[0]?.held ?? 0n;
      expect(held, account).toBe(sharesOf(w, account)); // the ledger of the account's strategies = the account's balance
      total += held;
    }
    expect(total).toBe(shares('30'));
    await registry.close();
  });

  it('a wallet keeps the strategies that still have orders, positions or winnings there: no unlink, no wallet change; the process wallet is never linked', async () => {
    w = await createLtWorld();
    const db = w.ft.t.db;
    const clock = w.ft.clock;
    const alice = await linkedTrader(w, 'alice');
    const { deps, registry } = walletDeps(w);
    await w.buySignal({ price: 0.5 });
    expect(await executeLt(deps)).toMatchObject({ errors: [] });
    expect(w.exchange.openOrders(accountOf(alice.address))).toHaveLength(1); // resting at alice's wallet
    expect((await stopLtStrategy({ db, clock }, alice.userId, alice.strategyId)).ok).toBe(true); // stopped, the order still rests
    const unlinked = await unlinkWallet({ db, clock }, alice.userId, alice.address);
    expect(!unlinked.ok && [unlinked.error.kind, unlinked.error.message])
      .toEqual(['conflict', expect.stringMatching(new RegExp(`still holds orders, positions or winnings to redeem of ${alice.strategyId}`))]);
    const moved = await updateLtSettings({ db, clock }, alice.userId, alice.strategyId, { wallet_address: `0x${'d'.repeat(40)}` });
    expect(!moved.ok && moved.error.message).toMatch(/still has orders, positions or winnings to redeem at its wallet/);
    const { user: carol } = await createUser(db, 'carol');
    const operator = await linkWallet({ db, clock, secrets: secretBox, operatorWallet: SIGNER }, carol.userId,
      { address: SIGNER, api_key: 'k', api_secret: 'the-api-secret', api_passphrase: 'the-passphrase' });
    expect(!operator.ok && operator.error.message).toMatch(/is the wallet this Tandem is configured with/);
    // once the order is finished (cancelled unfilled) nothing is left at the wallet: unlink goes through
    w.exchange.cancel(accountOf(alice.address), w.exchange.openOrders(accountOf(alice.address))[0]!.orderId);
    await syncLtOrders(deps);
    expect((await unlinkWallet({ db, clock }, alice.userId, alice.address)).ok).toBe(true);
    await registry.close();
  });

  it('reconciles per wallet: an account short of shares or cash raises its own alert, for its owner; recovery reads every account', async () => {
    w = await createLtWorld();
    const alice = await linkedTrader(w, 'alice');
    const bob = await linkedTrader(w, 'bob');
    const { deps, registry } = walletDeps(w);
    await w.buySignal({ price: 0.5 });
    expect(await executeLt(deps)).toMatchObject({ ordered: 3 });
    w.takeFromMaker('SELL', '0.50', '60');
    expect(await syncLtOrders(deps)).toMatchObject({ fillsBooked: 3 });
    const monitor: AlertMonitorDeps = { db: w.ft.t.db, clock: w.ft.clock, log: silentLog, jobs: [], startedAt: w.ft.clock.now(),
      settings: DEFAULT_ALERT_SETTINGS, notifier: null, wallets: () => registry.all() };
    const reconciliation = async () => (await collectAlerts(monitor, w.ft.clock.now())).filter((a) => a.kind === 'reconciliation');
    expect(await reconciliation()).toEqual([]);
    w.exchange.credit(accountOf(alice.address), YES, -shares('5')); // shares leave alice's account
    w.exchange.credit(accountOf(bob.address), COLLATERAL, -usdc('985')); // bob's account has $5 left; his strategy counts $990
    const raised = await reconciliation();
    expect(raised.map((a) => [a.dedupeKey, a.userId])).toEqual(expect.arrayContaining([
      [`reconciliation:positions:${alice.address}`, alice.userId], [`reconciliation:wallet:${bob.address}`, bob.userId]]));
    expect(raised).toHaveLength(2);
    expect(raised.find((a) => a.userId === alice.userId)!.message).toMatch(new RegExp(`^wallet ${alice.address}: .*short 5`));
    // an order on bob's account that no row explains: recovery reads every account and finds it
    const placed = w.exchange.place({ orderId: 'stray-1', account: accountOf(bob.address), tokenId: YES, side: 'BUY',
      price: 300_000n as never, size: shares('5'), orderType: 'GTC' });
    expect(placed.ok).toBe(true);
    expect((await recoverLt(deps)).unexplained).toEqual(['stray-1']);
    await registry.close();
  });
});

describe(`LT per-user wallets: nobody trades through another user's wallet (${backendName})`, () => {
  let w: LtWorld;
  afterEach(async () => w?.close());

  it('refuses a link of an address another user\'s strategy trades through, a wallet change while active, and a venue for another user\'s wallet', async () => {
    w = await createLtWorld(); // the world's user trades through SIGNER, which nobody linked (the operator's account)
    const db = w.ft.t.db;
    const clock = w.ft.clock;
    const alice = await linkedTrader(w, 'alice');
    const { user: carol } = await createUser(db, 'carol');
    const taken = await linkWallet({ db, clock, secrets: secretBox }, carol.userId,
      { address: SIGNER, api_key: 'k', api_secret: 'the-api-secret', api_passphrase: 'the-passphrase' });
    expect(!taken.ok && [taken.error.kind, taken.error.message]).toEqual(['conflict', expect.stringMatching(/another user's strategy/)]);
    const moved = await updateLtSettings({ db, clock }, w.userId, w.strategyId, { wallet_address: alice.address });
    expect(!moved.ok && moved.error.message).toMatch(/stop the strategy before changing its wallet_address/);
    const { deps, registry } = walletDeps(w);
    await expect(registry.forWallet(w.userId, alice.address)).rejects.toThrow(/linked by another user/);
    expect(await registry.forWallet(w.userId, SIGNER)).toBe(w.venue);
    expect(await registry.forWallet(alice.userId, alice.address)).not.toBe(w.venue);
    // a strategy pointed at alice's wallet while stopped cannot trade through it: the executor reports why and sends nothing
    await stopLtStrategy({ db, clock }, w.userId, w.strategyId);
    expect((await updateLtSettings({ db, clock }, w.userId, w.strategyId, { wallet_address: alice.address })).ok).toBe(true);
    // as a row launched before wallets were checked (launch itself would refuse it)
    await db.query('UPDATE lt_strategies SET is_active = true WHERE user_id = $1 AND strategy_id = $2', [w.userId, w.strategyId]);
    await w.buySignal({ price: 0.5 });
    const r = await executeLt(deps);
    expect(r.errors).toEqual([{ userId: w.userId, strategyId: w.strategyId, error: expect.stringMatching(/linked by another user/) }]);
    expect(w.exchange.openOrders(accountOf(alice.address))).toHaveLength(1); // alice's own order only
    expect(w.exchange.openOrders(ACCOUNT)).toHaveLength(0);
    await registry.close();
  });
});
