/** Turns Gamma API market objects (with their JSON-in-string fields and odd timestamps) into Markets */
import type { Market } from '../domain/market.ts';
import { decimalText, parseMicros } from '../domain/money.ts';

export type GammaParse = { ok: true; market: Market } | { ok: false; detail: string };

/** What an enclosing event lends its markets when they do not say themselves */
export interface GammaParent {
  eventSlug?: string | null;
  tags?: string[];
}

type Obj = Record<string, unknown>;
type Step<T> = { ok: true; value: T } | { ok: false; detail: string };

const CONDITION_ID = /^0x[0-9a-f]+$/;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Parses one Gamma market; `parent` supplies the event slug and tags for markets nested in an event */
export function parseGammaMarket(raw: unknown, parent: GammaParent = {}): GammaParse {
  if (!isObj(raw)) return { ok: false, detail: `not an object: ${Array.isArray(raw) ? 'array' : typeof raw}` };
  const conditionId = typeof raw.conditionId === 'string' ? raw.conditionId.trim().toLowerCase() : '';
  if (!CONDITION_ID.test(conditionId)) return { ok: false, detail: `bad conditionId: ${String(raw.conditionId)}` };
  const fail = (detail: string): GammaParse => ({ ok: false, detail: `${conditionId}: ${detail}` });
  const outcomes = stringList(raw.outcomes, 'outcomes');
  if (!outcomes.ok) return fail(outcomes.detail);
  const tokenIds = stringList(absent(raw.clobTokenIds) ? raw.positionIds : raw.clobTokenIds, 'token ids');
  if (!tokenIds.ok) return fail(tokenIds.detail);
  const prices = outcomePrices(raw.outcomePrices);
  if (!prices.ok) return fail(prices.detail);
  const aligned = checkAligned(outcomes.value, tokenIds.value, prices.value);
  if (aligned) return fail(aligned);
  const tick = micros(raw.orderPriceMinTickSize, 'orderPriceMinTickSize');
  if (!tick.ok) return fail(tick.detail);
  const minSize = micros(raw.orderMinSize, 'orderMinSize');
  if (!minSize.ok) return fail(minSize.detail);
  const market: Market = {
    conditionId, question: str(raw.question) ?? '', slug: str(raw.slug) ?? '',
    eventSlug: eventSlugOf(raw, parent), outcomes: outcomes.value, tokenIds: tokenIds.value,
    tags: tagsOf(raw, parent), tickSize: tick.value, minSize: minSize.value,
    negRisk: raw.negRisk === true, closed: raw.closed === true,
    acceptingOrders: typeof raw.acceptingOrders === 'boolean' ? raw.acceptingOrders : null,
    endTime: parseGammaTime(raw.endDate), gameStartTime: parseGammaTime(raw.gameStartTime),
    closedTime: parseGammaTime(raw.closedTime), resolutionStatus: str(raw.umaResolutionStatus),
    outcomePrices: prices.value,
  };
  return { ok: true, market };
}

/**
 * Parses what a Gamma endpoint returned: one market, an array of markets, an event with nested
 * `markets`, or an array of events. Each failure is one error string; the others still parse
 */
export function parseGammaMarkets(raw: unknown, parent: GammaParent = {}): { markets: Market[]; errors: string[] } {
  const markets: Market[] = [];
  const errors: string[] = [];
  const visit = (item: unknown, from: GammaParent): void => {
    if (Array.isArray(item)) {
      item.forEach((x) => visit(x, from));
    } else if (isObj(item) && Array.isArray(item.markets) && item.conditionId === undefined) {
      const eventParent = { eventSlug: str(item.slug) ?? from.eventSlug ?? null, tags: tagList(item.tags) ?? from.tags };
      item.markets.forEach((x) => visit(x, eventParent));
    } else {
      const parsed = parseGammaMarket(item, from);
      if (parsed.ok) markets.push(parsed.market);
      else errors.push(parsed.detail);
    }
  };
  visit(raw, parent);
  return { markets, errors };
}

