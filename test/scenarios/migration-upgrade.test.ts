/**
 * Migration 0004 on a database written before it: lt_orders there still has its stored status, prices, fill rate,
 * realized P&L and outcome, and the quality rows their copy of the order's status. After the upgrade those columns are gone and lt_order_facts derives every one of them
 * from orders, fills and the ledger: an upgraded database shows exactly what a database created on 0004 shows
 */
import { afterEach, describe, expect, it } from 'vitest';
import { usdc } from '../../src/domain/money.ts';
import { openPglite, type Db, type Sql } from '../../src/store/db.ts';
import { balancesOf } from '../../src/store/ledger-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { qualityRows } from '../../src/store/quality-store.ts';
import { createLtWorld, type LtWorld } from '../support/lt-world.ts';
import { backendName } from '../support/test-db.ts';

const BEFORE = '0003_execution_quality';
/** Every column the view derives, as text, in a stable order */
const FACTS = `SELECT lt_order_id, leg, status, filled_size::text, executed_price::text, slippage_pct::text, fill_rate::text,
  realized_pnl::text, outcome, settled, held::text, cost_delta::text FROM lt_order_facts ORDER BY created_at, leg, lt_order_id`;

/** The copies of order facts the 0003 schema stored, read back from their sources */
const OLD_COLUMNS: Record<string, string> = {
  lt_orders: `SELECT l.*, f.status, f.executed_price, f.slippage_pct, f.fill_rate, f.realized_pnl, f.outcome
    FROM lt_orders l JOIN lt_order_facts f ON f.lt_order_id = l.lt_order_id`,
  lt_execution_quality: 'SELECT q.*, o.status FROM lt_execution_quality q JOIN orders o ON o.order_id = q.order_id',
};

/** Copies every table's rows from `from` into `to` (foreign keys off while copying), with the old schema's copies */
async function copyInto(from: Sql, to: Db): Promise<void> {
  const tables = await to.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`);
  await to.transaction(async (tx) => {
    await tx.query("SET LOCAL session_replication_role = 'replica'");
    for (const { name } of tables) {
      const read = OLD_COLUMNS[name] ?? `SELECT * FROM ${name}`;
      const [r] = await from.query<{ rows: string }>(`SELECT coalesce(json_agg(t), '[]')::text AS rows FROM (${read}) t`);
      await tx.query(`INSERT INTO ${name} SELECT * FROM json_populate_recordset(null::${name}, $1::json)`, [r!.rows]);
    }
  });
}

describe(`migration 0004 on an existing database (${backendName})`, () => {
  let w: LtWorld;
  let old: Db | null = null;
  afterEach(async () => {
    await old?.close();
    await w?.close();
  });

  it('keeps every per-order figure and balance: lt_order_facts of the upgraded database equals the new one', async () => {
    // A buy, a partial exit at a profit, a second signal that rests unfilled and is cancelled, then YES wins
    w = await createLtWorld({ settings: { order_ttl_seconds: 60 } });
    w.asks([['0.50', '20']]);
    await w.buySignal({ price: 0.5, size: 100 });
    await w.execute();
    w.bids([['0.60', '100']]);
    w.ft.clock.advance(1000);
    await w.sellSignal({ price: 0.6, size: 40 });
    await w.execute();
    await w.buySignal({ price: 0.4 }); // no ask at 0.40: it rests, then the TTL cancels it
    await w.execute();
    w.ft.clock.advance(61_000);
    await w.sync();
    await w.marketResolves([1_000000n, 0n]);
    await w.sync();
    await w.resolve();
    const db = w.ft.t.db;
    const facts = await db.query(FACTS);
    expect(facts.map((f) => [f.leg === 'entry' ? 'entry' : 'exit', f.status, f.outcome])).toEqual([
      ['entry', 'filled', 'WON'], ['entry', 'cancelled', 'NONE'], ['exit', 'filled', 'SOLD']]);

    old = await openPglite('memory://');
    expect((await migrate(old, { until: BEFORE })).applied.at(-1)).toBe(BEFORE);
    await copyInto(db, old);
    const [stored] = await old.query<{ n: number }>("SELECT count(*)::int AS n FROM lt_orders WHERE outcome = 'WON'");
    expect(stored!.n).toBe(1); // the old schema holds the stored copy
    expect((await migrate(old)).applied[0]).toBe('0004_one_owner_per_fact'); // later migrations follow it
    expect(await old.query(FACTS)).toEqual(facts);
    const live = await balancesOf(db, w.userId, w.strategyId, 'live');
    expect(await balancesOf(old, w.userId, w.strategyId, 'live')).toEqual(live);
    expect(live.realizedPnl).toBeGreaterThan(usdc('0'));
    const quality = await qualityRows(db, w.userId, w.strategyId, false);
    expect(quality.map((q) => q.status).sort()).toEqual(['cancelled', 'filled', 'filled']);
    expect(await qualityRows(old, w.userId, w.strategyId, false)).toEqual(quality);
  });
});
