/**
 * Redemption for proxy and Safe wallets (issue 10 item 2) over the wire: the LT resolve job with the chain the
 * composition root builds from the configuration (`chainFor`): with the relayer configured, Polymarket's official relayer
 * client against the loopback simulator's relayer and JSON-RPC (127.0.0.1), on the exchange the simulated venue trades
 * on as the proxy/Safe (funder) account. The won position becomes available cash only once the relayer's transaction is
 * confirmed and its collateral reached the funder, booked once; a failed relayer transaction is alerted and retried
 * after the backoff, never booked; a crash right after the submission is followed by the recorded relayer id after the
 * restart (pending while the relayer holds it); without the relayer configured, one alert says what to redeem by hand
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { loadConfig } from '../../src/config.ts';
import { usdc } from '../../src/domain/money.ts';
import type { Chain } from '../../src/engine/chain-port.ts';
import type { CrashPoint } from '../../src/engine/lt-hooks.ts';
import { resolveLt } from '../../src/engine/lt-resolve.ts';
import { linkWallet } from '../../src/engine/user-wallets.ts';
import { silentLog } from '../../src/log.ts';
import { chainFor, walletChainsFor } from '../../src/main.ts';
import { COLLATERAL } from '../../src/sim/exchange/exchange.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { redemptionsOf } from '../../src/store/redemption-store.ts';
import { createSecretBox } from '../../src/store/secret-box.ts';
import { ownedWallet } from '../../src/venues/polymarket/relayer-chain.ts';
import { backendName } from '../support/test-db.ts';
import { CID, createLtWorld, finalMarket, type LtWorld } from '../support/lt-world.ts';

const WON: [bigint, bigint] = [1_000000n, 0n];

// Each test builds a database, a world and a simulator: bounded generously for a loaded machine (PGlite's first start)
describe(`LT redemption of proxy and Safe wallets through the relayer (${backendName})`, { timeout: 120_000 }, () => {
  let w: LtWorld | undefined;
  let server: SimServer | undefined;
  afterEach(async () => {
    await server?.close();
    await w?.close();
  });

  /** A world trading as the proxy/Safe wallet `key` owns, with 20 YES won at 0.50, and the simulator serving its exchange */
  async function wonThroughWallet(type: 1 | 2): Promise<{ key: `0x${string}`; funder: string; world: LtWorld; sim: SimServer }> {
    const key = generatePrivateKey();
    const funder = ownedWallet(privateKeyToAccount(key).address, type);
    const world = await createLtWorld({ account: funder });
    w = world;
    const sim = await startSimServer({ port: 0, host: '127.0.0.1', exchange: world.exchange, clock: world.ft.clock, markets: [] });
    server = sim;
    world.asks([['0.50', '100']]);
    await world.buySignal({ price: 0.5 });
    await world.execute();
    world.ft.markets.setMarket(finalMarket(WON));
    await world.ft.resolve();
    world.exchange.resolve(CID, WON);
    return { key, funder, world, sim };
  }

  /** The configuration `tandem start` reads for VENUE=polymarket with this wallet (and the relayer when `relayer`) */
  function configOf(sim: SimServer, key: string, type: 0 | 1 | 2, funder: string | null, relayer: boolean) {
    const b = sim.relayer.builderCreds;
    return loadConfig({ VENUE: 'polymarket', POLYMARKET_PRIVATE_KEY: key, POLYMARKET_SIGNATURE_TYPE: String(type),
      ...(funder ? { POLYMARKET_FUNDER: funder } : {}), POLYGON_RPC_URL: `${sim.url}/rpc`,
      ...(relayer ? { POLYMARKET_RELAYER_URL: `${sim.url}/relayer`, POLYMARKET_BUILDER_API_KEY: b.key,
        POLYMARKET_BUILDER_SECRET: b.secret, POLYMARKET_BUILDER_PASSPHRASE: b.passphrase } : {}) });
  }

  /** The process wallet's chain `tandem start` builds from that configuration */
  const configuredChain = async (sim: SimServer, key: string, type: 1 | 2, funder: string, relayer: boolean): Promise<Chain> =>
    (await chainFor(configOf(sim, key, type, funder, relayer), null))!;

  const alerts = (world: LtWorld) => world.ft.t.db.query<{ message: string; detail: Record<string, unknown> }>(
    'SELECT message, detail FROM lt_alerts ORDER BY fired_at');

  it.each([[1, 'proxy'], [2, 'Safe']] as const)('a %s (%s) wallet\'s win: a failed relayer transaction is alerted and retried, never booked; then redeemed and booked once', async (type, _kind) => {
    const { key, funder, world, sim } = await wonThroughWallet(type);
    const chain = await configuredChain(sim, key, type, funder, true);
    expect(chain).toMatchObject({ name: 'polygon-relayer', address: funder, cannotRedeem: null });
    const before = world.exchange.balance(funder, COLLATERAL).total;

    sim.relayer.failNext();
    const first = await resolveLt({ ...world.deps, chain });
    expect(first).toMatchObject({ settled: 1, redeemed: 0, onChain: { submitted: 1, failed: 1, booked: 0, errors: [] } });
    expect(await world.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
    expect(world.exchange.balance(funder, COLLATERAL).total).toBe(before);
    const [alert] = await alerts(world);
    expect(alert!.message).toMatch(/failed \(attempt 1\): reverted: relayer STATE_FAILED/);
    expect(await resolveLt({ ...world.deps, chain })).toMatchObject({ onChain: { submitted: 0, booked: 0 } }); // backoff

    world.ft.clock.advance(60_000);
    const second = await resolveLt({ ...world.deps, chain });
    expect(second).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1, failed: 0, errors: [] } });
    expect(world.exchange.balance(funder, COLLATERAL).total - before).toBe(usdc('20'));
    expect(await world.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
    const [row] = await redemptionsOf(world.ft.t.db);
    const confirmed = sim.relayer.transactions.at(-1)!;
    expect(row).toMatchObject({ state: 'redeemed', attempts: 2, wallet: funder, collateralIn: usdc('20'),
      txHash: `relayer:${confirmed.transactionID}` });
    expect(sim.relayer.transactions.map((t) => [t.type, t.proxyAddress, t.state])).toEqual([
      [type === 1 ? 'PROXY' : 'SAFE', funder, 'STATE_FAILED'], [type === 1 ? 'PROXY' : 'SAFE', funder, 'STATE_CONFIRMED']]);
    expect(await resolveLt({ ...world.deps, chain })).toMatchObject({ redeemed: 0, onChain: { submitted: 0, booked: 0 } });
    expect(sim.relayer.transactions).toHaveLength(2);
  });

  it('a crash right after the submission is recorded: after the restart the relayer id is followed while pending, then booked once', async () => {
    const { key, funder, world, sim } = await wonThroughWallet(1);
    const before = world.exchange.balance(funder, COLLATERAL).total;
    const crash = { at: (p: CrashPoint) => { if (p === 'after_redeem_record') throw new Error(`crash at ${p}`); } };
    sim.relayer.holdNext(); // the relayer accepts it and keeps it STATE_NEW
    await expect(resolveLt({ ...world.deps, chain: await configuredChain(sim, key, 1, funder, true), hooks: crash }))
      .rejects.toThrow('crash at after_redeem_record');
    const [recorded] = await redemptionsOf(world.ft.t.db);
    expect(recorded).toMatchObject({ state: 'redeeming', attempts: 1, txHash: `relayer:${sim.relayer.transactions[0]!.transactionID}` });
    expect(sim.relayer.transactions).toEqual([expect.objectContaining({ state: 'STATE_NEW' })]);

    // A new process: a new chain and client, only the database remembers the relayer's id
    const pending = await resolveLt({ ...world.deps, chain: await configuredChain(sim, key, 1, funder, true) });
    expect(pending).toMatchObject({ redeemed: 0, errors: [], onChain: { submitted: 0, pending: 1, booked: 0, errors: [] } });
    expect(await world.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
    expect(sim.relayer.release()).toBe(1);
    const restarted = await resolveLt({ ...world.deps, chain: await configuredChain(sim, key, 1, funder, true) });
    expect(restarted).toMatchObject({ redeemed: 1, errors: [], onChain: { submitted: 0, booked: 1, errors: [] } });
    expect(sim.relayer.transactions).toEqual([expect.objectContaining({ state: 'STATE_MINED' })]);
    expect(sim.relayer.transactions).toHaveLength(1);
    expect(world.exchange.balance(funder, COLLATERAL).total - before).toBe(usdc('20'));
    expect(await redemptionsOf(world.ft.t.db)).toEqual([expect.objectContaining({ state: 'redeemed', attempts: 1, txHash: recorded!.txHash })]);
    expect(await world.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
  });

  it('without the relayer configured a proxy wallet gets one alert saying what to redeem by hand, and nothing is sent', async () => {
    const { key, funder, world, sim } = await wonThroughWallet(1);
    const chain = await configuredChain(sim, key, 1, funder, false);
    expect(chain.cannotRedeem).toMatch(/POLYMARKET_RELAYER_URL/);
    expect(await resolveLt({ ...world.deps, chain })).toMatchObject({ settled: 1, redeemed: 0, onChain: { manual: 1, submitted: 0 } });
    expect(await resolveLt({ ...world.deps, chain })).toMatchObject({ onChain: { manual: 1, submitted: 0 } });
    const rows = await alerts(world);
    expect(rows).toHaveLength(1); // once per cool-down
    expect(rows[0]!.message).toContain(`Redeem by hand for wallet ${funder}`);
    expect(rows[0]!.message).toContain(`market "Will it rain in Paris?" (condition ${CID})`);
    expect(rows[0]!.message).toContain('worth 20.000000 USDC');
    expect(rows[0]!.detail).toMatchObject({ wallet: funder, condition_id: CID, market: 'Will it rain in Paris?', usdc: '20.000000' });
    expect(sim.relayer.transactions).toEqual([]);
    expect(await redemptionsOf(world.ft.t.db)).toEqual([expect.objectContaining({ state: 'redeemable' })]);
    expect(await world.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
  });

  it('a user\'s linked proxy wallet is redeemed through the same relayer with that wallet\'s own key, never the process key', async () => {
    const { key, funder, world, sim } = await wonThroughWallet(1);
    const db = world.ft.t.db;
    const box = createSecretBox(randomBytes(32));
    const linked = await linkWallet({ db, clock: world.ft.clock, secrets: box }, world.userId, { private_key: key, signature_type: 1, funder });
    if (!linked.ok) throw new Error(JSON.stringify(linked.error));
    const owner = privateKeyToAccount(key).address.toLowerCase();
    await db.query('UPDATE lt_strategies SET wallet_address = $1 WHERE user_id = $2 AND strategy_id = $3', [owner, world.userId, world.strategyId]);
    // The process wallet is another EOA, with the relayer configured
    const config = configOf(sim, generatePrivateKey(), 0, null, true);
    const chains = walletChainsFor(config, { db, secrets: box, log: silentLog, exchange: null });
    expect(await chains(owner)).toMatchObject({ name: 'polygon-relayer', address: funder, cannotRedeem: null });
    const before = world.exchange.balance(funder, COLLATERAL).total;
    const run = await resolveLt({ ...world.deps, chain: (await chainFor(config, null))!, chains });
    expect(run).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1, manual: 0, errors: [] } });
    expect(sim.relayer.transactions).toEqual([expect.objectContaining({ from: owner, proxyAddress: funder, state: 'STATE_CONFIRMED' })]);
    expect(sim.rpc.redemptions.map((r) => r.from)).toEqual([funder]);
    expect(world.exchange.balance(funder, COLLATERAL).total - before).toBe(usdc('20'));
    expect(await redemptionsOf(db)).toEqual([expect.objectContaining({ state: 'redeemed', wallet: funder })]);
  });
});
