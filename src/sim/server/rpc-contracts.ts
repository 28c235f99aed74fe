/**
 * The contracts the loopback JSON-RPC simulates, over the simulated exchange (addresses and signatures:
 * src/venues/polymarket/chain-contracts.ts, which says where each fact comes from):
 * - ConditionalTokens: setApprovalForAll(operator, approved) and isApprovedForAll(account, operator), the ERC-1155
 *   operator approvals the collateral adapters need; redeemPositions called on it directly pays no pUSD: with pUSD as
 *   collateral it addresses positions nobody holds, so it succeeds and redeems 0, as on Polygon (a USDC.e payout is not
 *   simulated either: nothing is burned or paid).
 * - CtfCollateralAdapter.redeemPositions(_, _, conditionId, indexSets): the sender's whole balance of those index sets
 *   is burned and paid in pUSD; NegRiskCtfCollateralAdapter.redeemPositions(conditionId, amounts): exactly the amounts.
 *   Both revert unless the sender approved the adapter on ConditionalTokens.
 * - pUSD balanceOf(account): the account's collateral on the exchange.
 * Any other call reverts
 */
import {
  decodeFunctionData, encodeAbiParameters, encodeEventTopics, erc1155Abi, erc20Abi, pad, toEventSelector, type Hex,
} from 'viem';
import { CTF_REDEEM_ABI, NEG_RISK_REDEEM_ABI, type ChainContracts } from '../../venues/polymarket/chain-contracts.ts';
import type { Exchange } from '../exchange/exchange-types.ts';
import { COLLATERAL } from '../exchange/ledger.ts';

/** A log a transaction emitted, before the block fields are added */
export interface SimLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
}

/** What a transaction did: `redeem` when it called a redeemPositions (paid: the pUSD it paid the sender) */
export interface Applied {
  ok: boolean;
  kind: 'redeem' | 'approval' | 'other';
  paid: bigint;
  logs: SimLog[];
}

/** eth_call that reverts */
export class CallReverted extends Error {}

const CTF_ABI = [...erc1155Abi, ...CTF_REDEEM_ABI] as const;
const lower = (a: string): Hex => a.toLowerCase() as Hex;
const TRANSFER_TOPIC = toEventSelector('Transfer(address,address,uint256)');
const REVERTED = (kind: Applied['kind']): Applied => ({ ok: false, kind, paid: 0n, logs: [] });

export class SimContracts {
  /** owner → the operators it approved on ConditionalTokens */
  private readonly approvals = new Map<string, Set<string>>();

  constructor(private readonly exchange: Exchange, readonly contracts: ChainContracts) {}

  isApproved(owner: string, operator: string): boolean {
    return this.approvals.get(lower(owner))?.has(lower(operator)) ?? false;
  }

  setApproval(owner: string, operator: string, approved: boolean): void {
    const set = this.approvals.get(lower(owner)) ?? new Set<string>();
    if (approved) set.add(lower(operator));
    else set.delete(lower(operator));
    this.approvals.set(lower(owner), set);
  }

  /** Which kind of call `input` to `to` is, without applying it */
  kindOf(to: string, input: Hex): Applied['kind'] {
    try {
      if (lower(to) === lower(this.contracts.conditionalTokens)) {
        const { functionName } = decodeFunctionData({ abi: CTF_ABI, data: input });
        return functionName === 'setApprovalForAll' ? 'approval' : functionName === 'redeemPositions' ? 'redeem' : 'other';
      }
      const adapter = [this.contracts.ctfCollateralAdapter, this.contracts.negRiskCollateralAdapter].map(lower);
      return adapter.includes(lower(to)) ? 'redeem' : 'other';
    } catch {
      return 'other';
    }
  }

  /** Applies a mined transaction from `from`; a call it cannot decode or that fails reverts (nothing changes) */
  apply(from: string, to: string, input: Hex): Applied {
    const kind = this.kindOf(to, input);
    try {
      if (lower(to) === lower(this.contracts.conditionalTokens)) return this.onCtf(from, input);
      if (lower(to) === lower(this.contracts.ctfCollateralAdapter)) {
        const { args } = decodeFunctionData({ abi: CTF_REDEEM_ABI, data: input });
        const [, , conditionId, indexSets] = args;
        const market = this.exchange.market(conditionId);
        if (!market || !this.isApproved(from, to)) return REVERTED(kind);
        const amounts = market.tokens.map(({ tokenId }, i) =>
          (indexSets.includes(1n << BigInt(i)) ? this.exchange.balance(from, tokenId).available : 0n));
        return this.paid(to, from, this.exchange.redeem(from, conditionId, amounts).paid);
      }
      if (lower(to) === lower(this.contracts.negRiskCollateralAdapter)) {
        const { args } = decodeFunctionData({ abi: NEG_RISK_REDEEM_ABI, data: input });
        if (!this.isApproved(from, to)) return REVERTED(kind);
        return this.paid(to, from, this.exchange.redeem(from, args[0], [...args[1]]).paid);
      }
      return REVERTED(kind);
    } catch {
      return REVERTED(kind);
    }
  }

  /** setApprovalForAll; or redeemPositions called directly: succeeds and pays no pUSD */
  private onCtf(from: string, input: Hex): Applied {
    const call = decodeFunctionData({ abi: CTF_ABI, data: input });
    if (call.functionName === 'redeemPositions') return { ok: true, kind: 'redeem', paid: 0n, logs: [] };
    if (call.functionName !== 'setApprovalForAll') return REVERTED('other');
    const [operator, approved] = call.args;
    this.setApproval(from, operator, approved);
    const topics = encodeEventTopics({ abi: erc1155Abi, eventName: 'ApprovalForAll', args: { account: lower(from), operator } });
    return { ok: true, kind: 'approval', paid: 0n, logs: [{ address: lower(this.contracts.conditionalTokens), topics: topics as Hex[],
      data: encodeAbiParameters([{ type: 'bool' }], [approved]) }] };
  }

  /** A redemption that paid `value` pUSD from the adapter to the sender: the pUSD Transfer log shows it */
  private paid(adapter: string, to: string, value: bigint): Applied {
    const logs = value > 0n ? [{ address: lower(this.contracts.collateral),
      topics: [TRANSFER_TOPIC, pad(lower(adapter)), pad(lower(to))],
      data: encodeAbiParameters([{ type: 'uint256' }], [value]) }] : [];
    return { ok: true, kind: 'redeem', paid: value, logs };
  }

  /** eth_call: pUSD balanceOf, ConditionalTokens isApprovedForAll */
  call(to: string, data: Hex): Hex {
    if (lower(to) === lower(this.contracts.collateral)) {
      const { functionName, args } = decodeFunctionData({ abi: erc20Abi, data });
      if (functionName !== 'balanceOf') throw new CallReverted('execution reverted');
      return encodeAbiParameters([{ type: 'uint256' }], [this.exchange.balance(lower(args[0] as string), COLLATERAL).total]);
    }
    if (lower(to) === lower(this.contracts.conditionalTokens)) {
      const { functionName, args } = decodeFunctionData({ abi: CTF_ABI, data });
      if (functionName !== 'isApprovedForAll') throw new CallReverted('execution reverted');
      return encodeAbiParameters([{ type: 'bool' }], [this.isApproved(args[0] as string, args[1] as string)]);
    }
    throw new CallReverted('execution reverted');
  }
}
