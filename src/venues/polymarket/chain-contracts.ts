/**
 * Polygon contracts redemption uses (../shared/spec/polymarket-api.md §8 "Resolution and redemption"): the
 * conditional-tokens contract (CTF) for standard markets, the neg-risk adapter for neg-risk markets, and the
 * collateral token the CTF positions are denominated in (USDC.e, 6 decimals). Shared by the viem adapter and the
 * loopback simulator's JSON-RPC endpoint, which decodes exactly these calls
 */
import type { Address } from 'viem';

export const POLYGON_CHAIN_ID = 137;

export interface ChainContracts {
  conditionalTokens: Address;
  negRiskAdapter: Address;
  collateral: Address;
}

export const POLYGON_CONTRACTS: ChainContracts = {
  conditionalTokens: '0x4D97DCd97eC945f40cF65F87097ACe5EA0476045',
  negRiskAdapter: '0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296',
  collateral: '0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174',
};

/** ConditionalTokens.redeemPositions(collateral, parentCollectionId, conditionId, indexSets) */
export const CTF_REDEEM_ABI = [{
  type: 'function', name: 'redeemPositions', stateMutability: 'nonpayable', outputs: [],
  inputs: [
    { name: 'collateralToken', type: 'address' }, { name: 'parentCollectionId', type: 'bytes32' },
    { name: 'conditionId', type: 'bytes32' }, { name: 'indexSets', type: 'uint256[]' },
  ],
}] as const;

/** NegRiskAdapter.redeemPositions(conditionId, amounts): amounts per outcome (Yes, No) in token units */
export const NEG_RISK_REDEEM_ABI = [{
  type: 'function', name: 'redeemPositions', stateMutability: 'nonpayable', outputs: [],
  inputs: [{ name: '_conditionId', type: 'bytes32' }, { name: '_amounts', type: 'uint256[]' }],
}] as const;

/** A binary market's index sets: outcome 0 is 0b01, outcome 1 is 0b10 */
export const BINARY_INDEX_SETS = [1n, 2n] as const;

export const ZERO_BYTES32 = `0x${'0'.repeat(64)}` as const;
