/**
 * Polymarket's relayer contracts on Polygon (the official relayer client's contract config for chain 137) and the
 * call shapes it submits: a proxy wallet's batch is ProxyWalletFactory.proxy(calls), a Safe's several calls are one
 * delegate call to MultiSend.multiSend(packed). The relayer adapter derives the proxy and Safe addresses from the
 * factories; the loopback simulator's relayer decodes exactly these shapes
 */
import type { Address } from 'viem';

export const PROXY_FACTORY: Address = '0xaB45c5A4B0c941a2F231C04C3f49182e1A254052';
export const RELAY_HUB: Address = '0xD216153c06E857cD7f72665E0aF1d7D82172F494';
export const SAFE_FACTORY: Address = '0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b';
export const SAFE_MULTISEND: Address = '0xA238CBeb142c10Ef7Ad8442C6D1f9E89e07e7761';

/** ProxyWalletFactory.proxy((typeCode, to, value, data)[]): typeCode 1 is a call */
export const PROXY_ABI = [{
  type: 'function', name: 'proxy', stateMutability: 'payable', outputs: [{ name: 'returnValues', type: 'bytes[]' }],
  inputs: [{ name: 'calls', type: 'tuple[]', components: [
    { name: 'typeCode', type: 'uint8' }, { name: 'to', type: 'address' }, { name: 'value', type: 'uint256' },
    { name: 'data', type: 'bytes' },
  ] }],
}] as const;

/** MultiSend.multiSend(transactions): each packed as operation (1), to (20), value (32), data length (32), data */
export const MULTISEND_ABI = [{
  type: 'function', name: 'multiSend', stateMutability: 'payable', outputs: [],
  inputs: [{ name: 'transactions', type: 'bytes' }],
}] as const;

/** The EIP-712 type a Safe owner signs (Safe v1.3) */
export const SAFE_TX_TYPES = {
  SafeTx: [
    { name: 'to', type: 'address' }, { name: 'value', type: 'uint256' }, { name: 'data', type: 'bytes' },
    { name: 'operation', type: 'uint8' }, { name: 'safeTxGas', type: 'uint256' }, { name: 'baseGas', type: 'uint256' },
    { name: 'gasPrice', type: 'uint256' }, { name: 'gasToken', type: 'address' }, { name: 'refundReceiver', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const;
