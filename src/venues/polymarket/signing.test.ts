// @backend-independent
/** Our deterministic signer against the official client's OrderBuilder: same struct in, byte-identical signature and hash out */
import { OrderBuilder, Side, SignatureTypeV2 } from '@polymarket/clob-client-v2';
import fc from 'fast-check';
import { createWalletClient, hashTypedData, http, verifyTypedData, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { polygon } from 'viem/chains';
import { describe, expect, it } from 'vitest';
import { exchangeDomain, orderHash, saltFor, signOrder, ZERO32, type WireOrderV2 } from './signing.ts';

const KEY: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const account = privateKeyToAccount(KEY);
// The transport is never used: signing is local
const wallet = createWalletClient({ account, chain: polygon, transport: http('http://127.0.0.1:9') });
const DEPOSIT_WALLET: Hex = '0x1111111111111111111111111111111111111111';

async function official(signatureType: SignatureTypeV2, negRisk: boolean, version: 2 | 3) {
  const funder = signatureType === SignatureTypeV2.POLY_1271 ? DEPOSIT_WALLET : undefined;
  const builder = new OrderBuilder(wallet, 137, signatureType, funder);
  const order = await builder.buildOrder({ tokenID: '7132', price: 0.51, size: 10, side: Side.BUY }, { tickSize: '0.01', negRisk }, version);
  return order as unknown as WireOrderV2 & { signature: Hex };
}

describe('order signing', () => {
  it.each([
    [SignatureTypeV2.EOA, false, 2], [SignatureTypeV2.EOA, true, 2], [SignatureTypeV2.POLY_GNOSIS_SAFE, false, 2],
    [SignatureTypeV2.POLY_1271, false, 2], [SignatureTypeV2.POLY_1271, true, 2], [SignatureTypeV2.EOA, false, 3],
  ] as const)('matches OrderBuilder for signature type %s, neg risk %s, version %s', async (type, negRisk, version) => {
    const theirs = await official(type, negRisk, version);
    const { signature, ...struct } = theirs;
    const domain = exchangeDomain(137, version, negRisk);
    expect(await signOrder(wallet, struct, domain)).toBe(signature);
    expect(struct.makerAmount).toBe('5100000');
  });

  it('hashes to what a verifier recovers', async () => {
    const order: WireOrderV2 = {
      salt: saltFor('intent-1'), maker: account.address, signer: account.address, tokenId: '7132', makerAmount: '5100000',
      takerAmount: '10000000', side: 'BUY', signatureType: 0, timestamp: '1795473082574', expiration: '0',
      metadata: `0x${'0'.repeat(64)}`, builder: `0x${'0'.repeat(64)}`,
    };
    const domain = exchangeDomain(137, 2, false);
    const signature = await signOrder(wallet, order, domain);
    expect(orderHash(order, domain)).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await signOrder(wallet, order, domain)).toBe(signature);
    const ok = await verifyTypedData({
      address: account.address, signature,
      domain: { name: 'Polymarket CTF Exchange', version: '2', chainId: 137, verifyingContract: domain.verifyingContract },
      types: { Order: [
        { name: 'salt', type: 'uint256' }, { name: 'maker', type: 'address' }, { name: 'signer', type: 'address' },
        { name: 'tokenId', type: 'uint256' }, { name: 'makerAmount', type: 'uint256' }, { name: 'takerAmount', type: 'uint256' },
        { name: 'side', type: 'uint8' }, { name: 'signatureType', type: 'uint8' }, { name: 'timestamp', type: 'uint256' },
        { name: 'metadata', type: 'bytes32' }, { name: 'builder', type: 'bytes32' },
      ] },
      primaryType: 'Order',
      message: { ...order, salt: BigInt(order.salt), tokenId: 7132n, makerAmount: 5_100_000n, takerAmount: 10_000_000n, side: 0, timestamp: BigInt(order.timestamp) },
    });
    expect(ok).toBe(true);
  });

  it('derives a stable salt that survives JSON as a number', () => {
    const salt = saltFor('strategy-7/signal-42');
    expect(saltFor('strategy-7/signal-42')).toBe(salt);
    expect(saltFor('strategy-7/signal-43')).not.toBe(salt);
    expect(BigInt(salt) < 2n ** 53n).toBe(true);
    expect(String(JSON.parse(JSON.stringify({ s: Number(salt) })).s)).toBe(salt);
  });
});

