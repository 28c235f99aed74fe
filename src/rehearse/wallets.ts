/**
 * The rehearsal's wallets, one trader each. Wallet 1 is the process's own (POLYMARKET_PRIVATE_KEY), traded by the
 * operator. Each further wallet belongs to a Tandem user of its own, created as `tandem user add` does (a plain user) (the API has
 * no route that creates users), who links a freshly generated private-key wallet through the API (`POST /api/wallets`:
 * sealed at rest with TANDEM_SECRET_KEY) and creates and launches its LT strategies on it with its own token
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Db } from '../store/db.ts';
import { createUser, userByToken } from '../store/user-store.ts';
import { apiOf, must, type Api } from './api.ts';

export interface RehearsalWallet {
  /** 1 for the process's wallet, 2… for users' linked wallets */
  index: number;
  /** The Tandem user trading it */
  user: string;
  userId: string;
  /** Lower-case */
  address: string;
  /** Linked by its user through /api/wallets (false: the process's wallet, POLYMARKET_PRIVATE_KEY) */
  linked: boolean;
  /** The API as this wallet's user sees it (its own token) */
  api: Api;
  /** Its LT strategies, launched */
  strategyIds: string[];
}

export interface StrategyPlan {
  /** FT strategies to mirror, one LT strategy each */
  strategies: string[];
  /** Starting capital of each (decimal USDC) */
  capitalUsdc: string;
}

/** A fresh private key for the process's wallet, with its address (lower-case) */
export function processWalletKey(): { privateKey: `0x${string}`; address: string } {
  const privateKey = generatePrivateKey();
  return { privateKey, address: privateKeyToAccount(privateKey).address.toLowerCase() };
}

/** Creates and launches one LT strategy per FT strategy, trading through `wallet`, as the API's caller */
async function launchStrategies(api: Api, plan: StrategyPlan, wallet: string): Promise<string[]> {
  const ids: string[] = [];
  for (const ft of plan.strategies) {
    const created = await must(api, 'POST', '/api/lt/strategies', {
      ft_wallet_id: ft, starting_capital: plan.capitalUsdc, wallet_address: wallet, max_signal_age_seconds: 120,
    });
    const id = String((created.strategy as Record<string, unknown>).strategy_id);
    await must(api, 'POST', `/api/lt/strategies/${id}/launch`);
    ids.push(id);
  }
  return ids;
}

/** A new user, who links a new private-key wallet through the API; the address the API answered must be the key's */
async function linkedWallet(db: Db, url: string, index: number): Promise<Omit<RehearsalWallet, 'strategyIds'>> {
  const name = `rehearsal-${index}`;
  const { user, token } = await createUser(db, name);
  const api = apiOf(url, token);
  const privateKey = generatePrivateKey();
  const linked = await must(api, 'POST', '/api/wallets', { private_key: privateKey, label: `rehearsal wallet ${index}` });
  const address = String((linked.wallet as Record<string, unknown>).address).toLowerCase();
  const expected = privateKeyToAccount(privateKey).address.toLowerCase();
  if (address !== expected) throw new Error(`POST /api/wallets linked ${address}, not the key's address ${expected}`);
  return { index, user: name, userId: user.userId, address, linked: true, api };
}

/**
 * The `count` wallets with their strategies launched: the operator's (`operatorToken`) on the process's wallet, then
 * one user per further wallet
 */
export async function setUpWallets(db: Db, url: string, operatorToken: string, processWallet: string, count: number,
  plan: StrategyPlan): Promise<RehearsalWallet[]> {
  const operator = await userByToken(db, operatorToken);
  if (!operator) throw new Error('the operator token names no user');
  const first = { index: 1, user: operator.name, userId: operator.userId, address: processWallet.toLowerCase(), linked: false,
    api: apiOf(url, operatorToken) };
  const wallets: RehearsalWallet[] = [];
  for (let index = 1; index <= count; index += 1) {
    const w = index === 1 ? first : await linkedWallet(db, url, index);
    wallets.push({ ...w, strategyIds: await launchStrategies(w.api, plan, w.address) });
  }
  return wallets;
}
