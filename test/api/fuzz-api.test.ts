/**
 * Property tests of every operation's parameters and bodies (issue 12), generated from the app's /api/openapi.json by
 * fast-check (shrinking on, a fixed seed printed with any counterexample): each request breaks one input of a valid
 * request by user A on A's own resources (see openapi-arbitraries.ts) and must get a 4xx application/problem+json,
 * never a 5xx, and leave every table as it was (row count and content hash of each table, before and after; no table
 * is excluded: no table changes on a refused request). FUZZ_RUNS (runs per operation) and FUZZ_SEED override the
 * defaults, e.g. FUZZ_RUNS=500 for a longer hunt
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { malformedRequests, type Base, type FuzzRequest } from '../support/openapi-arbitraries.ts';
import {
  changedTables, createWorld, idOf, operations, pathParamOf, PROBLEM, RECIPES, snapshot, unknownOperations, type Operation,
} from '../support/openapi-matrix.ts';
import { backendName } from '../support/test-db.ts';

/** Runs per operation: at least RUNS, and 3 per way to break it (one per field, parameter, ...), at most 5 x RUNS */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const runsFor = (ways: number) => Math.min(5 * RUNS, Math.max(RUNS, 3 * ways));
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
/** FUZZ_SURVEY=1: record every failure instead of stopping at the first (a survey for a report; the tests then pass) */
const SURVEY = process.env.FUZZ_SURVEY === '1';
const survey = new Map<string, string>();

const w = await createWorld();
afterAll(async () => w.t.close());
const ops = operations(w.doc);
let total = 0;

/** The valid request of `o` by A on A's resources, the one each run breaks one input of */
function baseOf(o: Operation): Base {
  const r = RECIPES[o.key] ?? {};
  return {
    path: pathParamOf(o) && r.kind ? encodeURIComponent(idOf(w.a, r.kind)) : null,
    query: { ...r.query?.(w.a) },
    body: r.body?.(w.a),
  };
}

async function send(q: FuzzRequest): Promise<{ status: number; type: string; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${w.a.token}` };
  if (q.body !== undefined) headers['content-type'] = 'application/json';
  const res = await w.app.request(q.url, { method: q.method, headers, ...(q.body !== undefined ? { body: q.body } : {}) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const fuzzed = ops.map((o) => ({ o, requests: malformedRequests(w.doc, o, baseOf(o)) }));
const ONLY = new RegExp(process.env.FUZZ_ONLY ?? '');
const withInputs = fuzzed.filter((f) => f.requests !== null && ONLY.test(f.o.key));
console.log(`fuzz on ${backendName}: ${withInputs.length} of ${ops.length} operations take input (the others: `
  + `${fuzzed.filter((f) => !f.requests).map((f) => f.o.key).join(', ')}); ${withInputs.reduce((n, f) => n + runsFor(f.requests!.ways), 0)} runs planned (${RUNS} to ${5 * RUNS} each), seed ${SEED}`);

describe(`malformed requests from /api/openapi.json on ${backendName}`, () => {
  afterAll(() => {
    console.log(`fuzz on ${backendName}: ${total} malformed requests sent (shrinking included)`);
    if (SURVEY) console.log(`survey: ${survey.size} kinds of failure\n${[...survey.values()].join('\n')}`);
  });

  it('every operation of the document has a recipe giving its valid base request', () => {
    expect(unknownOperations(ops)).toEqual({ missing: [], stale: [] });
    expect(withInputs.length).toBeGreaterThan(30);
  });

  it.each(withInputs.map((f) => [f.o.key, f] as const))('%s: each broken input is a 4xx problem and changes nothing', async (_k, f) => {
    await fc.assert(fc.asyncProperty(f.requests!.requests, async (q) => {
      total += 1;
      const before = await snapshot(w.t.db);
      const r = await send(q);
      const changed = changedTables(before, await snapshot(w.t.db));
      const what = `${q.method} ${q.url.slice(0, 160)} [${q.broke}] ${q.body?.slice(0, 160) ?? '(no body)'} -> ${r.status} ${r.text.slice(0, 200)}`;
      const failure = r.status < 400 || r.status >= 500 ? `not a 4xx: ${what}`
        : r.status === 429 ? `rate-limited (the limit must be off for this app, or the fuzz tests nothing): ${what}`
        : !r.type.startsWith(PROBLEM) ? `not problem+json (${r.type}): ${what}`
          : changed.length ? `changed ${changed.join(', ')}: ${what}` : null;
      if (failure && SURVEY) survey.set(`${f.o.key} [${q.broke}] -> ${r.status}`, failure);
      else if (failure) throw new Error(failure);
    }), { numRuns: runsFor(f.requests!.ways), seed: SEED });
  }, 600_000);
});
