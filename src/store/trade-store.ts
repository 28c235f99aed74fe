/** Source trades, input rejects, trader statistics and followed traders */
import type { TraderStats } from '../domain/evaluate.ts';
import type { Ratio, Shares, Usdc } from '../domain/money.ts';
import type { SourceTrade } from '../domain/trade.ts';
import type { Sql } from './db.ts';
import { PackedColumns } from './packed-columns.ts';
import { micros, microsOrNull } from './rows.ts';

/**
 * Inserts trades not seen before, with their detection time; returns the keys that were new (a seen key is a duplicate).
 * `allNew`: the caller knows none is stored (a replay's fresh database): a plain insert, and a stored key is an error.
 * One statement, in few bytes (the embedded database reads its input at some tens of MB/s): the market's columns are
 * sent once per distinct token (a dictionary the rows index), money as integer micro-units, and the key only when it is
 * not the usual transaction:trader:token:side:size:price (tradeKey), which the statement then builds; each column as
 * one joined text (packed-columns.ts)
 */
export async function insertSourceTrades(sql: Sql, trades: SourceTrade[], source: string, options: { allNew?: boolean } = {}): Promise<Set<string>> {
  if (trades.length === 0) return new Set();
  const tokens = tokenDictionary(trades);
  const p = new PackedColumns();
  const col = <T extends string | bigint | number | null>(type: string, f: (t: SourceTrade) => T) => p.column(trades.map(f), type);
  const tok = <T extends string | number | null>(type: string, f: (t: SourceTrade) => T) => p.column(tokens.list.map(f), type);
  const x = [col('text', (t) => (t.key === tradeKey(t) ? null : t.key)), col('text', (t) => t.trader), col('text', (t) => t.side),
    p.column(tokens.index, 'int'), col('numeric', (t) => t.size), col('numeric', (t) => t.price), col('numeric', (t) => t.usd),
    col('timestamptz', (t) => t.time.toISOString()), col('text', (t) => t.transactionHash),
    col('timestamptz', (t) => t.detectedAt?.toISOString() ?? null)];
  const d = [tok('text', (t) => t.asset), tok('text', (t) => t.conditionId), tok('text', (t) => t.title), tok('text', (t) => t.slug),
    tok('text', (t) => t.eventSlug), tok('text', (t) => t.outcome), tok('int', (t) => t.outcomeIndex)];
  const rows = await sql.query<{ trade_key: string }>(
    `INSERT INTO source_trades (trade_key, trader, side, asset, condition_id, size, price, usd, trade_time, title,
       slug, event_slug, outcome, outcome_index, transaction_hash, source, detected_at)
     WITH d AS MATERIALIZED (SELECT ${d.map((e, i) => `${e} AS ${DICTIONARY[i]}`).join(', ')})
     SELECT coalesce(x.k, x.tx || ':' || x.tr || ':' || d.a[x.i] || ':' || x.sd || ':' || x.sz || ':' || x.p), x.tr, x.sd,
       d.a[x.i], d.c[x.i], x.sz / 1000000, x.p / 1000000, x.u / 1000000, x.tt, d.ti[x.i], d.sl[x.i], d.es[x.i], d.o[x.i],
       d.oi[x.i], x.tx, ${p.value(source)}, x.dt
     FROM d, unnest(${x.join(', ')}) WITH ORDINALITY AS x(k, tr, sd, i, sz, p, u, tt, tx, dt, n)
     ORDER BY x.n
     ${options.allNew ? '' : 'ON CONFLICT (trade_key) DO NOTHING RETURNING trade_key'}`, p.params);
  return new Set(options.allNew ? trades.map((t) => t.key) : rows.map((r) => r.trade_key));
}

/** The token dictionary's columns, arrays computed once (MATERIALIZED) and indexed by each row's `i`: no join, no hash */
const DICTIONARY = ['a', 'c', 'ti', 'sl', 'es', 'o', 'oi'];

