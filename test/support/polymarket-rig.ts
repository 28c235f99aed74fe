/** Test support: a loopback simulator server plus a Polymarket venue wired to it, driven only through `/_sim/*` over HTTP */
import { createServer } from 'node:net';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Hex } from 'viem';
import { ManualClock } from '../../src/engine/clock.ts';
import type { Log } from '../../src/engine/ports.ts';
import { startSimServer, type SimServer } from '../../src/sim/server/server.ts';
import { createPolymarketVenue, type PolymarketVenue, type PolymarketVenueOptions } from '../../src/venues/polymarket/polymarket-venue.ts';
import { undiciSend, type HttpSend } from '../../src/venues/polymarket/http-send.ts';

export interface RigOptions {
  /** Extra venue options (creds, pollEveryMs, …) */
  venue?: Partial<PolymarketVenueOptions>;
  /** Fee rate of the test market (decimal text) */
  feeRate?: string;
  tickSize?: string;
  /** USDC every new wallet gets from the simulator (decimal text) */
  fund?: string;
  ws?: boolean;
}

export interface Rig {
  server: SimServer;
  venue: PolymarketVenue;
  clock: ManualClock;
  privateKey: Hex;
  tokenId: string;
  noTokenId: string;
  conditionId: string;
  /** Every log line, to check that no secret is ever written */
  lines: string[];
  log: Log;
  /** POST to a `/_sim/*` control route; throws unless 200 */
  admin(path: string, body: unknown): Promise<unknown>;
  /**
   * The same, for a synchronous caller: the POST starts now and the venue's next request waits for it, so a fault
   * set this way is in force for whatever the venue sends next
   */
  adminBeforeNextRequest(path: string, body: unknown): void;
  /** Requests seen by the venue's transport, as "METHOD /path" */
  requests: string[];
  close(): Promise<void>;
}

let marketCounter = 0;

export function captureLog(lines: string[]): Log {
  const write = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => {
    lines.push(JSON.stringify({ level, msg, ...fields }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** Starts a simulator on port 0 with its own manual clock, adds a fresh market and builds a venue for a new wallet */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const clock = new ManualClock('2026-11-23T12:00:00Z');
  const server = await startSimServer({ port: 0, seed: 7, clock, fund: options.fund ?? '1000', markets: [] });
  const admin = async (path: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const json = (await res.json()) as unknown;
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  marketCounter += 1;
  const market = (await admin('/_sim/markets', {
    question: `Polymarket adapter test market ${marketCounter}?`, tickSize: options.tickSize ?? '0.01', minSize: '5', feeRate: options.feeRate ?? '0',
  })) as { condition_id: string; tokens: { token_id: string }[] };
  const lines: string[] = [];
  const log = captureLog(lines);
  const requests: string[] = [];
  let pending: Promise<unknown> = Promise.resolve();
  const counting: HttpSend = async (req) => {
    await pending;
    requests.push(`${req.method} ${req.url.pathname}`);
    return undiciSend(req);
  };
  const adminBeforeNextRequest = (path: string, body: unknown): void => {
    pending = pending.then(() => admin(path, body));
  };
  const privateKey = generatePrivateKey();
  const venue = await createPolymarketVenue({
    host: server.url, wsHost: options.ws === false ? undefined : server.wsUrl, privateKey, log, clock,
    http: { send: counting, maxRetryWaitMs: 2_000 }, ...options.venue,
  });
  return {
    server, venue, clock, privateKey, tokenId: market.tokens[0]!.token_id, noTokenId: market.tokens[1]!.token_id,
    conditionId: market.condition_id, lines, log, admin, adminBeforeNextRequest, requests,
    close: async () => {
      await venue.close();
      await server.close();
    },
  };
}

/** The lower-case address of a private key */
export const addressOf = (key: Hex): string => privateKeyToAccount(key).address.toLowerCase();

/** Polls until `fn` returns a value (not undefined) or the time is up */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A loopback port nothing listens on (bound, then closed): a CLOB or RPC that does not answer */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
