/**
 * The viem chain adapter over the wire: against the loopback simulator's JSON-RPC on 127.0.0.1 it signs a
 * redemption locally, sends it raw, reads the receipt and the collateral balance, which rises by the payout exactly;
 * neg-risk markets go through the adapter with amounts; a reverted transaction is reported, never confirmed
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { shares, usdc } from '../../domain/money.ts';
import { startSimServer, type SimServer } from '../../sim/server/server.ts';
import { createPolygonChain } from './chain.ts';

let server: SimServer;
const key = generatePrivateKey();
const address = privateKeyToAccount(key).address.toLowerCase();

beforeAll(async () => {
  server = await startSimServer({ port: 0, seed: 5, markets: [] });
});
afterAll(async () => server.close());

/** A resolved market where the wallet holds `held` shares of each outcome (Yes wins) */
function wonMarket(n: number, held: [string, string], negRisk = false): string {
  const conditionId = `0x${String(n).repeat(64)}`;
  const yes = `${n}01`;
  const no = `${n}02`;
  server.addMarket({ question: `Market ${n}?`, conditionId, tokenIds: [yes, no], negRisk });
  server.exchange.credit(address, yes, shares(held[0]));
  server.exchange.credit(address, no, shares(held[1]));
  server.exchange.resolve(conditionId, [1_000000n, 0n]);
  return conditionId;
}

const chainOf = () => createPolygonChain({ rpcUrl: `${server.url}/rpc`, privateKey: key, signatureType: 0 });

describe('the viem chain adapter against the simulator JSON-RPC', () => {
  it('redeems a won position through the conditional-tokens contract: the collateral balance rises by the payout exactly', async () => {
    const cid = wonMarket(3, ['12.5', '4']);
    const chain = chainOf();
    expect(chain.address).toBe(address);
    expect(chain.cannotRedeem).toBeNull();
    const before = await chain.collateralBalance();
    const signed = await chain.signRedeem({ conditionId: cid, negRisk: false, amounts: [shares('12.5'), shares('4')] });
    expect(signed.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await chain.receipt(signed.txHash)).toEqual({ kind: 'not_found' }); // signed, not sent
    expect(await chain.send(signed)).toEqual({ kind: 'sent' });
    expect(await chain.receipt(signed.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('12.5') });
    expect((await chain.collateralBalance()) - before).toBe(usdc('12.5'));
    expect(server.exchange.balance(address, '301').total).toBe(0n);
    expect(server.exchange.balance(address, '302').total).toBe(0n); // the loser is burned too, for nothing
    // The same bytes again change nothing
    expect(await chain.send(signed)).toEqual({ kind: 'sent' });
    expect((await chain.collateralBalance()) - before).toBe(usdc('12.5'));
    expect(server.rpc.redemptions).toHaveLength(1);
  });

  it('redeems a neg-risk position through the adapter with the amounts given', async () => {
    const cid = wonMarket(4, ['10', '0'], true);
    const chain = chainOf();
    const before = await chain.collateralBalance();
    const signed = await chain.signRedeem({ conditionId: cid, negRisk: true, amounts: [shares('6'), 0n as never] });
    await chain.send(signed);
    expect(await chain.receipt(signed.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('6') });
    expect((await chain.collateralBalance()) - before).toBe(usdc('6'));
    expect(server.exchange.balance(address, '401').total).toBe(shares('4'));
  });

  it('reports a reverted redemption, and refuses a stale transaction whose nonce was used', async () => {
    const cid = wonMarket(5, ['3', '0']);
    const other = wonMarket(6, ['1', '0']);
    const chain = chainOf();
    const before = await chain.collateralBalance();
    // Signed with the same nonce as the next one, then never sent in time
    const stale = await chain.signRedeem({ conditionId: other, negRisk: false, amounts: [shares('1'), 0n as never] });
    server.rpc.revertNext();
    const reverted = await chain.signRedeem({ conditionId: cid, negRisk: false, amounts: [shares('3'), 0n as never] });
    await chain.send(reverted);
    expect(await chain.receipt(reverted.txHash)).toMatchObject({ kind: 'reverted' });
    expect(await chain.collateralBalance()).toBe(before);
    expect(await chain.send(stale)).toMatchObject({ kind: 'rejected', detail: expect.stringMatching(/nonce too low/) });
    const retry = await chain.signRedeem({ conditionId: cid, negRisk: false, amounts: [shares('3'), 0n as never] });
    await chain.send(retry);
    expect(await chain.receipt(retry.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('3') });
    expect((await chain.collateralBalance()) - before).toBe(usdc('3'));
  });

  it('a proxy or Safe wallet cannot redeem here, and says why', () => {
    const funder = '0x' + 'ab'.repeat(20);
    const chain = createPolygonChain({ rpcUrl: `${server.url}/rpc`, privateKey: key, signatureType: 2, funder });
    expect(chain.address).toBe(funder);
    expect(chain.cannotRedeem).toMatch(/Safe wallet 0xabab.*relayer, which is not configured \(POLYMARKET_RELAYER_URL/);
  });
});
