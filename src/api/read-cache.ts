/**
 * The dashboard's reads answered once per database state: an answer is kept per user and request, with the database
 * snapshot it was computed at (`pg_current_snapshot()`: which transactions had committed), and given again while the
 * data is the same: while no transaction has completed since, except those that wrote derived data only (the read
 * models' refreshes, src/store/derived-writes.ts, which change no answer). So a kept answer is never one that a write
 * since would change. An answer is kept only when the data is still the same after computing it (nothing committed
 * meanwhile but the read's own refresh of a read model).
 *
 * Some answers also depend on the clock (the equity series runs to now, since-launch figures are as of now). A kept
 * answer is given as it is for FRESH_MS; older, up to STALE_MS, it is given while a new one is computed for the next
 * read (stale-while-revalidate: the data is the database's current state, only the clock is up to STALE_MS behind);
 * older still, it is computed afresh. Reads of the same request at the same snapshot share one computation; the
 * computations in the background run one at a time, once the reads have paused for IDLE_MS (under reads without a
 * pause, a kept answer is given until it is STALE_MS old, then computed before answering).
 *
 * What it saves: a read whose answer is kept costs one statement (the snapshot, read with the user's token) instead of
 * the read's dozens; what it costs: a statement more per read computed. Answers that depend on this process's memory
 * (the venue gates) are not kept here, or are completed after (lt-series.ts) */
import type { Clock, Log } from '../engine/ports.ts';
import type { Sql } from '../store/db.ts';
import { isDerivedWrite } from '../store/derived-writes.ts';

/** How long a kept answer is given as it is (the clock's part of it at most this old) */
export const FRESH_MS = 5_000;
/** Up to this age a kept answer is given while a new one is computed; past it, computed afresh */
export const STALE_MS = 60_000;
/** A background computation starts only once no read has come for this long (reads first: they share one thread) */
export const IDLE_MS = 50;
/** Answers kept at most (the least recently read go first) */
export const MAX_ENTRIES = 2_000;
/** Their size at most, as JSON (the least recently read go first); an answer larger than a sixteenth of it is not kept */
export const MAX_BYTES = 64 * 1024 * 1024;

export interface ReadCache {
  /**
   * `compute`'s answer for `key` (a user's request: the user and every parameter), kept while the database is unchanged;
   * `snapshot`: the database's, read by the caller (the API reads it with the user), else read here
   */
  read<T>(key: string, compute: () => Promise<T>, snapshot?: string): Promise<T>;
  /** How reads were answered since the start (kept and fresh, kept while recomputed, computed), answers kept, recomputations running */
  counts(): { fresh: number; stale: number; computed: number; kept: number; bytes: number; refreshing: number };
}

interface Entry {
  snapshot: string;
  /** The clock when its computation began */
  at: number;
  value: unknown;
  /** Its size as JSON */
  bytes: number;
  refreshing: boolean;
}

export interface ReadCacheOptions {
  freshMs?: number;
  staleMs?: number;
  maxEntries?: number;
  maxBytes?: number;
}

/** The answer's size as JSON (its BigInts as decimal strings) */
const sizeOf = (value: unknown): number =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))?.length ?? 0;

/** Which transactions are visible now: equal snapshots see the same committed data */
async function snapshotOf(sql: Sql): Promise<string> {
  const [r] = await sql.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
  return r!.s;
}

/** A snapshot's text `xmin:xmax:xip,…` as numbers (transaction ids are 64-bit) */
function parseSnapshot(text: string): { xmax: bigint; xip: Set<bigint> } {
  const [, xmax, xip] = text.split(':');
  return { xmax: BigInt(xmax!), xip: new Set(xip ? xip.split(',').map(BigInt) : []) };
}

/** Transactions completed between two snapshots past which `sameData` says no (then the answer is computed again) */
const MAX_COMPLETED = 64n;

/**
 * Whether `later` sees the data `earlier` saw: every transaction that completed between them (one started since and
 * no longer running, or one running then and no longer) wrote derived data only (the read models' refreshes,
 * src/store/derived-writes.ts). Equal snapshots, or a later one that did not move, trivially
 */
export function sameData(earlier: string, later: string, derived: (xid: string) => boolean): boolean {
  if (earlier === later) return true;
  const a = parseSnapshot(earlier);
  const b = parseSnapshot(later);
  if (b.xmax < a.xmax || b.xmax - a.xmax > MAX_COMPLETED) return false;
  for (let x = a.xmax; x < b.xmax; x++) if (!b.xip.has(x) && !derived(x.toString())) return false;
  for (const x of a.xip) if (!b.xip.has(x) && !derived(x.toString())) return false;
  return true;
}

