/** What each simulated account holds (USDC and token shares) and the taker fees the operator has collected */
import { InvariantError } from '../../domain/errors.ts';
import { proceedsOf, type Shares } from '../../domain/money.ts';

/** The collateral asset's name in `credit`/`balance` (pUSD on Polymarket V2; 6 decimals like USDC) */
export const COLLATERAL = 'USDC';

export class Ledger {
  /** account → asset → amount held */
  private readonly holdings = new Map<string, Map<string, bigint>>();
  /** Fees leave the accounts; conservation counts them here */
  private readonly fees = new Map<string, bigint>();

  held(account: string, asset: string): bigint {
    return this.holdings.get(account)?.get(asset) ?? 0n;
  }

  set(account: string, asset: string, amount: bigint): void {
    let assets = this.holdings.get(account);
    if (!assets) {
      assets = new Map();
      this.holdings.set(account, assets);
    }
    assets.set(asset, amount);
  }

  /** Settlement moves; the exchange checks balances before matching, so one going negative is a bug */
  move(account: string, asset: string, amount: bigint): void {
    const next = this.held(account, asset) + amount;
    if (next < 0n) throw new InvariantError(`${account} would hold ${next} ${asset}`);
    this.set(account, asset, next);
  }

  /** Takes a taker fee from `account` into the fee pool */
  chargeFee(account: string, asset: string, fee: bigint): void {
    this.move(account, asset, -fee);
    this.fees.set(asset, this.collected(asset) + fee);
  }

  collected(asset: string): bigint {
    return this.fees.get(asset) ?? 0n;
  }

  accounts(): string[] {
    return [...this.holdings.keys()];
  }

  /** At resolution the operator redeems the fee pool's shares at once; holders keep theirs until they redeem */
  redeemFees(tokenId: string, payout: bigint): void {
    const fees = this.collected(tokenId);
    this.fees.set(tokenId, 0n);
    this.fees.set(COLLATERAL, this.collected(COLLATERAL) + proceedsOf(fees as Shares, payout));
  }

  /** Burns `amount` of the account's shares of a resolved token and pays payout × amount USDC (rounded down); returns the pay */
  redeem(account: string, tokenId: string, amount: bigint, payout: bigint): bigint {
    this.move(account, tokenId, -amount);
    const paid = proceedsOf(amount as Shares, payout);
    this.move(account, COLLATERAL, paid);
    return paid;
  }

  /** Redeems `amounts` per outcome of one market (each at most what is `held` unreserved); throws before moving anything */
  redeemMarket(account: string, tokenIds: string[], payouts: bigint[], amounts: bigint[], held: bigint[]): { paid: bigint; burned: bigint[] } {
    if (amounts.length !== tokenIds.length) throw new InvariantError('amounts: one per outcome');
    tokenIds.forEach((tokenId, i) => {
      if (amounts[i]! < 0n || amounts[i]! > held[i]!) throw new InvariantError(`cannot redeem ${amounts[i]} of ${tokenId}`);
    });
    let paid = 0n;
    tokenIds.forEach((tokenId, i) => {
      if (amounts[i]! > 0n) paid += this.redeem(account, tokenId, amounts[i]!, payouts[i]!);
    });
    return { paid, burned: [...amounts] };
  }
}
