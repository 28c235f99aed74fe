/** Exact fixed-point amounts in micro-units (10^-6): USDC, outcome-token shares, prices and ratios are distinct types */
import { InvariantError } from './errors.ts';

declare const unit: unique symbol;
type Micro<U extends string> = bigint & { readonly [unit]: U };

/** An amount of USDC, in micro-USDC */
export type Usdc = Micro<'usdc'>;
/** A quantity of outcome tokens, in micro-shares */
export type Shares = Micro<'shares'>;
/** USDC per share, strictly inside (0, 1), in micro-USDC per share */
export type Price = Micro<'price'>;
/** A dimensionless ratio (win rate, edge, conviction, probability, weight), in millionths; may be negative */
export type Ratio = Micro<'ratio'>;

export const SCALE = 1_000_000n;
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export type Rounding = 'down' | 'up' | 'half_up' | 'half_even';

/**
 * Parses a plain decimal string into micro-units. More than six decimals are refused unless a
 * rounding is given; exponents, blanks and NaN are always refused
 */
export function parseMicros(text: string, rounding?: Rounding): bigint {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new InvariantError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ''] = match;
  let micros: bigint;
  if (frac.length <= 6) {
    micros = BigInt(whole!) * SCALE + BigInt(frac.padEnd(6, '0'));
  } else {
    if (!rounding) throw new InvariantError(`more than 6 decimals: ${text}`);
    const extra = 10n ** BigInt(frac.length - 6);
    micros = divRound(BigInt(whole!) * SCALE * extra + BigInt(frac), extra, rounding);
  }
  return sign ? -micros : micros;
}

/** Formats micro-units as a decimal string with `dp` decimals (default 6); rounds half-even below 6 */
export function formatMicros(micros: bigint, dp = 6): string {
  const scaled = dp >= 6 ? micros : divRound(micros, 10n ** BigInt(6 - dp), 'half_even');
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const places = Math.min(dp, 6);
  const base = 10n ** BigInt(places);
  const whole = abs / base;
  const frac = (abs % base).toString().padStart(places, '0');
  const text = places === 0 ? whole.toString() : `${whole}.${frac}`;
  return negative ? `-${text}` : text;
}

/** Integer division with an explicit rounding mode (divisor must be positive) */
export function divRound(numerator: bigint, divisor: bigint, rounding: Rounding): bigint {
  if (divisor <= 0n) throw new InvariantError('division by a non-positive number');
  const q = numerator / divisor; // truncates toward zero
  const r = numerator % divisor; // carries the numerator's sign
  if (r === 0n) return q;
  const floor = r < 0n ? q - 1n : q;
  if (rounding === 'down') return floor;
  if (rounding === 'up') return floor + 1n;
  const above = r < 0n ? r + divisor : r; // numerator − floor × divisor, in (0, divisor)
  const below = divisor - above; // ceiling × divisor − numerator
  if (above > below) return floor + 1n;
  if (above < below) return floor;
  if (rounding === 'half_up') return floor + 1n;
  return floor % 2n === 0n ? floor : floor + 1n;
}

export const usdc = (text: string, rounding?: Rounding): Usdc => parseMicros(text, rounding) as Usdc;
export const shares = (text: string, rounding?: Rounding): Shares => parseMicros(text, rounding) as Shares;
export const ratio = (text: string, rounding?: Rounding): Ratio => parseMicros(text, rounding) as Ratio;

/** A price strictly inside (0, 1) */
export function price(text: string, rounding?: Rounding): Price {
  return checkPrice(parseMicros(text, rounding));
}

export function checkPrice(micros: bigint): Price {
  if (micros <= 0n || micros >= SCALE) throw new InvariantError(`price outside (0, 1): ${formatMicros(micros)}`);
  return micros as Price;
}

export const isPriceInRange = (micros: bigint): boolean => micros > 0n && micros < SCALE;

/** Converts a JSON number or numeric string from an external payload into decimal text */
export function decimalText(value: unknown): string | null {
  if (typeof value === 'string') return DECIMAL.test(value.trim()) ? value.trim() : null;
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  // String() gives the shortest text that round-trips, i.e. the decimal the payload was written with
  const text = String(value);
  if (DECIMAL.test(text)) return text;
  // toFixed still writes an exponent from 1e21 up, which is no decimal text
  const fixed = value.toFixed(12).replace(/\.?0+$/, '');
  return DECIMAL.test(fixed) ? fixed : null;
}

/**
 * Operator input as exact decimal text: a string as decimalText takes it; a JSON number as the decimal it was written
 * with, exponent expanded digit for digit (1e-7 → "0.0000001", 1e-13 → "0.0000000000001"), never rounded, so a value
 * finer than a column is seen and refused rather than cut. Null for anything else
 */
export function exactDecimalText(value: unknown): string | null {
  if (typeof value !== 'number') return decimalText(value);
  if (!Number.isFinite(value)) return null;
  const m = /^(-)?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!m) return null;
  const [, sign = '', whole, frac = '', exp = '0'] = m;
  const digits = `${whole}${frac}`;
  const point = whole!.length + Number(exp); // where the decimal point falls in `digits`
  const padded = point <= 0 ? `${'0'.repeat(1 - point)}${digits}` : digits.padEnd(point, '0');
  const at = Math.max(point, 1);
  const int = padded.slice(0, at).replace(/^0+(?=\d)/, '');
  const rest = padded.slice(at).replace(/0+$/, '');
  const text = rest ? `${int}.${rest}` : int;
  return sign && /[1-9]/.test(text) ? `-${text}` : text;
}

/** The number of decimals `text` carries past its trailing zeros ("1.50" → 1) */
export const decimalPlaces = (text: string): number => (text.split('.')[1] ?? '').replace(/0+$/, '').length;

/** Cash needed to buy `size` at `limit`; rounds up so a cost is never understated */
export const costOf = (size: Shares, at: Price): Usdc => divRound(size * at, SCALE, 'up') as Usdc;

/** Cash received for `size` at `at` (a sale or a payout); rounds down so proceeds are never overstated */
export const proceedsOf = (size: Shares, at: bigint): Usdc => divRound(size * at, SCALE, 'down') as Usdc;

/** Shares that `amount` buys at `at`; rounds down so we never claim shares we did not pay for */
export const sharesFor = (amount: Usdc, at: Price): Shares => divRound(amount * SCALE, at, 'down') as Shares;

/** a × b for two micro-unit values, result in micro-units */
export const mulMicro = (a: bigint, b: bigint, rounding: Rounding = 'half_even'): bigint =>
  divRound(a * b, SCALE, rounding);

/** a / b for two micro-unit values, result in micro-units */
export const divMicro = (a: bigint, b: bigint, rounding: Rounding = 'half_even'): bigint => {
  if (b === 0n) throw new InvariantError('division by zero');
  return b < 0n ? divRound(-a * SCALE, -b, rounding) : divRound(a * SCALE, b, rounding);
};

export const minMicro = <T extends bigint>(a: T, b: T): T => (a < b ? a : b);
export const maxMicro = <T extends bigint>(a: T, b: T): T => (a > b ? a : b);
export const clampMicro = <T extends bigint>(value: T, low: T, high: T): T => maxMicro(low, minMicro(value, high));

/** Rounds micro-USDC to whole cents */
export const roundToCents = (amount: Usdc, rounding: Rounding = 'half_up'): Usdc =>
  (divRound(amount, 10_000n, rounding) * 10_000n) as Usdc;

export const ZERO_USDC = 0n as Usdc;
export const ZERO_SHARES = 0n as Shares;
