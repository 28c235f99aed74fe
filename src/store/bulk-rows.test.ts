/** insertRows stores exactly the values given, by COPY (PGlite) or by INSERT (PostgreSQL): text, NULLs, numbers, times */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName, openTestDb, type TestDb } from '../../test/support/test-db.ts';
import { insertRows, toCsv, type BulkColumn, type BulkValue } from './bulk-rows.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  await t.db.exec(`CREATE TABLE bulk_probe (id int PRIMARY KEY, label text, note text NOT NULL DEFAULT 'dflt', amount numeric(20, 6),
    at timestamptz, ref uuid)`);
});
afterAll(async () => t?.close());

const COLUMNS: BulkColumn[] = [{ name: 'id', type: 'int' }, { name: 'label', type: 'text' }, { name: 'amount', type: 'numeric' },
  { name: 'at', type: 'timestamptz' }, { name: 'ref', type: 'uuid' }];

type Row = { id: number; label: string | null; note: string; amount: string | null; at: string | null; ref: string | null };

async function stored(): Promise<Row[]> {
  return t.db.query<Row>(`SELECT id, label, note, amount::text AS amount, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
    ref::text AS ref FROM bulk_probe ORDER BY id`);
}

describe(`insertRows (${backendName})`, () => {
  it('goes by COPY on PGlite, by INSERT on PostgreSQL', () => {
    expect(typeof t.db.copyCsv).toBe(t.db.kind === 'pglite' ? 'function' : 'undefined');
  });

  it('stores text with quotes, commas, line breaks and backslashes as given; an empty string stays one, NULL stays NULL', async () => {
    await t.db.exec('TRUNCATE bulk_probe');
    const labels = ['plain', '', null, 'a,b', 'say "hi"', 'line\nbreak\r\nend', '\\.', 'back\\slash', 'ünïcödé ✓', ' lead', '"', ','];
    const rows: BulkValue[][] = labels.map((label, i) => [i, label, i % 2 === 0 ? '1.500000' : null,
      i % 3 === 0 ? '2026-12-05T15:00:00.123Z' : null, i === 1 ? '0b9f6c6e-1a3c-4c11-9a51-5d2c1f4f7e01' : null]);
    await insertRows(t.db, 'bulk_probe', COLUMNS, rows);
    const back = await stored();
    expect(back.map((r) => r.label)).toEqual(labels);
    // A column left out takes its default
    expect(new Set(back.map((r) => r.note))).toEqual(new Set(['dflt']));
    expect(back[0]).toMatchObject({ amount: '1.500000', at: '2026-12-05T15:00:00.123Z' });
    expect(back[1]).toMatchObject({ amount: null, at: null, ref: '0b9f6c6e-1a3c-4c11-9a51-5d2c1f4f7e01' });
  });

  it('stores any text and decimal as given (property)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ label: fc.option(fc.string({ unit: fc.constantFrom('a', 'é', '"', ',', '\n', '\r', '\\', '.', ' ', '✓', "'", '\t') }), { nil: null }),
        amount: fc.option(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), { nil: null }) }), { maxLength: 30 }),
      async (input) => {
        await t.db.exec('TRUNCATE bulk_probe');
        const text = (v: bigint) => `${v < 0n ? '-' : ''}${(v < 0n ? -v : v) / 1_000_000n}.${String((v < 0n ? -v : v) % 1_000_000n).padStart(6, '0')}`;
        await insertRows(t.db, 'bulk_probe', COLUMNS, input.map((r, i) => [i, r.label, r.amount === null ? null : text(r.amount), null, null]));
        const back = await stored();
        expect(back.map((r) => r.label)).toEqual(input.map((r) => r.label));
        expect(back.map((r) => r.amount)).toEqual(input.map((r) => (r.amount === null ? null : text(r.amount))));
      }), { numRuns: 40 });
  });

  it('fails the statement on a duplicate key: nothing is skipped', async () => {
    await t.db.exec('TRUNCATE bulk_probe');
    await insertRows(t.db, 'bulk_probe', COLUMNS, [[1, 'a', null, null, null]]);
    await expect(insertRows(t.db, 'bulk_probe', COLUMNS, [[2, 'b', null, null, null], [1, 'again', null, null, null]])).rejects.toThrow(/duplicate key/);
    expect((await stored()).map((r) => r.label)).toEqual(['a']);
  });

  it('refuses a row whose width is not the columns\', an undefined value and a number a column cannot hold', async () => {
    expect(() => toCsv([[1, 'a']], 3)).toThrow(/row 0 has 2 values for 3 columns/);
    expect(() => toCsv([[Number.NaN]], 1)).toThrow(/not a number/);
    await expect(insertRows(t.db, 'bulk_probe', COLUMNS, [[9, 'short']])).rejects.toThrow(/row 0 has 2 values for 5 columns/);
    await expect(insertRows(t.db, 'bulk_probe', COLUMNS, [[9, undefined as unknown as BulkValue, null, null, null]]))
      .rejects.toThrow(/undefined/);
  });
});
