// @backend-independent
/**
 * The relayer chain adapter over the wire, with the official relayer client against the loopback simulator's relayer
 * and JSON-RPC (127.0.0.1): a proxy wallet's and a Safe's winnings are redeemed into the proxy/Safe (funder) account,
 * the relayer's id recorded as the hash and followed to the collateral it paid; a failed relayer transaction reads as
 * reverted, nothing paid; a signature not made by `from`, or wrong builder credentials, are refused by the relayer
 */
import { BuilderConfig } from '@polymarket/builder-signing-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { shares, usdc } from '../../domain/money.ts';
import { startSimServer, type SimServer } from '../../sim/server/server.ts';
import { createRelayerChain, ownedWallet, type RelayerChainOptions } from './relayer-chain.ts';

let server: SimServer;

beforeAll(async () => {
  server = await startSimServer({ port: 0, seed: 7, markets: [] });
});
afterAll(async () => server.close());

/** A resolved market where `wallet` holds `held` shares of each outcome (Yes wins) */
function wonMarket(n: number, wallet: string, held: [string, string], negRisk = false): string {
  const conditionId = `0x${String(n).padStart(64, 'c')}`;
  server.addMarket({ question: `Market ${n}?`, conditionId, tokenIds: [`${n}01`, `${n}02`], negRisk });
  server.exchange.credit(wallet, `${n}01`, shares(held[0]));
  server.exchange.credit(wallet, `${n}02`, shares(held[1]));
  server.exchange.resolve(conditionId, [1_000000n, 0n]);
  return conditionId;
}

function chainOf(key: `0x${string}`, signatureType: 1 | 2, extra: Partial<RelayerChainOptions> = {}) {
  return createRelayerChain({ relayerUrl: `${server.url}/relayer`, builder: server.relayer.builderCreds,
    rpcUrl: `${server.url}/rpc`, privateKey: key, signatureType, ...extra });
}

