/**
 * fast-check arbitraries of malformed requests, derived from an operation's OpenAPI schemas: each request breaks
 * exactly one input (a path parameter, one query parameter, or the body) and keeps the others valid, so the answer
 * must be a 4xx problem. Broken means: against the schema (a wrong JSON type, a value outside the enum, the pattern,
 * the length or the range, a missing required field, an extra key where none is allowed, a body that is not an object
 * or not JSON) or against the contract (NUL and unpaired surrogates in any text, decimals more precise than stored)
 */
import fc from 'fast-check';
import type { Json } from './api-client.ts';
import type { Operation } from './openapi-matrix.ts';

export interface FuzzRequest {
  method: string;
  /** Path and query, percent-encoded */
  url: string;
  /** The raw body text (JSON or not); undefined: none */
  body: string | undefined;
  /** What was broken, for the failure report */
  broke: string;
}

/** The valid request the mutations start from */
export interface Base { path: string | null; query: Record<string, string>; body: Json | undefined }

const resolve = (doc: Json, s: Json | undefined): Json => {
  let out = s ?? {};
  while (typeof out.$ref === 'string') out = doc.components.schemas[out.$ref.replace('#/components/schemas/', '')] as Json;
  return out;
};

/** The JSON types a schema accepts ('integer' implies whole numbers only) */
function typesOf(doc: Json, s: Json): Set<string> {
  if (Array.isArray(s.anyOf ?? s.oneOf)) return new Set(((s.anyOf ?? s.oneOf) as Json[]).flatMap((b) => [...typesOf(doc, resolve(doc, b))]));
  if (s.type !== undefined) return new Set([s.type].flat() as string[]);
  if (Array.isArray(s.enum)) return new Set(s.enum.map((v: unknown) => (v === null ? 'null' : typeof v)));
  return new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
}

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const accepted = (types: Set<string>, v: unknown): boolean => {
  const t = jsonType(v);
  if (t === 'number') return types.has('number') || (types.has('integer') && Number.isInteger(v));
  return types.has(t);
};

