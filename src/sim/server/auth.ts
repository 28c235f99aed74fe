/** CLOB authentication: L1 ClobAuth EIP-712 headers, deterministic API keys per (address, nonce), and the L2 HMAC check */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isAddress, verifyTypedData, type Hex } from 'viem';
import { uuidFrom } from './util.ts';

export interface ApiCreds {
  apiKey: string;
  /** url-safe base64 of 32 bytes */
  secret: string;
  passphrase: string;
  /** The key's wallet address, lower-case */
  address: string;
  nonce: string;
}

export const L1_ERROR = 'Invalid L1 Request headers';
export const L2_ERROR = 'Unauthorized/Invalid api key';

const CLOB_AUTH_TYPES = {
  ClobAuth: [
    { name: 'address', type: 'address' },
    { name: 'timestamp', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'message', type: 'string' },
  ],
} as const;
const CLOB_AUTH_MESSAGE = 'This message attests that I control the given wallet';
const CHAINS = [137, 80002] as const;

/** Reads a header whatever its case (Node lower-cases names; clients send POLY_ADDRESS) */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The API keys handed out so far; creds are derived from the server secret, so a seed gives the same keys */
export class ApiKeyRegistry {
  private readonly keys = new Map<string, ApiCreds>();

  constructor(private readonly serverSecret: string) {}

  /** The creds for (address, nonce); registers them if new. `created` tells whether they are new */
  derive(address: string, nonce: string): { creds: ApiCreds; created: boolean } {
    const addr = address.toLowerCase();
    const material = `${addr}:${BigInt(nonce).toString()}`;
    const apiKey = uuidFrom(this.serverSecret, `key:${material}`);
    const existing = this.keys.get(apiKey);
    if (existing) return { creds: existing, created: false };
    const secret = createHmac('sha256', this.serverSecret).update(`secret:${material}`).digest('base64url');
    const passphrase = createHmac('sha256', this.serverSecret).update(`pass:${material}`).digest('hex');
    const creds = { apiKey, secret: `${secret}=`, passphrase, address: addr, nonce: BigInt(nonce).toString() };
    this.keys.set(apiKey, creds);
    return { creds, created: true };
  }

  byKey(apiKey: string): ApiCreds | undefined {
    return this.keys.get(apiKey);
  }

  keysOf(address: string): ApiCreds[] {
    const addr = address.toLowerCase();
    return [...this.keys.values()].filter((c) => c.address === addr);
  }

  remove(apiKey: string): boolean {
    return this.keys.delete(apiKey);
  }
}

/** Verifies the L1 headers; returns the signing address (lower-case) and nonce, or null */
export async function verifyL1(headers: IncomingHttpHeaders): Promise<{ address: string; nonce: string } | null> {
  const address = header(headers, 'POLY_ADDRESS');
  const signature = header(headers, 'POLY_SIGNATURE');
  const timestamp = header(headers, 'POLY_TIMESTAMP');
  const nonce = header(headers, 'POLY_NONCE') ?? '0';
  if (!address || !signature || !timestamp || !isAddress(address, { strict: false })) return null;
  if (!/^\d+$/.test(timestamp) || !/^\d+$/.test(nonce) || !/^0x[0-9a-fA-F]+$/.test(signature)) return null;
  for (const chainId of CHAINS) {
    try {
      const ok = await verifyTypedData({
        address: address as Hex, signature: signature as Hex, domain: { name: 'ClobAuthDomain', version: '1', chainId },
        types: CLOB_AUTH_TYPES, primaryType: 'ClobAuth',
        message: { address: address as Hex, timestamp, nonce: BigInt(nonce), message: CLOB_AUTH_MESSAGE },
      });
      if (ok) return { address: address.toLowerCase(), nonce };
    } catch {
      return null;
    }
  }
  return null;
}

/** The L2 signature exactly as the clients compute it: url-safe base64 HMAC-SHA256 (padding kept) */
export function l2Signature(secret: string, timestamp: string, method: string, path: string, body: string): string {
  const key = Buffer.from(secret.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const digest = createHmac('sha256', key).update(`${timestamp}${method}${path}${body}`).digest('base64');
  return digest.replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * Checks the five L2 headers against a registered key: HMAC over timestamp + METHOD + path (no query) + the body
 * string as received. Returns the key's creds, or null
 */
export function verifyL2(
  registry: ApiKeyRegistry, req: { method: string; path: string; body: string; headers: IncomingHttpHeaders },
): ApiCreds | null {
  const h = (name: string) => header(req.headers, name);
  const apiKey = h('POLY_API_KEY');
  const creds = apiKey ? registry.byKey(apiKey) : undefined;
  const signature = h('POLY_SIGNATURE');
  const timestamp = h('POLY_TIMESTAMP');
  if (!creds || !signature || !timestamp || h('POLY_PASSPHRASE') !== creds.passphrase) return null;
  if ((h('POLY_ADDRESS') ?? '').toLowerCase() !== creds.address) return null;
  const expected = l2Signature(creds.secret, timestamp, req.method, req.path, req.body);
  const given = signature.replace(/\+/g, '-').replace(/\//g, '_');
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b) ? creds : null;
}

/** Checks creds sent in a WS user-channel subscribe message */
export function verifyWsAuth(registry: ApiKeyRegistry, auth: unknown): ApiCreds | null {
  if (typeof auth !== 'object' || auth === null) return null;
  const a = auth as Record<string, unknown>;
  const creds = typeof a.apiKey === 'string' ? registry.byKey(a.apiKey) : undefined;
  if (!creds || a.secret !== creds.secret || a.passphrase !== creds.passphrase) return null;
  return creds;
}
