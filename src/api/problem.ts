/** Errors as application/problem+json (RFC 9457), the one error shape of the API */
import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * A problem response. Typed as fitting any declared response so handlers can return it beside their
 * typed JSON; the OpenAPI document lists each route's problem statuses
 */
export function problem(c: Context, status: ContentfulStatusCode, title: string, detail?: string, extra?: object) {
  const body = JSON.stringify({ type: 'about:blank', title, status, ...(detail ? { detail } : {}), ...extra });
  return c.body(body, status, { 'content-type': 'application/problem+json' }) as unknown as
    Response & TypedResponse<never, never, 'json'>;
}

/** `body` as 200 JSON, or a 404 problem naming `id` when it is null (the strategy or order is not the caller's, or does not exist) */
export function jsonOr404<T>(c: Context, body: T | null, id: string | undefined, title = 'Not found') {
  return body ? c.json(body, 200) : problem(c, 404, title, id);
}