/** Text the contract refuses everywhere: a NUL, an unpaired surrogate (high or low), or a huge string holding one */
export const badText: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}\u0000${b}`),
  fc.tuple(fc.string(), fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF'), fc.string()).map(([a, s, b]) => a + s + b),
  fc.nat({ max: 3 }).map((k) => 'x'.repeat(100_000) + ['\u0000', '\uD834', '\uDD1E', '\u0000\uDFFF'][k]),
);

/** A decimal with more fractional digits than any column stores (at most 6), as a string or a number */
const overPrecise: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(fc.nat({ max: 999 }), fc.stringMatching(/^[0-9]{6,24}$/)).map(([i, f]) => `${i}.${f}1`),
  fc.constantFrom(1e-7, 0.1234567, 1.0000001, 12.3456789),
);
const notADecimal = fc.constantFrom('abc', '', ' ', '1e999', 'NaN', 'Infinity', '-Infinity', '1.2.3', '0x10', '1,5', '--1', '1e-7',
  '9'.repeat(400), `1${'0'.repeat(40)}`, 1e300, -1e300);
const wrongTypes: fc.Arbitrary<unknown> = fc.oneof(fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }));

/** A value the schema refuses (or the contract does), never one it accepts */
export function invalidFor(doc: Json, schema: Json | undefined): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  const types = typesOf(doc, s);
  const options: fc.Arbitrary<unknown>[] = [wrongTypes.filter((v) => !accepted(types, v))];
  if (!types.has('null')) options.push(fc.constant(null)); // null where the document does not allow it
  const stringy = types.has('string');
  if (stringy) options.push(badText);
  if (stringy && typeof s.pattern === 'string') {
    const re = new RegExp(s.pattern.replace(/\/i$/, ''), s.pattern.endsWith('/i') ? 'i' : '');
    options.push(fc.string({ unit: 'binary', maxLength: 120 }).filter((v) => !re.test(v)));
  }
  if (stringy && typeof s.maxLength === 'number') options.push(fc.constant('y'.repeat(s.maxLength + 1)));
  if (stringy && typeof s.minLength === 'number' && s.minLength > 0) options.push(fc.constant(''));
  if (Array.isArray(s.enum)) options.push(fc.oneof(fc.string(), fc.integer()).filter((v) => !s.enum.includes(v)));
  if (stringy && (types.has('number') || types.has('integer'))) options.push(overPrecise, notADecimal); // a decimal
  if (types.has('integer')) {
    options.push(fc.constantFrom(1.5, -0.25, 1e300));
    if (typeof s.minimum === 'number') options.push(fc.constant(s.minimum - 1));
    if (typeof s.maximum === 'number') options.push(fc.constant(s.maximum + 1));
  }
  if (types.has('array') && s.items) options.push(fc.array(invalidFor(doc, s.items), { minLength: 1, maxLength: 3 }));
  return fc.oneof(...options);
}

/** A query or path value (always text) the parameter's schema refuses */
export function invalidParam(doc: Json, schema: Json | undefined, name: string): fc.Arbitrary<string> {
  const s = resolve(doc, schema);
  const options: fc.Arbitrary<string>[] = [badText];
  if (typeof s.pattern === 'string') {
    const re = new RegExp(s.pattern.replace(/\/i$/, ''), s.pattern.endsWith('/i') ? 'i' : '');
    options.push(fc.string({ unit: 'binary', maxLength: 120 }).filter((v) => !re.test(v)));
  }
  if (Array.isArray(s.enum)) options.push(fc.string().filter((v) => !s.enum.includes(v)));
  if (s.format === 'date-time') options.push(fc.string().filter((v) => Number.isNaN(Date.parse(v))));
  if (typeof s.maxLength === 'number') options.push(fc.constant('z'.repeat(s.maxLength + 1)));
  if (s.type === 'integer') {
    options.push(fc.constantFrom('abc', '1.5', '', '1e999', 'NaN', '9'.repeat(40)));
    options.push(fc.constantFrom('0x10', '0b11', '1e1', ' 5', '5 ', '+5')); // not an integer literal, though Number() reads one
    if (typeof s.minimum === 'number') options.push(fc.constant(String(s.minimum - 1)));
    if (typeof s.maximum === 'number') options.push(fc.constant(String(s.maximum + 1)));
  }
  if (name === 'cursor') options.push(fc.string({ minLength: 1, maxLength: 60 })); // only a server-made cursor is valid
  return fc.oneof(...options);
}

/** Percent-encodes text; an unpaired surrogate becomes its WTF-8 bytes (invalid UTF-8, as a raw client could send) */
export function encode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(s[i]!);
  }
  return out;
}

const urlOf = (o: Operation, pathValue: string | null, query: Record<string, string>): string => {
  const path = pathValue === null ? o.path : o.path.replace(/\{[^}]+\}/, pathValue);
  const q = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
  return q ? `${path}?${q}` : path;
};
const encodedQuery = (q: Record<string, string>) => Object.fromEntries(Object.entries(q).map(([k, v]) => [k, encode(v)]));

const parses = (t: string): boolean => {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
};

/** Malformed bodies for an object schema, each from the valid `base` */
function invalidBodies(doc: Json, schema: Json, base: Json, required: boolean): fc.Arbitrary<{ text: string | undefined; broke: string }>[] {
  const s = resolve(doc, schema);
  const props = Object.entries((s.properties ?? {}) as Json);
  const json = (v: unknown, broke: string) => ({ text: JSON.stringify(v), broke });
  const out: fc.Arbitrary<{ text: string | undefined; broke: string }>[] = props.map(([name, p]) =>
    invalidFor(doc, p as Json).map((v) => json({ ...base, [name]: v }, `body.${name}`)));
  for (const name of (s.required ?? []) as string[]) {
    const { [name]: _gone, ...rest } = base;
    out.push(fc.constant(json(rest, `body without required ${name}`)));
  }
  if (s.additionalProperties === false) {
    out.push(fc.tuple(fc.string({ minLength: 1 }).filter((k) => !(k in (s.properties ?? {}))), fc.jsonValue({ maxDepth: 2 }))
      .map(([k, v]) => json({ ...base, [k]: v }, `body extra key`)));
  }
  out.push(fc.jsonValue({ maxDepth: 3 }).filter((v) => jsonType(v) !== 'object').map((v) => json(v, 'body not an object')));
  out.push(fc.string().map((t) => `{${t}`).filter((t) => !parses(t)).map((text) => ({ text, broke: 'body not JSON' })));
  if (required) out.push(fc.constantFrom({ text: undefined, broke: 'no body' }, { text: '', broke: 'empty body' }));
  return out;
}

/**
 * Every way to break one input of `o`, from the valid `base`, and how many ways there are (so an operation with many
 * fields gets more runs); null when the operation takes no input
 */
export function malformedRequests(doc: Json, o: Operation, base: Base): { requests: fc.Arbitrary<FuzzRequest>; ways: number } | null {
  const params = (o.op.parameters ?? []) as Json[];
  const bodyText = base.body === undefined ? undefined : JSON.stringify(base.body);
  const query = encodedQuery(base.query);
  const options: fc.Arbitrary<FuzzRequest>[] = [];
  for (const p of params) {
    const bad = invalidParam(doc, p.schema as Json, p.name as string).map(encode);
    if (p.in === 'path') options.push(bad.map((v) => ({ method: o.method, url: urlOf(o, v, query), body: bodyText, broke: `path ${p.name}` })));
    if (p.in === 'query') {
      options.push(bad.map((v) => ({ method: o.method, url: urlOf(o, base.path, { ...query, [p.name]: v }), body: bodyText,
        broke: `query ${p.name}` })));
    }
  }
  const rb = o.op.requestBody as Json | undefined;
  const schema = rb?.content?.['application/json']?.schema as Json | undefined;
  if (schema) {
    for (const b of invalidBodies(doc, schema, base.body ?? {}, rb?.required === true)) {
      options.push(b.map(({ text, broke }) => ({ method: o.method, url: urlOf(o, base.path, query), body: text, broke })));
    }
  }
  return options.length ? { requests: fc.oneof(...options), ways: options.length } : null;
}
