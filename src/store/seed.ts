/** Loads the demo strategies into an empty database (never touches a database that has strategies) */
import { parseFtWallet } from '../domain/ft-wallet.ts';
import type { Db } from './db.ts';
import { DEMO_STRATEGIES } from './demo-strategies.ts';
import { countWallets, insertWallet } from './wallet-store.ts';

export async function seedDemoStrategies(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    if ((await countWallets(tx)) > 0) return 0;
    let n = 0;
    for (const input of DEMO_STRATEGIES) {
      if (await insertWallet(tx, parseFtWallet(input, now))) n += 1;
    }
    return n;
  });
}