export function createReadCache(sql: Sql, clock: Clock, log: Log, o: ReadCacheOptions = {}): ReadCache {
  const freshMs = o.freshMs ?? FRESH_MS;
  const staleMs = o.staleMs ?? STALE_MS;
  const maxEntries = o.maxEntries ?? MAX_ENTRIES;
  const maxBytes = o.maxBytes ?? MAX_BYTES;
  let bytes = 0;
  const entries = new Map<string, Entry>();
  const flights = new Map<string, Promise<unknown>>();
  const counts = { fresh: 0, stale: 0, computed: 0 };
  let refreshing = 0;

  const drop = (key: string): void => {
    bytes -= entries.get(key)?.bytes ?? 0;
    entries.delete(key);
  };
  const keep = (key: string, entry: Entry): void => {
    drop(key);
    if (entry.bytes > maxBytes / 16) return;
    entries.set(key, entry); // a Map iterates in insertion order: the first key is the least recently kept or read
    bytes += entry.bytes;
    while (entries.size > maxEntries || bytes > maxBytes) drop(entries.keys().next().value!);
  };

  /** When the last read came (performance.now) */
  let lastRead = -Infinity;
  /** Resolves once no read has come for IDLE_MS */
  const idle = async (): Promise<void> => {
    for (let wait = lastRead + IDLE_MS - performance.now(); wait > 0; wait = lastRead + IDLE_MS - performance.now()) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  /**
   * The background computations, one at a time and each only once the reads have paused: on PGlite the reads and these
   * share one thread, so a computation run beside a burst of reads would hold each of them up
   */
  let queue: Promise<unknown> = Promise.resolve();
  /** Computes in the background, after those queued (a failure is logged: the read that started it has its answer) */
  const background = (key: string, run: () => Promise<unknown>, done: () => void = () => undefined): void => {
    refreshing += 1;
    queue = queue.then(idle).then(run).catch((error: unknown) => log.warn('a kept read could not be computed again', { key, error }))
      .finally(() => {
        refreshing -= 1;
        done();
      });
  };

  const same = (earlier: string, later: string): boolean => sameData(earlier, later, (xid) => isDerivedWrite(sql, xid));

  /**
   * Computes at `snapshot` (one computation for every caller of the same key and snapshot) and keeps it if the data is
   * still the same after (nothing committed meanwhile but the computation's own refreshes of read models)
   */
  const compute = <T>(key: string, snapshot: string, fn: () => Promise<T>): Promise<T> => {
    const flight = `${snapshot}\u0000${key}`;
    const running = flights.get(flight);
    if (running) return running as Promise<T>;
    const at = clock.now().getTime();
    const p = (async () => {
      const value = await fn();
      const after = await snapshotOf(sql);
      if (same(snapshot, after)) keep(key, { snapshot: after, at, value, bytes: sizeOf(value), refreshing: false });
      return value;
    })().finally(() => flights.delete(flight));
    flights.set(flight, p);
    return p;
  };

  return {
    async read<T>(key: string, fn: () => Promise<T>, given?: string): Promise<T> {
      lastRead = performance.now();
      const snapshot = given ?? await snapshotOf(sql);
      const e = entries.get(key);
      const age = e ? clock.now().getTime() - e.at : Infinity;
      if (e && age >= 0 && age <= staleMs && same(e.snapshot, snapshot)) {
        e.snapshot = snapshot; // the same data: compared from here on
        keep(key, e);
        if (age <= freshMs) {
          counts.fresh += 1;
        } else {
          counts.stale += 1;
          if (!e.refreshing) {
            e.refreshing = true;
            // at the snapshot when it runs (the queue may hold it a while): an older one would not be kept
            background(key, async () => compute(key, await snapshotOf(sql), fn), () => { e.refreshing = false; });
          }
        }
        return e.value as T;
      }
      counts.computed += 1;
      return compute(key, snapshot, fn);
    },
    counts: () => ({ ...counts, kept: entries.size, bytes, refreshing }),
  };
}

/** What keptRead needs of a request (the route's Hono context): its URL, its user and the snapshot read with them */
interface SignedInRequest {
  req: { url: string };
  var: { user: { userId: string }; snapshot?: string };
}

/** The request's answer kept for its user (the key: the user, the path and the query), or computed when the app keeps none */
export function keptRead<T>(reads: ReadCache | null | undefined, c: SignedInRequest, fn: () => Promise<T>): Promise<T> {
  if (!reads) return fn();
  const url = new URL(c.req.url);
  return reads.read(`${c.var.user.userId} ${url.pathname}${url.search}`, fn, c.var.snapshot);
}
