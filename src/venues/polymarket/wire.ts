/** Defensive readers for Polymarket wire values: decimals vs 6-decimal base units, mixed-era timestamps, statuses */
import { decimalText, parseMicros } from '../../domain/money.ts';
import type { VenueOrderStatus } from '../../engine/venue-port.ts';

/** How a record writes its sizes: decimal shares ("5.25") or 6-decimal base units ("5250000") */
export type Units = 'decimal' | 'base';

/** A base-unit literal at or above this is one share or more; a decimal literal this big would be a 1M-share order */
const BASE_UNIT_FLOOR = 1_000_000n;

/** Decimal text of a wire number, or null for null/""/garbage */
export function textOf(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return decimalText(value);
}

/** Micro-units of a decimal wire value; more than six decimals round half-even (the CLOB writes at most 6) */
export function micros(value: unknown): bigint | null {
  const text = textOf(value);
  return text === null ? null : parseMicros(text, 'half_even');
}

/**
 * Decides the units of a record's size fields together, because they always share one form. Docs examples write
 * base units ("100000000") while real reads write decimals (nautilus_rs_http_open_order.json "100.0000"); ts-sdk
 * issue #350 asks which is right. Rules: any dot → decimal; a known original size that matches one reading wins;
 * otherwise integers ≥ 1 000 000 are base units
 */
export function unitsOf(values: unknown[], knownOriginal?: bigint): Units {
  const texts = values.map(textOf).filter((t): t is string => t !== null);
  if (texts.some((t) => t.includes('.'))) return 'decimal';
  const first = texts[0];
  if (first === undefined) return 'decimal';
  if (knownOriginal !== undefined) {
    if (parseMicros(first) === knownOriginal) return 'decimal';
    if (BigInt(first) === knownOriginal) return 'base';
  }
  return texts.some((t) => BigInt(t) >= BASE_UNIT_FLOOR) ? 'base' : 'decimal';
}

/** A size in micro-units read in the record's units; null/"" (nautilus_rs_ws_user_order_fok_killed.json) read as 0 */
export function sizeIn(value: unknown, units: Units): bigint {
  const text = textOf(value);
  if (text === null) return 0n;
  if (units === 'decimal') return parseMicros(text, 'half_even');
  if (!/^\d+$/.test(text)) throw new Error(`not a base-unit integer: ${text}`);
  return BigInt(text);
}

/**
 * Balances are base units per the docs ("1000000000" = 1000 pUSD) but nautilus_rs_http_balance_allowance_no_allowance.json
 * writes "250.500000": a dot means a decimal amount
 */
export function balanceMicros(value: unknown): bigint | null {
  const text = textOf(value);
  if (text === null) return null;
  return text.includes('.') ? parseMicros(text, 'down') : BigInt(text);
}

/**
 * A venue time: unix seconds ("1725868859"), milliseconds ("1725868885871"), a JSON number of either, or ISO text
 * (nautilus_rs_http_trade_report.json writes match_time as "2024-01-01T00:00:00Z"). Null when absent or unreadable
 */
export function timeOf(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    // Seconds stay below 1e11 until the year 5138; milliseconds have been above 1e12 since 2001
    return new Date(n >= 1e11 ? Math.floor(n) : Math.floor(n * 1000));
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : new Date(parsed);
}

/**
 * Normalizes an order status: strips the V2 `ORDER_STATUS_` prefix, upper-cases, and drops the reason some cancels
 * append ("CANCELED_order couldn't be fully filled…", nautilus_rs_ws_user_order_fok_killed.json). Null if unknown
 */
export function orderStatusOf(raw: string): VenueOrderStatus | null {
  const bare = raw.trim().toUpperCase().replace(/^ORDER_STATUS_/, '');
  const head = bare.split('_')[0] ?? bare;
  switch (head) {
    case 'LIVE':
    case 'OPEN':
    // UNMATCHED: marketable, its matching delay failed, still placed on the book (docs 4.2)
    case 'UNMATCHED':
      return 'live';
    case 'MATCHED':
    case 'FILLED':
      return 'matched';
    case 'CANCELED':
    case 'CANCELLED':
    case 'INVALID':
    case 'KILLED':
      return 'cancelled';
    case 'EXPIRED':
      return 'expired';
    case 'DELAYED':
      return 'delayed';
    default:
      return null;
  }
}

export type FillStatus = 'matched' | 'mined' | 'confirmed' | 'failed';

/** Trade lifecycle MATCHED → MINED → CONFIRMED, or FAILED; RETRYING (a reverted settlement being retried) is still only matched */
export function tradeStatusOf(raw: string): FillStatus | null {
  const bare = raw.trim().toUpperCase().replace(/^TRADE_STATUS_/, '');
  if (bare === 'MATCHED' || bare === 'RETRYING') return 'matched';
  if (bare === 'MINED') return 'mined';
  if (bare === 'CONFIRMED') return 'confirmed';
  if (bare === 'FAILED') return 'failed';
  return null;
}

/** BUY/SELL in any case; null otherwise */
export function sideOf(raw: string | null | undefined): 'BUY' | 'SELL' | null {
  const s = (raw ?? '').trim().toUpperCase();
  return s === 'BUY' || s === 'SELL' ? s : null;
}
