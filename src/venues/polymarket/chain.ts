/**
 * The Chain port on Polygon with viem: redemptions signed locally by the EOA's key (never logged), sent as raw
 * transactions, followed by their receipts. Standard markets redeem through the CtfCollateralAdapter, neg-risk markets
 * through the NegRiskCtfCollateralAdapter; both pay pUSD (chain-contracts.ts says where these facts come from). Before
 * the first redemption through an adapter the wallet's approval of it on the ConditionalTokens contract is read
 * (isApprovedForAll) and, when missing, given (setApprovalForAll(adapter, true), signed here too, waited for within a
 * bound). The collateral a redemption paid the wallet is read from the receipt's pUSD Transfer events, so a confirmed
 * transaction that paid nothing (e.g. a direct CTF call with pUSD as collateral) is not taken for cash. Proxy
 * and Safe wallets redeem through Polymarket's relayer (relayer-chain.ts, which batches the same calls and reads receipts
 * and balances through this adapter); this one alone says it cannot sign for them (`cannotRedeem`)
 */
import {
  createPublicClient, encodeFunctionData, erc1155Abi, erc20Abi, http, keccak256, parseEventLogs, type Address, type Hex,
  type PublicClient, type TransactionSerializable,
} from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { Usdc } from '../../domain/money.ts';
import type { ApprovalRead, Chain, ReceiptRead, RedeemCall, SendOutcome, SignedRedeem } from '../../engine/chain-port.ts';
import {
  BINARY_INDEX_SETS, CTF_REDEEM_ABI, NEG_RISK_REDEEM_ABI, POLYGON_CHAIN_ID, POLYGON_CONTRACTS, redeemerOf, ZERO_BYTES32,
  type ChainContracts,
} from './chain-contracts.ts';

export interface PolygonChainOptions {
  /** null: no RPC configured, so nothing can be redeemed here (the engine alerts what to redeem by hand) */
  rpcUrl: string | null;
  privateKey: Hex;
  /** 0 EOA (signs here); 1 Polymarket proxy, 2 Safe, 3 deposit wallet: redeemed through the relayer (relayer-chain.ts) */
  signatureType: 0 | 1 | 2 | 3;
  /** The proxy or Safe wallet that holds the tokens (signature types 1 and 2) */
  funder?: string;
  contracts?: ChainContracts;
  chainId?: number;
  /** Per JSON-RPC request (default 10 s) */
  timeoutMs?: number;
  /** How long a redemption run waits for an approval it sent to be mined (default 30 s), polling every `pollMs` (1 s) */
  approval?: { waitMs: number; pollMs: number };
}

/** viem's short message plus the node's own words (`details`), e.g. "nonce too low" */
function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const { shortMessage, details } = e as { shortMessage?: string; details?: string };
  const head = shortMessage ?? e.message;
  return details && !head.includes(details) ? `${head}: ${details}` : head;
}
const isHex = (v: unknown): v is Hex => typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v);
const sleep = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms); });

/**
 * The contract call that redeems `call`: its market's collateral adapter (standard or neg-risk), paid in pUSD. One
 * encoding for every sender (signed here for an EOA, batched by the relayer for a proxy or Safe wallet)
 */
export function redeemTransaction(call: RedeemCall, contracts: ChainContracts): { to: Address; data: Hex } {
  const conditionId = call.conditionId as Hex;
  const to = redeemerOf(contracts, call.negRisk);
  const data = call.negRisk
    ? encodeFunctionData({ abi: NEG_RISK_REDEEM_ABI, functionName: 'redeemPositions', args: [conditionId, [...call.amounts]] })
    : encodeFunctionData({ abi: CTF_REDEEM_ABI, functionName: 'redeemPositions',
      args: [contracts.collateral, ZERO_BYTES32, conditionId, [...BINARY_INDEX_SETS]] });
  return { to, data };
}

/** ConditionalTokens.setApprovalForAll(adapter, true): lets the adapter that redeems `call` pull the wallet's tokens */
export function approvalTransaction(call: RedeemCall, contracts: ChainContracts): { to: Address; data: Hex } {
  return { to: contracts.conditionalTokens,
    data: encodeFunctionData({ abi: erc1155Abi, functionName: 'setApprovalForAll', args: [redeemerOf(contracts, call.negRisk), true] }) };
}

