/** Fault knobs of the simulator server (latency, 5xx, 429 bursts, dropped order responses, slow settlement, cancel-only, silent or duplicated streams) */
import { Prng } from './prng.ts';

export interface FaultSettings {
  /** Added to every HTTP response (ms) */
  latencyMs: number;
  /** Share of HTTP requests answered 500 before doing anything (0–1, drawn from the seeded PRNG) */
  errorRate: number;
  /** The next N HTTP requests get 429 Too Many Requests */
  burst429: number;
  /** The next N HTTP requests get Cloudflare's HTML 403 page */
  blocked403: number;
  /** The next N POST /order (or /orders) requests are executed, then the socket is destroyed without a response */
  dropOrderResponses: number;
  /** New trades stay MATCHED, without a transaction hash, for this long (ms) before the exchange's MINED/CONFIRMED shows */
  settleDelayMs: number;
  /** The exchange accepts cancels only; POST /order gets 503 */
  cancelOnly: boolean;
  /** WebSocket channels send nothing (not even PONG) */
  streamSilence: boolean;
  /** Every WebSocket frame (market and user channels, RTDS) is sent twice */
  duplicateStreamMessages: boolean;
}

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0, errorRate: 0, burst429: 0, blocked403: 0, dropOrderResponses: 0, settleDelayMs: 0,
  cancelOnly: false, streamSilence: false, duplicateStreamMessages: false,
};

const COUNTS = ['latencyMs', 'burst429', 'blocked403', 'dropOrderResponses', 'settleDelayMs'] as const;
const FLAGS = ['cancelOnly', 'streamSilence', 'duplicateStreamMessages'] as const;

/** Validates a partial settings object (from JSON or CLI flags); unknown keys and bad values are errors */
export function parseFaults(raw: unknown): { ok: true; value: Partial<FaultSettings> } | { ok: false; error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'expected a JSON object' };
  const out: Partial<FaultSettings> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if ((COUNTS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return { ok: false, error: `${key}: a whole number ≥ 0` };
      out[key as (typeof COUNTS)[number]] = value;
    } else if ((FLAGS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') return { ok: false, error: `${key}: true or false` };
      out[key as (typeof FLAGS)[number]] = value;
    } else if (key === 'errorRate') {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return { ok: false, error: 'errorRate: a number in [0, 1]' };
      out.errorRate = value;
    } else {
      return { ok: false, error: `unknown fault: ${key}` };
    }
  }
  return { ok: true, value: out };
}

export type HttpFault =
  | { kind: 'none' }
  | { kind: 'status'; status: 429 | 403 | 500; body: string; contentType: string; headers?: Record<string, string> };

const CLOUDFLARE_403 = '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head>'
  + '<body><h1>Sorry, you have been blocked</h1><p>Blocked by Cloudflare</p></body></html>';

/** The live fault state: settings plus the seeded PRNG that decides which requests fail */
export class Faults {
  private settings: FaultSettings = { ...NO_FAULTS };
  private readonly prng: Prng;
  /** Called when cancelOnly changes, so the exchange follows */
  onCancelOnly: (on: boolean) => void = () => {};

  constructor(seed: number, initial: Partial<FaultSettings> = {}) {
    this.prng = new Prng(seed ^ 0x5eed);
    this.set(initial);
  }

  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  set(patch: Partial<FaultSettings>): Readonly<FaultSettings> {
    const before = this.settings.cancelOnly;
    this.settings = { ...this.settings, ...patch };
    if (this.settings.cancelOnly !== before) this.onCancelOnly(this.settings.cancelOnly);
    return this.settings;
  }

  reset(): Readonly<FaultSettings> {
    return this.set({ ...NO_FAULTS });
  }

  /** Decides the fate of one HTTP request before it is handled (consumes burst counters) */
  beforeRequest(): HttpFault {
    const s = this.settings;
    if (s.burst429 > 0) {
      s.burst429 -= 1;
      return { kind: 'status', status: 429, body: JSON.stringify({ error: 'Too Many Requests' }), contentType: 'application/json', headers: { 'retry-after': '1' } };
    }
    if (s.blocked403 > 0) {
      s.blocked403 -= 1;
      return { kind: 'status', status: 403, body: CLOUDFLARE_403, contentType: 'text/html; charset=UTF-8' };
    }
    if (s.errorRate > 0 && this.prng.next() < s.errorRate) {
      return { kind: 'status', status: 500, body: JSON.stringify({ error: 'Internal server error' }), contentType: 'application/json' };
    }
    return { kind: 'none' };
  }

  /** True when this order response is to be dropped (consumes one) */
  takeDrop(): boolean {
    if (this.settings.dropOrderResponses <= 0) return false;
    this.settings.dropOrderResponses -= 1;
    return true;
  }
}
