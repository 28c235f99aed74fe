/** Calls an in-process Hono app (no socket) as a signed-in user; returns status, content type and parsed body */
export type Json = Record<string, any>; // response bodies, checked field by field

export interface AppLike {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

export async function callApp(app: AppLike, method: string, path: string, body: unknown, token: string | null) {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await app.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : null) as Json };
}
