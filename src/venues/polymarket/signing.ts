/**
 * Deterministic V2/V3 order signing: the same EIP-712 struct and wrappers as clob-client-v2's ExchangeOrderBuilderV2,
 * but with a salt derived from the clientOrderId, so the order hash (the venue order id) is known before posting
 */
import { getContractConfig, type orderToJsonV2 } from '@polymarket/clob-client-v2';
import { encodeAbiParameters, keccak256, toHex, type Hex, type WalletClient } from 'viem';

export const ZERO32: Hex = `0x${'0'.repeat(64)}`;
const DOMAIN_NAME = 'Polymarket CTF Exchange';
const ORDER_TYPE_STRING = 'Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,'
  + 'uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)';

const ORDER_STRUCT = [
  { name: 'salt', type: 'uint256' }, { name: 'maker', type: 'address' }, { name: 'signer', type: 'address' },
  { name: 'tokenId', type: 'uint256' }, { name: 'makerAmount', type: 'uint256' }, { name: 'takerAmount', type: 'uint256' },
  { name: 'side', type: 'uint8' }, { name: 'signatureType', type: 'uint8' }, { name: 'timestamp', type: 'uint256' },
  { name: 'metadata', type: 'bytes32' }, { name: 'builder', type: 'bytes32' },
] as const;

const TYPED_DATA_SIGN = [
  { name: 'contents', type: 'Order' }, { name: 'name', type: 'string' }, { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }, { name: 'salt', type: 'bytes32' },
] as const;

/** The order struct as sent on the wire (strings for every uint, as the client's SignedOrderV2) */
export interface WireOrderV2 {
  salt: string;
  maker: Hex;
  signer: Hex;
  tokenId: string;
  makerAmount: string;
  takerAmount: string;
  side: 'BUY' | 'SELL';
  signatureType: 0 | 1 | 2 | 3;
  timestamp: string;
  expiration: string;
  metadata: Hex;
  builder: Hex;
}

export interface SignedWireOrderV2 extends WireOrderV2 {
  signature: Hex;
}

/** Where an order is signed for: the exchange contract and the EIP-712 domain version ("2" CTF V2, "3" ExchangeV3) */
export interface ExchangeDomain {
  chainId: number;
  verifyingContract: Hex;
  version: '2' | '3';
}

/** The exchange a market's orders go to (config from the official client): neg-risk markets have their own V2 exchange */
export function exchangeDomain(chainId: number, orderVersion: 2 | 3, negRisk: boolean): ExchangeDomain {
  const config = getContractConfig(chainId);
  if (orderVersion === 3) return { chainId, verifyingContract: config.exchangeV3 as Hex, version: '3' };
  const verifyingContract = (negRisk ? config.negRiskExchangeV2 : config.exchangeV2) as Hex;
  return { chainId, verifyingContract, version: '2' };
}

/**
 * A salt from the clientOrderId: keccak256 folded below 2^53, because the wire body carries the salt as a JSON number
 * (the client's orderToJsonV2 does parseInt) and a larger one would not survive the round trip
 */
export function saltFor(clientOrderId: string): string {
  const h = BigInt(keccak256(toHex(`tandem/polymarket/salt/${clientOrderId}`)));
  return (h % (2n ** 53n - 1n)).toString();
}

function message(order: WireOrderV2) {
  return {
    salt: BigInt(order.salt), maker: order.maker, signer: order.signer, tokenId: BigInt(order.tokenId),
    makerAmount: BigInt(order.makerAmount), takerAmount: BigInt(order.takerAmount), side: order.side === 'BUY' ? 0 : 1,
    signatureType: order.signatureType, timestamp: BigInt(order.timestamp), metadata: order.metadata, builder: order.builder,
  };
}

const domainOf = (d: ExchangeDomain) => ({ name: DOMAIN_NAME, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract });

/** The order id the CLOB returns: the EIP-712 hash of the struct (expiration is sent but not signed) */
export function orderHash(order: WireOrderV2, domain: ExchangeDomain): Hex {
  const words = ORDER_TYPE_HASH + uintWord(order.salt) + addressWord(order.maker) + addressWord(order.signer)
    + uintWord(order.tokenId) + uintWord(order.makerAmount) + uintWord(order.takerAmount) + uintWord(order.side === 'BUY' ? 0 : 1)
    + uintWord(order.signatureType) + uintWord(order.timestamp) + bytes32Word(order.metadata) + bytes32Word(order.builder);
  const struct = keccak256(`0x${words}`);
  return keccak256(`0x1901${domainSeparator(domain)}${struct.slice(2)}`);
}

