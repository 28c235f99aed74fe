// @backend-independent
/**
 * Migration 0005 on a database written before it: an existing LT strategy keeps the fixed percentage, priced
 * exactly as before; the schema refuses a mode without its parameter
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tolerancePolicyOf } from '../../src/domain/lt-strategy.ts';
import { price } from '../../src/domain/money.ts';
import { allowanceFor, limitPriceFor, toleranceOf } from '../../src/domain/tolerance.ts';
import { openPglite, type Db } from '../../src/store/db.ts';
import { getLtStrategy } from '../../src/store/lt-strategy-store.ts';
import { migrate } from '../../src/store/migrate.ts';

const USER = '00000000-0000-4000-8000-000000000001';

describe('migration 0005 on an existing database (pglite)', { timeout: 120_000 }, () => {
  let db: Db | null = null;
  afterEach(async () => db?.close());

  it('keeps existing strategies on fixed_pct with their percentage, and refuses ticks without tolerance_ticks', async () => {
    db = await openPglite('memory://');
    expect((await migrate(db, { until: '0004_one_owner_per_fact' })).applied.at(-1)).toBe('0004_one_owner_per_fact');
    await db.query(`INSERT INTO users (user_id, name, token_hash) VALUES ($1, 'old', 'h')`, [USER]);
    await db.query(`INSERT INTO ft_wallets (wallet_id, config_id, display_name) VALUES ('FT_OLD', 'c', 'old')`);
    await db.query(`INSERT INTO lt_strategies (user_id, strategy_id, ft_wallet_id, starting_capital, slippage_tolerance_pct,
      peak_equity) VALUES ($1, 'LT_FT_OLD', 'FT_OLD', 100, 1.5, 100)`, [USER]);
    expect((await migrate(db)).applied[0]).toBe('0005_dynamic_tolerance');
    const s = (await getLtStrategy(db, USER, 'LT_FT_OLD'))!;
    expect([s.toleranceMode, s.toleranceTicks, s.toleranceSpreadMultiple, s.slippageTolerancePct]).toEqual(['fixed_pct', null, null, 1_500000n]);
    const quote = { tick: 10_000n, bestBid: price('0.49'), bestAsk: price('0.51') };
    expect(allowanceFor(tolerancePolicyOf(s), 'BUY', price('0.5'), quote).limit)
      .toBe(limitPriceFor('BUY', price('0.5'), toleranceOf(1_500000n), 10_000n));
    await expect(db.query(`UPDATE lt_strategies SET tolerance_mode = 'ticks' WHERE user_id = $1`, [USER])).rejects.toThrow(/tolerance_parameter/);
  });
});
