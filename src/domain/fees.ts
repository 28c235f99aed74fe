/**
 * Polymarket's taker fee, the one rule the simulated exchange, the Polymarket adapter and shadow orders share:
 * fee = shares × rate × (p·(1−p))^exponent, exact in micro-units and rounded up once (the operator never
 * under-collects). Makers pay nothing. On a BUY it is taken in shares, on a SELL in USDC; capping it at what the
 * taker receives is the caller's business.
 *
 * Edges, chosen once for every caller: a schedule with a negative rate or an exponent that is not a whole number ≥ 0
 * is refused (InvariantError), never charged as 0 or rounded to something else, because a fee we cannot state is a
 * money error to surface, not to guess (the simulator always refused it; the adapter clamped it, which no market
 * needs); no shares or a zero rate cost nothing; the price must be a Price, strictly inside (0, 1). Wire rows
 * whose price or size is unusable are the adapter's to drop before asking.
 */
import { InvariantError } from './errors.ts';
import { divRound, isPriceInRange, SCALE, type Price, type Ratio, type Shares } from './money.ts';

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
 * The taker fee for one fill of `size` shares at `price`, in micro-units of whatever asset it is taken in. Computed in
 * one division so no intermediate rounding creeps in: size·rate·(p·(1e6−p))^e / (1e6 · (1e12)^e)
 */
export function takerFee(size: Shares, price: Price, fee: FeeSchedule): bigint {
  checkFeeSchedule(fee);
  if (!isPriceInRange(price)) throw new InvariantError(`a fee needs a price inside (0, 1), got ${price}`);
  if (fee.rate === 0n || size <= 0n) return 0n;
  const exponent = BigInt(fee.exponent);
  const base = price * (SCALE - price);
  const numerator = size * fee.rate * base ** exponent;
  const denominator = SCALE * (SCALE * SCALE) ** exponent;
  return divRound(numerator, denominator, 'up');
}
