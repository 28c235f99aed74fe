/**
 * Shared API schemas: the problem+json error body, the scalar forms every body uses (decimal strings, ISO times),
 * response helpers, and cursor pagination (an opaque cursor: base64url of the JSON array of the last item's sort key)
 */
import { z } from '@hono/zod-openapi';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../../domain/text.ts';

export const Issue = z.looseObject({
  path: z.array(z.union([z.string(), z.number()])).openapi({ description: 'The field the issue is about, e.g. ["max_order_usd"]' }),
  message: z.string().openapi({ description: 'What is wrong with it, for the person who typed it' }),
  code: z.string().optional().openapi({ description: 'The validator\'s code (zod issue code or "custom")' }),
}).openapi('Issue');

export const Problem = z.object({
  type: z.string().openapi({ description: 'Always about:blank' }),
  title: z.string().openapi({ description: 'Short summary of the problem' }),
  status: z.number().int().openapi({ description: 'The HTTP status' }),
  detail: z.string().optional().openapi({ description: 'What failed, e.g. the id not found' }),
  issues: z.array(Issue).optional().openapi({ description: 'Per field validation issues (400s)' }),
}).openapi('Problem', { description: 'An error as application/problem+json (RFC 9457)' });

/** A problem response of the OpenAPI document */
export const problemResponse = (description: string) => ({
  description, content: { 'application/problem+json': { schema: Problem } },
});
/** A JSON response of the OpenAPI document */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description, content: { 'application/json': { schema } },
});
/** A required JSON request body */
export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  content: { 'application/json': { schema } }, required: true, ...(description ? { description } : {}),
});

/**
 * Request text: every free-text field of a request is one of these. It refuses NUL (U+0000) and unpaired surrogates
 * (src/domain/text.ts) with an issue at the field, before any of it reaches the database
 */
export const text = (o: { min?: number; max?: number } = {}) => {
  let s = z.string();
  if (o.min !== undefined) s = s.min(o.min);
  if (o.max !== undefined) s = s.max(o.max);
  return s.refine(isStorableText, { message: `text ${UNSTORABLE_TEXT_MESSAGE}` });
};
/** Request text of any length (see text()) */
export const SafeText = text();

/** Too many requests: said once in app.ts for every route that needs the bearer token */
export const tooManyResponse = (description: string) => ({
  ...problemResponse(description),
  headers: { 'Retry-After': { description: 'Seconds until the next request is accepted', schema: { type: 'integer' as const, minimum: 1 } } },
});

export const Decimal = z.string().openapi({ description: 'A decimal number as a string', example: '12.500000' });
export const Usd = z.string().openapi({ description: 'USDC as a decimal string', example: '12.500000' });
export const Iso = z.string().openapi({ description: 'An ISO-8601 UTC time', example: '2026-01-31T12:00:00.000Z' });
/** A JSON value whose shape depends on its kind (a job's report, an audit record's detail) */
export const JsonValue = z.union([z.string(), z.number(), z.boolean(), z.null(),
  z.array(z.unknown()), z.record(z.string(), z.unknown())]).openapi('JsonValue');
/** A stored JSON value (jsonb) as the schema types it */
export type JsonValueOut = z.infer<typeof JsonValue>;
export const JsonObject = z.record(z.string(), JsonValue).openapi({ description: 'A JSON object whose keys depend on its kind' });

// ---- Cursor pagination

export const MAX_LIMIT = 500;
export const NextCursor = z.string().nullable().openapi({
  description: 'Pass as `cursor` for the next page; null: this is the last page' });

export type CursorPart = 'time' | 'uuid' | 'id';
const PART: Record<CursorPart, RegExp> = {
  time: /^(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,6}Z|-infinity)$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  id: /^[\x20-\x7e]{1,200}$/,
};

/** A time part names a real instant (not 2026-13-01), so SQL never sees a time it cannot read */
const realTime = (v: string): boolean => {
  if (v === '-infinity') return true;
  const ms = Date.parse(`${v.slice(0, 23)}Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 23) === v.slice(0, 23);
};

export const encodeCursor = (key: readonly string[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The sort key a cursor holds, when it is one of this list's (its parts' number and forms); null otherwise */
export function decodeCursor(cursor: string, parts: readonly CursorPart[]): string[] | null {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(key) || key.length !== parts.length) return null;
  const ok = (v: unknown, part: CursorPart) => typeof v === 'string' && PART[part].test(v) && (part !== 'time' || realTime(v));
  return key.every((v, k) => ok(v, parts[k]!)) ? key as string[] : null;
}

/**
 * The paging query of a list sorted by a key of these parts: `limit` (1..500, default 100) and `cursor`, decoded into
 * the sort key to continue after (null on the first page). A cursor that is not one of this list's is a 400 with an
 * issue at `cursor`. Extend it with the list's own filters
 */
/**
 * A whole-number query parameter, written in decimal digits only: `0x10`, `1e1`, ` 5` and `+5` are 400s (a plain
 * Number() coercion would read them as numbers the document's `type: integer` does not describe)
 */
export const queryInt = (min: number, max: number, name: string) => z.string()
  .regex(/^[0-9]{1,9}$/, `${name}: a whole number in decimal digits`)
  .transform(Number)
  .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

export const pageQuery = (parts: readonly CursorPart[]) => z.object({
  limit: queryInt(1, MAX_LIMIT, 'limit').optional().default(100)
    .openapi({ type: 'integer', minimum: 1, maximum: MAX_LIMIT, description: 'Items per page, 1..500', default: 100 }),
  cursor: z.string().optional().transform((c, ctx) => {
    if (c === undefined) return null;
    const after = decodeCursor(c, parts);
    if (after === null) {
      ctx.addIssue({ code: 'custom', message: 'cursor: not a cursor of this list (pass next_cursor as given)' });
      return z.NEVER;
    }
    return after;
  }).openapi({ type: 'string', description: 'The `next_cursor` of the previous page, as given; absent: the first page' }),
});
export type PageParams = { limit: number; after: string[] | null };

/** One page from rows read with limit + 1: the items and the cursor after the last (null when no row followed) */
export function pageOf<T>(rows: readonly T[], limit: number, keyOf: (row: T) => readonly string[]) {
  const items = rows.slice(0, limit);
  const next = rows.length > limit && items.length > 0 ? encodeCursor(keyOf(items[items.length - 1]!)) : null;
  return { items, next_cursor: next };
}
