/** The FT configuration an LT strategy trades with: FT's live filters or the launch snapshot's (sync_ft_changes), capital never */
import { InvariantError } from '../domain/errors.ts';
import type { FtWallet } from '../domain/ft-wallet.ts';
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Db, Sql } from '../store/db.ts';
import { encodeFtConfig, launchSnapshot, launchSnapshotOf, launchSnapshotSql, listLaunchedStrategies } from '../store/lt-strategy-store.ts';
import { getWallet, getWalletWith } from '../store/wallet-store.ts';

// ---- FT configuration: live or as launched

/**
 * "Non-breaking" (seed: filters and thresholds sync, capital and allocation never) = every setting the evaluator's
 * filters read. Starting balance and the sizing rule are the user's capital decision: always as launched
 */
const NEVER_SYNCED = ['startingBalance', 'betSize', 'betAllocationWeight', 'allocationMethod', 'kellyFraction',
  'minBet', 'maxBet'] as const satisfies readonly (keyof FtWallet)[];

/**
 * The FT configuration the executor filters and sizes a signal with: every entry FT took is re-checked
 * against its filters (src/domain/ft-refilter.ts) before LT sizes it. sync_ft_changes on: the FT wallet as
 * it is now; off: as it was at the first launch. Capital and allocation fields always come from the launch
 * snapshot. Before launch there is no snapshot and the live configuration is returned
 */
export async function ftConfigForStrategy(sql: Sql, s: LtStrategy): Promise<FtWallet> {
  // Only ever an FT strategy the LT strategy's owner may read (the catalogue or their own): never another user's. The
  // launch snapshot in the same statement
  const read = await getWalletWith(sql, s.ftWalletId, s.userId, launchSnapshotSql('$2', '$3'), [s.strategyId]);
  if (!read) throw new InvariantError(`FT wallet ${s.ftWalletId} of ${s.strategyId} is missing or not readable by its owner`);
  const live = read.wallet;
  const snap = launchSnapshotOf(read.extra);
  if (!snap) return live;
  const base = s.syncFtChanges ? live : snap;
  return { ...base, ...Object.fromEntries(NEVER_SYNCED.map((k) => [k, snap[k]])) };
}

export interface FtSyncReport {
  userId: string;
  strategyId: string;
  syncFtChanges: boolean;
  /** FT fields changed since launch that LT follows now */
  applied: string[];
  /** FT fields changed since launch that LT does not follow (sync off, or capital/allocation) */
  held: string[];
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export async function ftSyncReport(sql: Sql, s: LtStrategy): Promise<FtSyncReport> {
  const snap = await launchSnapshot(sql, s.userId, s.strategyId);
  const live = await getWallet(sql, s.ftWalletId, s.userId);
  const report: FtSyncReport = { userId: s.userId, strategyId: s.strategyId, syncFtChanges: s.syncFtChanges, applied: [], held: [] };
  if (!snap || !live) return report;
  const stored = encodeFtConfig(snap);
  for (const [k, v] of Object.entries(encodeFtConfig(live))) {
    if (JSON.stringify(v) === JSON.stringify(stored[k])) continue;
    const follows = s.syncFtChanges && !(NEVER_SYNCED as readonly string[]).includes(k);
    (follows ? report.applied : report.held).push(snake(k));
  }
  return report;
}

/**
 * FT → LT sync. Nothing is copied: with sync_ft_changes on, the executor re-applies the FT wallet's current
 * filters to each signal (ftConfigForStrategy); with it off, the launch snapshot's. This
 * reports, for every launched strategy, which FT changes since launch apply and which are held back
 */
export async function syncFtChanges(deps: { db: Db }): Promise<FtSyncReport[]> {
  const out: FtSyncReport[] = [];
  for (const s of await listLaunchedStrategies(deps.db)) out.push(await ftSyncReport(deps.db, s));
  return out;
}
