/**
 * Users' linked wallets (user_wallets). Secrets are written and read only sealed (src/store/secret-box.ts), bound to
 * the owner and address; what `listUserWallets` and `getUserWallet` return never holds a secret
 */
import type { Sql } from './db.ts';
import { NOT_TERMINAL_SQL } from './lt-order-store.ts';
import type { SecretBox } from './secret-box.ts';
import { isoKey, pageParams, type Keyed, type PageRequest } from './page.ts';

export type SignatureType = 0 | 1 | 2 | 3;

/** A linked wallet as anyone may see it: no secret, only whether one is stored */
export interface UserWallet {
  userId: string;
  address: string;
  label: string | null;
  signatureType: SignatureType;
  funder: string | null;
  hasPrivateKey: boolean;
  /** The API key's public id (not a secret); null without API credentials */
  apiKey: string | null;
  linkedAt: Date;
}

/** What the sealed column holds, opened */
export interface WalletSecrets {
  privateKey: `0x${string}` | null;
  creds: { key: string; secret: string; passphrase: string } | null;
}

export interface NewUserWallet extends Omit<UserWallet, 'hasPrivateKey'> {
  secrets: WalletSecrets;
}

/** The associated data of a wallet's sealed secrets: a sealed value moved to another user or address does not open */
export const walletSecretContext = (userId: string, address: string): string => `tandem:user_wallet:v1:${userId}:${address}`;

const COLUMNS = 'user_id, address, label, signature_type, funder, has_private_key, api_key, linked_at';

const fromRow = (r: Record<string, unknown>): UserWallet => ({
  userId: r.user_id as string, address: r.address as string, label: (r.label as string) ?? null,
  signatureType: Number(r.signature_type) as SignatureType, funder: (r.funder as string) ?? null,
  hasPrivateKey: r.has_private_key as boolean, apiKey: (r.api_key as string) ?? null, linkedAt: new Date(r.linked_at as string),
});

/** Inserts the wallet; false when the address is already linked (by this user or another) */
export async function insertUserWallet(sql: Sql, box: SecretBox | null, w: NewUserWallet): Promise<boolean> {
  const { privateKey, creds } = w.secrets;
  const secret = privateKey || creds ? JSON.stringify({ private_key: privateKey, api_secret: creds?.secret ?? null,
    api_passphrase: creds?.passphrase ?? null }) : null;
  if (secret !== null && !box) throw new Error('no secret key configured: cannot store a wallet secret');
  const sealed = secret === null ? null : box!.seal(secret, walletSecretContext(w.userId, w.address));
  const rows = await sql.query(
    `INSERT INTO user_wallets (${COLUMNS}, sealed_secrets) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT DO NOTHING RETURNING address`,
    [w.userId, w.address, w.label, w.signatureType, w.funder, privateKey !== null, creds?.key ?? null, w.linkedAt, sealed]);
  return rows.length === 1;
}

export async function listUserWallets(sql: Sql, userId: string): Promise<UserWallet[]> {
  const rows = await sql.query(`SELECT ${COLUMNS} FROM user_wallets WHERE user_id = $1 ORDER BY linked_at, address`, [userId]);
  return rows.map(fromRow);
}

/** A page of listUserWallets (sort key: linked_at, address) */
export async function userWalletsPage(sql: Sql, userId: string, page: PageRequest): Promise<Keyed<UserWallet>[]> {
  const rows = await sql.query(`SELECT ${COLUMNS}, ${isoKey('linked_at')} AS k_at FROM user_wallets WHERE user_id = $1
    AND ($2::timestamptz IS NULL OR (linked_at, address) > ($2::timestamptz, $3::text)) ORDER BY linked_at, address LIMIT $4`,
  [userId, ...pageParams(page, 2)]);
  return rows.map((r) => ({ row: fromRow(r), key: [r.k_at as string, r.address as string] }));
}

/** Every linked wallet of every user (the venues registry and the per-wallet reconciliation) */
export async function listAllUserWallets(sql: Sql): Promise<UserWallet[]> {
  const rows = await sql.query(`SELECT ${COLUMNS} FROM user_wallets ORDER BY address`);
  return rows.map(fromRow);
}

export async function getUserWallet(sql: Sql, userId: string, address: string): Promise<UserWallet | null> {
  const [row] = await sql.query(`SELECT ${COLUMNS} FROM user_wallets WHERE user_id = $1 AND address = $2`, [userId, address]);
  return row ? fromRow(row) : null;
}

