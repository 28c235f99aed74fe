/**
 * Redemption on chain (issue 10 item 2). A settled winning position of the live book is in the ledger's cooldown
 * bucket (settled, not spendable) until its tokens are redeemed on chain: each due market is redeemed by one signed
 * transaction (through the pUSD collateral adapter of its kind of market, which the wallet approves first, once),
 * recorded as `redeeming` with its hash BEFORE it is sent, so a restart looks it up by hash and never redeems twice.
 * Its `redemption` ledger entries (the cash becoming available) are booked only when the receipt is confirmed AND the
 * collateral it moved into the wallet covers them. A reverted, refused or short transaction is retried with backoff and alerted, never booked.
 * Each wallet's winnings are redeemed by that wallet's own chain: the process wallet's (`chain`), or a user's linked
 * wallet's (`chains`); a wallet without a chain here is alerted to redeem by hand, never redeemed through another
 */
import { formatMicros, type Shares, type Usdc } from '../domain/money.ts';
import type { Alert } from '../domain/alert-rules.ts';
import { fireAlert } from '../store/alert-store.ts';
import type { Db, Sql } from '../store/db.ts';
import { appendEntries } from '../store/ledger-store.ts';
import { lockLtStrategy } from '../store/lt-strategy-store.ts';
import {
  dueRedemptions, inFlightRedemptions, markCoveredRedeemed, markRedeemed, markRedeemFailed, markRedeeming, type DueRedemption, type Redemption,
} from '../store/redemption-store.ts';
import type { Chain, RedeemCall, SendOutcome, SignedRedeem, WalletChains } from './chain-port.ts';
import { KeyedSerial } from '../domain/concurrency.ts';
import type { LtHooks } from './lt-hooks.ts';
import type { Clock } from './ports.ts';

export interface RedeemDeps {
  db: Db;
  clock: Clock;
  /** The process wallet's chain: it redeems the strategies trading through no linked wallet */
  chain: Chain;
  /** Each linked wallet's chain (null, or none given: that wallet's winnings are alerted to redeem by hand) */
  chains?: WalletChains;
  hooks?: LtHooks;
  /** Alert cool-down (default 15 minutes) and whether alerts are queued for the webhook (default: not) */
  alerts?: { cooldownMs: number; deliver: boolean };
}

export interface RedeemReport {
  /** Transactions sent this run */
  submitted: number;
  /** Positions whose redemption was confirmed and booked this run */
  booked: number;
  /** Transactions that failed this run (reverted, refused, or paid less than booked; approvals that failed) */
  failed: number;
  /** Transactions sent and not mined yet (approvals included) */
  pending: number;
  /** Markets waiting to be redeemed by hand (this process cannot sign for the wallet) */
  manual: number;
  errors: string[];
}

const BATCH = 200;
const RETRY_BASE_MS = 60_000;
const RETRY_CAP_MS = 3_600_000;
const DEFAULT_ALERTS = { cooldownMs: 900_000, deliver: false };
/** viem's short message when there is one: its full message carries the RPC URL, which may hold a provider key */
const errorText = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const short = (e as { shortMessage?: unknown }).shortMessage;
  return `${e.name}: ${typeof short === 'string' ? short : e.message}`;
};

/** The wait before attempt n + 1 after n failed attempts: 1 min, 2, 4 … capped at an hour */
export const redeemBackoffMs = (attempts: number): number =>
  Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1), RETRY_CAP_MS);

/** Sends what is due, then follows every transaction in flight to its end */
export async function redeemOnChain(deps: RedeemDeps): Promise<RedeemReport> {
  const report: RedeemReport = { submitted: 0, booked: 0, failed: 0, pending: 0, manual: 0, errors: [] };
  const run: Run = { ...deps, built: new Map() };
  await submitDue(run, report);
  await trackInFlight(run, report);
  return report;
}

/** One run: the linked wallets' chains asked for once each */
interface Run extends RedeemDeps {
  built: Map<string, Promise<Chain | null>>;
}

