/** The V2 `POST /order` body: parsing, EIP-712 signature check, the order id (typed-data hash) and the PlaceOrder it means */
import {
  encodeAbiParameters, hashTypedData, isAddress, keccak256, recoverTypedDataAddress, toHex, verifyTypedData, type Hex,
} from 'viem';
import { divRound, SCALE, type Price, type Shares, type Usdc } from '../../domain/money.ts';
import type { OrderType } from '../../engine/venue-port.ts';
import type { PlaceOrder } from '../exchange/exchange-types.ts';

export const EXCHANGE_V2 = '0xE111180000d2663C0091e4f400237545B87B996B';
export const NEG_RISK_EXCHANGE_V2 = '0xe2222d279d744050d28e00520010520000310F59';
export const NEG_RISK_ADAPTER = '0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296';
const CHAIN_ID = 137;
const ZERO32 = `0x${'0'.repeat(64)}`;

export const ORDER_TYPES = {
  Order: [
    { name: 'salt', type: 'uint256' }, { name: 'maker', type: 'address' }, { name: 'signer', type: 'address' },
    { name: 'tokenId', type: 'uint256' }, { name: 'makerAmount', type: 'uint256' }, { name: 'takerAmount', type: 'uint256' },
    { name: 'side', type: 'uint8' }, { name: 'signatureType', type: 'uint8' }, { name: 'timestamp', type: 'uint256' },
    { name: 'metadata', type: 'bytes32' }, { name: 'builder', type: 'bytes32' },
  ],
} as const;

export interface WireOrder {
  salt: bigint;
  maker: Hex;
  signer: Hex;
  tokenId: string;
  makerAmount: bigint;
  takerAmount: bigint;
  side: 'BUY' | 'SELL';
  signatureType: number;
  timestamp: bigint;
  expiration: bigint;
  metadata: Hex;
  builder: Hex;
  signature: Hex;
}

