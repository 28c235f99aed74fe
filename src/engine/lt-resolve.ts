/**
 * LT settlement: held shares of final markets settle once into cooldown (settled, not spendable). The shadow book's
 * cooldown becomes available when it is due; the live book's winning positions are tracked for redemption on chain
 * (lt-redeem.ts) and become available only when the redemption is confirmed and paid into the wallet
 */
import { payoutFor, resolutionOf, type Market } from '../domain/market.ts';
import { proceedsOf, SCALE, type Usdc } from '../domain/money.ts';
import type { Db } from '../store/db.ts';
import { appendEntries, dueSettlements } from '../store/ledger-store.ts';
import { positionOf, settlementCandidatesPage, type SettlementCandidate } from '../store/lt-fill-store.ts';
import { lockLtStrategy } from '../store/lt-strategy-store.ts';
import { loadMarkets } from '../store/market-store.ts';
import { raisePeak } from './lt-fills.ts';
import { enrollRedemption } from '../store/redemption-store.ts';
import type { Chain, WalletChains } from './chain-port.ts';
import type { LtHooks } from './lt-hooks.ts';
import { redeemOnChain, type RedeemReport } from './lt-redeem.ts';
import { signalLog } from './lt-trace.ts';
import type { Clock, Log } from './ports.ts';

export interface LtResolveDeps {
  db: Db;
  clock: Clock;
  /** Test-only injection points (crash tests); production never sets it */
  hooks?: LtHooks;
  /** Where the live book's winnings are redeemed; without one they stay settled and unspendable */
  chain?: Chain;
  /** Each linked wallet's chain, where its winnings are redeemed (without: they are alerted to redeem by hand) */
  chains?: WalletChains;
  /** Alert cool-down and webhook delivery for redemption alerts */
  alerts?: { cooldownMs: number; deliver: boolean };
  /** Where each settled position is logged under its entry signal's trace id; absent: not logged */
  log?: Log;
}

export interface LtResolveReport {
  checked: number;
  settled: number;
  /** Positions on closed markets that cannot settle yet: no final payout, or orders of the position still open */
  waiting: { orderId: string; why: string }[];
  /** Redemption ledger entries booked: the shadow book's due cooldown plus the live book's confirmed redemptions */
  redeemed: number;
  /** The live book's redemption on chain this run (null without a chain) */
  onChain: RedeemReport | null;
  errors: { orderId: string; error: string }[];
}

const PAGE = 200;
const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** Settles, then redeems what is due: the `lt-resolve` job */
export async function resolveLt(deps: LtResolveDeps): Promise<LtResolveReport> {
  const report: LtResolveReport = { checked: 0, settled: 0, waiting: [], redeemed: 0, onChain: null, errors: [] };
  await settleLtPositions(deps, report);
  report.redeemed = await redeemDue(deps);
  if (deps.chain) {
    report.onChain = await redeemOnChain({ ...deps, chain: deps.chain });
    report.redeemed += report.onChain.booked;
  }
  return report;
}

/**
 * Settles the shares each entry still holds on markets that are final (closed, with a payout vector: INV-25),
 * using the markets Tandem stored (the FT resolver refreshes them)
 */
export async function settleLtPositions(deps: LtResolveDeps, report: LtResolveReport): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const page = await settlementCandidatesPage(deps.db, after, PAGE);
    const markets = await loadMarkets(deps.db, [...new Set(page.map((c) => c.conditionId))]);
    for (const c of page) {
      report.checked += 1;
      const market = markets.get(c.conditionId);
      const resolution = market ? resolutionOf(market) : { kind: 'pending' as const, why: 'market not stored' };
      if (resolution.kind !== 'final') {
        report.waiting.push({ orderId: c.orderId, why: resolution.kind === 'pending' ? resolution.why : 'open' });
        continue;
      }
      try {
        const why = await settleOne(deps, c, market!, resolution.payouts);
        if (why === null) {
          report.settled += 1;
          signalLog(deps.log, { ...c, leg: 'entry' }).info('lt position settled', { order: c.orderId, condition: c.conditionId, book: c.book });
          // One position's settlement committed; the others on this page and the next are still to come
          await deps.hooks?.at('mid_settlement');
        } else if (why !== 'settled before') report.waiting.push({ orderId: c.orderId, why });
      } catch (e) {
        report.errors.push({ orderId: c.orderId, error: errorText(e) });
      }
    }
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.orderId;
  }
}

/**
 * One position, once, under the strategy lock: proceeds = held shares × payout (rounded down) go to cooldown
 * until now + cooldown_seconds; realized P&L = proceeds − cost basis. Returns why it did not settle, or null
 */
async function settleOne(deps: LtResolveDeps, c: SettlementCandidate, market: Market, payouts: bigint[]): Promise<string | null> {
  const payout = payoutFor(market, payouts, c.tokenId, '');
  return deps.db.transaction(async (tx) => {
    const s = await lockLtStrategy(tx, c.userId, c.strategyId);
    if (!s) return 'no strategy';
    const position = await positionOf(tx, c.userId, c.strategyId, c.ftOrderId);
    if (position.settled) return 'settled before';
    // A resting or unknown order could still report a fill that changes what is held: the tracker finishes it first
    if (position.openOrders > 0) return 'orders of the position are still open';
    if (position.shares === 0n) return 'nothing held';
    const now = deps.clock.now();
    const proceeds = proceedsOf(position.shares, payout);
    const booked = await appendEntries(tx, [{
      userId: c.userId, strategyId: c.strategyId, book: c.book, kind: 'settlement', amount: proceeds, costBasis: position.cost,
      orderId: c.orderId, ref: `settle:${c.orderId}`, availableAt: new Date(now.getTime() + s.cooldownSeconds * 1000), createdAt: now,
    }]);
    if (booked.length === 0) return 'settled before';
    // A live winning position is cash only once redeemed on chain: tracked from here, in the same transaction
    if (c.book === 'live' && proceeds > 0n) {
      await enrollRedemption(tx, {
        orderId: c.orderId, userId: c.userId, strategyId: c.strategyId, conditionId: c.conditionId, tokenId: c.tokenId,
        outcomeIndex: market.tokenIds.indexOf(c.tokenId), negRisk: market.negRisk, shares: position.shares, amount: proceeds,
        notBefore: new Date(now.getTime() + s.cooldownSeconds * 1000), now,
      });
    }
    // Booked once (ref settle:<order>): the entry's outcome and realized P&L derive from this row (lt_order_facts)
    await raisePeak(tx, c);
    return null;
  });
}

/** Moves each shadow settlement whose cooldown is over from cooldown to available, once (ref redeem:<order_id>) */
export async function redeemDue(deps: LtResolveDeps): Promise<number> {
  let redeemed = 0;
  let after: string | null = null;
  for (;;) {
    const now = deps.clock.now();
    const page = await dueSettlements(deps.db, now, after, PAGE);
    for (const d of page) {
      const booked = await deps.db.transaction(async (tx) => {
        await lockLtStrategy(tx, d.userId, d.strategyId);
        return appendEntries(tx, [{
          userId: d.userId, strategyId: d.strategyId, book: d.book, kind: 'redemption', amount: d.amount, orderId: d.orderId,
          ref: `redeem:${d.orderId}`, createdAt: now,
        }]);
      });
      redeemed += booked.length;
    }
    if (page.length < PAGE) return redeemed;
    after = page[page.length - 1]!.entryId;
  }
}
