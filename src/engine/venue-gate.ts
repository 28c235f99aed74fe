/**
 * The venue gate: one per Venue instance (one per wallet once wallets are per user). It builds the venue in the
 * background, retrying with backoff, runs recovery once it exists, and runs preflight (src/domain/preflight.ts) at
 * start, on every (re)connection, periodically, and before an executor run whose set of live strategies changed.
 * Its state is `ready` (trade), `degraded` (exits and cancels only: no new live entries) or `off` (no order at all).
 * Start-up never waits for it: the API and dashboard come up whatever the venue does.
 *
 * Policy while not ready: a live entry is decided as skipped (`venue_not_ready`, with the state and problem codes), so
 * it shows in the skip counts and is not sent later at a stale price; shadow entries need only a venue that answers
 * (they go on while degraded). Exits go out while degraded (they reduce exposure and need no collateral); while off they
 * stay undecided and go once the venue is back (or expire by the strategy's signal age). Operator cancels are always
 * attempted: while the venue does not exist they are reported not cancelled with the reason. Recovery (orders a crash
 * left pending, reconciliation) runs once the venue exists, and the gate is never ready before it has
 */
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Usdc } from '../domain/money.ts';
import {
  preflight, venueStateOf, type PreflightFacts, type PreflightProblem, type SetupProblemCode, type StrategyFunds,
  type VenueState,
} from '../domain/preflight.ts';
import type { Db } from '../store/db.ts';
import { balancesOf } from '../store/ledger-store.ts';
import { listLaunchedStrategies } from '../store/lt-strategy-store.ts';
import { lazyVenue } from './lazy-venue.ts';
import type { Clock, Log } from './ports.ts';
import { VenueSetupError, type Venue } from './venue-port.ts';

export interface VenueHealth {
  name: string;
  state: VenueState;
  /** What stops or limits trading, worded for an operator (never a secret) */
  reasons: { code: string; message: string }[];
  /** When preflight last finished; null before the first check */
  checkedAt: Date | null;
}

export interface VenueGateOptions {
  /** The venue's name, known before it exists */
  name: string;
  /** The address that will sign (derived locally from the key); null without a usable key */
  signerAddress: string | null;
  /** Builds the venue; throws (a VenueSetupError names why) when it cannot */
  connect: () => Promise<Venue>;
  db: Db;
  clock: Clock;
  log: Log;
  /** Runs once the venue exists, before it may trade (recovery and reconciliation); a throw is retried at the next check */
  onConnected?: (venue: Venue) => Promise<void>;
  /** The launched strategies that trade through this venue (default: all) */
  owns?: (s: LtStrategy) => boolean;
  /** Re-check cadence while ready or degraded (default 60 s) */
  checkEveryMs?: number;
  /** Backoff while off: from this (default 1 s), doubling up to retryMaxMs (default 60 s) */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Whether stop() closes the venue it built (default true); false when another owns it (a linked wallet's, the registry's) */
  closesVenue?: boolean;
  /** After a check whose state or reasons differ from the last one (e.g. to record it); a throw is logged, never fatal */
  onChange?: (health: VenueHealth) => Promise<void>;
}

export interface VenueGate {
  /** The venue to hand to the engine and API: the built one once it exists; until then every call fails with the reason */
  readonly venue: Venue;
  health(): VenueHealth;
  /** The venue exists and recovery has run: the tracker may read it */
  connected(): boolean;
  /** Runs preflight now (joins a check already under way) */
  check(): Promise<VenueHealth>;
  /** Before an executor run: a fresh check when the live strategies it trades for changed since the last one */
  forRun(strategies: readonly LtStrategy[]): Promise<VenueHealth>;
  /** The first check now, then the background loop */
  start(): void;
  /** Stops the loop, waits for a check under way, and closes the venue */
  stop(): Promise<void>;
}

const NOT_CHECKED: PreflightProblem = { code: 'not_checked', severity: 'off', message: 'the venue has not been checked yet' };

const textOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A failure as a set-up fact: the venue's own classification, or a generic venue error */
const setupOf = (e: unknown, prefix = ''): { code: SetupProblemCode; detail: string } =>
  e instanceof VenueSetupError ? { code: e.code, detail: `${prefix}${e.message}` } : { code: 'venue_error', detail: `${prefix}${textOf(e)}` };

/** Why a new live entry may not go out, or null when it may: shadow entries need only a venue that answers */
export function entryBlock(h: VenueHealth, s: Pick<LtStrategy, 'mode'>): { limit: string; observed: string } | null {
  if (h.state === 'ready' || (h.state === 'degraded' && s.mode === 'shadow')) return null;
  return { limit: `venue ${h.name} ready`, observed: `${h.state}: ${h.reasons.map((r) => r.code).join(', ')}` };
}

/** The live strategies this gate checks for: active, launched, live, owned */
const liveOf = (all: readonly LtStrategy[], owns: (s: LtStrategy) => boolean): LtStrategy[] =>
  all.filter((s) => s.mode === 'live' && s.isActive && s.launchedAt !== null && owns(s));

const keyOf = (strategies: readonly LtStrategy[]): string =>
  strategies.map((s) => `${s.userId}/${s.strategyId}`).sort().join(',');

export function createVenueGate(opts: VenueGateOptions): VenueGate {
  return new Gate(opts);
}

class Gate implements VenueGate {
  readonly venue: Venue;
  private inner: Venue | null = null;
  private recovered = false;
  /** Set by a failure trying again cannot mend (no key): the venue is not built again */
  private permanent: { code: SetupProblemCode; detail: string } | null = null;
  private lastSetup: { code: SetupProblemCode; detail: string } | null = null;
  private current: VenueHealth;
  private strategiesKey: string | null = null;
  private inflight: Promise<VenueHealth> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private retryMs: number;

