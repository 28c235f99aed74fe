/** Markets: upsert from a market source, load by condition id, mark final resolutions */
import type { Market } from '../domain/market.ts';
import type { Sql } from './db.ts';
import { dateOrNull, decOrNull, micros, microsOrNull } from './rows.ts';

const COLUMNS = ['condition_id', 'question', 'slug', 'event_slug', 'outcomes', 'clob_token_ids', 'tags', 'tick_size', 'min_size',
  'neg_risk', 'closed', 'accepting_orders', 'end_time', 'game_start_time', 'closed_time', 'resolution_status', 'outcome_prices',
  'winner', 'resolved_at'] as const;
const RETURNED = COLUMNS.map((c) => (c === 'outcome_prices' ? 'outcome_prices::text[] AS outcome_prices' : c)).join(', ');
const SELECT = `SELECT ${RETURNED} FROM markets`;

const UPSERT_COLUMNS = `condition_id, question, slug, event_slug, outcomes, clob_token_ids, tags, tick_size, min_size,
  neg_risk, closed, accepting_orders, end_time, game_start_time, closed_time, resolution_status, outcome_prices, source`;
const PARAMS_PER_MARKET = 18;
/** Markets per statement (PostgreSQL takes at most 65535 parameters) */
const UPSERT_CHUNK = 1000;

/**
 * Inserts or refreshes markets, many per statement; a market already resolved keeps its recorded resolution. A market
 * given twice is written as its last version (one statement may touch a row once)
 */
export async function upsertMarkets(sql: Sql, markets: Market[], source: string): Promise<void> {
  await upsert(sql, markets, source, '');
}

/**
 * upsertMarkets, returning the rows it wrote as loadMarkets reads them (one statement, not two); a market it left as it
 * was (already resolved) is not in the map
 */
export async function upsertAndLoadMarkets(sql: Sql, markets: Market[], source: string): Promise<Map<string, StoredMarket>> {
  return new Map((await upsert(sql, markets, source, `RETURNING ${RETURNED}`)).map((r) => [r.condition_id as string, fromRow(r)]));
}

async function upsert(sql: Sql, markets: Market[], source: string, returning: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const latest = [...new Map(markets.map((m) => [m.conditionId, m])).values()];
  for (let i = 0; i < latest.length; i += UPSERT_CHUNK) {
    const chunk = latest.slice(i, i + UPSERT_CHUNK);
    const values = chunk.map((_, r) => `(${Array.from({ length: PARAMS_PER_MARKET }, (_c, k) => `$${r * PARAMS_PER_MARKET + k + 1}`)
      .map((p, k) => (k === 16 ? `${p}::numeric[]` : k === 12 || k === 13 || k === 14 ? `${p}::timestamptz` : p)).join(', ')})`);
    out.push(...await sql.query(
      `INSERT INTO markets (${UPSERT_COLUMNS}) VALUES ${values.join(', ')}
       ON CONFLICT (condition_id) DO UPDATE SET question = EXCLUDED.question, slug = EXCLUDED.slug,
         event_slug = EXCLUDED.event_slug, outcomes = EXCLUDED.outcomes, clob_token_ids = EXCLUDED.clob_token_ids,
         tags = EXCLUDED.tags, tick_size = EXCLUDED.tick_size, min_size = EXCLUDED.min_size,
         neg_risk = EXCLUDED.neg_risk, closed = EXCLUDED.closed, accepting_orders = EXCLUDED.accepting_orders,
         end_time = EXCLUDED.end_time, game_start_time = EXCLUDED.game_start_time,
         closed_time = EXCLUDED.closed_time, resolution_status = EXCLUDED.resolution_status,
         outcome_prices = EXCLUDED.outcome_prices, source = EXCLUDED.source, updated_at = now()
       WHERE markets.resolved_at IS NULL ${returning}`,
      chunk.flatMap((m) => [m.conditionId, m.question, m.slug, m.eventSlug, m.outcomes, m.tokenIds, m.tags, decOrNull(m.tickSize),
        decOrNull(m.minSize), m.negRisk, m.closed, m.acceptingOrders, iso(m.endTime), iso(m.gameStartTime),
        iso(m.closedTime), m.resolutionStatus, m.outcomePrices?.map((p) => decOrNull(p)) ?? null, source]),
    ));
  }
  return out;
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export interface StoredMarket extends Market {
  winner: string | null;
  resolvedAt: Date | null;
}

export async function loadMarkets(sql: Sql, conditionIds: string[]): Promise<Map<string, StoredMarket>> {
  if (conditionIds.length === 0) return new Map();
  const rows = await sql.query(`${SELECT} WHERE condition_id = ANY($1::text[])`, [conditionIds]);
  return new Map(rows.map((r) => [r.condition_id as string, fromRow(r)]));
}

/** Records that Tandem saw the market final; only the first call takes effect */
export async function markResolved(sql: Sql, conditionId: string, winner: string | null, at: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE markets SET winner = $2, resolved_at = $3 WHERE condition_id = $1 AND resolved_at IS NULL
     RETURNING condition_id`, [conditionId, winner, at.toISOString()]);
  return rows.length === 1;
}

/** The markets columns of the table aliased `alias`, named `prefix` + column, for a statement that reads a market beside other rows */
export const prefixedMarketColumns = (alias: string, prefix: string): string => COLUMNS.map((c) =>
  `${alias}.${c}${c === 'outcome_prices' ? '::text[]' : ''} AS ${prefix}${c}`).join(', ');

/** The market prefixedMarketColumns read (null: no market row joined) */
export const marketFromPrefixed = (r: Record<string, unknown>, prefix: string): StoredMarket | null =>
  (r[`${prefix}condition_id`] == null ? null : fromRow(Object.fromEntries(COLUMNS.map((c) => [c, r[`${prefix}${c}`]]))));

function fromRow(r: Record<string, unknown>): StoredMarket {
  return {
    conditionId: r.condition_id as string, question: r.question as string, slug: r.slug as string,
    eventSlug: (r.event_slug as string) ?? null, outcomes: r.outcomes as string[], tokenIds: r.clob_token_ids as string[],
    tags: (r.tags as string[]) ?? [], tickSize: microsOrNull(r.tick_size), minSize: microsOrNull(r.min_size),
    negRisk: r.neg_risk as boolean, closed: r.closed as boolean, acceptingOrders: (r.accepting_orders as boolean) ?? null,
    endTime: dateOrNull(r.end_time), gameStartTime: dateOrNull(r.game_start_time), closedTime: dateOrNull(r.closed_time),
    resolutionStatus: (r.resolution_status as string) ?? null,
    outcomePrices: r.outcome_prices ? (r.outcome_prices as string[]).map(micros) : null,
    winner: (r.winner as string) ?? null, resolvedAt: dateOrNull(r.resolved_at),
  };
}

/** What a market source left in the database: how many markets it gave, and those not yet resolved */
export async function marketsOfSource(sql: Sql, source: string): Promise<{ count: number; unresolved: StoredMarket[] }> {
  const [row] = await sql.query(`SELECT count(*)::int AS n FROM markets WHERE source = $1`, [source]);
  const unresolved = await sql.query(`${SELECT} WHERE source = $1 AND resolved_at IS NULL ORDER BY condition_id`, [source]);
  return { count: Number(row?.n ?? 0), unresolved: unresolved.map(fromRow) };
}
