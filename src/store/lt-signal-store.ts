/** LT signals read from FT: the mirrored wallet's paper orders (entries) and exits since launch with no LT disposition yet */
import { strategyLeaseKey } from './lease-store.ts';
import { takenMarket, type TakenSignal } from '../domain/ft-refilter.ts';
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Price, Ratio, Shares, Usdc } from '../domain/money.ts';
import type { Side } from '../domain/trade.ts';
import { isDb, isStalePlan, type Db, type Sql } from './db.ts';
import { launchedSql, ltStrategyFromRow } from './lt-strategy-store.ts';
import { marketFromPrefixed, prefixedMarketColumns } from './market-store.ts';
import { dateOrNull, micros, microsOrNull } from './rows.ts';

export interface SignalSizing {
  edge: Ratio | null;
  winRate: Ratio | null;
  conviction: Ratio | null;
  modelProbability: Ratio | null;
}

export interface Signal {
  kind: 'entry' | 'exit';
  /** The FT paper order: the entry itself, or the entry an exit closes part of */
  ftOrderId: string;
  /** 'entry' or 'exit:<ft close id>' */
  leg: string;
  tokenId: string;
  conditionId: string;
  /** The trader's price: their BUY for an entry, their SELL for an exit (never FT's slipped entry price) */
  price: Price;
  /** FT's paper bet (entry) or paper proceeds (exit) */
  sizeUsd: Usdc;
  sourceTradeId: string;
  sourceTradeAt: Date;
  /** When FT recorded the signal (its evaluation time) */
  signalAt: Date;
  sizing: SignalSizing;
  /** Exits: the paper shares closed, and the paper shares open just before this close (f = closed / before) */
  exit: { closed: Shares; before: Shares } | null;
  /** The transaction that wrote FT's row (the paper order, or the exit's close): its created_xid (migration 0026) */
  recordedXid: bigint;
  /**
   * Entries: the FT order as FT took it (its source trade, market and recorded facts), read with the signal so that
   * deciding it costs no statement more; null for an exit, or an entry whose trade or market row is missing
   */
  taken: TakenSignal | null;
}

/** Where a page of signals starts: after this (source trade time, FT order id, leg) */
export interface SignalCursor {
  at: Date;
  ftOrderId: string;
  leg: string;
}

/** The columns of an FT order as FT took it, each named `prefix` + name: over TAKEN_JOINS's aliases o (ft_orders), t, m */
const takenColumns = (prefix: string): string => `t.trade_key AS ${prefix}trade_key, t.trader AS ${prefix}trader,
  t.side AS ${prefix}side, t.asset AS ${prefix}asset, t.condition_id AS ${prefix}condition_id, t.size::text AS ${prefix}size,
  t.price::text AS ${prefix}price, t.usd::text AS ${prefix}usd, t.trade_time AS ${prefix}trade_time, t.title AS ${prefix}title,
  t.slug AS ${prefix}slug, t.event_slug AS ${prefix}event_slug, t.outcome AS ${prefix}outcome,
  t.outcome_index AS ${prefix}outcome_index, t.transaction_hash AS ${prefix}transaction_hash,
  o.market_end_time AS ${prefix}market_end_time, o.trader_win_rate::text AS ${prefix}win_rate,
  o.trader_resolved_count AS ${prefix}trader_resolved_count, o.conviction::text AS ${prefix}conviction,
  o.model_probability::text AS ${prefix}model_probability, ${prefixedMarketColumns('m', `${prefix}m_`)}`;

/** An FT order (o), its source trade (t) and the trade's market (m) */
const TAKEN_JOINS = `ft_orders o JOIN source_trades t ON t.trade_key = o.source_trade_id
  LEFT JOIN markets m ON m.condition_id = t.condition_id`;
const TAKEN_PREFIX = 'taken_';

