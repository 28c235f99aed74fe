/** Whether a user's LT strategy may trade through a wallet address: theirs, or the operator wallet */
import type { Sql } from '../store/db.ts';
import { listUserWallets, walletOwner } from '../store/user-wallet-store.ts';

/**
 * Why a strategy of `userId` may not trade through `address` (null: it may). A wallet linked by the user is theirs;
 * one linked by another user never is; an unlinked address trades only through the operator wallet:
 * `operatorWallet` undefined accepts any (a shared simulated account), a string only that address, null none
 */
export async function walletRefusal(sql: Sql, userId: string, address: string, operatorWallet: string | null | undefined): Promise<string | null> {
  const owner = await walletOwner(sql, address);
  if (owner === userId) return null;
  const mine = (await listUserWallets(sql, userId)).map((w) => w.address);
  const which = mine.length > 0 ? `your linked wallets are ${mine.join(', ')}` : 'you have linked no wallet (POST /api/wallets)';
  if (owner !== null) return `wallet_address ${lower(address)} is not one of your linked wallets: ${which}`;
  if (operatorWallet === undefined || (operatorWallet !== null && lower(operatorWallet) === lower(address))) return null;
  return `wallet_address ${lower(address)} is not one of your linked wallets${operatorWallet ? ' nor the operator wallet' : ''}: ${which}`;
}

const lower = (a: string): string => a.toLowerCase();
