/** Invariants that hold by construction: migrations replay on an empty database (INV-33), units are types (INV-23) */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { costOf, price, shares, usdc, type Shares, type Usdc } from '../../src/domain/money.ts';
import { openPglite } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { backendName, openTestDb } from '../support/test-db.ts';

/** Every migration file, in file-name order: each must be applied, once */
const MIGRATIONS = readdirSync(fileURLToPath(new URL('../../src/store/migrations/', import.meta.url)))
  .filter((f) => f.endsWith('.sql')).sort().map((f) => f.replace(/\.sql$/, ''));

describe(`static invariants (${backendName})`, () => {
  it('INV-33: every migration applies to an empty database, in order, once', async () => {
    const fresh = await openPglite('memory://');
    try {
      const first = await migrate(fresh);
      expect(first.applied).toEqual(MIGRATIONS);
      expect(first.applied.slice(0, 4)).toEqual(['0001_foundation', '0002_live_trading', '0003_execution_quality', '0004_one_owner_per_fact']);
      expect((await migrate(fresh)).applied).toEqual([]);
    } finally {
      await fresh.close();
    }
    const t = await openTestDb(); // the same files on this backend (PostgreSQL 15 in CI)
    try {
      const rows = await t.db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS);
    } finally {
      await t.close();
    }
  });

  it('INV-23: shares, USDC and prices are distinct types the compiler keeps apart', () => {
    const size: Shares = shares('10');
    const cost: Usdc = costOf(size, price('0.55'));
    // @ts-expect-error shares are not USDC
    const wrong: Usdc = size;
    // @ts-expect-error USDC is not a price
    costOf(size, usdc('0.5'));
    expect([cost, wrong]).toEqual([usdc('5.5'), shares('10')]);
  });
});