class PolygonChain implements Chain {
  readonly name = 'polygon';
  readonly address: string;
  readonly cannotRedeem: string | null;
  private readonly client: PublicClient;
  private readonly account: PrivateKeyAccount;
  private readonly contracts: ChainContracts;
  private readonly chainId: number;
  private readonly approvalWait: { waitMs: number; pollMs: number };
  /** Adapters this wallet approved, as last read: forgotten when a redemption fails to sign or reverts */
  private readonly approved = new Set<Address>();
  /** Approvals sent and not seen mined yet, per adapter (a restart forgets them: the approval is read again) */
  private readonly approving = new Map<Address, string>();

  constructor(o: PolygonChainOptions) {
    this.account = privateKeyToAccount(o.privateKey);
    this.contracts = o.contracts ?? POLYGON_CONTRACTS;
    this.chainId = o.chainId ?? POLYGON_CHAIN_ID;
    this.approvalWait = o.approval ?? { waitMs: 30_000, pollMs: 1_000 };
    // Without an RPC URL the client is never called (cannotRedeem is set); a loopback placeholder keeps it typed
    this.client = createPublicClient({ transport: http(o.rpcUrl ?? 'http://127.0.0.1:9', { timeout: o.timeoutMs ?? 10_000, retryCount: 0 }) });
    const proxy = o.signatureType !== 0;
    this.address = (proxy && o.funder ? o.funder : this.account.address).toLowerCase();
    const kind = ['', 'Polymarket proxy', 'Safe', 'deposit'][o.signatureType];
    this.cannotRedeem = proxy
      ? `${kind} wallet ${this.address}: redemption goes through Polymarket's relayer, which is not configured`
        + ' (POLYMARKET_RELAYER_URL and POLYMARKET_BUILDER_API_KEY, _SECRET, _PASSPHRASE)'
      : o.rpcUrl === null ? 'POLYGON_RPC_URL is not set' : null;
  }

  /**
   * The adapter that redeems `call` may pull the wallet's tokens: read on chain (once, then remembered), and when
   * missing approved by a transaction of its own, waited for within a bound. Approvals are idempotent, so a crash
   * between the approval and the redemption only means reading (or at worst sending) it again
   */
  async approveRedeem(call: RedeemCall): Promise<ApprovalRead> {
    const operator = redeemerOf(this.contracts, call.negRisk);
    if (this.approved.has(operator)) return { kind: 'approved' };
    try {
      const earlier = this.approving.get(operator);
      if (earlier !== undefined) return await this.approvalMined(operator, earlier, 0); // waited for once already
      if (await this.isApproved(operator)) return this.approvedNow(operator);
      const signed = await this.sign(this.contracts.conditionalTokens,
        encodeFunctionData({ abi: erc1155Abi, functionName: 'setApprovalForAll', args: [operator, true] }));
      this.approving.set(operator, signed.txHash);
      const sent = await this.send(signed);
      if (sent.kind === 'rejected') {
        this.approving.delete(operator);
        return { kind: 'failed', txHash: signed.txHash, detail: `approval of ${operator} refused by the node: ${sent.detail}` };
      }
      return await this.approvalMined(operator, signed.txHash, this.approvalWait.waitMs);
    } catch (e) {
      return { kind: 'failed', detail: `approval of ${operator}: ${errorText(e)}` };
    }
  }

