/**
 * Redemption on chain over the wire: the LT resolve job with the viem chain adapter against the loopback simulator's
 * JSON-RPC (127.0.0.1), on the same exchange the simulated venue trades on. Winnings are redeemed through the pUSD
 * collateral adapters (CtfCollateralAdapter for standard markets, NegRiskCtfCollateralAdapter for neg-risk ones), each
 * approved once on the conditional-tokens contract before its first redemption. The won position becomes available
 * cash once the transaction is mined and the pUSD it paid the wallet covers it: exactly the payout. A reverted
 * transaction (an adapter whose approval was withdrawn, or any other) is alerted and retried after the backoff, never
 * booked; a direct conditional-tokens redemption with pUSD as collateral is confirmed, pays 0, and is failed and alerted
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPublicClient, createWalletClient, erc1155Abi, http, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { usdc } from '../../src/domain/money.ts';
import { resolveLt } from '../../src/engine/lt-resolve.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { redemptionsOf } from '../../src/store/redemption-store.ts';
import { createPolygonChain } from '../../src/venues/polymarket/chain.ts';
import { POLYGON_CONTRACTS, type ChainContracts } from '../../src/venues/polymarket/chain-contracts.ts';
import { backendName } from '../support/test-db.ts';
import { CID, createLtWorld, finalMarket, type LtWorld } from '../support/lt-world.ts';

const WON: [bigint, bigint] = [1_000000n, 0n];
const TIMEOUT = 120_000; // a loaded 2-core machine: each run makes a dozen JSON-RPC round trips
const lower = (a: string) => a.toLowerCase();

describe(`LT redemption through viem and the simulator's JSON-RPC (${backendName})`, () => {
  let w: LtWorld | undefined;
  let server: SimServer | undefined;
  afterEach(async () => {
    await server?.close();
    await w?.close();
  });

  /** A wallet whose 20 YES bought at 0.50 won, the simulator serving its exchange, and its Polygon chain */
  async function wonOnTheWire(o: { negRisk?: boolean; contracts?: ChainContracts; approvalWaitMs?: number } = {}) {
    const key: Hex = generatePrivateKey();
    const address = privateKeyToAccount(key).address.toLowerCase();
    w = await createLtWorld({ account: address, negRisk: o.negRisk ?? false });
    server = await startSimServer({ port: 0, host: '127.0.0.1', exchange: w.exchange, clock: w.ft.clock, markets: [] });
    const chain = createPolygonChain({ rpcUrl: `${server.url}/rpc`, privateKey: key, signatureType: 0,
      ...(o.contracts ? { contracts: o.contracts } : {}),
      ...(o.approvalWaitMs !== undefined ? { approval: { waitMs: o.approvalWaitMs, pollMs: 20 } } : {}) });
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    w.ft.markets.setMarket({ ...finalMarket(WON), negRisk: o.negRisk ?? false });
    await w.ft.resolve();
    w.exchange.resolve(CID, WON);
    return { key, address, chain, world: w, sim: server, before: await chain.collateralBalance() };
  }

  const alerts = async (lw: LtWorld) => lw.ft.t.db.query<{ kind: string; message: string; detail: Record<string, unknown> }>(
    'SELECT kind, message, detail FROM lt_alerts ORDER BY fired_at');

  it('the first redemption approves the standard adapter, then redeems through it: paid in pUSD, booked once', async () => {
    const { address, chain, world, sim, before } = await wonOnTheWire();
    const run = await resolveLt({ ...world.deps, chain });
    expect(run).toMatchObject({ settled: 1, redeemed: 1, onChain: { submitted: 1, booked: 1, failed: 0, pending: 0, errors: [] } });
    expect(sim.rpc.approvals).toEqual([{ hash: expect.any(String), from: address, ok: true }]);
    expect(sim.rpc.chain.isApproved(address, POLYGON_CONTRACTS.ctfCollateralAdapter)).toBe(true);
    const [row] = await redemptionsOf(world.ft.t.db);
    expect(sim.rpc.redemptions).toEqual([{ hash: row!.txHash, from: address, to: lower(POLYGON_CONTRACTS.ctfCollateralAdapter),
      ok: true, paid: usdc('20') }]);
    // The approval was mined before the redemption, in a block of its own, from the same wallet
    const client = createPublicClient({ transport: http(`${sim.url}/rpc`) });
    const [approval, redeem] = await Promise.all([sim.rpc.approvals[0]!.hash, row!.txHash as Hex]
      .map((hash) => client.getTransactionReceipt({ hash })));
    expect(approval!.blockNumber).toBeLessThan(redeem!.blockNumber);
    expect(redeem!.logs).toEqual([expect.objectContaining({ address: lower(POLYGON_CONTRACTS.collateral) })]); // the pUSD Transfer
    expect((await chain.collateralBalance()) - before).toBe(usdc('20'));
    expect(await world.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
    expect(row).toMatchObject({ state: 'redeemed', attempts: 1, wallet: address, collateralIn: usdc('20') });
    expect(await resolveLt({ ...world.deps, chain })).toMatchObject({ redeemed: 0, onChain: { submitted: 0, booked: 0 } });
    expect(sim.rpc.approvals).toHaveLength(1);
  }, TIMEOUT);

  it('an approval not mined yet holds the redemption for a later run: nothing recorded, then approved once and redeemed', async () => {
    const { address, chain, world, sim, before } = await wonOnTheWire({ approvalWaitMs: 100 });
    sim.rpc.holdNext();
    expect(await resolveLt({ ...world.deps, chain })).toMatchObject({ redeemed: 0,
      onChain: { submitted: 0, pending: 1, failed: 0, booked: 0, errors: [] } });
    expect(await redemptionsOf(world.ft.t.db)).toEqual([expect.objectContaining({ state: 'redeemable', attempts: 0, txHash: null })]);
    expect(sim.rpc.redemptions).toEqual([]);
    expect(await world.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
    sim.rpc.mine();
    expect(await resolveLt({ ...world.deps, chain })).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1, errors: [] } });
    expect(sim.rpc.approvals).toEqual([expect.objectContaining({ from: address, ok: true })]);
    expect((await chain.collateralBalance()) - before).toBe(usdc('20'));
    expect(await world.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
  }, TIMEOUT);

  it('a neg-risk market is redeemed through the neg-risk adapter, approved on its own, with the amounts held', async () => {
    const { address, chain, world, sim, before } = await wonOnTheWire({ negRisk: true });
    expect(await resolveLt({ ...world.deps, chain })).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1, errors: [] } });
    expect(sim.rpc.chain.isApproved(address, POLYGON_CONTRACTS.negRiskCollateralAdapter)).toBe(true);
    expect(sim.rpc.chain.isApproved(address, POLYGON_CONTRACTS.ctfCollateralAdapter)).toBe(false);
    expect(sim.rpc.redemptions).toEqual([expect.objectContaining({ to: lower(POLYGON_CONTRACTS.negRiskCollateralAdapter), ok: true,
      paid: usdc('20') })]);
    expect((await chain.collateralBalance()) - before).toBe(usdc('20'));
    expect(await world.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
  }, TIMEOUT);

  it('a reverted redemption is alerted and retried after the backoff, never booked', async () => {
    const { address, chain, world, sim, before } = await wonOnTheWire();
    sim.rpc.revertNext();
    const first = await resolveLt({ ...world.deps, chain });
    expect(first).toMatchObject({ settled: 1, redeemed: 0, onChain: { submitted: 1, failed: 1, booked: 0, errors: [] } });
    expect(await world.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
    expect(await chain.collateralBalance()).toBe(before);
    const [alert] = await alerts(world);
    expect(alert).toMatchObject({ kind: 'redemption', message: expect.stringMatching(/failed \(attempt 1\): reverted/) });

    world.ft.clock.advance(60_000);
    const second = await resolveLt({ ...world.deps, chain });
    expect(second).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1, failed: 0, errors: [] } });
    expect((await chain.collateralBalance()) - before).toBe(usdc('20'));
    expect(await world.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
    const [row] = await redemptionsOf(world.ft.t.db);
    expect(row).toMatchObject({ state: 'redeemed', attempts: 2, wallet: address, collateralIn: usdc('20') });
    expect(sim.rpc.redemptions.map((r) => [r.hash, r.ok])).toEqual([[expect.any(String), false], [row!.txHash, true]]);
    expect(sim.rpc.approvals).toHaveLength(1); // approved once: the revert did not undo it
    expect(await resolveLt({ ...world.deps, chain })).toMatchObject({ redeemed: 0, onChain: { submitted: 0, booked: 0 } });
  }, TIMEOUT);

  it('an adapter whose approval was withdrawn reverts the redemption: alerted, never booked; the retry approves it again', async () => {
    const { key, address, chain, world, sim, before } = await wonOnTheWire();
    const call = { conditionId: CID, negRisk: false, amounts: [] };
    expect(await chain.approveRedeem(call)).toEqual({ kind: 'approved' }); // approved earlier, and remembered
    // The wallet withdraws the approval from another tool: its own transaction, signed with viem
    const wallet = createWalletClient({ account: privateKeyToAccount(key), transport: http(`${sim.url}/rpc`) });
    await wallet.writeContract({ chain: null, address: POLYGON_CONTRACTS.conditionalTokens, abi: erc1155Abi,
      functionName: 'setApprovalForAll', args: [POLYGON_CONTRACTS.ctfCollateralAdapter, false] });
    expect(sim.rpc.chain.isApproved(address, POLYGON_CONTRACTS.ctfCollateralAdapter)).toBe(false);

    const first = await resolveLt({ ...world.deps, chain });
    expect(first).toMatchObject({ redeemed: 0, onChain: { submitted: 1, failed: 1, booked: 0, errors: [] } });
    expect(sim.rpc.redemptions).toEqual([expect.objectContaining({ to: lower(POLYGON_CONTRACTS.ctfCollateralAdapter), ok: false })]);
    expect(await world.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
    const [alert] = await alerts(world);
    expect(alert).toMatchObject({ kind: 'redemption', message: expect.stringMatching(/failed \(attempt 1\): reverted/) });
    expect(await redemptionsOf(world.ft.t.db)).toEqual([expect.objectContaining({ state: 'failed', attempts: 1 })]);

    world.ft.clock.advance(60_000);
    expect(await resolveLt({ ...world.deps, chain })).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1, errors: [] } });
    expect(sim.rpc.approvals.map((a) => a.ok)).toEqual([true, true, true]); // approve, withdraw, approve again
    expect(sim.rpc.chain.isApproved(address, POLYGON_CONTRACTS.ctfCollateralAdapter)).toBe(true);
    expect((await chain.collateralBalance()) - before).toBe(usdc('20'));
    expect(await world.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
  }, TIMEOUT);

  it('the old path (the conditional-tokens contract called directly, pUSD as collateral) pays 0: failed and alerted, never booked', async () => {
    // Standard redemptions routed at the CTF itself, as before the collateral adapters
    const contracts = { ...POLYGON_CONTRACTS, ctfCollateralAdapter: POLYGON_CONTRACTS.conditionalTokens };
    const { chain, world, sim, before } = await wonOnTheWire({ contracts });
    const run = await resolveLt({ ...world.deps, chain });
    expect(run).toMatchObject({ redeemed: 0, onChain: { submitted: 1, failed: 1, booked: 0, errors: [] } });
    expect(sim.rpc.redemptions).toEqual([expect.objectContaining({ to: lower(POLYGON_CONTRACTS.conditionalTokens), ok: true, paid: 0n })]);
    expect(await chain.collateralBalance()).toBe(before);
    const [row] = await redemptionsOf(world.ft.t.db);
    expect(row).toMatchObject({ state: 'failed', attempts: 1,
      lastError: 'confirmed, but the wallet received 0.000000 collateral of the 20.000000 redeemed' });
    const [alert] = await alerts(world);
    expect(alert).toMatchObject({ kind: 'redemption', message: expect.stringContaining('received 0.000000 collateral') });
    expect(await world.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
  }, TIMEOUT);
});