export interface OrderEnvelope {
  order: WireOrder;
  owner: string;
  orderType: OrderType;
  postOnly: boolean;
  deferExec: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ORDER_TYPES_ALLOWED: OrderType[] = ['GTC', 'GTD', 'FOK', 'FAK'];
const isUint = (v: unknown): boolean => (typeof v === 'string' && /^\d+$/.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
const isBytes32 = (v: unknown): v is Hex => typeof v === 'string' && /^0x[0-9a-fA-F]{64}$/.test(v);

/** Parses one V2 envelope `{order, owner, orderType, postOnly, deferExec}`; a V1 order is refused as Polymarket does */
export function parseEnvelope(raw: unknown): Parsed<OrderEnvelope> {
  const bad = { ok: false as const, error: 'Invalid order payload' };
  if (typeof raw !== 'object' || raw === null) return bad;
  const env = raw as Record<string, unknown>;
  const o = env.order as Record<string, unknown> | undefined;
  if (typeof o !== 'object' || o === null) return bad;
  if ('nonce' in o || 'feeRateBps' in o) return { ok: false, error: 'invalid order version, please use the latest clob-client' };
  const orderType = env.orderType ?? 'GTC';
  if (!ORDER_TYPES_ALLOWED.includes(orderType as OrderType) || typeof env.owner !== 'string') return bad;
  const uints = ['salt', 'tokenId', 'makerAmount', 'takerAmount', 'timestamp'].every((k) => isUint(o[k]));
  const expiration = o.expiration ?? '0';
  if (!uints || !isUint(expiration) || (o.side !== 'BUY' && o.side !== 'SELL')) return bad;
  if (typeof o.maker !== 'string' || !isAddress(o.maker, { strict: false }) || typeof o.signer !== 'string'
    || !isAddress(o.signer, { strict: false }) || ![0, 1, 2, 3].includes(o.signatureType as number)) return bad;
  if (!isBytes32(o.metadata ?? ZERO32) || !isBytes32(o.builder ?? ZERO32)) return bad;
  if (typeof o.signature !== 'string' || !/^0x[0-9a-fA-F]+$/.test(o.signature)) return bad;
  const order: WireOrder = {
    salt: BigInt(o.salt as string), maker: o.maker as Hex, signer: o.signer as Hex, tokenId: BigInt(o.tokenId as string).toString(),
    makerAmount: BigInt(o.makerAmount as string), takerAmount: BigInt(o.takerAmount as string), side: o.side,
    signatureType: o.signatureType as number, timestamp: BigInt(o.timestamp as string), expiration: BigInt(expiration as string),
    metadata: (o.metadata ?? ZERO32) as Hex, builder: (o.builder ?? ZERO32) as Hex, signature: o.signature as Hex,
  };
  return {
    ok: true,
    value: { order, owner: env.owner, orderType: orderType as OrderType, postOnly: env.postOnly === true, deferExec: env.deferExec === true },
  };
}

function typedData(order: WireOrder, negRisk: boolean) {
  return {
    domain: { name: 'Polymarket CTF Exchange', version: '2', chainId: CHAIN_ID, verifyingContract: (negRisk ? NEG_RISK_EXCHANGE_V2 : EXCHANGE_V2) as Hex },
    types: ORDER_TYPES,
    primaryType: 'Order' as const,
    message: {
      salt: order.salt, maker: order.maker, signer: order.signer, tokenId: BigInt(order.tokenId),
      makerAmount: order.makerAmount, takerAmount: order.takerAmount, side: order.side === 'BUY' ? 0 : 1,
      signatureType: order.signatureType, timestamp: order.timestamp, metadata: order.metadata, builder: order.builder,
    },
  };
}

/** The order id Polymarket returns: the EIP-712 hash of the signed V2 struct */
export const orderHash = (order: WireOrder, negRisk: boolean): Hex => hashTypedData(typedData(order, negRisk));

/**
 * Checks the signature. EOA, proxy and Safe orders (types 0–2) are signed by `signer`; a deposit-wallet order (type 3,
 * ERC-1271) wraps the owner's TypedDataSign signature, which must recover to `keyAddress`
 */
export async function verifyOrderSignature(order: WireOrder, negRisk: boolean, keyAddress: string): Promise<boolean> {
  const data = typedData(order, negRisk);
  try {
    if (order.signatureType !== 3) return await verifyTypedData({ ...data, address: order.signer, signature: order.signature });
    const inner = `0x${order.signature.slice(2, 132)}` as Hex;
    const recovered = await recoverTypedDataAddress({
      domain: data.domain,
      types: { ...ORDER_TYPES, TypedDataSign: TYPED_DATA_SIGN },
      primaryType: 'TypedDataSign',
      message: { contents: data.message, name: 'DepositWallet', version: '1', chainId: BigInt(CHAIN_ID), verifyingContract: order.signer, salt: ZERO32 as Hex },
      signature: inner,
    });
    return recovered.toLowerCase() === keyAddress.toLowerCase() && order.signature.length > 132 && wrapperMatches(order, negRisk);
  } catch {
    return false;
  }
}

const TYPED_DATA_SIGN = [
  { name: 'contents', type: 'Order' }, { name: 'name', type: 'string' }, { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }, { name: 'salt', type: 'bytes32' },
] as const;

/** The ERC-7739 wrapper carries the app domain separator next; it must name the exchange the order is for */
function wrapperMatches(order: WireOrder, negRisk: boolean): boolean {
  const domainTypeHash = keccak256(toHex('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'));
  const separator = keccak256(encodeAbiParameters(
    [{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }],
    [domainTypeHash, keccak256(toHex('Polymarket CTF Exchange')), keccak256(toHex('2')), BigInt(CHAIN_ID),
      (negRisk ? NEG_RISK_EXCHANGE_V2 : EXCHANGE_V2) as Hex],
  ));
  return order.signature.slice(132, 196).toLowerCase() === separator.slice(2).toLowerCase();
}

/**
 * The limit price and size an order's amounts mean. BUY: price = maker/taker, size = taker (FOK/FAK also spend = maker);
 * SELL: size = maker, price = taker/maker. A market order's price is a ratio of rounded amounts, so it is snapped to
 * the nearest tick when within a tenth of a tick; otherwise it is refused as off-tick
 */
export function toPlaceOrder(
  env: OrderEnvelope, orderId: string, account: string, tick: bigint,
): Parsed<PlaceOrder> {
  const { order } = env;
  if (order.makerAmount <= 0n || order.takerAmount <= 0n) return { ok: false, error: 'invalid order amounts' };
  const buy = order.side === 'BUY';
  const [cash, size] = buy ? [order.makerAmount, order.takerAmount] : [order.takerAmount, order.makerAmount];
  const ticks = divRound(cash * SCALE, size * tick, 'half_even');
  const errorMicros = (cash * SCALE - ticks * tick * size) * 10n;
  const price = ticks * tick;
  if (errorMicros > tick * size || -errorMicros > tick * size || price <= 0n || price >= SCALE) {
    return { ok: false, error: 'order is invalid. Price breaks minimum tick size rules' };
  }
  const place: PlaceOrder = {
    orderId, account, tokenId: order.tokenId, side: order.side, price: price as Price, size: size as Shares,
    orderType: env.orderType, postOnly: env.postOnly,
  };
  if (buy && (env.orderType === 'FOK' || env.orderType === 'FAK')) place.spend = cash as Usdc;
  if (env.orderType === 'GTD') place.expiresAt = new Date(Number(order.expiration) * 1000);
  return { ok: true, value: place };
}
