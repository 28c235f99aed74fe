/**
 * The rehearsal report: every figure read back from Tandem's database, from each simulated wallet over the wire (through
 * the venue Tandem trades it with), and from the simulator's own record of what it placed and funded
 */
import { formatMicros } from '../domain/money.ts';
import { summarizeMs, type Summary } from '../domain/metrics/stats.ts';
import type { Db } from '../store/db.ts';
import { redemptionTotals } from '../store/ledger-store.ts';
import { redemptionsOf, type Redemption } from '../store/redemption-store.ts';
import { heldMarkets, latencySamples, orderTotals, submittedSignals } from '../store/rehearse-store.ts';
import { ftInvariants, ltInvariants, type InvariantResult } from '../store/report-store.ts';
import { redeemedEveryWin, walletReport, type ReportWallet, type WalletReport } from './wallet-report.ts';
import { fillKey } from './world-server.ts';

export type { ReportWallet } from './wallet-report.ts';

/** The seed's latency target: trader's fill → our order submitted */
export const FILL_TO_SUBMIT_P99_TARGET_MS = 2000;

export interface ReportInput {
  db: Db;
  /** The simulator's address */
  simulatorUrl: string;
  /** Every wallet traded, the process's own first */
  wallets: ReportWallet[];
  startedAt: Date;
  minutes: number;
  seed: number;
  steps: { ok: number; failed: string[] };
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

/** For each wallet where `bad` finds something wrong: its address and what; empty when nothing is */
const perWallet = (wallets: readonly WalletReport[], bad: (w: WalletReport) => string | null): string =>
  wallets.flatMap((w) => {
    const why = bad(w);
    return why === null ? [] : [`${w.wallet}: ${why}`];
  }).join('; ');

/**
 * Each wallet's placements against its own sent orders (the exactly-once invariant per account: an order placed for
 * the wrong wallet fails it even when the totals agree)
 */
function exactlyOncePerWallet(wallets: readonly WalletReport[]): InvariantResult {
  const bad = perWallet(wallets, (w) => (w.exactly_once.ok ? null
    : `${w.exactly_once.placements} placements, ${w.exactly_once.sent} sent, ${w.exactly_once.unmatched} unmatched, ${w.exactly_once.placed_twice} placed twice`));
  return { ok: bad === '', detail: bad || `every placement of ${wallets.length} wallets is exactly one of its sent orders, and back` };
}

function checksOf(i: ReportInput, r: { fillToSubmit: ReturnType<typeof ms>; wonHeld: number; onChain: readonly Redemption[];
  redemptionEntries: number; wallets: readonly WalletReport[]; invariants: Record<string, InvariantResult> }) {
  const { fillToSubmit, wonHeld, onChain, wallets } = r;
  const unredeemed = perWallet(wallets, (w) => (redeemedEveryWin(w) ? null : `${w.redemptions.markets} of ${w.markets.won} won markets redeemed`));
  const cash = perWallet(wallets, (w) => (w.cash.ok ? null : `collateral ${w.cash.collateral_usdc} vs ledger ${w.cash.ledger_usdc}`));
  const tokens = perWallet(wallets, (w) => {
    const bad = w.tokens.filter((t) => !t.ok).length;
    return bad === 0 ? null : `${bad} of ${w.tokens.length} tokens differ`;
  });
  return {
    fill_to_submit_p99: { ok: fillToSubmit !== null && fillToSubmit.p99 <= FILL_TO_SUBMIT_P99_TARGET_MS,
      detail: fillToSubmit === null ? 'no order was submitted' : `p99 ${fillToSubmit.p99} ms (target ≤ ${FILL_TO_SUBMIT_P99_TARGET_MS} ms)` },
    redemption_per_won_market: { ok: wonHeld > 0 && redeemedMarkets(onChain) >= wonHeld && unredeemed === '',
      detail: wonHeld === 0 ? 'no market held was won within the run: nothing to redeem (run longer)'
        : `${redeemedMarkets(onChain)} markets redeemed on chain of ${wonHeld} resolved markets won${unredeemed ? `; ${unredeemed}` : ''}` },
    redemptions_booked: { ok: onChain.every((x) => x.state === 'redeemed'),
      detail: `${onChain.filter((x) => x.state === 'redeemed').length} of ${onChain.length} positions redeemed and booked; ` +
        `${r.redemptionEntries} redemption entries` },
    collateral_matches_ledger: { ok: cash === '',
      detail: cash || `${wallets.length} wallets: ${wallets.map((w) => `collateral ${w.cash.collateral_usdc} = ledger ${w.cash.ledger_usdc}`).join(', ')}` },
    tokens_match_ledger: { ok: tokens === '',
      detail: tokens || `${wallets.reduce((n, w) => n + w.tokens.length, 0)} tokens held in ${wallets.length} wallets, none differs` },
    invariants: { ok: Object.values(r.invariants).every((x) => x.ok),
      detail: Object.entries(r.invariants).filter(([, x]) => !x.ok).map(([k]) => k).join(', ') || 'all true' },
    world_steps: { ok: i.steps.failed.length === 0, detail: `${i.steps.ok} steps, ${i.steps.failed.length} failed` },
  } satisfies Record<string, Check>;
}

/** Latency over every wallet's orders */
async function latencyOf(i: ReportInput) {
  const lat = await latencySamples(i.db);
  const truth = await trueFillToSubmit(i);
  return {
    /** Source trade's timestamp (whole seconds) → Tandem has the signal */
    detection: ms(summarizeMs(lat.detectionMs)),
    /** The simulator's match of the trader's fill (ms) → our order submitted: the figure the target is about */
    trader_fill_to_submit: ms(summarizeMs(truth.total)),
    /** The same from the trade's whole-second timestamp, as Tandem's own quality figures compute it */
    trade_timestamp_to_submit: ms(summarizeMs(lat.fillToSubmitMs)),
    /** trader_fill_to_submit in its legs (orders whose trade carries a detection time) */
    stages: Object.fromEntries(Object.entries(truth.stages).map(([k, v]) => [k, ms(summarizeMs(v))])),
  };
}

export async function buildReport(i: ReportInput) {
  const latency = await latencyOf(i);
  const totals = await orderTotals(i.db);
  const markets = await heldMarkets(i.db);
  const redemptions = await redemptionTotals(i.db);
  const onChain = await redemptionsOf(i.db);
  const perWalletRead = [];
  for (const w of i.wallets) perWalletRead.push(await walletReport(i.db, w, onChain));
  const wallets = perWalletRead.map((w) => w.report);
  const invariants: Record<string, InvariantResult> = { ...(await ftInvariants(i.db)),
    ...(await ltInvariants(i.db, perWalletRead.flatMap((w) => w.placements))), lt_exactly_once_per_wallet: exactlyOncePerWallet(wallets) };
  const wonHeld = markets.filter((m) => m.resolved && m.won).length;
  const checks = checksOf(i, { fillToSubmit: latency.trader_fill_to_submit, wonHeld, onChain, redemptionEntries: redemptions.count,
    wallets, invariants });
  return {
    ok: Object.values(checks).every((c) => c.ok),
    checks,
    run: { started_at: i.startedAt.toISOString(), minutes: i.minutes, seed: i.seed, simulator: i.simulatorUrl,
      wallets: i.wallets.map((w) => w.address) },
    latency_ms: latency,
    orders: { by_status: totals.byStatus, rejections: totals.rejections, fills: totals.fills, filled_usdc: usd(totals.filledUsdc), fees_usdc: usd(totals.fees) },
    markets: { held: markets.length, resolved: markets.filter((m) => m.resolved).length, won: wonHeld, world_resolved: i.worldResolved },
    redemptions: {
      count: onChain.filter((r) => r.state === 'redeemed').length, usdc: usd(redemptions.amount),
      by_state: countBy(onChain.map((r) => r.state)),
      transactions: [...new Set(onChain.flatMap((r) => (r.txHash ? [r.txHash] : [])))],
    },
    /** Per wallet: its orders, redemptions, exactly-once, and its collateral and token balances against the ledger */
    wallets,
    invariants,
  };
}

export type RehearsalReport = Awaited<ReturnType<typeof buildReport>>;
