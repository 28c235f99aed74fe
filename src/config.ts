/** Configuration: the environment parsed once into a typed, frozen Config. Only this file reads process.env */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_LOGISTIC, LogisticCoefficients } from './domain/logistic.ts';
import { parseMicros } from './domain/money.ts';
import { parseSecretKey } from './store/secret-box.ts';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const optionalUrl = z.string().url().optional().or(z.literal('').transform(() => undefined));
/** An http(s) URL; the message never echoes the value (it may carry a token) */
const optionalHttpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL').refine((v) => URL.canParse(v), 'an http(s) URL')
  .optional().or(z.literal('').transform(() => undefined));
const PERCENT = /^\d{1,3}(\.\d{1,6})?$/;
const percent = z.string().regex(PERCENT, 'a percentage, e.g. 95 or 99.5')
  .refine((v) => !PERCENT.test(v) || parseMicros(v) <= 100_000_000n, 'at most 100');

/** Every variable, its default and its meaning; the README's configuration table is this list */
export const ENV = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalUrl,
  /**
   * PostgreSQL over TLS verified against this CA certificate (a PEM file, e.g. Supabase's): the server's certificate
   * must chain to it and match the host. With it, DATABASE_URL carries no sslmode/sslrootcert (TLS is set in one place)
   */
  DATABASE_SSL_CA_FILE: z.string().optional().or(z.literal('').transform(() => undefined)),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  FT_SOURCE: z.enum(['none', 'data-api', 'sim']).default('sim'),
  DATA_API_URL: z.string().url().default('https://data-api.polymarket.com'),
  GAMMA_URL: z.string().url().default('https://gamma-api.polymarket.com'),
  /** Defaults depend on FT_SOURCE (see CRON_DEFAULTS) */
  FT_SYNC_CRON: z.string().optional(),
  FT_RESOLVE_CRON: z.string().optional(),
  LT_EXECUTE_CRON: z.string().optional(),
  LT_RESOLVE_CRON: z.string().optional(),
  /** The read-models job (src/engine/read-model-refresh.ts): every minute whatever the feed, and once after recovery */
  READ_MODELS_CRON: z.string().default('*/1 * * * *'),
  FT_OVERLAP_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(10),
  FT_FETCH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** FT_SOURCE=data-api: the RTDS activity stream is the primary source of followed traders' trades (off: polling only) */
  RTDS_ENABLED: bool.default(true),
  RTDS_URL: z.string().regex(/^wss?:\/\/[^\s]+$/, 'a ws(s) URL').default('wss://ws-live-data.polymarket.com'),
  /** No frame for this long: the stream is judged silent, reconnected, polled around and alerted on */
  RTDS_SILENCE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** While the stream is not live, the Data API is polled this often (besides FT_SYNC_CRON) */
  RTDS_FALLBACK_POLL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(15),
  SCORER: z.enum(['none', 'logistic', 'http']).default('logistic'),
  SCORER_URL: optionalUrl,
  SCORER_COEFFICIENTS: z.string().optional(),
  SEED_DEMO: bool.default(true),
  SIM_SEED: z.coerce.number().int().min(0).max(2 ** 32 - 1).default(1),
  SIM_STEP_MS: z.coerce.number().int().min(50).max(3_600_000).default(2000),
  SIM_MARKET_LIFETIME_MS: z.coerce.number().int().min(10_000).max(30 * 86_400_000).default(240_000),
  VENUE: z.enum(['simulated', 'polymarket']).default('simulated'),
  SIM_VENUE_FUND: z.string().regex(/^\d+(\.\d{1,6})?$/, 'a USDC amount').default('100000'),
  POLYMARKET_CLOB_URL: z.string().url().default('https://clob.polymarket.com'),
  POLYMARKET_WS_URL: z.string().url().default('wss://ws-subscriptions-clob.polymarket.com'),
  /** Books are read from the market channel while heard from within this long, else by GET /book; 0: always GET /book */
  POLYMARKET_BOOK_STALE_MS: z.coerce.number().int().min(0).max(60_000).default(2_500),
  /** Without it (or malformed) Tandem still starts: trading is off and /api/health says why */
  POLYMARKET_PRIVATE_KEY: z.string().optional(),
  POLYMARKET_API_KEY: z.string().optional(),
  POLYMARKET_API_SECRET: z.string().optional(),
  POLYMARKET_API_PASSPHRASE: z.string().optional(),
  POLYMARKET_SIGNATURE_TYPE: z.enum(['0', '1', '2', '3']).default('0'),
  POLYMARKET_FUNDER: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a 0x address').optional(),
  /** Polygon JSON-RPC for redemptions on chain (VENUE=polymarket); unset: winnings are alerted for redemption by hand */
  POLYGON_RPC_URL: z.string().url().optional(),
  /** Polymarket's relayer (e.g. https://relayer-v2.polymarket.com/): proxy and Safe wallets' redemptions, with the builder credentials */
  POLYMARKET_RELAYER_URL: z.string().url().optional(),
  POLYMARKET_BUILDER_API_KEY: z.string().optional(),
  POLYMARKET_BUILDER_SECRET: z.string().optional(),
  POLYMARKET_BUILDER_PASSPHRASE: z.string().optional(),
  /** The key that encrypts users' wallet secrets at rest: 32 bytes as 64 hex digits or base64; never echoed */
  TANDEM_SECRET_KEY: z.string().refine((v) => v === '' || parseSecretKey(v) !== null, '32 bytes as 64 hex digits or base64').optional(),
  ALERT_WEBHOOK_URL: optionalHttpUrl,
  ALERT_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(7 * 86_400).default(900),
  ALERT_FEED_SILENCE_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(1800),
  ALERT_FILL_RATE_MIN_PCT: percent.default('95'),
  ALERT_REJECTION_RATE_MAX_PCT: percent.default('5'),
  /** API requests a minute per token, bursts up to a fifth of it (src/api/rate-limit.ts); 0: no limit */
  TANDEM_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(1800),
  /** Workers on PostgreSQL: how long a strategy's lease lasts unrenewed (renewed every third of it) */
  WORKER_LEASE_MS: z.coerce.number().int().min(3_000).max(600_000).default(30_000),
  /** GET /metrics answers only this bearer token (Prometheus's); unset: /metrics is off (404). Never echoed */
  METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{16,}$/, 'at least 16 printable characters, no spaces').optional()
    .or(z.literal('').transform(() => undefined)),
  /** Also serve /metrics (alone) on this port: how a worker, which serves no HTTP, is scraped */
  METRICS_PORT: z.literal('').transform(() => undefined).or(z.coerce.number().int().min(0).max(65535)).optional(),
});

