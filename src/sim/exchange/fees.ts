/** Polymarket's V2 taker fee, exact in micro-units: shares × rate × (p·(1−p))^exponent, rounded up */
import { InvariantError } from '../../domain/errors.ts';
import { divRound, SCALE, type Price, type Ratio, type Shares } from '../../domain/money.ts';

export interface FeeSchedule {
  rate: Ratio;
  exponent: number;
}

export function checkFeeSchedule(fee: FeeSchedule): void {
  if (!Number.isSafeInteger(fee.exponent) || fee.exponent < 0) {
    throw new InvariantError(`fee exponent must be a whole number ≥ 0, got ${fee.exponent}`);
  }
  if (fee.rate < 0n) throw new InvariantError('fee rate must not be negative');
}

/**
 * The taker fee for one fill of `size` shares at `price`, in micro-units of whatever asset it is taken in (shares on
 * a BUY, USDC on a SELL). Rounded up to the micro-unit: the operator never under-collects. Computed in one division
 * so no intermediate rounding creeps in: size·rate·(p·(1e6−p))^e / (1e6 · (1e12)^e)
 */
export function takerFee(size: Shares, price: Price, fee: FeeSchedule): bigint {
  checkFeeSchedule(fee);
  if (fee.rate === 0n || size <= 0n) return 0n;
  const exponent = BigInt(fee.exponent);
  const base = price * (SCALE - price);
  const numerator = size * fee.rate * base ** exponent;
  const denominator = SCALE * (SCALE * SCALE) ** exponent;
  return divRound(numerator, denominator, 'up');
}
