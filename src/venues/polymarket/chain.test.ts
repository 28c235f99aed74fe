// @backend-independent
/**
 * The viem chain adapter over the wire: against the loopback simulator's JSON-RPC on 127.0.0.1 it approves the pUSD
 * collateral adapter once on the conditional-tokens contract, signs a redemption through it locally, sends it raw,
 * reads the receipt and the pUSD balance, which rises by the payout exactly; neg-risk markets go through the neg-risk
 * adapter with amounts; a redemption through an adapter not approved, or a reverted one, is reported, never confirmed;
 * a direct conditional-tokens redemption with pUSD as collateral is confirmed and pays 0
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Hex } from 'viem';
import { shares, usdc } from '../../domain/money.ts';
import { startSimServer, type SimServer } from '../../sim/server/server.ts';
import { createPolygonChain } from './chain.ts';
import { POLYGON_CONTRACTS } from './chain-contracts.ts';

let server: SimServer;
let n = 10;

beforeAll(async () => {
  server = await startSimServer({ port: 0, seed: 5, markets: [] });
});
afterAll(async () => server.close());

/** A wallet of its own, and its chain */
function wallet(contracts = POLYGON_CONTRACTS) {
  const key: Hex = generatePrivateKey();
  const address = privateKeyToAccount(key).address.toLowerCase();
  return { key, address, chain: createPolygonChain({ rpcUrl: `${server.url}/rpc`, privateKey: key, signatureType: 0, contracts,
    approval: { waitMs: 200, pollMs: 20 } }) };
}

/** A resolved market where `address` holds `held` shares of each outcome (Yes wins); its token ids are `${n}01`, `${n}02` */
function wonMarket(address: string, held: [string, string], negRisk = false): { cid: string; yes: string; no: string } {
  n += 1;
  const cid = `0x${String(n).repeat(32)}`;
  const [yes, no] = [`${n}01`, `${n}02`];
  server.addMarket({ question: `Market ${n}?`, conditionId: cid, tokenIds: [yes, no], negRisk });
  server.exchange.credit(address, yes, shares(held[0]));
  server.exchange.credit(address, no, shares(held[1]));
  server.exchange.resolve(cid, [1_000000n, 0n]);
  return { cid, yes, no };
}

const approvalsBy = (address: string) => server.rpc.approvals.filter((a) => a.from === address);
const redemptionsBy = (address: string) => server.rpc.redemptions.filter((r) => r.from === address);
const lower = (a: string) => a.toLowerCase();