  /** Follows an approval sent to its receipt, for up to `waitMs` */
  private async approvalMined(operator: Address, txHash: string, waitMs: number): Promise<ApprovalRead> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const r = await this.receipt(txHash);
      if (r.kind === 'confirmed' || r.kind === 'reverted') {
        this.approving.delete(operator);
        if (r.kind === 'confirmed' && await this.isApproved(operator)) return this.approvedNow(operator);
        return { kind: 'failed', txHash, detail: r.kind === 'reverted' ? `approval of ${operator} reverted: ${r.detail}`
          : `approval of ${operator} mined, but isApprovedForAll still reads false` };
      }
      if (Date.now() >= deadline) {
        // Never seen by the node: forgotten, so the next run reads the approval again (and sends it again if missing)
        if (r.kind === 'not_found') this.approving.delete(operator);
        return { kind: 'pending', txHash };
      }
      await sleep(this.approvalWait.pollMs);
    }
  }

  private approvedNow(operator: Address): ApprovalRead {
    this.approved.add(operator);
    return { kind: 'approved' };
  }

  private async isApproved(operator: Address): Promise<boolean> {
    return this.client.readContract({ address: this.contracts.conditionalTokens, abi: erc1155Abi, functionName: 'isApprovedForAll',
      args: [this.account.address, operator] });
  }

  /** The redemption through the market's adapter, paid in pUSD */
  async signRedeem(call: RedeemCall): Promise<SignedRedeem> {
    const { to, data } = redeemTransaction(call, this.contracts);
    try {
      return await this.sign(to, data);
    } catch (e) {
      // A node estimates gas by running the call: a redemption the adapter would refuse (approval revoked) fails here
      this.approved.delete(to);
      throw e;
    }
  }

  /** Fixes nonce, gas and fees with the node, then signs: the hash is known before anything is sent */
  private async sign(to: Address, data: Hex): Promise<SignedRedeem> {
    const from = this.account.address;
    const [nonce, gas, block, tip] = await Promise.all([
      this.client.getTransactionCount({ address: from, blockTag: 'pending' }),
      this.client.estimateGas({ account: from, to, data }),
      this.client.getBlock({ blockTag: 'latest' }),
      this.client.estimateMaxPriorityFeePerGas({ chain: null }),
    ]);
    const base = block.baseFeePerGas ?? 0n;
    const tx: TransactionSerializable = {
      type: 'eip1559', chainId: this.chainId, to, data, nonce, gas: (gas * 12n) / 10n,
      maxPriorityFeePerGas: tip, maxFeePerGas: base * 2n + tip, value: 0n,
    };
    const raw = await this.account.signTransaction(tx);
    return { txHash: keccak256(raw), payload: { raw } };
  }

  async send(signed: SignedRedeem): Promise<SendOutcome> {
    const raw = (signed.payload as { raw?: unknown } | null)?.raw;
    if (!isHex(raw)) return { kind: 'rejected', detail: 'no signed transaction recorded' };
    try {
      await this.client.sendRawTransaction({ serializedTransaction: raw });
      return { kind: 'sent' };
    } catch (e) {
      const text = errorText(e);
      if (/already known/i.test(text)) return { kind: 'sent' };
      // A node that refuses it may have mined it already (a resend racing the receipt): look before calling it refused
      const mined = await this.receipt(signed.txHash).catch(() => null);
      if (mined && mined.kind !== 'not_found' && mined.kind !== 'error') return { kind: 'sent' };
      if (/nonce too low|underpriced|insufficient funds|invalid (chain|sender|signature)|intrinsic gas too low|exceeds block gas limit/i.test(text)) {
        return { kind: 'rejected', detail: text };
      }
      return { kind: 'unknown', detail: text };
    }
  }

  async receipt(txHash: string): Promise<ReceiptRead> {
    const hash = txHash as Hex;
    try {
      const r = await this.client.getTransactionReceipt({ hash }).catch((e: unknown) => {
        if (e instanceof Error && e.name === 'TransactionReceiptNotFoundError') return null;
        throw e;
      });
      if (r === null) {
        const tx = await this.client.getTransaction({ hash }).catch(() => null);
        return tx ? { kind: 'pending' } : { kind: 'not_found' };
      }
      if (r.status !== 'success') {
        this.approved.clear(); // a revoked approval is one reason: read it again before the next redemption
        return { kind: 'reverted', detail: `status ${r.status} in block ${r.blockNumber}` };
      }
      return { kind: 'confirmed', collateralIn: this.collateralIn(r.logs) };
    } catch (e) {
      return { kind: 'error', detail: errorText(e) };
    }
  }

  async collateralBalance(): Promise<Usdc> {
    const balance = await this.client.readContract({
      address: this.contracts.collateral, abi: erc20Abi, functionName: 'balanceOf', args: [this.address as Address],
    });
    return balance as Usdc;
  }

  /** Σ Transfer(_, wallet, value) emitted by the collateral token (pUSD) in the transaction */
  private collateralIn(logs: Parameters<typeof parseEventLogs>[0]['logs']): Usdc {
    const transfers = parseEventLogs({ abi: erc20Abi, eventName: 'Transfer', logs });
    return transfers
      .filter((l) => l.address.toLowerCase() === this.contracts.collateral.toLowerCase() && l.args.to.toLowerCase() === this.address)
      .reduce((s, l) => s + l.args.value, 0n) as Usdc;
  }
}

export function createPolygonChain(options: PolygonChainOptions): Chain {
  return new PolygonChain(options);
}