/** Where rows are redeemed: a chain that signs for their wallet, or by hand (the wallet to name, and why) */
type Signer = { chain: Chain } | { manual: string; reason: string };

const signerKey = (s: Signer): string => ('chain' in s ? `chain:${s.chain.address}` : `manual:${s.manual}|${s.reason}`);

async function linkedChain(run: Run, wallet: string): Promise<Chain | null> {
  if (!run.chains) return null;
  const known = run.built.get(wallet) ?? run.chains(wallet);
  run.built.set(wallet, known);
  return known;
}

/** A due row is redeemed by its wallet's chain: the strategy's linked wallet's, or the process wallet's */
async function signerOfDue(run: Run, r: DueRedemption): Promise<Signer> {
  const chain = r.linkedWallet === null ? run.chain : await linkedChain(run, r.linkedWallet);
  if (chain === null) return { manual: r.linkedWallet!, reason: LINKED_NO_CHAIN };
  // A failed attempt sent from a wallet this process no longer signs for: never retried from (or booked against) another
  if (r.wallet !== null && r.wallet !== chain.address) return { manual: r.wallet, reason: PREVIOUS_SENDER };
  if (chain.cannotRedeem !== null) return { manual: chain.address, reason: chain.cannotRedeem };
  return { chain };
}

/** A recorded transaction is followed on the chain of the wallet that sent it, when this process has it */
async function signerOfInFlight(run: Run, r: DueRedemption): Promise<Signer> {
  if (r.wallet === null || r.wallet === run.chain.address) return { chain: run.chain };
  const chain = r.linkedWallet === null ? null : await linkedChain(run, r.linkedWallet);
  if (chain !== null && chain.address === r.wallet) return { chain };
  return { manual: r.wallet, reason: `transaction ${r.txHash} was sent from a wallet this process no longer signs for` };
}

/** Each row with its signer, grouped by `key`; a wallet whose chain failed to build is reported and its rows skipped */
async function placed(run: Run, rows: readonly DueRedemption[], signerOf: (run: Run, r: DueRedemption) => Promise<Signer>,
  key: (s: Signer, r: DueRedemption) => string, report: RedeemReport): Promise<{ signer: Signer; rows: DueRedemption[] }[]> {
  const withSigner: { signer: Signer; row: DueRedemption }[] = [];
  for (const row of rows) {
    try {
      withSigner.push({ signer: await signerOf(run, row), row });
    } catch (e) {
      const error = `chain of wallet ${row.linkedWallet ?? row.wallet}: ${errorText(e)}`;
      if (!report.errors.includes(error)) report.errors.push(error);
    }
  }
  return groupBy(withSigner, (p) => key(p.signer, p.row)).map((g) => ({ signer: g[0]!.signer, rows: g.map((p) => p.row) }));
}

/** Rows grouped by key, in first-seen order */
function groupBy<T>(rows: readonly T[], key: (r: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups.values()];
}

/** What one market's rows redeem: shares per outcome index (at least Yes and No) */
export function redeemCallOf(rows: readonly Redemption[]): RedeemCall {
  const size = Math.max(2, ...rows.map((r) => r.outcomeIndex + 1));
  const amounts = Array.from({ length: size }, () => 0n);
  for (const r of rows) amounts[r.outcomeIndex] = amounts[r.outcomeIndex]! + r.shares;
  return { conditionId: rows[0]!.conditionId, negRisk: rows[0]!.negRisk, amounts: amounts as Shares[] };
}

const sumOf = (rows: readonly Redemption[]): Usdc => rows.reduce((s, r) => s + r.amount, 0n) as Usdc;

/**
 * Each group of rows to its chain; a group no chain here can redeem (or follow) gets the one alert saying what to
 * redeem by hand (market, condition id, amounts, wallet)
 */
async function forEachGroup(run: Run, rows: readonly DueRedemption[], signerOf: (run: Run, r: DueRedemption) => Promise<Signer>,
  key: (s: Signer, r: DueRedemption) => string, report: RedeemReport,
  onChain: (chain: Chain, rows: DueRedemption[]) => Promise<void>): Promise<void> {
  for (const { signer, rows: group } of await placed(run, rows, signerOf, key, report)) {
    if ('chain' in signer) {
      await onChain(signer.chain, group);
      continue;
    }
    report.manual += 1;
    await alert(run, manualAlert(signer.manual, signer.reason, group));
  }
}