describe('the viem chain adapter against the simulator JSON-RPC', () => {
  it('approves the standard adapter once, then redeems through it: the pUSD balance rises by the payout exactly', async () => {
    const { address, chain } = wallet();
    const m = wonMarket(address, ['12.5', '4']);
    expect(chain.address).toBe(address);
    expect(chain.cannotRedeem).toBeNull();
    const call = { conditionId: m.cid, negRisk: false, amounts: [shares('12.5'), shares('4')] };
    expect(server.rpc.chain.isApproved(address, POLYGON_CONTRACTS.ctfCollateralAdapter)).toBe(false);
    expect(await chain.approveRedeem(call)).toEqual({ kind: 'approved' });
    expect(approvalsBy(address)).toEqual([expect.objectContaining({ ok: true })]);
    expect(server.rpc.chain.isApproved(address, POLYGON_CONTRACTS.ctfCollateralAdapter)).toBe(true);
    expect(server.rpc.chain.isApproved(address, POLYGON_CONTRACTS.negRiskCollateralAdapter)).toBe(false);
    expect(await chain.approveRedeem(call)).toEqual({ kind: 'approved' }); // known: no second approval
    expect(approvalsBy(address)).toHaveLength(1);

    const before = await chain.collateralBalance();
    const signed = await chain.signRedeem(call);
    expect(signed.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await chain.receipt(signed.txHash)).toEqual({ kind: 'not_found' }); // signed, not sent
    expect(await chain.send(signed)).toEqual({ kind: 'sent' });
    expect(await chain.receipt(signed.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('12.5') });
    expect((await chain.collateralBalance()) - before).toBe(usdc('12.5'));
    expect(server.exchange.balance(address, m.yes).total).toBe(0n);
    expect(server.exchange.balance(address, m.no).total).toBe(0n); // the loser is burned too, for nothing
    expect(redemptionsBy(address)).toEqual([{ hash: signed.txHash, from: address, to: lower(POLYGON_CONTRACTS.ctfCollateralAdapter),
      ok: true, paid: usdc('12.5') }]);
    // The same bytes again change nothing
    expect(await chain.send(signed)).toEqual({ kind: 'sent' });
    expect((await chain.collateralBalance()) - before).toBe(usdc('12.5'));
    expect(redemptionsBy(address)).toHaveLength(1);
  });

  it('redeems a neg-risk position through the neg-risk adapter, approved on its own, with the amounts given', async () => {
    const { address, chain } = wallet();
    const m = wonMarket(address, ['10', '0'], true);
    const call = { conditionId: m.cid, negRisk: true, amounts: [shares('6'), shares('0')] };
    expect(await chain.approveRedeem(call)).toEqual({ kind: 'approved' });
    expect(server.rpc.chain.isApproved(address, POLYGON_CONTRACTS.negRiskCollateralAdapter)).toBe(true);
    expect(server.rpc.chain.isApproved(address, POLYGON_CONTRACTS.ctfCollateralAdapter)).toBe(false);
    const before = await chain.collateralBalance();
    const signed = await chain.signRedeem(call);
    await chain.send(signed);
    expect(await chain.receipt(signed.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('6') });
    expect((await chain.collateralBalance()) - before).toBe(usdc('6'));
    expect(server.exchange.balance(address, m.yes).total).toBe(shares('4'));
    expect(redemptionsBy(address)).toEqual([expect.objectContaining({ to: lower(POLYGON_CONTRACTS.negRiskCollateralAdapter), ok: true })]);
  });

  it('an approval not mined within the wait is pending: followed by its hash, never sent twice, approved once mined', async () => {
    const { address, chain } = wallet();
    const m = wonMarket(address, ['2', '0']);
    const call = { conditionId: m.cid, negRisk: false, amounts: [shares('2'), shares('0')] };
    server.rpc.holdNext();
    const first = await chain.approveRedeem(call);
    expect(first).toEqual({ kind: 'pending', txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(await chain.approveRedeem(call)).toEqual(first); // the same transaction, followed
    expect(server.rpc.chain.isApproved(address, POLYGON_CONTRACTS.ctfCollateralAdapter)).toBe(false);
    server.rpc.mine();
    expect(await chain.approveRedeem(call)).toEqual({ kind: 'approved' });
    expect(approvalsBy(address)).toEqual([{ hash: (first as { txHash: string }).txHash, from: address, ok: true }]);
    const signed = await chain.signRedeem(call); // the next nonce: after the approval
    await chain.send(signed);
    expect(await chain.receipt(signed.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('2') });
  });

  it('a redemption through an adapter the wallet has not approved reverts: nothing is burned or paid', async () => {
    const { address, chain } = wallet();
    const m = wonMarket(address, ['3', '0']);
    const call = { conditionId: m.cid, negRisk: false, amounts: [shares('3'), shares('0')] };
    const before = await chain.collateralBalance();
    const unapproved = await chain.signRedeem(call);
    await chain.send(unapproved);
    expect(await chain.receipt(unapproved.txHash)).toMatchObject({ kind: 'reverted' });
    expect(await chain.collateralBalance()).toBe(before);
    expect(server.exchange.balance(address, m.yes).total).toBe(shares('3'));
    expect(await chain.approveRedeem(call)).toEqual({ kind: 'approved' });
    const retry = await chain.signRedeem(call);
    await chain.send(retry);
    expect(await chain.receipt(retry.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('3') });
  });

  it('reports a reverted redemption, and refuses a stale transaction whose nonce was used', async () => {
    const { address, chain } = wallet();
    const m = wonMarket(address, ['3', '0']);
    const other = wonMarket(address, ['1', '0']);
    const call = { conditionId: m.cid, negRisk: false, amounts: [shares('3'), shares('0')] };
    await chain.approveRedeem(call);
    const before = await chain.collateralBalance();
    // Signed with the same nonce as the next one, then never sent in time
    const stale = await chain.signRedeem({ conditionId: other.cid, negRisk: false, amounts: [shares('1'), shares('0')] });
    server.rpc.revertNext();
    const reverted = await chain.signRedeem(call);
    await chain.send(reverted);
    expect(await chain.receipt(reverted.txHash)).toMatchObject({ kind: 'reverted' });
    expect(await chain.collateralBalance()).toBe(before);
    expect(await chain.send(stale)).toMatchObject({ kind: 'rejected', detail: expect.stringMatching(/nonce too low/) });
    expect(await chain.approveRedeem(call)).toEqual({ kind: 'approved' }); // read again after the revert: still approved
    expect(approvalsBy(address)).toHaveLength(1);
    const retry = await chain.signRedeem(call);
    await chain.send(retry);
    expect(await chain.receipt(retry.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('3') });
    expect((await chain.collateralBalance()) - before).toBe(usdc('3'));
  });

  it('the old path, the conditional-tokens contract called directly with pUSD as collateral, is confirmed and pays 0', async () => {
    // A chain whose standard redemptions are routed at the CTF itself (the call the adapter shares)
    const { address, chain } = wallet({ ...POLYGON_CONTRACTS, ctfCollateralAdapter: POLYGON_CONTRACTS.conditionalTokens });
    const m = wonMarket(address, ['5', '0']);
    const call = { conditionId: m.cid, negRisk: false, amounts: [shares('5'), shares('0')] };
    await chain.approveRedeem(call);
    const before = await chain.collateralBalance();
    const signed = await chain.signRedeem(call);
    await chain.send(signed);
    expect(await chain.receipt(signed.txHash)).toEqual({ kind: 'confirmed', collateralIn: 0n });
    expect(await chain.collateralBalance()).toBe(before);
    expect(server.exchange.balance(address, m.yes).total).toBe(shares('5'));
    expect(redemptionsBy(address)).toEqual([expect.objectContaining({ to: lower(POLYGON_CONTRACTS.conditionalTokens), ok: true, paid: 0n })]);
  });

  it('a proxy or Safe wallet cannot redeem here, and says why', () => {
    const funder = '0x' + 'ab'.repeat(20);
    const chain = createPolygonChain({ rpcUrl: `${server.url}/rpc`, privateKey: generatePrivateKey(), signatureType: 2, funder });
    expect(chain.address).toBe(funder);
    expect(chain.cannotRedeem).toMatch(/Safe wallet 0xabab.*relayer, which is not configured \(POLYMARKET_RELAYER_URL/);
  });
});