describe('the relayer chain adapter against the simulator relayer', () => {
  it.each([[1, 'proxy'], [2, 'Safe']] as const)('redeems a %s (%s) wallet\'s win into that wallet: collateral in exactly, tokens burned', async (type, _kind) => {
    const key = generatePrivateKey();
    const funder = ownedWallet(privateKeyToAccount(key).address, type);
    const cid = wonMarket(10 + type, funder, ['12.5', '4']);
    server.exchange.credit(funder, 'USDC', usdc('1')); // a funded (deployed) wallet
    const chain = chainOf(key, type, { funder });
    expect(chain.address).toBe(funder);
    expect(chain.cannotRedeem).toBeNull();
    const before = await chain.collateralBalance();
    const signed = await chain.signRedeem({ conditionId: cid, negRisk: false, amounts: [shares('12.5'), shares('4')] });
    expect(signed.txHash).toMatch(/^relayer:[0-9a-f-]{36}$/);
    expect(await chain.send(signed)).toEqual({ kind: 'sent' });
    expect(await chain.receipt(signed.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('12.5') });
    expect((await chain.collateralBalance()) - before).toBe(usdc('12.5'));
    expect(server.exchange.balance(funder, `${10 + type}01`).total).toBe(0n);
    const tx = server.relayer.transactions.at(-1)!;
    expect(tx).toMatchObject({ type: type === 1 ? 'PROXY' : 'SAFE', proxyAddress: funder, state: 'STATE_CONFIRMED',
      from: privateKeyToAccount(key).address.toLowerCase() });
    expect(server.relayer.nonceOf(tx.from, tx.type)).toBe(1);
    // The owner's own account (the EOA) was not touched
    expect(server.exchange.balance(tx.from, 'USDC').total).toBe(0n);
  });

  it('redeems a neg-risk position of a proxy wallet through the adapter with the amounts given', async () => {
    const key = generatePrivateKey();
    const funder = ownedWallet(privateKeyToAccount(key).address, 1);
    const cid = wonMarket(13, funder, ['10', '0'], true);
    const chain = chainOf(key, 1);
    const signed = await chain.signRedeem({ conditionId: cid, negRisk: true, amounts: [shares('6'), 0n as never] });
    expect(await chain.receipt(signed.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('6') });
    expect(server.exchange.balance(funder, '1301').total).toBe(shares('4'));
  });

  it('reads a failed relayer transaction as reverted: nothing burned or paid; the next one redeems', async () => {
    const key = generatePrivateKey();
    const funder = ownedWallet(privateKeyToAccount(key).address, 1);
    const cid = wonMarket(14, funder, ['3', '0']);
    const chain = chainOf(key, 1);
    const before = await chain.collateralBalance();
    server.relayer.failNext();
    const failed = await chain.signRedeem({ conditionId: cid, negRisk: false, amounts: [shares('3'), 0n as never] });
    expect(await chain.receipt(failed.txHash)).toMatchObject({ kind: 'reverted', detail: expect.stringMatching(/STATE_FAILED/) });
    expect(await chain.collateralBalance()).toBe(before);
    expect(server.exchange.balance(funder, '1401').total).toBe(shares('3'));
    const retry = await chain.signRedeem({ conditionId: cid, negRisk: false, amounts: [shares('3'), 0n as never] });
    expect(await chain.receipt(retry.txHash)).toEqual({ kind: 'confirmed', collateralIn: usdc('3') });
    expect(await chain.receipt('relayer:00000000-0000-0000-0000-000000000000')).toEqual({ kind: 'not_found' });
  });

  it('is refused by the relayer when the signature is not from `from`, or the builder credentials are wrong', async () => {
    const key = generatePrivateKey();
    const funder = ownedWallet(privateKeyToAccount(key).address, 1);
    const cid = wonMarket(15, funder, ['2', '0']);
    const call = { conditionId: cid, negRisk: false, amounts: [shares('2'), 0n as never] };
    const wrongBuilder = chainOf(key, 1, { builder: { ...server.relayer.builderCreds, secret: Buffer.from('not the secret').toString('base64') } });
    await expect(wrongBuilder.signRedeem(call)).rejects.toThrow(/401/);
    // Another key signs the same submission, the builder headers made again over it: the relayer recovers another signer
    const forged = chainOf(key, 1);
    const other = privateKeyToAccount(generatePrivateKey());
    const builder = new BuilderConfig({ localBuilderCreds: server.relayer.builderCreds });
    type Request = { method?: string; data?: unknown; headers: Record<string, unknown> };
    const axios = (forged as unknown as { client: { httpClient: { instance: { interceptors: { request: {
      use(f: (c: Request) => Promise<Request>): void } } } } } }).client.httpClient.instance;
    axios.interceptors.request.use(async (c) => {
      if (c.method?.toUpperCase() !== 'POST') return c;
      const body = JSON.parse(c.data as string) as { signature: string };
      body.signature = await other.signMessage({ message: 'not the relay hash' });
      c.data = JSON.stringify(body);
      const headers = await builder.generateBuilderHeaders('POST', '/submit', c.data as string);
      Object.assign(c.headers, headers);
      return c;
    });
    await expect(forged.signRedeem(call)).rejects.toThrow(/not signed by from/);
    expect(server.exchange.balance(funder, '1501').total).toBe(shares('2'));
    expect(server.relayer.nonceOf(privateKeyToAccount(key).address, 'PROXY')).toBe(0);
  });

  it('cannot redeem for a funder the key does not own, nor without POLYGON_RPC_URL', () => {
    const key = generatePrivateKey();
    expect(chainOf(key, 1, { funder: `0x${'ab'.repeat(20)}` }).cannotRedeem).toMatch(/is not the one key 0x[0-9a-f]{40} owns/);
    expect(chainOf(key, 2, { rpcUrl: null }).cannotRedeem).toMatch(/POLYGON_RPC_URL is not set/);
  });

  it('never prints the owner key or the builder credentials, whatever the relayer answers', async () => {
    const printed: unknown[][] = [];
    const spies = (['log', 'error', 'warn', 'info', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => { printed.push(args); }));
    try {
      const key = generatePrivateKey();
      const funder = ownedWallet(privateKeyToAccount(key).address, 1);
      const cid = wonMarket(16, funder, ['1', '0']);
      const call = { conditionId: cid, negRisk: false, amounts: [shares('1'), 0n as never] };
      const chain = chainOf(key, 1);
      const signed = await chain.signRedeem(call);
      expect(await chain.receipt(signed.txHash)).toMatchObject({ kind: 'confirmed' });
      await expect(chainOf(key, 1, { builder: { ...server.relayer.builderCreds, secret: Buffer.from('wrong').toString('base64') } })
        .signRedeem(call)).rejects.toThrow(/401/);
      const text = printed.map((args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a, (_k, v: unknown) =>
        (typeof v === 'bigint' ? v.toString() : v)))).join(' ')).join('\n');
      expect(text).toContain('Proxy'); // the client does print its requests
      for (const secret of [key, key.slice(2), ...Object.values(server.relayer.builderCreds)]) {
        expect(text).not.toContain(secret);
      }
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});
