/**
 * Redemption per wallet (issue 10): the process wallet's strategy and a linked wallet's strategy win the same market
 * on the simulated venue (two accounts of one exchange) with a manual clock; each wallet's winnings are redeemed by
 * its own chain (the composition root's `walletChainsFor`), paid into its own account and booked to its own
 * strategy; a linked wallet whose chain this process cannot build is alerted to redeem by hand, while the process
 * wallet's redemption goes through
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { shares, usdc } from '../../src/domain/money.ts';
import type { WalletChains } from '../../src/engine/chain-port.ts';
import { executeLt, type LtExecutorDeps } from '../../src/engine/lt-executor.ts';
import { resolveLt } from '../../src/engine/lt-resolve.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { linkWallet } from '../../src/engine/user-wallets.ts';
import { silentLog } from '../../src/log.ts';
import { walletChainsFor } from '../../src/main.ts';
import { COLLATERAL } from '../../src/sim/exchange/exchange.ts';
import type { SimulatedChain } from '../../src/sim/exchange/sim-chain.ts';
import { balancesOf } from '../../src/store/ledger-store.ts';
import { redemptionsOf } from '../../src/store/redemption-store.ts';
import { createUser } from '../../src/store/user-store.ts';
import type { VenueRegistry } from '../../src/venues/venue-registry.ts';
import { backendName } from '../support/test-db.ts';
import { accountOf, linkedTrader, secretBox, walletDeps, type Trader } from '../support/linked-wallets.ts';
import { ACCOUNT, createLtWorld, YES, type LtWorld } from '../support/lt-world.ts';

const WON: [bigint, bigint] = [1_000000n, 0n];
const simulated = loadConfig({ VENUE: 'simulated' });

/**
 * Both strategies rest a $10 BUY of YES at 0.50; the maker sells 30 into them (20 fill one, 10 the other, whose rest
 * is cancelled), and the market resolves Yes. Returns each account's YES shares: the payout each wallet is owed
 */
async function bothWin(w: LtWorld, deps: LtExecutorDeps, a: Trader): Promise<{ process: bigint; linked: bigint }> {
  await w.buySignal({ price: 0.5 });
  expect(await executeLt(deps)).toMatchObject({ ordered: 2, errors: [] });
  w.takeFromMaker('SELL', '0.50', '30');
  expect(await syncLtOrders(deps)).toMatchObject({ fillsBooked: 2, errors: [] });
  for (const account of [ACCOUNT, accountOf(a.address)]) {
    for (const o of w.exchange.openOrders(account)) w.exchange.cancel(account, o.orderId);
  }
  expect(await syncLtOrders(deps)).toMatchObject({ errors: [] });
  await w.marketResolves(WON);
  const held = { process: w.exchange.balance(ACCOUNT, YES).total, linked: w.exchange.balance(accountOf(a.address), YES).total };
  expect([held.process, held.linked].sort()).toEqual([shares('10'), shares('20')]); // different payouts: no mix-up hides
  return held;
}

const usdcOf = (w: LtWorld, account: string) => w.exchange.balance(account, COLLATERAL).total;
/** Redemption entries booked, per strategy (user/strategy: both users' strategies copy the same FT wallet, one id) */
const redemptionsBooked = async (w: LtWorld) => Object.fromEntries((await w.ft.t.db.query<{ owner: string; amount: string }>(
  `SELECT user_id || '/' || strategy_id AS owner, sum(amount)::text AS amount FROM ledger_entries WHERE kind = 'redemption'
   GROUP BY user_id, strategy_id`)).map((r) => [r.owner, usdc(r.amount)]));
const alerts = (w: LtWorld) => w.ft.t.db.query<{ message: string; detail: Record<string, unknown> }>(
  'SELECT message, detail FROM lt_alerts ORDER BY fired_at');