/** Cadences per trade source: the simulated world moves in seconds, Polymarket is polled by the minute */
export const CRON_DEFAULTS = {
  sim: { sync: '*/5 * * * * *', resolve: '*/10 * * * * *', ltExecute: '*/10 * * * * *', ltResolve: '*/30 * * * * *' },
  other: { sync: '*/1 * * * *', resolve: '*/10 * * * *', ltExecute: '*/2 * * * *', ltResolve: '*/10 * * * *' },
} as const;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** DATABASE_SSL_CA_FILE's certificate (PEM): connect to PostgreSQL over TLS, verified against it; null: as the URL says */
  databaseCa: string | null;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  ftSource: 'none' | 'data-api' | 'sim';
  dataApiUrl: string;
  gammaUrl: string;
  ftSyncCron: string;
  ftResolveCron: string;
  ltExecuteCron: string;
  ltResolveCron: string;
  readModelsCron: string;
  ftOverlapMs: number;
  ftFetchConcurrency: number;
  /** The RTDS stream beside the Data API poll (FT_SOURCE=data-api only; null: off) */
  rtds: RtdsConfig | null;
  scorer: { kind: 'none' } | { kind: 'logistic'; coefficients: LogisticCoefficients } | { kind: 'http'; url: string };
  seedDemo: boolean;
  /** FT_SOURCE=sim: the simulated world's seed and real-time step */
  simSeed: number;
  simStepMs: number;
  /** FT_SOURCE=sim: a live market's typical life from listing to close (the first ones close over one life) */
  simMarketLifetimeMs: number;
  venue: VenueConfig;
  alerts: AlertConfig;
  /** TANDEM_SECRET_KEY: encrypts wallet secrets at rest (never logged); null when not configured */
  secretKey: Uint8Array | null;
  /** TANDEM_RATE_LIMIT: API requests per token, a minute and at once; null: no limit */
  rateLimit: { perMinute: number; burst: number } | null;
  /** WORKER_LEASE_MS: a worker's lease on a strategy (and on the global jobs) lasts this long unrenewed */
  workerLeaseMs: number;
  /** METRICS_TOKEN and METRICS_PORT (absent: /metrics off) */
  metrics?: MetricsConfig;
}

/** /metrics: the bearer token Prometheus sends (null: off, 404) and a port of its own (null: the API's port only) */
export interface MetricsConfig {
  token: string | null;
  port: number | null;
}

export interface RtdsConfig {
  url: string;
  silenceMs: number;
  fallbackPollMs: number;
}

/** Alerts: where they are delivered (the URL may carry a token: never logged) and the thresholds of the rules */
export interface AlertConfig {
  webhookUrl: string | null;
  cooldownMs: number;
  feedSilenceMs: number;
  /** Micro-percent (95 % = 95_000_000n) */
  minFillRatePct: bigint;
  maxRejectionRatePct: bigint;
}

