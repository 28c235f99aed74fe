/**
 * `POST /rpc`: the Polygon JSON-RPC calls viem makes to redeem, answered over the simulated exchange. A raw
 * transaction is parsed and its sender recovered with viem; a call to the conditional-tokens contract or the neg-risk
 * adapter's redeemPositions is decoded and applied (burn the sender's won tokens, pay USDC), mined at once in a block
 * of its own, with a receipt whose Transfer log shows the collateral paid. eth_call answers the collateral's
 * balanceOf. Nonces are checked per sender; `revertNext` makes the next redemptions revert
 */
import {
  decodeFunctionData, encodeAbiParameters, erc20Abi, keccak256, pad, parseTransaction, recoverTransactionAddress, toHex,
  type Hex,
} from 'viem';
import {
  CTF_REDEEM_ABI, NEG_RISK_REDEEM_ABI, POLYGON_CHAIN_ID, POLYGON_CONTRACTS, type ChainContracts,
} from '../../venues/polymarket/chain-contracts.ts';
import { COLLATERAL } from '../exchange/ledger.ts';
import type { SimState } from './state.ts';
import { json, parseJson, type Router } from './http.ts';

const TRANSFER_TOPIC = keccak256(new TextEncoder().encode('Transfer(address,address,uint256)'));
const ZERO32 = `0x${'0'.repeat(64)}` as Hex;
const BASE_FEE = 30_000_000_000n;
const TIP = 30_000_000_000n;

interface Mined {
  hash: Hex;
  from: Hex;
  to: Hex;
  nonce: number;
  block: bigint;
  ok: boolean;
  logs: Record<string, unknown>[];
  input: Hex;
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
  private readonly mined = new Map<string, Mined>();
  private readonly nonces = new Map<string, number>();
  /** Redemption transactions applied, in order (reverted ones included) */
  readonly redemptions: { hash: Hex; from: string; ok: boolean; paid: bigint }[] = [];

  constructor(private readonly state: SimState, readonly contracts: ChainContracts = POLYGON_CONTRACTS,
    readonly chainId = POLYGON_CHAIN_ID) {}