/**
 * The pending signals. Every probe of lt_dispositions is a scalar subquery on its full primary key, so each FT order or
 * exit read costs one index probe whatever the planner believes of the table sizes (PGlite never analyzes: with a join
 * the planner chose plans quadratic in the decided signals). `$10`, when set, reads only FT orders and exits recorded
 * by a transaction from then on (created_xid, migration 0026), through the (wallet_id, created_xid) indexes: the
 * executor's window (src/engine/lt-signals.ts). The window's FT orders are a MATERIALIZED CTE read in created_xid order,
 * which only the (wallet_id, created_xid) index gives without a sort: otherwise the generic plan took the (wallet_id,
 * order_time …) index, whose estimate is the same on tables without statistics (PGlite), and filtered every order since
 * launch, so a pass cost grew with the strategy's history (test: lt-signals, "a windowed pass reads the rows of its
 * window"). With statistics (PostgreSQL's autovacuum) a generic plan takes `created_xid >= $10` for a third of the table
 * and scans it all; bounded above as well (by far more transaction ids than a database will ever use), the range counts
 * as narrow (0.5 %) and the index is taken (measured with created_at, as the window was kept before: with 2,000 orders
 * analyzed, 2 rows read instead of 2,002; the page now also runs with sequential scans off on PostgreSQL). The
 * window's exits are a CTE read the same way. FT's evaluation time is a probe of ft_dispositions' primary key, for the
 * same reason
 */
const pendingSql = (windowed: boolean) => `SELECT * FROM (
  ${windowed ? `WITH recorded AS MATERIALIZED (SELECT * FROM ft_orders WHERE wallet_id = $3 AND ${IN_WINDOW} ORDER BY created_xid),
  recorded_exits AS MATERIALIZED (SELECT * FROM ft_closes WHERE kind = 'exit' AND wallet_id = $3 AND ${IN_WINDOW}
    ORDER BY created_xid)
  ` : ''}SELECT 'entry' AS kind, o.order_id AS ft_order_id, 'entry' AS leg, o.asset, o.condition_id, o.trader_price::text AS price,
    o.size::text AS size_usd, o.source_trade_id, o.order_time AS source_at,
    coalesce(${evaluatedAt('o.wallet_id', 'o.source_trade_id')}, o.created_at) AS signal_at,
    o.edge_pct::text AS edge, o.trader_win_rate::text AS win_rate, o.conviction::text AS conviction,
    o.model_probability::text AS model_probability, NULL::text AS closed, NULL::text AS before, o.created_xid::text AS recorded_xid
  FROM ${windowed ? 'recorded' : 'ft_orders'} o
  WHERE o.wallet_id = $3 AND o.order_time >= $4
    AND (SELECT 1 FROM lt_dispositions x WHERE x.user_id = $1 AND x.strategy_id = $2
      AND x.ft_order_id = o.order_id AND x.leg = 'entry') IS NULL
  UNION ALL
  SELECT 'exit', c.order_id, 'exit:' || c.close_id, o.asset, o.condition_id, c.price::text, c.proceeds::text,
    c.source_trade_id, c.closed_at, coalesce(${evaluatedAt('c.wallet_id', 'c.source_trade_id')}, c.created_at), NULL, NULL, NULL, NULL, c.shares::text,
    (o.shares - coalesce((SELECT sum(p.shares) FROM ft_closes p WHERE p.order_id = c.order_id AND p.kind = 'exit'
      AND (p.closed_at, p.source_trade_id) < (c.closed_at, c.source_trade_id)), 0))::text, c.created_xid::text
  FROM ${windowed ? 'recorded_exits' : 'ft_closes'} c JOIN ft_orders o ON o.order_id = c.order_id
  WHERE c.kind = 'exit' AND c.wallet_id = $3 AND o.wallet_id = $3 AND o.order_time >= $4 AND c.closed_at >= $4
    AND (SELECT e.disposition FROM lt_dispositions e WHERE e.user_id = $1 AND e.strategy_id = $2
      AND e.ft_order_id = c.order_id AND e.leg = 'entry') = 'ordered'
    AND (SELECT 1 FROM lt_dispositions x WHERE x.user_id = $1 AND x.strategy_id = $2
      AND x.ft_order_id = c.order_id AND x.leg = 'exit:' || c.close_id) IS NULL
) s
WHERE ($5::timestamptz IS NULL OR (s.source_at, s.ft_order_id, s.leg) > ($5::timestamptz, $6::uuid, $7::text))
  AND ($9::text IS NULL OR s.source_trade_id = $9)
ORDER BY s.source_at, s.ft_order_id, s.leg LIMIT $8`;

/** A row recorded in the window (created_xid from $10 on), bounded above too so that a generic plan counts it as narrow */
const IN_WINDOW = `created_xid >= $10::bigint AND created_xid < $10::bigint + ${2n ** 62n}`;

/** When FT evaluated the trade (its disposition's time), by the disposition's primary key */
function evaluatedAt(wallet: string, trade: string): string {
  return `(SELECT d.evaluated_at FROM ft_dispositions d WHERE d.wallet_id = ${wallet} AND d.trade_key = ${trade})`;
}

