/** The FT configuration an LT strategy trades with: FT's live filters or the launch snapshot's (sync_ft_changes), capital never */
import { InvariantError } from '../domain/errors.ts';
import type { FtWallet } from '../domain/ft-wallet.ts';
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Db, Sql } from '../store/db.ts';
import { encodeFtConfig, launchSnapshot, launchSnapshotOf, launchSnapshotSql, listLaunchedStrategies } from '../store/lt-strategy-store.ts';
import { getWallet, getWalletWith } from '../store/wallet-store.ts';
import { strategyLeaseKey } from '../store/lease-store.ts';

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
  return configOf(await readFtConfig(sql, s), s);
}

/** What ftConfigForStrategy reads: the FT wallet as it is now and the launch snapshot's configuration (null before launch) */
interface FtConfigRead {
  live: FtWallet;
  snap: FtWallet | null;
  /** Who owns the FT strategy (null: the catalogue) */
  owner: string | null;
}

async function readFtConfig(sql: Sql, s: LtStrategy): Promise<FtConfigRead> {
  // Only ever an FT strategy the LT strategy's owner may read (the catalogue or their own): never another user's. The
  // launch snapshot in the same statement
  const read = await getWalletWith(sql, s.ftWalletId, s.userId,
    `json_build_object('snap', ${launchSnapshotSql('$2', '$3')}, 'owner', w.owner_user_id)`, [s.strategyId]);
  if (!read) throw new InvariantError(`FT wallet ${s.ftWalletId} of ${s.strategyId} is missing or not readable by its owner`);
  const extra = read.extra as { snap: unknown; owner: string | null };
  return { live: read.wallet, snap: launchSnapshotOf(extra.snap), owner: extra.owner };
}

function configOf({ live, snap }: FtConfigRead, s: LtStrategy): FtWallet {
  if (!snap) return live;
  const base = s.syncFtChanges ? live : snap;
  return { ...base, ...Object.fromEntries(NEVER_SYNCED.map((k) => [k, snap[k]])) };
}

/** Per database, per strategy: what was read, and for which FT wallet, launch and configuration version */
const kept = new WeakMap<object, Map<string, { key: string; read: FtConfigRead }>>();

/**
 * ftConfigForStrategy, read again only when the FT strategy's configuration version (read with the launched
 * strategies: LaunchedPass.ftConfigVersions) or the LT strategy's FT wallet or launch moved since it was kept; always
 * read without a version. The version rises with every change to the FT row but its sync bookkeeping (migration
 * 0025's trigger), and the launch snapshot never changes once written, so what is kept is what a read would return.
 * Kept only for a catalogue strategy or the LT owner's own: another user's is readable through the reader's role
 * (readableBy), which the version does not follow, so it is read each time
 */
export async function keptFtConfig(db: Sql, s: LtStrategy, version: string | undefined): Promise<FtWallet> {
  if (version === undefined) return ftConfigForStrategy(db, s);
  let byStrategy = kept.get(db);
  if (!byStrategy) kept.set(db, (byStrategy = new Map()));
  const id = strategyLeaseKey(s);
  const key = `${s.ftWalletId}/${s.launchedAt?.getTime() ?? ''}/${version}`;
  const hit = byStrategy.get(id);
  if (hit?.key === key) return configOf(hit.read, s);
  const read = await readFtConfig(db, s);
  if (read.owner === null || read.owner === s.userId) byStrategy.set(id, { key, read });
  else byStrategy.delete(id);
  return configOf(read, s);
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
