/** Loads the demo strategies into an empty database (never touches a database that has strategies) */
import { parseFtWallet } from '../domain/ft-wallet.ts';
import type { Db } from './db.ts';
import { DEMO_STRATEGIES } from './demo-strategies.ts';
import { countWallets, insertWallets } from './wallet-store.ts';

export async function seedDemoStrategies(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    if ((await countWallets(tx)) > 0) return 0;
    // One statement for the whole catalogue (its ids are distinct, and the table is empty)
    const wallets = DEMO_STRATEGIES.map((input) => parseFtWallet(input, now));
    await insertWallets(tx, wallets);
    return wallets.length;
  });
}