/**
 * Gamma timestamps: ISO ("2026-12-31T12:00:00Z"), Postgres style ("2026-05-09 02:07:01+00") or a bare
 * date; a time without a zone is UTC. Null when absent or unreadable
 */
export function parseGammaTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
    value.trim(),
  );
  if (!m) return null;
  const [, date, time = '00:00:00', zone = 'Z'] = m;
  const offset = /^[+-]\d{2}$/.test(zone) ? `${zone}:00` : /^[+-]\d{4}$/.test(zone) ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const d = new Date(`${date}T${time}${offset.toUpperCase()}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A list given as a JSON array or as a JSON-encoded string of one; absent means empty */
function stringList(value: unknown, what: string): Step<string[]> {
  const list = jsonList(value, what);
  if (!list.ok) return list;
  const out: string[] = [];
  for (const item of list.value) {
    if (typeof item === 'string') out.push(item);
    else if (typeof item === 'number' && Number.isSafeInteger(item)) out.push(String(item));
    else return { ok: false, detail: `${what}: unusable entry ${JSON.stringify(item)}` };
  }
  return { ok: true, value: out };
}

function jsonList(value: unknown, what: string): Step<unknown[]> {
  if (absent(value)) return { ok: true, value: [] };
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return { ok: false, detail: `${what}: not JSON: ${value.slice(0, 80)}` };
    }
  }
  return Array.isArray(parsed) ? { ok: true, value: parsed } : { ok: false, detail: `${what}: not a list` };
}

/** Outcome prices as micro-units, rounding half-even beyond six decimals; absent means null */
function outcomePrices(value: unknown): Step<bigint[] | null> {
  if (absent(value)) return { ok: true, value: null };
  const list = jsonList(value, 'outcomePrices');
  if (!list.ok) return list;
  const out: bigint[] = [];
  for (const item of list.value) {
    const text = decimalText(item);
    if (text === null) return { ok: false, detail: `outcomePrices: not a number ${JSON.stringify(item)}` };
    out.push(parseMicros(text, 'half_even'));
  }
  return { ok: true, value: out.length > 0 ? out : null };
}

function checkAligned(outcomes: string[], tokenIds: string[], prices: bigint[] | null): string | null {
  if (outcomes.length > 0 && tokenIds.length > 0 && outcomes.length !== tokenIds.length) {
    return `${outcomes.length} outcomes but ${tokenIds.length} token ids`;
  }
  if (prices && outcomes.length > 0 && prices.length !== outcomes.length) {
    return `${outcomes.length} outcomes but ${prices.length} prices`;
  }
  return null;
}

function micros(value: unknown, what: string): Step<bigint | null> {
  if (absent(value)) return { ok: true, value: null };
  const text = decimalText(value);
  if (text === null) return { ok: false, detail: `${what}: not a number ${JSON.stringify(value)}` };
  return { ok: true, value: parseMicros(text, 'half_even') };
}

function eventSlugOf(raw: Obj, parent: GammaParent): string | null {
  const own = str(raw.eventSlug);
  if (own) return own;
  const first: unknown = Array.isArray(raw.events) ? raw.events[0] : undefined;
  const nested = isObj(first) ? str(first.slug) : null;
  return nested ?? parent.eventSlug ?? null;
}

function tagsOf(raw: Obj, parent: GammaParent): string[] {
  const first: unknown = Array.isArray(raw.events) ? raw.events[0] : undefined;
  return tagList(raw.tags) ?? (isObj(first) ? tagList(first.tags) : null) ?? parent.tags ?? [];
}

/** Tags as labels: strings stay, objects give `label` (else `slug`); null when there is no tag list */
function tagList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const out: string[] = [];
  for (const tag of value) {
    const label = typeof tag === 'string' ? tag : isObj(tag) ? (str(tag.label) ?? str(tag.slug)) : null;
    if (label && !out.includes(label)) out.push(label);
  }
  return out;
}
