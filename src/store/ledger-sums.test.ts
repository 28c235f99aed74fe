/**
 * ledger_sums (migration 0010), the read model behind every balance: after bulk and single appends of every kind on
 * both books of two strategies, replayed refs, and a rolled-back transaction, ledgerSums (the read model) equals the
 * recomputation from every entry; entries booked before the migration are backfilled; the ledger refuses changes
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, openTestDb, TEST_DATABASE_URL, type TestDb } from '../../test/support/test-db.ts';
import { seedLtOrders, type SeededStrategy } from '../bench/dashboard-seed.ts';
import { scratchDatabase } from '../bench/scratch-db.ts';
import type { LedgerKind } from '../domain/ledger.ts';
import type { Usdc } from '../domain/money.ts';
import { openDb, type Db } from './db.ts';
import { appendEntries, ledgerSums, ledgerSumsRecomputed, type Book, type LedgerWrite } from './ledger-store.ts';
import { migrate } from './migrate.ts';
import { createUser } from './user-store.ts';

const KINDS: LedgerKind[] = ['deposit', 'withdrawal', 'reserve', 'release', 'buy_fill', 'sell_fill', 'fee', 'settlement', 'redemption'];
const BOOKS: Book[] = ['live', 'shadow'];
const quiet = () => undefined;

/** A deterministic pseudo-random stream (mulberry32), so a failure replays */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` entries of random kinds, books and amounts (micro-USDC, some with a cost basis) for `s`; refs from a small pool repeat */
function randomEntries(s: SeededStrategy, n: number, next: () => number, tag: string): LedgerWrite[] {
  return Array.from({ length: n }, () => {
    const kind = KINDS[Math.floor(next() * KINDS.length)]!;
    const withBasis = kind === 'sell_fill' || kind === 'settlement';
    return { userId: s.userId, strategyId: s.strategyId, book: BOOKS[Math.floor(next() * 2)]!, kind,
      amount: BigInt(Math.floor(next() * 50_000_000)) as Usdc,
      costBasis: withBasis ? (BigInt(Math.floor(next() * 30_000_000)) as Usdc) : null,
      ref: `${tag}:${Math.floor(next() * 400)}`, createdAt: new Date('2026-03-01T00:00:00Z') };
  });
}

async function expectSumsMatch(db: Db, strategies: SeededStrategy[]): Promise<number> {
  let kinds = 0;
  for (const s of strategies) {
    for (const book of BOOKS) {
      const reference = await ledgerSumsRecomputed(db, s.userId, s.strategyId, book);
      expect(await ledgerSums(db, s.userId, s.strategyId, book)).toEqual(reference);
      kinds += Object.keys(reference).length;
    }
  }
  return kinds;
}

/** A second launched strategy beside the seeded one: the same strategy row under another user */
async function secondStrategy(db: Db, first: SeededStrategy): Promise<SeededStrategy> {
  const { user } = await createUser(db, 'second');
  const cols = await db.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns
    WHERE table_name = 'lt_strategies' AND column_name <> 'user_id' ORDER BY ordinal_position`);
  const names = cols.map((c) => c.column_name).join(', ');
  await db.query(`INSERT INTO lt_strategies (user_id, ${names}) SELECT $2, ${names} FROM lt_strategies
    WHERE user_id = $1 AND strategy_id = $3`, [first.userId, user.userId, first.strategyId]);
  return { ...first, userId: user.userId };
}

describe(`ledger_sums read model (${backendName})`, () => {
  let t: TestDb;
  let strategies: SeededStrategy[];

  beforeAll(async () => {
    t = await openTestDb();
    const first = await seedLtOrders(t.db, 300, quiet); // bulk appends: reserve, release, buy_fill per order
    strategies = [first, await secondStrategy(t.db, first)];
  }, 120_000);
  afterAll(async () => t?.close());

  it('equals the recomputation from every entry after random appends of every kind, replays and a rollback', async () => {
    const next = rng(13);
    for (let round = 0; round < 12; round++) {
      const s = strategies[round % 2]!;
      const batch = randomEntries(s, 40, next, `r${round % 4}`); // refs repeat across rounds: replays book nothing
      if (round % 3 === 0) await t.db.transaction(async (tx) => void (await appendEntries(tx, batch)));
      else for (const e of batch) await appendEntries(t.db, [e]);
    }
    const rolledBack = randomEntries(strategies[0]!, 30, next, 'rollback');
    await expect(t.db.transaction(async (tx) => {
      expect((await appendEntries(tx, rolledBack)).length).toBeGreaterThan(0);
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    const kinds = await expectSumsMatch(t.db, strategies);
    expect(kinds).toBeGreaterThan(KINDS.length); // both books, most kinds, were booked
    const [n] = await t.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ledger_entries WHERE ref LIKE 'rollback:%'`);
    expect(n!.n).toBe('0');
  });

  it('refuses to change or remove an entry, so the sums cannot drift', async () => {
    await expect(t.db.query(`UPDATE ledger_entries SET amount = amount + 1 WHERE kind = 'reserve'`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM ledger_entries WHERE kind = 'reserve'`)).rejects.toThrow(/append-only/);
    await expect(t.db.exec('TRUNCATE ledger_entries')).rejects.toThrow(/append-only/);
    await expectSumsMatch(t.db, strategies);
  });
});

describe(`ledger_sums backfill (${backendName})`, () => {
  it('a database with entries booked before migration 0010 reads the same sums after it', async () => {
    const scratch = TEST_DATABASE_URL ? await scratchDatabase(TEST_DATABASE_URL) : null;
    const db = await openDb(scratch ? { databaseUrl: scratch.url } : { dataDir: 'memory://' });
    try {
      await migrate(db, { until: '0009_ownership' });
      const s = await seedLtOrders(db, 200, quiet);
      await appendEntries(db, randomEntries(s, 60, rng(7), 'old'));
      const before = await ledgerSumsRecomputed(db, s.userId, s.strategyId, 'live');
      expect(Object.keys(before).length).toBeGreaterThan(3);
      await migrate(db);
      expect(await ledgerSums(db, s.userId, s.strategyId, 'live')).toEqual(before);
      expect(await ledgerSums(db, s.userId, s.strategyId, 'shadow')).toEqual(
        await ledgerSumsRecomputed(db, s.userId, s.strategyId, 'shadow'));
    } finally {
      await db.close();
      await scratch?.drop();
    }
  }, 120_000);
});
