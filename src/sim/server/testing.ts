/** Test helpers: an official clob-client-v2 wired to a running simulator, a WebSocket message collector, and small waits */
import { ClobClient, type ApiKeyCreds } from '@polymarket/clob-client-v2';
import { createWalletClient, http, type WalletClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { polygon } from 'viem/chains';
import { WebSocket } from 'ws';

export interface TradingClient {
  client: ClobClient;
  creds: ApiKeyCreds;
  account: PrivateKeyAccount;
  signer: WalletClient;
  /** Lower-case address: the simulator account */
  address: string;
}

/**
 * A fresh wallet with derived API creds. The viem transport points at a dead port: signing is local, so it is never
 * used. `createOrDeriveApiKey` POSTs /auth/api-key, then GETs /auth/derive-api-key when the key already exists
 */
export async function tradingClient(host: string, privateKey = generatePrivateKey()): Promise<TradingClient> {
  const account = privateKeyToAccount(privateKey);
  const signer = createWalletClient({ account, chain: polygon, transport: http('http://127.0.0.1:9') });
  const creds = await new ClobClient({ host, chain: 137, signer }).createOrDeriveApiKey();
  if (!creds.key) throw new Error(`no API key from ${host}`);
  const client = new ClobClient({ host, chain: 137, signer, creds });
  return { client, creds, account, signer, address: account.address.toLowerCase() };
}

/** A WebSocket that records every message (JSON-parsed; arrays are flattened) */
export class Collector {
  readonly messages: unknown[] = [];
  readonly raw: string[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      this.raw.push(text);
      try {
        const value = JSON.parse(text) as unknown;
        if (Array.isArray(value)) this.messages.push(...(value as unknown[]));
        else this.messages.push(value);
      } catch {
        // PONG and other text frames stay in `raw`
      }
    });
  }

  static open(url: string): Promise<Collector> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const collector = new Collector(ws);
      ws.once('open', () => resolve(collector));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits (up to `timeoutMs`) for a message matching `match` */
  async waitFor<T = Record<string, unknown>>(match: (m: Record<string, unknown>) => boolean, timeoutMs = 3000): Promise<T> {
    const found = await until(() => this.messages.find((m) => typeof m === 'object' && m !== null && match(m as Record<string, unknown>)), timeoutMs);
    if (found === undefined) throw new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
    return found as T;
  }

  close(): void {
    this.ws.close();
  }
}

/** Polls `fn` every 20 ms until it returns something other than undefined, or the time is up */
export async function until<T>(fn: () => T | undefined, timeoutMs = 3000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value !== undefined || Date.now() >= deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}
