/** Conversions between database values and domain values: NUMERIC text ↔ micro-unit bigints */
import { formatMicros, parseMicros } from '../domain/money.ts';

/** A NUMERIC read back as text, to micro-units (columns hold at most 6 decimals) */
export const micros = (value: unknown): bigint => parseMicros(String(value), 'half_even');
export const microsOrNull = (value: unknown): bigint | null =>
  value === null || value === undefined ? null : micros(value);

/** Micro-units to NUMERIC text for a query parameter; never a JS number */
export const dec = (value: bigint): string => formatMicros(value);
export const decOrNull = (value: bigint | null): string | null => (value === null ? null : formatMicros(value));

export const int = (value: unknown): number => Number(value);
export const dateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));