/** Where live orders go. The Polymarket secrets stay in this object: never logged, never returned */
export type VenueConfig =
  | { kind: 'simulated'; fundUsdc: string }
  | {
    kind: 'polymarket'; clobUrl: string; wsUrl: string;
    /** POLYMARKET_BOOK_STALE_MS: books from the market channel heard from within this long (0 or absent: GET /book only) */
    bookStaleMs?: number;
    /** Null when unset or malformed; `keyProblem` then says which (never the value) */
    privateKey: `0x${string}` | null; keyProblem: string | null;
    creds: { key: string; secret: string; passphrase: string } | null; signatureType: 0 | 1 | 2 | 3;
    funder: `0x${string}` | null;
    /** POLYGON_RPC_URL: where redemptions are sent (null: none are, each is alerted) */
    polygonRpcUrl?: string | null;
    /**
     * POLYMARKET_RELAYER_URL and the builder credentials: proxy and Safe wallets (signature types 1, 2) redeem through
     * the relayer (null: their winnings are alerted to redeem by hand)
     */
    relayer?: { url: string; builder: { key: string; secret: string; passphrase: string } } | null;
  };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const parsed = ENV.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT, host: e.HOST, dataDir: e.DATA_DIR, databaseUrl: e.DATABASE_URL, databaseCa: databaseCaOf(e), logLevel: e.LOG_LEVEL,
    ftSource: e.FT_SOURCE, dataApiUrl: e.DATA_API_URL, gammaUrl: e.GAMMA_URL,
    ftSyncCron: e.FT_SYNC_CRON ?? CRON_DEFAULTS[e.FT_SOURCE === 'sim' ? 'sim' : 'other'].sync,
    ftResolveCron: e.FT_RESOLVE_CRON ?? CRON_DEFAULTS[e.FT_SOURCE === 'sim' ? 'sim' : 'other'].resolve,
    ltExecuteCron: e.LT_EXECUTE_CRON ?? CRON_DEFAULTS[e.FT_SOURCE === 'sim' ? 'sim' : 'other'].ltExecute,
    ltResolveCron: e.LT_RESOLVE_CRON ?? CRON_DEFAULTS[e.FT_SOURCE === 'sim' ? 'sim' : 'other'].ltResolve,
    readModelsCron: e.READ_MODELS_CRON,
    ftOverlapMs: e.FT_OVERLAP_MINUTES * 60_000,
    ftFetchConcurrency: e.FT_FETCH_CONCURRENCY, rtds: rtdsOf(e), scorer: scorerOf(e), seedDemo: e.SEED_DEMO,
    simSeed: e.SIM_SEED, simStepMs: e.SIM_STEP_MS, simMarketLifetimeMs: e.SIM_MARKET_LIFETIME_MS, venue: venueOf(e), alerts: alertsOf(e),
    secretKey: e.TANDEM_SECRET_KEY ? parseSecretKey(e.TANDEM_SECRET_KEY) : null,
    rateLimit: e.TANDEM_RATE_LIMIT === 0 ? null : { perMinute: e.TANDEM_RATE_LIMIT, burst: Math.max(1, Math.ceil(e.TANDEM_RATE_LIMIT / 5)) },
    workerLeaseMs: e.WORKER_LEASE_MS,
    metrics: Object.freeze({ token: e.METRICS_TOKEN ?? null, port: e.METRICS_PORT ?? null }),
  });
}

/** The CA certificate DATABASE_SSL_CA_FILE names, read and checked here: PEM, for a PostgreSQL DATABASE_URL without sslmode */
function databaseCaOf(e: z.infer<typeof ENV>): string | null {
  const file = e.DATABASE_SSL_CA_FILE;
  if (!file) return null;
  const fail = (why: string): never => {
    throw new ConfigError(`invalid configuration:\n  DATABASE_SSL_CA_FILE: ${why}`);
  };
  if (!e.DATABASE_URL) fail('needs DATABASE_URL (a PostgreSQL server)');
  if (/[?&](sslmode|sslrootcert|sslcert|sslkey|ssl)=/i.test(e.DATABASE_URL!)) {
    fail('DATABASE_URL also sets sslmode/sslrootcert: set TLS in one place (drop them from the URL)');
  }
  let pem = '';
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(pem)) fail(`${file} holds no PEM certificate`);
  return pem;
}

function rtdsOf(e: z.infer<typeof ENV>): RtdsConfig | null {
  if (e.FT_SOURCE !== 'data-api' || !e.RTDS_ENABLED) return null;
  return Object.freeze({ url: e.RTDS_URL, silenceMs: e.RTDS_SILENCE_SECONDS * 1000, fallbackPollMs: e.RTDS_FALLBACK_POLL_SECONDS * 1000 });
}