/** The key Data API trades get (feeds/data-api-record.ts builds the same): the statement above rebuilds it */
const tradeKey = (t: SourceTrade): string => `${t.transactionHash}:${t.trader}:${t.asset}:${t.side}:${t.size}:${t.price}`;

/** The distinct (token, market columns) of the trades, and each trade's 1-based index into them */
function tokenDictionary(trades: readonly SourceTrade[]): { list: SourceTrade[]; index: number[] } {
  // By token, then the market columns compared (a token's trades almost always carry the same ones): no key string per trade
  const byAsset = new Map<string, number[]>();
  const list: SourceTrade[] = [];
  const index = trades.map((t) => {
    let ids = byAsset.get(t.asset);
    if (!ids) byAsset.set(t.asset, (ids = []));
    const found = ids.find((id) => sameMarketColumns(list[id - 1]!, t));
    if (found !== undefined) return found;
    const id = list.push(t);
    ids.push(id);
    return id;
  });
  return { list, index };
}

const sameMarketColumns = (a: SourceTrade, b: SourceTrade): boolean => a.conditionId === b.conditionId && a.title === b.title
  && a.slug === b.slug && a.eventSlug === b.eventSlug && a.outcome === b.outcome && a.outcomeIndex === b.outcomeIndex;

/** Adds to the per-hour counters of refused input records */
export async function countRejects(sql: Sql, source: string, at: Date, counts: Map<string, number>): Promise<void> {
  for (const [reason, n] of counts) {
    if (n <= 0) continue;
    await sql.query(
      `INSERT INTO ingest_rejects (hour, source, reason, count) VALUES (date_trunc('hour', $1::timestamptz), $2, $3, $4)
       ON CONFLICT (hour, source, reason) DO UPDATE SET count = ingest_rejects.count + EXCLUDED.count`,
      [at.toISOString(), source, reason, n]);
  }
}

/** Shares the trader held of a token just before a trade (BUYs minus SELLs seen, in time then key order) */
export async function holdingBefore(sql: Sql, trade: SourceTrade): Promise<Shares> {
  const [row] = await sql.query<{ held: string | null }>(
    `SELECT sum(CASE WHEN side = 'BUY' THEN size ELSE -size END) AS held FROM source_trades
     WHERE trader = $1 AND asset = $2 AND (trade_time, trade_key) < ($3::timestamptz, $4)`,
    [trade.trader, trade.asset, trade.time.toISOString(), trade.key]);
  return (row?.held ? micros(row.held) : 0n) as Shares;
}

export async function loadTraderStats(sql: Sql, traders: string[]): Promise<Map<string, TraderStats>> {
  if (traders.length === 0) return new Map();
  const rows = await sql.query(
    'SELECT trader, win_rate, resolved_count, avg_trade_usd FROM trader_stats WHERE trader = ANY($1::text[])', [traders]);
  return new Map(rows.map((r) => [r.trader as string, {
    winRate: microsOrNull(r.win_rate) as Ratio | null, resolvedCount: Number(r.resolved_count),
    avgTradeUsd: microsOrNull(r.avg_trade_usd) as Usdc | null,
  }]));
}

/** How far back trader statistics look: the original's 30-day (`d30_`) window */
export const TRADER_STATS_WINDOW_DAYS = 30;

/**
 * Recomputes statistics for the given traders as of `asOf`, from trades Tandem has seen in the window:
 * win rate = BUY trades whose token paid 1 / BUY trades on markets that resolved 1-or-0 by `asOf`
 * (void and 50-50 resolutions count as neither); average size = mean USD of all their trades.
 * Imported statistics stay until Tandem has resolved history of its own for that trader
 */