async function submitDue(run: Run, report: RedeemReport): Promise<void> {
  const due = await dueRedemptions(run.db, run.clock.now(), BATCH);
  await forEachGroup(run, due, signerOfDue, (sg, r) => `${signerKey(sg)}|${r.conditionId}|${r.negRisk}`, report,
    (chain, rows) => submitGroup(run, chain, rows, report));
}

/**
 * A wallet's redemptions are signed and sent one at a time, per wallet address in this process (lt-resolve is a global
 * job: one process runs it at a time), and so are resends of recorded ones. Two runs redeeming two markets at once both
 * took the wallet's next nonce, and the node refused the second: a failed redemption, alerted and retried a minute later
 */
const walletSends = new KeyedSerial();

type Sent = { outcome: SendOutcome; txHash: string };

/** One market of one wallet: covered by that wallet's earlier transaction, or signed, recorded and sent by its chain */
async function submitGroup(deps: RedeemDeps, chain: Chain, rows: readonly Redemption[], report: RedeemReport): Promise<void> {
  const sent = await walletSends.run(chain.address, () => signRecordSend(deps, chain, rows, report));
  if (sent === null) return;
  report.submitted += 1;
  if (sent.outcome.kind === 'rejected') {
    report.failed += await fail(deps, chain, rows, sent.txHash, `refused by the node: ${sent.outcome.detail}`);
  }
}

/** What the node answered the market's transaction; null when none was sent (covered, waiting, taken, or an error) */
async function signRecordSend(deps: RedeemDeps, chain: Chain, rows: readonly Redemption[], report: RedeemReport): Promise<Sent | null> {
  let signed: SignedRedeem | null;
  try {
    const covered = await coverFromEarlier(deps, chain, rows);
    report.booked += covered;
    signed = covered > 0 || !(await approved(deps, chain, rows, report)) ? null : await signAndRecord(deps, chain, rows);
  } catch (e) {
    report.errors.push(`redeem ${rows[0]!.conditionId}: ${errorText(e)}`);
    return null;
  }
  if (signed === null) return null;
  // Recorded before it is sent: a crash from here on is recovered by the hash (trackInFlight)
  await deps.hooks?.at('after_redeem_record');
  const outcome = await chain.send(signed).catch((e: unknown) => ({ kind: 'unknown' as const, detail: errorText(e) }));
  await deps.hooks?.at('after_redeem_send');
  return { outcome, txHash: signed.txHash };
}

/**
 * The contract that redeems the market may pull the wallet's tokens (approved now, or before). An approval in flight
 * leaves the rows for a later run; one that failed is alerted and tried again at the next run. Nothing is recorded for
 * the rows either way: the approval is the chain's, idempotent, and read again after a restart
 */
async function approved(deps: RedeemDeps, chain: Chain, rows: readonly Redemption[], report: RedeemReport): Promise<boolean> {
  const call = redeemCallOf(rows);
  const read = await chain.approveRedeem(call);
  if (read.kind === 'approved') return true;
  if (read.kind === 'pending') {
    report.pending += 1;
    return false;
  }
  report.failed += 1;
  await alert(deps, {
    kind: 'redemption', dedupeKey: `redemption_approval:${chain.address}:${call.negRisk ? 'neg_risk' : 'standard'}`,
    severity: 'critical', userId: null, strategyId: null,
    message: `Redemption of market ${call.conditionId} waits: wallet ${chain.address} could not approve the `
      + `${call.negRisk ? 'neg-risk ' : ''}collateral adapter that redeems it (${read.detail}); trying again at the next run`,
    detail: { ...detailOf(chain.address, rows), error: read.detail, ...(read.txHash ? { tx_hash: read.txHash } : {}) },
  });
  return false;
}