/**
 * Where a signal window may start: the xmin of the page's snapshot. Every transaction below it had ended (committed: its
 * rows are visible to the page; or rolled back), and a row any other transaction records has a created_xid at or above
 * it (migration 0026), however long that transaction was open and whatever the clocks said
 */
const WINDOW_XMIN_SQL = 'pg_snapshot_xmin(pg_current_snapshot())::text';

/**
 * The page with each entry's FT order as FT took it (its columns prefixed): index probes on the page's rows only. Every
 * row carries where the next signal window may start (WINDOW_XMIN_SQL, of the page's own snapshot); an empty page is
 * one row that has only that
 */
const pageSql = (windowed: boolean) => `SELECT w.window_xmin, q.* FROM (SELECT ${WINDOW_XMIN_SQL} AS window_xmin) w
  LEFT JOIN (SELECT p.*, ${takenColumns(TAKEN_PREFIX)}
    FROM (${pendingSql(windowed)}) p LEFT JOIN (${TAKEN_JOINS}) ON p.kind = 'entry' AND o.order_id = p.ft_order_id) q ON true
  ORDER BY q.source_at, q.ft_order_id, q.leg`;
const PENDING_SQL = pageSql(false);
const PENDING_WINDOW_SQL = pageSql(true);

/**
 * On PostgreSQL the page runs in a transaction of its own with sequential scans off, all sent in one network write
 * (BEGIN, the setting, the page, COMMIT): every table it reads is then read by index, whatever the planner believed of
 * the tables' sizes when it planned the page. Measured: autovacuum analyzed lt_dispositions while it held a few dozen
 * rows, the page's cached generic plan then probed it by a sequential scan per window row, and at the bench's ~40
 * signals a second the page grew from ~0.9 to ~9 ms over 700 signals, until the next analyze (2 runs in 5). An index
 * probe's cost does not grow with the table. PGlite never analyzes by itself, so its tables keep the planner's
 * never-analyzed estimate (at least 10 pages), for which it takes the indexes; there the page runs alone (test:
 * lt-signals, "the signal page reads every table by index")
 */
const PAGE_SETTINGS = [{ text: 'SET LOCAL enable_seqscan = off' }] as const;

/** The statements the page runs after on `kind` (none on PGlite, where it runs alone) */
export const pageSettings = (kind: Db['kind']): readonly { text: string }[] => (kind === 'postgres' ? PAGE_SETTINGS : []);

const ratioOrNull = (v: unknown) => microsOrNull(v) as Ratio | null;

function signalFromRow(r: Record<string, unknown>): Signal {
  const kind = r.kind as Signal['kind'];
  return {
    kind, ftOrderId: r.ft_order_id as string, leg: r.leg as string, tokenId: r.asset as string,
    conditionId: r.condition_id as string, price: micros(r.price) as Price, sizeUsd: micros(r.size_usd) as Usdc,
    sourceTradeId: r.source_trade_id as string, sourceTradeAt: new Date(r.source_at as string),
    signalAt: dateOrNull(r.signal_at) ?? new Date(r.source_at as string),
    sizing: {
      edge: ratioOrNull(r.edge), winRate: ratioOrNull(r.win_rate), conviction: ratioOrNull(r.conviction),
      modelProbability: ratioOrNull(r.model_probability),
    },
    exit: kind === 'exit' ? { closed: micros(r.closed) as Shares, before: micros(r.before) as Shares } : null,
    recordedXid: BigInt(r.recorded_xid as string),
    taken: kind === 'entry' ? takenFromRow(r, TAKEN_PREFIX) : null,
  };
}

/** A page of pending signals, and where a signal window may start as it was read (null: no page was read) */
export interface SignalPage {
  signals: Signal[];
  windowXmin: bigint | null;
}

/**
 * Up to `limit` pending signals after `after`, oldest first (source trade time, then FT order id, then leg); with
 * `sourceTradeId`, only the signals of that source trade (a replay acts on each trade's signals at their own time);
 * with `recordedFrom`, only those recorded by a transaction from then on (created_xid)
 */
