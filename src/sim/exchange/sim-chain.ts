/**
 * The Chain port in-process: redemption transactions applied to the simulated exchange, as a chain would. A
 * transaction is signed (hash and nonce fixed) before it is sent; sending applies it once (a resend of a known
 * transaction changes nothing, a stale nonce is refused); its receipt reports the collateral it paid the wallet.
 * As on Polygon, a redemption goes through the collateral adapter of its kind of market, which the wallet approves
 * once (`approveRedeem`, mined at once): a redemption through an adapter not approved reverts. The approvals are chain
 * state, kept per exchange, so a chain built again over it (a restart) sees them.
 * Fault knobs: the next transactions revert, stay pending until `mine`, or have their send lost; the next approvals fail
 */
import { createHash } from 'node:crypto';
import { InvariantError } from '../../domain/errors.ts';
import type { Usdc } from '../../domain/money.ts';
import type { ApprovalRead, Chain, ReceiptRead, RedeemCall, SendOutcome, SignedRedeem } from '../../engine/chain-port.ts';
import type { Exchange } from './exchange-types.ts';
import { COLLATERAL } from './ledger.ts';

export class SimChainFaults {
  revert = 0;
  hold = 0;
  lose = 0;
  refuseApproval = 0;

  /** The next n transactions sent revert (nothing is burned or paid) */
  revertNext(n = 1): void {
    this.revert += n;
  }

  /** The next n transactions sent stay pending until `mine()` */
  holdNext(n = 1): void {
    this.hold += n;
  }

  /** The next n sends are lost before reaching the chain (the caller sees a transport error) */
  loseNext(n = 1): void {
    this.lose += n;
  }

  /** The next n approvals are refused (as by a node: e.g. no gas money) */
  refuseApprovalNext(n = 1): void {
    this.refuseApproval += n;
  }

  take(knob: 'revert' | 'hold' | 'lose' | 'refuseApproval'): boolean {
    if (this[knob] === 0) return false;
    this[knob] -= 1;
    return true;
  }
}

interface SimTx {
  nonce: number;
  conditionId: string;
  negRisk: boolean;
  amounts: string[];
}

export interface SimulatedChain extends Chain {
  readonly faults: SimChainFaults;
  /** Mines the held transactions */
  mine(): void;
  /** Transactions applied, in order (reverted ones included) */
  readonly mined: { txHash: string; tx: SimTx; paid: bigint | null }[];
  /** Approvals this chain gave, in order: the adapter of neg-risk markets or of standard ones */
  readonly approvals: { negRisk: boolean }[];
  /** The wallet withdraws its approval of an adapter (as it could from any other tool) */
  revokeApproval(negRisk: boolean): void;
}

/** Which accounts approved which adapter, per exchange: chain state, outliving any one chain object */
const approvalsOf = new WeakMap<Exchange, Set<string>>();
const adapterKey = (account: string, negRisk: boolean): string => `${account}|${negRisk ? 'neg-risk' : 'standard'}`;

function parseTx(payload: unknown): SimTx {
  const p = payload as Partial<SimTx> | null;
  const ok = p !== null && typeof p === 'object' && Number.isInteger(p.nonce) && typeof p.conditionId === 'string'
    && typeof p.negRisk === 'boolean' && Array.isArray(p.amounts) && p.amounts.every((a) => typeof a === 'string' && /^\d+$/.test(a));
  if (!ok) throw new InvariantError('not a transaction signed by the simulated chain');
  return p as SimTx;
}

class InProcessChain implements SimulatedChain {
  readonly name = 'simulated';
  readonly cannotRedeem = null;
  readonly faults = new SimChainFaults();
  readonly mined: { txHash: string; tx: SimTx; paid: bigint | null }[] = [];
  readonly approvals: { negRisk: boolean }[] = [];
  private readonly receipts = new Map<string, ReceiptRead>();
  private readonly held: { txHash: string; tx: SimTx }[] = [];
  private signed = 0;

  constructor(private readonly exchange: Exchange, readonly address: string) {}

  private get approved(): Set<string> {
    const known = approvalsOf.get(this.exchange) ?? new Set<string>();
    approvalsOf.set(this.exchange, known);
    return known;
  }

  async approveRedeem(call: RedeemCall): Promise<ApprovalRead> {
    const key = adapterKey(this.address, call.negRisk);
    if (this.approved.has(key)) return { kind: 'approved' };
    if (this.faults.take('refuseApproval')) return { kind: 'failed', detail: 'approval refused by the node: insufficient funds for gas' };
    this.approved.add(key);
    this.approvals.push({ negRisk: call.negRisk });
    return { kind: 'approved' };
  }

  revokeApproval(negRisk: boolean): void {
    this.approved.delete(adapterKey(this.address, negRisk));
  }

  /** Nonces count every transaction signed, so a signed transaction that is never sent leaves a gap the chain refuses */
  async signRedeem(call: RedeemCall): Promise<SignedRedeem> {
    const tx: SimTx = { nonce: this.mined.length + this.held.length, conditionId: call.conditionId, negRisk: call.negRisk,
      amounts: call.amounts.map(String) };
    this.signed += 1;
    const txHash = `0x${createHash('sha256').update(`${this.address}\n${this.signed}\n${JSON.stringify(tx)}`).digest('hex')}`;
    return { txHash, payload: tx };
  }

  async send(signed: SignedRedeem): Promise<SendOutcome> {
    const tx = parseTx(signed.payload);
    if (this.receipts.has(signed.txHash)) return { kind: 'sent' }; // known: already applied or pending
    if (this.faults.take('lose')) return { kind: 'unknown', detail: 'connection reset' };
    const next = this.mined.length + this.held.length;
    if (tx.nonce < next) return { kind: 'rejected', detail: 'nonce too low' };
    if (this.faults.take('hold')) {
      this.held.push({ txHash: signed.txHash, tx });
      this.receipts.set(signed.txHash, { kind: 'pending' });
      return { kind: 'sent' };
    }
    this.apply(signed.txHash, tx);
    return { kind: 'sent' };
  }

  async receipt(txHash: string): Promise<ReceiptRead> {
    return this.receipts.get(txHash) ?? { kind: 'not_found' };
  }

  async collateralBalance(): Promise<Usdc> {
    return this.exchange.balance(this.address, COLLATERAL).total as Usdc;
  }

  mine(): void {
    for (const { txHash, tx } of this.held.splice(0)) this.apply(txHash, tx);
  }

  /**
   * The standard adapter redeems the whole balance (index sets 1 and 2); the neg-risk adapter the amounts given.
   * Either reverts when the wallet has not approved it
   */
  private apply(txHash: string, tx: SimTx): void {
    const approved = this.approved.has(adapterKey(this.address, tx.negRisk));
    if (this.faults.take('revert') || !approved) {
      this.mined.push({ txHash, tx, paid: null });
      this.receipts.set(txHash, { kind: 'reverted', detail: approved ? 'execution reverted' : 'execution reverted: not approved' });
      return;
    }
    try {
      const { paid } = this.exchange.redeem(this.address, tx.conditionId, tx.negRisk ? tx.amounts.map(BigInt) : null);
      this.mined.push({ txHash, tx, paid });
      this.receipts.set(txHash, { kind: 'confirmed', collateralIn: paid as Usdc });
    } catch (e) {
      this.mined.push({ txHash, tx, paid: null });
      this.receipts.set(txHash, { kind: 'reverted', detail: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** A chain for `account` on the simulated exchange (the simulated venue's account) */
export function createSimulatedChain(options: { exchange: Exchange; account: string }): SimulatedChain {
  return new InProcessChain(options.exchange, options.account);
}