  /** The next n redemption transactions revert (nothing burned or paid; the nonce is used) */
  revertNext(n = 1): void {
    this.reverts += n;
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
      number: toHex(n), hash: blockHash(n), parentHash: blockHash(n - 1n), timestamp: toHex(Math.floor(this.state.clock.now().getTime() / 1000)),
      baseFeePerGas: toHex(BASE_FEE), gasLimit: toHex(30_000_000), gasUsed: '0x0', miner: `0x${'0'.repeat(40)}`,
      difficulty: '0x0', totalDifficulty: '0x0', extraData: '0x', logsBloom: `0x${'0'.repeat(512)}`, nonce: '0x0000000000000000',
      sha3Uncles: ZERO32, stateRoot: ZERO32, receiptsRoot: ZERO32, transactionsRoot: ZERO32, mixHash: ZERO32, size: '0x0',
      transactions: [], uncles: [],
    };
  }

  private async sendRawAsync(raw: Hex): Promise<Hex> {
    const hash = keccak256(raw);
    if (this.mined.has(hash)) throw new RpcError(-32000, 'already known');
    const tx = parseTransaction(raw);
    const from = lower(await recoverTransactionAddress({ serializedTransaction: raw as never })) as Hex;
    if (tx.chainId !== this.chainId) throw new RpcError(-32000, `invalid chain id ${tx.chainId}`);
    const expected = this.nonces.get(from) ?? 0;
    if ((tx.nonce ?? 0) < expected) throw new RpcError(-32000, `nonce too low: next nonce ${expected}, tx nonce ${tx.nonce}`);
    if ((tx.nonce ?? 0) > expected) throw new RpcError(-32000, `nonce too high: next nonce ${expected}, tx nonce ${tx.nonce}`);
    this.nonces.set(from, expected + 1);
    this.block += 1n;
    const to = lower(tx.to ?? '') as Hex;
    const input = (tx.data ?? '0x') as Hex;
    const { ok, paid } = this.apply(from, to, input);
    const logs = ok && paid > 0n ? [this.transferLog(to, from, paid, hash)] : [];
    this.mined.set(hash, { hash, from, to, nonce: tx.nonce ?? 0, block: this.block, ok, logs, input });
    this.redemptions.push({ hash, from, ok, paid: ok ? paid : 0n });
    return hash;
  }

  /** Kept apart so `handle` stays synchronous for every other method */
  private sendRaw(raw: Hex): Promise<Hex> {
    return this.sendRawAsync(raw);
  }

  /**
   * A transaction the relayer mined for a proxy or Safe `wallet`: each call applied as if the wallet made it (the
   * redeem burns the wallet's tokens and pays it), in one block, with a receipt whose Transfer logs show what it was
   * paid. `failed` (or any call that is not a redeem of a known market) reverts it all: nothing is applied. Hash: from
   * the relayer's id
   */
  relayed(id: string, relayer: string, target: string, wallet: string, calls: readonly { to: string; data: Hex }[],
    failed: boolean): { hash: Hex; ok: boolean; paid: bigint } {
    const hash = keccak256(toHex(`sim-relayed-${id}`));
    const valid = !failed && calls.length > 0 && calls.every((c) => this.isRedeem(lower(c.to), c.data));
    const results = valid ? calls.map((c) => this.apply(lower(wallet), lower(c.to), c.data)) : [];
    const ok = valid && results.every((r) => r.ok);
    const paid = results.reduce((sum, r) => sum + (r.ok ? r.paid : 0n), 0n);
    this.block += 1n;
    const logs = ok ? results.flatMap((r, i) => (r.paid > 0n
      ? [{ ...this.transferLog(lower(calls[i]!.to), lower(wallet), r.paid, hash), logIndex: toHex(i) }] : [])) : [];
    this.mined.set(hash, { hash, from: lower(relayer) as Hex, to: lower(target) as Hex, nonce: 0, block: this.block, ok, logs,
      input: '0x' });
    this.redemptions.push({ hash, from: lower(wallet), ok, paid: ok ? paid : 0n });
    return { hash, ok, paid: ok ? paid : 0n };
  }

  /** A redeemPositions call of a market the exchange knows, on the CTF or the neg-risk adapter */
  private isRedeem(to: string, data: Hex): boolean {
    try {
      if (to === lower(this.contracts.conditionalTokens)) {
        return this.state.exchange.market(decodeFunctionData({ abi: CTF_REDEEM_ABI, data }).args[2]) !== null;
      }
      if (to === lower(this.contracts.negRiskAdapter)) {
        return this.state.exchange.market(decodeFunctionData({ abi: NEG_RISK_REDEEM_ABI, data }).args[0]) !== null;
      }
    } catch {
      return false;
    }
    return false;
  }

  /** Decodes redeemPositions on the CTF or the neg-risk adapter and redeems on the exchange; anything else reverts */
  private apply(from: string, to: string, input: Hex): { ok: boolean; paid: bigint } {
    if (this.reverts > 0) {
      this.reverts -= 1;
      return { ok: false, paid: 0n };
    }
    try {
      if (to === lower(this.contracts.conditionalTokens)) {
        const { args } = decodeFunctionData({ abi: CTF_REDEEM_ABI, data: input });
        const [collateral, , conditionId, indexSets] = args;
        // Positions of another collateral hold nothing: the contract redeems 0, successfully
        if (lower(collateral) !== lower(this.contracts.collateral)) return { ok: true, paid: 0n };
        const market = this.state.exchange.market(conditionId);
        if (!market) return { ok: false, paid: 0n };
        const amounts = market.tokens.map(({ tokenId }, i) =>
          (indexSets.includes(1n << BigInt(i)) ? this.state.exchange.balance(from, tokenId).available : 0n));
        return { ok: true, paid: this.state.exchange.redeem(from, conditionId, amounts).paid };
      }
      if (to === lower(this.contracts.negRiskAdapter)) {
        const { args } = decodeFunctionData({ abi: NEG_RISK_REDEEM_ABI, data: input });
        return { ok: true, paid: this.state.exchange.redeem(from, args[0], [...args[1]]).paid };
      }
      return { ok: false, paid: 0n };
    } catch {
      return { ok: false, paid: 0n };
    }
  }

  private transferLog(contract: string, to: string, value: bigint, hash: Hex): Record<string, unknown> {
    return {
      address: lower(this.contracts.collateral), topics: [TRANSFER_TOPIC, pad(contract as Hex), pad(to as Hex)],
      data: encodeAbiParameters([{ type: 'uint256' }], [value]), blockNumber: toHex(this.block), blockHash: blockHash(this.block),
      transactionHash: hash, transactionIndex: '0x0', logIndex: '0x0', removed: false,
    };
  }

  private receiptOf(hash: string): Record<string, unknown> | null {
    const m = this.mined.get(lower(hash));
    if (!m) return null;
    return {
      transactionHash: m.hash, transactionIndex: '0x0', blockHash: blockHash(m.block), blockNumber: toHex(m.block), from: m.from,
      to: m.to, cumulativeGasUsed: toHex(100_000), gasUsed: toHex(100_000), effectiveGasPrice: toHex(BASE_FEE + TIP),
      contractAddress: null, logs: m.logs, logsBloom: `0x${'0'.repeat(512)}`, status: m.ok ? '0x1' : '0x0', type: '0x2',
    };
  }

  private txOf(hash: string): Record<string, unknown> | null {
    const m = this.mined.get(lower(hash));
    if (!m) return null;
    return {
      hash: m.hash, from: m.from, to: m.to, nonce: toHex(m.nonce), blockHash: blockHash(m.block), blockNumber: toHex(m.block),
      transactionIndex: '0x0', input: m.input, value: '0x0', gas: toHex(150_000), type: '0x2', chainId: toHex(this.chainId),
      maxFeePerGas: toHex(BASE_FEE * 2n + TIP), maxPriorityFeePerGas: toHex(TIP), r: ZERO32, s: ZERO32, v: '0x0', yParity: '0x0',
      accessList: [],
    };
  }

  /** balanceOf(address) on the collateral token: the account's USDC on the exchange (6 decimals, as USDC.e) */
  private call(c: { to?: string; data?: Hex; input?: Hex }): Hex {
    const data = c.data ?? c.input ?? '0x';
    if (lower(c.to ?? '') !== lower(this.contracts.collateral)) throw new RpcError(3, 'execution reverted');
    const { functionName, args } = decodeFunctionData({ abi: erc20Abi, data });
    if (functionName !== 'balanceOf') throw new RpcError(3, 'execution reverted');
    const balance = this.state.exchange.balance(lower(args[0] as string), COLLATERAL).total;
    return encodeAbiParameters([{ type: 'uint256' }], [balance]);
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
