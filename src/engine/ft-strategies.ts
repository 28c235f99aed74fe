/**
 * FT strategy ownership and its audited writes. A strategy with no owner is the catalogue (demo and seeded ones):
 * every user reads it, only an operator writes it. A strategy with an owner is theirs: any other plain user reads
 * and writes it as if it did not exist; an operator reads and writes every strategy. Each create and replace is
 * recorded in lt_audit ('ft.create', 'ft.replace', strategy_id = the FT id) in the write's transaction
 */
import type { FtWallet } from '../domain/ft-wallet.ts';
import type { Db } from '../store/db.ts';
import { encodeFtConfig, insertLtAudit } from '../store/lt-strategy-store.ts';
import type { Role } from '../store/user-store.ts';
import { insertWallet, updateWallet, walletOwner } from '../store/wallet-store.ts';

export interface FtActor {
  userId: string;
  role: Role;
}

/** What `actor` may do with a strategy: nothing (missing, or another user's), read it (the catalogue), or write it */
export type FtAccess = 'none' | 'read' | 'write';

export async function ftAccess(db: Db, actor: FtActor, walletId: string): Promise<FtAccess> {
  const owner = await walletOwner(db, walletId);
  if (owner === undefined) return 'none';
  if (actor.role === 'operator' || owner === actor.userId) return 'write';
  return owner === null ? 'read' : 'none';
}

/** Inserts `wallet` owned by its creator and audits it; false when the id is taken (by anyone: ids are one namespace) */
export async function createFtStrategy(db: Db, actor: FtActor, wallet: FtWallet, at: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await insertWallet(tx, wallet, actor.userId))) return false;
    await insertLtAudit(tx, actor.userId, wallet.walletId, 'ft.create', { config: encodeFtConfig(wallet) }, at);
    return true;
  });
}

/** Replaces a strategy the caller may write (ftAccess) and audits what changed, each field from → to */
export async function replaceFtStrategy(db: Db, actor: FtActor, before: FtWallet, wallet: FtWallet, at: Date): Promise<void> {
  const from = encodeFtConfig(before);
  const changed = Object.fromEntries(Object.entries(encodeFtConfig(wallet))
    .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(from[k])).map(([k, v]) => [k, { from: from[k] ?? null, to: v }]));
  await db.transaction(async (tx) => {
    await updateWallet(tx, wallet);
    await insertLtAudit(tx, actor.userId, wallet.walletId, 'ft.replace', { changed }, at);
  });
}
