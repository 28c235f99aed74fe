/** Calls an in-process Hono app (no socket) as a signed-in user; returns status, content type and parsed body */
import type { Clock } from '../../src/engine/ports.ts';
import type { Venue } from '../../src/engine/venue-port.ts';
import { SimExchange } from '../../src/sim/exchange/exchange.ts';
import { createSimulatedVenue } from '../../src/sim/exchange/simulated-venue.ts';

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

/** A venue with an empty simulated exchange, for apps whose tests place no live orders */
export const idleVenue = (clock: Clock): Venue =>
  createSimulatedVenue({ exchange: new SimExchange(clock), account: 'idle', clock, sleep: async () => undefined });