export async function recomputeTraderStats(sql: Sql, traders: string[], asOf: Date): Promise<number> {
  if (traders.length === 0) return 0;
  const from = new Date(asOf.getTime() - TRADER_STATS_WINDOW_DAYS * 86_400_000);
  const rows = await sql.query(
    `WITH w AS (
       SELECT t.trader, t.side, t.usd,
         CASE WHEN m.resolved_at IS NOT NULL AND m.resolved_at <= $3
           THEN m.outcome_prices[array_position(m.clob_token_ids, t.asset)] END AS payout
       FROM source_trades t JOIN markets m ON m.condition_id = t.condition_id
       WHERE t.trader = ANY($1::text[]) AND t.trade_time >= $2 AND t.trade_time <= $3)
     INSERT INTO trader_stats (trader, window_days, wins, resolved_count, win_rate, trade_count, avg_trade_usd,
       source, computed_at)
     SELECT trader, $4, wins, resolved, CASE WHEN resolved > 0 THEN round(wins::numeric / resolved, 6) END,
       trades, round(avg_usd, 6), 'computed', $3
     FROM (SELECT trader, count(*) FILTER (WHERE side = 'BUY' AND payout = 1)::int AS wins,
             count(*) FILTER (WHERE side = 'BUY' AND payout IN (0, 1))::int AS resolved,
             count(*)::int AS trades, avg(usd) AS avg_usd FROM w GROUP BY trader) s
     ON CONFLICT (trader) DO UPDATE SET window_days = EXCLUDED.window_days, wins = EXCLUDED.wins,
       resolved_count = EXCLUDED.resolved_count, win_rate = EXCLUDED.win_rate, trade_count = EXCLUDED.trade_count,
       avg_trade_usd = EXCLUDED.avg_trade_usd, source = 'computed', computed_at = EXCLUDED.computed_at
     WHERE trader_stats.source = 'computed' OR EXCLUDED.resolved_count > 0
     RETURNING trader`,
    [traders, from.toISOString(), asOf.toISOString(), TRADER_STATS_WINDOW_DAYS]);
  return rows.length;
}

/** Traders to fetch: every strategy's targets plus the followed list, each with its newest trade seen */
export async function followedTraders(sql: Sql): Promise<{ address: string; targeted: boolean; since: Date | null }[]> {
  const rows = await sql.query<{ address: string; targeted: boolean; since: Date | null }>(
    `WITH t AS (SELECT DISTINCT unnest(target_traders) AS address FROM ft_wallets WHERE is_active),
          f AS (SELECT address FROM followed_traders WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.address = followed_traders.address))
     SELECT a.address, a.targeted, (SELECT max(trade_time) FROM source_trades s WHERE s.trader = a.address) AS since
     FROM (SELECT address, true AS targeted FROM t UNION ALL SELECT address, false FROM f) a ORDER BY a.address`);
  return rows.map((r) => ({ address: r.address, targeted: r.targeted, since: r.since ? new Date(r.since) : null }));
}


export async function addFollowed(sql: Sql, addresses: string[]): Promise<void> {
  await sql.query(`INSERT INTO followed_traders (address, source) SELECT unnest($1::text[]), 'manual'
    ON CONFLICT (address) DO NOTHING`, [addresses]);
}

export async function removeFollowed(sql: Sql, addresses: string[]): Promise<void> {
  await sql.query('DELETE FROM followed_traders WHERE address = ANY($1::text[])', [addresses]);
}

/** Every trader with a stored trade in one of the markets */
export async function tradersInMarkets(sql: Sql, conditionIds: string[]): Promise<string[]> {
  const rows = await sql.query<{ trader: string }>(
    'SELECT DISTINCT trader FROM source_trades WHERE condition_id = ANY($1::text[])', [conditionIds]);
  return rows.map((r) => r.trader);
}

/** Markets Tandem has source trades in since `since` that it has not seen resolve yet */
export async function unresolvedSeenConditionIds(sql: Sql, since: Date): Promise<string[]> {
  const rows = await sql.query<{ condition_id: string }>(
    `SELECT DISTINCT t.condition_id FROM source_trades t JOIN markets m ON m.condition_id = t.condition_id
     WHERE m.resolved_at IS NULL AND t.trade_time >= $1 ORDER BY t.condition_id`, [since.toISOString()]);
  return rows.map((r) => r.condition_id);
}
