/**
 * Redemption on chain over the wire: the LT resolve job with the viem chain adapter against the loopback simulator's
 * JSON-RPC (127.0.0.1), on the same exchange the simulated venue trades on. The won position becomes available cash
 * once the signed transaction is mined and its collateral shows in the wallet: exactly the payout; a reverted
 * transaction is alerted and retried after the backoff, never booked
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { usdc } from '../../src/domain/money.ts';
import { resolveLt } from '../../src/engine/lt-resolve.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { redemptionsOf } from '../../src/store/redemption-store.ts';
import { createPolygonChain } from '../../src/venues/polymarket/chain.ts';
import { backendName } from '../support/test-db.ts';
import { CID, createLtWorld, finalMarket, type LtWorld } from '../support/lt-world.ts';

describe(`LT redemption through viem and the simulator's JSON-RPC (${backendName})`, () => {
  let w: LtWorld | undefined;
  let server: SimServer | undefined;
  afterEach(async () => {
    await server?.close();
    await w?.close();
  });

  it('redeems a won position: the wallet collateral rises by the payout exactly, booked once; a reverted one is retried and alerted', async () => {
    const key = generatePrivateKey();
    const address = privateKeyToAccount(key).address.toLowerCase();
    w = await createLtWorld({ account: address });
    server = await startSimServer({ port: 0, host: '127.0.0.1', exchange: w.exchange, clock: w.ft.clock, markets: [] });
    const chain = createPolygonChain({ rpcUrl: `${server.url}/rpc`, privateKey: key, signatureType: 0 });
    w.asks([['0.50', '100']]);
    await w.buySignal({ price: 0.5 });
    await w.execute();
    w.ft.markets.setMarket(finalMarket([1_000000n, 0n]));
    await w.ft.resolve();
    w.exchange.resolve(CID, [1_000000n, 0n]);
    const before = await chain.collateralBalance();

    server.rpc.revertNext();
    const first = await resolveLt({ ...w.deps, chain });
    expect(first).toMatchObject({ settled: 1, redeemed: 0, onChain: { submitted: 1, failed: 1, booked: 0, errors: [] } });
    expect(await w.checkLedger()).toMatchObject({ available: usdc('990'), cooldown: usdc('20') });
    expect(await chain.collateralBalance()).toBe(before);
    const [alert] = await w.ft.t.db.query<{ kind: string; message: string }>('SELECT kind, message FROM lt_alerts');
    expect(alert).toMatchObject({ kind: 'redemption', message: expect.stringMatching(/failed \(attempt 1\): reverted/) });

    w.ft.clock.advance(60_000);
    const second = await resolveLt({ ...w.deps, chain });
    expect(second).toMatchObject({ redeemed: 1, onChain: { submitted: 1, booked: 1, failed: 0, errors: [] } });
    expect((await chain.collateralBalance()) - before).toBe(usdc('20'));
    expect(await w.checkLedger()).toMatchObject({ available: usdc('1010'), cooldown: 0n });
    const [row] = await redemptionsOf(w.ft.t.db);
    expect(row).toMatchObject({ state: 'redeemed', attempts: 2, wallet: address, collateralIn: usdc('20') });
    expect(server.rpc.redemptions.map((r) => [r.hash, r.ok])).toEqual([[expect.any(String), false], [row!.txHash, true]]);
    expect(await resolveLt({ ...w.deps, chain })).toMatchObject({ redeemed: 0, onChain: { submitted: 0, booked: 0 } });
  });
});
