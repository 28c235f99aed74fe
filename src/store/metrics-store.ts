/**
 * What /metrics reads from the database at scrape time: a few grouped rows each, read in one snapshot. Labels are ids
 * (user and strategy ids, worker ids), never names, addresses or anything secret
 */
import { readOneSnapshot, type Db } from './db.ts';
import { micros } from './rows.ts';

export interface OrderCount {
  userId: string;
  strategyId: string;
  status: string;
  count: number;
}

export interface LedgerTotal {
  userId: string;
  strategyId: string;
  book: string;
  kind: string;
  /** Σ amount of the kind's entries, in micro-USDC */
  amount: bigint;
}

export interface WorkerLeases {
  worker: string;
  /** Live strategies whose lease it holds now */
  strategies: number;
  /** Whether it holds the global jobs' lease */
  global: boolean;
}

export interface MetricsSnapshot {
  orders: OrderCount[];
  ledger: LedgerTotal[];
  leases: WorkerLeases[];
}

/** Live orders by strategy and status, the ledger's sums per strategy, book and kind (ledger_sums), and leases held now */
export async function metricsSnapshot(db: Db, now: Date): Promise<MetricsSnapshot> {
  return db.transaction(async (tx) => {
    await readOneSnapshot(tx);
    const orders = await tx.query<{ u: string; s: string; status: string; n: number }>(`SELECT lt_user_id AS u, lt_strategy_id AS s,
      status, count(*)::int AS n FROM orders WHERE lt_strategy_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
    const ledger = await tx.query<{ u: string; s: string; book: string; kind: string; amount: string }>(`SELECT user_id AS u,
      strategy_id AS s, book, kind, amount::text AS amount FROM ledger_sums WHERE entries > 0 ORDER BY 1, 2, 3, 4`);
    const leases = await tx.query<{ owner: string; strategies: number; global: boolean }>(`SELECT owner,
      count(*) FILTER (WHERE scope = 'strategy')::int AS strategies, bool_or(scope = 'global') AS global
      FROM strategy_leases WHERE owner IS NOT NULL AND expires_at > $1 GROUP BY owner ORDER BY owner`, [now.toISOString()]);
    return {
      orders: orders.map((r) => ({ userId: r.u, strategyId: r.s, status: r.status, count: Number(r.n) })),
      ledger: ledger.map((r) => ({ userId: r.u, strategyId: r.s, book: r.book, kind: r.kind, amount: micros(r.amount) })),
      leases: leases.map((r) => ({ worker: r.owner, strategies: Number(r.strategies), global: r.global === true })),
    };
  });
}
