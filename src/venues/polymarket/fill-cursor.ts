/**
 * The fillsSince cursor: the newest match second seen plus the fill ids (and statuses) seen within a look-back window
 * before it, so polling /data/trades from `after = newest − window` neither repeats nor misses a fill
 */
import type { VenueFill } from '../../engine/venue-port.ts';

/** Seen fills: fillId → [match second, status rank] */
export interface CursorState {
  newest: number;
  seen: Map<string, [number, number]>;
}

const PREFIX = 'pm1.';

/**
 * A fill is reported once, at its first-seen status, like the simulated venue does; settlement progress (MINED,
 * CONFIRMED) is not news. A FAILED settlement reverses the fill, so that one is reported again under the same fillId
 */
const RANK: Record<VenueFill['status'], number> = { matched: 0, mined: 0, confirmed: 0, failed: 1 };
/** Of two sightings of one fill in a batch, the further-settled one is reported */
const SETTLED: Record<VenueFill['status'], number> = { matched: 0, mined: 1, confirmed: 2, failed: 3 };

export const secondOf = (fill: VenueFill): number => Math.floor(fill.time.getTime() / 1000);

export function emptyCursor(): CursorState {
  return { newest: 0, seen: new Map() };
}

/** Reads a cursor; null (or one we did not write) starts from the beginning */
export function decodeCursor(cursor: string | null): CursorState {
  if (cursor === null || !cursor.startsWith(PREFIX)) return emptyCursor();
  try {
    const raw = JSON.parse(Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8')) as {
      n: number; s: [string, number, number][];
    };
    if (typeof raw.n !== 'number' || !Array.isArray(raw.s)) return emptyCursor();
    return { newest: raw.n, seen: new Map(raw.s.map(([id, sec, rank]) => [id, [sec, rank]])) };
  } catch {
    return emptyCursor();
  }
}

export function encodeCursor(state: CursorState): string {
  const s = [...state.seen].map(([id, [sec, rank]]) => [id, sec, rank]);
  return PREFIX + Buffer.from(JSON.stringify({ n: state.newest, s }), 'utf8').toString('base64url');
}

/** Where polling must start (exclusive, unix seconds) for this cursor, or null to read everything */
export function pollAfter(state: CursorState, windowS: number): number | null {
  return state.newest === 0 ? null : state.newest - windowS - 1;
}

/**
 * Picks the fills to report: new fill ids, and known ones that have since FAILED.
 * Fills older than the window are assumed reported. Returns them oldest first and the advanced cursor
 */
export function advance(state: CursorState, candidates: VenueFill[], windowS: number): { fills: VenueFill[]; state: CursorState } {
  const best = new Map<string, VenueFill>();
  for (const f of candidates) {
    const prior = best.get(f.fillId);
    if (!prior || SETTLED[f.status] > SETTLED[prior.status]) best.set(f.fillId, f);
  }
  const floor = state.newest === 0 ? -Infinity : state.newest - windowS;
  const seen = new Map(state.seen);
  const fills: VenueFill[] = [];
  for (const f of best.values()) {
    const sec = secondOf(f);
    const known = seen.get(f.fillId);
    if (known ? RANK[f.status] <= known[1] : sec < floor) continue;
    fills.push(f);
    seen.set(f.fillId, [sec, RANK[f.status]]);
  }
  fills.sort((a, b) => a.time.getTime() - b.time.getTime() || a.fillId.localeCompare(b.fillId));
  const newest = Math.max(state.newest, ...fills.map(secondOf));
  for (const [id, [sec]] of seen) if (sec < newest - windowS) seen.delete(id);
  return { fills, state: { newest, seen } };
}