export async function pendingSignalsPage(sql: Sql, s: LtStrategy, after: SignalCursor | null, limit: number,
  sourceTradeId: string | null = null, recordedFrom: bigint | null = null): Promise<SignalPage> {
  if (s.launchedAt === null) return { signals: [], windowXmin: null }; // nothing before launch ever executes
  const params: unknown[] = [s.userId, s.strategyId, s.ftWalletId, s.launchedAt.toISOString(), after?.at.toISOString() ?? null,
    after?.ftOrderId ?? null, after?.leg ?? null, limit, sourceTradeId];
  const [text, values] = recordedFrom === null ? [PENDING_SQL, params] : [PENDING_WINDOW_SQL, [...params, recordedFrom.toString()]];
  const settings = isDb(sql) ? pageSettings(sql.kind) : [];
  const inOwnTransaction = (db: Db) => db.transaction((tx) => tx.query<Record<string, unknown>>(text, values, { before: settings, commit: true }));
  // A plan another connection's schema change made stale fails the transaction (a plain query is sent again by the
  // database itself): the page is read once more, under the statement's new name
  const rows = isDb(sql) && settings.length > 0
    ? await inOwnTransaction(sql).catch((e: unknown) => (isStalePlan(e) ? inOwnTransaction(sql) : Promise.reject(e)))
    : await sql.query<Record<string, unknown>>(text, values);
  return { signals: rows.filter((r) => r.kind != null).map(signalFromRow), windowXmin: BigInt(rows[0]!.window_xmin as string) };
}

/** The launched strategies of a pass, and each strategy's FT configuration version */
export interface LaunchedPass {
  strategies: LtStrategy[];
  /** The FT strategy's config_version (migration 0025) as the pass began, by strategyLeaseKey; absent: none */
  ftConfigVersions: Map<string, string>;
}

/** The launched, active strategies and, in the same statement, each one's FT configuration version */
export async function launchedPass(sql: Sql): Promise<LaunchedPass> {
  const rows = await sql.query<Record<string, unknown>>(launchedSql(`(SELECT w.config_version::text FROM ft_wallets w WHERE w.wallet_id = lt_strategies.ft_wallet_id) AS ft_config_version`));
  const strategies = rows.map(ltStrategyFromRow);
  const ftConfigVersions = new Map<string, string>();
  rows.forEach((r, i) => {
    if (r.ft_config_version != null) ftConfigVersions.set(strategyLeaseKey(strategies[i]!), r.ft_config_version as string);
  });
  return { strategies, ftConfigVersions };
}

/** What takenColumns(prefix) read; null when no order, trade or market row was joined */
function takenFromRow(r: Record<string, unknown>, prefix: string): TakenSignal | null {
  const col = (name: string): unknown => r[`${prefix}${name}`];
  if (col('trade_key') == null) return null;
  const market = marketFromPrefixed(r, `${prefix}m_`);
  if (!market) return null;
  const time = new Date(col('trade_time') as string);
  return {
    trade: {
      key: col('trade_key') as string, trader: col('trader') as string, side: col('side') as Side, asset: col('asset') as string,
      conditionId: col('condition_id') as string, size: micros(col('size')) as Shares, price: micros(col('price')) as Price,
      usd: micros(col('usd')) as Usdc, time, title: col('title') as string, slug: col('slug') as string,
      eventSlug: col('event_slug') as string, outcome: col('outcome') as string,
      outcomeIndex: col('outcome_index') === null ? null : Number(col('outcome_index')),
      transactionHash: col('transaction_hash') as string,
    },
    market: takenMarket(market, time, dateOrNull(col('market_end_time'))),
    facts: { winRate: ratioOrNull(col('win_rate')), conviction: ratioOrNull(col('conviction')),
      resolvedCount: Number(col('trader_resolved_count') ?? 0) },
    modelProbability: ratioOrNull(col('model_probability')),
  };
}

const SIGNAL_TRADES_SQL = `SELECT source_trade_id FROM ft_orders WHERE wallet_id = ANY($1::text[]) AND source_trade_id = ANY($2::text[])
  UNION SELECT source_trade_id FROM ft_closes
  WHERE kind = 'exit' AND wallet_id = ANY($1::text[]) AND source_trade_id = ANY($2::text[])`;

/** Which of `tradeKeys` gave one of the FT wallets an entry or an exit: the trades a replay runs the LT executor for */
export async function signalTradeKeys(sql: Sql, walletIds: readonly string[], tradeKeys: readonly string[]): Promise<Set<string>> {
  if (walletIds.length === 0 || tradeKeys.length === 0) return new Set();
  const rows = await sql.query<{ source_trade_id: string }>(SIGNAL_TRADES_SQL, [walletIds, tradeKeys]);
  return new Set(rows.map((r) => r.source_trade_id));
}
