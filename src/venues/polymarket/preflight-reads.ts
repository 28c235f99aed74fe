/**
 * What preflight needs from Polymarket: the spenders that need a collateral allowance, the allowances GET
 * /balance-allowance reports for them, and set-up failures named (no key, a bad key, no CLOB, no API credentials)
 * without ever echoing a secret
 */
import { ClobClient, getContractConfig, type ApiKeyCreds } from '@polymarket/clob-client-v2';
import type { Hex, WalletClient } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { SpenderAllowance, SpenderRole } from '../../domain/preflight.ts';
import type { Log } from '../../engine/ports.ts';
import { VenueSetupError } from '../../engine/venue-port.ts';
import { errorCode, undiciSend, type HttpSend } from './http-send.ts';
import { ApiKeyRaw, BalanceRead } from './schemas.ts';
import type { ClobResponse } from './transport.ts';
import { balanceMicros } from './wire.ts';

/** The contracts that move collateral for our orders: both V2 exchanges and the neg-risk adapter (spec 4.6, 7.x) */
export function collateralSpenders(chainId: number): { role: SpenderRole; spender: string }[] {
  const c = getContractConfig(chainId);
  return [
    { role: 'exchange', spender: c.exchangeV2 }, { role: 'neg_risk_exchange', spender: c.negRiskExchangeV2 },
    { role: 'neg_risk_adapter', spender: c.negRiskAdapter },
  ];
}

/**
 * The allowance of each spender from a COLLATERAL balance-allowance reply: the V2 `allowances` map by address (any
 * case); a V1 reply's single `allowance` stands for every spender. A spender the map omits has none (null)
 */
export function toAllowances(raw: unknown, spenders: { role: SpenderRole; spender: string }[]): SpenderAllowance[] {
  const read = BalanceRead.parse(raw);
  const map = new Map(Object.entries(read.allowances ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return spenders.map(({ role, spender }) => {
    const value = read.allowances ? map.get(spender.toLowerCase()) : read.allowance;
    return { role, spender, amount: value === undefined ? null : balanceMicros(value) };
  });
}

/** The signing account of a key, or a permanent set-up error that never shows the key */
export function accountOf(privateKey: Hex): PrivateKeyAccount {
  try {
    return privateKeyToAccount(privateKey);
  } catch {
    throw new VenueSetupError('invalid_private_key', 'POLYMARKET_PRIVATE_KEY is not a valid secp256k1 private key', true);
  }
}

/** The lower-case address a key signs as; null for a key that is not one */
export function signerAddressOf(privateKey: Hex | null): string | null {
  if (!privateKey) return null;
  try {
    return privateKeyToAccount(privateKey).address.toLowerCase();
  } catch {
    return null;
  }
}

/** A failed read as a set-up error when it says the CLOB is unreachable or our credentials are refused; null otherwise */
export function setupErrorOf(res: ClobResponse, what: string, text: string): VenueSetupError | null {
  if (res.status === null) return new VenueSetupError('clob_unreachable', `${what}: the CLOB did not answer (${res.error})`);
  if (res.status === 401 || res.status === 403) {
    return new VenueSetupError('api_creds_rejected', `${what}: the CLOB refused our API credentials (HTTP ${res.status} ${text})`.trim());
  }
  return null;
}

/**
 * Why API credentials could not be had: the CLOB does not answer its public GET /time (unreachable), or it answers
 * and refused the key (the credentials are unavailable)
 */
export async function credsFailure(host: string, send: HttpSend = undiciSend): Promise<VenueSetupError> {
  const what = `could not create or derive Polymarket API creds at ${host}`;
  try {
    const res = await send({ url: new URL(`${host.replace(/\/+$/, '')}/time`), method: 'GET', headers: {}, timeoutMs: 5_000 });
    if (res.status < 500) return new VenueSetupError('api_creds_unavailable', what);
    return new VenueSetupError('clob_unreachable', `${what}: the CLOB answers HTTP ${res.status}`);
  } catch (err) {
    const code = errorCode(err);
    const why = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError') ? 'timeout' : (code ?? 'no answer');
    return new VenueSetupError('clob_unreachable', `${what}: the CLOB did not answer (${why})`);
  }
}

/**
 * createOrDeriveApiKey through the official client: POST /auth/api-key, then GET /auth/derive-api-key if it exists. A
 * failure says only whether the CLOB answers at all (credsFailure), never what came back
 */
export async function deriveCreds(opts: { host: string; signatureType?: 0 | 1 | 2 | 3; funder?: Hex; http?: { send?: HttpSend } },
  wallet: WalletClient, chainId: number, log: Log): Promise<ApiKeyCreds> {
  const client = new ClobClient({ host: opts.host, chain: chainId, signer: wallet, signatureType: opts.signatureType, funderAddress: opts.funder });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out deriving API creds')), 30_000).unref());
  const raw = await Promise.race([client.createOrDeriveApiKey(), timeout]).catch(() => null);
  const parsed = ApiKeyRaw.safeParse({ apiKey: raw?.key, secret: raw?.secret, passphrase: raw?.passphrase });
  if (!parsed.success) throw await credsFailure(opts.host, opts.http?.send);
  log.info('polymarket API creds derived', { address: wallet.account?.address });
  return { key: parsed.data.apiKey, secret: parsed.data.secret, passphrase: parsed.data.passphrase };
}