function alertsOf(e: z.infer<typeof ENV>): AlertConfig {
  return Object.freeze({
    webhookUrl: e.ALERT_WEBHOOK_URL ?? null, cooldownMs: e.ALERT_COOLDOWN_SECONDS * 1000,
    feedSilenceMs: e.ALERT_FEED_SILENCE_SECONDS * 1000, minFillRatePct: parseMicros(e.ALERT_FILL_RATE_MIN_PCT),
    maxRejectionRatePct: parseMicros(e.ALERT_REJECTION_RATE_MAX_PCT),
  });
}

function scorerOf(e: z.infer<typeof ENV>): Config['scorer'] {
  if (e.SCORER === 'none') return { kind: 'none' };
  if (e.SCORER === 'http') {
    if (!e.SCORER_URL) throw new ConfigError('invalid configuration:\n  SCORER_URL: required when SCORER=http');
    return { kind: 'http', url: e.SCORER_URL };
  }
  if (!e.SCORER_COEFFICIENTS) return { kind: 'logistic', coefficients: DEFAULT_LOGISTIC };
  let json: unknown;
  try {
    json = JSON.parse(e.SCORER_COEFFICIENTS);
  } catch {
    throw new ConfigError('invalid configuration:\n  SCORER_COEFFICIENTS: not JSON');
  }
  const c = LogisticCoefficients.safeParse(json);
  if (!c.success) throw new ConfigError(`invalid configuration:\n  SCORER_COEFFICIENTS: ${c.error.issues[0]?.message}`);
  return { kind: 'logistic', coefficients: c.data };
}

function venueOf(e: z.infer<typeof ENV>): VenueConfig {
  if (e.VENUE === 'simulated') return { kind: 'simulated', fundUsdc: e.SIM_VENUE_FUND };
  const parts = [e.POLYMARKET_API_KEY, e.POLYMARKET_API_SECRET, e.POLYMARKET_API_PASSPHRASE];
  if (parts.some(Boolean) && !parts.every(Boolean)) {
    throw new ConfigError('invalid configuration:\n  POLYMARKET_API_KEY, _SECRET and _PASSPHRASE: set all three or none');
  }
  return {
    kind: 'polymarket', clobUrl: e.POLYMARKET_CLOB_URL, wsUrl: e.POLYMARKET_WS_URL, bookStaleMs: e.POLYMARKET_BOOK_STALE_MS,
    ...keyOf(e.POLYMARKET_PRIVATE_KEY),
    creds: parts.every(Boolean) ? { key: parts[0]!, secret: parts[1]!, passphrase: parts[2]! } : null,
    signatureType: Number(e.POLYMARKET_SIGNATURE_TYPE) as 0 | 1 | 2 | 3,
    funder: (e.POLYMARKET_FUNDER as `0x${string}` | undefined) ?? null,
    polygonRpcUrl: e.POLYGON_RPC_URL ?? null,
    relayer: relayerOf(e),
  };
}

/** The relayer when its URL and all three builder credentials are set; any of them alone is a configuration error */
function relayerOf(e: z.infer<typeof ENV>): { url: string; builder: { key: string; secret: string; passphrase: string } } | null {
  const parts = [e.POLYMARKET_BUILDER_API_KEY, e.POLYMARKET_BUILDER_SECRET, e.POLYMARKET_BUILDER_PASSPHRASE];
  if (!e.POLYMARKET_RELAYER_URL && !parts.some(Boolean)) return null;
  if (!e.POLYMARKET_RELAYER_URL || !parts.every(Boolean)) {
    throw new ConfigError('invalid configuration:\n  POLYMARKET_RELAYER_URL and POLYMARKET_BUILDER_API_KEY, _SECRET and _PASSPHRASE: '
      + 'set all four or none');
  }
  return { url: e.POLYMARKET_RELAYER_URL, builder: { key: parts[0]!, secret: parts[1]!, passphrase: parts[2]! } };
}

const KEY = /^0x[0-9a-fA-F]{64}$/;

/** The signing key, or why there is none: a missing or malformed key is not fatal, preflight reports it */
function keyOf(raw: string | undefined): { privateKey: `0x${string}` | null; keyProblem: string | null } {
  if (!raw) return { privateKey: null, keyProblem: 'POLYMARKET_PRIVATE_KEY is not set' };
  if (!KEY.test(raw)) return { privateKey: null, keyProblem: 'POLYMARKET_PRIVATE_KEY is not a 0x-prefixed 32-byte hex key' };
  return { privateKey: raw as `0x${string}`, keyProblem: null };
}
