/** Market metadata and resolution, as Tandem keeps it (from Gamma) */
import { InvariantError } from './errors.ts';
import { SCALE } from './money.ts';

export interface Market {
  conditionId: string;
  question: string;
  slug: string;
  eventSlug: string | null;
  outcomes: string[];
  /** Outcome token ids, aligned with `outcomes` */
  tokenIds: string[];
  tags: string[];
  tickSize: bigint | null; // micro-units
  minSize: bigint | null; // micro-shares
  negRisk: boolean;
  closed: boolean;
  acceptingOrders: boolean | null;
  endTime: Date | null;
  gameStartTime: Date | null;
  /** When the market closed (Gamma `closedTime`), if known */
  closedTime: Date | null;
  /** UMA resolution status, e.g. "resolved", "proposed", "disputed"; null when Gamma does not say */
  resolutionStatus: string | null;
  /** Final outcome prices in micro-units, aligned with `outcomes`; meaningful only once final */
  outcomePrices: bigint[] | null;
}

/** The final payout of a resolved market: one micro-USDC amount per share of each outcome */
export type Resolution =
  | { kind: 'open' }
  | { kind: 'pending'; why: string }
  | { kind: 'final'; payouts: bigint[]; winner: string | null; resolvedAt: Date | null };

/**
 * Decides whether a market has a final payout. Final means closed, not under dispute, and prices that
 * form a payout vector (each in [0, 1], summing to exactly 1): a winner pays 1, a 50-50 or void pays 0.5,
 * legacy scalar markets pay their fraction. Prices such as ["0","0"] are never final
 */
export function resolutionOf(market: Market): Resolution {
  if (!market.closed) return { kind: 'open' };
  const status = market.resolutionStatus?.toLowerCase() ?? null;
  if (status !== null && status !== 'resolved') return { kind: 'pending', why: `resolution status ${status}` };
  const prices = market.outcomePrices;
  if (!prices || prices.length === 0 || prices.length !== market.outcomes.length) {
    return { kind: 'pending', why: 'no outcome prices' };
  }
  if (prices.some((p) => p < 0n || p > SCALE)) return { kind: 'pending', why: 'outcome price outside [0, 1]' };
  const total = prices.reduce((a, b) => a + b, 0n);
  if (total !== SCALE) return { kind: 'pending', why: 'outcome prices do not sum to 1' };
  const winnerIndex = prices.findIndex((p) => p === SCALE);
  const winner = winnerIndex >= 0 ? (market.outcomes[winnerIndex] ?? null) : null;
  return { kind: 'final', payouts: prices, winner, resolvedAt: market.closedTime };
}

/** The payout per share for one outcome token of a final market */
export function payoutFor(market: Market, payouts: bigint[], asset: string, outcomeLabel: string): bigint {
  let index = market.tokenIds.indexOf(asset);
  if (index < 0) index = market.outcomes.findIndex((o) => o.toLowerCase() === outcomeLabel.toLowerCase());
  const payout = index >= 0 ? payouts[index] : undefined;
  if (payout === undefined) {
    throw new InvariantError(`market ${market.conditionId}: no outcome for token ${asset} (${outcomeLabel})`);
  }
  return payout;
}
