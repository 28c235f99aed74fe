/**
 * Users' wallets: link (validated, the address derived from the private key, secrets sealed), list (never a secret),
 * unlink (refused while a running LT strategy trades through it); each change audited in its own transaction.
 * Launch asks `walletRefusal` (wallet-refusal.ts) whether a strategy may trade through its wallet_address
 */
import { z } from 'zod';
import { err, ok } from '../domain/result.ts';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../domain/text.ts';
import type { Db } from '../store/db.ts';
import { insertLtAudit } from '../store/lt-strategy-store.ts';
import type { SecretBox } from '../store/secret-box.ts';
import {
  deleteUserWallet, getUserWallet, insertUserWallet, listUserWallets, openWalletSecrets, othersStrategiesOn, runningStrategiesOn, strategiesHeldAt,
  walletsWithSecrets,
  type SignatureType, type UserWallet,
} from '../store/user-wallet-store.ts';
import type { LtError, LtResult } from './lt-strategies.ts';
import type { Clock } from './ports.ts';

export interface WalletDeps {
  db: Db;
  clock: Clock;
  /** Seals secrets (TANDEM_SECRET_KEY); null: no key configured, so no secret can be stored */
  secrets: SecretBox | null;
  /** The process's own wallet (POLYMARKET_PRIVATE_KEY's address): it cannot be linked by a user */
  operatorWallet?: string | null;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** Free text as it can be stored (src/domain/text.ts) */
const storable = (s: z.ZodString) => s.refine(isStorableText, `text ${UNSTORABLE_TEXT_MESSAGE}`);
/** The messages never echo the value */
export const LinkWalletInput = z.object({
  label: storable(z.string().trim().min(1).max(100)).optional(),
  private_key: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'private_key must be 0x + 64 hex digits').optional(),
  address: z.string().regex(ADDRESS, 'address must be 0x + 40 hex digits').optional(),
  signature_type: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).default(0),
  funder: z.string().regex(ADDRESS, 'funder must be 0x + 40 hex digits').optional(),
  api_key: storable(z.string().min(1).max(200)).optional(),
  api_secret: storable(z.string().min(1).max(500)).optional(),
  api_passphrase: storable(z.string().min(1).max(500)).optional(),
}).strict()
  .refine((v) => v.private_key !== undefined || v.api_key !== undefined, { message: 'give private_key or API credentials', path: ['private_key'] })
  .refine((v) => v.private_key !== undefined || v.address !== undefined, { message: 'address is required without private_key', path: ['address'] })
  .refine((v) => v.signature_type === 0 || v.funder !== undefined, { message: 'funder is required for proxy and Safe wallets (signature_type 1, 2, 3)', path: ['funder'] })
  .refine((v) => [v.api_key, v.api_secret, v.api_passphrase].every((x) => x === undefined) || [v.api_key, v.api_secret, v.api_passphrase].every((x) => x !== undefined),
    { message: 'api_key, api_secret and api_passphrase: give all three or none', path: ['api_key'] });
export type LinkWalletInput = z.input<typeof LinkWalletInput>;

const fail = (kind: LtError['kind'], message: string, issues?: unknown[]) => err<LtError>({ kind, message, ...(issues ? { issues } : {}) });

/** Only where an issue is and what is wrong: never the input (which may hold a secret) */
const safeIssues = (e: z.ZodError) => e.issues.map((i) => ({ path: i.path, message: i.message, code: i.code }));

export const normalizeAddress = (a: string): string => a.toLowerCase();

/**
 * The key's address; false for a key outside the curve's range (viem's message would quote the key: never passed on).
 * viem is loaded on first use: a start that links no wallet never needs it
 */
async function addressOfKey(key: string): Promise<string | false> {
  const { privateKeyToAccount } = await import('viem/accounts');
  try {
    return privateKeyToAccount(key as `0x${string}`).address;
  } catch {
    return false;
  }
}

