// @backend-independent
/** L1 and L2 authentication against the official client's own header builders */
import { createL1Headers, createL2Headers, type ApiKeyCreds } from '@polymarket/clob-client-v2';
import type { IncomingHttpHeaders } from 'node:http';
import { createWalletClient, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { polygon } from 'viem/chains';
import { describe, expect, it } from 'vitest';
import { ApiKeyRegistry, l2Signature, verifyL1, verifyL2, verifyWsAuth } from './auth.ts';

const account = privateKeyToAccount(generatePrivateKey());
const signer = createWalletClient({ account, chain: polygon, transport: http('http://127.0.0.1:9') });
/** Node lower-cases incoming header names */
const incoming = (headers: Record<string, string | number | boolean>): IncomingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));

describe('L1', () => {
  it('accepts the client\'s ClobAuth signature and refuses altered or missing headers', async () => {
    const headers = await createL1Headers(signer, 137, 3);
    expect(await verifyL1(incoming(headers))).toEqual({ address: account.address.toLowerCase(), nonce: '3' });
    expect(await verifyL1(incoming({ ...headers, POLY_TIMESTAMP: String(Number(headers.POLY_TIMESTAMP) + 1) }))).toBeNull();
    expect(await verifyL1(incoming({ ...headers, POLY_NONCE: '4' }))).toBeNull();
    const { POLY_SIGNATURE: _omit, ...missing } = headers;
    expect(await verifyL1(incoming(missing))).toBeNull();
    expect(await verifyL1(incoming({ ...headers, POLY_SIGNATURE: '0x1234' }))).toBeNull();
  });
});

describe('API keys', () => {
  it('derives the same creds per (address, nonce) from the same server secret, others for another nonce', () => {
    const a = new ApiKeyRegistry('secret-1').derive(account.address, '0');
    const b = new ApiKeyRegistry('secret-1').derive(account.address.toLowerCase(), '0');
    expect(a.creds).toEqual(b.creds);
    expect(a.created).toBe(true);
    expect(new ApiKeyRegistry('secret-1').derive(account.address, '1').creds.apiKey).not.toBe(a.creds.apiKey);
    expect(new ApiKeyRegistry('secret-2').derive(account.address, '0').creds.apiKey).not.toBe(a.creds.apiKey);
    expect(Buffer.from(a.creds.secret, 'base64url')).toHaveLength(32);
  });
});

describe('L2', () => {
  const registry = new ApiKeyRegistry('secret-l2');
  const { creds: sim } = registry.derive(account.address, '0');
  const creds: ApiKeyCreds = { key: sim.apiKey, secret: sim.secret, passphrase: sim.passphrase };

  it('verifies the HMAC over timestamp + method + path (no query) + body as sent, with any header case', async () => {
    const body = JSON.stringify({ orderID: '0xabc' });
    const headers = incoming(await createL2Headers(signer, creds, { method: 'DELETE', requestPath: '/order', body }));
    expect(verifyL2(registry, { method: 'DELETE', path: '/order', body, headers })?.apiKey).toBe(creds.key);
    expect(verifyL2(registry, { method: 'DELETE', path: '/order', body: JSON.stringify({ orderID: '0xabd' }), headers })).toBeNull();
    expect(verifyL2(registry, { method: 'DELETE', path: '/order', body: `${body} `, headers })).toBeNull();
    expect(verifyL2(registry, { method: 'POST', path: '/order', body, headers })).toBeNull();
    const get = incoming(await createL2Headers(signer, creds, { method: 'GET', requestPath: '/data/orders' }));
    expect(verifyL2(registry, { method: 'GET', path: '/data/orders', body: '', headers: get })).not.toBeNull();
    expect(verifyL2(registry, { method: 'GET', path: '/data/trades', body: '', headers: get })).toBeNull();
  });

  it('accepts standard base64 for the url-safe signature and refuses a wrong passphrase, key or address', async () => {
    const headers = incoming(await createL2Headers(signer, creds, { method: 'GET', requestPath: '/data/trades' }));
    const req = (h: IncomingHttpHeaders) => verifyL2(registry, { method: 'GET', path: '/data/trades', body: '', headers: h });
    const standard = String(headers.poly_signature).replace(/-/g, '+').replace(/_/g, '/');
    expect(req({ ...headers, poly_signature: standard })).not.toBeNull();
    expect(req({ ...headers, poly_passphrase: 'nope' })).toBeNull();
    expect(req({ ...headers, poly_api_key: '00000000-0000-0000-0000-000000000000' })).toBeNull();
    expect(req({ ...headers, poly_address: `0x${'11'.repeat(20)}` })).toBeNull();
  });

  it('computes the digest as the client does: url-safe alphabet, padding kept', () => {
    const sig = l2Signature(creds.secret, '1700000000', 'GET', '/data/orders', '');
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}=$/);
  });

  it('checks WebSocket auth objects', () => {
    expect(verifyWsAuth(registry, { apiKey: creds.key, secret: creds.secret, passphrase: creds.passphrase })?.apiKey).toBe(creds.key);
    expect(verifyWsAuth(registry, { apiKey: creds.key, secret: 'x', passphrase: creds.passphrase })).toBeNull();
    expect(verifyWsAuth(registry, undefined)).toBeNull();
  });
});
