/** Small shared helpers for the simulator server: wire decimals, deterministic ids and addresses */
import { createHash, createHmac } from 'node:crypto';
import { getAddress, isAddress, keccak256, toHex } from 'viem';
import { formatMicros, SCALE } from '../../domain/money.ts';

/** Micro-units as the shortest decimal string ("0.51", "10", "4.9152"), as the CLOB writes numbers */
export function dec(micros: bigint): string {
  const text = formatMicros(micros, 6);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Micro-units as a JSON number, for the Data API and Gamma (which use numbers), converted only at the wire */
export const num = (micros: bigint): number => Number(dec(micros));

/** Unix seconds of a date */
export const unixSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

/** 0x-prefixed keccak256 of a text, as a deterministic 32-byte id */
export const hashId = (text: string): `0x${string}` => keccak256(toHex(text));

/** A deterministic decimal token id (77–78 digits like Polymarket's) from a text */
export const tokenIdFrom = (text: string): string => BigInt(hashId(text)).toString();

/** A deterministic address from a text (lower-case) */
export const addressFrom = (text: string): string => `0x${hashId(text).slice(26)}`;

/** A deterministic UUID-shaped string from a text (API keys, owners, trade ids) */
export function uuidFrom(key: string, text: string): string {
  const h = createHmac('sha256', key).update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Checksummed form of an address-like account, or the account unchanged */
export const displayAddress = (account: string): string => (isAddress(account, { strict: false }) ? getAddress(account) : account);

/** SHA-1 hex, as the CLOB's book hash */
export const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** A price in micro-units from a wire decimal ("0.52" or 0.52), or null */
export function microsOf(value: unknown): bigint | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!match) return null;
  return BigInt(match[1]!) * SCALE + BigInt((match[2] ?? '').padEnd(6, '0'));
}

/** Sleeps for `ms` milliseconds */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
