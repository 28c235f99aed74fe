/** The rehearsal report: every figure read back from Tandem's database and from the simulated wallet over the wire */
import { formatMicros, type Usdc } from '../domain/money.ts';
import { summarizeMs, type Summary } from '../domain/metrics/stats.ts';
import type { Venue } from '../engine/venue-port.ts';
import type { Db } from '../store/db.ts';
import { balancesOf, redemptionTotals } from '../store/ledger-store.ts';
import { heldByToken } from '../store/position-store.ts';
import { redemptionsOf, type Redemption } from '../store/redemption-store.ts';
import { heldMarkets, latencySamples, orderTotals, submittedSignals } from '../store/rehearse-store.ts';
import { ftInvariants, ltInvariants, type InvariantResult } from '../store/report-store.ts';
import { listLaunchedStrategies } from '../store/lt-strategy-store.ts';
import { parseMicros } from '../domain/money.ts';
import { fillKey } from './world-server.ts';

/** The seed's latency target: trader's fill → our order submitted */
export const FILL_TO_SUBMIT_P99_TARGET_MS = 2000;
/** Reconciliation tolerance: to the cent */
const CENT = 10_000n;

export interface ReportInput {
  db: Db;
  venue: Venue;
  /** The simulator's address */
  simulatorUrl: string;
  wallet: string;
  fundUsdc: string;
  startedAt: Date;
  minutes: number;
  seed: number;
  steps: { ok: number; failed: string[] };
  placements: string[];
  /** Markets the world resolved during the run and before */
  worldResolved: number;
  /** When the simulator matched the source fill with this key (see `fillKey`), ms; null if unknown */
  matchedAt(key: string): number | null;
}

const usd = (m: bigint): string => formatMicros(m);
const ms = (s: Summary | null) => (s === null ? null : { n: s.n, p50: Number(s.p50), p95: Number(s.p95), p99: Number(s.p99), max: Number(s.max) });

export interface Check {
  ok: boolean;
  detail: string;
}

/** The wallet's collateral against the ledger: unallocated funds + Σ cash the strategies hold at the venue */
async function cashReconciliation(i: ReportInput) {
  const strategies = await listLaunchedStrategies(i.db);
  let deposits = 0n;
  let cash = 0n;
  for (const s of strategies.filter((x) => x.mode === 'live')) {
    const b = await balancesOf(i.db, s.userId, s.strategyId, 'live');
    deposits += b.netDeposits;
    // Cash at the venue: spendable and reserved for resting orders. Settled winnings not yet redeemed (cooldown) are
    // still tokens in the wallet; redeemed ones are available
    cash += b.available + b.reserved;
  }
  const expected = (parseMicros(i.fundUsdc) - deposits + cash) as Usdc;
  const collateral = await i.venue.availableCollateral();
  const diff = collateral - expected;
  return { collateral_usdc: usd(collateral), ledger_usdc: usd(expected), diff_usdc: usd(diff), ok: diff <= CENT && -diff <= CENT };
}

async function tokenReconciliation(i: ReportInput) {
  const rows = [];
  for (const t of await heldByToken(i.db)) {
    const venue = await i.venue.tokenBalance(t.tokenId);
    rows.push({ token_id: t.tokenId, ledger_shares: usd(t.held), venue_shares: usd(venue), ok: venue === t.held });
  }
  return rows;
}

/**
 * Trader's fill → our submit, from the simulator's own match time (ms): the feeds stamp trades in whole seconds, so
 * the trade timestamp Tandem stores can be up to a second early; orders whose fill the simulator did not see live are left out
 */
async function trueFillToSubmit(i: ReportInput): Promise<{ total: number[]; stages: Record<Stage, number[]> }> {
  const total: number[] = [];
  const stages: Record<Stage, number[]> = { fill_to_detected: [], detected_to_signal: [], signal_to_intent: [], intent_to_submit: [] };
  for (const s of await submittedSignals(i.db)) {
    const at = i.matchedAt(fillKey(s.trader, s.asset, s.side, s.size, s.price, Math.floor(s.tradeTime.getTime() / 1000)));
    if (at === null) continue;
    total.push(s.submittedAt.getTime() - at);
    if (s.detectedAt === null || s.signalAt === null) continue;
    stages.fill_to_detected.push(s.detectedAt.getTime() - at);
    stages.detected_to_signal.push(s.signalAt.getTime() - s.detectedAt.getTime());
    stages.signal_to_intent.push(s.intentAt.getTime() - s.signalAt.getTime());
    stages.intent_to_submit.push(s.submittedAt.getTime() - s.intentAt.getTime());
  }
  return { total, stages };
}