/** Signs the market's redemption and records it (redeeming, with its hash); null when another run took the rows */
async function signAndRecord(deps: RedeemDeps, chain: Chain, rows: readonly Redemption[]): Promise<SignedRedeem | null> {
  const signed = await chain.signRedeem(redeemCallOf(rows));
  const ids = rows.map((r) => r.orderId);
  try {
    await deps.db.transaction(async (tx) => {
      const n = await markRedeeming(tx, ids, { wallet: chain.address, txHash: signed.txHash, payload: signed.payload,
        now: deps.clock.now() });
      // Another run took some of these rows: roll back and send nothing (this signed transaction is never sent)
      if (n !== ids.length) throw new RaceLost();
    });
  } catch (e) {
    if (e instanceof RaceLost) return null;
    throw e;
  }
  return signed;
}

class RaceLost extends Error {}

/** Every recorded transaction: confirmed and paid → booked; reverted or paid short → failed; unknown to the node → resent */
async function trackInFlight(run: Run, report: RedeemReport): Promise<void> {
  // One sent from a wallet this process has no chain for (the configured key changed) cannot be read: redeemed by hand
  await forEachGroup(run, await inFlightRedemptions(run.db), signerOfInFlight, (_s, r) => r.txHash!, report,
    (chain, rows) => trackTransaction(run, chain, rows, report));
}

async function trackTransaction(deps: RedeemDeps, chain: Chain, rows: readonly Redemption[], report: RedeemReport): Promise<void> {
  const txHash = rows[0]!.txHash!;
  try {
    const receipt = await chain.receipt(txHash);
    if (receipt.kind === 'pending') report.pending += 1;
    else if (receipt.kind === 'error') report.errors.push(`receipt ${txHash}: ${receipt.detail}`);
    else if (receipt.kind === 'reverted') report.failed += await fail(deps, chain, rows, txHash, `reverted: ${receipt.detail}`);
    else if (receipt.kind === 'not_found') await resend(deps, chain, rows, report);
    else if (receipt.collateralIn < sumOf(rows)) {
      report.failed += await fail(deps, chain, rows, txHash, `confirmed, but the wallet received ${formatMicros(receipt.collateralIn)} `
        + `collateral of the ${formatMicros(sumOf(rows))} redeemed`);
    } else report.booked += await book(deps, txHash, receipt.collateralIn);
  } catch (e) {
    report.errors.push(`receipt ${txHash}: ${errorText(e)}`);
  }
}

/** A recorded transaction the node does not know (a crash before sending, or a dropped send): the same bytes again */
async function resend(deps: RedeemDeps, chain: Chain, rows: readonly Redemption[], report: RedeemReport): Promise<void> {
  const txHash = rows[0]!.txHash!;
  // Its nonce was taken when it was signed: sent again while no other transaction of the wallet is being signed
  const sent = await walletSends.run(chain.address, () => chain.send({ txHash, payload: rows[0]!.txPayload }));
  if (sent.kind === 'rejected') report.failed += await fail(deps, chain, rows, txHash, `not mined, and refused when resent: ${sent.detail}`);
  else report.pending += 1;
}

/** Marks the transaction's rows redeemed and books their redemptions, in one transaction */
async function book(deps: RedeemDeps, txHash: string, collateralIn: Usdc): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    return bookRows(tx, await markRedeemed(tx, txHash, collateralIn, now), now);
  });
}

/**
 * Positions settled after their market was redeemed: the standard adapter paid their shares with the wallet's whole
 * balance then, so when that transaction's collateral beyond what it booked covers them, they are booked as redeemed
 * by it (no new transaction, which would pay nothing). Only that wallet's transactions count: another
 * wallet's redemption of the market paid that wallet, not this one
 */
async function coverFromEarlier(deps: RedeemDeps, chain: Chain, rows: readonly Redemption[]): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const covered = await markCoveredRedeemed(tx, chain.address, rows[0]!.conditionId, rows.map((r) => r.orderId), now);
    return bookRows(tx, covered, now);
  });
}

