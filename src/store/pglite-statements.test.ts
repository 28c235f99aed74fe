// @backend-independent
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type PgliteDb } from './db.ts';
import { MAX_STATEMENTS } from './pglite-statements.ts';

const prepared = async (db: PgliteDb) =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements'))[0]!.n;

describe('PGlite queries through named statements', () => {
  let db: PgliteDb;
  beforeAll(async () => {
    db = await openPglite('memory://');
    await db.exec('CREATE TABLE k (id int PRIMARY KEY, note text)');
  });
  afterAll(() => db.close());

  it('returns what PGlite\'s own query returns, for every parameter and column type the store uses', async () => {
    const text = `SELECT $1::timestamptz AS t, $2::bool AS b, $3::int AS i, $4::jsonb AS j, $5::numeric AS n, $6::bigint AS big,
      $7::text[] AS arr, $8::uuid AS u, NULL::text AS nul, $9::text AS s, 1.5::float8 AS f, ARRAY[1, 2]::int[] AS ia,
      '{"a": 1}'::json AS js, $10::numeric[] AS na`;
    const params = [new Date('2026-01-02T03:04:05.678Z'), true, 42, { x: [1, 'a'] }, '12.345000', 9007199254740993n,
      ['a', 'b,c', null, 'd"e'], '11111111-1111-1111-1111-111111111111', "it's", ['1.5', '2']];
    const raw = await PGlite.create('memory://', { parsers: { [types.INT8]: (v: string) => v, [types.NUMERIC]: (v: string) => v } });
    try {
      const expected = (await raw.query(text, params)).rows;
      expect(await db.query(text, params)).toEqual(expected);
      expect(await db.query(text, params)).toEqual(expected); // the second time, from the named statement
    } finally {
      await raw.close();
    }
  });

  it('keeps a statement usable after a rolled-back transaction, and an error inside one rolls it back', async () => {
    await expect(db.transaction(async (tx) => {
      await tx.query('INSERT INTO k (id) VALUES ($1)', [1]);
      expect(await tx.query('SELECT count(*)::int AS n FROM k')).toEqual([{ n: 1 }]); // its own uncommitted row
      throw new Error('abandon');
    })).rejects.toThrow('abandon');
    expect(await db.query('SELECT count(*)::int AS n FROM k')).toEqual([{ n: 0 }]);
    await db.query('INSERT INTO k (id) VALUES ($1)', [2]);
    await expect(db.transaction((tx) => tx.query('INSERT INTO k (id) VALUES ($1)', [2]))).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT id FROM k ORDER BY id')).toEqual([{ id: 2 }]);
  });

  it('a query outside waits for an open transaction, as with PGlite\'s query', async () => {
    let outside: Promise<unknown> | null = null;
    const order: string[] = [];
    await db.transaction(async (tx) => {
      await tx.query('UPDATE k SET note = $1 WHERE id = $2', ['in', 2]);
      outside = db.query<{ note: string }>('SELECT note FROM k WHERE id = $1', [2]).then((r) => order.push(`outside ${r[0]!.note}`));
      await new Promise((r) => setImmediate(r));
      order.push('commit');
    });
    await outside;
    expect(order).toEqual(['commit', 'outside in']);
  });

  it('drops its statements when the schema changes, so a column added is seen', async () => {
    expect(await db.query('SELECT * FROM k')).toEqual([{ id: 2, note: 'in' }]);
    await db.query("ALTER TABLE k ADD COLUMN extra text DEFAULT 'z'");
    expect(await db.query('SELECT * FROM k')).toEqual([{ id: 2, note: 'in', extra: 'z' }]);
    await db.exec('ALTER TABLE k DROP COLUMN extra');
    expect(await db.query('SELECT * FROM k')).toEqual([{ id: 2, note: 'in' }]);
  });

  it('reports errors with their codes and goes on', async () => {
    await expect(db.query('SELEC 1')).rejects.toMatchObject({ code: '42601' });
    await expect(db.query('SELECT nope FROM k')).rejects.toMatchObject({ code: '42703' });
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it(`keeps at most ${MAX_STATEMENTS} statements, the least recently used closed first`, async () => {
    for (let i = 0; i < MAX_STATEMENTS + 50; i++) expect(await db.query(`SELECT ${i} AS v`)).toEqual([{ v: i }]);
    expect(await prepared(db)).toBeLessThanOrEqual(MAX_STATEMENTS);
  });
});

describe('PGlite on disk through named statements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-stmt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what was written outside and inside transactions after a close and reopen', async () => {
    const first = await openPglite(join(dir, 'db'));
    await first.exec('CREATE TABLE w (id int PRIMARY KEY)');
    await first.query('INSERT INTO w VALUES ($1)', [1]);
    await first.transaction((tx) => tx.query('INSERT INTO w VALUES ($1)', [2]));
    await first.close();
    const again = await openPglite(join(dir, 'db'));
    try {
      expect(await again.query('SELECT id FROM w ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await again.close();
    }
  });
});