/** Who linked an address (null: nobody) */
export async function walletOwner(sql: Sql, address: string): Promise<string | null> {
  const [row] = await sql.query<{ user_id: string }>('SELECT user_id FROM user_wallets WHERE address = $1', [address.toLowerCase()]);
  return row?.user_id ?? null;
}

export async function deleteUserWallet(sql: Sql, userId: string, address: string): Promise<boolean> {
  const rows = await sql.query('DELETE FROM user_wallets WHERE user_id = $1 AND address = $2 RETURNING address', [userId, address]);
  return rows.length === 1;
}

/** The wallet's secrets, opened; throws SecretBoxError on a wrong key or an altered value */
export async function openWalletSecrets(sql: Sql, box: SecretBox | null, userId: string, address: string): Promise<WalletSecrets> {
  const [row] = await sql.query<{ sealed_secrets: string | null; api_key: string | null }>(
    'SELECT sealed_secrets, api_key FROM user_wallets WHERE user_id = $1 AND address = $2', [userId, address]);
  if (!row?.sealed_secrets) return { privateKey: null, creds: null };
  if (!box) throw new Error('no secret key configured: cannot open a wallet secret');
  const s = JSON.parse(box.open(row.sealed_secrets, walletSecretContext(userId, address))) as
    { private_key: `0x${string}` | null; api_secret: string | null; api_passphrase: string | null };
  const creds = row.api_key && s.api_secret && s.api_passphrase
    ? { key: row.api_key, secret: s.api_secret, passphrase: s.api_passphrase } : null;
  return { privateKey: s.private_key, creds };
}

/** Wallets with a stored secret (start refuses without a key when there is one, and checks the key opens each) */
export async function walletsWithSecrets(sql: Sql): Promise<{ userId: string; address: string }[]> {
  const rows = await sql.query<{ user_id: string; address: string }>(
    'SELECT user_id, address FROM user_wallets WHERE sealed_secrets IS NOT NULL ORDER BY user_id, address');
  return rows.map((r) => ({ userId: r.user_id, address: r.address }));
}

/** Other users' launched strategies trading through an address (it cannot be linked while there is one) */
export async function othersStrategiesOn(sql: Sql, userId: string, address: string): Promise<number> {
  const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM lt_strategies
    WHERE user_id <> $1 AND lower(wallet_address) = $2 AND launched_at IS NOT NULL`, [userId, address]);
  return row?.n ?? 0;
}

/**
 * Strategies (of one user, or anyone's) whose wallet_address is `address` and that still have something there: active,
 * an order not finished, shares held and not settled, or winnings not redeemed. Their wallet must not change under them
 */
export async function strategiesHeldAt(sql: Sql, address: string, userId: string | null = null): Promise<string[]> {
  const rows = await sql.query<{ strategy_id: string }>(
    `SELECT s.strategy_id FROM lt_strategies s
     WHERE lower(s.wallet_address) = $1 AND ($2::uuid IS NULL OR s.user_id = $2::uuid) AND (s.is_active
       OR EXISTS (SELECT 1 FROM lt_orders l JOIN orders o ON o.order_id = l.order_id WHERE l.user_id = s.user_id
         AND l.strategy_id = s.strategy_id AND NOT o.is_shadow AND o.status IN ${NOT_TERMINAL_SQL})
       OR EXISTS (SELECT 1 FROM lt_order_facts f WHERE f.user_id = s.user_id AND f.strategy_id = s.strategy_id
         AND NOT f.is_shadow AND f.held > 0)
       OR EXISTS (SELECT 1 FROM lt_redemptions r WHERE r.user_id = s.user_id AND r.strategy_id = s.strategy_id
         AND r.state <> 'redeemed'))
     ORDER BY s.strategy_id`, [address.toLowerCase(), userId]);
  return rows.map((r) => r.strategy_id);
}

/** The user's launched, active strategies trading through an address (unlink is refused while there is one) */
export async function runningStrategiesOn(sql: Sql, userId: string, address: string): Promise<string[]> {
  const rows = await sql.query<{ strategy_id: string }>(
    `SELECT strategy_id FROM lt_strategies WHERE user_id = $1 AND lower(wallet_address) = $2 AND is_active
     ORDER BY strategy_id`, [userId, address]);
  return rows.map((r) => r.strategy_id);
}
