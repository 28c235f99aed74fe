/**
 * The authorization matrix, generated from the app's own /api/openapi.json (issue 12, contract12.md): every operation
 * x {no token, a wrong token, another user's token} x every resource kind its path, query or body names. No or a wrong
 * token: 401 on every secured operation. B on A's FT strategy, LT strategy, LT order, alert or linked wallet: 404, the
 * same status and title as an id nobody has. A plain user on an operator-only operation: 403 "Operator only". B
 * writing the catalogue: 403. B's lists never show A's ids. Every denied request leaves every table as it was. An
 * operation without a recipe fails the first test, so a new route cannot slip through
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Json } from '../support/api-client.ts';
import {
  CATALOGUE, changedTables, createWorld, fillPath, idOf, idsOf, operations, PROBLEM, RECIPES, snapshot, UNKNOWN,
  unknownOperations, type Kind, type Operation, type Party, type Recipe,
} from '../support/openapi-matrix.ts';
import { backendName } from '../support/test-db.ts';

const w = await createWorld();
afterAll(async () => w.t.close());
const ops = operations(w.doc);

interface Request { method: string; path: string; body: unknown; token: string | null }
interface Case { name: string; run: () => Promise<string[]> }

/** The request an operation takes for `p`, on p's resources (or those named by `ids`) */
function request(o: Operation, p: Party, token: string | null, ids: Partial<Record<Kind, string>> = {}): Request {
  const r: Recipe = RECIPES[o.key] ?? {};
  let path = r.kind ? fillPath(o.path, ids[r.kind] ?? idOf(p, r.kind)) : o.path;
  const query: Record<string, string> = { ...r.query?.(p) };
  if (r.queryRef && ids[r.queryRef.kind]) query[r.queryRef.param] = ids[r.queryRef.kind]!;
  if (Object.keys(query).length) path += `?${new URLSearchParams(query)}`;
  let body: Json | undefined = r.body?.(p);
  if (body && r.bodyRef && ids[r.bodyRef.kind]) body = { ...body, [r.bodyRef.field]: ids[r.bodyRef.kind] };
  return { method: o.method, path, body, token };
}

const send = (q: Request) => w.call(q.method, q.path, q.body, q.token);

/** Sends `q` and checks the answer is `status` as problem+json (title `title` if given) and that no table changed */
async function denied(q: Request, status: number, title?: string): Promise<{ problems: string[]; r: Json }> {
  const before = await snapshot(w.t.db);
  const r = await send(q);
  const after = await snapshot(w.t.db);
  const problems: string[] = [];
  if (r.status !== status) problems.push(`status ${r.status} (expected ${status}): ${JSON.stringify(r.body).slice(0, 200)}`);
  else if (!r.type.startsWith(PROBLEM)) problems.push(`content-type ${r.type}`);
  if (title !== undefined && r.status === status && r.body?.title !== title) problems.push(`title ${r.body?.title} (expected ${title})`);
  const changed = changedTables(before, after);
  if (changed.length) problems.push(`state changed: ${changed.join(', ')}`);
  return { problems, r };
}

const WRONG = 'tdm_' + 'x'.repeat(32);

function unauthenticated(o: Operation): Case[] {
  if (!o.op.security?.length) {
    return [{ name: `${o.key} is public: answers without a token`, run: async () => {
      const r = await send(request(o, w.a, null));
      return r.status === 200 ? [] : [`status ${r.status}`];
    } }];
  }
  return [
    { name: `${o.key} with no token -> 401`, run: async () => (await denied(request(o, w.a, null), 401)).problems },
    { name: `${o.key} with a wrong token -> 401`, run: async () => (await denied(request(o, w.a, WRONG), 401)).problems },
  ];
}

/**
 * B names A's resource: in the path, 404 as for an id nobody has (same status and title); in a query filter or a body
 * field, exactly the answer an id nobody has gets (the same status, title and body but for the id)
 */
function foreign(o: Operation, r: Recipe): Case[] {
  const ref = r.kind ?? r.queryRef?.kind ?? r.bodyRef?.kind;
  if (!ref) return [];
  const where = r.kind ? 'path' : r.queryRef ? `query ${r.queryRef.param}` : `body ${r.bodyRef!.field}`;
  const status = r.kind || r.bodyRef ? 404 : undefined;
  return [{ name: `${o.key}: B names A's ${ref} (${where}) -> ${status ?? 'the answer'} of an unknown id`, run: async () => {
    const theirs = await refused(request(o, w.b, w.b.token, { [ref]: idOf(w.a, ref) }), status);
    const unknown = await refused(request(o, w.b, w.b.token, { [ref]: UNKNOWN[ref] }), status);
    const problems = [...theirs.problems, ...unknown.problems.map((p) => `unknown id: ${p}`)];
    const same = (x: Json) => JSON.stringify(x.body).replaceAll(idOf(w.a, ref), UNKNOWN[ref]);
    if (theirs.r.status !== unknown.r.status || theirs.r.body?.title !== unknown.r.body?.title
      || (!r.kind && same(theirs.r) !== same(unknown.r))) {
      problems.push(`A's id answers ${theirs.r.status} ${JSON.stringify(theirs.r.body).slice(0, 120)}, an unknown id ${unknown.r.status} ${JSON.stringify(unknown.r.body).slice(0, 120)}`);
    }
    return problems;
  } }];
}

