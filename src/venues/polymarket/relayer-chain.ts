/**
 * The Chain port for a Polymarket proxy (signature type 1) or Safe (type 2) wallet: redemptions go through Polymarket's
 * relayer with the official client (`@polymarket/builder-relayer-client`), which has the wallet's owner key sign the
 * proxy call batch or the Safe transaction and submits it with the builder's authentication headers
 * (`@polymarket/builder-signing-sdk`, HMAC over the request). The batch is the adapter's approval and the redeem call
 * the EOA path signs (`approvalTransaction`, `redeemTransaction`). The relayer assigns the transaction its id only when it accepts it, so `signRedeem` submits,
 * and the engine records that id (as `relayer:<id>`) before anything waits on it; `receipt` follows the relayer's state
 * and, once mined or confirmed, the on-chain receipt through POLYGON_RPC_URL: only the collateral the transaction transferred to
 * the proxy/Safe (funder) address counts. Neither the key nor the builder secret is ever logged or returned
 */
import { deriveProxyWallet, deriveSafe, RelayClient, RelayerTxType, type RelayerTransaction } from '@polymarket/builder-relayer-client';
import { BuilderConfig } from '@polymarket/builder-signing-sdk';
import { createWalletClient, http, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { polygon } from 'viem/chains';
import type { Usdc } from '../../domain/money.ts';
import type { ApprovalRead, Chain, ReceiptRead, RedeemCall, SendOutcome, SignedRedeem } from '../../engine/chain-port.ts';
import { approvalTransaction, createPolygonChain, redeemTransaction } from './chain.ts';
import { POLYGON_CHAIN_ID, POLYGON_CONTRACTS, type ChainContracts } from './chain-contracts.ts';
import { PROXY_FACTORY, SAFE_FACTORY } from './relayer-contracts.ts';


export interface BuilderCreds {
  key: string;
  secret: string;
  passphrase: string;
}

export interface RelayerChainOptions {
  relayerUrl: string;
  /** Builder API credentials: the relayer authenticates every submission with them */
  builder: BuilderCreds;
  /** Polygon JSON-RPC: gas estimates for the proxy batch, receipts and balances (null: nothing can be redeemed here) */
  rpcUrl: string | null;
  /** The key that owns the proxy or Safe wallet */
  privateKey: Hex;
  signatureType: 1 | 2;
  /** The proxy or Safe wallet holding the tokens; it must be the one the key owns (default: derived from the key) */
  funder?: string | null;
  contracts?: ChainContracts;
  /** Per request to the relayer and the node (default 10 s) */
  timeoutMs?: number;
}

/** The relayer reference recorded as the redemption's transaction hash */
const PREFIX = 'relayer:';
const KIND = { 1: 'Polymarket proxy', 2: 'Safe' } as const;

/** The client's errors carry the relayer's answer as JSON text; the headers it sent (the builder's) are never in them */
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 500);

/** The wallet a key owns through Polymarket's factory: its proxy (type 1) or its Safe (type 2), lower-case */
export function ownedWallet(owner: string, signatureType: 1 | 2): string {
  const derive = signatureType === 1 ? deriveProxyWallet(owner, PROXY_FACTORY) : deriveSafe(owner, SAFE_FACTORY);
  return derive.toLowerCase();
}

class RelayerChain implements Chain {
  readonly name = 'polygon-relayer';
  readonly address: string;
  readonly cannotRedeem: string | null;
  /** Reads receipts and the funder's collateral on chain (it signs nothing for this wallet) */
  private readonly reader: Chain;
  private readonly client: RelayClient;
  private readonly contracts: ChainContracts;