describe(`LT redemption per wallet (${backendName})`, () => {
  let world: LtWorld | undefined;
  let registry: VenueRegistry | undefined;
  afterEach(async () => {
    await registry?.close();
    await world?.close();
  });

  /** A world where alice trades through her linked wallet, and both wallets won (bothWin): each one's payout */
  async function bothWon(): Promise<{ w: LtWorld; a: Trader; held: { process: bigint; linked: bigint } }> {
    const w = (world = await createLtWorld());
    const a = await linkedTrader(w, 'alice');
    const wallets = walletDeps(w);
    registry = wallets.registry;
    return { w, a, held: await bothWin(w, wallets.deps, a) };
  }

  it('two wallets win the same market: each is redeemed by its own chain, paid its own payout, booked to its own strategy', async () => {
    const { w, a, held } = await bothWon();
    const chains: WalletChains = walletChainsFor(simulated, { db: w.ft.t.db, secrets: secretBox, log: silentLog, exchange: w.exchange });
    const linkedChain = (await chains(a.address)) as SimulatedChain;
    expect(linkedChain.address).toBe(accountOf(a.address)); // the account alice's venue trades on
    expect(await chains(a.address)).toBe(linkedChain); // one chain per wallet
    const before = { process: usdcOf(w, ACCOUNT), linked: usdcOf(w, accountOf(a.address)) };
    linkedChain.faults.holdNext(); // alice's transaction stays pending: followed on her chain at the next run

    const first = await resolveLt({ ...w.deps, chains });
    expect(first).toMatchObject({ settled: 2, redeemed: 1, errors: [], onChain: { submitted: 2, booked: 1, pending: 1, manual: 0, errors: [] } });
    expect(usdcOf(w, ACCOUNT) - before.process).toBe(held.process);
    expect(usdcOf(w, accountOf(a.address))).toBe(before.linked);
    const second = await resolveLt({ ...w.deps, chains });
    expect(second).toMatchObject({ redeemed: 0, onChain: { submitted: 0, pending: 1, booked: 0 } });
    linkedChain.mine();
    expect(await resolveLt({ ...w.deps, chains })).toMatchObject({ redeemed: 1, onChain: { booked: 1, pending: 0, errors: [] } });
    expect(await resolveLt({ ...w.deps, chains })).toMatchObject({ redeemed: 0, onChain: { submitted: 0, booked: 0 } });

    // Each wallet's collateral rose by exactly its own payout, through its own chain, once
    expect(usdcOf(w, ACCOUNT) - before.process).toBe(held.process);
    expect(usdcOf(w, accountOf(a.address)) - before.linked).toBe(held.linked);
    expect(w.chain.mined.map((m) => m.paid)).toEqual([held.process]);
    expect(linkedChain.mined.map((m) => m.paid)).toEqual([held.linked]);
    const rows = await redemptionsOf(w.ft.t.db);
    expect(rows.map((r) => [r.userId, r.state, r.wallet, r.collateralIn]).sort()).toEqual([
      [w.userId, 'redeemed', ACCOUNT, held.process], [a.userId, 'redeemed', accountOf(a.address), held.linked]].sort());
    // Each strategy's ledger: its own redemption, all of it available
    expect(await redemptionsBooked(w)).toEqual({ [`${w.userId}/${w.strategyId}`]: held.process, [`${a.userId}/${a.strategyId}`]: held.linked });
    const mine = await w.checkLedger();
    const hers = await balancesOf(w.ft.t.db, a.userId, a.strategyId, 'live');
    expect(mine).toMatchObject({ cooldown: 0n, available: usdc('1000') + held.process / 2n });
    expect(hers).toMatchObject({ cooldown: 0n, available: usdc('1000') + held.linked / 2n });
    expect(await alerts(w)).toEqual([]);
  });

  it('after a restart, a linked wallet\'s transaction in flight is followed on that wallet\'s chain by its hash, never the process\'s', async () => {
    const { w, a, held } = await bothWon();
    const options = { db: w.ft.t.db, secrets: secretBox, log: silentLog, exchange: w.exchange };
    const before = walletChainsFor(simulated, options);
    const lost = (await before(a.address)) as SimulatedChain;
    lost.faults.holdNext(); // recorded and sent, then the process stops before it is mined (the held transaction is lost)
    expect(await resolveLt({ ...w.deps, chains: before })).toMatchObject({ onChain: { submitted: 2, booked: 1, pending: 1 } });
    const [sent] = await redemptionsOf(w.ft.t.db, { userId: a.userId });
    expect(sent).toMatchObject({ state: 'redeeming', wallet: accountOf(a.address) });
    const linkedBefore = usdcOf(w, accountOf(a.address));

    const chains = walletChainsFor(simulated, options); // the restarted process builds the wallet's chain again
    // unknown to the new chain: the recorded bytes are sent again from the same wallet, then mined and booked once
    expect(await resolveLt({ ...w.deps, chains })).toMatchObject({ onChain: { submitted: 0, pending: 1, manual: 0, errors: [] } });
    expect(await resolveLt({ ...w.deps, chains })).toMatchObject({ redeemed: 1, onChain: { booked: 1, errors: [] } });
    const linkedChain = (await chains(a.address)) as SimulatedChain;
    expect(linkedChain.mined.map((m) => [m.txHash, m.paid])).toEqual([[sent!.txHash, held.linked]]);
    expect(w.chain.mined.map((m) => m.paid)).toEqual([held.process]);
    expect(usdcOf(w, accountOf(a.address)) - linkedBefore).toBe(held.linked);
    expect(await redemptionsBooked(w)).toEqual({ [`${w.userId}/${w.strategyId}`]: held.process, [`${a.userId}/${a.strategyId}`]: held.linked });
  });

  it('a linked wallet whose chain this process cannot build is alerted to redeem by hand; the process wallet is redeemed', async () => {
    const { w, a, held } = await bothWon();
    // No simulated exchange in this process (a CLI command): no chain for a linked wallet
    const chains = walletChainsFor(simulated, { db: w.ft.t.db, secrets: secretBox, log: silentLog, exchange: null });
    expect(await chains(a.address)).toBeNull();
    const before = { process: usdcOf(w, ACCOUNT), linked: usdcOf(w, accountOf(a.address)) };
    expect(await resolveLt({ ...w.deps, chains })).toMatchObject({ settled: 2, redeemed: 1,
      onChain: { submitted: 1, booked: 1, manual: 1, errors: [] } });
    expect(usdcOf(w, ACCOUNT) - before.process).toBe(held.process);
    expect(usdcOf(w, accountOf(a.address))).toBe(before.linked);
    expect(w.exchange.balance(accountOf(a.address), YES).total).toBe(held.linked); // still hers, unredeemed
    const [alert, ...more] = await alerts(w);
    expect(more).toEqual([]);
    expect(alert!.message).toContain(`Redeem by hand for wallet ${a.address}`);
    expect(alert!.message).toContain('a linked wallet this process has no chain for');
    expect(alert!.detail).toMatchObject({ wallet: a.address, strategies: [a.strategyId], usdc: `${held.linked / 1_000000n}.000000` });
    expect(await redemptionsBooked(w)).toEqual({ [`${w.userId}/${w.strategyId}`]: held.process });
    expect((await redemptionsOf(w.ft.t.db, { userId: a.userId }))).toEqual([expect.objectContaining({ state: 'redeemable', wallet: null })]);
    expect(await balancesOf(w.ft.t.db, a.userId, a.strategyId, 'live')).toMatchObject({ cooldown: held.linked });
  });
});