/** As `denied` when a status is expected; else any answer below 500 that changes nothing */
async function refused(q: Request, status: number | undefined): ReturnType<typeof denied> {
  if (status !== undefined) return denied(q, status);
  const before = await snapshot(w.t.db);
  const r = await send(q);
  const changed = changedTables(before, await snapshot(w.t.db));
  return { r, problems: [...(r.status >= 500 ? [`status ${r.status}`] : []), ...(changed.length ? [`state changed: ${changed.join(', ')}`] : [])] };
}

/** Plain users on operator-only operations: 403; the operator: not refused */
function operatorOnly(o: Operation, r: Recipe): Case[] {
  if (!r.operatorOnly) return [];
  return [
    ...[w.a, w.b].map((p) => ({ name: `${o.key}: plain user ${p.name} -> 403 Operator only`,
      run: async () => (await denied(request(o, p, p.token), 403, 'Operator only')).problems })),
    { name: `${o.key}: the operator is allowed`, run: async () => {
      const res = await send(request(o, w.op, w.op.token));
      return res.status < 300 ? [] : [`status ${res.status}: ${JSON.stringify(res.body)}`];
    } },
  ];
}

/** B's lists and views never contain A's ids */
function lists(o: Operation, r: Recipe): Case[] {
  if (!r.list) return [];
  return [{ name: `${o.key}: B's answer never shows A's ids`, run: async () => {
    const res = await send(request(o, w.b, w.b.token));
    const text = JSON.stringify(res.body);
    if (res.status !== 200) return [`status ${res.status}: ${text.slice(0, 200)}`];
    return idsOf(w.a).filter((id) => text.toLowerCase().includes(id.toLowerCase())).map((id) => `shows A's ${id}`);
  } }];
}

/** The catalogue (owner NULL): B reads it; B writing it is 403 "The catalogue is read-only", nothing written */
function catalogue(o: Operation, r: Recipe): Case[] {
  if (r.kind !== 'ft') return [];
  if (o.method === 'GET') {
    return [{ name: `${o.key}: B reads the catalogue strategy`, run: async () => {
      const res = await send(request(o, w.b, w.b.token, { ft: CATALOGUE }));
      return res.status === 200 ? [] : [`status ${res.status}`];
    } }];
  }
  return [{ name: `${o.key}: B writing the catalogue -> 403`, run: async () =>
    (await denied(request(o, w.b, w.b.token, { ft: CATALOGUE }), 403, 'The catalogue is read-only')).problems }];
}

function buildCases(): Case[] {
  // Reads first, then writes, then creates naming A's resource: where a write wrongly succeeds (a branch without the
  // contract), what it made does not change the answers of the cases before it
  const reads: Case[] = [];
  const writes: Case[] = [];
  const creates: Case[] = [];
  for (const o of ops) {
    const r = RECIPES[o.key];
    if (!r) continue;
    const all = [...unauthenticated(o), ...(r.stream ? [] : [...foreign(o, r), ...operatorOnly(o, r), ...lists(o, r), ...catalogue(o, r)])];
    (r.bodyRef ? creates : o.method === 'GET' ? reads : writes).push(...all);
  }
  return [...reads, ...writes, ...creates];
}

const cases = buildCases();
console.log(`authorization matrix on ${backendName}: ${ops.length} operations, ${cases.length} cases`);

describe(`authorization matrix from /api/openapi.json on ${backendName}`, () => {
  it('every operation of the document has a recipe (a new route cannot slip through), and every recipe a route', () => {
    expect(ops.length).toBeGreaterThan(40);
    expect(unknownOperations(ops)).toEqual({ missing: [], stale: [] });
  });

  it('A\'s own answers show A\'s ids (so the scans of B\'s answers can find them)', async () => {
    let text = '';
    for (const o of ops.filter((x) => RECIPES[x.key]?.list)) text += JSON.stringify((await send(request(o, w.a, w.a.token))).body);
    expect(idsOf(w.a).filter((id) => !text.toLowerCase().includes(id.toLowerCase()))).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await c.run()).toEqual([]);
  });
});