/*
 * The EIP-712 encoding of the one struct we sign, written out: every field is one 32-byte word (uints and addresses
 * left-padded, bytes32 as is). viem's hashTypedData walks the type description for each call, which cost three times
 * as much on the signal → submit path; signing.test.ts checks the two agree on generated orders
 */
const ORDER_TYPE_HASH = keccak256(toHex(ORDER_TYPE_STRING)).slice(2);
const UINT256_MAX = 2n ** 256n - 1n;

function uintWord(value: string | number): string {
  const n = BigInt(value);
  if (n < 0n || n > UINT256_MAX) throw new RangeError(`not a uint256: ${value}`);
  return n.toString(16).padStart(64, '0');
}

function addressWord(address: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new RangeError(`not an address: ${address}`);
  return address.slice(2).toLowerCase().padStart(64, '0');
}

function bytes32Word(value: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new RangeError(`not a bytes32: ${value}`);
  return value.slice(2).toLowerCase();
}

/** The EIP-712 domain separator (hex, no 0x) of each exchange domain (appDomainSeparator), computed once */
const separators = new Map<string, string>();

function domainSeparator(domain: ExchangeDomain): string {
  const key = `${domain.chainId}/${domain.version}/${domain.verifyingContract.toLowerCase()}`;
  let separator = separators.get(key);
  if (separator === undefined) {
    separator = appDomainSeparator(domain).slice(2);
    separators.set(key, separator);
  }
  return separator;
}

/**
 * Signs as ExchangeOrderBuilderV2.buildOrderSignature does: a plain EIP-712 signature for EOA/proxy/Safe makers;
 * for deposit wallets (POLY_1271) an ERC-7739 TypedDataSign signature wrapped with the app domain separator, the
 * contents hash, the type string and its length
 */
export async function signOrder(wallet: WalletClient, order: WireOrderV2, domain: ExchangeDomain, hash?: Hex): Promise<Hex> {
  const account = wallet.account;
  if (!account) throw new Error('wallet client has no account');
  // A local key signs the EIP-712 digest itself (what signTypedData does after hashing): the digest is hashed once
  if (order.signatureType !== 3 && account.type === 'local' && account.sign) return account.sign({ hash: hash ?? orderHash(order, domain) });
  const msg = message(order);
  if (order.signatureType !== 3) {
    return wallet.signTypedData({ account, domain: domainOf(domain), types: { Order: ORDER_STRUCT }, primaryType: 'Order', message: msg });
  }
  const inner = await wallet.signTypedData({
    account, domain: domainOf(domain), types: { TypedDataSign: TYPED_DATA_SIGN, Order: ORDER_STRUCT }, primaryType: 'TypedDataSign',
    message: { contents: msg, name: 'DepositWallet', version: '1', chainId: BigInt(domain.chainId), verifyingContract: order.signer, salt: ZERO32 },
  });
  const typeHash = keccak256(toHex(ORDER_TYPE_STRING));
  const contentsHash = keccak256(encodeAbiParameters(
    [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }, { type: 'uint256' },
      { type: 'uint256' }, { type: 'uint8' }, { type: 'uint8' }, { type: 'uint256' }, { type: 'bytes32' }, { type: 'bytes32' }],
    [typeHash, msg.salt, msg.maker, msg.signer, msg.tokenId, msg.makerAmount, msg.takerAmount, msg.side, msg.signatureType,
      msg.timestamp, msg.metadata, msg.builder],
  ));
  const typeStringHex = toHex(ORDER_TYPE_STRING).slice(2);
  const lenHex = (ORDER_TYPE_STRING.length).toString(16).padStart(4, '0');
  return `0x${inner.slice(2)}${domainSeparator(domain)}${contentsHash.slice(2)}${typeStringHex}${lenHex}`;
}

function appDomainSeparator(domain: ExchangeDomain): Hex {
  const domainTypeHash = keccak256(toHex('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'));
  return keccak256(encodeAbiParameters(
    [{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }],
    [domainTypeHash, keccak256(toHex(DOMAIN_NAME)), keccak256(toHex(domain.version)), BigInt(domain.chainId), domain.verifyingContract],
  ));
}

/** The official client's SignedOrderV2 (not exported by name), as its orderToJsonV2 wire serializer takes it */
export type ClientSignedOrderV2 = Parameters<typeof orderToJsonV2>[0];

/** Our signed order in the client's shape: the same fields, with `side` as its Side enum's string values */
export function asClientOrder(order: SignedWireOrderV2): ClientSignedOrderV2 {
  return order as unknown as ClientSignedOrderV2;
}