  constructor(private readonly opts: VenueGateOptions) {
    this.current = { name: opts.name, state: 'off', reasons: [NOT_CHECKED], checkedAt: null };
    this.retryMs = opts.retryMinMs ?? 1_000;
    this.venue = lazyVenue(opts.name, opts.signerAddress, {
      current: () => this.inner,
      why: () => this.current.reasons.map((r) => r.message).join('; '),
    });
  }

  health(): VenueHealth {
    return this.current;
  }

  connected(): boolean {
    return this.inner !== null && this.recovered;
  }

  check(): Promise<VenueHealth> {
    this.inflight ??= this.run().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /**
   * Waits for the first check; afterwards re-checks when the live strategies changed while the venue answers. While
   * it is off the background loop retries, and the run goes on with the state as it is (nothing is sent)
   */
  async forRun(strategies: readonly LtStrategy[]): Promise<VenueHealth> {
    const key = keyOf(liveOf(strategies, this.opts.owns ?? (() => true)));
    const stale = this.current.state !== 'off' && key !== this.strategiesKey;
    if (this.current.checkedAt === null || stale) await this.check();
    return this.current;
  }

  start(): void {
    if (this.stopped) return;
    void this.check().then(() => this.schedule(), () => this.schedule());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.inflight?.catch(() => undefined);
    if (this.opts.closesVenue ?? true) await this.inner?.close();
  }

  /** The next check: the cadence while the venue answers, backoff while it is off */
  private schedule(): void {
    if (this.stopped || this.permanent) return;
    let delay = this.opts.checkEveryMs ?? 60_000;
    if (this.current.state === 'off') {
      delay = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, this.opts.retryMaxMs ?? 60_000);
    } else {
      this.retryMs = this.opts.retryMinMs ?? 1_000;
    }
    this.timer = setTimeout(() => this.start(), delay);
    this.timer.unref();
  }

  private async run(): Promise<VenueHealth> {
    const problems = await this.problems().catch((e: unknown) => preflightProblems({ setup: setupOf(e, 'preflight failed: ') }));
    const before = this.current;
    this.current = {
      name: this.opts.name, state: venueStateOf(problems), reasons: problems.map((p) => ({ code: p.code, message: p.message })),
      checkedAt: this.opts.clock.now(),
    };
    await this.report(before);
    return this.current;
  }

  /** Logs (and hands to onChange) a change of state or reasons (messages carry no secret) */
  private async report(before: VenueHealth): Promise<void> {
    const same = before.state === this.current.state
      && before.reasons.map((r) => r.message).join('\n') === this.current.reasons.map((r) => r.message).join('\n');
    if (same) return;
    const fields = { venue: this.opts.name, state: this.current.state, reasons: this.current.reasons.map((r) => r.message) };
    if (this.current.state === 'ready') this.opts.log.info('venue ready to trade', fields);
    else this.opts.log.warn('venue not ready to trade', fields);
    await this.opts.onChange?.(this.current).catch((e: unknown) =>
      this.opts.log.error('venue state not recorded', { venue: this.opts.name, error: textOf(e) }));
  }

  private async problems(): Promise<PreflightProblem[]> {
    const venue = await this.built();
    if (!venue) return preflightProblems({ setup: this.permanent ?? this.lastSetup });
    if (!this.recovered) {
      try {
        await this.opts.onConnected?.(venue);
        this.recovered = true;
      } catch (e) {
        return preflightProblems({ setup: setupOf(e, 'recovery with the venue failed: ') });
      }
    }
    const strategies = liveOf(await listLaunchedStrategies(this.opts.db), this.opts.owns ?? (() => true));
    const funds = await this.fundsOf(strategies);
    let facts: PreflightFacts;
    try {
      const collateral = await venue.availableCollateral();
      const allowances = venue.collateralAllowances ? await venue.collateralAllowances() : null;
      facts = { setup: null, collateral, strategies: funds, allowances };
    } catch (e) {
      return preflightProblems({ setup: setupOf(e) });
    }
    this.strategiesKey = keyOf(strategies);
    const result = preflight(facts);
    return result.ok ? [] : result.problems;
  }

  /** The venue, built now if it is not yet; null (with the reason kept) when it cannot be */
  private async built(): Promise<Venue | null> {
    if (this.inner || this.permanent) return this.inner;
    try {
      this.inner = await this.opts.connect();
      this.lastSetup = null;
      this.opts.log.info('venue connected', { venue: this.opts.name });
      return this.inner;
    } catch (e) {
      const setup = setupOf(e);
      if (e instanceof VenueSetupError && e.permanent) this.permanent = setup;
      else this.lastSetup = setup;
      return null;
    }
  }

  private async fundsOf(strategies: readonly LtStrategy[]): Promise<StrategyFunds> {
    let capital = 0n;
    let cash = 0n;
    for (const s of strategies) {
      capital += s.startingCapital;
      cash += (await balancesOf(this.opts.db, s.userId, s.strategyId, 'live')).available;
    }
    return { count: strategies.length, capital: capital as Usdc, cash: cash as Usdc };
  }
}

/** Preflight of a venue that could not be read: the set-up problem alone */
function preflightProblems(f: { setup: { code: SetupProblemCode; detail: string } | null }): PreflightProblem[] {
  const result = preflight({
    setup: f.setup ?? { code: 'venue_error', detail: 'the venue could not be built' }, collateral: 0n as Usdc,
    strategies: { count: 0, capital: 0n as Usdc, cash: 0n as Usdc }, allowances: null,
  });
  return result.ok ? [] : result.problems;
}
