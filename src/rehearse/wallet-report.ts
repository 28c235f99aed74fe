/**
 * One wallet of the rehearsal report: its collateral and token balances at the venue against the ledger of the
 * strategies trading through it (to the cent), its orders, its redemptions, and exactly-once against what the
 * simulator placed for its account
 */
import { formatMicros, type Usdc } from '../domain/money.ts';
import type { Venue } from '../engine/venue-port.ts';
import type { Db } from '../store/db.ts';
import { balancesOf } from '../store/ledger-store.ts';
import { listLaunchedStrategies } from '../store/lt-strategy-store.ts';
import { heldByToken } from '../store/position-store.ts';
import type { Redemption } from '../store/redemption-store.ts';
import { heldMarkets, orderTotals, sentVenueOrderIds } from '../store/rehearse-store.ts';

/** Reconciliation tolerance: to the cent */
const CENT = 10_000n;

/** A wallet as the report reads it */
export interface ReportWallet {
  user: string;
  /** Lower-case */
  address: string;
  /** Linked by its user through the API (false: the process's wallet, POLYMARKET_PRIVATE_KEY) */
  linked: boolean;
  /** The venue Tandem trades it through */
  venue: Venue;
  /** The simulator's view of its account; read after the venue (which may open the account) */
  world(): Promise<{ placements: string[]; fundedMicros: string }>;
}

const usd = (m: bigint): string => formatMicros(m);

/**
 * The wallet's collateral against the ledger: what the simulator funded it with, less what its strategies were
 * allocated, plus the cash they hold at the venue
 */
async function cashOf(db: Db, w: ReportWallet, collateral: Usdc, funded: bigint) {
  const strategies = (await listLaunchedStrategies(db)).filter((s) => s.mode === 'live' && s.walletAddress?.toLowerCase() === w.address);
  let deposits = 0n;
  let cash = 0n;
  for (const s of strategies) {
    const b = await balancesOf(db, s.userId, s.strategyId, 'live');
    deposits += b.netDeposits;
    // Cash at the venue: spendable and reserved for resting orders. Settled winnings not yet redeemed (cooldown) are
    // still tokens in the wallet; redeemed ones are available
    cash += b.available + b.reserved;
  }
  const expected = (funded - deposits + cash) as Usdc;
  const diff = collateral - expected;
  return { funded_usdc: usd(funded), collateral_usdc: usd(collateral), ledger_usdc: usd(expected), diff_usdc: usd(diff),
    strategies: strategies.length, ok: diff <= CENT && -diff <= CENT };
}

async function tokensOf(db: Db, w: ReportWallet) {
  const rows = [];
  for (const t of await heldByToken(db, null, { wallet: w.address })) {
    const venue = await w.venue.tokenBalance(t.tokenId);
    rows.push({ token_id: t.tokenId, ledger_shares: usd(t.held), venue_shares: usd(venue), ok: venue === t.held });
  }
  return rows;
}

/** Every order the simulator placed for the wallet's account is exactly one order row sent and accepted, and back */
async function exactlyOnceOf(db: Db, w: ReportWallet, placements: readonly string[]) {
  const sent = new Set(await sentVenueOrderIds(db, w.address));
  const placed = new Set(placements);
  const unmatched = [...placed].filter((id) => !sent.has(id)).length + [...sent].filter((id) => !placed.has(id)).length;
  const placedTwice = placements.length - placed.size;
  return { ok: unmatched === 0 && placedTwice === 0, placements: placements.length, sent: sent.size, unmatched,
    placed_twice: placedTwice };
}

/** The wallet's redemptions, from the rows of its strategies; each must have been sent from this wallet */
function redemptionsOfWallet(address: string, rows: readonly Redemption[]) {
  const redeemed = rows.filter((r) => r.state === 'redeemed');
  const byState: Record<string, number> = {};
  for (const r of rows) byState[r.state] = (byState[r.state] ?? 0) + 1;
  return { count: redeemed.length, usdc: usd(redeemed.reduce((n, r) => n + r.amount, 0n)),
    markets: new Set(redeemed.map((r) => r.conditionId)).size, by_state: byState,
    signed_by_another_wallet: rows.filter((r) => r.wallet !== null && r.wallet.toLowerCase() !== address).length,
    transactions: [...new Set(rows.flatMap((r) => (r.txHash ? [r.txHash] : [])))] };
}

/**
 * The wallet's part of the report, and the simulator's placements for its account; `redemptions`: every redemption row
 * (the wallet's are picked by strategy)
 */
export async function walletReport(db: Db, w: ReportWallet, redemptions: readonly Redemption[]) {
  const collateral = await w.venue.availableCollateral();
  const state = await w.world(); // after a venue read: the venue's first one may be what funds its account
  const cash = await cashOf(db, w, collateral, BigInt(state.fundedMicros));
  const tokens = await tokensOf(db, w);
  const mine = new Set((await listLaunchedStrategies(db)).filter((s) => s.walletAddress?.toLowerCase() === w.address)
    .map((s) => `${s.userId}/${s.strategyId}`));
  const totals = await orderTotals(db, w.address);
  const markets = await heldMarkets(db, w.address);
  const redeemed = redemptionsOfWallet(w.address, redemptions.filter((r) => mine.has(`${r.userId}/${r.strategyId}`)));
  const report = {
    wallet: w.address, user: w.user, linked: w.linked,
    orders: { by_status: totals.byStatus, rejections: totals.rejections, fills: totals.fills, filled_usdc: usd(totals.filledUsdc) },
    markets: { held: markets.length, won: markets.filter((m) => m.resolved && m.won).length },
    redemptions: redeemed,
    exactly_once: await exactlyOnceOf(db, w, state.placements),
    cash, tokens,
  };
  return { report, placements: state.placements };
}

export type WalletReport = Awaited<ReturnType<typeof walletReport>>['report'];

/** Every market the wallet held and won was redeemed on chain, each through this wallet */
export const redeemedEveryWin = (w: WalletReport): boolean =>
  w.redemptions.markets >= w.markets.won && w.redemptions.signed_by_another_wallet === 0;
