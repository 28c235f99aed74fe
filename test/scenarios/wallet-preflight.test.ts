/**
 * Preflight per linked wallet (issue 10, item 4 for users' wallets): each linked wallet has its own gate, and a strategy
 * trading through it is held by that gate alone. A wallet short of its strategies' capital holds its entries
 * (venue_not_ready, naming the shortfall) while the process wallet's strategy trades in the same run; topped up, it is
 * ready at its next check and trades. With VENUE=polymarket (the loopback simulator over the wire) a wallet linked
 * without a private key is off and sends nothing, while another user's keyed wallet trades through its own account.
 * Each wallet's state is shown to its owner only (GET /api/wallets, `tandem wallet list`)
 */
import { randomBytes } from 'node:crypto';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { walletCommand } from '../../src/cli/wallet-command.ts';
import { loadConfig } from '../../src/config.ts';
import { usdc } from '../../src/domain/money.ts';
import { executeLt, type LtExecutorDeps } from '../../src/engine/lt-executor.ts';
import { createLtStrategy, launchLtStrategy, stopLtStrategy } from '../../src/engine/lt-strategies.ts';
import { syncLtOrders } from '../../src/engine/lt-tracker.ts';
import { linkWallet, unlinkWallet } from '../../src/engine/user-wallets.ts';
import { createWalletGates, walletVenueStates, type WalletGates } from '../../src/engine/wallet-gates.ts';
import { silentLog } from '../../src/log.ts';
import { walletGatesFor, walletVenuesFor } from '../../src/main.ts';
import { COLLATERAL } from '../../src/sim/exchange/exchange.ts';
import { createSimulatedVenue } from '../../src/sim/exchange/simulated-venue.ts';
import { VenueSetupError } from '../../src/engine/venue-port.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { createSecretBox } from '../../src/store/secret-box.ts';
import { createUser } from '../../src/store/user-store.ts';
import { latestWalletVenueStates } from '../../src/store/wallet-venue-store.ts';
import { createVenueRegistry, type VenueRegistry } from '../../src/venues/venue-registry.ts';
import { callApp } from '../support/api-client.ts';
import { backendName } from '../support/test-db.ts';
import { CID, createLtWorld, NO, SIGNER, YES, type LtWorld } from '../support/lt-world.ts';

const box = createSecretBox(randomBytes(32));
const accountOf = (address: string) => `wallet:${address}`;

let w: LtWorld | null = null;
let gates: WalletGates | null = null;
let registry: VenueRegistry | null = null;
let sim: SimServer | null = null;

afterEach(async () => {
  await gates?.stop();
  await registry?.close();
  await sim?.close();
  await w?.close();
  [gates, registry, sim, w] = [null, null, null, null];
});

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Trader { userId: string; name: string; token: string; address: string; strategyId: string }

/** A user who links a wallet (`link` input) and launches a strategy on the world's FT wallet trading through it */
async function trader(world: LtWorld, name: string, link: Record<string, unknown>, capital: string): Promise<Trader> {
  const { db } = world.deps;
  const clock = world.ft.clock;
  const { user, token } = await createUser(db, name);
  const linked = await linkWallet({ db, clock, secrets: box }, user.userId, link);
  if (!linked.ok) throw new Error(JSON.stringify(linked.error));
  const address = linked.value.address;
  const created = await createLtStrategy({ db, clock }, user.userId,
    { ft_wallet_id: 'FT_COPY_ALL', starting_capital: capital, wallet_address: address, max_signal_age_seconds: 600 });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const launched = await launchLtStrategy({ db, clock, operatorWallet: SIGNER }, user.userId, created.value.strategyId);
  if (!launched.ok) throw new Error(JSON.stringify(launched.error));
  return { userId: user.userId, name, token, address, strategyId: created.value.strategyId };
}

/**
 * The world with alice's linked wallet as its own simulated account funded with `fund`, her strategy holding $1,000,
 * and a gate per linked wallet. `down` makes her account's collateral read fail as an unreachable CLOB would
 */
async function aliceWorld(fund: string, checkEveryMs: number) {
  w = await createLtWorld({ settings: { max_signal_age_seconds: 600 } });
  const world = w;
  const { db, clock } = world.deps;
  const alice = await trader(world, 'alice', { private_key: generatePrivateKey() }, '1000');
  const fault = { down: false };
  registry = createVenueRegistry({ db, secrets: box, operator: world.venue, log: silentLog, open: async (wallet) => {
    world.exchange.credit(accountOf(wallet.address), COLLATERAL, usdc(fund));
    const venue = createSimulatedVenue({ exchange: world.exchange, account: accountOf(wallet.address), clock, sleep: async () => undefined });
    return new Proxy(venue, { get: (target, p) => {
      if (p === 'availableCollateral' && fault.down) return async () => { throw new VenueSetupError('clob_unreachable', 'the CLOB did not answer'); };
      const v = Reflect.get(target, p) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    } });
  } });
  const venues = registry;
  gates = createWalletGates({ db, clock, log: silentLog, venueName: 'simulated', checkEveryMs, retryMinMs: 20, retryMaxMs: 50,
    connect: (wallet) => venues.forWallet(wallet.userId, wallet.address) });
  const deps: LtExecutorDeps = { ...world.deps, venues, walletGates: gates };
  return { world, db, clock, alice, fault, deps, gates };
}

