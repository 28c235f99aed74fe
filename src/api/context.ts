/** What the API routes need: the database, the engines' entry points, and the signed-in user */
import type { Clock, Log } from '../engine/ports.ts';
import type { Venue, Venues } from '../engine/venue-port.ts';
import type { VenueHealth } from '../engine/venue-gate.ts';
import type { Db } from '../store/db.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { JobNow } from '../jobs/schedule.ts';
import type { User } from '../store/user-store.ts';
import type { FeedState } from '../domain/alert-rules.ts';
import type { JobScope } from '../jobs/catalog.ts';
import type { Role } from '../jobs/roles.ts';
import type { MetricsEndpoint } from './routes/metrics.ts';
import type { ReadCache } from './read-cache.ts';

export interface ApiDeps {
  db: Db;
  clock: Clock;
  log: Log;
  version: string;
  /** Where live orders rest: stop, the kill switch and cancel-open-orders cancel there */
  venue: Venue;
  /** The venue's preflight state for /api/health (absent: not reported) */
  venueHealth?: () => VenueHealth;
  /** A linked wallet's venue state (its preflight gate's), shown to its owner only; absent or null: the last one recorded */
  walletVenueHealth?: (userId: string, address: string) => VenueHealth | null;
  /** Told when a wallet is linked or unlinked, so its gate is made or dropped now rather than at the next re-read */
  walletsChanged?: () => void;
  /** Per-wallet venues (stop and cancels reach each order's wallet's); absent: `venue` for every order */
  venues?: Venues;
  /** Seals linked wallets' secrets (TANDEM_SECRET_KEY); absent or null: linking a wallet with a secret is refused */
  secrets?: SecretBox | null;
  /** The wallet strategies may trade through without a linked wallet (see LtDeps.operatorWallet) */
  operatorWallet?: string | null;
  /** Requests per token (TANDEM_RATE_LIMIT); absent or null: not limited */
  rateLimit?: RateLimit | null;
  /** Runs a scheduled job now (operator command) */
  runJob(name: string): Promise<JobNow>;
  /** GET /metrics (absent: off, 404) */
  metricsEndpoint?: MetricsEndpoint;
  /** This process in /api/health: its role, feeds and jobs (absent: not reported) */
  process?: ProcessHealth;
  /** The dashboard reads' answers kept per database state (read-cache.ts); absent: createApp makes one; null: none kept */
  reads?: ReadCache | null;
}

/** What /api/health reports of the process that serves it */
export interface ProcessHealth {
  role: Role;
  workerId: string;
  /** Whether this process runs the jobs (not with --role api) */
  runsJobs: boolean;
  /** Every job Tandem knows (src/jobs/catalog.ts) */
  jobs: readonly { name: string; scope: JobScope }[];
  /** This process's feeds (src/feeds/feed-health.ts) */
  feeds: () => readonly FeedState[];
}

/** A rate limit per API token (src/api/rate-limit.ts) */
export interface RateLimit {
  /** Requests a minute per token, on average */
  perMinute: number;
  /** Requests a token may make at once after being idle */
  burst: number;
  /** Milliseconds on a monotonic clock (default performance.now); tests pass their own */
  now?: () => number;
}

/** The signed-in user, and the database snapshot read with them (the kept reads' `before`, src/api/read-cache.ts) */
export type AppEnv = { Variables: { user: User; snapshot: string } };