export async function linkWallet(deps: WalletDeps, userId: string, input: unknown): Promise<LtResult<UserWallet>> {
  const parsed = LinkWalletInput.safeParse(input);
  if (!parsed.success) return fail('invalid', 'invalid wallet', safeIssues(parsed.error));
  const v = parsed.data;
  const derived = v.private_key ? await addressOfKey(v.private_key) : null;
  if (derived === false) return fail('invalid', 'invalid wallet', [{ path: ['private_key'], message: 'not a valid secp256k1 private key' }]);
  if (derived && v.address && normalizeAddress(v.address) !== normalizeAddress(derived)) {
    return fail('invalid', 'address is not the private key\'s address', [{ path: ['address'], message: 'does not match private_key' }]);
  }
  if (!deps.secrets) return fail('conflict', 'TANDEM_SECRET_KEY is not configured: Tandem cannot store a wallet secret');
  const address = normalizeAddress(derived ?? v.address!);
  if (deps.operatorWallet && normalizeAddress(deps.operatorWallet) === address) {
    return fail('conflict', `${address} is the wallet this Tandem is configured with: it cannot be linked by a user`);
  }
  const now = deps.clock.now();
  const wallet: UserWallet = { userId, address, label: v.label ?? null, signatureType: v.signature_type as SignatureType,
    funder: v.funder ? normalizeAddress(v.funder) : null, hasPrivateKey: derived !== null, apiKey: v.api_key ?? null, linkedAt: now };
  const creds = v.api_key ? { key: v.api_key, secret: v.api_secret!, passphrase: v.api_passphrase! } : null;
  const inserted = await deps.db.transaction(async (tx) => {
    // Nobody else trades through it, and no strategy still has orders, positions or winnings there (its venue would change)
    if ((await othersStrategiesOn(tx, userId, address)) > 0 || (await strategiesHeldAt(tx, address)).length > 0) return false;
    if (!(await insertUserWallet(tx, deps.secrets, { ...wallet, secrets: { privateKey: (v.private_key as `0x${string}`) ?? null, creds } }))) return false;
    await insertLtAudit(tx, userId, null, 'wallet_link', { address, signature_type: wallet.signatureType, funder: wallet.funder,
      has_private_key: wallet.hasPrivateKey, has_api_creds: creds !== null }, now);
    return true;
  });
  return inserted ? ok(wallet) : fail('conflict', `${address} is already linked, another user's strategy trades through it, `
    + 'or a strategy still has orders, positions or winnings to redeem there');
}

export const listWallets = (deps: { db: Db }, userId: string): Promise<UserWallet[]> => listUserWallets(deps.db, userId);

export async function getWallet(deps: { db: Db }, userId: string, address: string): Promise<LtResult<UserWallet>> {
  const w = await getUserWallet(deps.db, userId, normalizeAddress(address));
  return w ? ok(w) : fail('not_found', address);
}

export async function unlinkWallet(deps: { db: Db; clock: Clock }, userId: string, address: string): Promise<LtResult<{ address: string }>> {
  const a = normalizeAddress(address);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    if (!(await getUserWallet(tx, userId, a))) return fail('not_found', address);
    const running = await runningStrategiesOn(tx, userId, a);
    if (running.length > 0) return fail('conflict', `${a} is used by running strategies (${running.join(', ')}): stop them first`);
    const held = await strategiesHeldAt(tx, a, userId);
    if (held.length > 0) {
      return fail('conflict', `${a} still holds orders, positions or winnings to redeem of ${held.join(', ')}: `
        + 'let them finish, resolve and redeem first');
    }
    await deleteUserWallet(tx, userId, a);
    await insertLtAudit(tx, userId, null, 'wallet_unlink', { address: a }, now);
    return ok({ address: a });
  });
}

/**
 * On start: with a stored secret, a key must be configured and must open every stored secret. Throws with the reason
 * (and which wallet) otherwise; never with a secret in the message
 */
export async function checkStoredSecrets(db: Db, secrets: SecretBox | null): Promise<number> {
  const stored = await walletsWithSecrets(db);
  if (stored.length === 0) return 0;
  if (!secrets) {
    throw new Error(`${stored.length} linked wallet(s) have stored secrets but TANDEM_SECRET_KEY is not set: `
      + 'set the key they were stored with (32 bytes, 64 hex digits or base64) to start');
  }
  for (const w of stored) {
    try {
      await openWalletSecrets(db, secrets, w.userId, w.address);
    } catch (e) {
      throw new Error(`wallet ${w.address}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return stored.length;
}