/**
 * The legs of trader-fill → submit: the feed (fill → Tandem has the trade), FT's ingest and evaluation (→ the paper
 * signal), the live executor picking it up and committing the intent, and the venue call (→ submitted)
 */
type Stage = 'fill_to_detected' | 'detected_to_signal' | 'signal_to_intent' | 'intent_to_submit';

const countBy = (xs: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
};

/** Markets with at least one position redeemed and confirmed */
const redeemedMarkets = (rows: readonly Redemption[]): number =>
  new Set(rows.filter((r) => r.state === 'redeemed').map((r) => r.conditionId)).size;

export async function buildReport(i: ReportInput) {
  const lat = await latencySamples(i.db);
  const truth = await trueFillToSubmit(i);
  const totals = await orderTotals(i.db);
  const markets = await heldMarkets(i.db);
  const redemptions = await redemptionTotals(i.db);
  const onChain = await redemptionsOf(i.db);
  const cash = await cashReconciliation(i);
  const tokens = await tokenReconciliation(i);
  const invariants: Record<string, InvariantResult> = { ...(await ftInvariants(i.db)), ...(await ltInvariants(i.db, i.placements)) };
  const fillToSubmit = ms(summarizeMs(truth.total));
  const resolvedHeld = markets.filter((m) => m.resolved && m.won);
  const checks = {
    fill_to_submit_p99: { ok: fillToSubmit !== null && fillToSubmit.p99 <= FILL_TO_SUBMIT_P99_TARGET_MS,
      detail: fillToSubmit === null ? 'no order was submitted' : `p99 ${fillToSubmit.p99} ms (target ≤ ${FILL_TO_SUBMIT_P99_TARGET_MS} ms)` },
    redemption_per_won_market: { ok: resolvedHeld.length > 0 && redeemedMarkets(onChain) >= resolvedHeld.length,
      detail: resolvedHeld.length === 0 ? 'no market held was won within the run: nothing to redeem (run longer)'
        : `${redeemedMarkets(onChain)} markets redeemed on chain of ${resolvedHeld.length} resolved markets won` },
    redemptions_booked: { ok: onChain.every((r) => r.state === 'redeemed'),
      detail: `${onChain.filter((r) => r.state === 'redeemed').length} of ${onChain.length} positions redeemed and booked; ` +
        `${redemptions.count} redemption entries` },
    collateral_matches_ledger: { ok: cash.ok, detail: `collateral ${cash.collateral_usdc} vs ledger ${cash.ledger_usdc}` },
    tokens_match_ledger: { ok: tokens.every((t) => t.ok), detail: `${tokens.filter((t) => !t.ok).length} of ${tokens.length} tokens differ` },
    invariants: { ok: Object.values(invariants).every((x) => x.ok),
      detail: Object.entries(invariants).filter(([, x]) => !x.ok).map(([k]) => k).join(', ') || 'all true' },
    world_steps: { ok: i.steps.failed.length === 0, detail: `${i.steps.ok} steps, ${i.steps.failed.length} failed` },
  } satisfies Record<string, Check>;
  return {
    ok: Object.values(checks).every((c) => c.ok),
    checks,
    run: { started_at: i.startedAt.toISOString(), minutes: i.minutes, seed: i.seed, simulator: i.simulatorUrl, wallet: i.wallet },
    latency_ms: {
      /** Source trade's timestamp (whole seconds) → Tandem has the signal */
      detection: ms(summarizeMs(lat.detectionMs)),
      /** The simulator's match of the trader's fill (ms) → our order submitted: the figure the target is about */
      trader_fill_to_submit: fillToSubmit,
      /** The same from the trade's whole-second timestamp, as Tandem's own quality figures compute it */
      trade_timestamp_to_submit: ms(summarizeMs(lat.fillToSubmitMs)),
      /** trader_fill_to_submit in its legs (orders whose trade carries a detection time) */
      stages: Object.fromEntries(Object.entries(truth.stages).map(([k, v]) => [k, ms(summarizeMs(v))])),
    },
    orders: { by_status: totals.byStatus, rejections: totals.rejections, fills: totals.fills, filled_usdc: usd(totals.filledUsdc), fees_usdc: usd(totals.fees) },
    markets: { held: markets.length, resolved: markets.filter((m) => m.resolved).length, won: resolvedHeld.length,
      world_resolved: i.worldResolved },
    redemptions: {
      count: onChain.filter((r) => r.state === 'redeemed').length, usdc: usd(redemptions.amount),
      by_state: countBy(onChain.map((r) => r.state)),
      transactions: [...new Set(onChain.flatMap((r) => (r.txHash ? [r.txHash] : [])))],
    },
    reconciliation: [{ wallet: i.wallet, cash, tokens }],
    invariants,
  };
}

export type RehearsalReport = Awaited<ReturnType<typeof buildReport>>;
