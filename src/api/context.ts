/** What the API routes need: the database, the engines' entry points, and the signed-in user */
import type { Clock, Log } from '../engine/ports.ts';
import type { Venue } from '../engine/venue-port.ts';
import type { VenueHealth } from '../engine/venue-gate.ts';
import type { Db } from '../store/db.ts';
import type { JobNow } from '../jobs/schedule.ts';
import type { User } from '../store/user-store.ts';

export interface ApiDeps {
  db: Db;
  clock: Clock;
  log: Log;
  version: string;
  /** Where live orders rest: stop, the kill switch and cancel-open-orders cancel there */
  venue: Venue;
  /** The venue's preflight state for /api/health (absent: not reported) */
  venueHealth?: () => VenueHealth;
  /** Runs a scheduled job now (operator command) */
  runJob(name: string): Promise<JobNow>;
}

export type AppEnv = { Variables: { user: User } };
