/**
 * `POST /rpc`: the Polygon JSON-RPC calls viem makes to redeem, answered over the simulated exchange. A raw
 * transaction is parsed and its sender recovered with viem, mined at once in a block of its own and applied by the
 * simulated contracts (rpc-contracts.ts: ConditionalTokens approvals, the pUSD collateral adapters' redeemPositions,
 * a direct CTF redeem that pays 0), with a receipt carrying their logs (the pUSD Transfer of a payout). eth_call answers
 * pUSD balanceOf and ConditionalTokens isApprovedForAll. Nonces are checked per sender; `revertNext` makes the next
 * redemptions revert (approvals are not affected); `holdNext` keeps the next transactions unmined until `mine`
 */
import { keccak256, parseTransaction, recoverTransactionAddress, toHex, type Hex } from 'viem';
import { POLYGON_CHAIN_ID, POLYGON_CONTRACTS, type ChainContracts } from '../../venues/polymarket/chain-contracts.ts';
import { SimContracts, type Applied, type SimLog } from './rpc-contracts.ts';
import type { SimState } from './state.ts';
import { json, parseJson, type Router } from './http.ts';

const ZERO32 = `0x${'0'.repeat(64)}` as Hex;
const BASE_FEE = 30_000_000_000n;
const TIP = 30_000_000_000n;

/** A transaction accepted by the node */
interface Sent {
  hash: Hex;
  from: Hex;
  to: Hex;
  nonce: number;
  input: Hex;
}

interface Mined extends Sent {
  block: bigint;
  ok: boolean;
  logs: SimLog[];
}

class RpcError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

const blockHash = (n: bigint): Hex => keccak256(toHex(`sim-block-${n}`));
const lower = (a: string): string => a.toLowerCase();

export class SimRpc {
  private block = 1n;
  private reverts = 0;
  private holds = 0;
  private readonly mined = new Map<string, Mined>();
  /** Accepted and held unmined (`holdNext`) until `mine` */
  private readonly pool = new Map<string, Sent>();
  private readonly nonces = new Map<string, number>();
  /** The simulated contracts: approvals and redemptions */
  readonly chain: SimContracts;
  /** Redemption transactions applied, in order (reverted ones included): `to` is the contract called */
  readonly redemptions: { hash: Hex; from: string; to: string; ok: boolean; paid: bigint }[] = [];
  /** setApprovalForAll transactions applied, in order */
  readonly approvals: { hash: Hex; from: string; ok: boolean }[] = [];

  private readonly clock: SimState['clock'];

  constructor(state: SimState, readonly contracts: ChainContracts = POLYGON_CONTRACTS, readonly chainId = POLYGON_CHAIN_ID) {
    this.chain = new SimContracts(state.exchange, contracts);
    this.clock = state.clock;
  }

  /** The next n redemption transactions revert (nothing burned or paid; the nonce is used) */
  revertNext(n = 1): void {
    this.reverts += n;
  }

  /** The next n transactions are accepted (nonce used) but stay unmined, without a receipt, until `mine()` */
  holdNext(n = 1): void {
    this.holds += n;
  }

  /** Mines the held transactions, in the order they were sent */
  mine(): void {
    const held = [...this.pool.values()];
    this.pool.clear();
    for (const t of held) this.mineTx(t);
  }

  handle(method: string, params: unknown[]): unknown {
    switch (method) {
      case 'eth_chainId': return toHex(this.chainId);
      case 'net_version': return String(this.chainId);
      case 'eth_blockNumber': return toHex(this.block);
      case 'eth_getBlockByNumber': return this.blockOf(this.block);
      case 'eth_gasPrice': return toHex(BASE_FEE + TIP);
      case 'eth_maxPriorityFeePerGas': return toHex(TIP);
      case 'eth_feeHistory': return { oldestBlock: toHex(this.block), baseFeePerGas: [toHex(BASE_FEE), toHex(BASE_FEE)],
        gasUsedRatio: [0.5], reward: [[toHex(TIP)]] };
      case 'eth_getTransactionCount': return toHex(this.nonces.get(lower(String(params[0]))) ?? 0);
      case 'eth_estimateGas': return toHex(150_000);
      case 'eth_sendRawTransaction': return this.sendRaw(params[0] as Hex);
      case 'eth_getTransactionReceipt': return this.receiptOf(String(params[0]));
      case 'eth_getTransactionByHash': return this.txOf(String(params[0]));
      case 'eth_call': return this.call(params[0] as { to?: string; data?: Hex; input?: Hex });
      default: throw new RpcError(-32601, `the method ${method} does not exist/is not available`);
    }
  }