/** The struct as viem's generic EIP-712 code takes it: the reference orderHash's written-out encoding must agree with */
const ORDER_TYPES = { Order: [
  { name: 'salt', type: 'uint256' }, { name: 'maker', type: 'address' }, { name: 'signer', type: 'address' },
  { name: 'tokenId', type: 'uint256' }, { name: 'makerAmount', type: 'uint256' }, { name: 'takerAmount', type: 'uint256' },
  { name: 'side', type: 'uint8' }, { name: 'signatureType', type: 'uint8' }, { name: 'timestamp', type: 'uint256' },
  { name: 'metadata', type: 'bytes32' }, { name: 'builder', type: 'bytes32' },
] } as const;

const typedData = (order: WireOrderV2, domain: ReturnType<typeof exchangeDomain>) => ({
  domain: { name: 'Polymarket CTF Exchange', version: domain.version, chainId: domain.chainId, verifyingContract: domain.verifyingContract },
  types: ORDER_TYPES, primaryType: 'Order' as const,
  message: { ...order, salt: BigInt(order.salt), tokenId: BigInt(order.tokenId), makerAmount: BigInt(order.makerAmount),
    takerAmount: BigInt(order.takerAmount), side: order.side === 'BUY' ? 0 : 1, timestamp: BigInt(order.timestamp) },
});

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes })
  .map((b) => `0x${Buffer.from(b).toString('hex')}` as Hex);
const uint = (max: bigint) => fc.bigInt({ min: 0n, max }).map(String);
const orders: fc.Arbitrary<WireOrderV2> = fc.record({
  salt: uint(2n ** 53n - 2n), maker: hex(20), signer: hex(20), tokenId: uint(2n ** 256n - 1n), makerAmount: uint(2n ** 128n),
  takerAmount: uint(2n ** 128n), side: fc.constantFrom('BUY' as const, 'SELL' as const), signatureType: fc.constantFrom(0 as const, 1 as const, 2 as const),
  timestamp: uint(2n ** 64n), expiration: uint(2n ** 32n), metadata: fc.oneof(fc.constant(ZERO32), hex(32)),
  builder: fc.oneof(fc.constant(ZERO32), hex(32)),
});
const domains = fc.record({ version: fc.constantFrom(2 as const, 3 as const), negRisk: fc.boolean() })
  .map(({ version, negRisk }) => exchangeDomain(137, version, negRisk));

describe('the order hash, written out', () => {
  it('equals the generic EIP-712 hash for any order and exchange domain', () => {
    fc.assert(fc.property(orders, domains, (order, domain) => {
      expect(orderHash(order, domain)).toBe(hashTypedData(typedData(order, domain)));
    }), { numRuns: 300 });
  });

  it('signs the digest to the signature signTypedData gives', async () => {
    await fc.assert(fc.asyncProperty(orders, domains, async (order, domain) => {
      expect(await signOrder(wallet, order, domain)).toBe(await account.signTypedData(typedData(order, domain)));
    }), { numRuns: 40 });
  });

  it('refuses a field that does not fit its EIP-712 type', () => {
    const base = fc.sample(orders, { numRuns: 1, seed: 7 })[0]!;
    const domain = exchangeDomain(137, 2, false);
    expect(() => orderHash({ ...base, tokenId: '-1' }, domain)).toThrow(/uint256/);
    expect(() => orderHash({ ...base, makerAmount: (2n ** 256n).toString() }, domain)).toThrow(/uint256/);
    expect(() => orderHash({ ...base, maker: '0x1234' }, domain)).toThrow(/address/);
    expect(() => orderHash({ ...base, metadata: '0x12' }, domain)).toThrow(/bytes32/);
  });
});
