/** The non-terminal statuses, as the stores spell them (NOT_TERMINAL_SQL), are the ones the `orders_open` index covers */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { NOT_TERMINAL, TERMINAL, LT_ORDER_STATUSES } from '../domain/lt-order.ts';
import { NOT_TERMINAL_SQL } from './lt-order-store.ts';

describe('NOT_TERMINAL', () => {
  let t: TestDb;
  beforeAll(async () => { t = await openTestDb(); });
  afterAll(() => t.close());

  it('is every status but the terminal ones, and the SQL list names the same', () => {
    expect([...NOT_TERMINAL, ...TERMINAL].sort()).toEqual([...LT_ORDER_STATUSES].sort());
    expect(NOT_TERMINAL_SQL).toBe("('pending', 'unknown', 'open', 'partially_filled', 'lost')");
  });

  it('is the predicate of the orders_open index, so `status IN NOT_TERMINAL_SQL` can use it', async () => {
    const [row] = await t.db.query<{ pred: string }>(
      `SELECT pg_get_expr(i.indpred, i.indrelid) AS pred FROM pg_index i WHERE i.indexrelid = 'orders_open'::regclass`);
    const statuses = [...row!.pred.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]);
    expect(statuses.sort()).toEqual([...NOT_TERMINAL].sort());
  });
});