  private blockOf(n: bigint): Record<string, unknown> {
    return {
      number: toHex(n), hash: blockHash(n), parentHash: blockHash(n - 1n), timestamp: toHex(Math.floor(this.clock.now().getTime() / 1000)),
      baseFeePerGas: toHex(BASE_FEE), gasLimit: toHex(30_000_000), gasUsed: '0x0', miner: `0x${'0'.repeat(40)}`,
      difficulty: '0x0', totalDifficulty: '0x0', extraData: '0x', logsBloom: `0x${'0'.repeat(512)}`, nonce: '0x0000000000000000',
      sha3Uncles: ZERO32, stateRoot: ZERO32, receiptsRoot: ZERO32, transactionsRoot: ZERO32, mixHash: ZERO32, size: '0x0',
      transactions: [], uncles: [],
    };
  }

  private async sendRawAsync(raw: Hex): Promise<Hex> {
    const hash = keccak256(raw);
    if (this.mined.has(hash) || this.pool.has(hash)) throw new RpcError(-32000, 'already known');
    const tx = parseTransaction(raw);
    const from = lower(await recoverTransactionAddress({ serializedTransaction: raw as never })) as Hex;
    if (tx.chainId !== this.chainId) throw new RpcError(-32000, `invalid chain id ${tx.chainId}`);
    const expected = this.nonces.get(from) ?? 0;
    if ((tx.nonce ?? 0) < expected) throw new RpcError(-32000, `nonce too low: next nonce ${expected}, tx nonce ${tx.nonce}`);
    if ((tx.nonce ?? 0) > expected) throw new RpcError(-32000, `nonce too high: next nonce ${expected}, tx nonce ${tx.nonce}`);
    this.nonces.set(from, expected + 1);
    const sent: Sent = { hash, from, to: lower(tx.to ?? '') as Hex, nonce: tx.nonce ?? 0, input: (tx.data ?? '0x') as Hex };
    if (this.holds > 0) {
      this.holds -= 1;
      this.pool.set(hash, sent);
    } else this.mineTx(sent);
    return hash;
  }

  /** Mines one transaction in a block of its own, applied by the contracts */
  private mineTx(t: Sent): void {
    this.block += 1n;
    const applied = this.apply(t.from, t.to, t.input);
    this.mined.set(t.hash, { ...t, block: this.block, ok: applied.ok, logs: applied.ok ? applied.logs : [] });
    const { hash, from, to } = t;
    if (applied.kind === 'redeem') this.redemptions.push({ hash, from, to, ok: applied.ok, paid: applied.ok ? applied.paid : 0n });
    if (applied.kind === 'approval') this.approvals.push({ hash, from, ok: applied.ok });
  }

  /**
   * A transaction the relayer mined for a proxy or Safe `wallet`: each call applied as if the wallet made it (an
   * adapter's approval, a redemption that burns the wallet's tokens and pays it pUSD), in one block, with a receipt
   * carrying the calls' logs. `failed`, or a call the contracts do not know, reverts it: nothing is applied. Hash: from
   * the relayer's id
   */
  relayed(id: string, relayer: string, target: string, wallet: string, calls: readonly { to: string; data: Hex }[],
    failed: boolean): { hash: Hex; ok: boolean; paid: bigint } {
    const hash = keccak256(toHex(`sim-relayed-${id}`));
    const valid = !failed && calls.length > 0 && calls.every((c) => this.chain.kindOf(lower(c.to), c.data) !== 'other');
    const results = valid ? calls.map((c) => this.apply(lower(wallet), lower(c.to), c.data)) : [];
    const ok = valid && results.every((r) => r.ok);
    const paid = ok ? results.reduce((sum, r) => sum + (r.kind === 'redeem' ? r.paid : 0n), 0n) : 0n;
    this.block += 1n;
    this.mined.set(hash, { hash, from: lower(relayer) as Hex, to: lower(target) as Hex, nonce: 0, input: '0x', block: this.block, ok,
      logs: ok ? results.flatMap((r) => r.logs) : [] });
    const redeemed = calls.find((c) => this.chain.kindOf(lower(c.to), c.data) === 'redeem');
    if (redeemed) this.redemptions.push({ hash, from: lower(wallet), to: lower(redeemed.to), ok, paid });
    return { hash, ok, paid };
  }