describe(`walletChainsFor with VENUE=polymarket (${backendName})`, () => {
  let w: LtWorld | undefined;
  afterEach(async () => w?.close());

  it('builds a linked wallet\'s Polygon chain from its own decrypted key, signature type and funder; none without a key', async () => {
    w = await createLtWorld();
    const db = w.ft.t.db;
    const clock = w.ft.clock;
    const config = loadConfig({ VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: generatePrivateKey(), POLYGON_RPC_URL: 'http://127.0.0.1:9' });
    const { user } = await createUser(db, 'dana');
    const eoaKey = generatePrivateKey();
    const safeKey = generatePrivateKey();
    const funder = `0x${'5a'.repeat(20)}`;
    for (const input of [{ private_key: eoaKey }, { private_key: safeKey, signature_type: 2, funder },
      { address: `0x${'42'.repeat(20)}`, api_key: 'k', api_secret: 'creds-only-secret', api_passphrase: 'creds-only-pass' }]) {
      const linked = await linkWallet({ db, clock, secrets: secretBox }, user.userId, input);
      if (!linked.ok) throw new Error(JSON.stringify(linked.error));
    }
    const chains = walletChainsFor(config, { db, secrets: secretBox, log: silentLog, exchange: null });
    const eoa = privateKeyToAccount(eoaKey).address.toLowerCase();
    const eoaChain = await chains(eoa);
    expect(eoaChain).toMatchObject({ name: 'polygon', address: eoa, cannotRedeem: null });
    expect(await chains(eoa)).toBe(eoaChain);
    const safe = await chains(privateKeyToAccount(safeKey).address.toLowerCase());
    expect(safe).toMatchObject({ address: funder, cannotRedeem: expect.stringMatching(/Safe/) });
    expect(await chains(`0x${'42'.repeat(20)}`)).toBeNull(); // API credentials only: nothing to sign with
    expect(await chains(`0x${'77'.repeat(20)}`)).toBeNull(); // nobody linked it
  });
});
