/** FT strategies (ft_wallets): save, load and list */
import type { FtWallet } from '../domain/ft-wallet.ts';
import type { Ratio, Usdc } from '../domain/money.ts';
import type { Sql } from './db.ts';
import { dec, decOrNull, micros, microsOrNull } from './rows.ts';

const COLUMNS = [
  'wallet_id', 'config_id', 'display_name', 'description', 'detailed_description', 'starting_balance', 'use_model',
  'model_threshold', 'price_min', 'price_max', 'min_edge', 'max_edge', 'bet_size', 'bet_allocation_weight',
  'allocation_method', 'kelly_fraction', 'min_bet', 'max_bet', 'min_trader_resolved_count', 'min_trader_win_rate',
  'max_trader_win_rate', 'min_conviction', 'max_conviction', 'market_categories', 'exclude_market_keywords',
  'min_original_trade_usd', 'max_original_trade_usd', 'target_traders', 'target_trader_name', 'trade_live_only',
  'bypass_filters', 'thesis_tier', 'hypothesis', 'dead_market_guard', 'dead_market_floor',
  'dead_market_max_drift_pct', 'start_date', 'end_date', 'is_active',
] as const;

function toParams(w: FtWallet): unknown[] {
  return [
    w.walletId, w.configId, w.displayName, w.description, w.detailedDescription, dec(w.startingBalance), w.useModel,
    decOrNull(w.modelThreshold), decOrNull(w.priceMin), decOrNull(w.priceMax), decOrNull(w.minEdge),
    decOrNull(w.maxEdge), dec(w.betSize), dec(w.betAllocationWeight), w.allocationMethod, dec(w.kellyFraction),
    decOrNull(w.minBet), decOrNull(w.maxBet), w.minTraderResolvedCount, decOrNull(w.minTraderWinRate),
    decOrNull(w.maxTraderWinRate), decOrNull(w.minConviction), decOrNull(w.maxConviction), w.marketCategories,
    w.excludeMarketKeywords, decOrNull(w.minOriginalTradeUsd), decOrNull(w.maxOriginalTradeUsd), w.targetTraders,
    w.targetTraderName, w.tradeLiveOnly, w.bypassFilters, w.thesisTier, w.hypothesis, w.deadMarketGuard,
    dec(w.deadMarketFloor), dec(w.deadMarketMaxDriftPct), w.startDate.toISOString(), w.endDate?.toISOString() ?? null,
    w.isActive,
  ];
}

/**
 * Whether the user `$param` may read the FT strategy `alias`: a catalogue strategy (no owner), their own, or any one
 * when they are an operator. Every place that shows FT strategies to a user filters with this
 */
export const readableBy = (alias: string, param: string): string =>
  `(${alias}.owner_user_id IS NULL OR ${alias}.owner_user_id = ${param}::uuid
    OR EXISTS (SELECT 1 FROM users r WHERE r.user_id = ${param}::uuid AND r.role = 'operator'))`;

/** Inserts a new strategy owned by `ownerUserId` (null: the catalogue); returns false when the id exists (nothing is overwritten) */
export async function insertWallet(sql: Sql, w: FtWallet, ownerUserId: string | null = null): Promise<boolean> {
  const placeholders = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  const rows = await sql.query(
    `INSERT INTO ft_wallets (${COLUMNS.join(', ')}, owner_user_id) VALUES (${placeholders}, $${COLUMNS.length + 1})
     ON CONFLICT (wallet_id) DO NOTHING RETURNING wallet_id`, [...toParams(w), ownerUserId]);
  return rows.length === 1;
}

/**
 * Inserts new catalogue strategies in one statement (a replay's); throws when an id exists. The rows go as one JSON
 * parameter rather than a parameter per value (2,000 for 50 strategies, each typed and bound apart)
 */
export async function insertWallets(sql: Sql, wallets: readonly FtWallet[]): Promise<void> {
  if (wallets.length === 0) return;
  const rows = wallets.map((w) => {
    const values = toParams(w);
    return Object.fromEntries(COLUMNS.map((c, i) => [c, values[i]]));
  });
  await sql.query(`INSERT INTO ft_wallets (${COLUMNS.join(', ')}) SELECT ${COLUMNS.join(', ')}
    FROM jsonb_populate_recordset(NULL::ft_wallets, $1::jsonb)`, [JSON.stringify(rows)]);
}

/** Replaces every setting of an existing strategy (the caller validated the whole config) */
export async function updateWallet(sql: Sql, w: FtWallet): Promise<boolean> {
  const sets = COLUMNS.slice(1).map((c, i) => `${c} = $${i + 2}`).join(', ');
  const rows = await sql.query(
    `UPDATE ft_wallets SET ${sets}, updated_at = now() WHERE wallet_id = $1 RETURNING wallet_id`, toParams(w));
  return rows.length === 1;
}

/** A strategy by id; with `readerUserId`, only when that user may read it (readableBy), as if it did not exist otherwise */
export async function getWallet(sql: Sql, walletId: string, readerUserId?: string): Promise<FtWallet | null> {
  return (await getWalletWith(sql, walletId, readerUserId ?? null, 'NULL', []))?.wallet ?? null;
}

