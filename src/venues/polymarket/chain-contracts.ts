/**
 * Polygon contracts redemption uses since CLOB V2 (2026-04-28), when Polymarket's collateral became pUSD. Shared by the
 * viem adapter and the loopback simulator's JSON-RPC endpoint, which decodes exactly these calls.
 *
 * Facts and where they come from:
 * - pUSD: ERC-20, 6 decimals, proxy 0xC011…2DFB (../shared/spec/polymarket-api.md §0; docs.polymarket.com
 *   "Redeem Tokens", trading/ctf/redeem).
 * - Redemption goes through thin collateral adapters: "Approve the adapter once, then route split, merge, and redeem
 *   actions through it. On redeem, the adapter burns the ERC1155 outcome tokens through the CTF contract, receives
 *   USDC.e collateral, wraps it into pUSD, and returns pUSD to your wallet" (docs.polymarket.com trading/ctf/redeem).
 *   Calling the CTF directly with pUSD as collateral addresses positions nobody holds: the transaction succeeds and
 *   pays 0 (spec §8; BlockRunAI/blockrun-mcp release v0.30.5, which met it with real money).
 * - Addresses: CtfCollateralAdapter 0xAdA100Db…FcE1f (standard markets), NegRiskCtfCollateralAdapter 0xadA20056…6eAab
 *   (neg-risk markets) (spec §8; blockrun-mcp v0.30.5 "Sourcify exact_match"; the same constants in public Polymarket
 *   clients citing docs.polymarket.com/resources/contracts).
 * - CtfCollateralAdapter.redeemPositions(address, bytes32, bytes32 conditionId, uint256[] indexSets): the CTF's own
 *   signature (selector 0x01b7037c), sent to the adapter (polyrel crate src/collateral.rs `ICtfCollateralAdapter`,
 *   whose first two parameters are unnamed and which passes zero for them). The docs list pUSD as `collateralToken`;
 *   one third-party client passes USDC.e. Tandem passes pUSD, as the docs say.
 * - NegRiskCtfCollateralAdapter.redeemPositions(bytes32 conditionId, uint256[] amounts), amounts [yes, no]: the neg-risk
 *   adapter's signature (polyrel src/neg_risk.rs; a public Rust client's `INegRiskCtfCollateralAdapter`).
 * - The adapters pull the outcome tokens, so the wallet approves each of them as an ERC-1155 operator on the
 *   ConditionalTokens contract: setApprovalForAll(adapter, true), read back with isApprovedForAll(wallet, adapter)
 *   (docs "approve the adapter once"; the ERC-1155 standard; public clients reading `IConditionalTokens.isApprovedForAll`).
 */
import type { Address } from 'viem';

export const POLYGON_CHAIN_ID = 137;

export interface ChainContracts {
  /** Gnosis ConditionalTokens: the ERC-1155 outcome tokens, where the adapters are approved as operators */
  conditionalTokens: Address;
  /** CtfCollateralAdapter: redeems standard markets and pays pUSD */
  ctfCollateralAdapter: Address;
  /** NegRiskCtfCollateralAdapter: redeems neg-risk markets and pays pUSD */
  negRiskCollateralAdapter: Address;
  /** The collateral the adapters pay: pUSD (6 decimals) */
  collateral: Address;
}

export const POLYGON_CONTRACTS: ChainContracts = {
  conditionalTokens: '0x4D97DCd97eC945f40cF65F87097ACe5EA0476045',
  ctfCollateralAdapter: '0xAdA100Db00Ca00073811820692005400218FcE1f',
  negRiskCollateralAdapter: '0xadA2005600Dec949baf300f4C6120000bDB6eAab',
  collateral: '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB',
};

/** The contract that redeems a market: the neg-risk collateral adapter, or the standard one */
export const redeemerOf = (c: ChainContracts, negRisk: boolean): Address =>
  (negRisk ? c.negRiskCollateralAdapter : c.ctfCollateralAdapter);

/**
 * redeemPositions(collateral, parentCollectionId, conditionId, indexSets): ConditionalTokens' signature, which the
 * CtfCollateralAdapter shares
 */
export const CTF_REDEEM_ABI = [{
  type: 'function', name: 'redeemPositions', stateMutability: 'nonpayable', outputs: [],
  inputs: [
    { name: 'collateralToken', type: 'address' }, { name: 'parentCollectionId', type: 'bytes32' },
    { name: 'conditionId', type: 'bytes32' }, { name: 'indexSets', type: 'uint256[]' },
  ],
}] as const;

/** NegRiskCtfCollateralAdapter.redeemPositions(conditionId, amounts): amounts per outcome (Yes, No) in token units */
export const NEG_RISK_REDEEM_ABI = [{
  type: 'function', name: 'redeemPositions', stateMutability: 'nonpayable', outputs: [],
  inputs: [{ name: '_conditionId', type: 'bytes32' }, { name: '_amounts', type: 'uint256[]' }],
}] as const;

/** A binary market's index sets: outcome 0 is 0b01, outcome 1 is 0b10 */
export const BINARY_INDEX_SETS = [1n, 2n] as const;

export const ZERO_BYTES32 = `0x${'0'.repeat(64)}` as const;