/** Books the redemptions of rows just marked redeemed, under each strategy's lock */
async function bookRows(tx: Sql, rows: readonly Redemption[], now: Date): Promise<number> {
  const strategies = [...new Set(rows.map((r) => `${r.userId}|${r.strategyId}`))].sort();
  for (const key of strategies) {
    const [userId, strategyId] = key.split('|') as [string, string];
    await lockLtStrategy(tx, userId, strategyId);
  }
  const booked = await appendEntries(tx, rows.map((r) => ({
    userId: r.userId, strategyId: r.strategyId, book: 'live' as const, kind: 'redemption' as const, amount: r.amount,
    orderId: r.orderId, ref: `redeem:${r.orderId}`, createdAt: now,
  })));
  return booked.length;
}

/** The attempt failed: the rows wait for the backoff, and the failure is alerted. Returns 1 when rows moved */
async function fail(deps: RedeemDeps, chain: Chain, rows: readonly Redemption[], txHash: string, why: string): Promise<number> {
  const now = deps.clock.now();
  const attempts = Math.max(...rows.map((r) => r.attempts + (r.state === 'redeeming' ? 0 : 1)));
  const retryAt = new Date(now.getTime() + redeemBackoffMs(attempts));
  const moved = await deps.db.transaction((tx) => markRedeemFailed(tx, txHash, why, retryAt, now));
  if (moved === 0) return 0;
  await alert(deps, {
    kind: 'redemption', dedupeKey: `redemption:${chain.address}:${rows[0]!.conditionId}`, severity: 'critical',
    userId: null, strategyId: null,
    message: `Redemption of market ${rows[0]!.conditionId} failed (attempt ${attempts}): ${why}; retrying at ${retryAt.toISOString()}`,
    detail: { ...detailOf(chain.address, rows), tx_hash: txHash, attempts, error: why, retry_at: retryAt.toISOString() },
  });
  return 1;
}

function detailOf(wallet: string, rows: readonly Redemption[]): Record<string, unknown> {
  const call = redeemCallOf(rows);
  return {
    wallet, condition_id: call.conditionId, neg_risk: call.negRisk,
    amounts: call.amounts.map((a) => formatMicros(a)), usdc: formatMicros(sumOf(rows)),
    strategies: [...new Set(rows.map((r) => r.strategyId))],
  };
}

const LINKED_NO_CHAIN = 'a linked wallet this process has no chain for (no private key linked to sign with, or no '
  + 'chain configured for it here): its winnings are redeemed only by its own wallet';
const PREVIOUS_SENDER = 'an earlier attempt was sent from this wallet, which this process no longer signs for';

/** What to redeem by hand, named completely: the wallet, the market and its condition id, the contract and call, the amounts */
function manualAlert(wallet: string, reason: string, rows: readonly DueRedemption[]): Alert {
  const call = redeemCallOf(rows);
  // Through the pUSD collateral adapters, which the wallet approves once on the conditional-tokens contract
  const how = call.negRisk
    ? `NegRiskCtfCollateralAdapter.redeemPositions(${call.conditionId}, [${call.amounts.map((a) => formatMicros(a)).join(', ')}] shares)`
    : `CtfCollateralAdapter.redeemPositions(pUSD, 0x0, ${call.conditionId}, [1, 2])`;
  const market = rows[0]!.market ? `market "${rows[0]!.market}" (condition ${call.conditionId})` : `market ${call.conditionId}`;
  return {
    kind: 'redemption', dedupeKey: `redemption_manual:${wallet}:${call.conditionId}`, severity: 'critical',
    userId: null, strategyId: null,
    message: `Redeem by hand for wallet ${wallet}: ${market}, ${how}, worth ${formatMicros(sumOf(rows))} USDC (${reason})`,
    detail: { ...detailOf(wallet, rows), market: rows[0]!.market ?? null, reason, call: how },
  };
}

async function alert(deps: RedeemDeps, a: Alert): Promise<void> {
  const o = deps.alerts ?? DEFAULT_ALERTS;
  await fireAlert(deps.db, a, deps.clock.now(), o.cooldownMs, { deliver: o.deliver });
}
