/**
 * The FT strategies' sums kept with the writes (migration 0020: ft_wallet_sums, ft_token_sums), and the same read
 * from every paper order and close: the reading they must equal (tests and checks compare the two)
 */
import type { Sql } from './db.ts';
import { micros } from './rows.ts';

export interface FtWalletSums {
  orders: number; open: number; won: number; lost: number; sold: number; void: number;
  openCost: bigint; realized: bigint;
}

export interface FtTokenSums { orders: number; openShares: bigint; openCost: bigint }

export interface FtSums {
  /** per strategy with an order or a close */
  wallets: Record<string, FtWalletSums>;
  /** per `wallet_id|condition_id|asset` with an open order */
  tokens: Record<string, FtTokenSums>;
  /** per strategy its closes in (closed_at, close_id) order: `closed_at µs|close_id|realized P&L through it` */
  curve: string[];
}

const WALLET_COLS = 'wallet_id, orders, open, won, lost, sold, void, open_cost::text, realized::text';
const TOKEN_COLS = 'wallet_id, condition_id, asset, orders, open_shares::text, open_cost::text';

/** A close's time in whole microseconds since the epoch (a Date would lose them) */
const AT = '(extract(epoch FROM closed_at) * 1000000)::bigint::text AS at';
const CURVE_ORDER = 'ORDER BY wallet_id, closed_at, close_id';

function sumsOf(wallets: Record<string, unknown>[], tokens: Record<string, unknown>[], curve: Record<string, unknown>[]): FtSums {
  const out: FtSums = { wallets: {}, tokens: {}, curve: [] };
  for (const r of curve) {
    out.curve.push(`${String(r.wallet_id)}|${String(r.at)}|${String(r.close_id)}|${micros(r.cum)}`);
  }
  for (const r of wallets) {
    out.wallets[r.wallet_id as string] = {
      orders: Number(r.orders), open: Number(r.open), won: Number(r.won), lost: Number(r.lost), sold: Number(r.sold),
      void: Number(r.void), openCost: micros(r.open_cost), realized: micros(r.realized),
    };
  }
  for (const r of tokens) {
    out.tokens[`${String(r.wallet_id)}|${String(r.condition_id)}|${String(r.asset)}`] = {
      orders: Number(r.orders), openShares: micros(r.open_shares), openCost: micros(r.open_cost),
    };
  }
  return out;
}

/** The kept sums, as they are */
export async function ftKeptSums(sql: Sql): Promise<FtSums> {
  return sumsOf(await sql.query(`SELECT ${WALLET_COLS} FROM ft_wallet_sums WHERE (orders, realized) <> (0, 0)`),
    await sql.query(`SELECT ${TOKEN_COLS} FROM ft_token_sums`),
    await sql.query(`SELECT wallet_id, ${AT}, close_id, cum::text FROM ft_close_curve ${CURVE_ORDER}`));
}

/** The same sums from every paper order and close */
export async function ftSumsFromFacts(sql: Sql): Promise<FtSums> {
  const wallets = await sql.query(`SELECT ${WALLET_COLS} FROM (
      SELECT coalesce(o.wallet_id, c.wallet_id) AS wallet_id, coalesce(o.orders, 0) AS orders, coalesce(o.open, 0) AS open,
        coalesce(o.won, 0) AS won, coalesce(o.lost, 0) AS lost, coalesce(o.sold, 0) AS sold, coalesce(o.void, 0) AS void,
        coalesce(o.open_cost, 0) AS open_cost, coalesce(c.realized, 0) AS realized
      FROM (SELECT wallet_id, count(*) AS orders, count(*) FILTER (WHERE outcome = 'OPEN') AS open,
          count(*) FILTER (WHERE outcome = 'WON') AS won, count(*) FILTER (WHERE outcome = 'LOST') AS lost,
          count(*) FILTER (WHERE outcome = 'SOLD') AS sold, count(*) FILTER (WHERE outcome = 'VOID') AS void,
          sum(open_cost) FILTER (WHERE outcome = 'OPEN') AS open_cost
        FROM ft_orders GROUP BY wallet_id) o
      FULL JOIN (SELECT wallet_id, sum(pnl) AS realized FROM ft_closes GROUP BY wallet_id) c ON c.wallet_id = o.wallet_id) x
    WHERE (orders, realized) <> (0, 0)`);
  const tokens = await sql.query(`SELECT ${TOKEN_COLS} FROM (SELECT wallet_id, condition_id, asset, count(*) AS orders,
      sum(open_shares) AS open_shares, sum(open_cost) AS open_cost FROM ft_orders WHERE outcome = 'OPEN' GROUP BY 1, 2, 3) x`);
  const curve = await sql.query(`SELECT wallet_id, ${AT}, close_id,
      (sum(pnl) OVER (PARTITION BY wallet_id ORDER BY closed_at, close_id))::text AS cum FROM ft_closes ${CURVE_ORDER}`);
  return sumsOf(wallets, tokens, curve);
}
