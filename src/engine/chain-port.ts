/**
 * The Chain port: redemption of resolved positions on Polygon. A resolved winning token pays only once the wallet
 * redeems it on chain, through the contract that redeems its kind of market (a collateral adapter, which pulls the
 * wallet's outcome tokens once the wallet has approved it, and pays the collateral). Implemented
 * for real with viem (src/venues/polymarket/chain.ts) and in-process over the simulated exchange (src/sim/exchange).
 * A redemption is signed first (its transaction hash is known before it is sent, so intent is recorded before
 * sending and a restart looks the transaction up by hash), then sent. A proxy or Safe wallet's chain goes through
 * Polymarket's relayer (src/venues/polymarket/relayer-chain.ts), which names a transaction only when it accepts it:
 * there `signRedeem` submits and returns the relayer's id as the hash, recorded before anything waits on it, and
 * `send` only checks that the relayer knows it
 */
import type { Shares, Usdc } from '../domain/money.ts';

/** What to redeem: one market of the wallet */
export interface RedeemCall {
  conditionId: string;
  /** Neg-risk markets redeem through the neg-risk adapter with explicit amounts; others through the standard one */
  negRisk: boolean;
  /**
   * Shares per outcome index (Yes, No). The neg-risk adapter burns exactly these; the standard one redeems the
   * wallet's whole balance of index sets 1 and 2, so for it they only document what is expected
   */
  amounts: Shares[];
}

/** A signed transaction: `payload` is JSON the engine persists and hands back to `send` after a restart */
export interface SignedRedeem {
  txHash: string;
  payload: unknown;
}

export type SendOutcome =
  | { kind: 'sent' }
  /** The node refused it definitively (e.g. its nonce was used by another transaction): it will never be mined */
  | { kind: 'rejected'; detail: string }
  /** Timeout or transport error: it may have reached the node; read its receipt before signing another */
  | { kind: 'unknown'; detail: string };

export type ReceiptRead =
  /** The node knows the transaction but it is not mined yet */
  | { kind: 'pending' }
  /** The node does not know the transaction: it was never sent, or dropped */
  | { kind: 'not_found' }
  /**
   * Mined and successful. `collateralIn`: the collateral the transaction transferred to the wallet (the collateral
   * token's Transfer events to it), which is what "the wallet's collateral shows it" means: a confirmed redemption
   * that paid nothing (e.g. wrong collateral, tokens already redeemed) is not cash
   */
  | { kind: 'confirmed'; collateralIn: Usdc }
  | { kind: 'reverted'; detail: string }
  | { kind: 'error'; detail: string };

/**
 * Whether the contract that redeems a market may move the wallet's outcome tokens (an operator approval, given once
 * per contract and idempotent: sending it twice is harmless)
 */
export type ApprovalRead =
  | { kind: 'approved' }
  /** The approval was sent and is not mined yet: the redemption waits for a later run */
  | { kind: 'pending'; txHash: string }
  /** It could not be given (refused by the node, reverted, or the node unreachable): alerted, tried again next run */
  | { kind: 'failed'; detail: string; txHash?: string };

export interface Chain {
  readonly name: string;
  /** The wallet that holds the tokens, lower-case */
  readonly address: string;
  /**
   * null when this chain signs redemptions for the wallet; otherwise why it cannot (a proxy or Safe wallet without the
   * relayer configured, no RPC URL): the engine raises an alert naming what to redeem by hand
   */
  readonly cannotRedeem: string | null;
  /**
   * Before signing `call`: reads the approval of the contract that redeems it, and sends it when missing (the relayer's
   * chain batches the approval with each redemption, so it is always approved there)
   */
  approveRedeem(call: RedeemCall): Promise<ApprovalRead>;
  /** Signs (the relayer's chain: signs and submits) one market's redemption */
  signRedeem(call: RedeemCall): Promise<SignedRedeem>;
  send(signed: SignedRedeem): Promise<SendOutcome>;
  receipt(txHash: string): Promise<ReceiptRead>;
  /** The wallet's collateral balance on chain */
  collateralBalance(): Promise<Usdc>;
}

/**
 * The chain of a user's linked wallet (its address), where that wallet's winnings are redeemed; null when this process
 * cannot build one (no private key linked, no simulated exchange): its winnings are alerted to redeem by hand
 */
export type WalletChains = (wallet: string) => Promise<Chain | null>;