  /** Kept apart so `handle` stays synchronous for every other method */
  private sendRaw(raw: Hex): Promise<Hex> {
    return this.sendRawAsync(raw);
  }

  /** The contracts apply the call; `revertNext` reverts redemptions before they touch anything */
  private apply(from: string, to: string, input: Hex): Applied {
    if (this.reverts > 0 && this.chain.kindOf(to, input) === 'redeem') {
      this.reverts -= 1;
      return { ok: false, kind: 'redeem', paid: 0n, logs: [] };
    }
    return this.chain.apply(from, to, input);
  }

  /** A log as a receipt shows it */
  private logOf(log: SimLog, m: Mined, index: number): Record<string, unknown> {
    return { ...log, blockNumber: toHex(m.block), blockHash: blockHash(m.block), transactionHash: m.hash, transactionIndex: '0x0',
      logIndex: toHex(index), removed: false };
  }

  private receiptOf(hash: string): Record<string, unknown> | null {
    const m = this.mined.get(lower(hash));
    if (!m) return null;
    return {
      transactionHash: m.hash, transactionIndex: '0x0', blockHash: blockHash(m.block), blockNumber: toHex(m.block), from: m.from,
      to: m.to, cumulativeGasUsed: toHex(100_000), gasUsed: toHex(100_000), effectiveGasPrice: toHex(BASE_FEE + TIP),
      contractAddress: null, logs: m.logs.map((l, i) => this.logOf(l, m, i)), logsBloom: `0x${'0'.repeat(512)}`, status: m.ok ? '0x1' : '0x0', type: '0x2',
    };
  }

  private txOf(hash: string): Record<string, unknown> | null {
    const m: (Sent & { block?: bigint }) | undefined = this.mined.get(lower(hash)) ?? this.pool.get(lower(hash));
    if (!m) return null;
    const where = m.block === undefined ? { blockHash: null, blockNumber: null, transactionIndex: null }
      : { blockHash: blockHash(m.block), blockNumber: toHex(m.block), transactionIndex: '0x0' };
    return {
      hash: m.hash, from: m.from, to: m.to, nonce: toHex(m.nonce), ...where,
      input: m.input, value: '0x0', gas: toHex(150_000), type: '0x2', chainId: toHex(this.chainId),
      maxFeePerGas: toHex(BASE_FEE * 2n + TIP), maxPriorityFeePerGas: toHex(TIP), r: ZERO32, s: ZERO32, v: '0x0', yParity: '0x0',
      accessList: [],
    };
  }

  /** eth_call on the simulated contracts; anything they do not answer reverts */
  private call(c: { to?: string; data?: Hex; input?: Hex }): Hex {
    try {
      return this.chain.call(c.to ?? '', c.data ?? c.input ?? '0x');
    } catch {
      throw new RpcError(3, 'execution reverted');
    }
  }
}

interface RpcRequest {
  jsonrpc?: string;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

async function answer(rpc: SimRpc, req: RpcRequest): Promise<Record<string, unknown>> {
  const id = req.id ?? null;
  if (typeof req.method !== 'string') return { jsonrpc: '2.0', id, error: { code: -32600, message: 'invalid request' } };
  try {
    const result = await rpc.handle(req.method, Array.isArray(req.params) ? req.params : []);
    return { jsonrpc: '2.0', id, result };
  } catch (e) {
    const code = e instanceof RpcError ? e.code : -32603;
    return { jsonrpc: '2.0', id, error: { code, message: e instanceof Error ? e.message : String(e) } };
  }
}

/** POST /rpc (single or batch JSON-RPC) and POST /_sim/rpc/revert {count} */
export function addRpcRoutes(router: Router, rpc: SimRpc): void {
  router.add('POST', '/rpc', async (req) => {
    const body = parseJson(req.body);
    if (Array.isArray(body)) return json(200, await Promise.all(body.map((r) => answer(rpc, r as RpcRequest))));
    if (typeof body !== 'object' || body === null) return json(200, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    return json(200, await answer(rpc, body as RpcRequest));
  });
  router.add('POST', '/_sim/rpc/revert', (req) => {
    const raw = parseJson(req.body) as { count?: unknown } | undefined;
    const count = typeof raw?.count === 'number' && Number.isInteger(raw.count) && raw.count > 0 ? raw.count : 1;
    rpc.revertNext(count);
    return json(200, { revertNext: count });
  });
}
