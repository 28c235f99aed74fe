/**
 * The FT configuration version (migration 0025) and the executor's kept configuration (keptFtConfig): a configuration
 * is read again exactly when the version moved, and the version moves with every change but FT's sync bookkeeping
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, backendName, type TestDb } from '../../test/support/test-db.ts';
import { parseFtWallet } from '../domain/ft-wallet.ts';
import type { LtStrategy } from '../domain/lt-strategy.ts';
import type { Sql } from '../store/db.ts';
import { getWallet, insertWallet, markWalletsSynced, updateWallet } from '../store/wallet-store.ts';
import { keptFtConfig } from './lt-ft-config.ts';

const ID = 'FT_VERSIONED';

describe(`the FT configuration version and the executor's kept configuration (${backendName})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
    await insertWallet(t.db, parseFtWallet({ wallet_id: ID, use_model: false, price_max: '0.6' }, new Date('2026-01-01T00:00:00Z')));
  });
  afterAll(() => t?.close());

  const version = async () => (await t.db.query<{ v: string }>('SELECT config_version::text AS v FROM ft_wallets WHERE wallet_id = $1', [ID]))[0]!.v;

  it('rises with a change to the configuration, not with a sync time, an unchanged save, or a write of the version itself', async () => {
    expect(await version()).toBe('0');
    await markWalletsSynced(t.db, [ID], new Date('2026-01-02T00:00:00Z'));
    expect(await version()).toBe('0');
    const w = (await getWallet(t.db, ID))!;
    await updateWallet(t.db, w); // the same settings saved again (updated_at moves)
    expect(await version()).toBe('0');
    await updateWallet(t.db, { ...w, priceMax: 700000n });
    expect(await version()).toBe('1');
    await t.db.query('UPDATE ft_wallets SET config_version = 0 WHERE wallet_id = $1', [ID]);
    expect(await version()).toBe('1');
    await t.db.query('UPDATE ft_wallets SET description = $2 WHERE wallet_id = $1', [ID, 'edited by hand']);
    expect(await version()).toBe('2');
  });

  it('is read again only when the version moved', async () => {
    let reads = 0;
    const counted: Sql = { query: (text, params, options) => { reads += 1; return t.db.query(text, params, options); }, exec: (text) => t.db.exec(text) };
    const s = { userId: randomUUID(), strategyId: `LT_${ID}`, ftWalletId: ID, launchedAt: null, syncFtChanges: true } as unknown as LtStrategy;
    const first = await keptFtConfig(counted, s, await version());
    expect(await keptFtConfig(counted, s, await version())).toEqual(first);
    expect(reads).toBe(1);
    await updateWallet(t.db, { ...first, priceMax: 800000n });
    expect((await keptFtConfig(counted, s, await version())).priceMax).toBe(800000n);
    expect(reads).toBe(2);
    await keptFtConfig(counted, s, undefined); // no version: always read
    expect(reads).toBe(3);
  });
});