const skipsOf = (r: Awaited<ReturnType<typeof executeLt>>, strategyId: string) => r.skips.filter((s) => s.strategyId === strategyId);

describe(`preflight per linked wallet (${backendName})`, () => {
  it('a wallet short of its strategy\'s capital holds its entries while the process wallet trades; topped up, it trades', async () => {
    // alice's wallet holds $400 against the $1,000 her strategy holds
    const { world, db, alice, deps, gates } = await aliceWorld('400', 50);
    await world.buySignal({ price: 0.5 });
    const first = await executeLt(deps);
    expect(gates.health(alice.userId, alice.address)).toMatchObject({
      name: `simulated ${alice.address}`, state: 'degraded',
      reasons: [{ code: 'collateral_short', message: 'collateral 400.00 USDC < capital 1000.00 USDC of 1 live strategy' }],
    });
    // the process wallet's strategy ordered in the same run; alice's entry is skipped, naming her wallet's shortfall
    expect(first).toMatchObject({ ordered: 1, skipped: 1, errors: [] });
    expect(first.submissions.map((s) => s.outcome)).toEqual(['accepted']);
    expect(skipsOf(first, alice.strategyId)).toEqual([expect.objectContaining({
      rule: 'venue_not_ready', limit: `venue simulated ${alice.address} ready`, observed: 'degraded: collateral_short' })]);
    expect(world.exchange.openOrders(accountOf(alice.address))).toEqual([]);
    expect(world.exchange.openOrders('tandem')).toHaveLength(1);

    // topped up: the gate's next check finds it ready, and the next signal is ordered through her account
    world.exchange.credit(accountOf(alice.address), COLLATERAL, usdc('700'));
    gates.start();
    await until('alice\'s wallet is ready', () => gates.health(alice.userId, alice.address)?.state === 'ready');
    world.ft.clock.advance(1_000);
    await world.buySignal({ price: 0.5 });
    const second = await executeLt(deps);
    expect(second).toMatchObject({ ordered: 2, skipped: 0, errors: [] });
    expect(world.exchange.openOrders(accountOf(alice.address))).toHaveLength(1);

    // each change was recorded for her: the CLI (no gates in its process) shows the last one
    expect((await latestWalletVenueStates(db, alice.userId)).get(alice.address)).toMatchObject({ state: 'ready', reasons: [] });
    const listed = await walletCommand({ db, config: loadConfig({}), stdin: async () => '' }, 'list', { user: 'alice' });
    expect(JSON.parse(listed.out)).toMatchObject({ address: alice.address, venue: { state: 'ready', reasons: [] } });
    expect(JSON.parse(listed.out).venue.checked_at).toMatch(/^\d{4}-/);
  }, 120_000);

  it('shows each wallet\'s venue state to its owner only, never a secret', async () => {
    w = await createLtWorld({ settings: { max_signal_age_seconds: 600 } });
    const world = w;
    const { db, clock } = world.deps;
    const key = generatePrivateKey();
    const alice = await trader(world, 'alice', { private_key: key }, '1000');
    const { token: bob } = await createUser(db, 'bob');
    registry = createVenueRegistry({ db, secrets: box, operator: world.venue, log: silentLog, open: async (wallet) =>
      createSimulatedVenue({ exchange: world.exchange, account: accountOf(wallet.address), clock, sleep: async () => undefined }) });
    const venues = registry;
    gates = createWalletGates({ db, clock, log: silentLog, venueName: 'simulated', checkEveryMs: 600_000,
      connect: (wallet) => venues.forWallet(wallet.userId, wallet.address) });
    const walletGates = gates;
    const app = createApp({ db, clock, log: silentLog, venue: world.venue, venues, version: 'test', secrets: box,
      runJob: async () => { throw new Error('no jobs'); },
      walletVenueHealth: (userId, address) => walletGates.health(userId, address), walletsChanged: () => void walletGates.refresh() });
    const before = await callApp(app, 'GET', '/api/wallets', undefined, alice.token);
    expect(before.body.wallets).toEqual([expect.objectContaining({ address: alice.address,
      venue: { state: 'off', reasons: [{ code: 'not_checked', message: expect.any(String) }], checked_at: null } })]);
    await gates.refresh();
    await gates.forRun([]);
    expect(gates.health(alice.userId, alice.address)?.checkedAt).toBeNull(); // a gate holding no strategy of the run waits
    await world.buySignal({ price: 0.5 });
    await executeLt({ ...world.deps, venues, walletGates });
    const venue = { state: 'degraded', reasons: [{ code: 'collateral_short', message: 'collateral 0.00 USDC < capital 1000.00 USDC of 1 live strategy' }],
      checked_at: clock.now().toISOString() };
    const mine = await callApp(app, 'GET', '/api/wallets', undefined, alice.token);
    expect(mine.body.wallets).toEqual([expect.objectContaining({ address: alice.address, venue })]);
    expect((await callApp(app, 'GET', `/api/wallets/${alice.address}`, undefined, alice.token)).body.wallet.venue).toEqual(venue);
    const theirs = await callApp(app, 'GET', '/api/wallets', undefined, bob);
    expect(theirs.body).toMatchObject({ wallets: [], next_cursor: null });
    expect((await callApp(app, 'GET', `/api/wallets/${alice.address}`, undefined, bob)).status).toBe(404);
    for (const body of [mine.body, theirs.body]) expect(JSON.stringify(body)).not.toContain(key.slice(2));
  }, 120_000);

  it('while a linked wallet\'s venue is off its exits wait, whatever the process wallet does; back, they go', async () => {
    const { world, db, alice, fault, deps, gates } = await aliceWorld('5000', 50);
    gates.start();
    await world.buySignal({ price: 0.5 });
    expect(await executeLt(deps)).toMatchObject({ ordered: 2, errors: [] });
    world.takeFromMaker('SELL', '0.50', '40'); // fills both $10 BUYs at 0.50: 20 shares each
    expect(await syncLtOrders(deps)).toMatchObject({ fillsBooked: 2, errors: [] });
    fault.down = true;
    await until('alice\'s wallet is off', () => gates.health(alice.userId, alice.address)?.state === 'off');
    expect(gates.health(alice.userId, alice.address)?.reasons).toEqual([{ code: 'clob_unreachable', message: 'the CLOB did not answer' }]);
    world.ft.clock.advance(1_000);
    await world.sellSignal({ price: 0.5 });
    const held = await executeLt(deps);
    const exitsOf = async () => db.query<{ disposition: string; rule: string | null }>(
      `SELECT disposition, rule FROM lt_dispositions WHERE user_id = $1 AND leg <> 'entry'`, [alice.userId]);
    expect(held.deferred).toBe(1); // alice's exit waits; the process wallet's strategy decided its own
    expect(await exitsOf()).toEqual([]);
    expect(world.exchange.openOrders(accountOf(alice.address))).toEqual([]);
    fault.down = false;
    await until('alice\'s wallet is back', () => gates.health(alice.userId, alice.address)?.state === 'ready');
    const back = await executeLt(deps);
    expect(back).toMatchObject({ deferred: 0, errors: [] });
    expect((await exitsOf()).map((d) => d.rule === 'venue_not_ready')).toEqual([false]);
  }, 120_000);

  it('a gate per link: made when a wallet is linked, re-checked when its strategies change, dropped when it is unlinked', async () => {
    w = await createLtWorld({ settings: { max_signal_age_seconds: 600 } });
    const world = w;
    const { db, clock } = world.deps;
    const { user: dave } = await createUser(db, 'dave');
    const key = generatePrivateKey();
    const linkDave = async () => {
      const r = await linkWallet({ db, clock, secrets: box }, dave.userId, { private_key: key });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value.address;
    };
    const address = await linkDave();
    registry = createVenueRegistry({ db, secrets: box, operator: world.venue, log: silentLog, open: async (wallet) => {
      world.exchange.credit(accountOf(wallet.address), COLLATERAL, usdc('500'));
      return createSimulatedVenue({ exchange: world.exchange, account: accountOf(wallet.address), clock, sleep: async () => undefined });
    } });
    const venues = registry;
    gates = createWalletGates({ db, clock, log: silentLog, venueName: 'simulated', checkEveryMs: 600_000,
      connect: (wallet) => venues.forWallet(wallet.userId, wallet.address) });
    const walletGates = gates;
    expect(walletGates.health(dave.userId, address)).toBeNull();
    walletGates.start();
    await walletGates.refresh();
    await until('dave\'s wallet is checked', () => walletGates.health(dave.userId, address)?.checkedAt != null);
    expect(walletGates.health(dave.userId, address)).toMatchObject({ state: 'ready', reasons: [] }); // nothing to fund yet
    expect(walletGates.holds({ userId: dave.userId, walletAddress: address.toUpperCase().replace('0X', '0x') })).toBe(true);
    expect(walletGates.health(world.userId, address)).toBeNull(); // another user's view of it: none

    // a strategy launched beyond the wallet's funds: the next run re-checks before deciding, and holds its entry
    const created = await createLtStrategy({ db, clock }, dave.userId,
      { ft_wallet_id: 'FT_COPY_ALL', starting_capital: '1000', wallet_address: address, max_signal_age_seconds: 600 });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    expect((await launchLtStrategy({ db, clock, operatorWallet: SIGNER }, dave.userId, created.value.strategyId)).ok).toBe(true);
    await world.buySignal({ price: 0.5 });
    const run = await executeLt({ ...world.deps, venues, walletGates });
    expect(walletGates.health(dave.userId, address)?.reasons.map((r) => r.message))
      .toEqual(['collateral 500.00 USDC < capital 1000.00 USDC of 1 live strategy']);
    expect(skipsOf(run, created.value.strategyId)).toEqual([expect.objectContaining({ rule: 'venue_not_ready', observed: 'degraded: collateral_short' })]);

    // unlinked: its gate is dropped; linked again: a new gate, unchecked until it runs, and no earlier link's state shown
    expect((await stopLtStrategy({ db, clock }, dave.userId, created.value.strategyId)).ok).toBe(true);
    expect((await unlinkWallet({ db, clock }, dave.userId, address)).ok).toBe(true);
    await walletGates.refresh();
    expect(walletGates.health(dave.userId, address)).toBeNull();
    world.ft.clock.advance(1_000);
    await linkDave();
    expect((await walletVenueStates(db, dave.userId))(address)).toMatchObject({ state: 'off', reasons: [{ code: 'not_checked' }] });
    await walletGates.refresh();
    await until('the new link is checked', () => walletGates.health(dave.userId, address)?.checkedAt != null);
    expect(walletGates.health(dave.userId, address)).toMatchObject({ state: 'ready' });
  }, 120_000);

  it('VENUE=polymarket: a wallet linked without a key is off and sends nothing; a keyed one trades through its own account', async () => {
    sim = await startSimServer({ port: 0, host: '127.0.0.1', markets: [], fund: '250', mineAfterMs: 0, confirmAfterMs: 0 });
    sim.addMarket({ question: 'Will it rain in Paris?', slug: 'rain-paris', conditionId: CID, tokenIds: [YES, NO], tickSize: '0.01', minSize: '5' });
    sim.seedBook(YES, [['0.40', '1000']], [['0.50', '1000']]);
    w = await createLtWorld({ settings: { max_signal_age_seconds: 600 } });
    const world = w;
    const { db, clock } = world.deps;
    const config = loadConfig({ VENUE: 'polymarket', POLYMARKET_CLOB_URL: sim.url, POLYMARKET_WS_URL: sim.wsUrl });
    const carol = await trader(world, 'carol', { address: `0x${'42'.repeat(20)}`, api_key: 'k', api_secret: 'carol-api-secret',
      api_passphrase: 'carol-passphrase' }, '100');
    const bobKey = generatePrivateKey();
    const bob = await trader(world, 'bob', { private_key: bobKey }, '100');
    expect(bob.address).toBe(privateKeyToAccount(bobKey).address.toLowerCase());
    registry = walletVenuesFor(config, { db, secrets: box, operator: world.venue, clock, log: silentLog, exchange: null });
    const venues = registry;
    gates = walletGatesFor(config, { db, clock, log: silentLog }, () => venues, async () => true);
    const deps: LtExecutorDeps = { ...world.deps, venues, walletGates: gates };

    await world.buySignal({ price: 0.5 });
    const run = await executeLt(deps);
    expect(gates.health(carol.userId, carol.address)).toMatchObject({ state: 'off', reasons: [{ code: 'no_private_key',
      message: `wallet ${carol.address} was linked without a private key: it cannot sign orders` }] });
    expect(gates.health(bob.userId, bob.address)).toMatchObject({ state: 'ready', reasons: [] });
    expect(skipsOf(run, carol.strategyId)).toEqual([expect.objectContaining({ rule: 'venue_not_ready', observed: 'off: no_private_key' })]);
    // the process wallet's strategy and bob's each ordered, bob's on his own account at the simulator
    expect(run).toMatchObject({ ordered: 2, skipped: 1, errors: [] });
    // bob's BUY at 0.50 took the simulator's ask: his account holds the shares; carol's holds nothing and rests nothing
    expect(sim.exchange.balance(bob.address, YES).total).toBeGreaterThan(0n);
    expect(sim.exchange.openOrders(carol.address)).toEqual([]);
    expect(sim.exchange.balance(carol.address, YES).total).toBe(0n);
  }, 120_000);
});