/**
 * getWallet with, in the same statement, the value of `extra` (an SQL expression over the parameters $1 wallet id,
 * $2 reader and then `params`)
 */
export async function getWalletWith(sql: Sql, walletId: string, readerUserId: string | null, extra: string,
  params: unknown[]): Promise<{ wallet: FtWallet; extra: unknown } | null> {
  const rows = await sql.query(`SELECT ${COLUMNS.join(', ')}, (${extra}) AS extra FROM ft_wallets w WHERE wallet_id = $1
    AND ($2::uuid IS NULL OR ${readableBy('w', '$2')})`, [walletId, readerUserId, ...params]);
  return rows[0] ? { wallet: fromRow(rows[0]), extra: rows[0].extra } : null;
}

/** Those of `walletIds` that `userId` may read (readableBy) */
export async function readableWalletIds(sql: Sql, userId: string, walletIds: string[]): Promise<Set<string>> {
  if (walletIds.length === 0) return new Set();
  const rows = await sql.query<{ wallet_id: string }>(
    `SELECT wallet_id FROM ft_wallets w WHERE wallet_id = ANY($1::text[]) AND ${readableBy('w', '$2')}`, [walletIds, userId]);
  return new Set(rows.map((r) => r.wallet_id));
}

/** Who owns a strategy: null for the catalogue; undefined when there is no such strategy */
export async function walletOwner(sql: Sql, walletId: string): Promise<string | null | undefined> {
  const [row] = await sql.query<{ owner_user_id: string | null }>(
    'SELECT owner_user_id FROM ft_wallets WHERE wallet_id = $1', [walletId]);
  return row ? row.owner_user_id : undefined;
}

export async function listWallets(sql: Sql, options: { activeOnly?: boolean } = {}): Promise<FtWallet[]> {
  const where = options.activeOnly ? 'WHERE is_active' : '';
  const rows = await sql.query(`SELECT ${COLUMNS.join(', ')} FROM ft_wallets ${where} ORDER BY wallet_id`);
  return rows.map(fromRow);
}

/** Marks the wallets as evaluated through a batch at `at` */
export async function markWalletsSynced(sql: Sql, walletIds: string[], at: Date): Promise<void> {
  await sql.query('UPDATE ft_wallets SET last_sync_time = $2 WHERE wallet_id = ANY($1::text[])', [walletIds, at.toISOString()]);
}

export async function countWallets(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM ft_wallets');
  return row?.n ?? 0;
}

function fromRow(r: Record<string, unknown>): FtWallet {
  const u = (k: string) => micros(r[k]) as Usdc;
  const un = (k: string) => microsOrNull(r[k]) as Usdc | null;
  const rn = (k: string) => microsOrNull(r[k]) as Ratio | null;
  return {
    walletId: r.wallet_id as string, configId: r.config_id as string, displayName: r.display_name as string,
    description: r.description as string, detailedDescription: r.detailed_description as string,
    startingBalance: u('starting_balance'), useModel: r.use_model as boolean, modelThreshold: rn('model_threshold'),
    priceMin: microsOrNull(r.price_min), priceMax: microsOrNull(r.price_max), minEdge: rn('min_edge'),
    maxEdge: rn('max_edge'), betSize: u('bet_size'), betAllocationWeight: micros(r.bet_allocation_weight) as Ratio,
    allocationMethod: r.allocation_method as FtWallet['allocationMethod'],
    kellyFraction: micros(r.kelly_fraction) as Ratio, minBet: un('min_bet'), maxBet: un('max_bet'),
    minTraderResolvedCount: r.min_trader_resolved_count === null ? null : Number(r.min_trader_resolved_count),
    minTraderWinRate: rn('min_trader_win_rate'), maxTraderWinRate: rn('max_trader_win_rate'),
    minConviction: rn('min_conviction'), maxConviction: rn('max_conviction'),
    marketCategories: (r.market_categories as string[] | null) ?? null,
    excludeMarketKeywords: (r.exclude_market_keywords as string[] | null) ?? null,
    minOriginalTradeUsd: un('min_original_trade_usd'), maxOriginalTradeUsd: un('max_original_trade_usd'),
    targetTraders: (r.target_traders as string[]) ?? [], targetTraderName: (r.target_trader_name as string) ?? null,
    tradeLiveOnly: r.trade_live_only as boolean, bypassFilters: r.bypass_filters as boolean,
    thesisTier: (r.thesis_tier as string) ?? null, hypothesis: (r.hypothesis as string) ?? null,
    deadMarketGuard: r.dead_market_guard as boolean, deadMarketFloor: micros(r.dead_market_floor),
    deadMarketMaxDriftPct: micros(r.dead_market_max_drift_pct), startDate: new Date(r.start_date as string),
    endDate: r.end_date ? new Date(r.end_date as string) : null, isActive: r.is_active as boolean,
  };
}
