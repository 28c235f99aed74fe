/**
 * Polymarket's relayer on the loopback simulator (`${url}/relayer`): the endpoints the official relayer client calls
 * (GET /nonce, /relay-payload, /transaction, /transactions, /deployed; POST /submit). A submission must carry the
 * builder's HMAC headers (`builderCreds`), and its signature must recover to its `from` (a proxy batch: the personal
 * signature of the relay hash; a Safe transaction: of its EIP-712 SafeTx hash, v + 4), with the signer's nonce, for the
 * proxy or Safe address the signer owns. The call batch is decoded (ProxyWalletFactory.proxy, or a Safe call or
 * MultiSend) and mined at once through the JSON-RPC's chain, applied to the proxy/Safe account on the exchange.
 * `failNext` makes the next transactions end STATE_FAILED (mined, reverted: nothing applied); `holdNext` keeps the next
 * ones STATE_NEW until `release` mines them (STATE_MINED)
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { deriveProxyWallet, deriveSafe } from '@polymarket/builder-relayer-client';
import {
  concat, decodeFunctionData, hashTypedData, hexToBigInt, isAddress, keccak256, recoverMessageAddress, size, slice, toHex, zeroAddress,
  type Hex,
} from 'viem';
import {
  MULTISEND_ABI, PROXY_ABI, PROXY_FACTORY, RELAY_HUB, SAFE_FACTORY, SAFE_MULTISEND, SAFE_TX_TYPES,
} from '../../venues/polymarket/relayer-contracts.ts';
import { COLLATERAL } from '../exchange/ledger.ts';
import { header, l2Signature } from './auth.ts';
import { fail, json, parseJson, type Answer, type Router } from './http.ts';
import type { SimRpc } from './rpc.ts';
import type { SimState } from './state.ts';
import { uuidFrom } from './util.ts';

export interface BuilderCreds {
  key: string;
  secret: string;
  passphrase: string;
}

export interface RelayedTx {
  transactionID: string;
  transactionHash: string;
  from: string;
  to: string;
  proxyAddress: string;
  data: string;
  nonce: string;
  value: string;
  state: 'STATE_NEW' | 'STATE_MINED' | 'STATE_CONFIRMED' | 'STATE_FAILED';
  type: 'PROXY' | 'SAFE';
  metadata: string;
  createdAt: string;
  updatedAt: string;
}

interface Submission {
  type?: unknown;
  from?: unknown;
  to?: unknown;
  proxyWallet?: unknown;
  data?: unknown;
  nonce?: unknown;
  signature?: unknown;
  signatureParams?: Record<string, unknown>;
  metadata?: unknown;
}

type Call = { to: string; data: Hex };

const lower = (a: string): string => a.toLowerCase();
const isHex = (v: unknown): v is Hex => typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v);
const isUint = (v: unknown): v is string => typeof v === 'string' && /^\d+$/.test(v);
const same = (a: unknown, b: string): boolean => typeof a === 'string' && lower(a) === lower(b);

class Refused extends Error {}

export class SimRelayer {
  readonly builderCreds: BuilderCreds;
  /** The relayer's own sender and relay address */
  readonly relayAddress: string;
  /** Every submission accepted, in order */
  readonly transactions: RelayedTx[] = [];
  private failing = 0;
  private holding = 0;
  /** Held transactions, mined by `release` */
  private readonly held = new Map<string, { tx: RelayedTx; wallet: string; calls: Call[]; failed: boolean }>();
  private readonly nonces = new Map<string, number>();
  private readonly deployedSafes = new Set<string>();

  constructor(private readonly state: SimState, private readonly rpc: SimRpc, secret: string) {
    const material = createHmac('sha256', secret).update('builder').digest();
    this.builderCreds = { key: uuidFrom(secret, 'builder-key'), secret: material.toString('base64'),
      passphrase: material.subarray(0, 16).toString('hex') };
    this.relayAddress = lower(`0x${createHmac('sha256', secret).update('relay').digest('hex').slice(0, 40)}`);
  }

  /** The next n transactions end STATE_FAILED */
  failNext(n = 1): void {
    this.failing += n;
  }

  /** The next n transactions stay STATE_NEW (not mined) until `release` */
  holdNext(n = 1): void {
    this.holding += n;
  }

  /** Mines the held transactions: each ends STATE_MINED (or STATE_FAILED) */
  release(): number {
    const held = [...this.held.values()];
    this.held.clear();
    for (const h of held) this.settle(h.tx, h.wallet, h.calls, h.failed, 'STATE_MINED');
    return held.length;
  }

  nonceOf(address: string, type: string): number {
    return this.nonces.get(`${type}:${lower(address)}`) ?? 0;
  }

  /** A Safe is deployed once deployed here (`deploy`) or funded with collateral on the exchange */
  deployed(address: string): boolean {
    return this.deployedSafes.has(lower(address)) || this.state.exchange.balance(lower(address), COLLATERAL).total > 0n;
  }

  deploy(address: string): void {
    this.deployedSafes.add(lower(address));
  }

  transaction(id: string): RelayedTx | null {
    return this.transactions.find((t) => t.transactionID === id) ?? null;
  }

  /** POST /submit: authenticated, verified, decoded, mined */
  async submit(headers: IncomingHttpHeaders, body: string): Promise<Answer> {
    if (!this.authenticated(headers, 'POST', '/submit', body)) return fail(401, 'invalid builder authentication');
    const s = parseJson(body) as Submission | undefined;
    if (typeof s !== 'object' || s === null) return fail(400, 'invalid request body');
    try {
      const { wallet, calls } = s.type === 'PROXY' ? await this.verifyProxy(s) : s.type === 'SAFE' ? await this.verifySafe(s)
        : this.refuse(`unsupported transaction type ${String(s.type)}`);
      return json(200, this.mine(s, wallet, calls));
    } catch (e) {
      if (e instanceof Refused) return fail(400, e.message);
      throw e;
    }
  }

  private refuse(message: string): never {
    throw new Refused(message);
  }

  /** The builder headers: a known key and passphrase, and the HMAC of timestamp + method + path + body */
  authenticated(headers: IncomingHttpHeaders, method: string, path: string, body: string): boolean {
    const key = header(headers, 'POLY_BUILDER_API_KEY');
    const signature = header(headers, 'POLY_BUILDER_SIGNATURE');
    const timestamp = header(headers, 'POLY_BUILDER_TIMESTAMP');
    const passphrase = header(headers, 'POLY_BUILDER_PASSPHRASE');
    if (key !== this.builderCreds.key || passphrase !== this.builderCreds.passphrase || !signature || !timestamp) return false;
    const expected = Buffer.from(l2Signature(this.builderCreds.secret, timestamp, method, path, body));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private nonceChecked(s: Submission, type: string): { from: Hex; nonce: number } {
    if (typeof s.from !== 'string' || !isAddress(s.from, { strict: false })) this.refuse('invalid from');
    if (!isUint(s.nonce) || Number(s.nonce) !== this.nonceOf(s.from, type)) this.refuse(`invalid nonce ${String(s.nonce)}`);
    if (!isHex(s.data) || !isHex(s.signature)) this.refuse('invalid data or signature');
    return { from: s.from as Hex, nonce: Number(s.nonce) };
  }

  /** The relay hash (rlx: prefix, addresses and 32-byte amounts) signed personally by `from`; the batch to its proxy */
  private async verifyProxy(s: Submission): Promise<{ wallet: string; calls: Call[] }> {
    const { from, nonce } = this.nonceChecked(s, 'PROXY');
    const p = s.signatureParams ?? {};
    if (!same(s.to, PROXY_FACTORY) || !same(p.relayHub, RELAY_HUB) || !same(p.relay, this.relayAddress)) this.refuse('invalid relay parameters');
    if (!isUint(p.relayerFee) || !isUint(p.gasPrice) || !isUint(p.gasLimit)) this.refuse('invalid signature parameters');
    const word = (v: string): Hex => toHex(BigInt(v), { size: 32 });
    const hash = keccak256(concat([toHex('rlx:'), from, PROXY_FACTORY, s.data as Hex, word(p.relayerFee as string),
      word(p.gasPrice as string), word(p.gasLimit as string), word(String(nonce)), RELAY_HUB, this.relayAddress as Hex]));
    await this.signedBy(hash, s.signature as Hex, from);
    const wallet = lower(deriveProxyWallet(from, PROXY_FACTORY));
    if (!same(s.proxyWallet, wallet)) this.refuse(`proxy wallet ${String(s.proxyWallet)} is not ${from}'s`);
    const { args } = decodeFunctionData({ abi: PROXY_ABI, data: s.data as Hex });
    if (args[0].some((c) => c.typeCode !== 1 || c.value !== 0n)) this.refuse('only calls without value are relayed');
    return { wallet, calls: args[0].map((c) => ({ to: c.to, data: c.data })) };
  }

  /** The SafeTx (EIP-712, the Safe as verifying contract) signed personally by its owner, v + 4; one call or a MultiSend */
  private async verifySafe(s: Submission): Promise<{ wallet: string; calls: Call[] }> {
    const { from, nonce } = this.nonceChecked(s, 'SAFE');
    const p = s.signatureParams ?? {};
    const safe = deriveSafe(from, SAFE_FACTORY) as Hex;
    if (!same(s.proxyWallet, safe)) this.refuse(`safe ${String(s.proxyWallet)} is not ${from}'s`);
    if (!this.deployed(safe)) this.refuse(`safe ${safe} is not deployed`);
    if (typeof s.to !== 'string' || !isAddress(s.to, { strict: false }) || !['0', '1'].includes(String(p.operation))) this.refuse('invalid safe call');
    const hash = hashTypedData({ domain: { chainId: this.rpc.chainId, verifyingContract: safe }, types: SAFE_TX_TYPES, primaryType: 'SafeTx',
      message: { to: s.to as Hex, value: 0n, data: s.data as Hex, operation: Number(p.operation), safeTxGas: BigInt(String(p.safeTxnGas ?? '0')),
        baseGas: BigInt(String(p.baseGas ?? '0')), gasPrice: BigInt(String(p.gasPrice ?? '0')), gasToken: (p.gasToken ?? zeroAddress) as Hex,
        refundReceiver: (p.refundReceiver ?? zeroAddress) as Hex, nonce: BigInt(nonce) } });
    const sig = s.signature as Hex;
    if (size(sig) !== 65) this.refuse('invalid signature length');
    const v = Number(hexToBigInt(slice(sig, 64, 65)));
    if (v !== 31 && v !== 32) this.refuse('a Safe owner signature of a message has v 31 or 32');
    await this.signedBy(hash, concat([slice(sig, 0, 64), toHex(v - 4, { size: 1 })]), from);
    const data = s.data as Hex;
    if (p.operation === '0') return { wallet: lower(safe), calls: [{ to: s.to as Hex, data }] };
    if (!same(s.to, SAFE_MULTISEND)) this.refuse('a delegate call goes only to MultiSend');
    return { wallet: lower(safe), calls: unpackMultiSend(decodeFunctionData({ abi: MULTISEND_ABI, data }).args[0]) };
  }

  private async signedBy(hash: Hex, signature: Hex, from: string): Promise<void> {
    const signer = await recoverMessageAddress({ message: { raw: hash }, signature }).catch(() => null);
    if (signer === null || lower(signer) !== lower(from)) this.refuse('invalid signature: not signed by from');
  }

  private mine(s: Submission, wallet: string, calls: Call[]): { transactionID: string; transactionHash: string; state: string } {
    const type = s.type as 'PROXY' | 'SAFE';
    const from = lower(s.from as string);
    this.nonces.set(`${type}:${from}`, this.nonceOf(from, type) + 1);
    const id = uuidFrom(this.builderCreds.secret, `relayed:${this.transactions.length}:${from}:${String(s.nonce)}`);
    const failed = this.failing > 0;
    if (failed) this.failing -= 1;
    const at = this.state.clock.now().toISOString();
    const tx: RelayedTx = {
      transactionID: id, transactionHash: '', from, to: lower(s.to as string), proxyAddress: wallet, data: s.data as string,
      nonce: String(s.nonce), value: '0', state: 'STATE_NEW', type,
      metadata: typeof s.metadata === 'string' ? s.metadata : '', createdAt: at, updatedAt: at,
    };
    this.transactions.push(tx);
    if (this.holding > 0) {
      this.holding -= 1;
      this.held.set(id, { tx, wallet, calls, failed });
    } else this.settle(tx, wallet, calls, failed, 'STATE_CONFIRMED');
    return { transactionID: id, transactionHash: tx.transactionHash, state: 'STATE_NEW' };
  }

  private settle(tx: RelayedTx, wallet: string, calls: Call[], failed: boolean, done: 'STATE_MINED' | 'STATE_CONFIRMED'): void {
    const mined = this.rpc.relayed(tx.transactionID, this.relayAddress, tx.to, wallet, calls, failed);
    tx.transactionHash = mined.hash;
    tx.state = mined.ok ? done : 'STATE_FAILED';
    tx.updatedAt = this.state.clock.now().toISOString();
  }
}