  constructor(o: RelayerChainOptions) {
    const account = privateKeyToAccount(o.privateKey);
    const owned = ownedWallet(account.address, o.signatureType);
    this.address = (o.funder ?? owned).toLowerCase();
    this.contracts = o.contracts ?? POLYGON_CONTRACTS;
    const timeout = o.timeoutMs ?? 10_000;
    this.reader = createPolygonChain({ rpcUrl: o.rpcUrl, privateKey: o.privateKey, signatureType: o.signatureType,
      funder: this.address, contracts: this.contracts, timeoutMs: timeout });
    const kind = KIND[o.signatureType];
    this.cannotRedeem = o.rpcUrl === null ? `${kind} wallet ${this.address}: POLYGON_RPC_URL is not set`
      : this.address !== owned ? `${kind} wallet ${this.address} is not the one key ${account.address.toLowerCase()} owns (${owned})`
        : null;
    const signer = createWalletClient({ account, chain: polygon,
      transport: http(o.rpcUrl ?? 'http://127.0.0.1:9', { timeout, retryCount: 0 }) });
    this.client = new RelayClient(o.relayerUrl, POLYGON_CHAIN_ID, signer,
      new BuilderConfig({ localBuilderCreds: { ...o.builder } }), o.signatureType === 1 ? RelayerTxType.PROXY : RelayerTxType.SAFE);
    this.client.httpClient.instance.defaults.timeout = timeout;
  }

  /**
   * The adapter's approval goes in the same relayer batch as each redemption (setApprovalForAll is idempotent, and the
   * relayer pays its gas), so there is nothing to approve beforehand
   */
  async approveRedeem(): Promise<ApprovalRead> {
    return { kind: 'approved' };
  }

  /** Signs with the owner key and submits to the relayer (approval, then redemption): its transaction id is the hash recorded */
  async signRedeem(call: RedeemCall): Promise<SignedRedeem> {
    const calls = [approvalTransaction(call, this.contracts), redeemTransaction(call, this.contracts)];
    const sent = await this.client.execute(calls.map((c) => ({ ...c, value: '0' })), `tandem redeem ${call.conditionId}`);
    if (typeof sent.transactionID !== 'string' || sent.transactionID === '') throw new Error('the relayer returned no transaction id');
    return { txHash: `${PREFIX}${sent.transactionID}`,
      payload: { relayer: sent.transactionID, state: sent.state ?? null, transactionHash: sent.transactionHash || null } };
  }

  /** Submitted already by `signRedeem`: sent when the relayer knows it, refused (to be retried) when it does not */
  async send(signed: SignedRedeem): Promise<SendOutcome> {
    try {
      return (await this.transaction(signed.txHash)) ? { kind: 'sent' }
        : { kind: 'rejected', detail: `the relayer does not know transaction ${signed.txHash}` };
    } catch (e) {
      return { kind: 'unknown', detail: errorText(e) };
    }
  }

  /** The relayer's state, then (mined or confirmed) the on-chain receipt: the collateral it paid the funder */
  async receipt(txHash: string): Promise<ReceiptRead> {
    let t: RelayerTransaction | null;
    try {
      t = await this.transaction(txHash);
    } catch (e) {
      return { kind: 'error', detail: errorText(e) };
    }
    if (t === null) return { kind: 'not_found' };
    if (t.state === 'STATE_FAILED' || t.state === 'STATE_INVALID') {
      return { kind: 'reverted', detail: `relayer ${t.state}${t.transactionHash ? ` (transaction ${t.transactionHash})` : ''}` };
    }
    // Mined or confirmed (what the official client's wait() accepts): the on-chain receipt decides, and what it paid
    if (t.state !== 'STATE_MINED' && t.state !== 'STATE_CONFIRMED') return { kind: 'pending' };
    if (!t.transactionHash) return { kind: 'error', detail: `the relayer reports ${t.state} without a transaction hash` };
    const onChain = await this.reader.receipt(t.transactionHash);
    // Confirmed by the relayer but not seen by our node yet: wait for it
    return onChain.kind === 'not_found' ? { kind: 'pending' } : onChain;
  }

  collateralBalance(): Promise<Usdc> {
    return this.reader.collateralBalance();
  }

  private async transaction(txHash: string): Promise<RelayerTransaction | null> {
    if (!txHash.startsWith(PREFIX)) return null;
    const found = await this.client.getTransaction(txHash.slice(PREFIX.length));
    return Array.isArray(found) && found.length > 0 ? found[0]! : null;
  }
}

export function createRelayerChain(options: RelayerChainOptions): Chain {
  return new RelayerChain(options);
}
