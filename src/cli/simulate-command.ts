/** The `tandem simulate` command: runs the loopback Polymarket simulator until SIGINT or SIGTERM */
import type { Command } from './command.ts';
import type { FaultSettings } from '../sim/server/faults.ts';
import { parseFaults } from '../sim/server/faults.ts';
import type { SimServerOptions } from '../sim/server/server.ts';

type Values = Record<string, string | boolean | undefined>;

const COUNT_FLAGS: Record<string, keyof FaultSettings> = {
  'latency-ms': 'latencyMs', 'burst-429': 'burst429', 'blocked-403': 'blocked403',
  'drop-order-responses': 'dropOrderResponses', 'settle-delay-ms': 'settleDelayMs',
};

const wholeNumber = (name: string, text: string): number => {
  if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number, got "${text}"`);
  return Number(text);
};

/** Turns the command's flags into server options; throws with a readable message on a bad value */
export function simulateOptions(values: Values): SimServerOptions {
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const faults: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(COUNT_FLAGS)) {
    const text = str(flag);
    if (text !== undefined) faults[key] = wholeNumber(flag, text);
  }
  const rate = str('error-rate');
  if (rate !== undefined) faults.errorRate = Number(rate);
  if (values['cancel-only'] === true) faults.cancelOnly = true;
  if (values['stream-silence'] === true) faults.streamSilence = true;
  if (values['duplicate-stream-messages'] === true) faults.duplicateStreamMessages = true;
  const parsed = parseFaults(faults);
  if (!parsed.ok) throw new Error(parsed.error);
  const options: SimServerOptions = { port: wholeNumber('port', str('port') ?? '8081'), faults: parsed.value };
  if (str('host')) options.host = str('host')!;
  if (str('seed') !== undefined) options.seed = wholeNumber('seed', str('seed')!);
  if (str('fund') !== undefined) {
    if (!/^\d+(\.\d{1,6})?$/.test(str('fund')!)) throw new Error(`--fund must be a USDC amount, got "${str('fund')}"`);
    options.fund = str('fund')!;
  }
  if (str('mine-after-ms') !== undefined) options.mineAfterMs = wholeNumber('mine-after-ms', str('mine-after-ms')!);
  if (str('confirm-after-ms') !== undefined) options.confirmAfterMs = wholeNumber('confirm-after-ms', str('confirm-after-ms')!);
  if (options.host && !['127.0.0.1', 'localhost', '::1'].includes(options.host)) throw new Error('--host must be a loopback address');
  return options;
}

const HELP = `Serves Polymarket's APIs on one loopback port over the simulated exchange, so the unmodified official clients
can trade against it:
  CLOB REST  http://HOST:PORT            (clob-client-v2: new ClobClient({ host, chain: 137, signer, creds }))
  CLOB WS    ws://HOST:PORT/ws/market, /ws/user
  Data API   http://HOST:PORT            (/trades, /activity, /positions; also under /data-api)
  Gamma      http://HOST:PORT/gamma      (/markets?condition_ids=…)
  RTDS       ws://HOST:PORT/rtds         (real-time-data-client host)
  Polygon    POST http://HOST:PORT/rpc   (JSON-RPC for viem: CTF approvals, redeemPositions on the pUSD collateral adapters, balanceOf;
             resolution pays nobody until the holder redeems)
  Relayer    http://HOST:PORT/relayer    (builder-relayer-client: proxy and Safe redemptions; its builder credentials are
             printed at start)
  Control    POST /_sim/faults, /_sim/seed-book, /_sim/markets, /_sim/resolve, /_sim/credit, /_sim/rpc/revert,
             /_sim/relayer/fail, /_sim/source-trades, /_sim/source-traders, /_sim/gamma   (JSON bodies; see
             src/sim/server/README.md)

Options:
  --port N                  Port (default 8081; 0 picks a free one)
  --host H                  Loopback address (default 127.0.0.1)
  --seed N                  Seeds the default markets' books, API keys and fault draws (default 1)
  --fund USDC               Credited to each wallet on its first API key (default 10000)
  --mine-after-ms N         Trades turn MINED this long after matching (default 1000)
  --confirm-after-ms N      … and CONFIRMED this long after that (default 2000)
Faults (also settable at runtime with POST /_sim/faults):
  --latency-ms N            Delay every HTTP answer
  --error-rate R            Answer this share of HTTP requests 500 (0–1, seeded)
  --burst-429 N             Answer the next N requests 429
  --blocked-403 N           Answer the next N requests with Cloudflare's HTML 403
  --drop-order-responses N  Execute the next N POST /order(s), then drop the connection unanswered
  --settle-delay-ms N       Keep new trades MATCHED, without a transaction hash, this long
  --cancel-only             Refuse new orders with 503 (cancels still work)
  --stream-silence          WebSockets send nothing
  --duplicate-stream-messages  every WebSocket frame is sent twice`;

export const simulate: Command = {
  summary: 'Run the loopback Polymarket simulator (CLOB REST + WebSockets, Data API, Gamma, RTDS) until Ctrl-C',
  usage: '[--port N] [--seed N] [--fund USDC] [fault flags]',
  help: HELP,
  options: {
    port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, fund: { type: 'string' },
    'mine-after-ms': { type: 'string' }, 'confirm-after-ms': { type: 'string' },
    'latency-ms': { type: 'string' }, 'error-rate': { type: 'string' }, 'burst-429': { type: 'string' },
    'blocked-403': { type: 'string' }, 'drop-order-responses': { type: 'string' }, 'settle-delay-ms': { type: 'string' },
    'cancel-only': { type: 'boolean' }, 'stream-silence': { type: 'boolean' }, 'duplicate-stream-messages': { type: 'boolean' },
  },
  run: async ({ values }) => {
    let options: SimServerOptions;
    try {
      options = simulateOptions(values);
    } catch (error) {
      console.error(`tandem simulate: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
    const { startSimServer } = await import('../sim/server/server.ts');
    const server = await startSimServer(options);
    console.log(`Polymarket simulator at ${server.url}  (WebSockets ${server.wsUrl}/ws/market, ${server.wsUrl}/ws/user; RTDS ${server.rtdsUrl}; Gamma ${server.gammaUrl})`);
    const b = server.relayer.builderCreds;
    console.log(`  relayer ${server.url}/relayer  builder key ${b.key} secret ${b.secret} passphrase ${b.passphrase} (the simulator's own)`);
    for (const m of server.exchange.markets()) console.log(`  ${m.conditionId}  ${m.question}  tokens ${m.tokens.map((t) => `${t.outcome}=${t.tokenId}`).join(' ')}`);
    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        console.log(`${signal}: stopping`);
        server.close().then(done, done);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    console.log('stopped');
    return 0;
  },
};