/** MultiSend's packed transactions: operation (1), to (20), value (32), data length (32), data */
function unpackMultiSend(packed: Hex): Call[] {
  const calls: Call[] = [];
  let at = 0;
  while (at < size(packed)) {
    const to = slice(packed, at + 1, at + 21);
    const length = Number(hexToBigInt(slice(packed, at + 53, at + 85)));
    calls.push({ to, data: length === 0 ? '0x' : slice(packed, at + 85, at + 85 + length) });
    at += 85 + length;
  }
  return calls;
}

/** The relayer's routes under /relayer, and POST /_sim/relayer/fail {count}, /_sim/relayer/hold {count}, /_sim/relayer/release */
export function addRelayerRoutes(router: Router, relayer: SimRelayer): void {
  const address = (q: URLSearchParams): string | null => {
    const a = q.get('address');
    return a && isAddress(a, { strict: false }) ? a : null;
  };
  router.add('GET', '/relayer/nonce', (req) => {
    const a = address(req.query);
    return a ? json(200, { nonce: String(relayer.nonceOf(a, req.query.get('type') ?? 'SAFE')) }) : fail(400, 'invalid address');
  });
  router.add('GET', '/relayer/relay-payload', (req) => {
    const a = address(req.query);
    return a ? json(200, { address: relayer.relayAddress, nonce: String(relayer.nonceOf(a, req.query.get('type') ?? 'PROXY')) })
      : fail(400, 'invalid address');
  });
  router.add('GET', '/relayer/deployed', (req) => {
    const a = address(req.query);
    return a ? json(200, { deployed: relayer.deployed(a) }) : fail(400, 'invalid address');
  });
  router.add('GET', '/relayer/transaction', (req) => {
    const t = relayer.transaction(req.query.get('id') ?? '');
    return json(200, t ? [t] : []);
  });
  router.add('GET', '/relayer/transactions', (req) => (relayer.authenticated(req.headers, 'GET', '/transactions', req.body)
    ? json(200, relayer.transactions) : fail(401, 'invalid builder authentication')));
  router.add('POST', '/relayer/submit', (req) => relayer.submit(req.headers, req.body));
  router.add('POST', '/_sim/relayer/fail', (req) => {
    const raw = parseJson(req.body) as { count?: unknown } | undefined;
    const count = typeof raw?.count === 'number' && Number.isInteger(raw.count) && raw.count > 0 ? raw.count : 1;
    relayer.failNext(count);
    return json(200, { failNext: count });
  });
  router.add('POST', '/_sim/relayer/hold', (req) => {
    const raw = parseJson(req.body) as { count?: unknown } | undefined;
    const count = typeof raw?.count === 'number' && Number.isInteger(raw.count) && raw.count > 0 ? raw.count : 1;
    relayer.holdNext(count);
    return json(200, { holdNext: count });
  });
  router.add('POST', '/_sim/relayer/release', () => json(200, { released: relayer.release() }));
}
