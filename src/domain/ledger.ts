/**
 * The LT capital ledger: an append-only list of cash movements per strategy; every balance is a fold of
 * it, never a stored copy. Identity after every entry:
 *   available + locked + cooldown = deposits − withdrawals + realized P&L
 * where locked = cash reserved for resting orders + cost basis of shares held
 */
import { InvariantError } from './errors.ts';
import type { Usdc } from './money.ts';

export type LedgerKind =
  | 'deposit' | 'withdrawal' | 'reserve' | 'release' | 'buy_fill' | 'sell_fill' | 'fee' | 'settlement' | 'redemption';

/** One movement; `amount` is always ≥ 0, the kind says which way it goes */
export interface LedgerEntry {
  kind: LedgerKind;
  amount: Usdc;
  /** For sell_fill and settlement: the cost basis of the shares that left the position */
  costBasis?: Usdc;
  orderId?: string | null;
}

export interface Balances {
  /** Spendable now */
  available: Usdc;
  /** Reserved for resting orders (at their limit price) */
  reserved: Usdc;
  /** Cost basis of shares held */
  positionCost: Usdc;
  /** Settled proceeds not yet redeemed (or still in the cooldown): not spendable */
  cooldown: Usdc;
  realizedPnl: Usdc;
  fees: Usdc;
  netDeposits: Usdc;
}

export const ZERO_BALANCES: Balances = {
  available: 0n as Usdc, reserved: 0n as Usdc, positionCost: 0n as Usdc, cooldown: 0n as Usdc,
  realizedPnl: 0n as Usdc, fees: 0n as Usdc, netDeposits: 0n as Usdc,
};

/** locked = reserved + cost of shares held (the seed's "locked capital") */
export const lockedOf = (b: Balances): Usdc => (b.reserved + b.positionCost) as Usdc;
export const equityOf = (b: Balances): Usdc => (b.available + lockedOf(b) + b.cooldown) as Usdc;

const add = (a: bigint, d: bigint): Usdc => (a + d) as Usdc;

/** Applies one entry; throws when the entry would drive a bucket negative (a bug upstream, never "clip") */
export function applyEntry(b: Balances, e: LedgerEntry): Balances {
  if (e.amount < 0n) throw new InvariantError(`ledger ${e.kind}: negative amount`);
  const basis = e.costBasis ?? (0n as Usdc);
  let next: Balances;
  switch (e.kind) {
    case 'deposit': next = { ...b, available: add(b.available, e.amount), netDeposits: add(b.netDeposits, e.amount) }; break;
    case 'withdrawal': next = { ...b, available: add(b.available, -e.amount), netDeposits: add(b.netDeposits, -e.amount) }; break;
    case 'reserve': next = { ...b, available: add(b.available, -e.amount), reserved: add(b.reserved, e.amount) }; break;
    case 'release': next = { ...b, reserved: add(b.reserved, -e.amount), available: add(b.available, e.amount) }; break;
    case 'buy_fill': next = { ...b, reserved: add(b.reserved, -e.amount), positionCost: add(b.positionCost, e.amount) }; break;
    case 'fee': next = { ...b, available: add(b.available, -e.amount), realizedPnl: add(b.realizedPnl, -e.amount), fees: add(b.fees, e.amount) }; break;
    case 'sell_fill':
      next = { ...b, positionCost: add(b.positionCost, -basis), available: add(b.available, e.amount),
        realizedPnl: add(b.realizedPnl, e.amount - basis) };
      break;
    case 'settlement':
      next = { ...b, positionCost: add(b.positionCost, -basis), cooldown: add(b.cooldown, e.amount),
        realizedPnl: add(b.realizedPnl, e.amount - basis) };
      break;
    case 'redemption': next = { ...b, cooldown: add(b.cooldown, -e.amount), available: add(b.available, e.amount) }; break;
  }
  for (const k of ['available', 'reserved', 'positionCost', 'cooldown'] as const) {
    if (next[k] < 0n) throw new InvariantError(`ledger ${e.kind} of ${e.amount} makes ${k} negative`);
  }
  return next;
}

export const foldLedger = (entries: readonly LedgerEntry[], start: Balances = ZERO_BALANCES): Balances =>
  entries.reduce(applyEntry, start);

/** The conservation identity; true for every fold of valid entries */
export const isConserved = (b: Balances): boolean => equityOf(b) === b.netDeposits + b.realizedPnl;

/** Per-kind totals of a ledger: what one SQL aggregate returns */
export type LedgerSums = Partial<Record<LedgerKind, { amount: bigint; costBasis: bigint }>>;

/**
 * The fold in closed form. Every kind moves cash linearly between buckets, so folding the per-kind sums
 * equals folding the rows in any order (tested against foldLedger); rows written in one transaction share
 * a timestamp, so their order is no replay order, and one aggregate is cheaper than reading every row
 */
export function balancesFromSums(sums: LedgerSums): Balances {
  const a = (k: LedgerKind) => sums[k]?.amount ?? 0n;
  const b = (k: LedgerKind) => sums[k]?.costBasis ?? 0n;
  const u = (v: bigint) => v as Usdc;
  const out: Balances = {
    available: u(a('deposit') - a('withdrawal') - a('reserve') + a('release') + a('sell_fill') - a('fee') + a('redemption')),
    reserved: u(a('reserve') - a('release') - a('buy_fill')),
    positionCost: u(a('buy_fill') - b('sell_fill') - b('settlement')),
    cooldown: u(a('settlement') - a('redemption')),
    realizedPnl: u(a('sell_fill') - b('sell_fill') + a('settlement') - b('settlement') - a('fee')),
    fees: u(a('fee')),
    netDeposits: u(a('deposit') - a('withdrawal')),
  };
  for (const k of ['available', 'reserved', 'positionCost', 'cooldown'] as const) {
    if (out[k] < 0n) throw new InvariantError(`ledger: ${k} is negative (${out[k]})`);
  }
  return out;
}
